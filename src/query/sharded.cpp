// Horizontal sharding, the queries' part: the shard a record's write goes to (write_shard,
// record_shard), the shards a query's filter names (target_shards), and a query of whole records
// run on each of them concurrently, its rows merged (read_sharded_records). The declarations are
// the registry's (src/exec/sharding.cpp).

#include <ar/crud.hpp>
#include <ar/database.hpp>
#include <ar/detail/erased_tables.hpp>
#include <ar/detail/execute.hpp>
#include <ar/detail/query_state.hpp>
#include <ar/detail/record_buffer.hpp>
#include <ar/error.hpp>
#include <ar/query.hpp>

#include <algorithm>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

namespace ar::detail {

namespace {
const shard_declaration& declaration_of(const table_meta* model) {
  const shard_declaration* s = sharding_of(model);
  if (s == nullptr) throw configuration_error("ar: table '" + std::string(model->table) + "' is not sharded");
  return *s;
}

std::size_t shard_of_columns(const table_meta* model, const shard_declaration& s, std::span<const column_binding> now) {
  return shard_index(model, s, value_of(now[s.key_column], model, s.key_column));
}

// The shards a condition fixes the shard key to (column == value, column IN (values), either AND-ed
// with anything), or nothing when it does not fix it.
std::optional<std::vector<bool>> fixed_shards(const table_meta* model, const shard_declaration& s, const expr_tree& t,
                                              std::uint32_t at) {
  const node& n = t.nodes[at];
  const auto is_key = [&](std::uint32_t i) {
    const node& c = t.nodes[i];
    return c.kind == node_kind::column && c.table == model && c.second == 0 && c.first == s.key_column;
  };
  const auto shards_of = [&](std::span<const value> values) -> std::optional<std::vector<bool>> {
    std::vector<bool> named(s.databases.size(), false);
    for (const value& v : values) {
      if (std::holds_alternative<std::monostate>(v)) return std::nullopt;
      named[shard_index(model, s, v)] = true;
    }
    return named;
  };
  switch (n.kind) {
    case node_kind::logical_and: {
      auto left = fixed_shards(model, s, t, n.first);
      auto right = fixed_shards(model, s, t, n.second);
      if (!left) return right;
      if (!right) return left;
      for (std::size_t i = 0; i < left->size(); ++i) (*left)[i] = (*left)[i] && (*right)[i];
      return left;
    }
    case node_kind::compare: {
      if (n.op != compare_op::eq) return std::nullopt;
      const std::uint32_t other = is_key(n.first) ? n.second : is_key(n.second) ? n.first : no_node;
      if (other == no_node || t.nodes[other].kind != node_kind::param) return std::nullopt;
      return shards_of({&t.params[t.nodes[other].first], 1});
    }
    case node_kind::in:
      if (!is_key(n.first)) return std::nullopt;
      return shards_of(std::span<const value>(t.params).subspan(n.second, n.third));
    default: return std::nullopt;
  }
}

}  // namespace

// Two values of one column, in the order a database sorts them: numbers by value, texts by their
// bytes, NULL first.
std::weak_ordering compare_values(const value& a, const value& b) {
  const bool a_null = std::holds_alternative<std::monostate>(a);
  const bool b_null = std::holds_alternative<std::monostate>(b);
  if (a_null || b_null) return b_null <=> a_null;
  const auto number = [](const value& v) -> std::optional<double> {
    if (const auto* d = std::get_if<double>(&v)) return *d;
    return std::nullopt;
  };
  const auto integer = [](const value& v) -> std::optional<std::int64_t> {
    if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
    if (const auto* i = std::get_if<std::int32_t>(&v)) return *i;
    if (const auto* b = std::get_if<bool>(&v)) return *b ? 1 : 0;
    return std::nullopt;
  };
  if (auto x = integer(a), y = integer(b); x && y) return *x <=> *y;
  if (number(a) || number(b)) {
    const double x = number(a) ? *number(a) : static_cast<double>(integer(a).value_or(0));
    const double y = number(b) ? *number(b) : static_cast<double>(integer(b).value_or(0));
    return x < y ? std::weak_ordering::less : y < x ? std::weak_ordering::greater : std::weak_ordering::equivalent;
  }
  if (a.index() != b.index()) return a.index() <=> b.index();
  return std::visit(
      [&](const auto& x) -> std::weak_ordering {
        using T = std::remove_cvref_t<decltype(x)>;
        const T& y = std::get<T>(b);
        if constexpr (requires { x < y; })
          return x < y   ? std::weak_ordering::less
                 : y < x ? std::weak_ordering::greater
                         : std::weak_ordering::equivalent;
        else
          return to_string(a) <=> to_string(b);
      },
      a);
}

namespace {
// The columns a fan-out merges its shards' rows on, from the query's order_by: each a column of the
// model's own table.
struct merge_key {
  std::size_t column;
  bool descending;
};
std::vector<merge_key> merge_keys(const query_state& state) {
  std::vector<merge_key> keys;
  for (const order_key& k : state.order) {
    const bool plain = k.tree.nodes.size() == 1 && k.tree.nodes[0].kind == node_kind::column &&
                       k.tree.nodes[0].table == state.table && k.tree.nodes[0].second == 0;
    if (!plain)
      throw configuration_error("ar: a query of table '" + std::string(state.table->table) +
                                "' runs on every shard and merges their rows by its order_by, which must then be "
                                "columns of the model's own table (not an expression or a joined table's)");
    keys.push_back({k.tree.nodes[0].first, k.descending});
  }
  return keys;
}
}  // namespace

database write_shard(const table_meta* model, std::span<const column_binding> now,
                     std::span<const column_binding> saved) {
  const shard_declaration& s = declaration_of(model);
  const value key = value_of(now[s.key_column], model, s.key_column);
  if (saved.empty() && model->generated_key && s.key_column == model->primary_key &&
      std::is_eq(compare_values(key, value(std::int64_t{0}))))
    throw configuration_error("ar: table '" + std::string(model->table) + "' is sharded by its key '" +
                              std::string(model->columns[s.key_column].field) +
                              "', which then names the shard: give the key before inserting (a key each shard "
                              "generated would not name the shard it is on)");
  if (!saved.empty()) {
    const value was = value_of(saved[s.key_column], model, s.key_column);
    if (std::is_neq(compare_values(was, key)))
      throw shard_key_error("ar: table '" + std::string(model->table) + "': the shard key '" +
                            std::string(model->columns[s.key_column].field) + "' changed from " + to_string(was) +
                            " to " + to_string(key) +
                            "; a record stays on its shard (rows are not moved between shards: insert a copy on the "
                            "new shard and destroy this one)");
  }
  return get_database(s.databases[shard_index(model, s, key)]);
}

std::size_t record_shard(const table_meta* model, std::span<const column_binding> now) {
  return shard_of_columns(model, declaration_of(model), now);
}

std::vector<ar::database> target_shards(const query_state& state) {
  const shard_declaration& s = declaration_of(state.table);
  std::vector<ar::database> all = shard_databases(state.table);
  if (!state.where || state.where->nodes.empty()) return all;
  const std::optional<std::vector<bool>> named = fixed_shards(state.table, s, *state.where, state.where->root());
  if (!named) return all;
  std::vector<ar::database> some;
  for (std::size_t i = 0; i < all.size(); ++i)
    if ((*named)[i]) some.push_back(all[i]);
  return some;
}

void read_sharded_records(const query_state& state, const record_ops& ops, void (*sink)(void* context, void* record),
                          void* context) {
  const std::vector<ar::database> shards = target_shards(state);
  if (shards.size() == 1) {  // the filter names one shard: the query as it is, there
    read_records(shards.front(), state, ops, sink, context);
    return;
  }
  const std::vector<merge_key> keys = merge_keys(state);
  // Each shard is asked for the rows up to the last the query keeps (take + drop), from the first.
  query_state each = state;
  const std::int64_t skip = state.offset.value_or(0);
  if (state.limit) each.limit = *state.limit + skip;
  each.offset.reset();
  std::vector<std::unique_ptr<record_buffer>> rows;
  rows.reserve(shards.size());
  for (std::size_t i = 0; i < shards.size(); ++i) rows.push_back(std::make_unique<record_buffer>(ops));
  struct run_context {
    const std::vector<ar::database>& shards;
    const query_state& each;
    const record_ops& ops;
    std::vector<std::unique_ptr<record_buffer>>& rows;
  } run{shards, each, ops, rows};
  on_each_shard(
      shards.size(),
      [](void* p, std::size_t i) {
        auto& r = *static_cast<run_context*>(p);
        read_records(r.shards[i], r.each, r.ops, &record_buffer::sink, r.rows[i].get());
      },
      &run);

  // The merge: the next row is the least, by the order_by columns, of each shard's next (in shard
  // order when they tie, and without order_by).
  std::vector<std::vector<value>> sort_values(shards.size());  // per shard: row * keys.size() + key
  std::vector<column_binding> columns(ops.columns);
  for (std::size_t i = 0; i < shards.size() && !keys.empty(); ++i) {
    for (std::size_t r = 0; r < rows[i]->size(); ++r) {
      ops.bind(const_cast<void*>(rows[i]->at(r)), columns);
      for (const merge_key& k : keys) sort_values[i].push_back(value_of(columns[k.column], state.table, k.column));
    }
  }
  const auto before = [&](std::size_t a, std::size_t ra, std::size_t b, std::size_t rb) {
    for (std::size_t k = 0; k < keys.size(); ++k) {
      const std::weak_ordering c =
          compare_values(sort_values[a][ra * keys.size() + k], sort_values[b][rb * keys.size() + k]);
      if (std::is_neq(c)) return keys[k].descending ? std::is_gt(c) : std::is_lt(c);
    }
    return false;
  };
  std::vector<std::size_t> next(shards.size(), 0);
  std::int64_t skipped = 0;
  std::int64_t kept = 0;
  for (;;) {
    if (state.limit && kept >= *state.limit) break;
    std::size_t from = shards.size();
    for (std::size_t i = 0; i < shards.size(); ++i) {
      if (next[i] >= rows[i]->size()) continue;
      if (from == shards.size() || (!keys.empty() && before(i, next[i], from, next[from]))) from = i;
      if (keys.empty()) break;
    }
    if (from == shards.size()) break;
    void* record = const_cast<void*>(rows[from]->at(next[from]++));
    if (skipped < skip) {
      ++skipped;
      continue;
    }
    ++kept;
    sink(context, record);
  }
}

}  // namespace ar::detail
