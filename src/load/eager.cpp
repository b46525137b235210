// The eager and batched loading algorithm, for every model by the same code: one level of a with()
// tree at a time (one statement per relation and level, chunked at the bind limit), records given
// one shared context for automatic batching. The per-relation parts reach it through the tables of
// include/ar/detail/erased_tables.hpp.

#include <ar/error.hpp>
#include <ar/loading.hpp>

#include <algorithm>
#include <array>
#include <mutex>
#include <unordered_set>
#include <string>

namespace ar::detail {

std::vector<std::string_view> split_relation_path(std::string_view path) {
  auto invalid = [&](const std::string& why) {
    // A path is shown whole up to a point: a megabyte of it helps nobody read the message.
    constexpr std::size_t shown = 200;
    std::string text(path.substr(0, shown));
    if (path.size() > shown) text += "... (" + std::to_string(path.size()) + " bytes)";
    throw invalid_relation_path("ar: invalid relation path '" + text + "': " + why);
  };
  if (path.empty()) invalid("it is empty");
  std::vector<std::string_view> names;
  std::size_t start = 0;
  for (;;) {
    const std::size_t dot = path.find('.', start);
    const std::string_view name =
        path.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (name.empty()) {
      if (start == 0) invalid("it starts with a dot");
      if (dot == std::string_view::npos) invalid("it ends with a dot");
      invalid("it has an empty name between two dots");
    }
    // Loading, subqueries and the path tree each go one level deeper per name: a bound keeps a
    // path of a self-referential relation ("children.children...") from exhausting the stack.
    if (names.size() == max_relation_path_names)
      invalid("it names more than " + std::to_string(max_relation_path_names) + " relations");
    names.push_back(name);
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return names;
}

AR_EAGER_ROWS_INSTANCES(template, std::int64_t)
AR_EAGER_ROWS_INSTANCES(template, std::string)
AR_EAGER_ROWS_INSTANCES(template, row_key)

std::vector<std::string> path_list(std::initializer_list<std::string_view> paths) {
  std::vector<std::string> out;
  out.reserve(paths.size());
  for (std::string_view p : paths) out.emplace_back(p);
  return out;
}

std::shared_ptr<const std::vector<eager_node>> with_paths(const std::vector<eager_node>* tree,
                                                          const relation_table& root,
                                                          const std::vector<std::string>& paths) {
  std::vector<eager_node> grown = tree ? *tree : std::vector<eager_node>{};
  for (const std::string& path : paths) add_path(grown, root, path);
  return std::make_shared<const std::vector<eager_node>>(std::move(grown));
}

void share_rows_context(const model_rows& rows, const std::vector<const void*>& records, bool strict, bool auto_batch,
                        std::span<const std::string_view> preloaded) {
  if (rows.relations.empty() || records.empty()) return;
  if (records.size() < 2 && !strict) return;  // a record alone has no siblings
  auto context = std::make_shared<load_context>();
  context->strict = strict;
  context->auto_batch = auto_batch;
  context->batches.reserve(rows.relations.size());
  bool any_batch = false;
  for (const relation_batcher& r : rows.relations) {
    const bool skip = !r.make || std::find(preloaded.begin(), preloaded.end(), r.name) != preloaded.end();
    context->batches.push_back(skip ? nullptr : r.make(records));
    any_batch = any_batch || context->batches.back() != nullptr;
  }
  // Nothing to share (every relation preloaded, default switches): no context, which reads the
  // same, and costs no reference count per record.
  if (!strict && auto_batch && !any_batch) {
    for (const void* p : records) rows.context(p).shared.reset();
    return;
  }
  for (const void* p : records) rows.context(p).shared = context;
}

std::mutex& lazy_store_mutex() noexcept {
  // One lock for every lazy store: it is held for a few pointer copies, once per record's first
  // read of a relation (the statement runs before it), and never where a relation is already
  // loaded, which is one acquire load (relation_slot::loaded).
  static std::mutex mutex;
  return mutex;
}

bool publish_loaded(relation_slot& slot, std::shared_ptr<const void> value) {
  const std::lock_guard<std::mutex> lock(lazy_store_mutex());
  if (slot.loaded) return false;  // another thread reading this record stored it first: theirs stays
  slot.value = std::move(value);
  slot.loaded = true;  // after the value: whoever sees it set sees the value
  return true;
}

void eager_load_rows_all(const relation_table& table, const std::vector<const void*>& records,
                         const std::vector<eager_node>& tree) {
  std::vector<eager_commit> commits;
  commits.reserve(tree.size());
  for (const eager_node& node : tree) commits.push_back(table.find(node.name).eager_load(records, node));
  for (const eager_commit& commit : commits) commit();
}

namespace {
void collect_missing(const relation_table& table, const std::vector<const void*>& records,
                     const std::vector<eager_node>& tree, std::vector<eager_commit>& commits) {
  for (const eager_node& node : tree) {
    const relation_entry& entry = table.find(node.name);
    // Below a loaded morph_to the records' models are not known here: those owners load again.
    const bool descend = entry.kind != relation_kind::morph_to;
    std::vector<const void*> missing, targets;
    for (const void* p : records) {
      const std::size_t before = targets.size();
      if (!entry.cached || !entry.cached(p, targets) || (!descend && !node.children.empty())) {
        targets.resize(before);
        missing.push_back(p);
      }
    }
    if (!missing.empty()) commits.push_back(entry.eager_load(missing, node));
    if (node.children.empty() || targets.empty()) continue;
    // A belongs_to target several owners share is visited once.
    std::unordered_set<const void*> seen;
    std::vector<const void*> distinct;
    distinct.reserve(targets.size());
    for (const void* t : targets)
      if (seen.insert(t).second) distinct.push_back(t);
    collect_missing(entry.target_table(), distinct, node.children, commits);
  }
}
}  // namespace

void eager_load_missing_rows_all(const relation_table& table, const std::vector<const void*>& records,
                                 const std::vector<eager_node>& tree) {
  std::vector<eager_commit> commits;
  collect_missing(table, records, tree, commits);
  for (const eager_commit& commit : commits) commit();
}

namespace {
// The relations a query loads eagerly: its records need no batch for them (the eager load fills
// every record's cache before the records are returned).
std::vector<std::string_view> eager_names(const query_state& state) {
  std::vector<std::string_view> names;
  if (!state.eager) return names;
  names.reserve(state.eager->size());
  for (const eager_node& node : *state.eager) names.push_back(node.name);
  return names;
}
}  // namespace

void finish_read_rows(const model_rows& rows, const void* first, std::size_t n, const query_state& state) {
  std::vector<const void*> records;
  records.reserve(n);
  const auto* at = static_cast<const char*>(first);
  for (std::size_t i = 0; i < n; ++i) records.push_back(at + i * rows.record_size);
  share_rows_context(rows, records, state.strict, state.auto_batch, eager_names(state));
  if (state.eager) {
    const query_timeout_scope timeout(state.timeout_ms);  // the query's, over its eager loads
    eager_load_rows_all(rows.table(), records, *state.eager);
  }
}

void finish_read_rows(const model_rows& rows, const record_buffer& read, const query_state& state) {
  const std::vector<const void*> records = read.pointers();
  share_rows_context(rows, records, state.strict, state.auto_batch, eager_names(state));
  if (state.eager) {
    const query_timeout_scope timeout(state.timeout_ms);  // the query's, over its eager loads
    eager_load_rows_all(rows.table(), records, *state.eager);
  }
}

namespace {
// Destroys and frees a record made by share_moved_record.
struct record_deleter {
  const record_ops* ops;
  void operator()(void* p) const noexcept {
    ops->destroy(p, 1);
    free_records(*ops, p);
  }
};
}  // namespace

std::shared_ptr<void> share_fields(const record_ops& ops, const void* record) {
  void* p = allocate_records(ops, 1);
  try {
    ops.construct(p);
  } catch (...) {
    free_records(ops, p);
    throw;
  }
  std::shared_ptr<void> shared(p, record_deleter{&ops});
  constexpr std::size_t on_stack = 64;
  if (ops.columns <= on_stack) {
    std::array<column_binding, on_stack> to, from;
    ops.bind(p, std::span<column_binding>(to.data(), ops.columns));
    ops.bind(const_cast<void*>(record), std::span<column_binding>(from.data(), ops.columns));
    copy_bound(std::span<const column_binding>(to.data(), ops.columns),
               std::span<const column_binding>(from.data(), ops.columns));
  } else {
    std::vector<column_binding> to(ops.columns), from(ops.columns);
    ops.bind(p, to);
    ops.bind(const_cast<void*>(record), from);
    copy_bound(to, from);
  }
  return shared;
}

std::shared_ptr<const void> share_moved_record(const record_ops& ops, void* row) {
  void* p = allocate_records(ops, 1);
  try {
    ops.move_construct(p, row);
  } catch (...) {
    free_records(ops, p);
    throw;
  }
  return std::shared_ptr<void>(p, record_deleter{&ops});
}

void each_row(const model_rows& rows, const ar::database& db, const query_state& state, bool finish,
              void (*sink)(void* context, void* row), void* context) {
  if (!finish) {
    read_records(db, state, *rows.ops, sink, context);
    return;
  }
  record_buffer read(*rows.ops);
  read_records(db, state, *rows.ops, &record_buffer::sink, &read);
  finish_read_rows(rows, read, state);
  for (const void* row : read.pointers()) sink(context, const_cast<void*>(row));
}

std::pair<ar::database, std::shared_ptr<const query_state>> base_query(const table_meta* table,
                                                                       const eager_node* node) {
  if (node && node->modifier) {
    auto modified = node->modified(node->modifier.get());
    if (modified.first == ar::database{}) modified.first = database_for(table);
    return modified;
  }
  auto state = std::make_shared<query_state>();
  state->table = table;
  return {database_for(table), std::move(state)};
}

namespace {
// A group and its reference count in one allocation: std::vector of any model has one size.
struct group_box {
  alignas(std::vector<char>) unsigned char storage[sizeof(std::vector<char>)];
  void (*destroy)(void* at) noexcept = nullptr;

  group_box() = default;
  group_box(const group_box&) = delete;
  group_box& operator=(const group_box&) = delete;
  ~group_box() {
    if (destroy) destroy(storage);
  }
};
}  // namespace

std::shared_ptr<void> new_group(void (*construct)(void* at, std::size_t reserve), void (*destroy)(void* at) noexcept,
                                std::size_t reserve) {
  auto box = std::make_shared<group_box>();
  construct(box->storage, reserve);
  box->destroy = destroy;
  return std::shared_ptr<void>(box, box->storage);
}

}  // namespace ar::detail
