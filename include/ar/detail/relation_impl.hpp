#ifndef AR_DETAIL_RELATION_IMPL_HPP
#define AR_DETAIL_RELATION_IMPL_HPP

// What a relation declared in AR_MODEL does on one record (ar/relation.hpp is the public header):
// the checks of its declaration (run where it is first used), the value its owner looks for, its
// query, add / associate / dissociate, and the accessors AR_MODEL's members call (relation_get,
// relation_query, ...). Lazy access calls into loading (lazy_access, before_lazy_load: ar/load/
// registry.hpp), declared in ar/detail/relation_def.hpp.

#include <ar/collection.hpp>
#include <ar/crud.hpp>
#include <ar/detail/relation_def.hpp>
#include <ar/error.hpp>
#include <ar/expr.hpp>
#include <ar/load/paths.hpp>
#include <ar/query.hpp>
#include <ar/transaction.hpp>
#include <ar/views/filter.hpp>
#include <ar/views/to_vector.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace ar {

namespace detail {

// A name (a Hana string type) as a fixed_string, and the fields model M lists ("id, name"): template
// arguments of the checks below, which the compiler's "evaluates to false" note then spells.
template <class Name>
constexpr auto fixed_name_of() {
  constexpr std::string_view name = to_string_view(Name{});
  char text[name.size() + 1]{};
  for (std::size_t i = 0; i < name.size(); ++i) text[i] = name[i];
  return fixed_string<name.size() + 1>(text);
}
template <class M>
constexpr auto field_names_text() {
  return []<class... C>(type_list<C...>) {
    constexpr std::size_t size = (std::size_t{0} + ... + (C::name.size() + 2));
    constexpr std::size_t length = size == 0 ? 0 : size - 2;
    char text[length + 1]{};
    std::size_t at = 0;
    (
        [&](std::string_view name) {
          if (at != 0) {
            text[at++] = ',';
            text[at++] = ' ';
          }
          for (char c : name) text[at++] = c;
        }(C::name),
        ...);
    return fixed_string<length + 1>(text);
  }(typename model_of<M>::columns{});
}
// true when the foreign key is a field of the model that must hold it.
template <fixed_string Relation, fixed_string ForeignKey, fixed_string FieldsOfTheModelHoldingIt, bool Found>
inline constexpr bool foreign_key_is_a_field = Found;

// --- looking things up by name ----------------------------------------------------------------

template <class Name, class List>
struct column_named {
  static constexpr bool found = false;
};
template <class Name, class C, class... Rest>
struct column_named<Name, type_list<C, Rest...>> : column_named<Name, type_list<Rest...>> {};
template <class Name, class C, class... Rest>
  requires std::is_same_v<typename C::name_type, Name>
struct column_named<Name, type_list<C, Rest...>> {
  static constexpr bool found = true;
  using def = C;
};

template <class Name, class List>
struct relation_named {
  static constexpr bool found = false;
};
template <class Name, class R, class... Rest>
struct relation_named<Name, type_list<R, Rest...>> : relation_named<Name, type_list<Rest...>> {};
template <class Name, class R, class... Rest>
  requires std::is_same_v<typename R::name_type, Name>
struct relation_named<Name, type_list<R, Rest...>> {
  static constexpr bool found = true;
  using type = R;
};

template <class M, class Name>
using find_relation = relation_named<Name, typename model_of<M>::relations>;

// The key a relation's foreign key refers to: the one AR_OWNER_KEY names, else the primary key.
template <class M, class KeyName>
struct referenced_key : column_named<KeyName, typename model_of<M>::columns> {};
template <class M>
struct referenced_key<M, void> {
  static constexpr bool found = true;
  using def = typename model_of<M>::primary_key;
};

template <class T>
using scalar_t = typename strip_optional<T>::type;

template <class A, class B>
constexpr bool keys_compatible() {
  using a = scalar_t<A>;
  using b = scalar_t<B>;
  constexpr bool integral_a = std::is_same_v<a, std::int32_t> || std::is_same_v<a, std::int64_t>;
  constexpr bool integral_b = std::is_same_v<b, std::int32_t> || std::is_same_v<b, std::int64_t>;
  return std::is_same_v<a, b> || (integral_a && integral_b);
}

// The key a relation loads by, and its two conversions: encode, a field's value as the key;
// decode, the key as a value the matched column binds (as_parameter). The algorithm is compiled
// for two key types, std::int64_t and std::string; every key type is one of them: integer keys as
// 64-bit integers (a relation between an int32 and an int64 key shares them), text as text, an
// ar::date as its day number, an ar::uuid as its 16 bytes, and a type with an ar::type_mapping
// (a strong id) as the key of its stored value. A floating-point, bool, time or bytes key has none.
template <class K>
struct load_key {
  static constexpr bool supported = false;
};
template <>
struct load_key<std::int64_t> {
  static constexpr bool supported = true;
  using type = std::int64_t;
  static type encode(std::int64_t v) noexcept { return v; }
  static std::int64_t decode(const type& k) noexcept { return k; }
};
template <>
struct load_key<std::int32_t> {
  static constexpr bool supported = true;
  using type = std::int64_t;
  static type encode(std::int32_t v) noexcept { return v; }
  static std::int64_t decode(const type& k) noexcept { return k; }  // as_parameter checks its range
};
template <>
struct load_key<std::string> {
  static constexpr bool supported = true;
  using type = std::string;
  static const type& encode(const std::string& v) noexcept { return v; }
  static const std::string& decode(const type& k) noexcept { return k; }
};
template <>
struct load_key<date> {
  static constexpr bool supported = true;
  using type = std::int64_t;
  static type encode(const date& v) noexcept { return std::chrono::sys_days(v).time_since_epoch().count(); }
  static date decode(const type& k) noexcept { return date{std::chrono::sys_days(std::chrono::days(k))}; }
};
template <>
struct load_key<uuid> {
  static constexpr bool supported = true;
  using type = std::string;
  static type encode(const uuid& v) { return type(reinterpret_cast<const char*>(v.bytes.data()), v.bytes.size()); }
  static uuid decode(const type& k) noexcept {
    uuid u;
    for (std::size_t i = 0; i < u.bytes.size() && i < k.size(); ++i) u.bytes[i] = static_cast<std::byte>(k[i]);
    return u;
  }
};
template <class K>
  requires has_type_mapping<K> && load_key<typename type_mapping<K>::stored>::supported
struct load_key<K> {
  using stored = load_key<typename type_mapping<K>::stored>;
  static constexpr bool supported = true;
  using type = typename stored::type;
  static type encode(const K& v) { return stored::encode(type_mapping<K>::to_stored(v)); }
  static K decode(const type& k) {
    return type_mapping<K>::from_stored(typename type_mapping<K>::stored(stored::decode(k)));
  }
};
template <class K>
using load_key_t = typename load_key<K>::type;

// The key types a relation joins on (ar/load/algorithm.hpp loads them as one of its two).
template <class A>
constexpr bool loadable_key() {
  return load_key<scalar_t<A>>::supported;
}

// --- one relation -----------------------------------------------------------------------------

// The cache of a relation on a record. The member is mutable, but access through a member pointer
// does not see that; the cast only restores it.
template <class Rel>
relation_slot& slot_of(const typename Rel::owner& record) noexcept {
  return const_cast<relation_slot&>(record.*Rel::slot);
}

// AR_INVERSE names a relation of the complementary kind on the target that points back to the
// owner through the same foreign key (one field, or the same AR_KEYS): a belongs_to pairs with a
// has_one or has_many, and those with a belongs_to. Checked for relations over one column and over
// several alike.
template <class Rel>
constexpr bool inverse_well_formed() {
  if constexpr (std::is_void_v<typename Rel::inverse_name>) {
    return true;
  } else {
    using lookup = find_relation<typename Rel::target, typename Rel::inverse_name>;
    if constexpr (!lookup::found) {
      static_assert(always_false<Rel>, "AR_INVERSE names no relation of the target model");
      return false;
    } else {
      using inverse = typename lookup::type;
      constexpr bool belongs = Rel::kind == relation_kind::belongs_to;
      constexpr bool complementary =
          belongs ? inverse::kind != relation_kind::belongs_to : inverse::kind == relation_kind::belongs_to;
      if constexpr (!complementary) {
        static_assert(always_false<Rel>,
                      "AR_INVERSE must name a relation of the complementary kind on the target: a belongs_to "
                      "pairs with a has_one or has_many, and a has_one or has_many with a belongs_to");
        return false;
      } else if constexpr (!std::is_same_v<typename inverse::target, typename Rel::owner> ||
                           !std::is_same_v<typename inverse::foreign_key_name, typename Rel::foreign_key_name>) {
        static_assert(always_false<Rel>,
                      "AR_INVERSE names a relation that does not point back to this model through the same "
                      "foreign key");
        return false;
      } else {
        return true;
      }
    }
  }
}

// morph_many / morph_one: the target's morph_to over the same two fields (<as>_type, <as>_id), if it
// declares one. It is their inverse, inferred as Rails infers it from `as:`: the fields say which
// relation points back, so there is nothing to declare (AR_INVERSE names a belongs_to).
template <class Rel, class List>
struct morph_to_over {
  using type = void;
};
template <class Rel, class R, class... Rest>
struct morph_to_over<Rel, type_list<R, Rest...>>
    : std::conditional_t<R::kind == relation_kind::morph_to &&
                             std::is_same_v<typename R::morph_type_field, typename Rel::morph_type_field> &&
                             std::is_same_v<typename R::foreign_key_name, typename Rel::foreign_key_name>,
                         std::type_identity<R>, morph_to_over<Rel, type_list<Rest...>>> {};

template <class Rel>
constexpr auto inverse_lookup() {
  if constexpr (Rel::kind == relation_kind::belongs_to || Rel::kind == relation_kind::has_many_through ||
                Rel::kind == relation_kind::morph_to || Rel::kind == relation_kind::chain)
    return std::type_identity<void>{};
  else if constexpr (!std::is_void_v<typename Rel::inverse_name>)
    return std::type_identity<typename find_relation<typename Rel::target, typename Rel::inverse_name>::type>{};
  else if constexpr (!std::is_void_v<typename Rel::morph_type_field>)
    return std::type_identity<typename morph_to_over<Rel, typename model_of<typename Rel::target>::relations>::type>{};
  else
    return std::type_identity<void>{};
}
// The relation of a has_one / has_many's targets that points back at the owner, which loading fills
// in: the one AR_INVERSE names, or a morph_many / morph_one's inferred morph_to; void for none.
template <class Rel>
using inverse_relation_t = typename decltype(inverse_lookup<Rel>())::type;

// A morph_to inverse's value: an ar::morph_ref to the owner's fields (ar/morph.hpp).
template <class Owner>
std::shared_ptr<const void> morph_inverse_value(std::shared_ptr<const void> fields);

template <class Rel>
struct relation_ops {
  using owner = typename Rel::owner;
  using target = typename Rel::target;
  static constexpr bool belongs = Rel::kind == relation_kind::belongs_to;
  static constexpr bool many = Rel::kind == relation_kind::has_many;
  // The model holding the foreign key, and the model holding the key it refers to.
  using fk_model = std::conditional_t<belongs, owner, target>;
  using key_model = std::conditional_t<belongs, target, owner>;
  using fk_lookup = column_named<typename Rel::foreign_key_name, typename model_of<fk_model>::columns>;
  using key_lookup = referenced_key<key_model, typename Rel::owner_key_name>;

  static constexpr bool well_formed() {
    if constexpr (Rel::kind == relation_kind::has_many_through) {
      return through_well_formed();
    } else if constexpr (!morph_type_ok()) {
      static_assert(always_false<Rel>,
                    "AR_MORPH_MANY / AR_MORPH_ONE: the target needs a std::string field <as>_type and a field "
                    "<as>_id, listed in its AR_FIELDS");
      return false;
    } else if constexpr (!Rel::options_known || !Rel::options_unique) {
      static_assert(always_false<Rel>,
                    "ar relation: the options are AR_OWNER_KEY(field), AR_INVERSE(relation), AR_DEPENDENT(kind), "
                    "AR_NO_FOREIGN_KEY and AR_NO_INDEX, each at most once");
      return false;
    } else if constexpr (Rel::no_foreign_key && !belongs) {
      static_assert(always_false<Rel>,
                    "AR_NO_FOREIGN_KEY is an option of AR_BELONGS_TO, the relation on the model that holds the foreign "
                    "key (create_table declares the constraint there): move it to that belongs_to");
      return false;
    } else if constexpr (Rel::no_index && !belongs) {
      static_assert(always_false<Rel>,
                    "AR_NO_INDEX is an option of AR_BELONGS_TO, the relation on the model that holds the foreign key "
                    "(create_table indexes it there): move it to that belongs_to");
      return false;
    } else if constexpr (!fk_lookup::found && belongs) {
      static_assert(
          foreign_key_is_a_field<fixed_name_of<typename Rel::name_type>(),
                                 fixed_name_of<typename Rel::foreign_key_name>(), field_names_text<fk_model>(), false>,
          "AR_BELONGS_TO: the foreign key is not a field of the model declaring the relation (the note "
          "spells the relation, its foreign key and that model's fields): a belongs_to's foreign key is on "
          "its own model; list it there in AR_FIELDS");
      return false;
    } else if constexpr (!fk_lookup::found) {
      static_assert(
          foreign_key_is_a_field<fixed_name_of<typename Rel::name_type>(),
                                 fixed_name_of<typename Rel::foreign_key_name>(), field_names_text<fk_model>(), false>,
          "AR_HAS_ONE / AR_HAS_MANY: the foreign key is not a field of the target model (the note spells "
          "the relation, its foreign key and the target's fields): a has_one's or has_many's foreign key is "
          "on the model it points to; list it there in AR_FIELDS");
      return false;
    } else if constexpr (!key_lookup::found) {
      static_assert(always_false<Rel>,
                    "AR_OWNER_KEY names a field that the referenced model does not list in AR_FIELDS");
      return false;
    } else if constexpr (std::is_void_v<typename Rel::owner_key_name> && (model_of<key_model>::key_arity > 1)) {
      static_assert(
          always_false<Rel>,
          "ar relation: the model this relation refers to has a composite primary key (AR_PRIMARY_KEY(a, "
          "b)): a foreign key of one field cannot refer to it; name one field for each of the key's "
          "fields, in order, with AR_KEYS(a, b), or refer to a single unique column with AR_OWNER_KEY(field)");
      return false;
    } else if constexpr (!keys_compatible<typename fk_lookup::def::type, typename key_lookup::def::type>()) {
      static_assert(always_false<Rel>,
                    "ar relation: the foreign key and the key it refers to have different types: make them the "
                    "same (an integer with an integer, a string with a string)");
      return false;
    } else if constexpr (!loadable_key<typename key_lookup::def::type>()) {
      static_assert(always_false<Rel>,
                    "ar relation: a relation joins on an integer, std::string, ar::date or ar::uuid key, or on a type "
                    "with an ar::type_mapping stored as one of them: a floating-point, bool, time or bytes key "
                    "relates no models; relate them by a key of one of those types");
      return false;
    } else if constexpr (belongs && Rel::dependent != dependent_kind::none) {
      static_assert(always_false<Rel>, "AR_DEPENDENT applies to has_one and has_many, not to belongs_to");
      return false;
    } else if constexpr (Rel::dependent == dependent_kind::nullify && !fk_lookup::def::nullable) {
      static_assert(always_false<Rel>, "AR_DEPENDENT(nullify) needs a std::optional foreign key to set to NULL");
      return false;
    } else {
      return inverse_well_formed<Rel>();
    }
  }

  static constexpr bool morph_type_ok() {
    if constexpr (std::is_void_v<typename Rel::morph_type_field>) {
      return true;
    } else {
      using lookup = column_named<typename Rel::morph_type_field, typename model_of<target>::columns>;
      if constexpr (!lookup::found)
        return false;
      else
        return std::is_same_v<typename lookup::def::type, std::string>;
    }
  }

  template <class Field>
  static constexpr bool through_type_ok() {
    if constexpr (std::is_void_v<Field>) {
      return true;
    } else {
      using lookup = column_named<Field, typename model_of<typename Rel::through_model>::columns>;
      if constexpr (!lookup::found)
        return false;
      else
        return std::is_same_v<typename lookup::def::type, std::string>;
    }
  }

  // has_many_through: both foreign keys are fields of the join model, of the types of the keys they
  // refer to (the owner's and the target's primary keys).
  static constexpr bool through_well_formed() {
    using join = typename Rel::through_model;
    using owner_fk = column_named<typename Rel::foreign_key_name, typename model_of<join>::columns>;
    using target_fk = column_named<typename Rel::through_target_key, typename model_of<join>::columns>;
    if constexpr (!Rel::options_known || !Rel::options_unique || Rel::dependent != dependent_kind::none ||
                  !std::is_void_v<typename Rel::owner_key_name> || !std::is_void_v<typename Rel::inverse_name>) {
      static_assert(always_false<Rel>,
                    "AR_HAS_MANY_THROUGH takes no options but AR_MORPH_TARGET: it joins primary keys through the join "
                    "model");
      return false;
    } else if constexpr (!through_type_ok<typename Rel::morph_type_field>() ||
                         !through_type_ok<typename Rel::morph_target_field>()) {
      static_assert(always_false<Rel>,
                    "a polymorphic through relation needs a std::string type field on the join model");
      return false;
    } else if constexpr (!owner_fk::found || !target_fk::found) {
      static_assert(
          always_false<Rel>,
          "AR_HAS_MANY_THROUGH: both foreign keys must be fields of the join model: list them in its AR_FIELDS");
      return false;
    } else if constexpr (model_of<owner>::key_arity > 1 || model_of<target>::key_arity > 1) {
      static_assert(always_false<Rel>,
                    "AR_HAS_MANY_THROUGH: the owner or the target has a composite primary key (AR_PRIMARY_KEY(a, b)), "
                    "which a through relation cannot join on yet (the join model's own key may be composite)");
      return false;
    } else if constexpr (!keys_compatible<typename owner_fk::def::type,
                                          typename model_of<owner>::primary_key::type>() ||
                         !keys_compatible<typename target_fk::def::type,
                                          typename model_of<target>::primary_key::type>()) {
      static_assert(always_false<Rel>,
                    "AR_HAS_MANY_THROUGH: a foreign key of the join model and the key it refers to have different "
                    "types: make them the same");
      return false;
    } else if constexpr (!loadable_key<typename model_of<owner>::primary_key::type>() ||
                         !loadable_key<typename model_of<target>::primary_key::type>()) {
      static_assert(always_false<Rel>,
                    "AR_HAS_MANY_THROUGH: the primary keys it joins (the owner's and the target's) must be integers, "
                    "std::string, ar::date or ar::uuid, or a type with an ar::type_mapping stored as one of them: a "
                    "floating-point, bool, time or bytes key relates no models");
      return false;
    } else {
      return true;
    }
  }

  static constexpr bool ok = well_formed();
};

// --- a foreign key of several fields (AR_KEYS) ---------------------------------------------------

template <class Names, class Columns>
struct foreign_key_defs;
template <class... N, class Columns>
struct foreign_key_defs<foreign_keys<N...>, Columns> {
  static constexpr bool found = (column_named<N, Columns>::found && ...);
};
template <class Names, class Columns>
struct foreign_key_list;
template <class... N, class Columns>
struct foreign_key_list<foreign_keys<N...>, Columns> {
  using type = type_list<typename column_named<N, Columns>::def...>;
};

// The fields of a model's primary key, in key order.
template <class M, class Key = typename model_of<M>::primary_key>
struct primary_key_list {
  using type = type_list<Key>;
};
template <class M, class... K>
struct primary_key_list<M, composite_key<K...>> {
  using type = type_list<K...>;
};

template <class Fks, class Keys>
inline constexpr bool key_types_compatible_v = false;
template <class... F, class... K>
  requires(sizeof...(F) == sizeof...(K))
inline constexpr bool key_types_compatible_v<type_list<F...>, type_list<K...>> =
    (keys_compatible<typename F::type, typename K::type>() && ...);
template <class Keys>
inline constexpr bool key_types_loadable_v = false;
// A part of a composite key (AR_KEYS) is bound as it is read (row_key holds an integer or a text):
// integers and std::string only, not the key types a single-column relation converts (ar::date,
// ar::uuid, a strong id).
template <class A>
constexpr bool composite_key_part() {
  using T = scalar_t<A>;
  return (std::is_integral_v<T> && !std::is_same_v<T, bool>) || std::is_same_v<T, std::string>;
}
template <class... K>
inline constexpr bool key_types_loadable_v<type_list<K...>> = (composite_key_part<typename K::type>() && ...);
template <class Fks>
inline constexpr bool all_nullable_v = false;
template <class... F>
inline constexpr bool all_nullable_v<type_list<F...>> = (F::nullable && ...);

template <class Rel>
  requires(Rel::composite && Rel::kind != relation_kind::morph_to)
struct relation_ops<Rel> {
  using owner = typename Rel::owner;
  using target = typename Rel::target;
  static constexpr bool belongs = Rel::kind == relation_kind::belongs_to;
  static constexpr bool many = Rel::kind == relation_kind::has_many;
  using fk_model = std::conditional_t<belongs, owner, target>;
  using key_model = std::conditional_t<belongs, target, owner>;
  static constexpr std::size_t arity = Rel::foreign_key_name::arity;

  static constexpr bool well_formed() {
    if constexpr (Rel::kind == relation_kind::has_many_through) {
      static_assert(always_false<Rel>,
                    "AR_HAS_MANY_THROUGH: AR_KEYS is for AR_BELONGS_TO, AR_HAS_ONE and AR_HAS_MANY; a through "
                    "relation names one field of its join model for each side (the join model's own primary key "
                    "may be composite)");
      return false;
    } else if constexpr (!Rel::options_known || !Rel::options_unique) {
      static_assert(always_false<Rel>,
                    "ar relation: the options are AR_OWNER_KEY(field), AR_INVERSE(relation) and AR_DEPENDENT(kind), "
                    "each at most once");
      return false;
    } else if constexpr (!std::is_void_v<typename Rel::owner_key_name>) {
      static_assert(always_false<Rel>,
                    "AR_KEYS refers to the primary key of the other model, all its fields in order: AR_OWNER_KEY "
                    "cannot be combined with it");
      return false;
    } else if constexpr (!std::is_void_v<typename Rel::morph_type_field>) {
      static_assert(always_false<Rel>, "AR_KEYS: a polymorphic relation has one id field");
      return false;
    } else if constexpr (!foreign_key_defs<typename Rel::foreign_key_name,
                                           typename model_of<fk_model>::columns>::found &&
                         belongs) {
      static_assert(always_false<Rel>,
                    "AR_BELONGS_TO: a field of AR_KEYS is not a field of the model declaring the relation: a "
                    "belongs_to's foreign key is on its own model; list it there in AR_FIELDS");
      return false;
    } else if constexpr (!foreign_key_defs<typename Rel::foreign_key_name,
                                           typename model_of<fk_model>::columns>::found) {
      static_assert(always_false<Rel>,
                    "AR_HAS_ONE / AR_HAS_MANY: a field of AR_KEYS is not a field of the target model: a has_one's or "
                    "has_many's foreign key is on the model it points to; list it there in AR_FIELDS");
      return false;
    } else if constexpr (arity != model_of<key_model>::key_arity) {
      static_assert(always_false<Rel>,
                    "AR_KEYS: the foreign key lists a different number of fields than the primary key it refers to "
                    "(AR_PRIMARY_KEY of the referenced model): name one field for each of the key's fields, in the "
                    "key's order");
      return false;
    } else if constexpr (!key_types_compatible_v<typename foreign_key_list<typename Rel::foreign_key_name,
                                                                           typename model_of<fk_model>::columns>::type,
                                                 typename primary_key_list<key_model>::type>) {
      static_assert(always_false<Rel>,
                    "AR_KEYS: a field of the foreign key cannot hold the key field it refers to (the same position "
                    "of AR_PRIMARY_KEY): make their types the same (an integer with an integer, a string with a "
                    "string)");
      return false;
    } else if constexpr (!key_types_loadable_v<typename primary_key_list<key_model>::type>) {
      static_assert(always_false<Rel>,
                    "ar relation: a relation joins on integer or std::string key fields when its key has several "
                    "columns (AR_KEYS): a key part of another type (one with an ar::type_mapping, ar::uuid, ar::date) "
                    "works for insert, find, update and filters, and in a relation over one column, but not yet "
                    "over several");
      return false;
    } else if constexpr (belongs && Rel::dependent != dependent_kind::none) {
      static_assert(always_false<Rel>, "AR_DEPENDENT applies to has_one and has_many, not to belongs_to");
      return false;
    } else if constexpr (Rel::dependent == dependent_kind::nullify) {
      static_assert(always_false<Rel>,
                    "AR_DEPENDENT(nullify) over AR_KEYS is not supported: the fields of a composite foreign key "
                    "are usually part of the child's own key; use AR_DEPENDENT(destroy), delete or restrict");
      return false;
    } else {
      return inverse_well_formed<Rel>();
    }
  }

  static constexpr bool ok = well_formed();
};

// morph_to: no target model to look into; the fields are on the model itself.
template <class Rel>
  requires(Rel::kind == relation_kind::morph_to)
struct relation_ops<Rel> {
  using owner = typename Rel::owner;
  // morph_to: a std::string type field and an integer id field on the model itself.
  static constexpr bool morph_to_well_formed() {
    using type_lookup = column_named<typename Rel::morph_type_field, typename model_of<owner>::columns>;
    using id_lookup = column_named<typename Rel::foreign_key_name, typename model_of<owner>::columns>;
    if constexpr (!type_lookup::found || !id_lookup::found) {
      static_assert(always_false<Rel>, "AR_MORPH_TO: the type field and the id field must be fields of the model");
      return false;
    } else if constexpr (!std::is_same_v<scalar_t<typename type_lookup::def::type>, std::string> ||
                         !keys_compatible<typename id_lookup::def::type, std::int64_t>()) {
      static_assert(always_false<Rel>,
                    "AR_MORPH_TO: the type field must be a std::string and the id field an integer (optional or not)");
      return false;
    } else {
      return true;
    }
  }

  static constexpr bool ok = morph_to_well_formed();
};

// A chain (AR_HAS_MANY_VIA / AR_HAS_ONE_VIA): its hop, a relation of the owner, and its source, a
// relation of the hop's target ending at the chain's target; each a belongs_to, has_one or has_many
// over one column. The names are checked where the accessor is used (ar_check_relation_<name>,
// which names them); here, what the two relations are.
template <class R>
constexpr bool chain_link_ok() {
  return (R::kind == relation_kind::belongs_to || R::kind == relation_kind::has_one ||
          R::kind == relation_kind::has_many) &&
         !R::composite && std::is_void_v<typename R::morph_type_field>;
}
template <class Rel>
  requires(Rel::kind == relation_kind::chain)
struct relation_ops<Rel> {
  using owner = typename Rel::owner;
  using target = typename Rel::target;
  using hop_lookup = find_relation<owner, typename Rel::chain_hop>;

  template <class Hop>
  static constexpr bool source_ok() {
    using source_lookup = find_relation<typename Hop::target, typename Rel::chain_source>;
    if constexpr (!source_lookup::found) {
      return false;  // ar_check_relation_<name> says which
    } else {
      using source = typename source_lookup::type;
      if constexpr (!chain_link_ok<source>() || !relation_ops<source>::ok) {
        static_assert(always_false<Rel>,
                      "AR_HAS_MANY_VIA / AR_HAS_ONE_VIA: the source relation is not a belongs_to, has_one or has_many "
                      "over one column: a chain does not go through a through relation, a polymorphic relation or "
                      "a composite foreign key yet");
        return false;
      } else if constexpr (!std::is_same_v<typename source::target, target>) {
        static_assert(always_false<Rel>,
                      "AR_HAS_MANY_VIA / AR_HAS_ONE_VIA: the source relation leads to another model than the one the "
                      "chain declares: correct the target or the source");
        return false;
      } else if constexpr (!Rel::chain_many &&
                           (Hop::kind == relation_kind::has_many || source::kind == relation_kind::has_many)) {
        static_assert(always_false<Rel>,
                      "AR_HAS_ONE_VIA: both relations must be to-one (belongs_to or has_one); through a has_many, "
                      "declare AR_HAS_MANY_VIA");
        return false;
      } else if constexpr (model_of<target>::key_arity > 1) {
        static_assert(always_false<Rel>,
                      "AR_HAS_MANY_VIA / AR_HAS_ONE_VIA: the target has a composite primary key, which a chain cannot "
                      "order and tell apart by yet");
        return false;
      } else {
        return true;
      }
    }
  }

  static constexpr bool well_formed() {
    if constexpr (!hop_lookup::found) {
      return false;  // ar_check_relation_<name> says which
    } else if constexpr (!chain_link_ok<typename hop_lookup::type>() || !relation_ops<typename hop_lookup::type>::ok) {
      static_assert(always_false<Rel>,
                    "AR_HAS_MANY_VIA / AR_HAS_ONE_VIA: the relation it goes through is not a belongs_to, has_one or "
                    "has_many over one column: a chain does not go through a through relation, a polymorphic "
                    "relation or a composite foreign key yet");
      return false;
    } else {
      return source_ok<typename hop_lookup::type>();
    }
  }

  static constexpr bool ok = well_formed();
};

// The implementation of a well-formed relation, by kind: belongs_to, has_one and has_many below;
// has_many_through in ar/through.hpp, morph_to in ar/morph.hpp. A model that declares one of
// those is defined where its header is visible (AR_MODEL's static_asserts), so every use of its
// relation_impl finds the implementation complete.
template <class Rel>
struct direct_relation_impl;
template <class Rel>
struct through_impl;
template <class Rel>
struct morph_to_impl;
template <class Rel>
struct composite_relation_impl;
template <class Rel>
struct chain_impl;

template <class Rel>
using relation_impl_of_kind = std::conditional_t<
    Rel::kind == relation_kind::has_many_through, through_impl<Rel>,
    std::conditional_t<Rel::kind == relation_kind::chain, chain_impl<Rel>,
                       std::conditional_t<Rel::kind == relation_kind::morph_to, morph_to_impl<Rel>,
                                          std::conditional_t<Rel::composite, composite_relation_impl<Rel>,
                                                             direct_relation_impl<Rel>>>>>;

template <class Rel, bool = relation_ops<Rel>::ok>
struct relation_impl;

// Only for well-formed relations: the static_assert above has spoken for the others.
template <class Rel>
struct relation_impl<Rel, true> : relation_impl_of_kind<Rel> {};

// has_one: the child the owner has now: the loaded one (none, when it is loaded as none), as Rails
// replaces its loaded target; else read (one statement).
// Those other than `child` itself (set again).
template <class Rel, class Read>
std::vector<typename Rel::target> current_children(const typename Rel::owner& o, const typename Rel::target& child,
                                                   Read read) {
  using target = typename Rel::target;
  const relation_slot& slot = o.*Rel::slot;
  std::vector<target> out;
  if (!slot.loaded)
    out = read();
  else if (slot.value)
    out.push_back(*static_cast<const target*>(slot.value.get()));
  std::erase_if(out, [&](const target& t) { return primary_key(t) == primary_key(child); });
  return out;
}

// has_one: the owner's other children (one, unless the data was written around ar) go before the
// new one is saved, as Rails does: destroyed or deleted per AR_DEPENDENT(destroy /
// delete), else their foreign key set to NULL (nullify(record)); refused, with nothing written, when
// it cannot be NULL or for AR_DEPENDENT(restrict). The caller found them (current_children) and
// holds the transaction; one statement per child retired.
template <class Rel, bool NullableKey, class Nullify>
void retire_other_children(std::vector<typename Rel::target> others, std::string_view foreign_key, Nullify nullify) {
  using owner = typename Rel::owner;
  using target = typename Rel::target;
  const std::string relation(to_string_view(typename Rel::name_type{}));
  const std::string what = "ar: the '" + std::string(model_of<owner>::table) + "' record already has a '" + relation +
                           "' (a '" + std::string(model_of<target>::table) + "' record)";
  if constexpr (Rel::dependent == dependent_kind::restrict) {
    throw restrict_error(what + ", which AR_DEPENDENT(restrict) keeps: destroy it before setting another");
  } else if constexpr (Rel::dependent == dependent_kind::destroy) {
    for (const target& t : others) (void)::ar::destroy(t);
  } else if constexpr (Rel::dependent == dependent_kind::remove) {
    for (const target& t : others) (void)delete_row<target>(::ar::database_for<target>(), primary_key(t));
  } else if constexpr (NullableKey) {
    for (target& t : others) {
      nullify(t);
      ::ar::update(t);
    }
  } else {
    throw error(what + ": setting another would leave two, and " + std::string(foreign_key) +
                " cannot be set to NULL: declare AR_DEPENDENT(destroy) or AR_DEPENDENT(delete) on '" + relation +
                "', or destroy the old one first");
  }
}

// belongs_to, has_one, has_many (and morph_many / morph_one, which are has_many / has_one).
template <class Rel>
struct direct_relation_impl : relation_ops<Rel> {
  using base = relation_ops<Rel>;
  using typename base::owner;
  using typename base::target;
  using fk_def = typename base::fk_lookup::def;
  using key_def = typename base::key_lookup::def;
  using key_scalar = scalar_t<typename key_def::type>;
  using fk_column = column<typename base::fk_model, fk_def::index>;
  using key_column = column<typename base::key_model, key_def::index>;
  // The column of the target that is compared with the owner's value.
  using match_column = std::conditional_t<base::belongs, key_column, fk_column>;
  using result = std::conditional_t<base::many, std::vector<target>, std::shared_ptr<const target>>;

  // The value the related rows must have, or nothing when the key is null (or not yet generated).
  static std::optional<key_scalar> lookup_value(const owner& o) {
    if constexpr (base::belongs) {
      const auto& fk = o.*fk_def::pointer;
      if constexpr (fk_def::nullable) {
        if (!fk) return std::nullopt;
        return static_cast<key_scalar>(*fk);
      } else {
        return static_cast<key_scalar>(fk);
      }
    } else {
      const auto& key = o.*key_def::pointer;
      if constexpr (key_def::nullable) {
        if (!key) return std::nullopt;
        return *key;
      } else {
        if (key_def::index == model_of<owner>::primary_key::index && model_of<owner>::generated_key &&
            key == key_scalar{})
          return std::nullopt;  // not saved yet: nothing can point at it
        return key;
      }
    }
  }

  static constexpr bool morph = !std::is_void_v<typename Rel::morph_type_field>;

  // morph_many / morph_one: the rows must also carry the owner's morph name.
  static query<target> of_this_type(query<target> q) {
    if constexpr (morph) {
      using type_def = typename column_named<typename Rel::morph_type_field, typename model_of<target>::columns>::def;
      return q | filter(column<target, type_def::index>{} == std::string(model_of<owner>::morph_name));
    } else {
      return q;
    }
  }

  // The target rows related to `o` (none when its value is null: never a whole table). Built at run
  // time from the column's position, so that each relation compiles no expression of its own.
  static query<target> query_for(const owner& o) {
    const auto v = lookup_value(o);
    auto state = std::make_shared<query_state>(from<target>().state());
    std::optional<value> param;
    if (v) param = as_parameter<typename expression_traits<match_column>::scalar>(*v);
    std::shared_ptr<const expr_tree> condition;
    if constexpr (morph)
      if (v) condition = std::make_shared<const expr_tree>(*of_this_type(from<target>()).state().where);
    where_related(
        *state, &table_meta_v<target>,
        static_cast<std::uint32_t>(column_lookup<target, (base::belongs ? key_def::index : fk_def::index)>::position),
        param, condition.get());
    return query<target>(ar::database{}, std::move(state));
  }

  // A copy of a record's fields, without its relation caches (which could hold a cycle), shared.
  template <class M>
  static std::shared_ptr<void> fields_of(const M& record) {
    return share_fields(record_ops_v<M>, &record);
  }

  static void load(const owner& o) { lazy_load<Rel>(o); }

  static decltype(auto) cached(const owner& o) {
    const relation_slot& slot = o.*Rel::slot;
    if constexpr (base::many)
      return static_cast<const std::vector<target>&>(*static_cast<const std::vector<target>*>(slot.value.get()));
    else
      return std::shared_ptr<const target>(slot.value, static_cast<const target*>(slot.value.get()));
  }

  static decltype(auto) get(const owner& o) {
    if (!(o.*Rel::slot).loaded)
      lazy_access<Rel>(o);
    else if constexpr (base::belongs)
      if (points_elsewhere(o)) load(o);
    return cached(o);
  }

  // belongs_to: whether the loaded parent is not the one the foreign key names now (it was assigned
  // by hand since): then it is read again, as Rails does for a stale target. A loaded "none" is
  // kept: it may be what a with(...) modifier left, which a read must not undo.
  static bool points_elsewhere(const owner& o) {
    const target* parent = static_cast<const target*>((o.*Rel::slot).value.get());
    if (!parent) return false;
    const auto v = lookup_value(o);
    if (!v) return true;
    const auto& key = parent->*key_def::pointer;
    if constexpr (key_def::nullable)
      return !key || *key != *v;
    else
      return key != *v;
  }

  static decltype(auto) reload(const owner& o) {
    load(o);
    return cached(o);
  }

  static key_scalar owner_key_or_throw(const owner& o) {
    const auto v = lookup_value(o);
    if (!v)
      throw error("ar: cannot add to '" + std::string(to_string_view(typename Rel::name_type{})) + "' of a '" +
                  std::string(model_of<owner>::table) + "' record that has no key yet: save it first");
    return *v;
  }

  // has_one / has_many: point the child at the owner, save it, keep a loaded cache true. has_one
  // first retires the owner's other child (retire_other_children), in one transaction with the save.
  // A failed save leaves the child as it was: its foreign key and morph type are put back (its key
  // is insert's to keep), and the retired child is back, rolled back.
  static void add(const owner& o, target& child) {
    const key_scalar key = owner_key_or_throw(o);
    std::optional<transaction> tx;
    if constexpr (!base::many) {
      std::vector<target> others =
          current_children<Rel>(o, child, [&] { return of_this_type(query_for(o)) | to_vector; });
      if (!others.empty()) {
        const ar::database db = ::ar::database_for<target>();
        if (!db.in_transaction()) tx.emplace(db);
        retire_other_children<Rel, fk_def::nullable>(
            std::move(others), "its foreign key '" + std::string(to_string_view(typename fk_def::name_type{})) + "'",
            [](auto& t) { (t.*fk_def::pointer).reset(); });
      }
    }
    using fk_type = typename fk_def::type;
    fk_type old_fk = child.*fk_def::pointer;
    [[maybe_unused]] std::string old_type;
    if constexpr (morph) {
      using type_def = typename column_named<typename Rel::morph_type_field, typename model_of<target>::columns>::def;
      std::string type(model_of<owner>::morph_name);
      old_type = std::exchange(child.*type_def::pointer, std::move(type));
    }
    child.*fk_def::pointer = static_cast<scalar_t<fk_type>>(key);
    try {
      save(child);
      if (tx) tx->commit();
    } catch (...) {
      child.*fk_def::pointer = std::move(old_fk);
      if constexpr (morph) {
        using type_def = typename column_named<typename Rel::morph_type_field, typename model_of<target>::columns>::def;
        child.*type_def::pointer = std::move(old_type);
      }
      throw;
    }
    relation_slot& slot = slot_of<Rel>(o);
    const std::shared_ptr<void> stored_shared = fields_of(child);
    target* stored = static_cast<target*>(stored_shared.get());
    using inverse = inverse_relation_t<Rel>;
    if constexpr (!std::is_void_v<inverse>) {
      if constexpr (inverse::kind == relation_kind::morph_to)
        slot_of<inverse>(*stored) = relation_slot{morph_inverse_value<owner>(fields_of(o)), true};
      else
        slot_of<inverse>(*stored) = relation_slot{fields_of(o), true};
    }
    if constexpr (base::many) {
      if (!slot.loaded) return;  // the other children are not known: it loads when read
      auto rows = std::make_shared<std::vector<target>>(*static_cast<const std::vector<target>*>(slot.value.get()));
      bool replaced = false;
      for (target& row : *rows)
        if (primary_key(row) == primary_key(child)) {
          row = *stored;
          replaced = true;
        }
      if (!replaced) rows->push_back(*stored);
      slot.value = std::move(rows);
    } else {
      slot = relation_slot{stored_shared, true};  // has_one: the child set is the one it has
    }
  }

  // belongs_to: point the owner at the parent (not saved: save the owner to store it).
  // Nothing is changed until nothing can fail (the parent's copy is made first).
  static void associate(owner& o, const target& parent) {
    const auto& key = parent.*key_def::pointer;
    if constexpr (!key_def::nullable) {
      if (key_def::index == model_of<target>::primary_key::index && model_of<target>::generated_key &&
          key == key_scalar{})
        throw error("ar: cannot associate a '" + std::string(model_of<target>::table) +
                    "' record that has no key yet: save it first");
    } else {
      if (!key) throw error("ar: cannot associate a record whose key is NULL");
    }
    relation_slot slot{fields_of(parent), true};
    if constexpr (!key_def::nullable)
      o.*fk_def::pointer = static_cast<scalar_t<typename fk_def::type>>(key);
    else
      o.*fk_def::pointer = static_cast<scalar_t<typename fk_def::type>>(*key);
    o.*Rel::slot = std::move(slot);
  }

  static void dissociate(owner& o) {
    static_assert(fk_def::nullable, "dissociate sets the foreign key to NULL: it needs a std::optional foreign key");
    if constexpr (fk_def::nullable) {
      (o.*fk_def::pointer).reset();
      o.*Rel::slot = relation_slot{nullptr, true};
    }
  }
};

// belongs_to, has_one, has_many over a foreign key of several fields (AR_KEYS): the value looked
// for is a row_key, and the rows are those whose columns hold it, "(a, b) IN ((?, ?))".
template <class Defs>
struct key_fields;
template <class... D>
struct key_fields<type_list<D...>> {
  template <class M>
  static std::optional<row_key> read(const M& record) {
    row_key k;
    k.parts.reserve(sizeof...(D));
    bool null = false;
    (
        [&] {
          const auto& f = record.*D::pointer;
          if constexpr (D::nullable) {
            if (!f) {
              null = true;
              return;
            }
            k.parts.emplace_back(part(*f));
          } else {
            k.parts.emplace_back(part(f));
          }
        }(),
        ...);
    if (null) return std::nullopt;
    return k;
  }
  template <class T>
  static row_key::part part(const T& v) {
    if constexpr (std::is_integral_v<T>)
      return row_key::part{std::in_place_index<0>, static_cast<std::int64_t>(v)};
    else
      return row_key::part{std::in_place_index<1>, std::string(v)};
  }
  // Copies the fields `From` of `from` into the fields D of `to`, in order.
  template <class... From, class To, class Src>
  static void assign(To& to, const Src& from, type_list<From...>) {
    ((to.*D::pointer = static_cast<scalar_t<typename D::type>>(value_of(from.*From::pointer))), ...);
  }
  template <class T>
  static const auto& value_of(const T& v) {
    if constexpr (is_optional_v<T>)
      return *v;
    else
      return v;
  }
  template <class M>
  static auto save(const M& record) {
    return std::tuple<typename D::type...>{record.*D::pointer...};
  }
  template <class M, class Tuple>
  static void restore(M& record, Tuple&& saved) {
    std::apply([&](auto&&... v) { ((record.*D::pointer = std::move(v)), ...); }, std::forward<Tuple>(saved));
  }
  template <class M>
  static void reset(M& record) {
    ((record.*D::pointer).reset(), ...);
  }
  template <class M>
  static constexpr std::array<std::uint32_t, sizeof...(D)> positions{
      static_cast<std::uint32_t>(column_lookup<M, D::index>::position)...};
};

template <class Rel>
struct composite_relation_impl : relation_ops<Rel> {
  using base = relation_ops<Rel>;
  using typename base::owner;
  using typename base::target;
  using fk_defs = typename foreign_key_list<typename Rel::foreign_key_name,
                                            typename model_of<typename base::fk_model>::columns>::type;
  using key_defs = typename primary_key_list<typename base::key_model>::type;
  // The owner's fields holding the value, and the target's columns compared with it.
  using source = key_fields<std::conditional_t<base::belongs, fk_defs, key_defs>>;
  using matched = key_fields<std::conditional_t<base::belongs, key_defs, fk_defs>>;
  using key_scalar = row_key;
  using result = std::conditional_t<base::many, std::vector<target>, std::shared_ptr<const target>>;
  static constexpr bool morph = false;
  static constexpr auto match_positions = matched::template positions<target>;
  // The owner's columns holding the value, in key order (a subquery's correlation).
  static constexpr auto owner_positions = source::template positions<owner>;

  static std::optional<row_key> lookup_value(const owner& o) { return source::read(o); }
  static bool match(const target& row, row_key& out) {
    auto k = matched::read(row);
    if (!k) return false;
    out = std::move(*k);
    return true;
  }

  static query<target> query_for(const owner& o) {
    auto state = std::make_shared<query_state>(from<target>().state());
    where_related_row(*state, &table_meta_v<target>, match_positions, lookup_value(o));
    return query<target>(ar::database{}, std::move(state));
  }

  template <class M>
  static std::shared_ptr<void> fields_of(const M& record) {
    return share_fields(record_ops_v<M>, &record);
  }

  static void load(const owner& o) { lazy_load<Rel>(o); }

  static decltype(auto) cached(const owner& o) {
    const relation_slot& slot = o.*Rel::slot;
    if constexpr (base::many)
      return static_cast<const std::vector<target>&>(*static_cast<const std::vector<target>*>(slot.value.get()));
    else
      return std::shared_ptr<const target>(slot.value, static_cast<const target*>(slot.value.get()));
  }

  static decltype(auto) get(const owner& o) {
    if (!(o.*Rel::slot).loaded)
      lazy_access<Rel>(o);
    else if constexpr (base::belongs)
      if (points_elsewhere(o)) load(o);
    return cached(o);
  }

  // belongs_to: whether the loaded parent is not the one the foreign key's fields name now (one of
  // them was assigned by hand since): then it is read again, as for one column. A loaded "none" is
  // kept (a with(...) modifier may have left it).
  static bool points_elsewhere(const owner& o) {
    const target* parent = static_cast<const target*>((o.*Rel::slot).value.get());
    if (!parent) return false;
    const auto v = lookup_value(o);
    if (!v) return true;
    const auto k = matched::read(*parent);
    return !k || !(*k == *v);
  }

  static decltype(auto) reload(const owner& o) {
    load(o);
    return cached(o);
  }

  // has_one / has_many: point the child's foreign key fields at the owner's key, save it, keep a
  // loaded cache true. A failed save puts the child's fields back.
  static void add(const owner& o, target& child) {
    using fk = key_fields<fk_defs>;
    std::optional<transaction> tx;
    if constexpr (!base::many) {
      std::vector<target> others = current_children<Rel>(o, child, [&] { return query_for(o) | to_vector; });
      if (!others.empty()) {
        const ar::database db = ::ar::database_for<target>();
        if (!db.in_transaction()) tx.emplace(db);
        retire_other_children<Rel, all_nullable_v<fk_defs>>(
            std::move(others), "the fields of its foreign key (AR_KEYS)", [](auto& t) { fk::reset(t); });
      }
    }
    auto old = fk::save(child);
    fk::assign(child, o, key_defs{});
    try {
      save(child);
      if (tx) tx->commit();
    } catch (...) {
      fk::restore(child, std::move(old));
      throw;
    }
    relation_slot& slot = slot_of<Rel>(o);
    const std::shared_ptr<void> stored_shared = fields_of(child);
    target* stored = static_cast<target*>(stored_shared.get());
    if constexpr (!std::is_void_v<typename Rel::inverse_name>) {
      using inverse = typename find_relation<target, typename Rel::inverse_name>::type;
      slot_of<inverse>(*stored) = relation_slot{fields_of(o), true};
    }
    if constexpr (base::many) {
      if (!slot.loaded) return;
      auto rows = std::make_shared<std::vector<target>>(*static_cast<const std::vector<target>*>(slot.value.get()));
      bool replaced = false;
      for (target& row : *rows)
        if (primary_key(row) == primary_key(child)) {
          row = *stored;
          replaced = true;
        }
      if (!replaced) rows->push_back(*stored);
      slot.value = std::move(rows);
    } else {
      slot = relation_slot{stored_shared, true};
    }
  }

  // belongs_to: point the owner's foreign key fields at the parent's key (not saved).
  static void associate(owner& o, const target& parent) {
    relation_slot slot{fields_of(parent), true};
    key_fields<fk_defs>::assign(o, parent, key_defs{});
    o.*Rel::slot = std::move(slot);
  }

  static void dissociate(owner& o) {
    static_assert(all_nullable_v<fk_defs>,
                  "dissociate sets the foreign key to NULL: every field of AR_KEYS must be a std::optional");
    if constexpr (all_nullable_v<fk_defs>) {
      key_fields<fk_defs>::reset(o);
      o.*Rel::slot = relation_slot{nullptr, true};
    }
  }
};

// A relation whose declaration is wrong: its static_assert has said why; these keep the compiler quiet.
template <class Rel>
struct relation_impl<Rel, false> {
  static int get(const typename Rel::owner&) { return 0; }
  static int reload(const typename Rel::owner&) { return 0; }
  static int query_for(const typename Rel::owner&) { return 0; }
  template <class... A>
  static void add(A&&...) {}
  template <class... A>
  static void associate(A&&...) {}
  template <class... A>
  static void dissociate(A&&...) {}
};

template <class Owner, class Name>
using relation_for = relation_impl<typename find_relation<Owner, Name>::type>;

// A to-many relation's rows as the accessor gives them: an ar::collection sharing the cache's
// vector (it outlives a later write that replaces the cache); other relations' values as they are.
template <class Got>
struct to_many_rows {
  using type = void;
};
template <class T>
struct to_many_rows<const std::vector<T>&> {
  using type = T;
};
template <class Rel, class Owner, class Got>
decltype(auto) as_accessed(const Owner& owner, Got&& got) {
  using T = typename to_many_rows<Got&&>::type;
  if constexpr (!std::is_void_v<T>)
    return collection<T>(std::shared_ptr<const std::vector<T>>((owner.*Rel::slot).value, &got));
  else if constexpr (std::is_lvalue_reference_v<Got>)
    return static_cast<Got>(got);
  else
    return std::remove_cvref_t<Got>(std::move(got));
}
template <class Owner, class Name>
decltype(auto) relation_get(const Owner& owner, Name) {
  using rel = typename find_relation<Owner, Name>::type;
  return as_accessed<rel>(owner, relation_for<Owner, Name>::get(owner));
}
template <class Owner, class Name>
decltype(auto) relation_reload(const Owner& owner, Name) {
  using rel = typename find_relation<Owner, Name>::type;
  return as_accessed<rel>(owner, relation_for<Owner, Name>::reload(owner));
}
template <class Owner, class Name>
auto relation_query(const Owner& owner, Name) {
  return relation_for<Owner, Name>::query_for(owner);
}
template <class Owner, class Name, class Child>
void relation_add(Owner& owner, Name, Child& child) {
  using rel = typename find_relation<Owner, Name>::type;
  static_assert(std::is_same_v<Child, typename rel::target>,
                "ar: add / set / create take a record of the relation's target model");
  if constexpr (std::is_same_v<Child, typename rel::target>) relation_for<Owner, Name>::add(owner, child);
}
template <class Owner, class Name, class Parent>
void relation_associate(Owner& owner, Name, const Parent& parent) {
  using rel = typename find_relation<Owner, Name>::type;
  constexpr bool fits = rel::kind == relation_kind::morph_to || std::is_same_v<Parent, typename rel::target>;
  static_assert(fits, "ar: associate takes a record of the relation's target model");
  if constexpr (fits) relation_for<Owner, Name>::associate(owner, parent);
}
template <class Owner, class Name>
void relation_dissociate(Owner& owner, Name) {
  relation_for<Owner, Name>::dissociate(owner);
}

// Calls f.template operator()<R>() for the relation R named `name`; throws ar::relation_not_found.
template <model M, class F>
void with_relation_named(std::string_view name, F&& f) {
  bool found = false;
  [&]<class... R>(type_list<R...>) {
    ((!found && name == to_string_view(typename R::name_type{}) ? (found = true, f.template operator()<R>(), 0) : 0),
     ...);
  }(typename model_of<M>::relations{});
  if (!found)
    throw relation_not_found("ar: model '" + std::string(model_of<M>::table) + "' has no relation named '" +
                             std::string(name) + "'");
}

}  // namespace detail

}  // namespace ar

#endif  // AR_DETAIL_RELATION_IMPL_HPP
