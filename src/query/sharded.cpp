// Horizontal sharding, the queries' part: the shard a record's write goes to (write_shard,
// record_shard), the shards a query's filter names (target_shards), a query of whole records run
// on each of them concurrently, its rows merged (read_sharded_records), an average combined from
// the shards' sums and counts (sharded_average), and update_all / delete_all on each shard
// (update_sharded, delete_sharded). The declarations are
// the registry's (src/exec/sharding.cpp).

#include <ar/crud.hpp>
#include <ar/database.hpp>
#include <ar/detail/erased_tables.hpp>
#include <ar/detail/execute.hpp>
#include <ar/detail/query_state.hpp>
#include <ar/detail/record_buffer.hpp>
#include <ar/error.hpp>
#include <ar/query.hpp>
#include <ar/views/delete_all.hpp>
#include <ar/views/update_all.hpp>

#include <algorithm>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
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

// Two values of one column, equal or not, and otherwise in an order of their own (numbers by
// value, texts by their bytes): what a write's shard key is checked with, and how a merge compares
// order_by values of the rarer types (time, date, uuid, decimal, bytes, mapped) among themselves.
// NULL is less than any value.
std::weak_ordering compare_values(const value& a, const value& b) {
  const bool a_null = std::holds_alternative<std::monostate>(a);
  const bool b_null = std::holds_alternative<std::monostate>(b);
  if (a_null || b_null) return b_null <=> a_null;
  const auto integer = [](const value& v) -> std::optional<std::int64_t> {
    if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
    if (const auto* i = std::get_if<std::int32_t>(&v)) return *i;
    if (const auto* b = std::get_if<bool>(&v)) return *b ? 1 : 0;
    return std::nullopt;
  };
  const auto x = integer(a);
  const auto y = integer(b);
  if (x && y) return *x <=> *y;
  const auto* da = std::get_if<double>(&a);
  const auto* db = std::get_if<double>(&b);
  if ((da || x) && (db || y)) {
    const double p = da ? *da : static_cast<double>(*x);
    const double q = db ? *db : static_cast<double>(*y);
    return p < q ? std::weak_ordering::less : q < p ? std::weak_ordering::greater : std::weak_ordering::equivalent;
  }
  if (a.index() != b.index()) return a.index() <=> b.index();
  return std::visit(
      [&](const auto& v) -> std::weak_ordering {
        using T = std::remove_cvref_t<decltype(v)>;
        const T& w = std::get<T>(b);
        if constexpr (requires { v < w; })
          return v < w   ? std::weak_ordering::less
                 : w < v ? std::weak_ordering::greater
                         : std::weak_ordering::equivalent;
        else
          return to_string(a) <=> to_string(b);
      },
      a);
}

}  // namespace

std::weak_ordering compare_merge_values(const value& a, const value& b, bool nulls_first) {
  const bool a_null = std::holds_alternative<std::monostate>(a);
  const bool b_null = std::holds_alternative<std::monostate>(b);
  if (a_null || b_null) {
    if (a_null == b_null) return std::weak_ordering::equivalent;
    return a_null == nulls_first ? std::weak_ordering::less : std::weak_ordering::greater;
  }
  return compare_values(a, b);
}

namespace {
// One order_by value of a row, as the merge compares it: made once per row and key, its kind
// known, a text pointing into the record rather than copied.
struct sort_cell {
  enum class kind : std::uint8_t { null, integer, real, text, other };
  kind k = kind::null;
  std::int64_t integer = 0;
  double real = 0;
  std::string_view text;
  value other;  // kind::other: the value, compared by compare_values
};

template <class T>
const T* field_of(const column_binding& c) {
  if (!c.nullable) return static_cast<const T*>(c.target);
  const auto& field = *static_cast<const std::optional<T>*>(c.target);
  return field ? &*field : nullptr;
}

sort_cell cell_of(const column_binding& c, const table_meta* table, std::size_t position) {
  sort_cell cell;
  const auto integer = [&](const auto* v) {
    if (v) {
      cell.k = sort_cell::kind::integer;
      cell.integer = static_cast<std::int64_t>(*v);
    }
  };
  if (!c.mapped) {
    switch (c.type) {
      case value_type::int32: integer(field_of<std::int32_t>(c)); return cell;
      case value_type::int64: integer(field_of<std::int64_t>(c)); return cell;
      case value_type::boolean: integer(field_of<bool>(c)); return cell;
      case value_type::float64:
        if (const double* d = field_of<double>(c)) {
          cell.k = sort_cell::kind::real;
          cell.real = *d;
        }
        return cell;
      case value_type::text:
        if (const std::string* t = field_of<std::string>(c)) {
          cell.k = sort_cell::kind::text;
          cell.text = *t;
        }
        return cell;
      default: break;
    }
  }
  cell.other = value_of(c, table, position);
  if (!std::holds_alternative<std::monostate>(cell.other)) cell.k = sort_cell::kind::other;
  return cell;
}

// Two cells of one order_by column, ascending, NULL first when `nulls_first` (the dialect's).
std::weak_ordering compare_cells(const sort_cell& a, const sort_cell& b, bool nulls_first) {
  using kind = sort_cell::kind;
  if (a.k == kind::null || b.k == kind::null) {
    if (a.k == b.k) return std::weak_ordering::equivalent;
    return (a.k == kind::null) == nulls_first ? std::weak_ordering::less : std::weak_ordering::greater;
  }
  if (a.k == kind::integer && b.k == kind::integer) return a.integer <=> b.integer;
  if ((a.k == kind::real || a.k == kind::integer) && (b.k == kind::real || b.k == kind::integer)) {
    const double x = a.k == kind::real ? a.real : static_cast<double>(a.integer);
    const double y = b.k == kind::real ? b.real : static_cast<double>(b.integer);
    return x < y ? std::weak_ordering::less : y < x ? std::weak_ordering::greater : std::weak_ordering::equivalent;
  }
  if (a.k == kind::text && b.k == kind::text) {
    const int c = a.text.compare(b.text);  // by bytes: char_traits<char> compares them unsigned
    return c < 0 ? std::weak_ordering::less : c > 0 ? std::weak_ordering::greater : std::weak_ordering::equivalent;
  }
  if (a.k == kind::other && b.k == kind::other) return compare_values(a.other, b.other);
  return a.k <=> b.k;  // one column's values are of one kind: not reached
}

// The columns a fan-out merges its shards' rows on, from the query's order_by: each a column of the
// model's own table.
struct merge_key {
  std::size_t binding;  // its position among a row's bindings (ops.bind's)
  std::size_t column;   // its column in the model's table
  bool descending;
};
// The merge key of an order_by key that is a column of the model's own table (ar::configuration_error
// for anything else, and for a JSON column).
merge_key merge_key_of(const query_state& state, const order_key& k) {
  const bool plain = k.tree.nodes.size() == 1 && k.tree.nodes[0].kind == node_kind::column &&
                     k.tree.nodes[0].table == state.table && k.tree.nodes[0].second == 0;
  if (!plain)
    throw configuration_error("ar: a query of table '" + std::string(state.table->table) +
                              "' runs on every shard and merges their rows by its order_by, which must then be "
                              "columns of the model's own table (not an expression or a joined table's)");
  const std::size_t column = k.tree.nodes[0].first;
  if (state.table->columns[column].type == value_type::json)
    throw configuration_error("ar: a query of table '" + std::string(state.table->table) +
                              "' runs on every shard and merges their rows by its order_by, and column '" +
                              std::string(state.table->columns[column].field) +
                              "' is JSON, which the databases order each their own way: order by another column");
  return {column, column, k.descending};
}
std::vector<merge_key> merge_keys(const query_state& state) {
  std::vector<merge_key> keys;
  for (const order_key& k : state.order) keys.push_back(merge_key_of(state, k));
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

namespace {
// Reads one shard's rows into `into`: whole records, or a select's rows.
using shard_reader = void (*)(const ar::database& db, const query_state& state, const record_ops& ops,
                              record_buffer& into);

void read_whole_records(const ar::database& db, const query_state& state, const record_ops& ops, record_buffer& into) {
  read_records(db, state, ops, &record_buffer::sink, &into);
}

void read_selected_rows(const ar::database& db, const query_state& state, const record_ops& ops, record_buffer& into) {
  // One staging row, its columns bound once; each row read is moved into the buffer, and the next
  // is read over what the move left.
  void* staging = allocate_records(ops, 1);
  try {
    ops.construct(staging);
  } catch (...) {
    free_records(ops, staging);
    throw;
  }
  struct release {
    const record_ops& ops;
    void* at;
    ~release() {
      ops.destroy(at, 1);
      free_records(ops, at);
    }
  } guard{ops, staging};
  std::vector<column_binding> columns(ops.columns);
  ops.bind(staging, columns);
  auto on_row = [&] { into.push(staging); };
  run_select(db, state, columns, row_callback::of(on_row));
}

// The shards' rows, read concurrently by `read` (each shard asked for the rows up to the last the
// query keeps, texts ordered by bytes), merged by `keys` (in shard order when they tie, and
// without keys), then drop and take applied; each handed to sink.
// Whether NULL sorts first on the shards (their dialect's); ar::configuration_error, when the query
// is ordered, for shards that disagree.
bool nulls_first_of(const query_state& state, const std::vector<ar::database>& shards, bool ordered);

void merge_shards(const query_state& state, const std::vector<ar::database>& shards, const record_ops& ops,
                  const std::vector<merge_key>& keys, shard_reader read, void (*sink)(void* context, void* row),
                  void* context) {
  // NULL goes where the shards' dialect puts it; texts are ordered by their bytes on every shard, as
  // the merge compares them.
  const bool nulls_first = nulls_first_of(state, shards, !keys.empty());
  query_state each = state;
  const std::int64_t skip = state.offset.value_or(0);
  if (state.limit) each.limit = *state.limit + skip;
  each.offset.reset();
  each.text_order_by_bytes = true;
  std::vector<std::unique_ptr<record_buffer>> rows;
  rows.reserve(shards.size());
  for (std::size_t i = 0; i < shards.size(); ++i) rows.push_back(std::make_unique<record_buffer>(ops));
  struct run_context {
    const std::vector<ar::database>& shards;
    const query_state& each;
    const record_ops& ops;
    std::vector<std::unique_ptr<record_buffer>>& rows;
    shard_reader read;
  } run{shards, each, ops, rows, read};
  on_each_shard(
      shards.size(),
      [](void* p, std::size_t i) {
        auto& r = *static_cast<run_context*>(p);
        r.read(r.shards[i], r.each, r.ops, *r.rows[i]);
      },
      &run);

  // The merge: the next row is the least, by the order_by columns, of each shard's next. Each
  // row's order_by values are made once, before.
  std::vector<std::vector<sort_cell>> cells(shards.size());  // per shard: row * keys.size() + key
  std::vector<column_binding> columns(ops.columns);
  for (std::size_t i = 0; i < shards.size() && !keys.empty(); ++i) {
    cells[i].reserve(rows[i]->size() * keys.size());
    for (std::size_t r = 0; r < rows[i]->size(); ++r) {
      ops.bind(const_cast<void*>(rows[i]->at(r)), columns);
      for (const merge_key& k : keys)
        cells[i].push_back(cell_of(columns[k.binding], k.column == no_column ? nullptr : state.table, k.column));
    }
  }
  const auto before = [&](std::size_t a, std::size_t ra, std::size_t b, std::size_t rb) {
    const sort_cell* x = &cells[a][ra * keys.size()];
    const sort_cell* y = &cells[b][rb * keys.size()];
    for (std::size_t k = 0; k < keys.size(); ++k) {
      const std::weak_ordering c = compare_cells(x[k], y[k], nulls_first);
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
    // The sink may move from the row: its cells' texts are not compared again (it is passed).
    void* row = const_cast<void*>(rows[from]->at(next[from]++));
    if (skipped < skip) {
      ++skipped;
      continue;
    }
    ++kept;
    sink(context, row);
  }
}

// Whether an order_by key is an aggregate whose values are numbers: a count, or a sum, average,
// minimum or maximum of a number column (a text's order is the collation's, not the merge's).
bool numeric_aggregate(const query_state& state, const expr_tree& t) {
  const node& n = t.nodes[t.root()];
  if (n.kind != node_kind::aggregate) return false;
  if (n.third == agg_count_all || n.third == agg_count || n.third == agg_count_distinct) return true;
  const node& operand = t.nodes[n.first];
  if (operand.kind != node_kind::column || operand.table != state.table || operand.second != 0) return false;
  switch (state.table->columns[operand.first].type) {
    case value_type::int32:
    case value_type::int64:
    case value_type::float64:
    case value_type::boolean: return true;
    default: return false;
  }
}

bool has_aggregate(const expr_tree& t) {
  for (const node& n : t.nodes)
    if (n.kind == node_kind::aggregate) return true;
  return false;
}
}  // namespace

void read_sharded_records(const query_state& state, const record_ops& ops, void (*sink)(void* context, void* record),
                          void* context) {
  const std::vector<ar::database> shards = target_shards(state);
  if (shards.size() == 1) {  // the filter names one shard: the query as it is, there
    read_records(shards.front(), state, ops, sink, context);
    return;
  }
  merge_shards(state, shards, ops, merge_keys(state), &read_whole_records, sink, context);
}

void read_sharded_rows(const query_state& state, const record_ops& ops, void (*sink)(void* context, void* row),
                       void* context) {
  const std::string table(state.table->table);
  const std::vector<ar::database> shards = target_shards(state);
  if (shards.size() == 1) {  // the filter names one shard: the query as it is, there
    record_buffer rows(ops);
    read_selected_rows(shards.front(), state, ops, rows);
    for (std::size_t i = 0; i < rows.size(); ++i) sink(context, const_cast<void*>(rows.at(i)));
    return;
  }
  // Groups, and distinct rows, are each shard's alone unless they hold the shard key: a key value
  // lives on one shard, so groups (rows) of different shards then differ, and each shard's are whole.
  const shard_declaration& s = declaration_of(state.table);
  const auto is_shard_key = [&](const expr_tree& t) {
    return t.nodes.size() == 1 && t.nodes[0].kind == node_kind::column && t.nodes[0].table == state.table &&
           t.nodes[0].second == 0 && t.nodes[0].first == s.key_column;
  };
  const std::string key_field(state.table->columns[s.key_column].field);
  bool aggregates = !state.group_by.empty() || state.having.has_value();
  for (const expr_tree& t : state.selected) aggregates = aggregates || has_aggregate(t);
  if (aggregates && std::none_of(state.group_by.begin(), state.group_by.end(), is_shard_key))
    throw configuration_error("ar: a select of table '" + table +
                              "' runs on every shard, and its aggregates or group_by would be each shard's alone: "
                              "group by the shard key '" +
                              key_field +
                              "' too (each group is then on one shard), aggregate with count, sum, minimum, maximum "
                              "or average, or select on each shard's database");
  if (state.distinct && std::none_of(state.selected.begin(), state.selected.end(), is_shard_key))
    throw configuration_error("ar: a select of table '" + table +
                              "' runs on every shard, and distinct would drop repeated rows within each shard only: "
                              "select the shard key '" +
                              key_field + "' too, or select on each shard's database");
  // The merge's keys: each order_by key selected, a column of the model's table or (grouped) an
  // aggregate whose values are numbers.
  std::vector<merge_key> keys;
  for (const order_key& k : state.order) {
    std::size_t at = state.selected.size();
    for (std::size_t j = 0; j < state.selected.size() && at == state.selected.size(); ++j)
      if (state.selected[j].same_as(k.tree)) at = j;
    const bool plain = k.tree.nodes.size() == 1 && k.tree.nodes[0].kind == node_kind::column &&
                       k.tree.nodes[0].table == state.table && k.tree.nodes[0].second == 0;
    if (at == state.selected.size())
      throw configuration_error(
          "ar: a select of table '" + table + "' runs on every shard and merges their rows by its order_by, and " +
          (plain ? "column '" + std::string(state.table->columns[k.tree.nodes[0].first].field) + "' is"
                 : std::string("an order_by expression is")) +
          " not selected: select each column and expression the query is ordered by");
    if (plain) {
      keys.push_back({at, merge_key_of(state, k).column, k.descending});
    } else {
      if (!numeric_aggregate(state, k.tree))
        throw configuration_error("ar: a select of table '" + table +
                                  "' runs on every shard and merges their rows by its order_by, which can then be "
                                  "columns of the model's own table or aggregates whose values are numbers (count, "
                                  "or sum, average, minimum, maximum of a number column), not another expression");
      keys.push_back({at, no_column, k.descending});
    }
  }
  merge_shards(state, shards, ops, keys, &read_selected_rows, sink, context);
}

void check_sharded_aggregate(const query_state& state, std::size_t shards) {
  if (shards > 1 && (state.limit || state.offset || state.distinct || !state.group_by.empty()))
    throw configuration_error("ar: an aggregate of table '" + std::string(state.table->table) +
                              "' runs on every shard and adds up their answers, and take, drop, distinct and "
                              "group_by would each shape one shard's rows alone: read the rows (to_vector) or "
                              "run it on each shard's database");
}

std::optional<double> sharded_average(const query_state& state, const expr_tree* argument) {
  const std::vector<ar::database> shards = target_shards(state);
  check_sharded_aggregate(state, shards.size());
  const node& n = argument->nodes[argument->root()];
  const value_type type =
      n.kind == node_kind::column && n.table != nullptr ? n.table->columns[n.first].type : value_type::float64;
  const bool integer = type == value_type::int32 || type == value_type::int64 || type == value_type::boolean;
  const bool exact = type == value_type::decimal;
  // Each shard's SUM (an integer, a decimal or a double, as the column) and COUNT of the argument.
  struct part {
    std::int64_t integer = 0;
    decimal exact;
    double real = 0;
    std::int64_t count = 0;
  };
  std::vector<part> parts(shards.size());
  struct context {
    const std::vector<ar::database>& shards;
    std::vector<part>& parts;
    const query_state& state;
    const expr_tree* argument;
    bool integer, exact;
  } c{shards, parts, state, argument, integer, exact};
  on_each_shard(
      shards.size(),
      [](void* p, std::size_t i) {
        auto& cx = *static_cast<context*>(p);
        part& mine = cx.parts[i];
        const column_binding columns[] = {cx.integer ? bind_column(mine.integer)
                                          : cx.exact ? bind_column(mine.exact)
                                                     : bind_column(mine.real),
                                          bind_column(mine.count)};
        run_select(cx.shards[i], cx.state, columns, {}, aggregate_kind::sum_and_count, cx.argument);
      },
      &c);
  std::int64_t count = 0;
  std::int64_t integer_sum = 0;
  decimal exact_sum;
  double real_sum = 0;
  for (const part& p : parts) {
    count += p.count;
    if (integer) {
      if (__builtin_add_overflow(integer_sum, p.integer, &integer_sum))
        throw error("ar: the average over the shards of table '" + std::string(state.table->table) +
                    "' adds up a sum past a 64-bit integer");
    } else if (exact) {
      exact_sum += p.exact;
    } else {
      real_sum += p.real;
    }
  }
  if (count == 0) return std::nullopt;
  const double total = integer ? static_cast<double>(integer_sum) : exact ? exact_sum.to_double_lossy() : real_sum;
  return total / static_cast<double>(count);
}

namespace {
// run(context, i) for each shard: concurrently (on_each_shard), unless the calling thread has a
// transaction open on one of them; then one after another on this thread, so that each statement
// runs in the thread's transaction where it has one (on another thread it would run outside it,
// and wait for the locks the transaction holds).
void on_shards_writing(const std::vector<ar::database>& shards, void (*run)(void* context, std::size_t i),
                       void* context) {
  bool in_transaction = false;
  for (const ar::database& shard : shards) in_transaction = in_transaction || shard.in_transaction();
  if (!in_transaction) {
    on_each_shard(shards.size(), run, context);
    return;
  }
  for (std::size_t i = 0; i < shards.size(); ++i) run(context, i);
}
}  // namespace

std::uint64_t update_sharded(const query_state& state, std::span<const std::size_t> columns,
                             std::span<const expr_tree* const> values) {
  const shard_declaration& s = declaration_of(state.table);
  for (const std::size_t column : columns)
    if (column == s.key_column)
      throw shard_key_error("ar: update_all of table '" + std::string(state.table->table) + "' sets its shard key '" +
                            std::string(state.table->columns[column].field) +
                            "'; a row stays on its shard (rows are not moved between shards: insert copies on the "
                            "new shards and delete these)");
  require_plain_filter(state, "update_all");
  const std::vector<ar::database> shards = target_shards(state);
  std::vector<std::uint64_t> counts(shards.size(), 0);
  struct context {
    const std::vector<ar::database>& shards;
    std::vector<std::uint64_t>& counts;
    const query_state& state;
    std::span<const std::size_t> columns;
    std::span<const expr_tree* const> values;
  } c{shards, counts, state, columns, values};
  on_shards_writing(
      shards,
      [](void* p, std::size_t i) {
        auto& cx = *static_cast<context*>(p);
        cx.counts[i] = update_all_rows(cx.shards[i], cx.state, cx.columns, cx.values);
      },
      &c);
  std::uint64_t total = 0;
  for (const std::uint64_t n : counts) total += n;
  return total;
}

std::uint64_t delete_sharded(const query_state& state) {
  require_plain_filter(state, "delete_all");
  const std::vector<ar::database> shards = target_shards(state);
  std::vector<std::uint64_t> counts(shards.size(), 0);
  struct context {
    const std::vector<ar::database>& shards;
    std::vector<std::uint64_t>& counts;
    const query_state& state;
  } c{shards, counts, state};
  on_shards_writing(
      shards,
      [](void* p, std::size_t i) {
        auto& cx = *static_cast<context*>(p);
        const ar::database& db = cx.shards[i];
        std::string sql;
        std::vector<value> params;
        render_for(db, cx.state, sql, params, [&](std::string& out, std::vector<value>& values, const dialect& d) {
          render_delete(out, values, d, cx.state);
        });
        const query_timeout_scope timeout(cx.state.timeout_ms);
        cx.counts[i] = run(state_of(db), sql, params).rows_affected;
      },
      &c);
  std::uint64_t total = 0;
  for (const std::uint64_t n : counts) total += n;
  return total;
}

namespace {
bool nulls_first_of(const query_state& state, const std::vector<ar::database>& shards, bool ordered) {
  const bool nulls_first = shards.front().dialect().nulls_sort_first();
  if (ordered)
    for (const ar::database& shard : shards)
      if (shard.dialect().nulls_sort_first() != nulls_first)
        throw configuration_error("ar: a query of table '" + std::string(state.table->table) +
                                  "' runs on every shard and merges their rows by its order_by, and databases '" +
                                  shards.front().name() + "' and '" + shard.name() +
                                  "' put NULL at different ends: shard a model over databases of one backend");
  return nulls_first;
}
}  // namespace

bool shards_nulls_first(const query_state& state, const std::vector<ar::database>& shards, bool ordered) {
  if (ordered) (void)merge_keys(state);  // each a column of the model's table, or refused now
  return nulls_first_of(state, shards, ordered);
}

bool merge_before(const query_state& state, bool nulls_first, std::span<const column_binding> a,
                  std::span<const column_binding> b) {
  for (const order_key& key : state.order) {
    const merge_key k = merge_key_of(state, key);
    const std::weak_ordering c = compare_cells(cell_of(a[k.column], state.table, k.column),
                                               cell_of(b[k.column], state.table, k.column), nulls_first);
    if (std::is_neq(c)) return k.descending ? std::is_gt(c) : std::is_lt(c);
  }
  return false;
}

}  // namespace ar::detail
