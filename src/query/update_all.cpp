// query | update_all(set(...), ...): one UPDATE for the rows a query's filters select, compiled once
// for every model (the header hands over the columns' positions and their bound values).

#include <ar/views/update_all.hpp>

#include <span>
#include <string>
#include <vector>

namespace ar::detail {

expr_tree assigned_tree(value v) {
  expr_tree tree;
  tree.add_param(std::move(v));
  return tree;
}

std::uint64_t update_all_rows(const database& db, const query_state& state, std::span<const std::size_t> columns,
                              std::span<const expr_tree* const> values) {
  require_plain_filter(state, "update_all");
  std::string sql;
  std::vector<value> params;
  render_for(db, state, sql, params, [&](std::string& out, std::vector<value>& bound, const dialect& d) {
    render_update_all(out, bound, d, state, columns, values);
  });
  const query_timeout_scope timeout(state.timeout_ms);
  return run(detail::state_of(db), sql, params).rows_affected;
}

}  // namespace ar::detail
