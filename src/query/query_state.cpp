// A query's handle (query_core) and the operations the adaptors apply to its state: copying it,
// changing it in place when nothing shares it, adding ORDER BY keys and conditions. Out of line for
// the reason src/expr/expr_tree.cpp gives.

#include <ar/detail/query_state.hpp>
#include <ar/error.hpp>
#include <ar/query.hpp>
#include <ar/views/filter.hpp>
#include <ar/views/page.hpp>

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace ar::detail {

query_core::query_core(ar::database&& db, std::shared_ptr<const query_state>&& state) noexcept
    : db_(std::move(db)), state_(std::move(state)) {}
query_core::query_core(const ar::database& db, const std::shared_ptr<const query_state>& state) noexcept
    : db_(db), state_(state) {}
query_core::query_core(const query_core& other) noexcept = default;
query_core::query_core(query_core&& other) noexcept = default;
query_core& query_core::operator=(const query_core& other) noexcept = default;
query_core& query_core::operator=(query_core&& other) noexcept = default;
query_core::~query_core() = default;

void push_order_key(std::vector<order_key>& terms, order_key&& key) { terms.push_back(std::move(key)); }

std::shared_ptr<query_state> copy_state(const query_state& s) { return std::make_shared<query_state>(s); }

void throw_negative_count(const char* adaptor, std::int64_t n) {
  throw error("ar::" + std::string(adaptor) + "(" + std::to_string(n) + "): the number of rows cannot be negative");
}

std::shared_ptr<query_state> writable_state(std::shared_ptr<const query_state>&& state) {
  if (state.use_count() != 1) return copy_state(*state);
  // Every state is made non-const (make_shared<query_state>), and this is its only owner.
  return std::const_pointer_cast<query_state>(std::move(state));
}

void append_order(query_state& s, const std::vector<order_key>& terms) {
  s.order.insert(s.order.end(), terms.begin(), terms.end());
}

void and_where(query_state& s, expr_tree&& tree) {
  if (!s.where) {
    s.where = std::move(tree);
    return;
  }
  expr_tree& w = *s.where;
  const auto a = w.root();
  const auto b = w.append(tree);
  w.add(node{node_kind::logical_and, compare_op::eq, a, b});
}

void where_related(query_state& s, const table_meta* table, std::uint32_t position, const std::optional<value>& v,
                   const expr_tree* condition) {
  expr_tree tree;
  const auto column = tree.add(node{node_kind::column, compare_op::eq, position, 0, 0, table});
  if (v) {
    const auto param = tree.add_param(*v);
    tree.add(node{node_kind::compare, compare_op::eq, column, param});
  } else {
    tree.add(node{node_kind::in, compare_op::eq, column, 0, 0});  // no value: no row
  }
  if (condition) {
    const auto a = tree.root();
    const auto b = tree.append(*condition);
    tree.add(node{node_kind::logical_and, compare_op::eq, a, b});
  }
  and_where(s, std::move(tree));
}

// Keyset pagination: with the order (c1, c2, ..., cn) and the cursor's values v, the rows after it
// are (c1 > v1) OR (c1 = v1 AND c2 > v2) OR ... (< for a descending key). It finds every row once
// only when the order is total (it holds every key column) and no ordered column is NULL (which >
// never matches, and which databases order first or last as they please).
void throw_page_with_limit() {
  throw error(
      "ar::page(n) sets the query's LIMIT itself (n + 1 rows, to know whether more follow): write the page "
      "size there, not in take(...)");
}

void keyset_after(query_state& s, std::span<const value> cursor) {
  const table_meta& table = *s.table;
  const std::string where = "ar::after on '" + std::string(table.table) + "': ";
  if (s.order.empty())
    throw error(where +
                "the query has no order_by; keyset pagination follows an order that ends in the primary key, "
                "as every page must be read in (order_by(..., key))");
  struct ordered {
    std::uint32_t column;
    bool descending;
  };
  std::vector<ordered> columns;
  for (std::size_t k = 0; k < s.order.size(); ++k) {
    const expr_tree& t = s.order[k].tree;
    if (t.nodes.size() != 1 || t.nodes[0].kind != node_kind::column || t.nodes[0].table != &table ||
        t.nodes[0].second != 0)  // a column of a join's copy of the table (ar::joined)
      throw error(where + "order key " + std::to_string(k + 1) +
                  " is an expression, not a column of the table; keyset pagination follows columns");
    const std::uint32_t c = t.nodes[0].first;
    if (table.columns[c].nullable)
      throw error(where + "the query is ordered by '" + std::string(table.columns[c].field) +
                  "', which may be NULL: rows where it is NULL would be skipped (> never matches NULL, and databases "
                  "order NULL first or last as they please); order by columns that are never NULL");
    columns.push_back({c, s.order[k].descending});
  }
  for (std::size_t key : table.key_columns) {
    bool in_order = false;
    for (const ordered& o : columns) in_order = in_order || o.column == key;
    if (!in_order)
      throw error(where + "the order does not hold the key column '" + std::string(table.columns[key].field) +
                  "': rows that tie on the order would be skipped or repeated between pages; add it as the last "
                  "order key, and read every page in that order");
  }
  expr_tree tree;
  auto compare = [&](std::uint32_t column, compare_op op) {
    const auto a = tree.add(node{node_kind::column, compare_op::eq, column, 0, 0, &table});
    const auto b = tree.add_param(cursor[column]);
    return tree.add(node{node_kind::compare, op, a, b});
  };
  std::uint32_t any = 0;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    std::uint32_t term = 0;
    for (std::size_t j = 0; j < i; ++j) {
      const auto eq = compare(columns[j].column, compare_op::eq);
      term = j == 0 ? eq : tree.add(node{node_kind::logical_and, compare_op::eq, term, eq});
    }
    const auto step = compare(columns[i].column, columns[i].descending ? compare_op::lt : compare_op::gt);
    term = i == 0 ? step : tree.add(node{node_kind::logical_and, compare_op::eq, term, step});
    any = i == 0 ? term : tree.add(node{node_kind::logical_or, compare_op::eq, any, term});
  }
  and_where(s, std::move(tree));
}

}  // namespace ar::detail

namespace ar::detail {

namespace {
// A part of a row_key as its column's parameter: an integer as the column's integer type.
value key_part_value(const table_meta& table, std::uint32_t position, const row_key::part& p) {
  if (const auto* i = std::get_if<std::int64_t>(&p)) {
    if (table.columns[position].type == value_type::int32) return value{static_cast<std::int32_t>(*i)};
    return value{*i};
  }
  return value{std::get<std::string>(p)};
}
}  // namespace

expr_tree row_key_in(const table_meta* table, std::span<const std::uint32_t> positions, std::span<const row_key> keys) {
  expr_tree tree;
  const auto arity = static_cast<std::uint32_t>(positions.size());
  tree.nodes.reserve(positions.size() + 2);
  tree.params.reserve(keys.size() * positions.size());
  const auto first = static_cast<std::uint32_t>(tree.nodes.size());
  for (const std::uint32_t p : positions) tree.add(node{node_kind::column, compare_op::eq, p, 0, 0, table});
  const auto row = tree.add(node{node_kind::row, compare_op::eq, first, arity});
  for (const row_key& k : keys)
    for (std::uint32_t i = 0; i < arity; ++i) tree.params.push_back(key_part_value(*table, positions[i], k.parts[i]));
  tree.add(node{node_kind::in, compare_op::eq, row, 0, static_cast<std::uint32_t>(tree.params.size())});
  return tree;
}

void where_related_row(query_state& s, const table_meta* table, std::span<const std::uint32_t> positions,
                       const std::optional<row_key>& key) {
  if (key)
    and_where(s, row_key_in(table, positions, std::span<const row_key>(&*key, 1)));
  else
    and_where(s, row_key_in(table, positions, {}));  // no value: no row
}

namespace {
void check_databases(const std::string& database, const query_state& s);

void check_tree_databases(const std::string& database, const expr_tree& t) {
  for (const auto& q : t.queries) {
    if (q->database != database)
      throw error("ar: a subquery reads '" + std::string(q->state->table->table) + "' on database '" + q->database +
                  "', but the query it is in runs on database '" + database +
                  "': one statement runs on one database (read the subquery's rows first, and use in(values))");
    check_databases(database, *q->state);
  }
}

// The tables a statement reads (its joins') and its subqueries' are on `database`.
void check_databases(const std::string& database, const query_state& s) {
  for (const join_clause& j : s.joins) {
    const ar::database joined = database_for(j.table);
    if (joined.name() != database)
      throw error(std::string(j.left ? "ar::left_joins<\"" : "ar::joins<\"") + j.path +
                  "\">: the relation crosses databases ('" + database + "' and '" + joined.name() + "', where '" +
                  std::string(j.table->table) +
                  "' is): a JOIN runs on one database; load the relation with with(...) instead");
  }
  if (s.where) check_tree_databases(database, *s.where);
  if (s.having) check_tree_databases(database, *s.having);
  for (const expr_tree& t : s.selected) check_tree_databases(database, t);
  for (const order_key& k : s.order) check_tree_databases(database, k.tree);
}
}  // namespace

void check_subquery_databases(const std::string& database, const query_state& s) {
  if (!s.correlated.empty())
    throw error("ar: the query of '" + std::string(s.table->table) + "' correlates with '" +
                std::string(s.correlated.front()->table) +
                "' (ar::correlate): its conditions name the row of an enclosing query, so it runs only inside one, as "
                "in(query), exists_in(query) or scalar(query)");
  check_databases(database, s);
}

std::size_t add_join_clause(query_state& s, join_clause&& clause) {
  for (std::size_t i = 0; i < s.joins.size(); ++i)
    if (s.joins[i].path == clause.path) {
      s.joins[i].left = s.joins[i].left && clause.left;  // joined and left-joined: joined
      return i;
    }
  s.joins.push_back(std::move(clause));
  return s.joins.size() - 1;
}

}  // namespace ar::detail
