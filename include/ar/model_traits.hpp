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
#include <span>
#include <string_view>
#include <type_traits>

namespace ar {

// A type declared with AR_MODEL.
template <class T>
concept model = requires { T::ar_model_definition(); } &&
                !std::is_same_v<decltype(T::ar_model_definition()), detail::invalid_field>;

// The compile-time definition of a model: table, columns, primary key.
template <model M>
using model_of = decltype(M::ar_model_definition());

// The C++ type of a model's primary key.
template <model M>
using key_type_of = typename model_of<M>::primary_key::type;

// The run-time description of a model's table, for the non-template parts of ar (SQL rendering).
struct column_meta {
  std::string_view field;
  std::string_view column;  // as declared; SQL names it through detail::column_name (naming conventions)
  value_type type;
  bool nullable;
  bool named;  // AR_COLUMN gave the name: used as written
};

struct table_meta {
  std::string_view table;
  std::span<const column_meta> columns;
  std::size_t primary_key;
  bool generated_key;
  name_style naming;  // AR_NAMING's style, else as_declared

  constexpr const column_meta& key() const noexcept { return columns[primary_key]; }
};

namespace detail {
template <class Def, class Columns = typename Def::columns>
inline constexpr auto column_metas_v = 0;
template <class Def, class... C>
inline constexpr std::array<column_meta, sizeof...(C)> column_metas_v<Def, type_list<C...>>{
    column_meta{C::name, C::column, C::kind, C::nullable, C::given}...};
}  // namespace detail

template <model M>
inline constexpr table_meta table_meta_v{model_of<M>::table, detail::column_metas_v<model_of<M>>,
                                         model_of<M>::primary_key_index, model_of<M>::generated_key,
                                         model_of<M>::naming};

// The primary key of a record.
template <model M>
constexpr const key_type_of<M>& primary_key(const M& record) noexcept {
  return record.*model_of<M>::primary_key::pointer;
}
template <model M>
constexpr key_type_of<M>& primary_key(M& record) noexcept {
  return record.*model_of<M>::primary_key::pointer;
}

}  // namespace ar

#endif  // AR_MODEL_TRAITS_HPP
