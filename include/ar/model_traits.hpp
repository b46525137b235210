#ifndef AR_MODEL_TRAITS_HPP
#define AR_MODEL_TRAITS_HPP

// What ar knows of a model type (a struct declared with AR_MODEL, see ar/model.hpp): the concept
// ar::model, its compile-time definition (model_of), its key type, the run-time description of its
// table (table_meta_v) and its primary key. The reflection layer: everything above it (expressions,
// SQL, execution, relations) reads models through these.

#include <ar/detail/model_def.hpp>
#include <ar/value.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <type_traits>

namespace ar {

// A string literal as a template argument: ar::with_path<"posts.comments">, ar::joins<"posts">,
// ar::joined<"manager">(column).
template <std::size_t N>
struct fixed_string {
  // The characters, with the literal's closing NUL.
  char chars[N]{};
  // From a string literal (implicit, so that a literal can be the template argument).
  constexpr fixed_string(const char (&text)[N]) {
    for (std::size_t i = 0; i < N; ++i) chars[i] = text[i];
  }
  // The text, without the NUL.
  constexpr std::string_view view() const { return {chars, N - 1}; }
  // The first '.' at or after `from`, or the length (plain loops: UBSan's checks keep
  // string_view::find out of constant expressions).
  constexpr std::size_t dot_from(std::size_t from) const {
    for (std::size_t i = from; i + 1 < N; ++i)
      if (chars[i] == '.') return i;
    return N - 1;
  }
  // How many names the path has (dots + 1).
  constexpr std::size_t names() const {
    std::size_t n = 1;
    for (std::size_t i = 0; i + 1 < N; ++i)
      if (chars[i] == '.') ++n;
    return n;
  }
  // Whether the characters [begin, end) spell `name`.
  constexpr bool same(std::size_t begin, std::size_t end, std::string_view name) const {
    if (end - begin != name.size()) return false;
    for (std::size_t i = 0; i < name.size(); ++i)
      if (chars[begin + i] != name[i]) return false;
    return true;
  }
  // Whether the whole text is `other`.
  constexpr bool equals(std::string_view other) const {
    if (other.size() != N - 1) return false;
    for (std::size_t i = 0; i + 1 < N; ++i)
      if (chars[i] != other[i]) return false;
    return true;
  }
};

// A type declared with AR_MODEL.
template <class T>
concept model = requires { T::ar_model_definition(); } &&
                !std::is_same_v<decltype(T::ar_model_definition()), detail::invalid_field>;

// The compile-time definition of a model: table, columns, primary key.
template <model M>
using model_of = decltype(M::ar_model_definition());

namespace detail {
// Whether AR_FIELDS of model M lists a field of this name (AR_MODEL's relation checks, which spell
// the name in their message).
template <model M>
constexpr bool lists_field(std::string_view name) {
  return []<class... C>(type_list<C...>, std::string_view n) { return ((C::name == n) || ...); }(
             typename model_of<M>::columns{}, name);
}
}  // namespace detail

// The C++ type of a model's primary key.
template <model M>
using key_type_of = typename model_of<M>::primary_key::type;

// The run-time description of a model's table, for the non-template parts of ar (SQL rendering).
struct column_meta {
  // The field's name, as declared in AR_FIELDS.
  std::string_view field;
  std::string_view column;  // as declared; SQL names it through detail::column_name (naming conventions)
  // The type of value it stores.
  value_type type;
  // Whether the field is a std::optional (the column takes NULL).
  bool nullable;
  bool named;  // AR_COLUMN gave the name: used as written
  // A decimal column's declared NUMERIC(precision, scale) (ar::numeric<P, S>); 0 and 0 for none.
  std::uint8_t precision = 0;
  // The declared NUMERIC's scale; 0 for none.
  std::uint8_t scale = 0;
  value_range range = value_range::stored;  // a mapped type's values, when fewer than its stored type's
};

// A model's table: its name, its columns and its key, for the non-template parts of ar.
struct table_meta {
  // The table's name, as declared.
  std::string_view table;
  // Its columns, in field order.
  std::span<const column_meta> columns;
  std::size_t primary_key;  // the key's column; of a composite key, its first
  // Whether the database generates the key (an integer key the program does not supply).
  bool generated_key;
  name_style naming;  // AR_NAMING's style, else as_declared
  // Every key column, in key order: one, or the fields of AR_PRIMARY_KEY(a, b, ...).
  std::span<const std::size_t> key_columns;
  // AR_LOCK_VERSION's column, or no_lock_version.
  std::size_t lock_version = no_lock_version;

  // The value of lock_version when the model has no AR_LOCK_VERSION.
  static constexpr std::size_t no_lock_version = static_cast<std::size_t>(-1);
  // Whether the model has AR_LOCK_VERSION.
  constexpr bool locked() const noexcept { return lock_version != no_lock_version; }

  // The key's column; of a composite key, its first.
  constexpr const column_meta& key() const noexcept { return columns[primary_key]; }
  // Whether the key has several columns (AR_PRIMARY_KEY(a, b, ...)).
  constexpr bool composite_key() const noexcept { return key_columns.size() > 1; }
  // Whether the column at this position is one of the key's.
  constexpr bool is_key(std::size_t column) const noexcept {
    for (std::size_t k : key_columns)
      if (k == column) return true;
    return false;
  }
};

namespace detail {
template <class Def, class Columns = typename Def::columns>
inline constexpr auto column_metas_v = 0;
template <class Def, class... C>
inline constexpr std::array<column_meta, sizeof...(C)> column_metas_v<Def, type_list<C...>>{
    column_meta{C::name, C::column, C::kind, C::nullable, C::given,
                static_cast<std::uint8_t>(declared_numeric<typename C::type>::precision),
                static_cast<std::uint8_t>(declared_numeric<typename C::type>::scale), C::traits::range}...};
}  // namespace detail

// The table_meta of model M, a constant.
template <model M>
inline constexpr table_meta table_meta_v{model_of<M>::table,
                                         detail::column_metas_v<model_of<M>>,
                                         model_of<M>::primary_key_index,
                                         model_of<M>::generated_key,
                                         model_of<M>::naming,
                                         model_of<M>::key_indices,
                                         model_of<M>::lock_version_index};

// The primary key of a record: its key field, or for a composite key (AR_PRIMARY_KEY(a, b)) a
// std::tuple of its key fields' values, in key order.
template <model M>
constexpr decltype(auto) primary_key(const M& record) {
  if constexpr (model_of<M>::key_arity == 1)
    return (record.*model_of<M>::primary_key::pointer);
  else
    return model_of<M>::primary_key::get(record);
}
// The key field itself, writable (a key of one field).
template <model M>
  requires(model_of<M>::key_arity == 1)
constexpr key_type_of<M>& primary_key(M& record) noexcept {
  return record.*model_of<M>::primary_key::pointer;
}

}  // namespace ar

#endif  // AR_MODEL_TRAITS_HPP
