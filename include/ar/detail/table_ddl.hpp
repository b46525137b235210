#ifndef AR_DETAIL_TABLE_DDL_HPP
#define AR_DETAIL_TABLE_DDL_HPP

// What create_table declares of a model's table besides its columns and key, read from AR_MODEL
// once per model into constants (table_ddl_v<M>) that the SQL rendering (src/sql/ddl_sql.cpp) reads:
// the foreign keys of its belongs_to relations (and the (type, id) pair of a morph_to, indexed but
// never constrained), AR_UNIQUE and AR_INDEX, AR_DEFAULT, and the values an ar enum column takes.
// Instantiated only by create_table / create_tables / drop_tables, where every target is complete.

#include <ar/enum.hpp>
#include <ar/model_traits.hpp>
#include <ar/value.hpp>

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string_view>
#include <type_traits>
#include <vector>

namespace ar::detail {

// A foreign key: its columns on the table, and the table and columns it refers to.
struct foreign_key_ddl {
  std::span<const std::size_t> columns;
  const table_meta* target = nullptr;  // nullptr: polymorphic (morph_to), which no constraint can express
  std::span<const std::size_t> target_columns;
  // Whether a FOREIGN KEY constraint may be declared (made only when the target is on the same
  // database): not for AR_NO_FOREIGN_KEY, a morph_to, or an AR_OWNER_KEY that no AR_UNIQUE of the
  // target makes unique (every database refuses a constraint to columns that are not unique).
  bool constraint = true;
  std::string_view relation;  // the belongs_to's name, for messages
  // Whether create_table indexes the foreign key (false: AR_NO_INDEX, or a migration column's
  // without_index()).
  bool indexed = true;
};

struct index_ddl {
  std::span<const std::size_t> columns;
  bool unique;
};

// One per column: its AR_DEFAULT value, and the stored values of an ar enum (a CHECK).
struct column_ddl {
  value (*default_value)() = nullptr;
  std::vector<value> (*allowed)() = nullptr;
  // A default known only when the program runs (a migration's column_spec::default_to), used when
  // default_value is null.
  const value* given_default = nullptr;
};

struct table_ddl {
  const table_meta* table;
  std::span<const foreign_key_ddl> foreign_keys;
  std::span<const index_ddl> indexes;  // AR_UNIQUE and AR_INDEX, in declaration order
  std::span<const column_ddl> columns;
};

template <model M>
inline constexpr auto field_names_v = []<class... C>(type_list<C...>) {
  return std::array<std::string_view, sizeof...(C)>{C::name...};
}(typename model_of<M>::columns{});

template <model M, class Name>
inline constexpr std::size_t field_position_v = index_of(field_names_v<M>, to_string_view(Name{}));

// The columns of a relation's foreign key on its owner.
template <class Rel, class Names = typename Rel::foreign_key_name>
inline constexpr std::array<std::size_t, 1> fk_positions_v{field_position_v<typename Rel::owner, Names>};
template <class Rel, class... Names>
inline constexpr std::array<std::size_t, sizeof...(Names)> fk_positions_v<Rel, foreign_keys<Names...>>{
    field_position_v<typename Rel::owner, Names>...};

// The columns it refers to on the target: the target's key, or AR_OWNER_KEY's field.
template <class Rel, class OwnerKey = typename Rel::owner_key_name>
inline constexpr std::array<std::size_t, 1> target_positions_v{field_position_v<typename Rel::target, OwnerKey>};
template <class Rel>
inline constexpr auto target_positions_v<Rel, void> = model_of<typename Rel::target>::key_indices;

// morph_to: (type, id), in that order (the order Rails indexes them in).
template <class Rel>
inline constexpr std::array<std::size_t, 2> morph_positions_v{
    field_position_v<typename Rel::owner, typename Rel::morph_type_field>,
    field_position_v<typename Rel::owner, typename Rel::foreign_key_name>};

template <class Clause>
struct index_positions;
template <bool U, class... Names>
struct index_positions<index_clause<U, Names...>> {
  template <model M>
  static constexpr std::array<std::size_t, sizeof...(Names)> of{field_position_v<M, Names>...};
};

// Whether model T declares AR_UNIQUE over exactly the field at `position`.
template <model T>
constexpr bool unique_on(std::size_t position) {
  return []<class... D>(type_list<D...>, [[maybe_unused]] std::size_t p) {
    bool found = false;
    (
        [&] {
          if constexpr (requires { D::unique; }) {
            if constexpr (D::unique) {
              constexpr auto& cols = index_positions<D>::template of<T>;
              if (cols.size() == 1 && cols[0] == p) found = true;
            }
          }
        }(),
        ...);
    return found;
  }(typename model_of<T>::ddl_clauses{}, position);
}

template <class Rel>
constexpr foreign_key_ddl foreign_key_of() {
  if constexpr (Rel::kind == relation_kind::morph_to) {
    return {morph_positions_v<Rel>, nullptr, {}, false, to_string_view(typename Rel::name_type{}), true};
  } else {
    using target = typename Rel::target;
    bool constraint = !Rel::no_foreign_key;
    if constexpr (!std::is_void_v<typename Rel::owner_key_name>)
      constraint = constraint && unique_on<target>(target_positions_v<Rel>[0]);
    return {fk_positions_v<Rel>,
            &table_meta_v<target>,
            target_positions_v<Rel>,
            constraint,
            to_string_view(typename Rel::name_type{}),
            !Rel::no_index};
  }
}

template <class Rel>
inline constexpr bool declares_foreign_key_v =
    Rel::kind == relation_kind::belongs_to || Rel::kind == relation_kind::morph_to;

template <class List>
struct foreign_key_relations;
template <>
struct foreign_key_relations<type_list<>> {
  using type = type_list<>;
};
template <class R, class... Rest>
struct foreign_key_relations<type_list<R, Rest...>> {
  using rest = typename foreign_key_relations<type_list<Rest...>>::type;
  using type = std::conditional_t<declares_foreign_key_v<R>, typename prepend<R, rest>::type, rest>;
};

template <class... R>
constexpr auto foreign_keys_of(type_list<R...>) {
  return std::array<foreign_key_ddl, sizeof...(R)>{foreign_key_of<R>()...};
}
template <model M>
inline constexpr auto ddl_foreign_keys_v =
    foreign_keys_of(typename foreign_key_relations<typename model_of<M>::relations>::type{});

template <class List>
struct index_clauses;
template <>
struct index_clauses<type_list<>> {
  using type = type_list<>;
};
template <class C, class... Rest>
struct index_clauses<type_list<C, Rest...>> {
  using rest = typename index_clauses<type_list<Rest...>>::type;
  using type = std::conditional_t<requires { C::unique; }, typename prepend<C, rest>::type, rest>;
};
template <model M, class... C>
constexpr auto indexes_of(type_list<C...>) {
  return std::array<index_ddl, sizeof...(C)>{index_ddl{index_positions<C>::template of<M>, C::unique}...};
}
template <model M>
inline constexpr auto ddl_indexes_v = indexes_of<M>(typename index_clauses<typename model_of<M>::ddl_clauses>::type{});

// AR_DEFAULT's value as the field's own type, then as the value it is stored as.
template <class Field, class Fn>
value default_value_of() {
  static_assert(std::is_constructible_v<Field, decltype(Fn{}())>,
                "AR_DEFAULT: the value is not one the field's type is made from (a number for a number, a text for "
                "a std::string, an enumerator for an enum)");
  if constexpr (std::is_constructible_v<Field, decltype(Fn{}())>)
    return to_value(Field(Fn{}()));
  else
    return value{};
}

template <class T>
struct unoptional {
  using type = T;
};
template <class T>
struct unoptional<std::optional<T>> {
  using type = T;
};

// The stored values of an ar enum (AR_ENUM_STRINGS, AR_ENUM_VALUES).
template <class E>
std::vector<value> enum_values_of() {
  std::vector<value> out;
  if constexpr (requires { type_mapping<E>::entries; })
    for (const auto& e : type_mapping<E>::entries) out.push_back(to_value(e.value));
  else
    for (const E e : type_mapping<E>::values) out.push_back(to_value(e));
  return out;
}
template <class T>
inline constexpr bool is_ar_enum_v = false;
template <class T>
  requires std::is_enum_v<T> && detail::has_type_mapping<T>
inline constexpr bool is_ar_enum_v<T> = std::is_base_of_v<enum_text_mapping<T, type_mapping<T>>, type_mapping<T>> ||
                                        std::is_base_of_v<enum_value_mapping<T, type_mapping<T>>, type_mapping<T>>;

template <class Column, class... D>
constexpr column_ddl column_ddl_of(type_list<D...>) {
  column_ddl out{};
  (
      [&] {
        if constexpr (requires { typename D::value_fn; }) {
          if constexpr (std::is_same_v<typename D::name_type, typename Column::name_type>)
            if (out.default_value == nullptr)
              out.default_value = &default_value_of<typename Column::type, typename D::value_fn>;
        }
      }(),
      ...);
  using scalar = typename unoptional<typename Column::type>::type;
  if constexpr (is_ar_enum_v<scalar>) out.allowed = &enum_values_of<scalar>;
  return out;
}
template <model M, class... C>
constexpr auto columns_ddl_of(type_list<C...>) {
  return std::array<column_ddl, sizeof...(C)>{column_ddl_of<C>(typename model_of<M>::ddl_clauses{})...};
}
template <model M>
inline constexpr auto ddl_columns_v = columns_ddl_of<M>(typename model_of<M>::columns{});

template <model M>
inline constexpr table_ddl table_ddl_v{&table_meta_v<M>, ddl_foreign_keys_v<M>, ddl_indexes_v<M>, ddl_columns_v<M>};

}  // namespace ar::detail

#endif  // AR_DETAIL_TABLE_DDL_HPP
