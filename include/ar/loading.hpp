#ifndef AR_LOADING_HPP
#define AR_LOADING_HPP

// Loading strategies for relations.
//
// Eager:   from<User>() | with("posts.comments", "profile") | to_vector
//          runs the main statement, then one statement per relation per level for all parents at
//          once (fk IN (...), split at the backend's bind limit), grouped in memory. A modifier
//          refines one path: with("posts", [](ar::query<Post> q) { return q | filter(...); }); a
//          take(k) in a modifier keeps k rows per parent (one statement, a window function).
// In hand: ar::load(users, "posts.comments") does the same for records already read.
// Lazy:    u.posts() loads on first access. Records that came from one collection query share a
//          context: the first lazy access of a relation loads it for all of them in one statement
//          (automatic batching; opt out per query with no_auto_batching, or globally).
// Strict:  lazily touching a relation that was not loaded throws ar::lazy_load_error (per query
//          with strict_loading, per record with ar::set_strict, or globally).

#include <ar/error.hpp>
#include <ar/query.hpp>
#include <ar/relation.hpp>
#include <ar/views/filter.hpp>
#include <ar/views/order_by.hpp>
#include <ar/views/to_vector.hpp>

#include <algorithm>
#include <atomic>
#include <functional>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <span>
#include <string_view>
#include <typeinfo>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace ar {

namespace detail {

// --- the path tree --------------------------------------------------------------------------

struct eager_node {
  std::string name;
  // A std::function<query<T>(query<T>)> for the relation's target T, or null.
  std::shared_ptr<const void> modifier;
  std::vector<eager_node> children;
  // With a modifier: its query of the target's rows, the database it runs on and its state (set
  // where the program writes the modifier, for its model: nothing is compiled per model for it).
  std::pair<ar::database, std::shared_ptr<const query_state>> (*modified)(const void* modifier) = nullptr;
};

struct relation_table;

// One relation of a model, as the run time sees it.
// Stores what an eager load read into its owners' caches (does not throw).
using eager_commit = std::function<void()>;

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
};

struct relation_table {
  std::string_view model;
  std::span<const relation_entry> relations;
  // Past a morph_to the model is known only per row: any name is accepted here and checked
  // against each target model when it loads.
  bool any = false;

  const relation_entry& find(std::string_view name) const;
};

inline const relation_table& wildcard_table() {
  static const relation_table table{"(any model a morph_to may point at)", {}, true};
  return table;
}

inline const relation_entry& relation_table::find(std::string_view name) const {
  if (any) {
    static const relation_entry entry{"", relation_kind::morph_to, &typeid(void), &wildcard_table,
                                      nullptr, 0, 0, nullptr, false, nullptr, nullptr, nullptr};
    return entry;
  }
  {
    for (const auto& r : relations)
      if (r.name == name) return r;
    throw relation_not_found("ar: model '" + std::string(model) + "' has no relation named '" + std::string(name) + "'");
  }
}

// The most names one relation path may have (a path tree of that depth loads level by level).
inline constexpr std::size_t max_relation_path_names = 64;

// Splits "posts.comments" into its names; throws ar::invalid_relation_path (also past
// max_relation_path_names names).
std::vector<std::string_view> split_relation_path(std::string_view path);

template <class M>
const relation_table& relation_table_of();

// Adds a path to a tree, checking every name against the models it passes through. Returns the
// node of the last name.
inline eager_node& add_path(std::vector<eager_node>& tree, const relation_table& root, std::string_view path) {
  const relation_table* table = &root;
  std::vector<eager_node>* level = &tree;
  eager_node* node = nullptr;
  for (std::string_view name : split_relation_path(path)) {
    const relation_entry& entry = table->find(name);
    node = nullptr;
    for (auto& n : *level)
      if (n.name == name) node = &n;
    if (!node) {
      level->push_back(eager_node{std::string(name), nullptr, {}});
      node = &level->back();
    }
    level = &node->children;
    table = &entry.target_table();
  }
  return *node;
}

// --- global switches ---------------------------------------------------------------------------

inline std::atomic<bool>& strict_loading_flag() {
  static std::atomic<bool> flag{false};
  return flag;
}
inline std::atomic<bool>& auto_batching_flag() {
  static std::atomic<bool> flag{true};
  return flag;
}

// --- the siblings of a collection ---------------------------------------------------------------

// What one relation needs to load for every sibling at once, and what it found.
//
// Threads: the siblings may be read from several threads at once (each on its own records). The
// first lazy access of the relation, from whichever thread, loads it under `loading` and sets
// `loaded` (release) once `results` is complete; `keys` and `results` change only under `loading`
// while `loaded` is clear, and never after. A thread that finds `loaded` set (acquire) reads
// `results` without a lock; one that finds it clear takes the lock and, when another thread
// loaded the batch meanwhile, uses its result: one statement per relation per context (per chunk
// of the bind limit), whatever the threads. The batch writes nothing into the siblings: each
// record stores its own value from `results` when it is read (publish_loaded), so a thread never
// writes a record another thread reads. The statements run while `loading` is held: a thread
// waiting for the batch waits for them (a thread holding the last connection of the pool in a
// transaction and waiting for a batch another thread is loading on that pool makes that thread's
// load fail with ar::connection_error after open_options::wait, instead of hanging).
template <class Key>
struct batch {
  // The siblings' non-null lookup values, in their order, repeats kept: collecting them is a copy
  // per record, paid by every collection query; sorting out the distinct ones (hashing) waits for
  // the first lazy access, which most relations of most queries never see.
  std::vector<Key> keys;
  std::atomic<bool> loaded{false};
  std::mutex loading;
  std::unordered_map<Key, std::shared_ptr<const void>> results;
};

// The context records read together share (record_context::shared): one per collection query, and
// one per batch of rows a lazy or eager load read. What may be shared between threads:
// - the records of one result, each read by one thread (disjoint records), including their lazy
//   loads (batched, at any depth), strict loading and what was eager-loaded: the batches are
//   thread-safe (see batch), and each record's cache is written only by the thread reading it;
// - a record several threads read at once (a belongs_to target several owners share, a row
//   reached from two records): reading its fields and its relations and copying it, lazy loads
//   included, since a lazy load stores a record's value once, under a lock, only while it is not
//   loaded (publish_loaded), and readers and copies see it through the flag's acquire load
//   (relation_slot::loaded);
// - not: writing a record (assigning fields, save, add, associate, reload, clear_relation_cache,
//   ar::load, set_strict) while another thread reads or writes it, nor name_count() on a record
//   another thread reads too (relation_count caches the count without a lock).
// tests/concurrency/shared_records_test.cpp pins this on every backend, under ASan and TSan.
struct load_context {
  bool strict = false;
  bool auto_batch = true;
  // One batch per relation of the model, in declaration order (type-erased batch<Key>).
  std::vector<std::shared_ptr<void>> batches;
};

// --- loading one relation for many owners --------------------------------------------------------

template <class M>
void share_context(const std::vector<const void*>& records, bool strict = false, bool auto_batch = true,
                   std::span<const std::string_view> preloaded = {});

// Stores what a lazy load found in a relation's cache, unless the cache was loaded meanwhile (by
// another thread reading the same record): under lazy_store_mutex(), value first, then the flag
// (release). Returns whether it stored (compiled once, in src/eager.cpp). Eager loads, which fill
// records no other thread sees yet, and reloads, which replace a value, store directly.
bool publish_loaded(relation_slot& slot, std::shared_ptr<const void> value);
// The lock of every lazy store (publish_loaded, and the inverses a lazy load fills in): taken once
// per record's first read of a relation, never on the path of a relation already loaded.
std::mutex& lazy_store_mutex() noexcept;
template <class M>
bool strict_for(const M& record);

// The non-null values a relation looks for, over some of its owners (type-erased), in the owners'
// order, repeats kept.
template <class Impl>
std::vector<typename Impl::key_scalar> lookup_values(const std::vector<const void*>& owners) {
  std::vector<typename Impl::key_scalar> keys;
  keys.reserve(owners.size());
  for (const void* p : owners)
    if (auto v = Impl::lookup_value(*static_cast<const typename Impl::owner*>(p))) keys.push_back(std::move(*v));
  return keys;
}

// Drops the repeats of a list of keys, keeping the first place of each. A repeat of the value just
// before (children listed by parent, rows ordered by the key) costs no hashing.
template <class Key>
void keep_distinct(std::vector<Key>& keys) {
  if (keys.size() < 2) return;
  std::unordered_set<Key> seen;
  seen.reserve(keys.size());
  std::size_t kept = 0;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (kept > 0 && keys[i] == keys[kept - 1]) continue;
    if (!seen.insert(keys[i]).second) continue;
    if (kept != i) keys[kept] = std::move(keys[i]);
    ++kept;
  }
  keys.resize(kept);
}

// The distinct, non-null values a relation looks for, over some of its owners (type-erased).
template <class Impl>
std::vector<typename Impl::key_scalar> distinct_lookup_values(const std::vector<const void*>& owners) {
  std::vector<typename Impl::key_scalar> keys = lookup_values<Impl>(owners);
  keep_distinct(keys);
  return keys;
}

// The position of a relation among its owner's relations.
template <class Rel>
constexpr std::size_t relation_position_of() {
  return []<class... R>(type_list<R...>) {
    std::size_t i = 0, found = 0;
    ((std::is_same_v<R, Rel> ? (found = i, ++i) : ++i), ...);
    return found;
  }(typename model_of<typename Rel::owner>::relations{});
}

// --- eager loading at run time ---------------------------------------------------------------------
//
// Loading one relation for many owners is the same work for every relation: collect the owners'
// values, read the target rows whose column holds one of them, group the rows by that value, store
// the groups. It is written once per key type (below, compiled into the library for the key types
// of integer and text keys), over tables of function pointers: one per model (model_rows) and one
// per relation (relation_loader), each a few lines of code. A program with many models and
// relations compiles a table per model and relation, not the whole algorithm again for each.

// Integer keys load as 64-bit integers: a relation between an int32 and an int64 key shares them.
template <class K>
using load_key_t = std::conditional_t<std::is_same_v<K, std::int32_t>, std::int64_t, K>;

// A relation's batch for records read together (see share_context): null when the declaration is
// wrong (its static_assert has said so).
struct relation_batcher {
  std::string_view name;
  std::shared_ptr<void> (*make)(const std::vector<const void*>& records);
};

// What loading needs of one model's records, type-erased.
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

// Gives records read together one context, so that their lazy loads are batched (compiled once,
// in src/eager.cpp). `preloaded`: relations the caller stores in every one of them (an eager
// load's inverse and next level), which need no batch: nothing reads one before the records'
// caches are cleared, which ends the sharing.
void share_rows_context(const model_rows& rows, const std::vector<const void*>& records, bool strict, bool auto_batch,
                        std::span<const std::string_view> preloaded);
// Runs the eager loads of a tree for records the program holds, then stores them: when a
// statement fails, no record's cache has changed.
void eager_load_rows_all(const relation_table& table, const std::vector<const void*>& records,
                         const std::vector<eager_node>& tree);
// The records a query just read (n of them from `first`; or those of a buffer): their context,
// then the eager loads the query asked for.
void finish_read_rows(const model_rows& rows, const void* first, std::size_t n, const query_state& state);
void finish_read_rows(const model_rows& rows, const record_buffer& read, const query_state& state);


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
  std::uint32_t key_position;    // the target's primary key
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
};

template <class K>
using grouped_rows = std::unordered_map<K, std::shared_ptr<const void>>;

template <class K>
grouped_rows<K> select_rows_in(const relation_loader<K>& loader, const std::vector<K>& keys, const eager_node* path);
template <class K>
std::vector<const void*> loaded_rows(const relation_loader<K>& loader, const grouped_rows<K>& grouped,
                                     const std::vector<K>& keys);
template <class K>
eager_commit eager_load_rows(const relation_loader<K>& loader, const std::vector<const void*>& owners,
                             const eager_node& node);
template <class K>
bool load_rows_from_batch(const relation_loader<K>& loader, const void* owner);
template <class K>
std::shared_ptr<void> make_rows_batch(const relation_loader<K>& loader, const std::vector<const void*>& records);
template <class K>
void load_rows_for(const relation_loader<K>& loader, const void* owner, bool first_access = false);

template <class M>
std::pair<ar::database, std::shared_ptr<const query_state>> rows_modified(const void* modifier) {
  query<M> q = (*static_cast<const std::function<query<M>(query<M>)>*>(modifier))(from<M>());
  return {q.database(), q.shared_state()};
}

// The query of every row of a table (refined by the node's modifier, if any): its database and
// its state (compiled once, in src/eager.cpp).
std::pair<ar::database, std::shared_ptr<const query_state>> base_query(const table_meta* table, const eager_node* node);

// One row moved into a shared record (compiled once, in src/eager.cpp).
std::shared_ptr<const void> share_moved_record(const record_ops& ops, void* row);

// Runs `state` on `db`, handing each row of the model read to sink(context, row), which may move
// from it. `finish`: the rows are finished as a query's (their own eager loads and counts) first.
void each_row(const model_rows& rows, const ar::database& db, const query_state& state, bool finish,
              void (*sink)(void* context, void* row), void* context);

// A new group (a std::vector of some model, made by `construct` with `reserve` rows reserved)
// in one allocation with its reference count (compiled once, in src/eager.cpp): a group per
// owner is made in every eager load, and a separate allocation for each cost 1% of one.
std::shared_ptr<void> new_group(void (*construct)(void* at, std::size_t reserve), void (*destroy)(void* at) noexcept,
                                std::size_t reserve);

template <class M>
void construct_group(void* at, std::size_t reserve) {
  static_assert(sizeof(std::vector<M>) == sizeof(std::vector<char>) && alignof(std::vector<M>) == alignof(std::vector<char>),
                "ar: a group is stored as any std::vector is");
  auto* group = ::new (at) std::vector<M>();
  try {
    group->reserve(reserve);
  } catch (...) {
    group->~vector();
    throw;
  }
}
template <class M>
void destroy_group(void* at) noexcept {
  static_cast<std::vector<M>*>(at)->~vector();
}
template <class M>
std::shared_ptr<void> rows_new_group(std::size_t reserve) {
  return new_group(&construct_group<M>, &destroy_group<M>, reserve);
}
template <class M>
void rows_push(void* group, void* row) {
  static_cast<std::vector<M>*>(group)->push_back(std::move(*static_cast<M*>(row)));
}
template <class M>
std::size_t rows_group_size(const void* group) {
  return static_cast<const std::vector<M>*>(group)->size();
}
template <class M>
const void* rows_group_data(const void* group) {
  return static_cast<const std::vector<M>*>(group)->data();
}
template <class M>
const std::shared_ptr<const void>& rows_empty_group() {
  static const std::shared_ptr<const void> empty = new_group(&construct_group<M>, &destroy_group<M>, 0);
  return empty;
}
template <class M>
record_context& rows_context(const void* record) {
  return static_cast<const M*>(record)->ar_context;  // mutable
}

template <class Rel>
constexpr auto batch_maker() -> std::shared_ptr<void> (*)(const std::vector<const void*>&);

template <class M>
inline constexpr auto relation_batchers_v = []<class... R>(type_list<R...>) {
  return std::array<relation_batcher, sizeof...(R)>{
      relation_batcher{to_string_view(typename R::name_type{}), batch_maker<R>()}...};
}(typename model_of<M>::relations{});

template <class M>
inline constexpr model_rows model_rows_v{sizeof(M),
                                         std::span<const relation_batcher>(relation_batchers_v<M>),
                                         &record_ops_v<M>,   &rows_new_group<M>, &rows_push<M>,   &rows_group_size<M>,
                                         &rows_group_data<M>, &rows_empty_group<M>,
                                         &relation_table_of<M>, &rows_context<M>};

template <class Rel>
std::shared_ptr<const expr_tree> subquery_condition();

// The relation of the targets that assign() fills in (has_one / has_many with an inverse).
template <class Rel, bool = relation_impl<Rel>::belongs || std::is_void_v<typename Rel::inverse_name>>
inline constexpr std::array<std::string_view, 0> inverse_names_v{};
template <class Rel>
inline constexpr std::array<std::string_view, 1> inverse_names_v<Rel, false>{
    to_string_view(typename find_relation<typename Rel::target, typename Rel::inverse_name>::type::name_type{})};

template <class Rel>
relation_slot& slot_erased(const void* owner) {
  return slot_of<Rel>(*static_cast<const typename Rel::owner*>(owner));
}


// Stores a loaded value (a group, a record or null) in an owner's cache; has_one / has_many
// children learn their owner.
template <class K>
void assign_rows(const relation_loader<K>& loader, const void* owner, std::shared_ptr<const void> value);
// The same for a relation's first lazy access, on a record other threads may read too: the
// inverses it fills in and the owner's cache are stored under lazy_store_mutex(), each only while
// not loaded (another thread reading the same record may have stored them first).
template <class K>
void store_lazy_rows(const relation_loader<K>& loader, const void* owner, std::shared_ptr<const void> value);
// A relation's first lazy access (compiled once, in src/eager.cpp): refuses it under strict
// loading, loads it for every sibling when the record has some, else for the record alone.
template <class K>
void lazy_load_rows(const relation_loader<K>& loader, const void* owner);

template <class Rel>
struct eager_ops {
  using impl = relation_impl<Rel>;
  using owner = typename Rel::owner;
  using target = typename Rel::target;
  using key = load_key_t<typename impl::key_scalar>;
  using match_def = std::conditional_t<impl::belongs, typename impl::key_def, typename impl::fk_def>;

  static std::optional<key> lookup(const void* o) {
    auto v = impl::lookup_value(*static_cast<const owner*>(o));
    if (!v) return std::nullopt;
    return static_cast<key>(std::move(*v));
  }

  static value param(const key& k) {
    return as_parameter<typename expression_traits<typename impl::match_column>::scalar>(k);
  }

  static bool match(const void* row, key& out) {
    const auto& value = static_cast<const target*>(row)->*match_def::pointer;
    if constexpr (match_def::nullable) {
      if (!value) return false;
      out = static_cast<key>(*value);
    } else {
      out = static_cast<key>(value);
    }
    return true;
  }


  static constexpr bool fills_inverse = !impl::belongs && !std::is_void_v<typename Rel::inverse_name>;
  static constexpr auto inverse_slot() -> relation_slot& (*)(const void*) {
    if constexpr (fills_inverse)
      return &slot_erased<typename find_relation<target, typename Rel::inverse_name>::type>;
    else
      return nullptr;
  }

  static constexpr relation_loader<key> loader{
      &model_rows_v<owner>,
      &model_rows_v<target>,
      &table_meta_v<target>,
      impl::many,
      !impl::belongs,
      static_cast<std::uint32_t>(column_lookup<target, match_def::index>::position),
      static_cast<std::uint32_t>(column_lookup<target, model_of<target>::primary_key::index>::position),
      relation_position_of<Rel>(),
      impl::morph ? &subquery_condition<Rel> : nullptr,
      &lookup,
      &match,
      &param,
      &slot_erased<Rel>,
      inverse_slot(),
      std::span<const std::string_view>(inverse_names_v<Rel>),
      model_of<owner>::table,
      to_string_view(typename Rel::name_type{})};

  static eager_commit eager_load(const std::vector<const void*>& owners, const eager_node& node) {
    return eager_load_rows(loader, owners, node);
  }
  // Lazy access with siblings: the first one loads the relation for all of them.
  static bool load_from_batch(const owner& o) { return load_rows_from_batch(loader, &o); }
  static std::shared_ptr<void> make_batch(const std::vector<const void*>& records) {
    return make_rows_batch(loader, records);
  }
};

// A relation's first lazy access on a record (see lazy_load_rows).
template <class Rel>
void lazy_access(const typename Rel::owner& o) {
  lazy_load_rows(eager_ops<Rel>::loader, &o);
}

// A relation of one record, read on its own (lazy access without siblings, reload).
template <class Rel>
void lazy_load(const typename Rel::owner& o) {
  load_rows_for(eager_ops<Rel>::loader, &o);
}

// --- the algorithm, once per key type ---------------------------------------------------------------

inline bool strict_for_context(const record_context& context) {
  return strict_loading_flag().load() || context.strict || (context.shared && context.shared->strict);
}

// An expression tree of one column of a table.
inline expr_tree column_tree(const table_meta* table, std::uint32_t position) {
  expr_tree tree;
  tree.add(node{node_kind::column, compare_op::eq, position, 0, 0, table});
  return tree;
}

// Where the rows read go: their group.
template <class K>
struct row_sink {
  const relation_loader<K>* loader;
  grouped_rows<K>* grouped;
  // Rows of one value often come together (children listed by parent): the last group is kept
  // at hand, so that they cost no hashing.
  void* last_group = nullptr;
  K last_key{};
  std::size_t rows_read = 0;  // a new group reserves the mean size of the groups so far

  static void add(void* self, void* row) {
    auto& s = *static_cast<row_sink*>(self);
    const relation_loader<K>& l = *s.loader;
    K k;
    if (!l.match(row, k)) return;
    if (l.many) {
      if (s.last_group == nullptr || !(k == s.last_key)) {
        std::shared_ptr<const void>& slot = (*s.grouped)[k];
        if (!slot) {
          std::size_t reserve = 0;
          if (const std::size_t before = s.grouped->size() - 1; before > 0)  // the groups before this one
            reserve = std::min<std::size_t>(1024, (s.rows_read + before - 1) / before);
          slot = l.target->new_group(reserve);
        }
        s.last_group = const_cast<void*>(slot.get());
        s.last_key = std::move(k);
      }
      l.target->push(s.last_group, row);
      ++s.rows_read;
    } else {
      std::shared_ptr<const void>& slot = (*s.grouped)[std::move(k)];
      if (!slot) slot = share_moved_record(*l.target->ops, row);
    }
  }
};

// The target rows whose matched column holds one of `keys`, grouped by that value: a group for
// has_many, the first by primary key for has_one, the row for belongs_to. One statement per chunk
// of keys; none without keys.
template <class K>
grouped_rows<K> select_rows_in(const relation_loader<K>& loader, const std::vector<K>& keys, const eager_node* path) {
  grouped_rows<K> grouped;
  if (keys.empty()) return grouped;
  auto [db, shared_base] = base_query(loader.target_table, path);
  query_state base = *shared_base;
  if (loader.order_by_key && base.order.empty())
    base.order.push_back(order_key{column_tree(loader.target_table, loader.key_position), false});
  const bool per_parent = base.limit.has_value() || base.offset.has_value();
  const bool finish = base.eager || !base.counts.empty();  // a modifier's own with(...) / with_count
  std::size_t used = 0;
  {
    std::string sql;
    std::vector<value> params;
    render_select(sql, params, db.dialect(), base);
    used = params.size();
  }
  const std::size_t limit = db.dialect().max_parameters();
  const std::size_t chunk = limit > used + 1 ? limit - used - 1 : 1;
  const std::shared_ptr<const expr_tree> condition = loader.condition ? loader.condition() : nullptr;

  grouped.reserve(keys.size());
  row_sink<K> sink{&loader, &grouped};
  for (std::size_t at = 0; at < keys.size(); at += chunk) {
    const std::size_t n = std::min(chunk, keys.size() - at);
    auto state = std::make_shared<query_state>(base);
    // The keys join the modifier's conditions; take / drop become per-parent bounds.
    expr_tree in;
    in.params.reserve(n);
    for (std::size_t i = at; i < at + n; ++i) in.params.push_back(loader.param(keys[i]));
    const auto operand = in.add(node{node_kind::column, compare_op::eq, loader.match_position, 0, 0, loader.target_table});
    in.add(node{node_kind::in, compare_op::eq, operand, 0, static_cast<std::uint32_t>(n)});
    if (condition) {  // morph_many / morph_one: only the rows of the owner's type
      expr_tree both;
      const auto a = both.append(in);
      const auto b = both.append(*condition);
      both.add(node{node_kind::logical_and, compare_op::eq, a, b});
      in = std::move(both);
    }
    if (!state->where) {
      state->where = std::move(in);
    } else {
      expr_tree both;
      const auto a = both.append(*state->where);
      const auto b = both.append(in);
      both.add(node{node_kind::logical_and, compare_op::eq, a, b});
      state->where = std::move(both);
    }
    if (per_parent) state->partition = loader.match_position;
    // Without a modifier's own loads, rows get their shared context (and their siblings) once
    // grouped, from the caller: no vector of every row first, and no context that the caller
    // would replace.
    each_row(*loader.target, db, *state, finish, &row_sink<K>::add, &sink);
  }
  return grouped;
}

// The loaded targets, once each, for the next level. In the order of `keys` (the owners' order),
// not the map's: the next level's keys, its IN list and the walks over the records then follow the
// rows as they were read.
template <class K>
std::vector<const void*> loaded_rows(const relation_loader<K>& loader, const grouped_rows<K>& grouped,
                                     const std::vector<K>& keys) {
  std::vector<const void*> out;
  const model_rows& rows = *loader.target;
  std::size_t n = 0;
  if (loader.many)
    for (const auto& [k, group] : grouped) n += rows.group_size(group.get());
  else
    n = grouped.size();
  out.reserve(n);
  for (const K& k : keys) {
    const auto it = grouped.find(k);
    if (it == grouped.end()) continue;
    if (loader.many) {
      const auto* data = static_cast<const char*>(rows.group_data(it->second.get()));
      const std::size_t size = rows.group_size(it->second.get());
      for (std::size_t i = 0; i < size; ++i) out.push_back(data + i * rows.record_size);
    } else {
      out.push_back(it->second.get());
    }
  }
  return out;
}

// The cache value of an owner whose value found nothing (or was null).
template <class K>
std::shared_ptr<const void> nothing_found(const relation_loader<K>& loader) {
  if (loader.many) return loader.target->empty_group();
  return nullptr;
}

template <class K>
eager_commit eager_load_rows(const relation_loader<K>& loader, const std::vector<const void*>& owners,
                             const eager_node& node) {
  std::vector<K> keys;
  keys.reserve(owners.size());
  for (const void* p : owners)
    if (auto v = loader.lookup(p)) keys.push_back(std::move(*v));
  keep_distinct(keys);
  auto grouped = std::make_shared<const grouped_rows<K>>(select_rows_in(loader, keys, &node));
  eager_commit commit = [&loader, owners, grouped] {
    for (const void* p : owners) {
      const auto v = loader.lookup(p);
      auto it = v ? grouped->find(*v) : grouped->end();
      assign_rows(loader, p, it == grouped->end() ? nothing_found(loader) : it->second);
    }
  };
  // What was loaded for strict records loads strictly too, as they did; and batches as they do.
  const record_context* first = owners.empty() ? nullptr : &loader.owner->context(owners.front());
  const bool strict = first && strict_for_context(*first);
  const bool batching = !first || !first->shared || first->shared->auto_batch;
  // Every target gets its inverse (by the commit) and the next level (just below): no batch for them.
  std::vector<std::string_view> preloaded;
  preloaded.reserve(node.children.size() + loader.inverse.size());
  for (const eager_node& child : node.children) preloaded.push_back(child.name);
  for (std::string_view n : loader.inverse)
    if (std::find(preloaded.begin(), preloaded.end(), n) == preloaded.end()) preloaded.push_back(n);
  // The last level of a path, whose every relation is preloaded, has nothing to share: its records
  // were just read (no context to clear), and listing them would be all the work left.
  if (node.children.empty() && !strict && batching && preloaded.size() == loader.target->relations.size()) return commit;
  auto targets = loaded_rows(loader, *grouped, keys);
  share_rows_context(*loader.target, targets, strict, batching, preloaded);
  // The next levels load into the records just read, which no one else sees yet: stored at once.
  for (const eager_node& child : node.children) loader.target->table().find(child.name).eager_load(targets, child)();
  return commit;
}

template <class K>
bool load_rows_from_batch(const relation_loader<K>& loader, const void* owner) {
  const auto& context = loader.owner->context(owner).shared;
  if (!context || !context->auto_batch || !auto_batching_flag().load()) return false;
  auto* shared = static_cast<batch<K>*>(context->batches.at(loader.index).get());
  if (!shared) return false;  // preloaded for every sibling: not batched
  auto& b = *shared;
  // Once per batch, whichever thread comes first; the others wait for it (see batch).
  if (!b.loaded.load(std::memory_order_acquire)) {
    const std::lock_guard<std::mutex> lock(b.loading);
    if (!b.loaded.load(std::memory_order_relaxed)) {
      keep_distinct(b.keys);
      grouped_rows<K> results = select_rows_in(loader, b.keys, nullptr);
      auto targets = loaded_rows(loader, results, b.keys);
      share_rows_context(*loader.target, targets, false, true, loader.inverse);
      b.results = std::move(results);
      b.loaded.store(true, std::memory_order_release);
    }
  }
  const auto v = loader.lookup(owner);
  auto it = v ? b.results.find(*v) : b.results.end();
  store_lazy_rows(loader, owner, it == b.results.end() ? nothing_found(loader) : it->second);
  return true;
}

// The relation of one owner: "column = value" (has_one: the first by primary key), its rows stored
// in the owner's cache. Its rows share a context (for their own lazy loads) that batches and loads
// strictly as the owner's siblings do.
template <class K>
void load_rows_for(const relation_loader<K>& loader, const void* owner, bool first_access) {
  std::shared_ptr<const void> found;
  if (const auto v = loader.lookup(owner)) {
    auto [db, base] = base_query(loader.target_table, nullptr);
    auto state = std::make_shared<query_state>(*base);
    const std::shared_ptr<const expr_tree> condition = loader.condition ? loader.condition() : nullptr;
    where_related(*state, loader.target_table, loader.match_position, loader.param(*v), condition.get());
    // Ordered by the target's key, as eager and batched loads order theirs (select_rows_in): the
    // same rows in the same order whichever path loads them. has_one: the first by key.
    if (loader.order_by_key && state->order.empty())
      state->order.push_back(order_key{column_tree(loader.target_table, loader.key_position), false});
    if (!loader.many && loader.order_by_key) state->limit = 1;
    grouped_rows<K> grouped;
    row_sink<K> sink{&loader, &grouped};
    each_row(*loader.target, db, *state, false, &row_sink<K>::add, &sink);
    const std::vector<K> keys{*v};
    const auto targets = loaded_rows(loader, grouped, keys);
    const auto& mine = loader.owner->context(owner).shared;
    share_rows_context(*loader.target, targets, mine ? mine->strict : false, mine ? mine->auto_batch : true,
                       loader.inverse);
    if (const auto it = grouped.find(*v); it != grouped.end()) found = it->second;
  }
  if (first_access)
    store_lazy_rows(loader, owner, found ? std::move(found) : nothing_found(loader));
  else
    assign_rows(loader, owner, found ? std::move(found) : nothing_found(loader));
}

template <class K>
std::shared_ptr<void> make_rows_batch(const relation_loader<K>& loader, const std::vector<const void*>& records) {
  auto b = std::make_shared<batch<K>>();
  b->keys.reserve(records.size());
  for (const void* p : records)
    if (auto v = loader.lookup(p)) b->keys.push_back(std::move(*v));
  return b;
}

// Points the inverse (a belongs_to back to the owner, so no count: the value and the flag are all
// it holds) of each row in `value` at the owner's fields. `keep_loaded`: a row whose inverse is
// loaded already keeps it (a lazy store: another thread's owner may have filled it first).
template <class K>
void fill_inverse(const relation_loader<K>& loader, const void* value, const std::shared_ptr<const void>& fields,
                  bool keep_loaded) {
  const auto fill = [&](relation_slot& inverse) {
    if (keep_loaded && inverse.loaded) return;
    inverse.value = fields;
    inverse.loaded = true;
  };
  if (!loader.many) {
    fill(loader.inverse_slot(value));
    return;
  }
  const model_rows& rows = *loader.target;
  const auto* data = static_cast<const char*>(rows.group_data(value));
  const std::size_t size = rows.group_size(value);
  for (std::size_t i = 0; i < size; ++i) fill(loader.inverse_slot(data + i * rows.record_size));
}

template <class K>
void assign_rows(const relation_loader<K>& loader, const void* owner, std::shared_ptr<const void> value) {
  if (loader.inverse_slot && value)
    fill_inverse(loader, value.get(), share_fields(*loader.owner->ops, owner), false);
  relation_slot& slot = loader.slot(owner);
  slot.value = std::move(value);
  slot.loaded = true;  // a count from with_count stays: it counts every row, even under a modifier
}

template <class K>
void store_lazy_rows(const relation_loader<K>& loader, const void* owner, std::shared_ptr<const void> value) {
  if (loader.inverse_slot && value) {
    // The rows' inverse first, then the owner: a thread that sees the owner loaded sees its rows'
    // inverse. Rows two owners share (a key two siblings hold) get the first one's fields.
    const std::shared_ptr<const void> fields = share_fields(*loader.owner->ops, owner);
    const std::lock_guard<std::mutex> lock(lazy_store_mutex());
    if (loader.slot(owner).loaded) return;  // another thread read this record first
    fill_inverse(loader, value.get(), fields, true);
    relation_slot& slot = loader.slot(owner);
    slot.value = std::move(value);
    slot.loaded = true;
    return;
  }
  publish_loaded(loader.slot(owner), std::move(value));
}

template <class K>
void lazy_load_rows(const relation_loader<K>& loader, const void* owner) {
  if (strict_for_context(loader.owner->context(owner)))
    throw lazy_load_error(std::string(loader.owner_table), std::string(loader.name));
  if (!load_rows_from_batch(loader, owner)) load_rows_for(loader, owner, true);
}

// Integer and text keys: compiled once, in the library (src/eager.cpp).
#define AR_EAGER_ROWS_INSTANCES(prefix, K)                                                                     \
  prefix grouped_rows<K> select_rows_in<K>(const relation_loader<K>&, const std::vector<K>&, const eager_node*);     \
  prefix std::vector<const void*> loaded_rows<K>(const relation_loader<K>&, const grouped_rows<K>&,            \
                                                 const std::vector<K>&);                                       \
  prefix eager_commit eager_load_rows<K>(const relation_loader<K>&, const std::vector<const void*>&,           \
                                         const eager_node&);                                                   \
  prefix bool load_rows_from_batch<K>(const relation_loader<K>&, const void*);                                 \
  prefix std::shared_ptr<void> make_rows_batch<K>(const relation_loader<K>&, const std::vector<const void*>&);     \
  prefix void load_rows_for<K>(const relation_loader<K>&, const void*, bool);                                   \
  prefix void assign_rows<K>(const relation_loader<K>&, const void*, std::shared_ptr<const void>);             \
  prefix void store_lazy_rows<K>(const relation_loader<K>&, const void*, std::shared_ptr<const void>);         \
  prefix void lazy_load_rows<K>(const relation_loader<K>&, const void*);
AR_EAGER_ROWS_INSTANCES(extern template, std::int64_t)
AR_EAGER_ROWS_INSTANCES(extern template, std::string)

template <class Rel>
constexpr auto batch_maker() -> std::shared_ptr<void> (*)(const std::vector<const void*>&) {
  if constexpr (relation_ops<Rel>::ok)
    return &eager_ops<Rel>::make_batch;
  else
    return nullptr;
}

// Gives records read together one context (see share_rows_context).
template <class M>
void share_context(const std::vector<const void*>& records, bool strict, bool auto_batch,
                   std::span<const std::string_view> preloaded) {
  if constexpr (model_of<M>::relations::size > 0) share_rows_context(model_rows_v<M>, records, strict, auto_batch, preloaded);
}

template <class M>
void eager_load_all(const std::vector<const void*>& records, const std::vector<eager_node>& tree) {
  eager_load_rows_all(relation_table_of<M>(), records, tree);
}

template <class Rel>
void store_count(const void* record, std::int64_t n) {
  slot_of<Rel>(*static_cast<const typename Rel::owner*>(record)).count = n;
}

template <class Rel>
std::shared_ptr<const expr_tree> subquery_condition() {
  if constexpr (relation_impl<Rel>::morph) {
    auto typed = relation_impl<Rel>::of_this_type(from<typename Rel::target>());
    return std::make_shared<const expr_tree>(*typed.state().where);
  } else {
    return nullptr;
  }
}

// A relation's entry in its model's table: names, positions and function pointers, a constant.
template <class Rel>
constexpr relation_entry entry_of() {
  using owner = typename Rel::owner;
  using target = typename Rel::target;
  if constexpr (!relation_ops<Rel>::ok) {
    return relation_entry{"", Rel::kind, &typeid(void), &wildcard_table, nullptr, 0, 0, nullptr, false,
                          nullptr, nullptr, nullptr};
  } else if constexpr (Rel::kind == relation_kind::morph_to) {
    return relation_entry{to_string_view(typename Rel::name_type{}),
                          Rel::kind,
                          &typeid(void),
                          &wildcard_table,
                          nullptr,
                          0,
                          0,
                          nullptr,
                          false,
                          nullptr,
                          nullptr,
                          &eager_ops<Rel>::eager_load};
  } else if constexpr (Rel::kind == relation_kind::has_many_through) {
    return relation_entry{to_string_view(typename Rel::name_type{}),
                          Rel::kind,
                          &typeid(target),
                          &relation_table_of<target>,
                          &table_meta_v<target>,
                          0,
                          0,
                          &::ar::database_for<target>,
                          false,
                          nullptr,
                          nullptr,
                          &eager_ops<Rel>::eager_load};
  } else {
    using impl = relation_impl<Rel>;
    std::uint32_t inner = 0, outer = 0;
    if constexpr (impl::belongs) {
      inner = static_cast<std::uint32_t>(column_lookup<target, impl::key_def::index>::position);
      outer = static_cast<std::uint32_t>(column_lookup<owner, impl::fk_def::index>::position);
    } else {
      inner = static_cast<std::uint32_t>(column_lookup<target, impl::fk_def::index>::position);
      outer = static_cast<std::uint32_t>(column_lookup<owner, impl::key_def::index>::position);
    }
    return relation_entry{to_string_view(typename Rel::name_type{}),
                          Rel::kind,
                          &typeid(target),
                          &relation_table_of<target>,
                          &table_meta_v<target>,
                          inner,
                          outer,
                          &::ar::database_for<target>,
                          true,
                          impl::morph ? &subquery_condition<Rel> : nullptr,
                          impl::many ? &store_count<Rel> : nullptr,
                          &eager_ops<Rel>::eager_load};
  }
}

// A model's relations, as constants. (A relation whose declaration is wrong has said so in its
// static_assert; its entry is a placeholder.)
template <class M>
inline constexpr auto relation_entries_v = []<class... R>(type_list<R...>) {
  return std::array<relation_entry, sizeof...(R)>{entry_of<R>()...};
}(typename model_of<M>::relations{});

template <class M>
inline constexpr relation_table relation_table_v{model_of<M>::table,
                                                 std::span<const relation_entry>(relation_entries_v<M>)};

template <class M>
const relation_table& relation_table_of() {
  return relation_table_v<M>;
}

// Runs the eager loads a query asked for, and gives its records one context.
template <class M>
void finish_rows(const query_state& state, M* rows, std::size_t n) {
  if constexpr (model_of<M>::relations::size > 0) {
    finish_read_rows(model_rows_v<M>, rows, n, state);
  } else {
    if (state.eager && !state.eager->empty())
      throw error("ar: with(...) on a model without relations");  // unreachable: with() checks names
  }
}
template <class M>
void finish_rows(const query_state& state, std::vector<M>& rows) {
  finish_rows(state, rows.data(), rows.size());
}

}  // namespace detail

// Turns strict loading on or off for every record (default off).
inline void set_strict_loading(bool on) { detail::strict_loading_flag().store(on); }
// Turns automatic batching of lazy loads on or off for every query (default on).
inline void set_auto_batching(bool on) { detail::auto_batching_flag().store(on); }

// Strict loading for one record: reading a relation it has not loaded throws ar::lazy_load_error.
template <model M>
void set_strict(const M& record, bool on = true) {
  record.ar_context.strict = on;
}

namespace detail {

template <class M>
bool strict_for(const M& record) {
  return strict_for_context(record.ar_context);
}

// Called by a relation's first lazy access: strict mode refuses it; with siblings it is batched.
template <class Rel, class Owner>
bool before_lazy_load(const Owner& o) {
  if (strict_for(o))
    throw lazy_load_error(std::string(model_of<typename Rel::owner>::table),
                          std::string(to_string_view(typename Rel::name_type{})));
  return eager_ops<Rel>::load_from_batch(o);
}

template <class Owner, class Name>
std::int64_t relation_count(const Owner& o, Name) {
  using rel = typename find_relation<Owner, Name>::type;
  relation_slot& slot = slot_of<rel>(o);
  if (slot.count) return *slot.count;
  if (slot.loaded) return static_cast<std::int64_t>(static_cast<const std::vector<typename rel::target>*>(slot.value.get())->size());
  if (strict_for(o))
    throw lazy_load_error(std::string(model_of<Owner>::table), std::string(to_string_view(Name{})),
                          "count it in the query with with_count(...)");
  slot.count = relation_impl<rel>::query_for(o) | count;
  return *slot.count;
}

// A query's path tree (or none) with more paths added, every name checked against the models they
// pass through (compiled once, in src/eager.cpp).
std::shared_ptr<const std::vector<eager_node>> with_paths(const std::vector<eager_node>* tree, const relation_table& root,
                                                          const std::vector<std::string>& paths);
// The paths of a with(...), kept (compiled once, in src/eager.cpp).
std::vector<std::string> path_list(std::initializer_list<std::string_view> paths);

template <class M>
void apply_paths(std::vector<eager_node>& tree, std::string_view path) {
  add_path(tree, relation_table_of<M>(), path);
}

}  // namespace detail

namespace detail {

// The model a modifier takes: from its parameter, query<T> (or const query<T>&).
template <class F, class = void>
struct modifier_parameter {
  using type = void;
};
template <class Call>
struct modifier_parameter_of_call {
  using type = void;
};
template <class R, class C, class A>
struct modifier_parameter_of_call<R (C::*)(A) const> {
  using type = std::remove_cvref_t<A>;
};
template <class R, class C, class A>
struct modifier_parameter_of_call<R (C::*)(A)> {
  using type = std::remove_cvref_t<A>;
};
template <class F>
struct modifier_parameter<F, std::void_t<decltype(&F::operator())>> {
  using type = typename modifier_parameter_of_call<decltype(&F::operator())>::type;
};

template <class Modifier>
void attach_modifier(eager_node& node, const std::vector<eager_node>&, const relation_table& root, std::string_view path,
                     Modifier modifier) {
  using parameter = typename modifier_parameter<Modifier>::type;
  static_assert(!std::is_void_v<parameter> && is_query_v<parameter>,
                "ar::with(path, modifier): the modifier takes the relation's query by type, e.g. "
                "[](ar::query<Post> q) { return q | ar::filter(...); }");
  if constexpr (!std::is_void_v<parameter> && is_query_v<parameter>) {
    using target = typename parameter::model_type;
    using result = std::invoke_result_t<Modifier, parameter>;
    static_assert(std::is_same_v<std::remove_cvref_t<result>, query<target>>,
                  "ar::with(path, modifier): the modifier must return a query of whole records of the same model "
                  "(filter, order_by, take, drop; no select): eager loading needs every column, keys included");
    if constexpr (std::is_same_v<std::remove_cvref_t<result>, query<target>>) {
    // The path's last relation must lead to the modifier's model.
    const relation_table* table = &root;
    const relation_entry* entry = nullptr;
    for (std::string_view name : split_relation_path(path)) {
      entry = &table->find(name);
      table = &entry->target_table();
    }
    if (entry->kind == relation_kind::morph_to)
      throw error("ar::with: '" + std::string(entry->name) +
                  "' is a morph_to, whose rows point at several models: it takes no modifier");
    if (*entry->target != typeid(target))
      throw error("ar::with: the modifier of '" + std::string(path) + "' takes a query of another model than the one '" +
                  std::string(entry->name) + "' leads to");
    if (entry->kind == relation_kind::has_many_through) {
      // Checked now, before anything runs: a through relation's modifier may only filter.
      const query<target> refined = modifier(from<target>());
      const query_state& s = refined.state();
      if (!s.order.empty() || s.limit || s.offset || s.distinct)
        throw error("ar::with: a modifier of the has_many_through relation '" + std::string(entry->name) +
                    "' may only filter");
    }
    auto previous = std::static_pointer_cast<const std::function<query<target>(query<target>)>>(node.modifier);
    std::function<query<target>(query<target>)> fn = [previous, modifier](query<target> q) {
      if (previous) q = (*previous)(std::move(q));
      return query<target>(modifier(std::move(q)));
    };
    node.modifier = std::make_shared<const std::function<query<target>(query<target>)>>(std::move(fn));
    node.modified = &rows_modified<target>;
    }
  }
}

}  // namespace detail

// with(paths...): eager-load the relations the dotted paths name. Every path is checked against
// the models before anything runs; a wrong one throws ar::invalid_relation_path or
// ar::relation_not_found and changes nothing.
struct with_fn {
  template <class... Paths>
    requires(std::is_convertible_v<const Paths&, std::string_view> && ...)
  auto operator()(const Paths&... paths) const {
    return closure{[list = detail::path_list({std::string_view(paths)...})]<class M, class R, class S>(
                       const query<M, R, S>& q) {
      static_assert(std::is_same_v<R, M>, "ar::with loads relations of whole records: use it before select");
      auto shared = detail::with_paths(q.state().eager.get(), detail::relation_table_of<M>(), list);
      return q.transformed([&](detail::query_state& s) { s.eager = std::move(shared); });
    }};
  }

  // with(path, modifier): the modifier refines the query of the path's last relation; its
  // parameter names the target model: [](ar::query<Post> q) { return q | ar::filter(...); }.
  template <class Modifier>
    requires(!std::is_convertible_v<const Modifier&, std::string_view>)
  auto operator()(std::string_view path, Modifier modifier) const {
    return closure{[path = std::string(path), modifier = std::move(modifier)]<class M, class R, class S>(
                       const query<M, R, S>& q) {
      static_assert(std::is_same_v<R, M>, "ar::with loads relations of whole records: use it before select");
      auto tree = q.state().eager ? *q.state().eager : std::vector<detail::eager_node>{};
      detail::eager_node& node = detail::add_path(tree, detail::relation_table_of<M>(), path);
      detail::attach_modifier(node, tree, detail::relation_table_of<M>(), path, modifier);
      auto shared = std::make_shared<const std::vector<detail::eager_node>>(std::move(tree));
      return q.transformed([&](detail::query_state& s) { s.eager = shared; });
    }};
  }
};

inline constexpr with_fn with{};


// --- paths checked at compile time ----------------------------------------------------------------

// A string literal as a template argument: ar::with_path<"posts.comments">.
template <std::size_t N>
struct fixed_string {
  char chars[N]{};
  constexpr fixed_string(const char (&text)[N]) {
    for (std::size_t i = 0; i < N; ++i) chars[i] = text[i];
  }
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
  constexpr bool same(std::size_t begin, std::size_t end, std::string_view name) const {
    if (end - begin != name.size()) return false;
    for (std::size_t i = 0; i < name.size(); ++i)
      if (chars[begin + i] != name[i]) return false;
    return true;
  }
};

namespace detail {

template <class M, fixed_string Path>
constexpr std::size_t relation_position(std::size_t begin, std::size_t end) {
  return []<class... R>(type_list<R...>, std::size_t b, std::size_t e) {
    std::size_t i = 0, found = static_cast<std::size_t>(-1);
    ((Path.same(b, e, to_string_view(typename R::name_type{})) && found == static_cast<std::size_t>(-1) ? (found = i, ++i)
                                                                                                        : ++i),
     ...);
    return found;
  }(typename model_of<M>::relations{}, begin, end);
}

template <std::size_t I, class List>
struct nth;
template <std::size_t I, class T, class... Rest>
struct nth<I, type_list<T, Rest...>> : nth<I - 1, type_list<Rest...>> {};
template <class T, class... Rest>
struct nth<0, type_list<T, Rest...>> {
  using type = T;
};

// Whether `path`, from `begin` on, names relations that exist, starting at model M.
template <class M, fixed_string Path, std::size_t Begin>
constexpr bool path_exists() {
  constexpr std::size_t end = Path.dot_from(Begin);
  constexpr std::size_t length = Path.view().size();
  if constexpr (end == Begin) {
    return false;
  } else {
    constexpr std::size_t position = relation_position<M, Path>(Begin, end);
    if constexpr (position == static_cast<std::size_t>(-1)) {
      return false;
    } else if constexpr (end == length) {
      return true;
    } else if constexpr (nth<position, typename model_of<M>::relations>::type::kind == relation_kind::morph_to) {
      return true;  // past a morph_to the model depends on each row: the rest is checked when it loads
    } else {
      using next = typename nth<position, typename model_of<M>::relations>::type::target;
      return path_exists<next, Path, end + 1>();
    }
  }
}

// The model a checked path leads to.
template <class M, fixed_string Path, std::size_t Begin>
struct path_target {
  static constexpr std::size_t end = Path.dot_from(Begin);
  using next = typename nth<relation_position<M, Path>(Begin, end), typename model_of<M>::relations>::type::target;
  using type = typename std::conditional_t<end == Path.view().size(), std::type_identity<next>,
                                           path_target<next, Path, end + 1>>::type;
};

template <fixed_string... Paths>
struct with_path_fn {
  template <class M, class R, class S>
  query<M, R, S> operator()(const query<M, R, S>& q) const {
    static_assert(((Paths.names() <= max_relation_path_names) && ...),
                  "ar::with_path: a path names more than 64 relations (ar::detail::max_relation_path_names)");
    static_assert((path_exists<M, Paths, 0>() && ...),
                  "ar::with_path: a path names a relation the model does not declare, or is not a dot-separated "
                  "list of relation names");
    return q | ar::with(Paths.view()...);
  }
};

}  // namespace detail

// with_path<"posts.comments", "profile">: with(...) whose paths are checked at compile time, so a
// typo does not compile.
template <fixed_string... Paths>
inline constexpr closure<detail::with_path_fn<Paths...>> with_path{};

// with_path_modified<"posts">(modifier): with(path, modifier) with the path checked at compile
// time; the modifier may be generic ([](auto q) { return q | ar::filter(...); }).
template <fixed_string Path, class Modifier>
auto with_path_modified(Modifier modifier) {
  return closure{[modifier = std::move(modifier)]<class M, class R, class S>(const query<M, R, S>& q) {
    static_assert(Path.names() <= detail::max_relation_path_names,
                  "ar::with_path_modified: the path names more than 64 relations (ar::detail::max_relation_path_names)");
    static_assert(detail::path_exists<M, Path, 0>(),
                  "ar::with_path_modified: the path names a relation the model does not declare, or is not a "
                  "dot-separated list of relation names");
    if constexpr (detail::path_exists<M, Path, 0>()) {
      using target = typename detail::path_target<M, Path, 0>::type;
      using result = std::remove_cvref_t<std::invoke_result_t<const Modifier&, query<target>>>;
      static_assert(std::is_same_v<result, query<target>>,
                    "ar::with(path, modifier): the modifier must return a query of whole records of the same model "
                    "(filter, order_by, take, drop; no select): eager loading needs every column, keys included");
      if constexpr (std::is_same_v<result, query<target>>)
        return q | ar::with(Path.view(), [modifier](query<target> t) { return modifier(std::move(t)); });
      else
        return q;
    } else {
      return q;
    }
  }};
}

namespace detail {
struct strict_loading_fn {
  template <class M, class R, class S>
  query<M, R, S> operator()(const query<M, R, S>& q) const {
    return q.transformed([](query_state& s) { s.strict = true; });
  }
};
struct no_auto_batching_fn {
  template <class M, class R, class S>
  query<M, R, S> operator()(const query<M, R, S>& q) const {
    return q.transformed([](query_state& s) { s.auto_batch = false; });
  }
};
}  // namespace detail

// Records of this query load strictly: a relation not eager-loaded throws when read.
inline constexpr closure<detail::strict_loading_fn> strict_loading{};
// Records of this query load their relations one record at a time (no automatic batching).
inline constexpr closure<detail::no_auto_batching_fn> no_auto_batching{};

// Eager-loads relations of records already in hand: the same statements as with(...).
template <model M, class... Paths>
void load(const std::vector<M>& records, const Paths&... paths) {
  std::vector<detail::eager_node> tree;
  (detail::apply_paths<M>(tree, std::string_view(paths)), ...);
  std::vector<const void*> pointers;
  pointers.reserve(records.size());
  for (const M& r : records) pointers.push_back(&r);
  detail::eager_load_all<M>(pointers, tree);
}
template <model M, class... Paths>
void load(const M& record, const Paths&... paths) {
  std::vector<detail::eager_node> tree;
  (detail::apply_paths<M>(tree, std::string_view(paths)), ...);
  const std::vector<const void*> pointers{&record};
  detail::eager_load_all<M>(pointers, tree);
}

}  // namespace ar

// Many-to-many through join models, and trees (ancestors, descendants, the cycle check of
// update), build on relations and their loading.
#include <ar/morph.hpp>
#include <ar/through.hpp>
#include <ar/tree.hpp>

#endif  // AR_LOADING_HPP
