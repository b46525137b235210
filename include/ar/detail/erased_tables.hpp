#ifndef AR_DETAIL_ERASED_TABLES_HPP
#define AR_DETAIL_ERASED_TABLES_HPP

// The type-erased tables: what the compiled library (src/) knows of a program's models and
// relations. Every one is a struct of plain data and function pointers, and every one is declared
// here.
//
// Why erase: the work that is the same for every model (reading rows, binding columns, finding and
// updating by key, batching inserts, eager and lazy loading, path checks) is compiled once, in the
// library, and a model or relation only hands over a constant table of small functions. When that
// work was templates in the headers, each model instantiated all of it again and the optimiser
// paid for every copy: moving it into the library cut the compile time of benchmarks/
// compile_cost.py's typical unit (10 models, their queries) from 8.4 s to 4.8 s, with no loss at
// run time (docs/benchmarks.md, "Compile cost"). A new per-model or per-relation job belongs in one
// of these tables, not in a new template algorithm.
//
// The tables, from the row up:
//   column_binding   where one result column is written (a field of a record, or a local)
//   row_callback     what runs after each row was read into the bound columns
//   record_ops       the model table for reading and writing records: size, alignment, make, move,
//                    destroy, bind the columns. record_ops_v<M> is its only definition.
//   model_rows       the model table for loading relations: its record_ops, how a group of its
//                    records (a std::vector<M>) is made and filled, its relation table, the
//                    batchers of its relations, the context of a record
//   relation_batcher one relation's batch for records read together (lazy access, batched)
//   relation_entry   one relation as the run time sees it: name, kind, target, the subquery
//                    correlation (where_has, with_count; through_hop: a join model), the eager loader
//   relation_table   a model's relation_entry array, searched by name (paths, where_has)
//   relation_loader  one relation for the loading algorithm, type-erased but for its key type
// and two that live with what they describe: eager_node::modified (a path's modifier, below) and
// query_state::counted::store (where with_count stores a count, ar/detail/query_state.hpp). The
// morph_to registry (ar/morph.hpp) keeps one morph_target per model a morph_to may point at.
//
// The tables of one model are constants made from its AR_MODEL definition: record_ops_v<M> here,
// model_rows_v<M>, relation_table_v<M> and each relation's relation_loader (eager_ops<Rel>::loader)
// in ar/load/registry.hpp. The loading algorithm over them is in ar/load/algorithm.hpp (its
// key-typed functions compiled into the library for integer, text and row keys) and src/load/eager.cpp.

#include <ar/detail/relation_def.hpp>
#include <ar/error.hpp>
#include <ar/export.hpp>
#include <ar/model_traits.hpp>
#include <ar/value.hpp>

#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <new>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

namespace ar {

class database;

namespace detail {

struct expr_tree;
struct query_state;

// --- columns and rows ------------------------------------------------------------------------------

struct mapped_ops;

// Where one result column is written: a field of type T (or std::optional<T>) at `target`. A field
// whose type has an ar::type_mapping has the type mapped_binding, and `mapped` says how it is read
// and written; every store_* rule and every switch over the type leaves it to a slower path, so
// that it costs nothing to the fields of the other types.
struct column_binding {
  value_type type;
  bool nullable;
  void* target;
  const mapped_ops* mapped;
};

inline constexpr auto mapped_binding = static_cast<value_type>(0xFF);

// A field of a mapped type T, type-erased: read through a local of its stored type (the store_*
// rules fill it), then from_stored; written through to_stored.
struct mapped_ops {
  value_type stored;
  // `fill` writes the stored value into the binding of a local it is given; then the field (a T,
  // or a std::optional<T> when `nullable`) is set from it. A refusal throws mapped_refusal.
  void (*read)(void* field, bool nullable, void (*fill)(void* context, const column_binding& local), void* context);
  void (*reset)(void* field) noexcept;  // an empty std::optional<T>
  // to_stored (NULL for an empty optional); a refusal throws mapped_refusal.
  value (*get)(const void* field, bool nullable);
  void (*copy)(void* to, const void* from, bool nullable);
};

// What a type_mapping refused: the value (as a log shows it) and why (its exception's what()).
struct AR_API mapped_refusal {
  std::string found;
  std::string why;
};
[[noreturn]] AR_API void refuse_mapped(const value& found, const char* why);

// A stored value as a parameter: ar::json is bound as its text.
template <class S>
value stored_value(S&& s) {
  if constexpr (std::is_same_v<std::remove_cvref_t<S>, json>)
    return value{std::string(std::forward<S>(s).text)};
  else
    return value{std::forward<S>(s)};
}

template <class T>
struct mapped_field {
  using mapping = type_mapping<T>;
  using stored = typename mapping::stored;

  static T convert(stored&& s) {
    try {
      return mapping::from_stored(std::move(s));
    } catch (const std::exception& e) {
      refuse_mapped(stored_value(std::move(s)), e.what());
    }
  }
  static void read(void* field, bool nullable, void (*fill)(void*, const column_binding&), void* context) {
    stored local{};
    fill(context, column_binding{field_traits<stored>::type, false, &local, nullptr});
    if (nullable)
      static_cast<std::optional<T>*>(field)->emplace(convert(std::move(local)));
    else
      *static_cast<T*>(field) = convert(std::move(local));
  }
  static void reset(void* field) noexcept { static_cast<std::optional<T>*>(field)->reset(); }
  static value get(const void* field, bool nullable) {
    const T* v = static_cast<const T*>(field);
    if (nullable) {
      const auto& o = *static_cast<const std::optional<T>*>(field);
      if (!o) return value{};
      v = &*o;
    }
    try {
      return stored_value(mapping::to_stored(*v));
    } catch (const std::exception& e) {
      refuse_mapped(value{}, e.what());
    }
  }
  static void copy(void* to, const void* from, bool nullable) {
    if (nullable)
      *static_cast<std::optional<T>*>(to) = *static_cast<const std::optional<T>*>(from);
    else
      *static_cast<T*>(to) = *static_cast<const T*>(from);
  }
  static constexpr mapped_ops ops{field_traits<stored>::type, &read, &reset, &get, &copy};
};

template <class T>
column_binding bind_column(T& field) noexcept {
  using traits = field_traits<T>;
  if constexpr (traits::mapped)
    return {mapped_binding, traits::nullable, static_cast<void*>(&field), &mapped_field<typename traits::scalar>::ops};
  else
    return {traits::type, traits::nullable, static_cast<void*>(&field), nullptr};
}

// Called after each fetched row has been written to the bound columns.
struct row_callback {
  void* context = nullptr;
  void (*call)(void*) = nullptr;

  template <class F>
  static row_callback of(F& f) noexcept {
    return {static_cast<void*>(&f), [](void* c) { (*static_cast<F*>(c))(); }};
  }
};

template <class M, class... C>
void bind_columns(M& record, column_binding* out, type_list<C...>) noexcept {
  std::size_t i = 0;
  ((out[i++] = bind_column(record.*C::pointer)), ...);
}

// Binds every column of a model record, in the model's column order (a fold over the columns:
// nothing is instantiated per column).
template <model M>
void bind_record(M& record, std::span<column_binding> out) noexcept {
  bind_columns(record, out.data(), typename model_of<M>::columns{});
}

template <model M>
void bind_record_erased(void* record, std::span<column_binding> out) noexcept {
  bind_record(*static_cast<M*>(record), out);
}

// --- the model table: records ----------------------------------------------------------------------

// How records of one type are made, read, moved and ended.
struct record_ops {
  std::size_t size;
  std::size_t align;
  void (*move_construct)(void* to, void* from);
  void (*destroy)(void* first, std::size_t n) noexcept;
  void (*construct)(void* at);  // default-constructs one record
  // Binds the `columns` columns of a record, in the model's order (null for a type that is not a
  // model: only buffered, never read).
  void (*bind)(void* record, std::span<column_binding> out) noexcept;
  std::size_t columns;
};

template <class M>
void move_construct_record(void* to, void* from) {
  ::new (to) M(std::move(*static_cast<M*>(from)));
}
template <class M>
void destroy_records(void* first, std::size_t n) noexcept {
  M* records = static_cast<M*>(first);
  for (std::size_t i = 0; i < n; ++i) records[i].~M();
}
template <class M>
void construct_record(void* at) {
  ::new (at) M();
}

template <class M>
constexpr auto record_binder() -> void (*)(void*, std::span<column_binding>) noexcept {
  if constexpr (model<M>)
    return &bind_record_erased<M>;
  else
    return nullptr;
}
template <class M>
constexpr std::size_t record_columns() {
  if constexpr (model<M>)
    return model_of<M>::size;
  else
    return 0;
}

template <class M>
inline constexpr record_ops record_ops_v{sizeof(M),           alignof(M),           &move_construct_record<M>,
                                         &destroy_records<M>, &construct_record<M>, record_binder<M>(),
                                         record_columns<M>()};

// --- the relation table ----------------------------------------------------------------------------

// A node of a with(...) path tree: a relation name, its modifier, the paths below it.
struct eager_node {
  std::string name;
  // A std::function<query<T>(query<T>)> for the relation's target T, or null.
  std::shared_ptr<const void> modifier;
  std::vector<eager_node> children;
  // With a modifier: its query of the target's rows, the database it runs on and its state (set
  // where the program writes the modifier, for its model: nothing is compiled per model for it).
  std::pair<ar::database, std::shared_ptr<const query_state>> (*modified)(const void* modifier) = nullptr;
};

// Stores what an eager load read into its owners' caches (does not throw): a std::function<void()>,
// defined with the loading algorithm (ar/load/algorithm.hpp), so that this header needs no
// <functional>.
struct eager_commit;

struct relation_table;

// The join model of a through relation, for its subqueries (where_has, with_count): its rows with
// owner_column = the owner's key, and target_column = the target's key (relation_entry's
// correlation, which reads target.inner_column = owner.outer_column past the join model).
struct through_hop {
  const table_meta* join_meta;
  std::uint32_t owner_column;
  std::uint32_t target_column;
  // The join rows' type test (a polymorphic many-to-many), or null.
  std::shared_ptr<const expr_tree> (*condition)();
  ar::database (*join_database)();
};

// One relation of a model, as the run time sees it.
struct relation_entry {
  std::string_view name;
  relation_kind kind;
  const std::type_info* target;  // the target model (typeid(void) past a morph_to)
  const relation_table& (*target_table)();
  // The subquery correlation: target.inner_column = owner.outer_column (positions in the tables).
  const table_meta* target_meta;
  std::uint32_t inner_column;
  std::uint32_t outer_column;
  ar::database (*target_database)();
  // Whether the relation can be a correlated subquery (where_has, with_count): not through a join.
  bool subquery;
  // A condition on the target every subquery adds (morph_many / morph_one: the owner's type), or null.
  std::shared_ptr<const expr_tree> (*condition)();
  // has_many: stores a count on a record of the owning model.
  void (*store_count)(const void* record, std::int64_t n);
  // Loads the relation for `owners` (pointers to records of the owning model) and continues with
  // the node's children; returns what stores the loaded records in the owners' caches. Nothing an
  // owner holds changes before every statement of the path has succeeded: a failure leaves the
  // owners' caches as they were.
  eager_commit (*eager_load)(const std::vector<const void*>& owners, const eager_node& node);
  // A foreign key of several columns (AR_KEYS): the correlation's other columns, in key order
  // (target.inner_more[k] = owner.outer_more[k]); empty otherwise.
  std::span<const std::uint32_t> inner_more;
  std::span<const std::uint32_t> outer_more;
  // Whether an owner's cache of the relation is loaded; when it is, appends the records it holds
  // to `targets` (none past a morph_to, whose model is known per row). ar::load_missing.
  bool (*cached)(const void* owner, std::vector<const void*>& targets);
  // A through relation: its join model, which its subqueries pass through; null otherwise.
  const through_hop* through = nullptr;
};

struct relation_table {
  std::string_view model;
  std::span<const relation_entry> relations;
  // Past a morph_to the model is known only per row: any name is accepted here and checked
  // against each target model when it loads.
  bool any = false;

  const relation_entry& find(std::string_view name) const;
};

AR_API inline const relation_table& wildcard_table() {
  static const relation_table table{"(any model a morph_to may point at)", {}, true};
  return table;
}

inline const relation_entry& relation_table::find(std::string_view name) const {
  if (any) {
    static const relation_entry entry{"",
                                      relation_kind::morph_to,
                                      &typeid(void),
                                      &wildcard_table,
                                      nullptr,
                                      0,
                                      0,
                                      nullptr,
                                      false,
                                      nullptr,
                                      nullptr,
                                      nullptr,
                                      {},
                                      {},
                                      nullptr};
    return entry;
  }
  for (const auto& r : relations)
    if (r.name == name) return r;
  throw relation_not_found("ar: model '" + std::string(model) + "' has no relation named '" + std::string(name) + "'");
}

// A model's relation table (ar/load/registry.hpp).
template <class M>
const relation_table& relation_table_of();

// --- the model table: loading ----------------------------------------------------------------------

// A relation's batch for records read together (see share_context): null when the declaration is
// wrong (its static_assert has said so).
struct relation_batcher {
  std::string_view name;
  std::shared_ptr<void> (*make)(const std::vector<const void*>& records);
};

// What loading needs of one model's records.
struct model_rows {
  std::size_t record_size;
  std::span<const relation_batcher> relations;  // one per relation the model declares, in order
  // How its records are made, read and moved.
  const record_ops* ops;
  // A group of rows (a std::vector<M>): a new one, one row moved in, its size, its rows. The rows
  // go straight into the vector their owners keep: moving them there later would cost a move per
  // row, a tenth of an eager load.
  std::shared_ptr<void> (*new_group)(std::size_t reserve);
  void (*push)(void* group, void* row);
  std::size_t (*group_size)(const void* group);
  const void* (*group_data)(const void* group);
  // The empty group, shared.
  const std::shared_ptr<const void>& (*empty_group)();
  const relation_table& (*table)();
  record_context& (*context)(const void* record);
};

// --- one relation for the loading algorithm ---------------------------------------------------------

// What loading needs of one relation (owner -> target), type-erased but for its key type.
template <class K>
struct relation_loader {
  const model_rows* owner;
  const model_rows* target;
  const table_meta* target_table;
  // has_many: a group per value; has_one / belongs_to: the first row.
  bool many;
  // Rows come ordered by the target's primary key unless the modifier orders them (not belongs_to).
  bool order_by_key;
  std::uint32_t match_position;  // the target's column compared with the owners' values
  std::size_t index;             // the relation's position among its owner's relations
  // morph_many / morph_one: the condition on the owner's type, else null.
  std::shared_ptr<const expr_tree> (*condition)();
  // The value an owner looks for (nothing when null or not saved yet).
  std::optional<K> (*lookup)(const void* owner);
  // The value a target row holds in the matched column; false when null.
  bool (*match)(const void* row, K& out);
  // A value as the matched column's parameter (bound as that column's type).
  value (*param)(const K& key);
  // The cache of the relation on an owner.
  relation_slot& (*slot)(const void* owner);
  // has_one / has_many with an inverse: the cache of the inverse on a target, filled with a copy of
  // the owner's fields (share_fields) when the targets are stored; else null.
  relation_slot& (*inverse_slot)(const void* target);
  // The relation of the targets that the inverse fills in, if any (by name).
  std::span<const std::string_view> inverse;
  // For errors: the owner's table and the relation's name.
  std::string_view owner_table;
  std::string_view name;
  // A foreign key of several columns (AR_KEYS, K = row_key): the target's columns compared with the
  // owners' values, in key order (match_position is the first; `param` is unused). Empty otherwise.
  std::span<const std::uint32_t> match_positions;
  // What the inverse's cache holds, made from the owner's fields: null for a belongs_to inverse,
  // which holds them as they are; a morph_to inverse (of a morph_many / morph_one) holds an
  // ar::morph_ref to them.
  std::shared_ptr<const void> (*inverse_value)(std::shared_ptr<const void> fields) = nullptr;
};

}  // namespace detail
}  // namespace ar

#endif  // AR_DETAIL_ERASED_TABLES_HPP
