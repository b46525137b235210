// The SELECT, DELETE and UPDATE ... SET NULL statements of a query state, and the statements of a
// tree (recursive CTE) and of a through relation (JOIN): the one place a query's SQL is written,
// each spelling a database disagrees on asked of its dialect.

#include "sql/select_shapes.hpp"

#include <ar/detail/names.hpp>
#include <span>
#include <string_view>
#include <ar/backend/dialect.hpp>
#include <ar/detail/crud_sql.hpp>
#include <ar/detail/query_state.hpp>
#include <ar/model.hpp>
#include <ar/through.hpp>
#include <ar/tree.hpp>
#include <ar/views/update_all.hpp>  // render_update_all, declared there

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <limits>
#include <mutex>
#include <new>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace ar::detail {

namespace {

struct renderer {
  std::string& sql;
  std::vector<value>& params;
  const dialect& d;
  std::size_t placeholders = 0;
  // While a statement is written for select_shapes: where the value of each placeholder comes from
  // (a tree of `trees`, the state's own in for_each_tree's order, and its index there), and whether
  // the text depends on a value rather than on the shape alone (it is then not kept).
  std::vector<param_ref>* refs = nullptr;
  std::span<const expr_tree* const> trees{};
  bool value_dependent = false;
  // Inside a subquery, columns are qualified: by its alias (ar_s1, ar_s2, ...) for its own table,
  // by the enclosing scope's name for the correlation.
  std::size_t depth = 0;
  // Outside subqueries: qualify columns with their table's name (a join shares the statement).
  bool qualify = false;
  // The table of the query being written: a column of another table (an enclosing query's, in a
  // correlated subquery) is qualified by its table's name.
  const table_meta* scope_table = nullptr;
  // The GROUP BY keys written out, each with the number of its first placeholder; and, while an
  // ORDER BY key that is one of them is written again, the number its next placeholder repeats.
  struct written_key {
    const expr_tree* tree;
    std::size_t first_placeholder;
  };
  std::vector<written_key> group_keys{};
  std::size_t repeat_placeholder = 0;
  // The query whose clauses are being written (not a correlated subquery's), and the name each of
  // its joins goes by in the statement (join_names_of).
  const query_state* scope_query = nullptr;
  std::vector<std::string> join_names{};
  // While a join's ON condition is written: its table, and the name it goes by.
  const table_meta* condition_table = nullptr;
  std::string_view condition_name{};

  // The name each join of `q` goes by in its statement: its table's, or, for a table the statement
  // already has (its own, or an earlier join's: a self-referential relation, two paths to one
  // model), an alias made of its path ("manager", "posts_comments"), unlike every table and alias
  // of the statement. A column written plainly (Model::c.field) names the first of a table, which
  // keeps its name; ar::joined<"path">(column) names the join of its path.
  static std::vector<std::string> join_names_of(const query_state& q) {
    std::vector<std::string> names;
    if (q.joins.empty()) return names;
    names.reserve(q.joins.size());
    std::vector<std::string_view> tables{table_name(*q.table)};
    for (const join_clause& j : q.joins) tables.push_back(table_name(*j.table));
    auto taken = [&](std::string_view name) {
      return std::find(tables.begin(), tables.end(), name) != tables.end() ||
             std::find(names.begin(), names.end(), name) != names.end();
    };
    for (std::size_t i = 0; i < q.joins.size(); ++i) {
      const join_clause& j = q.joins[i];
      const std::string_view table = table_name(*j.table);
      const bool again = std::find(tables.begin(), tables.begin() + static_cast<std::ptrdiff_t>(i) + 1, table) !=
                         tables.begin() + static_cast<std::ptrdiff_t>(i) + 1;
      if (!again) {
        names.emplace_back(table);
        continue;
      }
      // "posts.comments" is posts_comments; a join model on the way ("tags (its join model)") is
      // its path's and its table's (tags_post_tags); a long one is numbered (ar_j3).
      const std::string_view path = std::string_view(j.path).substr(0, j.path.find(" ("));
      std::string base(path);
      std::replace(base.begin(), base.end(), '.', '_');
      if (path.size() != j.path.size()) base += "_" + std::string(table);
      if (base.size() > 48) base = "ar_j" + std::to_string(i + 1);
      std::string alias = base;
      for (int k = 2; taken(alias); ++k) alias = base + "_" + std::to_string(k);
      names.push_back(std::move(alias));
    }
    return names;
  }

  // The join a column names in query `q`: its path's (ar::joined), the first of its table, or none
  // (nullptr: the query's own table). A path `q` does not join throws ar::error naming it.
  const join_clause* join_of(const query_state& q, const node& n, std::size_t* index = nullptr) const {
    if (n.second != 0) {
      const std::string_view path = join_path_of(n.second);
      for (std::size_t i = 0; i < q.joins.size(); ++i) {
        if (q.joins[i].path != path) continue;
        if (q.joins[i].table != n.table)
          throw error("ar::joined<\"" + std::string(path) + "\">(" + std::string(table_name(*n.table)) + "." +
                      std::string(column_name(*n.table, n.first)) + "): the path leads to table '" +
                      std::string(table_name(*q.joins[i].table)) + "', not to the column's");
        if (index) *index = i;
        return &q.joins[i];
      }
      throw error("ar::joined<\"" + std::string(path) + "\">(" + std::string(table_name(*n.table)) + "." +
                  std::string(column_name(*n.table, n.first)) + "): the query of '" +
                  std::string(table_name(*q.table)) + "' does not join the path '" + std::string(path) +
                  "': join it first, with ar::joins<\"" + std::string(path) + "\"> or ar::left_joins<\"" +
                  std::string(path) + "\">");
    }
    if (n.table == q.table) return nullptr;
    for (std::size_t i = 0; i < q.joins.size(); ++i)
      if (q.joins[i].table == n.table) {
        if (index) *index = i;
        return &q.joins[i];
      }
    return nullptr;
  }

  // A column through a join's path: qualified by the name that join goes by.
  void joined_column(const node& n) {
    if (depth > 0 || !scope_query)
      throw error("ar::joined<\"" + std::string(join_path_of(n.second)) +
                  "\">: a column of a join's path is named only in the query that joins it, not in a relation's "
                  "subquery (where_has, with_count) nor in update_all / delete_all");
    std::size_t index = 0;
    join_of(*scope_query, n, &index);
    d.quote_identifier(sql, join_names[index]);
    sql += '.';
    d.quote_identifier(sql, column_name(*n.table, n.first));
  }

  void scope_name(std::size_t level, const table_meta& table) {
    if (level == 0) {
      d.quote_identifier(sql, table_name(table));
    } else {
      d.quote_identifier(sql, "ar_s" + std::to_string(level));
    }
  }

  void subquery_body(const subquery& sub, const char* what) {
    sql += "(SELECT ";
    sql += what;
    sql += " FROM ";
    d.quote_identifier(sql, table_name(*sub.table));
    sql += " AS ";
    ++depth;
    scope_name(depth, *sub.table);
    bool first = true;
    auto next_condition = [&] {
      sql += first ? " WHERE " : " AND ";
      first = false;
    };
    // inner = outer, `up` scopes out.
    auto correlate = [&](std::uint32_t inner, std::size_t up, const table_meta& outer_table, std::uint32_t outer) {
      next_condition();
      scope_name(depth, *sub.table);
      sql += '.';
      d.quote_identifier(sql, column_name(*sub.table, inner));
      sql += " = ";
      scope_name(depth - up, outer_table);
      sql += '.';
      d.quote_identifier(sql, column_name(outer_table, outer));
    };
    if (sub.outer_table) {
      correlate(sub.inner_column, 1, *sub.outer_table, sub.outer_column);
      for (std::size_t k = 0; k < sub.inner_more.size(); ++k)  // a key of several columns
        correlate(sub.inner_more[k], 1, *sub.outer_table, sub.outer_more[k]);
    }
    if (sub.far_table) correlate(sub.far_inner, 2, *sub.far_table, sub.far_outer);
    if (sub.where) {
      next_condition();
      const bool wrap = sub.where->nodes.back().kind == node_kind::logical_or;
      if (wrap) sql += '(';
      expr(*sub.where, sub.where->root());
      if (wrap) sql += ')';
    }
    --depth;
    sql += ')';
  }

  // A query of its own, in parentheses, written as a statement of its own would be (its table by
  // name, its columns unqualified: they name its own table, the innermost), its values bound in
  // order with the enclosing query's.
  void nested(const query_state& q) {
    const std::size_t saved_depth = std::exchange(depth, 0);
    const bool saved_qualify = std::exchange(qualify, false);
    sql += '(';
    plain(q);
    sql += ')';
    depth = saved_depth;
    qualify = saved_qualify;
  }

  void placeholder(value v) {
    if (repeat_placeholder) {
      d.placeholder(sql, repeat_placeholder++);
      return;
    }
    d.placeholder(sql, ++placeholders);
    params.push_back(std::move(v));
  }
  // The placeholder of a tree's k-th value.
  void placeholder(const expr_tree& t, std::uint32_t k) {
    const std::size_t bound = params.size();
    placeholder(t.params[k]);
    if (refs && params.size() != bound) note_ref(&t, k);
  }
  void note_ref(const expr_tree* t, std::uint32_t k) {
    for (std::size_t i = 0; i < trees.size(); ++i)
      if (trees[i] == t) {
        refs->push_back({static_cast<std::uint32_t>(i), k});
        return;
      }
    value_dependent = true;  // a value of a tree that is not the state's own: not kept
  }

  // The operand and parameter of a text search, as its dialect hook asks for them.
  struct match_operands final : dialect::match_writer {
    renderer& r;
    const expr_tree& t;
    std::uint32_t operand_node;
    match_operands(renderer& r_, const expr_tree& t_, std::uint32_t operand_node_)
        : r(r_), t(t_), operand_node(operand_node_) {}
    void operand(std::string&) override { r.operand(t, operand_node); }
    void parameter(std::string&, value v) override { r.placeholder(std::move(v)); }
  };
  // The text of a pattern's or a searched text's parameter node.
  static std::string_view text_of(const expr_tree& t, std::uint32_t param_node) {
    return std::get<std::string>(t.params[t.nodes[param_node].first]);
  }

  // The scale of an exact decimal expression (a decimal column or value, or +, -, * of one with a
  // decimal or an integer: the larger scale for + and -, the sum of the scales for *), or -1 when
  // the expression is not a decimal.
  int decimal_scale(const expr_tree& t, std::uint32_t i) {
    const node& n = t.nodes[i];
    switch (n.kind) {
      case node_kind::column:
        return n.table && n.table->columns[n.first].type == value_type::decimal ? n.table->columns[n.first].scale : -1;
      case node_kind::param:
        if (const auto* v = std::get_if<decimal>(&t.params[n.first])) {
          value_dependent = true;  // the SQL follows the value's scale
          return v->scale();
        }
        return -1;
      case node_kind::arith: {
        const int a = decimal_scale(t, n.first);
        const int b = decimal_scale(t, n.second);
        if (a < 0 && b < 0) return -1;
        const int x = a < 0 ? 0 : a, y = b < 0 ? 0 : b;  // the other side an integer
        return n.third == arith_mul ? x + y : std::max(x, y);
      }
      default: return -1;
    }
  }

  static bool is_leaf(const node& n) {
    return n.kind == node_kind::column || n.kind == node_kind::param || n.kind == node_kind::aggregate ||
           n.kind == node_kind::function || n.kind == node_kind::row || n.kind == node_kind::scalar_query ||
           n.kind == node_kind::case_when || n.kind == node_kind::case_else;
  }

  // An operand of a comparison, LIKE, IN or BETWEEN: anything but a column or a value is wrapped.
  void operand(const expr_tree& t, std::uint32_t i) {
    if (is_leaf(t.nodes[i])) return expr(t, i);
    sql += '(';
    expr(t, i);
    sql += ')';
  }

  void expr(const expr_tree& t, std::uint32_t i) {
    const node& n = t.nodes[i];
    switch (n.kind) {
      case node_kind::column:
        if (n.second != 0) return joined_column(n);
        if (condition_table && n.table == condition_table && depth == 0) {
          // A join's own column in its ON condition: by the name the join goes by.
          d.quote_identifier(sql, condition_name);
          sql += '.';
          d.quote_identifier(sql, column_name(*n.table, n.first));
          return;
        }
        if (depth > 0 || qualify || (scope_table && n.table && n.table != scope_table)) {
          scope_name(depth, *n.table);
          sql += '.';
        }
        d.quote_identifier(sql, column_name(*n.table, n.first));
        return;
      case node_kind::exists:
      case node_kind::not_exists:
        sql += n.kind == node_kind::exists ? "EXISTS " : "NOT EXISTS ";
        subquery_body(*t.subqueries[n.first], "1");
        return;
      case node_kind::param: placeholder(t, n.first); return;
      case node_kind::in_query:
      case node_kind::not_in_query:
        operand(t, n.first);
        sql += n.kind == node_kind::in_query ? " IN " : " NOT IN ";
        nested(*t.queries[n.second]->state);
        return;
      case node_kind::exists_query:
      case node_kind::not_exists_query:
        sql += n.kind == node_kind::exists_query ? "EXISTS " : "NOT EXISTS ";
        nested(*t.queries[n.first]->state);
        return;
      case node_kind::scalar_query: nested(*t.queries[n.first]->state); return;
      case node_kind::arith: {
        static constexpr const char* ops[] = {" + ", " - ", " * ", " / "};
        operand(t, n.first);
        // Division gives a double on every backend (integers would truncate on SQLite and
        // PostgreSQL and make a DECIMAL on MariaDB): the dividend is made a fraction first.
        if (n.third == arith_div) sql += " * 1.0";
        sql += ops[n.third];
        operand(t, n.second);
        return;
      }
      case node_kind::function: {
        static constexpr const char* names[] = {"COALESCE(", "LOWER(", "UPPER("};
        sql += names[n.third];
        expr(t, n.first);
        if (n.third == fn_coalesce) {
          sql += ", ";
          expr(t, n.second);
        }
        sql += ')';
        return;
      }
      case node_kind::aggregate: {
        static constexpr const char* open[] = {"COUNT(*", "COUNT(", "COUNT(DISTINCT ", "COALESCE(SUM(", "AVG(",
                                               "MIN(",    "MAX("};
        if (const int scale = n.third == agg_sum ? decimal_scale(t, n.first) : -1; scale >= 0) {
          // The sum of a decimal column or expression, exact as the dialect adds decimals.
          const auto [before, after] = d.decimal_sum(scale);
          sql += before;
          operand(t, n.first);
          sql += after;
          return;
        }
        sql += open[n.third];
        if (n.third != agg_count_all) expr(t, n.first);
        sql += n.third == agg_sum ? "), 0)" : ")";
        return;
      }
      case node_kind::compare: {
        static constexpr const char* ops[] = {" = ", " <> ", " < ", " <= ", " > ", " >= "};
        operand(t, n.first);
        sql += ops[static_cast<int>(n.op)];
        operand(t, n.second);
        return;
      }
      case node_kind::logical_and:
        for (std::uint32_t child : {n.first, n.second}) {
          if (child != n.first) sql += " AND ";
          const bool wrap = t.nodes[child].kind == node_kind::logical_or;  // AND binds tighter
          if (wrap) sql += '(';
          expr(t, child);
          if (wrap) sql += ')';
        }
        return;
      case node_kind::logical_or:
        expr(t, n.first);
        sql += " OR ";
        expr(t, n.second);
        return;
      case node_kind::logical_not:
        sql += "NOT (";
        expr(t, n.first);
        sql += ')';
        return;
      case node_kind::like:
      case node_kind::not_like:
      case node_kind::ilike:
      case node_kind::not_ilike: {
        match_operands w{*this, t, n.first};
        value_dependent = true;  // the dialect writes the pattern as it finds it (and may change it)
        d.pattern_match(sql, w, text_of(t, n.second), n.kind == node_kind::ilike || n.kind == node_kind::not_ilike,
                        n.kind == node_kind::not_like || n.kind == node_kind::not_ilike);
        return;
      }
      case node_kind::text_match: {
        match_operands w{*this, t, n.first};
        value_dependent = true;  // likewise, the text searched for
        const auto where = n.third & match_position;
        d.text_match(sql, w, text_of(t, n.second),
                     where == match_start ? dialect::text_position::start
                     : where == match_end ? dialect::text_position::end
                                          : dialect::text_position::anywhere,
                     (n.third & match_ignore_case) != 0);
        return;
      }
      case node_kind::in:
      case node_kind::not_in:
        if (n.third == 0) {  // IN () is not SQL: an empty list matches nothing (NOT IN: everything)
          sql += n.kind == node_kind::in ? "1 = 0" : "1 = 1";
          return;
        }
        operand(t, n.first);
        sql += n.kind == node_kind::in ? " IN (" : " NOT IN (";
        if (const node& o = t.nodes[n.first]; o.kind == node_kind::row) {  // ((?, ?), (?, ?))
          sql += d.row_values_list();
          const bool typed = d.row_values_typed();
          for (std::uint32_t k = 0; k < n.third; ++k) {
            sql += k == 0 ? "(" : k % o.second == 0 ? "), (" : ", ";
            if (typed && k < o.second) {  // CAST(? AS <the column's type>)
              const node& c = t.nodes[o.first + k];
              sql += "CAST(";
              placeholder(t, n.second + k);
              sql += " AS ";
              sql += d.column_type(c.table->columns[c.first].type);
              sql += ')';
            } else {
              placeholder(t, n.second + k);
            }
          }
          sql += "))";
          return;
        }
        for (std::uint32_t k = 0; k < n.third; ++k) {
          if (k) sql += ", ";
          placeholder(t, n.second + k);
        }
        sql += ')';
        return;
      case node_kind::row:
        sql += '(';
        for (std::uint32_t k = 0; k < n.second; ++k) {
          if (k) sql += ", ";
          expr(t, n.first + k);
        }
        sql += ')';
        return;
      case node_kind::between:
        operand(t, n.first);
        sql += " BETWEEN ";
        operand(t, n.second);
        sql += " AND ";
        operand(t, n.third);
        return;
      case node_kind::is_null:
      case node_kind::is_not_null:
        operand(t, n.first);
        sql += n.kind == node_kind::is_null ? " IS NULL" : " IS NOT NULL";
        return;
      case node_kind::case_when:
      case node_kind::case_else: case_expression(t, i); return;
    }
  }

  // CASE WHEN c THEN v ... [ELSE e] END: the WHENs are chained backwards from the last one.
  void case_expression(const expr_tree& t, std::uint32_t i) {
    const node& n = t.nodes[i];
    std::vector<std::uint32_t> whens;
    for (std::uint32_t k = n.kind == node_kind::case_else ? n.first : i; k != no_node; k = t.nodes[k].third)
      whens.push_back(k);
    sql += "CASE";
    for (auto w = whens.rbegin(); w != whens.rend(); ++w) {
      sql += " WHEN ";
      expr(t, t.nodes[*w].first);
      sql += " THEN ";
      case_value(t, t.nodes[*w].second);
    }
    if (n.kind == node_kind::case_else) {
      sql += " ELSE ";
      case_value(t, n.second);
    }
    sql += " END";
  }

  // A value of a CASE. A bound one is cast to its type where the database would otherwise take it
  // as text (PostgreSQL: CASE WHEN ... THEN $1 ELSE $2 END is text when both are parameters).
  void case_value(const expr_tree& t, std::uint32_t i) {
    const node& n = t.nodes[i];
    if (n.kind != node_kind::param || !d.row_values_typed()) return expr(t, i);
    static constexpr value_type types[] = {value_type::text,    value_type::int32,   value_type::int64,
                                           value_type::float64, value_type::boolean, value_type::text,
                                           value_type::time,    value_type::date,    value_type::bytes,
                                           value_type::uuid,    value_type::decimal};
    static_assert(std::size(types) == std::variant_size_v<value>);
    const value& v = t.params[n.first];  // its type is part of the shape (select_shapes)
    sql += "CAST(";
    placeholder(t, n.first);
    sql += " AS ";
    sql += d.column_type(types[v.index()]);
    sql += ')';
  }

  void select_list(const query_state& q) {
    if (q.selected.empty()) {
      for (std::size_t i = 0; i < q.table->columns.size(); ++i) {
        if (i) sql += ", ";
        if (qualify) {
          scope_name(depth, *q.table);
          sql += '.';
        }
        d.quote_identifier(sql, column_name(*q.table, i));
      }
      return;
    }
    for (std::size_t i = 0; i < q.selected.size(); ++i) {
      if (i) sql += ", ";
      expr(q.selected[i], q.selected[i].root());
    }
  }

  // with_count's subqueries, after the columns; inside a derived table, each named (ar_count1, ...)
  // for the enclosing SELECT to read.
  void counts(const query_state& q, bool named = false) {
    for (std::size_t i = 0; i < q.counts.size(); ++i) {
      sql += ", ";
      subquery_body(*q.counts[i].count, "COUNT(*)");
      if (named) {
        sql += " AS ";
        d.quote_identifier(sql, "ar_count" + std::to_string(i + 1));
      }
    }
  }
  void count_names(const query_state& q) {
    for (std::size_t i = 0; i < q.counts.size(); ++i) {
      sql += ", ";
      d.quote_identifier(sql, "ar_count" + std::to_string(i + 1));
    }
  }

  // One column of a join's ON, qualified by the name its table goes by.
  void join_column(std::string_view name, const table_meta& table, std::uint32_t column) {
    d.quote_identifier(sql, name);
    sql += '.';
    d.quote_identifier(sql, column_name(table, column));
  }

  void joins(const query_state& q) {
    for (std::size_t i = 0; i < q.joins.size(); ++i) {
      const join_clause& j = q.joins[i];
      const std::string_view name = join_names[i];
      const std::string_view to = j.to_join == no_join ? table_name(*j.to) : std::string_view(join_names[j.to_join]);
      sql += j.left ? " LEFT JOIN " : " INNER JOIN ";
      d.quote_identifier(sql, table_name(*j.table));
      if (name != table_name(*j.table)) {
        sql += " AS ";
        d.quote_identifier(sql, name);
      }
      sql += " ON ";
      join_column(name, *j.table, j.column);
      sql += " = ";
      join_column(to, *j.to, j.to_column);
      for (std::size_t k = 0; k < j.more.size(); ++k) {
        sql += " AND ";
        join_column(name, *j.table, j.more[k]);
        sql += " = ";
        join_column(to, *j.to, j.to_more[k]);
      }
      if (j.condition) {
        sql += " AND ";
        const bool wrap = j.condition->nodes.back().kind == node_kind::logical_or;
        if (wrap) sql += '(';
        const table_meta* saved_table = std::exchange(condition_table, j.table);
        const std::string_view saved_name = std::exchange(condition_name, name);
        expr(*j.condition, j.condition->root());
        condition_table = saved_table;
        condition_name = saved_name;
        if (wrap) sql += ')';
      }
    }
  }

  void from_where(const query_state& q) {
    sql += " FROM ";
    d.quote_identifier(sql, table_name(*q.table));
    joins(q);
    if (q.where) {
      sql += " WHERE ";
      expr(*q.where, q.where->root());
    }
    for (std::size_t i = 0; i < q.group_by.size(); ++i) {
      sql += i == 0 ? " GROUP BY " : ", ";
      group_key(q, q.group_by[i]);
    }
    if (q.having) {
      sql += " HAVING ";
      expr(*q.having, q.having->root());
    }
  }

  void order_limit(const query_state& q) {
    if (!q.order.empty()) {
      sql += " ORDER BY ";
      order_by_keys(q);
    }
    if (!q.limit && !q.offset) return;
    // The dialect spells the clause; each value is bound where it writes its placeholder.
    struct binder final : dialect::limit_binder {
      renderer& r;
      const query_state& q;
      binder(renderer& re, const query_state& qs) : r(re), q(qs) {}
      void operator()(std::string& out, dialect::row_limit part) override {
        r.d.placeholder(out, ++r.placeholders);
        r.params.emplace_back(part == dialect::row_limit::limit ? *q.limit : *q.offset);
        if (r.refs) r.refs->push_back({part == dialect::row_limit::limit ? param_ref::limit : param_ref::offset, 0});
      }
    } bind(*this, q);
    d.limit_clause(sql, q.limit.has_value(), q.offset.has_value(), bind);
  }

  // A computed GROUP BY key (or, in a grouped query, ORDER BY key) that is also selected is written
  // as its position in the select list: written again, its values would be bound again under other
  // placeholders, and PostgreSQL would not see the two as one expression ("must appear in the GROUP
  // BY clause"). A plain column is written as itself.
  // A computed key of a grouped ORDER BY that is a GROUP BY key not selected is written again; with
  // numbered placeholders ($1), the same numbers as in GROUP BY, for the same reason.
  void group_key(const query_state& q, const expr_tree& t, bool is_order = false) {
    if (const std::size_t k = selected_position(q, t)) {
      sql += std::to_string(k);
      return;
    }
    if (is_order && numbered_placeholders()) {
      for (const written_key& g : group_keys) {
        if (!g.tree->same_as(t)) continue;
        repeat_placeholder = g.first_placeholder;
        expr(t, t.root());
        repeat_placeholder = 0;
        return;
      }
    }
    if (!is_order && !t.params.empty()) group_keys.push_back({&t, placeholders + 1});
    expr(t, t.root());
  }

  bool numbered_placeholders() const {
    std::string one, two;
    d.placeholder(one, 1);
    d.placeholder(two, 2);
    return one != two;
  }

  static std::size_t selected_position(const query_state& q, const expr_tree& t) {
    if (t.nodes.size() == 1 && t.nodes[0].kind == node_kind::column) return 0;
    for (std::size_t i = 0; i < q.selected.size(); ++i)
      if (q.selected[i].same_as(t)) return i + 1;
    return 0;
  }

  // Whether a tree is one text column (a fan-out orders it by its bytes: text_order_by_bytes).
  static bool text_column(const expr_tree& t) {
    if (t.nodes.size() != 1) return false;
    const node& n = t.nodes[0];
    return n.kind == node_kind::column && n.table != nullptr && n.table->columns[n.first].type == value_type::text;
  }

  // positions: whether a key may be written as a select position (not inside a window's ORDER BY,
  // where a number is a constant).
  void order_by_keys(const query_state& q, bool positions = true) {
    for (std::size_t i = 0; i < q.order.size(); ++i) {
      if (i) sql += ", ";
      if (positions && !q.group_by.empty())
        group_key(q, q.order[i].tree, true);
      else if (q.text_order_by_bytes && text_column(q.order[i].tree)) {
        const auto [before, after] = d.text_byte_order();
        sql += before;
        expr(q.order[i].tree, q.order[i].tree.root());
        sql += after;
      } else
        expr(q.order[i].tree, q.order[i].tree.root());
      if (q.order[i].descending) sql += " DESC";
    }
  }

  // The query whose clauses are written, until the scope ends (a nested query's are written inside
  // it).
  struct query_scope {
    renderer& r;
    const query_state* saved_query;
    std::vector<std::string> saved_names;
    query_scope(renderer& re, const query_state& q)
        : r(re),
          saved_query(std::exchange(re.scope_query, &q)),
          saved_names(std::exchange(re.join_names, join_names_of(q))) {}
    ~query_scope() {
      r.scope_query = saved_query;
      r.join_names = std::move(saved_names);
    }
    query_scope(const query_scope&) = delete;
    query_scope& operator=(const query_scope&) = delete;
  };

  void plain(const query_state& q) {
    const query_scope scope(*this, q);
    if (q.partition && (q.limit || q.offset)) return per_partition(q);
    // A statement that joins qualifies every column by its table's name (the tables may share
    // column names), or by its join's alias.
    const bool saved_qualify = std::exchange(qualify, qualify || !q.joins.empty());
    const table_meta* saved_scope = std::exchange(scope_table, q.table);
    const bool repeats = repeats_records(q);
    if (repeats) check_order_of_repeated(q);
    sql += q.distinct || repeats ? "SELECT DISTINCT " : "SELECT ";
    select_list(q);
    counts(q);
    from_where(q);
    order_limit(q);
    qualify = saved_qualify;
    scope_table = saved_scope;
  }

  // Whole records through a join that may match several rows of a joined table per record: each
  // record would come back once per match, so the statement is DISTINCT (a documented choice, as
  // a query of records returns each record once).
  static bool repeats_records(const query_state& q) {
    if (!q.selected.empty() || !q.group_by.empty()) return false;
    for (const join_clause& j : q.joins)
      if (j.many) return true;
    return false;
  }

  // ORDER BY a column of a table that repeats the records has no one value per record (and
  // PostgreSQL refuses it beside DISTINCT): refused, naming the column.
  void check_order_of_repeated(const query_state& q) const {
    for (const order_key& key : q.order)
      for (const node& n : key.tree.nodes) {
        if (n.kind != node_kind::column) continue;
        std::size_t index = 0;
        const join_clause* j = join_of(q, n, &index);
        if (j && j->many)
          throw error("ar::order_by: records of '" + std::string(table_name(*q.table)) + "' are ordered by '" +
                      join_names[index] + "." + std::string(column_name(*n.table, n.first)) + "', of the join '" +
                      j->path +
                      "', which matches several rows per record: there is no one value to order a record by; "
                      "order a grouped select by an aggregate of it, or join a relation that leads to one row");
      }
  }

  void partition_columns(const query_state& q) {
    d.quote_identifier(sql, column_name(*q.table, *q.partition));
    for (const std::uint32_t c : q.partition_more) {
      sql += ", ";
      d.quote_identifier(sql, column_name(*q.table, c));
    }
  }

  // LIMIT / OFFSET per value of a column: rank the rows of each value with a window function and
  // keep the ranks wanted (an eager load's "k children per parent", in one statement).
  void per_partition(const query_state& q) {
    sql += "SELECT ";
    select_list(q);
    count_names(q);  // with_count in a modifier: the counts come out after the columns, as in plain()
    sql += " FROM (SELECT ";
    select_list(q);
    counts(q, true);
    sql += ", ROW_NUMBER() OVER (PARTITION BY ";
    partition_columns(q);
    sql += " ORDER BY ";
    if (q.order.empty()) {
      for (std::size_t k = 0; k < q.table->key_columns.size(); ++k) {
        if (k) sql += ", ";
        d.quote_identifier(sql, column_name(*q.table, q.table->key_columns[k]));
      }
    } else
      order_by_keys(q, false);
    sql += ") AS ";
    d.quote_identifier(sql, "ar_rank");
    from_where(q);
    sql += ") AS ";
    d.quote_identifier(sql, "ar_ranked");
    sql += " WHERE ";
    d.quote_identifier(sql, "ar_rank");
    sql += " > ";
    const std::int64_t skip = q.offset.value_or(0);
    placeholder(value{skip});
    if (q.limit) {
      sql += " AND ";
      d.quote_identifier(sql, "ar_rank");
      sql += " <= ";
      // The last rank kept; past INT64_MAX it is INT64_MAX (no partition has more rows), never an
      // overflow: drop(n) | take(m) with both near INT64_MAX is a valid pipeline.
      constexpr std::int64_t most = std::numeric_limits<std::int64_t>::max();
      placeholder(value{*q.limit > most - skip ? most : skip + *q.limit});
    }
    sql += " ORDER BY ";
    partition_columns(q);
    sql += ", ";
    d.quote_identifier(sql, "ar_rank");
  }

  void aggregate(const query_state& q, aggregate_kind kind, const expr_tree* argument) {
    // DISTINCT, GROUP BY, LIMIT and OFFSET shape the rows an aggregate sees: then it runs over a subquery
    // (the count of a grouped query is its number of groups).
    const bool repeats = kind == aggregate_kind::count && repeats_records(q);
    const bool wrap = q.distinct || q.limit || q.offset || !q.group_by.empty() || repeats;
    if (wrap && argument && !q.joins.empty())
      throw error(
          "ar: sum, minimum, maximum and average of a query with joins add up the joined rows, and this "
          "one also has distinct, take, drop or group_by, which shape other rows: select the aggregate "
          "(ar::select(Model::c.field.sum())) instead");
    // Without a subquery, the statement's own columns are qualified when it joins.
    const bool saved_qualify = std::exchange(qualify, !wrap && !q.joins.empty());
    const query_scope scope(*this, q);
    sql += "SELECT ";
    auto call = [&](const char* open, const char* close) {
      sql += open;
      expr(*argument, argument->root());
      sql += close;
    };
    switch (kind) {
      case aggregate_kind::count: sql += "COUNT(*)"; break;
      case aggregate_kind::exists: sql += "1"; break;
      case aggregate_kind::sum:
      case aggregate_kind::sum_and_count: {
        const node& n = argument->nodes[argument->root()];
        if (n.kind == node_kind::column && n.table && n.table->columns[n.first].type == value_type::decimal) {
          const auto [open, close] = d.decimal_sum(n.table->columns[n.first].scale);
          call(open.c_str(), close.c_str());
        } else {
          call("COALESCE(SUM(", "), 0)");
        }
        if (kind == aggregate_kind::sum_and_count) call(", COUNT(", ")");
        break;
      }
      case aggregate_kind::min: call("MIN(", ")"); break;
      case aggregate_kind::max: call("MAX(", ")"); break;
      case aggregate_kind::avg: call("AVG(", ")"); break;
      case aggregate_kind::none: break;
    }
    if (wrap) {
      sql += " FROM (";
      if (!q.group_by.empty() && q.selected.empty()) {
        // The groups, one row each: their columns (a record's every column is not grouped).
        query_state groups = q;
        groups.selected = q.group_by;
        plain(groups);
      } else {
        plain(q);
      }
      sql += ") AS ";
      d.quote_identifier(sql, "ar_rows");
    } else {
      from_where(q);
    }
    if (kind == aggregate_kind::exists) d.first_row_only(sql);
    qualify = saved_qualify;
  }
};

}  // namespace

void render_delete(std::string& sql, std::vector<value>& params, const dialect& d, const query_state& state) {
  renderer r{sql, params, d};
  sql += "DELETE";
  r.from_where(state);
}

void render_nullify(std::string& sql, std::vector<value>& params, const dialect& d, const query_state& state,
                    std::size_t column) {
  renderer r{sql, params, d};
  sql += "UPDATE ";
  d.quote_identifier(sql, table_name(*state.table));
  sql += " SET ";
  d.quote_identifier(sql, column_name(*state.table, column));
  sql += " = NULL";
  if (state.where) {
    sql += " WHERE ";
    r.expr(*state.where, state.where->root());
  }
}

void render_update_all(std::string& sql, std::vector<value>& params, const dialect& d, const query_state& state,
                       std::span<const std::size_t> columns, std::span<const expr_tree* const> values) {
  renderer r{sql, params, d};
  sql += "UPDATE ";
  d.quote_identifier(sql, table_name(*state.table));
  sql += " SET ";
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i) sql += ", ";
    d.quote_identifier(sql, column_name(*state.table, columns[i]));
    sql += " = ";
    r.expr(*values[i], values[i]->root());
  }
  if (state.where) {
    sql += " WHERE ";
    r.expr(*state.where, state.where->root());
  }
}

namespace {

// The trees of a state whose values its statement binds, in a fixed order (param_ref::tree).
// `selected` is called for the select's trees, `f` for the others.
template <class F, class G>
void for_each_tree(const query_state& s, F&& f, G&& selected) {
  if (s.where) f(*s.where);
  for (const expr_tree& t : s.selected) selected(t);
  for (const order_key& k : s.order) f(k.tree);
  for (const join_clause& j : s.joins)
    if (j.condition) f(*j.condition);
}
template <class F>
void for_each_tree(const query_state& s, F&& f) {
  for_each_tree(s, f, f);
}

// Where a key's parts go: counted (key_size), then written one after another into memory of
// that size (key_writer), by the same write_shape, so that the two cannot disagree.
struct key_size {
  std::size_t bytes = 0;
  template <class T>
  void put(const T&) noexcept {
    bytes += sizeof(T);
  }
  void put(const table_meta*) noexcept { bytes += sizeof(std::uintptr_t); }
  void put_text(std::string_view text) noexcept { bytes += text.size(); }
};

// Compares the key that would be written with one written before (`at` to `end`): a query run
// again finds its shape in one walk, with nothing written.
struct key_matcher {
  const char* at;
  const char* end;
  bool same = true;
  template <class T>
  void put(const T& v) noexcept {
    static_assert(std::is_trivially_copyable_v<T> && !std::is_pointer_v<T>);
    compare(&v, sizeof v);
  }
  void put(const table_meta* table) noexcept { put(reinterpret_cast<std::uintptr_t>(table)); }
  void put_text(std::string_view text) noexcept { compare(text.data(), text.size()); }
  // Whether every part matched and the key written before has no more.
  bool matched() const noexcept { return same && at == end; }

 private:
  void compare(const void* v, std::size_t n) noexcept {
    if (!same) return;
    if (static_cast<std::size_t>(end - at) < n || std::memcmp(at, v, n) != 0) {
      same = false;
      return;
    }
    at += n;
  }
};

struct key_writer {
  char* at;
  template <class T>
  void put(const T& v) noexcept {
    static_assert(std::is_trivially_copyable_v<T> && !std::is_pointer_v<T>);
    std::memcpy(at, &v, sizeof v);
    at += sizeof v;
  }
  // A table, by its address.
  void put(const table_meta* table) noexcept { put(reinterpret_cast<std::uintptr_t>(table)); }
  void put_text(std::string_view text) noexcept {
    std::memcpy(at, text.data(), text.size());
    at += text.size();
  }
};

// All that the statement of `s` is written from but its values (of which only the types: a
// CASE's bound value is cast to its type); `trees` are its trees, in for_each_tree's order.
template <class Out>
void write_shape(const query_state& s, std::span<const expr_tree* const> trees, Out& w) {
  w.put(s.table);
  w.put(s.distinct);
  w.put(s.limit.has_value());
  w.put(s.offset.has_value());
  w.put(s.where.has_value());
  w.put(s.selected.size());
  w.put(s.order.size());
  for (const order_key& k : s.order) w.put(k.descending);
  w.put(s.text_order_by_bytes);
  w.put(s.joins.size());
  for (const join_clause& j : s.joins) {
    w.put(j.table);
    w.put(j.to);
    w.put(j.to_join);
    w.put(j.column);
    w.put(j.to_column);
    w.put(j.left);
    w.put(j.many);
    w.put(j.condition != nullptr);
    w.put(j.more.size());
    for (const std::uint32_t c : j.more) w.put(c);
    for (const std::uint32_t c : j.to_more) w.put(c);
    w.put(j.path.size());
    w.put_text(j.path);
  }
  // A select's lasting trees by their address (they live as long as the program, so no other
  // trees are ever found there); the trees of a select made by this query, by their contents.
  const std::size_t first_selected = s.where ? 1 : 0;
  const bool selected_by_address = s.selected.lasting();
  w.put(selected_by_address);
  if (selected_by_address) w.put(reinterpret_cast<std::uintptr_t>(s.selected.begin()));
  for (std::size_t i = 0; i < trees.size(); ++i) {
    if (selected_by_address && i >= first_selected && i - first_selected < s.selected.size()) continue;
    const expr_tree* t = trees[i];
    w.put(t->nodes.size());
    for (const node& n : t->nodes) {
      w.put(n.kind);
      w.put(n.op);
      w.put(n.first);
      w.put(n.second);
      w.put(n.third);
      w.put(n.table);
    }
    w.put(t->params.size());
    for (const value& v : t->params) w.put(static_cast<std::uint8_t>(v.index()));
  }
}

// Writes the trees of `s` into `trees`, in for_each_tree's order. False for a state whose
// statement is not kept by shape: one with parts the key does not hold (subqueries, groups, which
// compare values to find a GROUP BY key among the selected, per-parent limits, with_count), or
// with an IN list of more than 64 values.
bool shape_trees(const query_state& s, std::vector<const expr_tree*>& trees) {
  if (!s.correlated.empty() || !s.group_by.empty() || s.having || s.partition || !s.counts.empty()) return false;
  bool kept = true;
  const auto scan = [&](const expr_tree& t) {
    if (!t.subqueries.empty() || !t.queries.empty()) kept = false;
    for (const node& n : t.nodes)
      if ((n.kind == node_kind::in || n.kind == node_kind::not_in) && n.third > 64) kept = false;
    trees.push_back(&t);
  };
  if (s.selected.lasting())  // plain columns: nothing in them to refuse
    for_each_tree(s, scan, [&](const expr_tree& t) { trees.push_back(&t); });
  else
    for_each_tree(s, scan);
  return kept;
}

// Writes the shape of `s`, whose trees are `trees`, into `key`.
void shape_key(const query_state& s, std::span<const expr_tree* const> trees, std::string& key) {
  key_size size;
  write_shape(s, trees, size);
  key.resize(size.bytes);
  key_writer w{key.data()};
  write_shape(s, trees, w);
}

// Whether the shape of `s`, whose trees are `trees`, is `key`.
bool shape_is(const query_state& s, std::span<const expr_tree* const> trees, std::string_view key) {
  key_matcher m{key.data(), key.data() + key.size()};
  write_shape(s, trees, m);
  return m.matched();
}

}  // namespace

std::shared_ptr<const kept_select> select_shapes::render(std::string& sql, std::vector<value>& params, const dialect& d,
                                                         const query_state& state) {
  // The key is written into the thread's buffers: a lookup allocates nothing.
  thread_local std::string key;
  thread_local std::vector<const expr_tree*> trees;
  trees.clear();
  if (!shape_trees(state, trees)) {
    render_select(sql, params, d, state);
    return nullptr;
  }
  // The shape this thread used last, on this cache: a loop running one query again finds it
  // without writing or hashing its key, or taking the lock.
  struct last_used {
    std::uint64_t cache = 0;
    std::string key;
    std::shared_ptr<const shape> kept;
  };
  thread_local last_used last;
  const shape* found = nullptr;
  if (last.cache == id_ && shape_is(state, trees, last.key)) {
    found = last.kept.get();
  } else {
    shape_key(state, trees, key);
    std::shared_ptr<const shape> kept;
    {
      const std::lock_guard lock(mutex_);
      if (const auto it = shapes_.find(std::string_view(key)); it != shapes_.end()) kept = it->second;
    }
    if (kept) {
      last.cache = id_;
      last.key = key;
      last.kept = std::move(kept);
      found = last.kept.get();
    }
  }
  if (found) {
    params.reserve(params.size() + found->refs.size());
    for (const param_ref& r : found->refs) {
      if (r.tree == param_ref::limit)
        params.emplace_back(*state.limit);
      else if (r.tree == param_ref::offset)
        params.emplace_back(*state.offset);
      else
        params.push_back(trees[r.tree]->params[r.index]);
    }
    return last.kept;
  }
  auto made = std::make_shared<shape>();
  const std::size_t start = sql.size();
  const std::size_t bound = params.size();
  if (sql.capacity() < 256) sql.reserve(256);
  renderer r{sql, params, d};
  r.refs = &made->refs;
  r.trees = trees;
  r.plain(state);
  // Kept only when the text follows from the shape alone and every value it binds was traced to
  // its place in the state (a value bound by any other path makes the count differ).
  if (r.value_dependent || made->refs.size() != params.size() - bound) return nullptr;
  made->sql = sql.substr(start);
  sql.resize(start);
  made->hash = statement_hash(made->sql);
  const std::lock_guard lock(mutex_);
  if (shapes_.size() >= capacity) shapes_.clear();
  shapes_.emplace(key, made);
  return made;
}

namespace {
std::atomic<std::uint64_t> shape_caches{0};
}  // namespace

select_shapes::select_shapes() noexcept : id_(++shape_caches) {}

void render_select(std::string& sql, std::vector<value>& params, const dialect& d, const query_state& state,
                   aggregate_kind aggregate, const expr_tree* argument) {
  // Room for a usual statement at once, rather than growing through 30, 60, 120, ... characters.
  if (sql.capacity() < 256) sql.reserve(256);
  renderer r{sql, params, d};
  if (aggregate == aggregate_kind::none)
    r.plain(state);
  else
    r.aggregate(state, aggregate, argument);
}

std::string render_tree(const dialect& d, const table_meta& table, std::size_t key_column, std::size_t fk_column,
                        bool ancestors) {
  auto q = [&](std::string& out, std::string_view id) { d.quote_identifier(out, id); };
  const std::string_view key = column_name(table, key_column);
  const std::string_view fk = column_name(table, fk_column);
  std::string sql(d.with_recursive());
  auto qualified = [&](std::string_view scope, std::string_view column) {
    d.quote_identifier(sql, scope);
    sql += '.';
    d.quote_identifier(sql, column);
  };
  q(sql, "ar_tree");
  sql += " (";
  q(sql, "ar_key");
  sql += ", ";
  q(sql, "ar_depth");
  sql += ") AS (SELECT ";
  // ancestors: start from the record's parent and climb; descendants: start from its children.
  q(sql, ancestors ? fk : key);
  sql += ", 1 FROM ";
  q(sql, table_name(table));
  sql += " WHERE ";
  q(sql, ancestors ? key : fk);
  sql += " = ";
  d.placeholder(sql, 1);
  sql += " UNION ALL SELECT ";
  qualified("ar_step", ancestors ? fk : key);
  sql += ", ";
  qualified("ar_tree", "ar_depth");
  sql += " + 1 FROM ";
  q(sql, table_name(table));
  sql += " AS ";
  q(sql, "ar_step");
  sql += " JOIN ";
  q(sql, "ar_tree");
  sql += " ON ";
  qualified("ar_step", ancestors ? key : fk);
  sql += " = ";
  qualified("ar_tree", "ar_key");
  sql += " WHERE ";
  qualified("ar_tree", "ar_depth");
  sql += " < ";
  d.placeholder(sql, 2);
  sql += ") SELECT ";
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    if (i) sql += ", ";
    qualified(table_name(table), column_name(table, i));
  }
  sql += " FROM ";
  q(sql, table_name(table));
  sql += " JOIN ";
  q(sql, "ar_tree");
  sql += " ON ";
  qualified(table_name(table), key);
  sql += " = ";
  qualified("ar_tree", "ar_key");
  sql += " ORDER BY ";
  qualified("ar_tree", "ar_depth");
  sql += ", ";
  qualified(table_name(table), key);
  return sql;
}

void render_through(std::string& sql, std::vector<value>& params, const dialect& d, const table_meta& target,
                    std::size_t target_key, const table_meta& join, std::size_t join_owner, std::size_t join_target,
                    const std::vector<value>& keys, const std::optional<std::pair<std::size_t, value>>& join_type,
                    const expr_tree* conditions, std::size_t order_column) {
  renderer r{sql, params, d};
  auto q = [&](std::string_view id) { d.quote_identifier(sql, id); };
  auto qualified = [&](std::string_view scope, std::string_view column) {
    q(scope);
    sql += '.';
    q(column);
  };
  sql += "SELECT ";
  for (std::size_t i = 0; i < target.columns.size(); ++i) {
    if (i) sql += ", ";
    qualified(table_name(target), column_name(target, i));
  }
  sql += ", ";
  qualified("ar_j", column_name(join, join_owner));
  sql += " FROM ";
  q(table_name(target));
  sql += " JOIN ";
  q(table_name(join));
  sql += " AS ";
  q("ar_j");
  sql += " ON ";
  qualified("ar_j", column_name(join, join_target));
  sql += " = ";
  qualified(table_name(target), column_name(target, target_key));
  sql += " WHERE ";
  qualified("ar_j", column_name(join, join_owner));
  sql += " IN (";
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (i) sql += ", ";
    r.placeholder(keys[i]);
  }
  sql += ')';
  if (join_type) {
    sql += " AND ";
    q("ar_j");
    sql += '.';
    q(column_name(join, join_type->first));
    sql += " = ";
    r.placeholder(join_type->second);
  }
  if (conditions) {
    // The target's own columns, qualified by its table name (the join could share their names).
    sql += " AND (";
    r.qualify = true;
    r.expr(*conditions, conditions->root());
    r.qualify = false;
    sql += ')';
  }
  sql += " ORDER BY ";
  qualified(table_name(target), column_name(target, order_column));
}

}  // namespace ar::detail
