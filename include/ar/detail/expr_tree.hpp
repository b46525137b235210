#ifndef AR_DETAIL_EXPR_TREE_HPP
#define AR_DETAIL_EXPR_TREE_HPP

// The run-time form of a query expression: a small tree stored in a flat vector, children before
// parents, with its bound values beside it. Typed expressions (ar/expr.hpp) are checked at compile
// time and then lowered to this form; SQL is rendered from it per dialect (src/sql/select.cpp).

#include <ar/export.hpp>
#include <ar/value.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <span>
#include <string_view>
#include <vector>

namespace ar {
struct table_meta;
}

namespace ar::detail {

enum class node_kind : std::uint8_t {
  column,       // table, first = column index in the table, second = 0 (the table's own name in the
                // query: its own row, or its first join) or a join path's number (join_path_id): the
                // column of that join's copy of the table (ar::joined<"path">(column))
  param,        // first = index into params
  compare,      // op, first / second = operands
  logical_and,  // first / second
  logical_or,   // first / second
  logical_not,  // first
  like,         // first = operand, second = pattern
  not_like,
  ilike,  // the same, ignoring case
  not_ilike,
  text_match,  // first = operand, second = the text to find, third = text_match flags
  in,          // first = operand, second = first param, third = number of params
  not_in,
  between,  // first = operand, second = low, third = high
  is_null,  // first
  is_not_null,
  exists,  // first = index into subqueries: EXISTS (SELECT 1 FROM ... correlated)
  not_exists,
  aggregate,  // first = operand (none for COUNT(*)), third = aggregate_call
  arith,      // first / second = operands, third = arith_op
  function,   // first (/ second) = arguments, third = function_call
  row,        // a row value (a, b): first = its first column node, second = how many (consecutive)
  in_query,   // first = operand, second = index into queries: x IN (SELECT ...)
  not_in_query,
  exists_query,  // first = index into queries: EXISTS (SELECT ...)
  not_exists_query,
  scalar_query,  // first = index into queries: (SELECT ...), one value
  // CASE WHEN ... THEN ... [WHEN ...] [ELSE ...] END, one node per WHEN, chained backwards so that
  // children come before parents: first = condition, second = its value, third = the previous WHEN
  // of the same CASE (no_node for the first). A case_when node that nothing follows is a whole CASE
  // without ELSE; case_else ends one: first = its last case_when, second = the ELSE value.
  case_when,
  case_else,
};

// A node index that names no node (the third of a CASE's first case_when).
inline constexpr std::uint32_t no_node = 0xffffffffu;

enum arith_op : std::uint32_t { arith_add, arith_sub, arith_mul, arith_div };
enum function_call : std::uint32_t { fn_coalesce, fn_lower, fn_upper };

// An aggregate node's function.
enum aggregate_call : std::uint32_t {
  agg_count_all,
  agg_count,
  agg_count_distinct,
  agg_sum,
  agg_avg,
  agg_min,
  agg_max
};

enum class compare_op : std::uint8_t { eq, ne, lt, le, gt, ge };

// A text_match node's third: where the text is found (contains, starts_with, ends_with), and
// whether case is ignored (icontains, ...).
enum text_match_flags : std::uint32_t {
  match_anywhere = 0,
  match_start = 1,
  match_end = 2,
  match_position = 3,  // the mask of the two above
  match_ignore_case = 4,
};

struct node {
  node_kind kind;
  compare_op op = compare_op::eq;
  std::uint32_t first = 0;
  std::uint32_t second = 0;
  std::uint32_t third = 0;
  const table_meta* table = nullptr;
};

struct expr_tree;
struct query_state;

// A query of its own inside a condition or a select (in(query), exists(query), scalar(query)): its
// state, and the database it reads, which must be the enclosing query's (one statement runs on one
// database).
struct query_subquery {
  std::shared_ptr<const query_state> state;
  std::string database;
};

// A subquery over a related table, correlated with the enclosing query through one column each:
// inner.inner_column = outer.outer_column, and its own conditions.
struct subquery {
  const table_meta* table = nullptr;
  // The correlation: table.inner_column = outer_table.outer_column, outer_table being the
  // enclosing scope's (none when outer_table is null: a chain's target rows, which its inner
  // subquery correlates).
  std::uint32_t inner_column = 0;
  const table_meta* outer_table = nullptr;
  std::uint32_t outer_column = 0;
  // A second correlation, two scopes out: table.far_inner = far_table.far_outer (a chain's
  // middle rows, tied to the target rows around them and to the owner around those); or none.
  const table_meta* far_table = nullptr;
  std::uint32_t far_inner = 0;
  std::uint32_t far_outer = 0;
  std::shared_ptr<const expr_tree> where;  // may be null
  // A key of several columns: the other pairs, inner_more[k] = outer_more[k] (constant tables).
  std::span<const std::uint32_t> inner_more{};
  std::span<const std::uint32_t> outer_more{};
};

struct AR_API expr_tree {
  std::vector<node> nodes;
  std::vector<value> params;
  std::vector<std::shared_ptr<const subquery>> subqueries;
  std::vector<std::shared_ptr<const query_subquery>> queries;

  // Out of line (src/expr/expr_tree.cpp): a tree is made, copied and dropped by every condition a
  // program writes, and inlining its vectors of values there is most of that code.
  expr_tree() noexcept;
  expr_tree(const expr_tree& other);
  expr_tree(expr_tree&& other) noexcept;
  expr_tree& operator=(const expr_tree& other);
  expr_tree& operator=(expr_tree&& other) noexcept;
  ~expr_tree();

  std::uint32_t root() const noexcept { return static_cast<std::uint32_t>(nodes.size() - 1); }

  // Whether `other` is the same expression: the same nodes, values and subqueries (the SQL renderer
  // writes a grouped query's repeated key once; a sharded merge finds an order_by key selected).
  bool same_as(const expr_tree& other) const;

  // Copies another tree in; returns the index its root now has.
  std::uint32_t append(const expr_tree& other);
  std::uint32_t add(node n);
  std::uint32_t add_param(value v);
  // A parameter node of each type a column holds (the value is made in the library).
  std::uint32_t add_param(std::int32_t v);
  std::uint32_t add_param(std::int64_t v);
  std::uint32_t add_param(double v);
  std::uint32_t add_param(bool v);
  std::uint32_t add_param(std::string_view v);
  std::uint32_t add_param(time_point v);

  // Whole conditions in one call each (what a condition written in a program lowers to, without
  // a call per node at the place it is written):
  // column <op> value,
  void add_compare(compare_op op, const table_meta* table, std::uint32_t position, std::int32_t v);
  void add_compare(compare_op op, const table_meta* table, std::uint32_t position, std::int64_t v);
  void add_compare(compare_op op, const table_meta* table, std::uint32_t position, double v);
  void add_compare(compare_op op, const table_meta* table, std::uint32_t position, bool v);
  void add_compare(compare_op op, const table_meta* table, std::uint32_t position, std::string_view v);
  void add_compare(compare_op op, const table_meta* table, std::uint32_t position, time_point v);
  // column LIKE / NOT LIKE pattern, column IS [NOT] NULL,
  void add_like(node_kind kind, const table_meta* table, std::uint32_t position, std::string_view pattern);
  // column contains / starts with / ends with a text, taken as it is (flags: text_match_flags),
  void add_text_match(std::uint32_t flags, const table_meta* table, std::uint32_t position, std::string_view text);
  void add_unary(node_kind kind, const table_meta* table, std::uint32_t position);
  // and the two trees joined by AND / OR (this tree is empty).
  void add_logical(node_kind kind, const expr_tree& left, const expr_tree& right);
};

}  // namespace ar::detail

#endif  // AR_DETAIL_EXPR_TREE_HPP
