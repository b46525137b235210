// The run-time expression tree every condition is lowered to, built out of line rather than in the
// headers: the adaptors of every pipeline a program writes call these instead of inlining them,
// which keeps the code compiled per query small.

#include <ar/detail/expr_tree.hpp>
#include <ar/error.hpp>
#include <ar/expr.hpp>

#include <deque>
#include <mutex>
#include <sstream>
#include <string>
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
bool expr_tree::same_as(const expr_tree& other) const {
  if (nodes.size() != other.nodes.size() || params != other.params || subqueries != other.subqueries ||
      queries != other.queries)
    return false;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const node& x = nodes[i];
    const node& y = other.nodes[i];
    if (x.kind != y.kind || x.op != y.op || x.first != y.first || x.second != y.second || x.third != y.third ||
        x.table != y.table)
      return false;
  }
  return true;
}

std::uint32_t expr_tree::append(const expr_tree& other) {
  const auto node_offset = static_cast<std::uint32_t>(nodes.size());
  const auto param_offset = static_cast<std::uint32_t>(params.size());
  const auto subquery_offset = static_cast<std::uint32_t>(subqueries.size());
  const auto query_offset = static_cast<std::uint32_t>(queries.size());
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
      case node_kind::row:
      case node_kind::logical_not:
      case node_kind::is_null:
      case node_kind::is_not_null: n.first += node_offset; break;
      case node_kind::exists:
      case node_kind::not_exists: n.first += subquery_offset; break;
      case node_kind::in_query:
      case node_kind::not_in_query:
        n.first += node_offset;
        n.second += query_offset;
        break;
      case node_kind::exists_query:
      case node_kind::not_exists_query:
      case node_kind::scalar_query: n.first += query_offset; break;
      case node_kind::case_when:
        n.first += node_offset;
        n.second += node_offset;
        if (n.third != no_node) n.third += node_offset;
        break;
      default:
        n.first += node_offset;
        n.second += node_offset;
        break;
    }
    nodes.push_back(n);
  }
  params.insert(params.end(), other.params.begin(), other.params.end());
  subqueries.insert(subqueries.end(), other.subqueries.begin(), other.subqueries.end());
  queries.insert(queries.end(), other.queries.begin(), other.queries.end());
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
namespace {
template <class T>
void compare_column(expr_tree& tree, compare_op op, const table_meta* table, std::uint32_t position, T v) {
  tree.nodes.reserve(tree.nodes.size() + 3);
  const auto a = tree.add(node{node_kind::column, compare_op::eq, position, 0, 0, table});
  const auto b = tree.add_param(v);
  tree.add(node{node_kind::compare, op, a, b});
}
}  // namespace

void expr_tree::add_compare(compare_op op, const table_meta* table, std::uint32_t position, std::int32_t v) {
  compare_column(*this, op, table, position, v);
}
void expr_tree::add_compare(compare_op op, const table_meta* table, std::uint32_t position, std::int64_t v) {
  compare_column(*this, op, table, position, v);
}
void expr_tree::add_compare(compare_op op, const table_meta* table, std::uint32_t position, double v) {
  compare_column(*this, op, table, position, v);
}
void expr_tree::add_compare(compare_op op, const table_meta* table, std::uint32_t position, bool v) {
  compare_column(*this, op, table, position, v);
}
void expr_tree::add_compare(compare_op op, const table_meta* table, std::uint32_t position, std::string_view v) {
  compare_column(*this, op, table, position, v);
}
void expr_tree::add_compare(compare_op op, const table_meta* table, std::uint32_t position, time_point v) {
  compare_column(*this, op, table, position, v);
}

void expr_tree::add_like(node_kind kind, const table_meta* table, std::uint32_t position, std::string_view pattern) {
  const auto a = add(node{node_kind::column, compare_op::eq, position, 0, 0, table});
  const auto p = add_param(pattern);
  add(node{kind, compare_op::eq, a, p});
}

void expr_tree::add_text_match(std::uint32_t flags, const table_meta* table, std::uint32_t position,
                               std::string_view text) {
  const auto a = add(node{node_kind::column, compare_op::eq, position, 0, 0, table});
  const auto p = add_param(text);
  add(node{node_kind::text_match, compare_op::eq, a, p, flags});
}

void expr_tree::add_unary(node_kind kind, const table_meta* table, std::uint32_t position) {
  const auto a = add(node{node_kind::column, compare_op::eq, position, 0, 0, table});
  add(node{kind, compare_op::eq, a});
}

void expr_tree::add_logical(node_kind kind, const expr_tree& left, const expr_tree& right) {
  const auto a = append(left);
  const auto b = append(right);
  add(node{kind, compare_op::eq, a, b});
}

std::uint32_t expr_tree::add_param(std::int32_t v) { return add_param(value{v}); }
std::uint32_t expr_tree::add_param(std::int64_t v) { return add_param(value{v}); }
std::uint32_t expr_tree::add_param(double v) { return add_param(value{v}); }
std::uint32_t expr_tree::add_param(bool v) { return add_param(value{v}); }
std::uint32_t expr_tree::add_param(std::string_view v) { return add_param(value{std::string(v)}); }
std::uint32_t expr_tree::add_param(time_point v) { return add_param(value{v}); }

namespace {
// The join paths ar::joined<"path"> has named, each once, numbered from 1 (0 names no path); kept
// for the life of the program (a std::deque: the strings never move).
struct join_paths {
  std::mutex mutex;
  std::deque<std::string> paths;
};
join_paths& known_join_paths() {
  static join_paths* known = new join_paths;  // never destroyed: a static query may render at exit
  return *known;
}
}  // namespace

std::uint32_t join_path_id(std::string_view path) {
  join_paths& known = known_join_paths();
  const std::lock_guard<std::mutex> lock(known.mutex);
  for (std::size_t i = 0; i < known.paths.size(); ++i)
    if (known.paths[i] == path) return static_cast<std::uint32_t>(i + 1);
  known.paths.emplace_back(path);
  return static_cast<std::uint32_t>(known.paths.size());
}

std::string_view join_path_of(std::uint32_t id) {
  join_paths& known = known_join_paths();
  const std::lock_guard<std::mutex> lock(known.mutex);
  return id == 0 || id > known.paths.size() ? std::string_view{} : std::string_view(known.paths[id - 1]);
}

void throw_unstorable(const char* why) { throw value_error({}, {}, why); }

void throw_out_of_range(long double v, std::string_view type) {
  std::ostringstream text;
  text.precision(20);
  text << "ar: the value " << v << " is out of the range of the " << type << " column it is compared with";
  throw error(text.str());
}

}  // namespace ar::detail
