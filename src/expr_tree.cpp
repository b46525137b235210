// The run-time expression tree and query state operations every query uses. They live here, out of
// line, rather than in the headers: the adaptors of every pipeline a program writes call them
// instead of inlining them, which keeps the code compiled per query small.

#include <ar/detail/expr_tree.hpp>
#include <ar/detail/query_state.hpp>

#include <memory>
#include <utility>
#include <vector>

namespace ar::detail {

expr_tree::expr_tree() noexcept = default;
expr_tree::expr_tree(const expr_tree& other) = default;
expr_tree::expr_tree(expr_tree&& other) noexcept = default;
expr_tree& expr_tree::operator=(const expr_tree& other) = default;
expr_tree& expr_tree::operator=(expr_tree&& other) noexcept = default;
expr_tree::~expr_tree() = default;

// Copies another tree in; returns the index its root now has.
std::uint32_t expr_tree::append(const expr_tree& other) {
  const auto node_offset = static_cast<std::uint32_t>(nodes.size());
  const auto param_offset = static_cast<std::uint32_t>(params.size());
  const auto subquery_offset = static_cast<std::uint32_t>(subqueries.size());
  nodes.reserve(nodes.size() + other.nodes.size() + 1);  // + 1: the node that usually joins the two
  for (node n : other.nodes) {
    switch (n.kind) {
      case node_kind::column: break;
      case node_kind::param: n.first += param_offset; break;
      case node_kind::in:
      case node_kind::not_in:
        n.first += node_offset;
        n.second += param_offset;
        break;
      case node_kind::between:
        n.first += node_offset;
        n.second += node_offset;
        n.third += node_offset;
        break;
      case node_kind::logical_not:
      case node_kind::is_null:
      case node_kind::is_not_null: n.first += node_offset; break;
      case node_kind::exists:
      case node_kind::not_exists: n.first += subquery_offset; break;
      default:
        n.first += node_offset;
        n.second += node_offset;
        break;
    }
    nodes.push_back(n);
  }
  params.insert(params.end(), other.params.begin(), other.params.end());
  subqueries.insert(subqueries.end(), other.subqueries.begin(), other.subqueries.end());
  return static_cast<std::uint32_t>(nodes.size() - 1);
}

std::uint32_t expr_tree::add(node n) {
  nodes.push_back(n);
  return root();
}

std::uint32_t expr_tree::add_param(value v) {
  params.push_back(std::move(v));
  return add(node{node_kind::param, compare_op::eq, static_cast<std::uint32_t>(params.size() - 1)});
}
std::uint32_t expr_tree::add_param(std::int32_t v) { return add_param(value{v}); }
std::uint32_t expr_tree::add_param(std::int64_t v) { return add_param(value{v}); }
std::uint32_t expr_tree::add_param(double v) { return add_param(value{v}); }
std::uint32_t expr_tree::add_param(bool v) { return add_param(value{v}); }
std::uint32_t expr_tree::add_param(std::string_view v) { return add_param(value{std::string(v)}); }
std::uint32_t expr_tree::add_param(time_point v) { return add_param(value{v}); }

std::shared_ptr<query_state> copy_state(const query_state& s) { return std::make_shared<query_state>(s); }

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

}  // namespace ar::detail
