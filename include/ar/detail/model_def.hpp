#ifndef AR_DETAIL_MODEL_DEF_HPP
#define AR_DETAIL_MODEL_DEF_HPP

// What AR_MODEL builds: a model definition type that holds the table name, the persisted
// fields (member pointer, field name, column name) and the primary key, all at compile time.

#include <ar/detail/relation_def.hpp>
#include <ar/naming.hpp>
#include <ar/value.hpp>

#include <boost/hana/pair.hpp>
#include <boost/hana/string.hpp>
#include <boost/hana/tuple.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

namespace ar {
class database;
}

namespace ar::detail {

template <class...>
inline constexpr bool always_false = false;

// T, named so that it depends on D: a check in a member template of a model then waits for the
// template's instantiation, by which time T may be complete.
template <class T, class D>
struct dependent_on {
  using type = T;
};

template <class... T>
struct type_list {
  static constexpr std::size_t size = sizeof...(T);
};

template <class T, class List>
struct prepend;
template <class T, class... L>
struct prepend<T, type_list<L...>> {
  using type = type_list<T, L...>;
};

template <class T>
struct member_pointer_traits;
template <class C, class T>
struct member_pointer_traits<T C::*> {
  using class_type = C;
  using value_type = T;
};

template <char... C>
inline constexpr char chars_v[] = {C..., '\0'};

template <char... C>
constexpr std::string_view to_string_view(boost::hana::string<C...>) {
  return {chars_v<C...>, sizeof...(C)};
}

// One persisted field as AR_FIELDS names it.
template <auto Ptr, class Name, int Index>
struct field_decl {
  static constexpr auto pointer = Ptr;
  static constexpr int index = Index;
  using name_type = Name;
};

// Stands in for a field or model that failed its static_assert, so that no second error follows.
struct invalid_field {
  static constexpr auto hana_accessors() { return boost::hana::make_tuple(); }
};

// One persisted field with its final column name. Index identifies the field within its model
// (the number AR_FIELDS gave it; the column handles of Model::c carry the same number).
template <auto Ptr, class Name, class Column, int Index, bool Given = false>
struct column_def {
  static constexpr int index = Index;
  using type = typename member_pointer_traits<decltype(Ptr)>::value_type;
  using traits = field_traits<type>;
  using name_type = Name;
  static constexpr auto pointer = Ptr;
  static constexpr std::string_view name = to_string_view(Name{});
  static constexpr std::string_view column = to_string_view(Column{});
  // AR_COLUMN named the column: no naming convention changes it.
  static constexpr bool given = Given;
  static constexpr value_type kind = traits::type;
  static constexpr bool nullable = traits::nullable;

  template <class Model>
  static constexpr auto& get(Model& m) noexcept {
    return m.*Ptr;
  }
};

// Hana accessor for one member, so that a model is also a hana::Struct.
template <auto Ptr>
struct member_accessor {
  template <class Object>
  constexpr decltype(auto) operator()(Object&& o) const noexcept {
    return static_cast<Object&&>(o).*Ptr;
  }
};

template <class... Fields>
struct fields_clause {};
struct fields_begin {};
template <class Name, class Column>
struct column_clause {
  using name_type = Name;
};
// AR_PRIMARY_KEY(a) or, for a composite key, AR_PRIMARY_KEY(a, b, ...).
template <class... Names>
struct primary_key_clause {
  static constexpr std::size_t arity = sizeof...(Names);
};

// AR_KEY_SUPPLIED: the program supplies the key, also an integer one.
struct key_supplied_clause {};

// AR_LOCK_VERSION(field): the field is the record's lock version (optimistic locking, ar/crud.hpp).
template <class Name>
struct lock_version_clause {
  using name_type = Name;
};
template <class Name>
constexpr lock_version_clause<Name> make_lock_version_clause(Name) {
  return {};
}
// What is wrong with an AR_LOCK_VERSION field, checked after the model is made (AR_MODEL's
// AR_DETAIL_POST_CHECK_LOCK_VERSION names the field in its message).
enum class lock_version_problem : std::uint8_t { none, not_a_field, not_an_integer };

// AR_TIMESTAMPS(created, updated), AR_CREATED_AT(field), AR_UPDATED_AT(field): the fields insert,
// update, insert_all and touch fill with the program's clock (ar/crud.hpp). `void` for the one a
// clause does not name.
template <class Created, class Updated>
struct timestamps_clause {
  using created_type = Created;
  using updated_type = Updated;
};
template <class Created, class Updated>
constexpr timestamps_clause<Created, Updated> make_timestamps_clause(Created, Updated) {
  return {};
}
template <class Created>
constexpr timestamps_clause<Created, void> make_created_at_clause(Created) {
  return {};
}
template <class Updated>
constexpr timestamps_clause<void, Updated> make_updated_at_clause(Updated) {
  return {};
}
// What is wrong with a timestamp field, checked after the model is made (AR_MODEL's post-checks
// name the field in their messages).
enum class timestamp_problem : std::uint8_t { none, not_a_field, not_a_time };

// AR_VALIDATES(field, validators...): Make() returns the validators (ar/validators.hpp) as a
// std::tuple, made once where validation runs (ar/validation.hpp).
template <class Name, class Make>
struct validates_clause {
  using name_type = Name;
  using make = Make;
};
template <class Name, class Make>
constexpr validates_clause<Name, Make> make_validates_clause(Name, Make) {
  return {};
}

// The moments of a record's life a callback runs at (ar/callbacks.hpp), in the order one write
// runs them: save's and create's (or update's) before the statement, their after_ ones after it;
// destroy's around its DELETE; after_commit / after_rollback when the transaction ends.
enum class hook_kind : std::uint8_t {
  before_save,
  before_create,
  before_update,
  after_create,
  after_update,
  after_save,
  before_destroy,
  after_destroy,
  after_commit,
  after_rollback,
  none,  // a name that is no hook
};
inline constexpr std::size_t hook_count = static_cast<std::size_t>(hook_kind::none);
inline constexpr std::array<std::string_view, hook_count> hook_names{
    "before_save", "before_create",  "before_update", "after_create", "after_update",
    "after_save",  "before_destroy", "after_destroy", "after_commit", "after_rollback"};
constexpr hook_kind hook_named(std::string_view name) {
  for (std::size_t i = 0; i < hook_count; ++i)
    if (hook_names[i] == name) return static_cast<hook_kind>(i);
  return hook_kind::none;
}
constexpr std::string_view hook_name(hook_kind h) { return hook_names[static_cast<std::size_t>(h)]; }
// The hooks that may stop the write they come before (by returning false).
constexpr bool is_before_hook(hook_kind h) {
  return h == hook_kind::before_save || h == hook_kind::before_create || h == hook_kind::before_update ||
         h == hook_kind::before_destroy;
}
// The hooks whose callback may change the record (those of a write that stores its fields); the
// others see it const (a destroy's, and a finished transaction's copy of it).
constexpr bool hook_changes_record(hook_kind h) { return h <= hook_kind::after_save; }

// AR_CALLBACK(hook, function): Make() returns the function (called with std::invoke: a function,
// a static member function, &Model::member_function, a function object), HookName and FnName are
// the clause's words as written, for its messages.
template <class HookName, class FnName, class Make>
struct callback_clause {
  using make = Make;
  using call = decltype(std::declval<Make>()());
  static constexpr hook_kind hook = hook_named(to_string_view(HookName{}));
  static constexpr std::string_view hook_text = to_string_view(HookName{});
  static constexpr std::string_view function = to_string_view(FnName{});
};
template <class HookName, class FnName, class Call>
constexpr callback_clause<HookName, FnName, Call> make_callback_clause(HookName, FnName, Call) {
  return {};
}
// AR_REGISTERED_CALLBACKS: the model's writes run the callbacks ar::on<Model> registers at run time.
struct registered_callbacks_clause {};

// What is wrong with a callback: its hook is no hook's name, or the function cannot be called as
// the hook calls it: with the record (Model&, or const Model& for before_destroy, after_destroy,
// after_commit, after_rollback), or with the database and the record, returning void, or bool for
// a before_ hook.
enum class callback_problem : std::uint8_t { none, unknown_hook, not_callable };

template <class M, hook_kind H, class F>
constexpr callback_problem callback_problem_for() {
  if constexpr (H == hook_kind::none) {
    return callback_problem::unknown_hook;
  } else {
    using record = std::conditional_t<hook_changes_record(H), M&, const M&>;
    constexpr auto result_ok = []<class R>() {
      return std::is_void_v<R> || (is_before_hook(H) && std::is_same_v<R, bool>);
    };
    if constexpr (std::is_invocable_v<F&, const database&, record>)
      return result_ok.template operator()<std::invoke_result_t<F&, const database&, record>>()
                 ? callback_problem::none
                 : callback_problem::not_callable;
    else if constexpr (std::is_invocable_v<F&, record>)
      return result_ok.template operator()<std::invoke_result_t<F&, record>>() ? callback_problem::none
                                                                               : callback_problem::not_callable;
    else
      return callback_problem::not_callable;
  }
}

// AR_NAMING(style): the model's names are spelled in `style` on every database.
template <name_style Style>
struct naming_clause {
  static constexpr name_style style = Style;
};

template <class Name, class Column>
constexpr column_clause<Name, Column> make_column_clause(Name, Column) {
  return {};
}
template <class... Names>
constexpr primary_key_clause<Names...> make_primary_key_clause(fields_begin, Names...) {
  return {};
}

template <class... Fields>
constexpr fields_clause<Fields...> make_fields_clause(fields_begin, Fields...) {
  return {};
}

template <int I>
struct field_index {};

// What is wrong with the I-th name of AR_FIELDS, if anything. AR_MODEL asserts on it with the name
// spelled in the message (a static_assert here could not name it).
enum class field_problem { none, not_a_member, not_a_data_member, unsupported_type };

template <class Self, int I>
constexpr field_problem field_problem_of() {
  if constexpr (!requires { Self::ar_field_probe(field_index<I>{}, static_cast<Self*>(nullptr)); }) {
    return field_problem::not_a_member;
  } else {
    using pointer_type =
        std::remove_cv_t<decltype(Self::ar_field_probe(field_index<I>{}, static_cast<Self*>(nullptr)))>;
    if constexpr (!std::is_member_object_pointer_v<pointer_type>)
      return field_problem::not_a_data_member;
    else if constexpr (!is_field_type_v<typename member_pointer_traits<pointer_type>::value_type>)
      return field_problem::unsupported_type;
    else
      return field_problem::none;
  }
}

template <class Self, int I, class Name>
constexpr auto make_field(Name) {
  // A field with a problem is invalid_field: AR_MODEL's static_assert named it, and nothing else is said.
  if constexpr (field_problem_of<Self, I>() != field_problem::none)
    return invalid_field{};
  else
    return field_decl<Self::ar_field_probe(field_index<I>{}, static_cast<Self*>(nullptr)), Name, I>{};
}

// AR_TRANSIENT(a, b): data members of the struct that are not stored, on purpose.
template <class... Names>
struct transient_clause {};
template <class... Names>
constexpr transient_clause<Names...> make_transient_clause(fields_begin, Names...) {
  return {};
}

// AR_UNIQUE(a, b) (Unique) and AR_INDEX(a, b): an index create_table makes over these fields.
template <bool Unique, class... Names>
struct index_clause {
  static constexpr bool unique = Unique;
};
template <bool Unique, class... Names>
constexpr index_clause<Unique, Names...> make_index_clause(fields_begin, Names...) {
  return {};
}
// AR_DEFAULT(field, value): the column's DEFAULT in create_table; Value() gives the value.
template <class Name, class Value>
struct default_clause {
  using name_type = Name;
  using value_fn = Value;
};
template <class Name, class Value>
constexpr default_clause<Name, Value> make_default_clause(Name, Value) {
  return {};
}

template <class Clause>
inline constexpr bool is_ddl_clause_v = false;
template <bool U, class... N>
inline constexpr bool is_ddl_clause_v<index_clause<U, N...>> = true;
template <class N, class V>
inline constexpr bool is_ddl_clause_v<default_clause<N, V>> = true;

template <class Clause>
inline constexpr bool is_transient_clause_v = false;
template <class... N>
inline constexpr bool is_transient_clause_v<transient_clause<N...>> = true;

template <class... Clauses>
struct find_transient_clause {
  using type = transient_clause<>;
};
template <class C, class... Rest>
struct find_transient_clause<C, Rest...> : find_transient_clause<Rest...> {};
template <class... N, class... Rest>
struct find_transient_clause<transient_clause<N...>, Rest...> {
  using type = transient_clause<N...>;
};

// --- every data member is stored, or excluded on purpose ---------------------------------------
// Model{member_probe{}, ...} compiles with at most as many probes as the aggregate has members
// (the way Boost.PFR counts them). Declared only: it is used in unevaluated requires-expressions.
struct member_probe {
  template <class T>
  operator T() const;
};
template <std::size_t>
using member_probe_at = member_probe;
// Converts only to a base class of Model: Model{base_probe<Model>{}} compiles when Model has one.
template <class Model>
struct base_probe {
  template <class T>
    requires(std::is_base_of_v<T, Model> && !std::is_same_v<T, Model>)
  operator T() const;
};

template <class Model, std::size_t... I>
constexpr bool initialisable_with(std::index_sequence<I...>) {
  return requires { Model{member_probe_at<I>{}...}; };
}

// How many initializers a member of type T takes in its struct's aggregate initialization: a C
// array one per element (brace elision), anything else one.
template <class T>
inline constexpr std::size_t initializers_of = 1;
template <class T, std::size_t N>
inline constexpr std::size_t initializers_of<T[N]> = N * initializers_of<T>;

template <class Definition>
inline constexpr bool is_model_definition_v = !std::is_same_v<Definition, invalid_field>;

// Whether each data member of an aggregate model is a field, one of the Transient initializers of
// AR_TRANSIENT, or one of the members AR_MODEL declares itself (ar_context, and a cache per
// relation). A model that is not an aggregate (a constructor, a private member) or that has a base
// class is not counted: one probe more than the members it should have must not compile.
template <class Model, class Definition, std::size_t Transient>
constexpr bool stores_every_member() {
  if constexpr (!is_model_definition_v<Definition> || !std::is_aggregate_v<Model>) {
    return true;
  } else if constexpr (requires { Model{base_probe<Model>{}}; }) {
    return true;
  } else {
    constexpr std::size_t members = Definition::size + Transient + 1 + Definition::relations::size;
    return !initialisable_with<Model>(std::make_index_sequence<members + 1>{});
  }
}

// The column of a field: the one AR_COLUMN gives, else the field's own name.
// `given`: AR_COLUMN named it, so no naming convention changes it.
template <class Name, class... Clauses>
struct column_for {
  using type = Name;
  static constexpr bool given = false;
};
template <class Name, class Clause, class... Rest>
struct column_for<Name, Clause, Rest...> : column_for<Name, Rest...> {};
template <class Name, class Column, class... Rest>
struct column_for<Name, column_clause<Name, Column>, Rest...> {
  using type = Column;
  static constexpr bool given = true;
};

template <class Clause>
inline constexpr bool is_fields_clause_v = false;
template <class... F>
inline constexpr bool is_fields_clause_v<fields_clause<F...>> = true;

template <class Clause>
inline constexpr bool is_primary_key_clause_v = false;
template <class... N>
inline constexpr bool is_primary_key_clause_v<primary_key_clause<N...>> = true;

// How many fields the primary key has: AR_PRIMARY_KEY's, else 1 (the field named `id`).
template <class... Clauses>
constexpr std::size_t key_arity_of() {
  std::size_t arity = 1;
  (
      [&] {
        if constexpr (is_primary_key_clause_v<Clauses>) arity = Clauses::arity;
      }(),
      ...);
  return arity;
}

template <class Clause>
inline constexpr bool is_key_supplied_clause_v = std::is_same_v<Clause, key_supplied_clause>;

template <class Clause>
inline constexpr bool is_lock_version_clause_v = false;
template <class N>
inline constexpr bool is_lock_version_clause_v<lock_version_clause<N>> = true;

template <class Clause>
inline constexpr bool is_timestamps_clause_v = false;
template <class C, class U>
inline constexpr bool is_timestamps_clause_v<timestamps_clause<C, U>> = true;

template <class Clause>
inline constexpr bool is_validates_clause_v = false;
template <class N, class M>
inline constexpr bool is_validates_clause_v<validates_clause<N, M>> = true;

template <class Clause>
inline constexpr bool is_callback_clause_v = false;
template <class H, class F, class C>
inline constexpr bool is_callback_clause_v<callback_clause<H, F, C>> = true;

template <class Clause>
inline constexpr bool is_naming_clause_v = false;
template <name_style S>
inline constexpr bool is_naming_clause_v<naming_clause<S>> = true;

// The style AR_NAMING gives, else as_declared (the database's convention applies).
template <class... Clauses>
constexpr name_style naming_of() {
  name_style found = name_style::as_declared;
  (
      [&] {
        if constexpr (is_naming_clause_v<Clauses>) found = Clauses::style;
      }(),
      ...);
  return found;
}

template <class... Clauses>
struct find_fields_clause;
template <>
struct find_fields_clause<> {
  using type = fields_clause<>;
};
template <class C, class... Rest>
struct find_fields_clause<C, Rest...> : find_fields_clause<Rest...> {};
template <class... F, class... Rest>
struct find_fields_clause<fields_clause<F...>, Rest...> {
  using type = fields_clause<F...>;
};

inline constexpr std::size_t npos = static_cast<std::size_t>(-1);

template <std::size_t N>
constexpr std::size_t index_of(const std::array<std::string_view, N>& names, std::string_view name) {
  for (std::size_t i = 0; i < N; ++i)
    if (names[i] == name) return i;
  return npos;
}

template <std::size_t N>
constexpr bool all_distinct(const std::array<std::string_view, N>& names) {
  for (std::size_t i = 0; i < N; ++i)
    for (std::size_t j = i + 1; j < N; ++j)
      if (names[i] == names[j]) return false;
  return true;
}

template <std::size_t N, class... Names>
constexpr std::array<std::size_t, sizeof...(Names)> key_positions(const std::array<std::string_view, N>& names,
                                                                  primary_key_clause<Names...>) {
  return {index_of(names, to_string_view(Names{}))...};
}

// Which fields are the primary key, in key order: the ones AR_PRIMARY_KEY names, else the field
// named `id`. npos for a name that is not a field.
template <std::size_t N, std::size_t K, class... Clauses>
constexpr std::array<std::size_t, K> primary_key_indices(const std::array<std::string_view, N>& names) {
  std::array<std::size_t, K> found{};
  found[0] = index_of(names, "id");
  (
      [&] {
        if constexpr (is_primary_key_clause_v<Clauses>) found = key_positions(names, Clauses{});
      }(),
      ...);
  return found;
}

template <std::size_t K>
constexpr bool any_npos(const std::array<std::size_t, K>& indices) {
  for (std::size_t i : indices)
    if (i == npos) return true;
  return false;
}

// Whether a field at one of `keys` is a std::optional.
template <class... F, std::size_t K>
constexpr bool any_nullable_key(const std::array<std::size_t, K>& keys) {
  constexpr std::array<bool, sizeof...(F)> nullable{
      field_traits<typename member_pointer_traits<std::remove_cv_t<decltype(F::pointer)>>::value_type>::nullable...};
  for (std::size_t k : keys)
    if (nullable[k]) return true;
  return false;
}

// The values of an array as an index_sequence.
template <auto Array, class Positions>
struct to_sequence;
template <auto Array, std::size_t... P>
struct to_sequence<Array, std::index_sequence<P...>> {
  using type = std::index_sequence<Array[P]...>;
};

template <std::size_t K>
constexpr bool all_distinct_indices(const std::array<std::size_t, K>& indices) {
  for (std::size_t i = 0; i < K; ++i)
    for (std::size_t j = i + 1; j < K; ++j)
      if (indices[i] == indices[j]) return false;
  return true;
}

// A primary key of several fields (AR_PRIMARY_KEY(a, b)): its C++ type is a std::tuple of theirs,
// in key order; a record's key is read as a tuple (there is no single member to refer to).
template <class... K>
struct composite_key {
  using type = std::tuple<typename K::type...>;
  using columns = type_list<K...>;
  template <class Model>
  static constexpr type get(const Model& record) {
    return type{record.*K::pointer...};
  }
};

template <class Columns, class Keys>
struct primary_key_of;
template <class... C, std::size_t I>
struct primary_key_of<std::tuple<C...>, std::index_sequence<I>> {
  using type = std::tuple_element_t<I, std::tuple<C...>>;
};
template <class... C, std::size_t I0, std::size_t I1, std::size_t... I>
struct primary_key_of<std::tuple<C...>, std::index_sequence<I0, I1, I...>> {
  using type = composite_key<std::tuple_element_t<I0, std::tuple<C...>>, std::tuple_element_t<I1, std::tuple<C...>>,
                             std::tuple_element_t<I, std::tuple<C...>>...>;
};

template <class Clause>
inline constexpr bool names_a_field_v = false;
template <class N, class C>
inline constexpr bool names_a_field_v<column_clause<N, C>> = true;

template <std::size_t N, class... Names>
constexpr bool transient_apart(const std::array<std::string_view, N>& names, transient_clause<Names...>) {
  return ((index_of(names, to_string_view(Names{})) == npos) && ...);
}

template <class Clause, std::size_t N>
constexpr bool names_known_field(const std::array<std::string_view, N>& names) {
  if constexpr (names_a_field_v<Clause>)
    return index_of(names, to_string_view(typename Clause::name_type{})) != npos;
  else
    return true;
}

template <class T, value_type Kind = field_traits<T>::type>
inline constexpr bool is_integral_key_v =
    !field_traits<T>::nullable && !field_traits<T>::mapped && (Kind == value_type::int32 || Kind == value_type::int64);

template <class... Clauses>
struct morph_name_of_clauses {
  using type = void;
};
template <class C, class... Rest>
struct morph_name_of_clauses<C, Rest...> : morph_name_of_clauses<Rest...> {};
template <class N, class... Rest>
struct morph_name_of_clauses<morph_name_clause<N>, Rest...> {
  using type = N;
};

// What is wrong with a made model's AR_LOCK_VERSION (none for a model that failed an earlier check).
template <class Def>
constexpr lock_version_problem lock_problem_of() {
  if constexpr (requires { Def::lock_problem; })
    return Def::lock_problem;
  else
    return lock_version_problem::none;
}

// What is wrong with a made model's timestamps (none for a model that failed an earlier check).
template <class Def>
constexpr timestamp_problem timestamps_problem_of() {
  if constexpr (requires { Def::timestamps_problem; })
    return Def::timestamps_problem;
  else
    return timestamp_problem::none;
}

// The column of AR_LOCK_VERSION's field among `names` (npos: none declared, or not a field).
template <std::size_t N, class... Clauses>
constexpr std::size_t lock_version_index(const std::array<std::string_view, N>& names) {
  std::size_t found = npos;
  (
      [&] {
        if constexpr (is_lock_version_clause_v<Clauses>)
          found = index_of(names, to_string_view(typename Clauses::name_type{}));
      }(),
      ...);
  return found;
}

// The timestamp field a clause names among `names`: npos when the clause names none (void).
template <class Name, std::size_t N>
constexpr std::size_t timestamp_position(const std::array<std::string_view, N>& names) {
  if constexpr (std::is_void_v<Name>)
    return npos;
  else
    return index_of(names, to_string_view(Name{}));
}

// The created_at and updated_at columns the timestamp clauses name (npos: none), and what is wrong
// with them: a name that is not a field, or a field that is not an ar::time_point (optional or not).
template <std::size_t N, class... Clauses>
constexpr std::array<std::size_t, 2> timestamp_indices(const std::array<std::string_view, N>& names) {
  std::array<std::size_t, 2> found{npos, npos};
  (
      [&] {
        if constexpr (is_timestamps_clause_v<Clauses>) {
          if constexpr (!std::is_void_v<typename Clauses::created_type>)
            found[0] = timestamp_position<typename Clauses::created_type>(names);
          if constexpr (!std::is_void_v<typename Clauses::updated_type>)
            found[1] = timestamp_position<typename Clauses::updated_type>(names);
        }
      }(),
      ...);
  return found;
}
// How many clauses name a created field ([0]) and an updated field ([1]).
template <class... Clauses>
constexpr std::array<std::size_t, 2> timestamp_names_declared() {
  std::array<std::size_t, 2> n{0, 0};
  (
      [&] {
        if constexpr (is_timestamps_clause_v<Clauses>) {
          n[0] += std::size_t{!std::is_void_v<typename Clauses::created_type>};
          n[1] += std::size_t{!std::is_void_v<typename Clauses::updated_type>};
        }
      }(),
      ...);
  return n;
}

template <class T>
inline constexpr bool is_time_field_v = !field_traits<T>::mapped && field_traits<T>::type == value_type::time;

// The validations AR_VALIDATES declares, in order, and the timestamp columns: what insert, update
// and save do besides writing (ar/crud.hpp). Created / Updated are npos when not declared.
// And the callbacks AR_CALLBACK declares (callback_clause, in order), and whether the model runs
// the ones ar::on registers (AR_REGISTERED_CALLBACKS).
template <std::size_t Created, std::size_t Updated, timestamp_problem Problem, class Validations, class Callbacks,
          bool Registered>
struct lifecycle {
  static constexpr std::size_t created_at = Problem == timestamp_problem::none ? Created : npos;
  static constexpr std::size_t updated_at = Problem == timestamp_problem::none ? Updated : npos;
  static constexpr timestamp_problem problem = Problem;
  using validations = Validations;
  using callbacks = Callbacks;
  static constexpr bool registered_callbacks = Registered;
};

template <class Model, class Table, class Keys, bool KeySupplied, name_style Naming, class Relations, class MorphName,
          class Ddl, std::size_t LockVersion, lock_version_problem LockProblem, class Life, class... Columns>
struct model_definition;
template <class Model, class Table, std::size_t... Keys, bool KeySupplied, name_style Naming, class Relations,
          class MorphName, class Ddl, std::size_t LockVersion, lock_version_problem LockProblem, class Life,
          class... Columns>
struct model_definition<Model, Table, std::index_sequence<Keys...>, KeySupplied, Naming, Relations, MorphName, Ddl,
                        LockVersion, LockProblem, Life, Columns...> {
  using model_type = Model;
  using columns = type_list<Columns...>;
  // The clauses only create_table reads (AR_UNIQUE, AR_INDEX, AR_DEFAULT), in order: ar/detail/table_ddl.hpp.
  using ddl_clauses = Ddl;
  // The relations AR_BELONGS_TO / AR_HAS_ONE / AR_HAS_MANY declared, in order.
  using relations = Relations;
  // The key's column (a column_def), or for a key of several fields a composite_key of them.
  using primary_key = typename primary_key_of<std::tuple<Columns...>, std::index_sequence<Keys...>>::type;
  // How many fields the key has, and their positions among the columns, in key order.
  static constexpr std::size_t key_arity = sizeof...(Keys);
  static constexpr std::array<std::size_t, sizeof...(Keys)> key_indices{Keys...};
  static constexpr std::string_view table = to_string_view(Table{});
  // The type value polymorphic relations store for this model (AR_MORPH_NAME, else the table).
  static constexpr std::string_view morph_name = [] {
    if constexpr (std::is_void_v<MorphName>)
      return to_string_view(Table{});
    else
      return to_string_view(MorphName{});
  }();
  static constexpr std::size_t size = sizeof...(Columns);
  // The key's (first) field.
  static constexpr std::size_t primary_key_index = key_indices[0];
  // AR_NAMING's style, else as_declared.
  static constexpr name_style naming = Naming;
  // AR_LOCK_VERSION's column (npos: the model has none), and what is wrong with it if anything.
  static constexpr std::size_t lock_version_index = LockProblem == lock_version_problem::none ? LockVersion : npos;
  static constexpr lock_version_problem lock_problem = LockProblem;
  // AR_TIMESTAMPS' columns (npos: not declared), and AR_VALIDATES' clauses (validates_clause), in order.
  static constexpr std::size_t created_at_index = Life::created_at;
  static constexpr std::size_t updated_at_index = Life::updated_at;
  static constexpr timestamp_problem timestamps_problem = Life::problem;
  using validations = typename Life::validations;
  // AR_CALLBACK's clauses (callback_clause), in order; AR_REGISTERED_CALLBACKS.
  using callbacks = typename Life::callbacks;
  static constexpr bool registered_callbacks = Life::registered_callbacks;
  // An integer primary key is generated by the database, unless AR_KEY_SUPPLIED says the program
  // supplies it; any other key, and a key of several fields, is supplied by the program.
  static constexpr bool generated_key = [] {
    if constexpr (sizeof...(Keys) == 1)
      return !KeySupplied && is_integral_key_v<typename primary_key::type>;
    else
      return false;
  }();

  // Copies every column of `from` into `to`, not the relation caches: one fold, no lambda per
  // column to instantiate.
  static void copy_columns(Model& to, const Model& from) { ((to.*Columns::pointer = from.*Columns::pointer), ...); }

  static constexpr auto hana_accessors() {
    return boost::hana::make_tuple(
        boost::hana::make_pair(typename Columns::name_type{}, member_accessor<Columns::pointer>{})...);
  }
};

template <class... Clauses>
struct ddl_clauses_of {
  using type = type_list<>;
};
template <class C, class... Rest>
struct ddl_clauses_of<C, Rest...> {
  using rest = typename ddl_clauses_of<Rest...>::type;
  using type = std::conditional_t<is_ddl_clause_v<C>, typename prepend<C, rest>::type, rest>;
};

template <class... Clauses>
struct validations_of {
  using type = type_list<>;
};
template <class C, class... Rest>
struct validations_of<C, Rest...> {
  using rest = typename validations_of<Rest...>::type;
  using type = std::conditional_t<is_validates_clause_v<C>, typename prepend<C, rest>::type, rest>;
};

template <class... Clauses>
struct callbacks_of {
  using type = type_list<>;
};
template <class C, class... Rest>
struct callbacks_of<C, Rest...> {
  using rest = typename callbacks_of<Rest...>::type;
  using type = std::conditional_t<is_callback_clause_v<C>, typename prepend<C, rest>::type, rest>;
};

template <class... Clauses>
struct relations_of {
  using type = type_list<>;
};
template <class C, class... Rest>
struct relations_of<C, Rest...> {
  using rest = typename relations_of<Rest...>::type;
  using type = std::conditional_t<is_relation_v<C>, typename prepend<C, rest>::type, rest>;
};

template <class Self, class Table, class... Clauses>
constexpr auto make_model(Table, Clauses...) {
  constexpr std::size_t fields_clauses = (std::size_t{is_fields_clause_v<Clauses>} + ... + 0);
  constexpr std::size_t key_clauses = (std::size_t{is_primary_key_clause_v<Clauses>} + ... + 0);
  static_assert(fields_clauses == 1,
                "AR_MODEL needs exactly one AR_FIELDS(...) clause listing the members stored in the table");
  constexpr std::size_t supplied_clauses = (std::size_t{is_key_supplied_clause_v<Clauses>} + ... + 0);
  static_assert(key_clauses <= 1, "AR_MODEL takes at most one AR_PRIMARY_KEY(fields...) clause");
  static_assert(supplied_clauses <= 1, "AR_MODEL takes AR_KEY_SUPPLIED at most once");
  constexpr std::size_t naming_clauses = (std::size_t{is_naming_clause_v<Clauses>} + ... + 0);
  static_assert(naming_clauses <= 1, "AR_MODEL takes at most one AR_NAMING(style) clause");
  constexpr std::size_t transient_clauses = (std::size_t{is_transient_clause_v<Clauses>} + ... + 0);
  static_assert(transient_clauses <= 1, "AR_MODEL takes at most one AR_TRANSIENT(members...) clause");
  constexpr std::size_t lock_clauses = (std::size_t{is_lock_version_clause_v<Clauses>} + ... + 0);
  static_assert(lock_clauses <= 1, "AR_MODEL takes at most one AR_LOCK_VERSION(field) clause");
  constexpr std::array<std::size_t, 2> stamps_named = timestamp_names_declared<Clauses...>();
  static_assert(stamps_named[0] <= 1 && stamps_named[1] <= 1,
                "AR_MODEL names a created or an updated timestamp twice: use one AR_TIMESTAMPS(created, updated) "
                "clause, or AR_CREATED_AT(field) and AR_UPDATED_AT(field) once each");
  using fields = typename find_fields_clause<Clauses...>::type;
  return [&]<class... F>(fields_clause<F...>) {
    if constexpr (fields_clauses != 1 || key_clauses > 1 || sizeof...(F) == 0) {
      static_assert(sizeof...(F) != 0 || fields_clauses != 1, "AR_FIELDS must list at least one member");
      return invalid_field{};
    } else if constexpr ((std::is_same_v<F, invalid_field> || ...)) {
      return invalid_field{};  // the field's own static_assert has said what is wrong
    } else {
      constexpr std::array<std::string_view, sizeof...(F)> names{to_string_view(typename F::name_type{})...};
      constexpr std::array<std::string_view, sizeof...(F)> columns{
          to_string_view(typename column_for<typename F::name_type, Clauses...>::type{})...};
      constexpr std::size_t arity = key_arity_of<Clauses...>();
      constexpr std::array<std::size_t, arity> keys = primary_key_indices<sizeof...(F), arity, Clauses...>(names);
      constexpr bool key_known = !any_npos(keys);
      constexpr bool optional_key = key_known && any_nullable_key<F...>(keys);
      // One check at a time, so that a mistake gives one error.
      if constexpr (!all_distinct(names)) {
        static_assert(always_false<F...>, "AR_FIELDS lists the same member twice: list each member once");
        return invalid_field{};
      } else if constexpr (!transient_apart(names, typename find_transient_clause<Clauses...>::type{})) {
        static_assert(always_false<F...>,
                      "AR_TRANSIENT names a member that AR_FIELDS lists: a member is either stored (AR_FIELDS) or "
                      "not (AR_TRANSIENT)");
        return invalid_field{};
      } else if constexpr (!all_distinct(columns)) {
        static_assert(always_false<F...>,
                      "two fields of the model map to the same column: give each field its own AR_COLUMN name");
        return invalid_field{};
      } else if constexpr (!(names_known_field<Clauses>(names) && ...) || (key_clauses > 0 && !key_known)) {
        static_assert(always_false<F...>,
                      "AR_COLUMN or AR_PRIMARY_KEY names a field that AR_FIELDS does not list: list the member in "
                      "AR_FIELDS, or correct the name");
        return invalid_field{};
      } else if constexpr (!key_known) {
        static_assert(always_false<F...>,
                      "the model has no primary key: add a field named `id` to AR_FIELDS, or name the key "
                      "with AR_PRIMARY_KEY(field) (or AR_PRIMARY_KEY(a, b) for a key of several fields)");
        return invalid_field{};
      } else if constexpr (!all_distinct_indices(keys)) {
        static_assert(always_false<F...>, "AR_PRIMARY_KEY names the same field twice: name each key field once");
        return invalid_field{};
      } else if constexpr (optional_key) {
        static_assert(always_false<F...>,
                      "the primary key cannot be a std::optional: a stored record always has a key (every field "
                      "of a composite key too)");
        return invalid_field{};
      } else {
        constexpr std::size_t lock = lock_version_index<sizeof...(F), Clauses...>(names);
        constexpr std::array<bool, sizeof...(F)> integral{
            is_integral_key_v<typename member_pointer_traits<std::remove_cv_t<decltype(F::pointer)>>::value_type>...};
        constexpr lock_version_problem lock_problem = lock_clauses == 0 ? lock_version_problem::none
                                                      : lock == npos    ? lock_version_problem::not_a_field
                                                      : !integral[lock == npos ? 0 : lock]
                                                          ? lock_version_problem::not_an_integer
                                                          : lock_version_problem::none;
        constexpr std::array<std::size_t, 2> stamps = timestamp_indices<sizeof...(F), Clauses...>(names);
        constexpr std::array<bool, sizeof...(F)> times{
            is_time_field_v<typename member_pointer_traits<std::remove_cv_t<decltype(F::pointer)>>::value_type>...};
        constexpr bool stamps_known =
            (stamps_named[0] == 0 || stamps[0] != npos) && (stamps_named[1] == 0 || stamps[1] != npos);
        constexpr timestamp_problem stamp_problem =
            stamps_named[0] > 1 || stamps_named[1] > 1 ? timestamp_problem::none
            : !stamps_known                            ? timestamp_problem::not_a_field
            : (stamps[0] != npos && !times[stamps[0] == npos ? 0 : stamps[0]]) ||
                    (stamps[1] != npos && !times[stamps[1] == npos ? 0 : stamps[1]])
                ? timestamp_problem::not_a_time
                : timestamp_problem::none;
        return model_definition<
            Self, Table, typename to_sequence<keys, std::make_index_sequence<arity>>::type, (supplied_clauses > 0),
            naming_of<Clauses...>(), typename relations_of<Clauses...>::type,
            typename morph_name_of_clauses<Clauses...>::type, typename ddl_clauses_of<Clauses...>::type, lock,
            lock_problem,
            lifecycle<stamps[0], stamps[1], stamp_problem, typename validations_of<Clauses...>::type,
                      typename callbacks_of<Clauses...>::type,
                      (std::is_same_v<Clauses, registered_callbacks_clause> || ...)>,
            column_def<F::pointer, typename F::name_type, typename column_for<typename F::name_type, Clauses...>::type,
                       F::index, column_for<typename F::name_type, Clauses...>::given>...>{};
      }
    }
  }(fields{});
}

// What is wrong with AR_CALLBACK(hook, function) of a made model (found by its words; none for a
// model that failed an earlier check): AR_MODEL's post-check names the hook and the function.
template <class Def>
constexpr callback_problem callback_problem_of(std::string_view hook, std::string_view function) {
  if constexpr (!requires { typename Def::callbacks; }) {
    return callback_problem::none;
  } else {
    return []<class... Clause>(type_list<Clause...>, std::string_view h, std::string_view f) {
      callback_problem found = callback_problem::none;
      (
          [&] {
            if (found == callback_problem::none && Clause::hook_text == h && Clause::function == f)
              found = callback_problem_for<typename Def::model_type, Clause::hook, typename Clause::call>();
          }(),
          ...);
      return found;
    }(typename Def::callbacks{}, hook, function);
  }
}

}  // namespace ar::detail

#endif  // AR_DETAIL_MODEL_DEF_HPP
