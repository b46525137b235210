// Eager, batched and lazy loads of a relation whose target model is spread over shards (ar::shard):
// at most one statement per shard per level (per chunk of the bind limit), run concurrently. When
// the relation matches the target's shard key (posts by user_id, sharded by user_id; a belongs_to
// to a model sharded by its primary key) each shard is sent the keys it holds and no other shard is
// asked; otherwise every shard is sent every key and the rows are merged into the order one
// database holding them all would give. The algorithm around it is include/ar/load/algorithm.hpp
// (select_rows_in, load_rows_for), the declarations src/exec/sharding.cpp.

#include <ar/database.hpp>
#include <ar/error.hpp>
#include <ar/loading.hpp>
#include <ar/query.hpp>

#include <algorithm>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace ar::detail {

namespace {
std::string shard_list(const shard_declaration& s) {
  std::string out;
  for (const std::string& name : s.databases) out += (out.empty() ? "'" : ", '") + name + "'";
  return out;
}

// The columns a fan-out's rows are merged by: the relation query's order_by, each a column of the
// target's own table (a database orders by anything; the merge only by what the rows hold).
std::vector<order_key> merge_order(std::string_view owner_table, std::string_view relation, const query_state& base,
                                   const shard_declaration& s) {
  for (const order_key& k : base.order) {
    const bool plain = k.tree.nodes.size() == 1 && k.tree.nodes[0].kind == node_kind::column &&
                       k.tree.nodes[0].table == base.table && k.tree.nodes[0].second == 0;
    if (!plain)
      throw configuration_error("ar: relation '" + std::string(relation) + "' of table '" + std::string(owner_table) +
                                "' loads table '" + std::string(base.table->table) +
                                "' from every one of its shards (" + shard_list(s) +
                                ") and merges their rows by its order_by, which must then be columns of that "
                                "table (not an expression or a joined table's)");
  }
  return base.order;
}
}  // namespace

void refuse_sharded_through(std::string_view owner_table, std::string_view relation,
                            std::initializer_list<const table_meta*> models) {
  for (const table_meta* model : models)
    if (const shard_declaration* s = sharding_of(model))
      throw configuration_error("ar: relation '" + std::string(relation) + "' of table '" + std::string(owner_table) +
                                "' goes through table '" + std::string(model->table) + "', which is sharded over " +
                                shard_list(*s) +
                                "; a has_many_through across shards is not loaded (load the join model's rows, then "
                                "the targets by key)");
}

template <class K>
grouped_rows<K> select_sharded_rows_in(const relation_loader<K>& loader, const std::vector<K>& keys,
                                       const eager_node* path, const shard_declaration& s) {
  grouped_rows<K> grouped;
  if (keys.empty()) return grouped;
  const table_meta* table = loader.target_table;
  std::shared_ptr<const query_state> shared;
  if (path && path->modifier) {
    shared = path->modified(path->modifier.get()).second;
  } else {
    auto fresh = std::make_shared<query_state>();
    fresh->table = table;
    shared = std::move(fresh);
  }
  query_state base = *shared;
  if (loader.order_by_key && base.order.empty()) order_by_primary_key(base);
  const bool finish = base.eager || !base.counts.empty();  // a modifier's own with(...) / with_count
  const std::vector<ar::database> shards = shard_databases(table);
  const std::size_t n = shards.size();

  // Co-located: the matched column is the shard key, so a key's rows are all on the shard it names.
  bool colocated = false;
  if constexpr (!std::is_same_v<K, row_key>) colocated = loader.match_position == s.key_column;
  std::vector<std::vector<K>> mine(colocated ? n : 0);
  if constexpr (!std::is_same_v<K, row_key>)
    if (colocated)
      for (const K& k : keys) mine[shard_index(table, s, loader.param(k))].push_back(k);
  const auto keys_of = [&](std::size_t i) {
    return colocated ? std::span<const K>(mine[i]) : std::span<const K>(keys);
  };

  // Fanned out with per-parent bounds: each shard keeps a parent's first take + drop rows, and the
  // bounds apply again once merged.
  const bool per_parent = base.limit.has_value() || base.offset.has_value();
  query_state each = base;
  if (!colocated && per_parent) {
    if (base.limit) each.limit = *base.limit + base.offset.value_or(0);
    each.offset.reset();
  }
  std::vector<order_key> order;
  if (!colocated) order = merge_order(loader.owner_table, loader.name, base, s);  // refused before anything is sent
  // Merged as fan-out queries are: NULL where the shards' dialect puts it, texts by their bytes,
  // which each shard's statement then orders them by too.
  bool nulls_first = true;
  if (!colocated && !order.empty()) {
    nulls_first = shards_nulls_first(each, shards, false);
    each.text_order_by_bytes = true;
  }

  std::vector<std::unique_ptr<record_buffer>> rows(n);
  std::vector<std::size_t> asked;  // the shards sent a statement, in shard order
  for (std::size_t i = 0; i < n; ++i)
    if (!keys_of(i).empty()) {
      rows[i] = std::make_unique<record_buffer>(*loader.target->ops);
      asked.push_back(i);
    }
  struct run_context {
    const relation_loader<K>& loader;
    const std::vector<ar::database>& shards;
    const query_state& each;
    const std::vector<std::size_t>& asked;
    std::vector<std::unique_ptr<record_buffer>>& rows;
    const decltype(keys_of)& keys_for;
  } run{loader, shards, each, asked, rows, keys_of};
  on_each_shard(
      asked.size(),
      [](void* p, std::size_t at) {
        auto& r = *static_cast<run_context*>(p);
        const std::size_t i = r.asked[at];
        read_rows_in(r.loader, r.keys_for(i), r.shards[i], r.each, false, &record_buffer::sink, r.rows[i].get());
      },
      &run);

  // The rows in the order one database would read them: shard after shard when co-located (a key's
  // rows are on one shard, in its order); else sorted by the order_by columns, ties in shard order.
  struct at_row {
    std::size_t shard;
    std::size_t row;
  };
  std::vector<at_row> merged;
  for (const std::size_t i : asked)
    for (std::size_t r = 0; r < rows[i]->size(); ++r) merged.push_back({i, r});
  const record_ops& ops = *loader.target->ops;
  if (!colocated && asked.size() > 1 && !order.empty()) {
    std::vector<column_binding> columns(ops.columns);
    std::vector<value> sort_values;  // merged position * order.size() + key
    sort_values.reserve(merged.size() * order.size());
    for (const at_row& a : merged) {
      ops.bind(const_cast<void*>(rows[a.shard]->at(a.row)), columns);
      for (const order_key& k : order) {
        const std::uint32_t c = k.tree.nodes[0].first;
        sort_values.push_back(value_of(columns[c], table, c));
      }
    }
    std::vector<std::size_t> by(merged.size());
    for (std::size_t i = 0; i < by.size(); ++i) by[i] = i;
    std::stable_sort(by.begin(), by.end(), [&](std::size_t a, std::size_t b) {
      for (std::size_t k = 0; k < order.size(); ++k) {
        const std::weak_ordering c =
            compare_merge_values(sort_values[a * order.size() + k], sort_values[b * order.size() + k], nulls_first);
        if (std::is_neq(c)) return order[k].descending ? std::is_gt(c) : std::is_lt(c);
      }
      return false;
    });
    std::vector<at_row> sorted;
    sorted.reserve(merged.size());
    for (const std::size_t i : by) sorted.push_back(merged[i]);
    merged = std::move(sorted);
  }
  if (!colocated && per_parent) {  // each parent's drop, then take, over the merge
    std::unordered_map<K, std::int64_t> seen;
    std::vector<at_row> kept;
    const std::int64_t skip = base.offset.value_or(0);
    for (const at_row& a : merged) {
      K k{};
      if (!loader.match(rows[a.shard]->at(a.row), k)) continue;
      const std::int64_t at = seen[k]++;
      if (at >= skip && (!base.limit || at < skip + *base.limit)) kept.push_back(a);
    }
    merged = std::move(kept);
  }

  grouped.reserve(keys.size());
  row_sink<K> sink{&loader, &grouped};
  if (!finish) {
    for (const at_row& a : merged) row_sink<K>::add(&sink, const_cast<void*>(rows[a.shard]->at(a.row)));
    return grouped;
  }
  // A modifier's own loads run over every row read, as on one database, before they are grouped.
  record_buffer all(ops);
  for (const at_row& a : merged) all.push(const_cast<void*>(rows[a.shard]->at(a.row)));
  finish_read_rows(*loader.target, all, base);
  for (const void* row : all.pointers()) row_sink<K>::add(&sink, const_cast<void*>(row));
  return grouped;
}

template grouped_rows<std::int64_t> select_sharded_rows_in<std::int64_t>(const relation_loader<std::int64_t>&,
                                                                         const std::vector<std::int64_t>&,
                                                                         const eager_node*, const shard_declaration&);
template grouped_rows<std::string> select_sharded_rows_in<std::string>(const relation_loader<std::string>&,
                                                                       const std::vector<std::string>&,
                                                                       const eager_node*, const shard_declaration&);
template grouped_rows<row_key> select_sharded_rows_in<row_key>(const relation_loader<row_key>&,
                                                               const std::vector<row_key>&, const eager_node*,
                                                               const shard_declaration&);

}  // namespace ar::detail
