#ifndef AR_LOAD_ALGORITHM_HPP
#define AR_LOAD_ALGORITHM_HPP

// The eager and lazy loading algorithm, over the type-erased tables of ar/detail/erased_tables.hpp:
// collect the owners' values, read the target rows whose column holds one of them (one statement
// per chunk of the bind limit), group them, store the groups; the batch that siblings share for
// their lazy loads. Written once per key type and compiled into the library for integer and text
// keys, and for the row_key of a foreign key of several columns (src/load/eager.cpp); nothing here is
// instantiated per model or relation.

#include <ar/database.hpp>
#include <ar/detail/erased_tables.hpp>
#include <ar/detail/execute.hpp>
#include <ar/detail/query_state.hpp>
#include <ar/detail/record_buffer.hpp>
#include <ar/detail/relation_def.hpp>
#include <ar/backend/dialect.hpp>
#include <ar/error.hpp>
#include <ar/export.hpp>
#include <ar/load/switches.hpp>
#include <ar/model_traits.hpp>
#include <ar/views/filter.hpp>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace ar::detail {

// Stores what an eager load read into its owners' caches (does not throw). A struct, not an alias,
// so that the relation table (ar/detail/erased_tables.hpp) can name it without <functional>.
struct eager_commit : std::function<void()> {
  using std::function<void()>::function;
};

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

// Stores what a lazy load found in a relation's cache, unless the cache was loaded meanwhile (by
// another thread reading the same record): under lazy_store_mutex(), value first, then the flag
// (release). Returns whether it stored (compiled once, in src/load/eager.cpp). Eager loads, which fill
// records no other thread sees yet, and reloads, which replace a value, store directly.
AR_API bool publish_loaded(relation_slot& slot, std::shared_ptr<const void> value);
// Stores what a single record's load found: published (publish_loaded) on its first access, a lazy
// read other threads may share; else (a reload) replacing the value.
inline void store_loaded(relation_slot& slot, std::shared_ptr<const void> value, bool first_access) {
  if (first_access) {
    publish_loaded(slot, std::move(value));
    return;
  }
  slot.value = std::move(value);
  slot.loaded = true;
}
// The lock of every lazy store (publish_loaded, and the inverses a lazy load fills in): taken once
// per record's first read of a relation, never on the path of a relation already loaded.
AR_API std::mutex& lazy_store_mutex() noexcept;
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

// The batch of a record's siblings for the relation at `index` of their shared context, its rows
// loaded by load(batch) once, by whichever thread comes first (the others wait for it); nullptr
// when the relation is not batched for them (no shared context, batching off, or preloaded for
// every sibling).
template <class Key, class Load>
batch<Key>* loaded_batch(const std::shared_ptr<load_context>& context, std::size_t index, Load&& load) {
  if (!context || !context->auto_batch || !auto_batching_flag().load()) return nullptr;
  auto* b = static_cast<batch<Key>*>(context->batches.at(index).get());
  if (!b) return nullptr;
  if (!b->loaded.load(std::memory_order_acquire)) {
    const std::lock_guard<std::mutex> lock(b->loading);
    if (!b->loaded.load(std::memory_order_relaxed)) {
      keep_distinct(b->keys);
      load(*b);
      b->loaded.store(true, std::memory_order_release);
    }
  }
  return b;
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
// per relation (relation_loader), each a few lines of code (ar/detail/erased_tables.hpp). A program with many models and
// relations compiles a table per model and relation, not the whole algorithm again for each.

// Gives records read together one context, so that their lazy loads are batched (compiled once,
// in src/load/eager.cpp). `preloaded`: relations the caller stores in every one of them (an eager
// load's inverse and next level), which need no batch: nothing reads one before the records'
// caches are cleared, which ends the sharing.
AR_API void share_rows_context(const model_rows& rows, const std::vector<const void*>& records, bool strict,
                               bool auto_batch, std::span<const std::string_view> preloaded);
// Runs the eager loads of a tree for records the program holds, then stores them: when a
// statement fails, no record's cache has changed.
AR_API void eager_load_rows_all(const relation_table& table, const std::vector<const void*>& records,
                                const std::vector<eager_node>& tree);
// The same for the records, at every level of the tree, whose cache of a relation is not loaded
// yet (ar::load_missing); below a loaded relation it goes on with the records the cache holds. A
// path through a morph_to that is loaded loads again below it (its records' models are known per
// row only). No statement when everything is loaded.
AR_API void eager_load_missing_rows_all(const relation_table& table, const std::vector<const void*>& records,
                                        const std::vector<eager_node>& tree);
// The records a query just read (n of them from `first`; or those of a buffer): their context,
// then the eager loads the query asked for.
AR_API void finish_read_rows(const model_rows& rows, const void* first, std::size_t n, const query_state& state);
AR_API void finish_read_rows(const model_rows& rows, const record_buffer& read, const query_state& state);

template <class K>
using grouped_rows = std::unordered_map<K, std::shared_ptr<const void>>;

template <class K>
AR_API grouped_rows<K> select_rows_in(const relation_loader<K>& loader, const std::vector<K>& keys,
                                      const eager_node* path);
template <class K>
AR_API std::vector<const void*> loaded_rows(const relation_loader<K>& loader, const grouped_rows<K>& grouped,
                                            const std::vector<K>& keys);
template <class K>
AR_API eager_commit eager_load_rows(const relation_loader<K>& loader, const std::vector<const void*>& owners,
                                    const eager_node& node);
template <class K>
AR_API bool load_rows_from_batch(const relation_loader<K>& loader, const void* owner);
template <class K>
AR_API std::shared_ptr<void> make_rows_batch(const relation_loader<K>& loader, const std::vector<const void*>& records);
template <class K>
AR_API void load_rows_for(const relation_loader<K>& loader, const void* owner, bool first_access = false);

// The query of every row of a table (refined by the node's modifier, if any): its database and
// its state (compiled once, in src/load/eager.cpp).
AR_API std::pair<ar::database, std::shared_ptr<const query_state>> base_query(const table_meta* table,
                                                                              const eager_node* node);

// One row moved into a shared record (compiled once, in src/load/eager.cpp).
AR_API std::shared_ptr<const void> share_moved_record(const record_ops& ops, void* row);

// Runs `state` on `db`, handing each row of the model read to sink(context, row), which may move
// from it. `finish`: the rows are finished as a query's (their own eager loads and counts) first.
AR_API void each_row(const model_rows& rows, const ar::database& db, const query_state& state, bool finish,
                     void (*sink)(void* context, void* row), void* context);

// A new group (a std::vector of some model, made by `construct` with `reserve` rows reserved)
// in one allocation with its reference count (compiled once, in src/load/eager.cpp): a group per
// owner is made in every eager load, and a separate allocation for each cost 1% of one.
AR_API std::shared_ptr<void> new_group(void (*construct)(void* at, std::size_t reserve),
                                       void (*destroy)(void* at) noexcept, std::size_t reserve);

// Stores a loaded value (a group, a record or null) in an owner's cache; has_one / has_many
// children learn their owner.
template <class K>
AR_API void assign_rows(const relation_loader<K>& loader, const void* owner, std::shared_ptr<const void> value);
// The same for a relation's first lazy access, on a record other threads may read too: the
// inverses it fills in and the owner's cache are stored under lazy_store_mutex(), each only while
// not loaded (another thread reading the same record may have stored them first).
template <class K>
AR_API void store_lazy_rows(const relation_loader<K>& loader, const void* owner, std::shared_ptr<const void> value);
// A relation's first lazy access (compiled once, in src/load/eager.cpp): refuses it under strict
// loading, loads it for every sibling when the record has some, else for the record alone.
template <class K>
AR_API void lazy_load_rows(const relation_loader<K>& loader, const void* owner);

// --- the algorithm, once per key type ---------------------------------------------------------------

// An expression tree of one column of a table.
inline expr_tree column_tree(const table_meta* table, std::uint32_t position);

// Orders a query of a table by its primary key, every column of a composite one.
inline void order_by_primary_key(query_state& state) {
  for (const std::size_t column : state.table->key_columns)
    state.order.push_back(order_key{column_tree(state.table, static_cast<std::uint32_t>(column)), false});
}

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

// The target rows whose matched column holds one of `keys`, read on `db` by `base` (the relation's
// query, ordered), each handed to sink(context, row): one statement per chunk of the bind limit;
// take / drop of `base` are per-parent bounds. `finish`: see each_row.
template <class K>
void read_rows_in(const relation_loader<K>& loader, std::span<const K> keys, const ar::database& db,
                  const query_state& base, bool finish, void (*sink)(void* context, void* row), void* context) {
  const bool per_parent = base.limit.has_value() || base.offset.has_value();
  std::size_t used = 0;
  {
    std::string sql;
    std::vector<value> params;
    const naming_scope names(db.naming());
    render_select(sql, params, db.dialect(), base);
    used = params.size();
  }
  const std::size_t limit = db.dialect().max_parameters();
  std::size_t chunk = limit > used + 1 ? limit - used - 1 : 1;
  if constexpr (std::is_same_v<K, row_key>)  // a key of several columns binds a parameter per column
    chunk = std::max<std::size_t>(1, chunk / loader.match_positions.size());
  const std::shared_ptr<const expr_tree> condition = loader.condition ? loader.condition() : nullptr;
  for (std::size_t at = 0; at < keys.size(); at += chunk) {
    const std::size_t n = std::min(chunk, keys.size() - at);
    auto state = std::make_shared<query_state>(base);
    // The keys join the modifier's conditions; take / drop become per-parent bounds.
    expr_tree in;
    if constexpr (std::is_same_v<K, row_key>) {  // (a, b) IN ((?, ?), ...)
      in = row_key_in(loader.target_table, loader.match_positions, keys.subspan(at, n));
    } else {
      in.params.reserve(n);
      for (std::size_t i = at; i < at + n; ++i) in.params.push_back(loader.param(keys[i]));
      const auto operand =
          in.add(node{node_kind::column, compare_op::eq, loader.match_position, 0, 0, loader.target_table});
      in.add(node{node_kind::in, compare_op::eq, operand, 0, static_cast<std::uint32_t>(n)});
    }
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
    if (per_parent) {
      state->partition = loader.match_position;
      if constexpr (std::is_same_v<K, row_key>) state->partition_more = loader.match_positions.subspan(1);
    }
    each_row(*loader.target, db, *state, finish, sink, context);
  }
}

// select_rows_in of a target model spread over shards (ar::shard; compiled once, in
// src/load/sharded_load.cpp): at most one statement per shard (per chunk of the bind limit), run
// concurrently. When the matched column is the target's shard key, each shard is sent only the keys
// it holds (none: no statement); otherwise every shard is sent every key, and the rows are merged
// into the order, and the per-parent take / drop, one database holding them all would give.
template <class K>
grouped_rows<K> select_sharded_rows_in(const relation_loader<K>& loader, const std::vector<K>& keys,
                                       const eager_node* path, const shard_declaration& shards);

// A has_many_through (`relation` of `owner_table`) whose join or target model is sharded: throws
// ar::configuration_error naming the relation and the shards (compiled once, in
// src/load/sharded_load.cpp). A join across shards is not loaded yet.
AR_API void refuse_sharded_through(std::string_view owner_table, std::string_view relation,
                                   std::initializer_list<const table_meta*> models);

// The target rows whose matched column holds one of `keys`, grouped by that value: a group for
// has_many, the first by primary key for has_one, the row for belongs_to. One statement per chunk
// of keys; none without keys.
template <class K>
grouped_rows<K> select_rows_in(const relation_loader<K>& loader, const std::vector<K>& keys, const eager_node* path) {
  grouped_rows<K> grouped;
  if (keys.empty()) return grouped;
  // A sharded target: once per level, one load of a flag when no model is sharded.
  if (const shard_declaration* shards = sharding_of(loader.target_table))
    return select_sharded_rows_in(loader, keys, path, *shards);
  auto [db, shared_base] = base_query(loader.target_table, path);
  query_state base = *shared_base;
  if (loader.order_by_key && base.order.empty()) order_by_primary_key(base);
  const bool finish = base.eager || !base.counts.empty();  // a modifier's own with(...) / with_count
  grouped.reserve(keys.size());
  row_sink<K> sink{&loader, &grouped};
  // Without a modifier's own loads, rows get their shared context (and their siblings) once
  // grouped, from the caller: no vector of every row first, and no context that the caller
  // would replace.
  read_rows_in(loader, std::span<const K>(keys), db, base, finish, &row_sink<K>::add, &sink);
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
  if (node.children.empty() && !strict && batching && preloaded.size() == loader.target->relations.size())
    return commit;
  auto targets = loaded_rows(loader, *grouped, keys);
  share_rows_context(*loader.target, targets, strict, batching, preloaded);
  // The next levels load into the records just read, which no one else sees yet: stored at once.
  for (const eager_node& child : node.children) loader.target->table().find(child.name).eager_load(targets, child)();
  return commit;
}

template <class K>
bool load_rows_from_batch(const relation_loader<K>& loader, const void* owner) {
  batch<K>* b = loaded_batch<K>(loader.owner->context(owner).shared, loader.index, [&](batch<K>& siblings) {
    grouped_rows<K> results = select_rows_in(loader, siblings.keys, nullptr);
    auto targets = loaded_rows(loader, results, siblings.keys);
    share_rows_context(*loader.target, targets, false, true, loader.inverse);
    siblings.results = std::move(results);
  });
  if (!b) return false;
  const auto v = loader.lookup(owner);
  auto it = v ? b->results.find(*v) : b->results.end();
  store_lazy_rows(loader, owner, it == b->results.end() ? nothing_found(loader) : it->second);
  return true;
}

// The relation of one owner: "column = value" (has_one: the first by primary key), its rows stored
// in the owner's cache. Its rows share a context (for their own lazy loads) that batches and loads
// strictly as the owner's siblings do.
template <class K>
void load_rows_for(const relation_loader<K>& loader, const void* owner, bool first_access) {
  std::shared_ptr<const void> found;
  if (const auto v = loader.lookup(owner)) {
    const std::vector<K> keys{*v};
    grouped_rows<K> grouped;
    if (const shard_declaration* shards = sharding_of(loader.target_table)) {
      // A sharded target: the one shard the value names when it is the shard key, else every shard.
      grouped = select_sharded_rows_in(loader, keys, nullptr, *shards);
    } else {
      auto [db, base] = base_query(loader.target_table, nullptr);
      auto state = std::make_shared<query_state>(*base);
      const std::shared_ptr<const expr_tree> condition = loader.condition ? loader.condition() : nullptr;
      if constexpr (std::is_same_v<K, row_key>)
        where_related_row(*state, loader.target_table, loader.match_positions, *v);
      else
        where_related(*state, loader.target_table, loader.match_position, loader.param(*v), condition.get());
      // Ordered by the target's key, as eager and batched loads order theirs (select_rows_in): the
      // same rows in the same order whichever path loads them. has_one: the first by key.
      if (loader.order_by_key && state->order.empty()) order_by_primary_key(*state);
      if (!loader.many && loader.order_by_key) state->limit = 1;
      row_sink<K> sink{&loader, &grouped};
      each_row(*loader.target, db, *state, false, &row_sink<K>::add, &sink);
    }
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
// loaded already keeps it (a lazy store: another thread's owner may have filled it first; an eager
// store: a longer path, "notes.notable.children", loaded it, with more than the owner's fields).
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

// What the targets' inverse holds: a copy of the owner's fields (as a morph_ref for a morph_to).
template <class K>
std::shared_ptr<const void> inverse_fields(const relation_loader<K>& loader, const void* owner) {
  std::shared_ptr<const void> fields = share_fields(*loader.owner->ops, owner);
  if (loader.inverse_value) return loader.inverse_value(std::move(fields));
  return fields;
}

template <class K>
void assign_rows(const relation_loader<K>& loader, const void* owner, std::shared_ptr<const void> value) {
  if (loader.inverse_slot && value) fill_inverse(loader, value.get(), inverse_fields(loader, owner), true);
  relation_slot& slot = loader.slot(owner);
  slot.value = std::move(value);
  slot.loaded = true;  // a count from with_count stays: it counts every row, even under a modifier
}

template <class K>
void store_lazy_rows(const relation_loader<K>& loader, const void* owner, std::shared_ptr<const void> value) {
  if (loader.inverse_slot && value) {
    // The rows' inverse first, then the owner: a thread that sees the owner loaded sees its rows'
    // inverse. Rows two owners share (a key two siblings hold) get the first one's fields.
    const std::shared_ptr<const void> fields = inverse_fields(loader, owner);
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

// Integer, text and row keys: compiled once, in the library (src/load/eager.cpp).
#define AR_EAGER_ROWS_INSTANCES(prefix, K)                                                                            \
  prefix void read_rows_in<K>(const relation_loader<K>&, std::span<const K>, const ar::database&, const query_state&, \
                              bool, void (*)(void*, void*), void*);                                                   \
  prefix grouped_rows<K> select_rows_in<K>(const relation_loader<K>&, const std::vector<K>&, const eager_node*);      \
  prefix std::vector<const void*> loaded_rows<K>(const relation_loader<K>&, const grouped_rows<K>&,                   \
                                                 const std::vector<K>&);                                              \
  prefix eager_commit eager_load_rows<K>(const relation_loader<K>&, const std::vector<const void*>&,                  \
                                         const eager_node&);                                                          \
  prefix bool load_rows_from_batch<K>(const relation_loader<K>&, const void*);                                        \
  prefix std::shared_ptr<void> make_rows_batch<K>(const relation_loader<K>&, const std::vector<const void*>&);        \
  prefix void load_rows_for<K>(const relation_loader<K>&, const void*, bool);                                         \
  prefix void assign_rows<K>(const relation_loader<K>&, const void*, std::shared_ptr<const void>);                    \
  prefix void store_lazy_rows<K>(const relation_loader<K>&, const void*, std::shared_ptr<const void>);                \
  prefix void lazy_load_rows<K>(const relation_loader<K>&, const void*);
AR_EAGER_ROWS_INSTANCES(extern template, std::int64_t)
AR_EAGER_ROWS_INSTANCES(extern template, std::string)
AR_EAGER_ROWS_INSTANCES(extern template, row_key)

}  // namespace ar::detail

#endif  // AR_LOAD_ALGORITHM_HPP
