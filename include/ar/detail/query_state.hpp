#ifndef AR_DETAIL_QUERY_STATE_HPP
#define AR_DETAIL_QUERY_STATE_HPP

// What a query is at run time: the table, the conditions, the order, the limits. Queries share it
// immutably; every adaptor makes a changed copy (src/sql/select.cpp renders it).

#include <ar/detail/expr_tree.hpp>
#include <ar/export.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace ar {
class dialect;
struct table_meta;
}  // namespace ar

namespace ar::detail {

struct order_key {
  expr_tree tree;
  bool descending = false;
};

struct eager_node;

// A select's trees: shared by the copies of a state (each adaptor copies it), and, for a select of
// plain columns, by every query made with that select (ar/views/select.hpp): a pipeline rebuilt for
// each call makes none of them again.
class shared_trees {
 public:
  shared_trees() noexcept = default;
  shared_trees(std::vector<expr_tree>&& trees)
      : trees_(std::make_shared<const std::vector<expr_tree>>(std::move(trees))) {}
  shared_trees(const std::vector<expr_tree>& trees) : trees_(std::make_shared<const std::vector<expr_tree>>(trees)) {}
  shared_trees(std::shared_ptr<const std::vector<expr_tree>> trees) noexcept : trees_(std::move(trees)) {}
  // Trees that live as long as the program (a select of plain columns' static trees): their
  // address names them, so a query's shape holds the address instead of the trees' contents.
  struct lasting_t {};
  shared_trees(std::shared_ptr<const std::vector<expr_tree>> trees, lasting_t) noexcept
      : trees_(std::move(trees)), lasting_(true) {}

  bool empty() const noexcept { return size() == 0; }
  std::size_t size() const noexcept { return trees_ ? trees_->size() : 0; }
  const expr_tree& operator[](std::size_t i) const noexcept { return (*trees_)[i]; }
  const expr_tree* begin() const noexcept { return trees_ ? trees_->data() : nullptr; }
  const expr_tree* end() const noexcept { return trees_ ? trees_->data() + trees_->size() : nullptr; }
  // Whether the trees live as long as the program (made with lasting_t).
  bool lasting() const noexcept { return lasting_; }

 private:
  std::shared_ptr<const std::vector<expr_tree>> trees_;
  bool lasting_ = false;
};

// A join_clause's to_join when it joins to the query's own table.
inline constexpr std::size_t no_join = static_cast<std::size_t>(-1);

// joins<"path"> / left_joins<"path"> (ar/views/joins.hpp): a table joined to one the statement
// already has, ON table.column = to.to_column (and each pair of `more` / `to_more`, for a key of
// several columns) AND `condition` (a polymorphic relation's type test), when there is one. A table
// already in the statement (its own, or an earlier join's) is joined again under an alias made of
// the path (src/sql/select.cpp).
struct join_clause {
  std::string path;  // the relation path it follows, as written ("posts.comments")
  const table_meta* table = nullptr;
  const table_meta* to = nullptr;
  // The join `to` is (an index into query_state::joins), or no_join: the query's own table.
  std::size_t to_join = no_join;
  std::uint32_t column = 0;
  std::uint32_t to_column = 0;
  std::span<const std::uint32_t> more{};
  std::span<const std::uint32_t> to_more{};
  std::shared_ptr<const expr_tree> condition;
  bool left = false;
  // It, or a join before it on its path, may match several rows per row of the query's model:
  // records read whole come back DISTINCT then.
  bool many = false;
};

struct query_state {
  const table_meta* table = nullptr;
  // The tables joined to `table`, in order (each joins one before it).
  std::vector<join_clause> joins;
  // ar::correlate<Model>: the enclosing query's tables whose columns this query's conditions name
  // (it runs only as a subquery).
  std::vector<const table_meta*> correlated;
  std::optional<expr_tree> where;
  std::vector<order_key> order;
  std::vector<expr_tree> group_by;  // GROUP BY, in order
  std::optional<expr_tree> having;  // HAVING: a condition on the groups
  shared_trees selected;            // empty: every column of the model, in model order
  bool distinct = false;
  std::optional<std::int64_t> limit;
  std::optional<std::int64_t> offset;
  // Relations to eager-load after the rows are read (ar/loading.hpp).
  std::shared_ptr<const std::vector<eager_node>> eager;
  // Records of this query load strictly / batch their lazy loads.
  bool strict = false;
  bool auto_batch = true;
  // ar::timeout: the limit, in milliseconds (0: none), of each statement the query sends, its eager
  // loads' included; empty: the database's own (open_options::statement_timeout, or a scope's).
  std::optional<std::int64_t> timeout_ms;
  // With a position: LIMIT / OFFSET count the rows of each value of that column (a window
  // function), as an eager load's per-parent limit needs.
  std::optional<std::size_t> partition;
  // A foreign key of several columns (AR_KEYS): the partition's other columns, in key order (a
  // relation's constant table).
  std::span<const std::uint32_t> partition_more;
  // with_count: one COUNT subquery per entry, read after the model's columns, each stored on the
  // record by `store`.
  struct counted {
    std::shared_ptr<const subquery> count;
    void (*store)(const void* record, std::int64_t n);
  };
  std::vector<counted> counts;
  // ORDER BY a text column of the query's tables orders by its bytes (dialect::text_byte_order):
  // a fan-out over shards sets it on each shard's statement, as its merge compares texts so.
  bool text_order_by_bytes = false;
};

// The value of a key of several columns (a relation over AR_KEYS), as relations look for it and the
// loading algorithm groups rows by it: each part an integer (int32 and int64 alike) or a text, in
// key order.
struct AR_API row_key {
  using part = std::variant<std::int64_t, std::string>;
  std::vector<part> parts;
  friend bool operator==(const row_key&, const row_key&) = default;
};

// "(a, b) IN ((?, ?), (?, ?), ...)" over the columns at `positions` of `table`, for `keys`, each
// part bound as its column's type; "1 = 0" without keys (compiled once, src/query/query_state.cpp).
AR_API expr_tree row_key_in(const table_meta* table, std::span<const std::uint32_t> positions,
                            std::span<const row_key> keys);
// Narrows a query to the rows whose columns at `positions` hold `key` (none when it is null).
AR_API void where_related_row(query_state& s, const table_meta* table, std::span<const std::uint32_t> positions,
                              const std::optional<row_key>& key);

// A changed copy of a state starts as this copy (out of line: every adaptor of every pipeline makes
// one).
AR_API std::shared_ptr<query_state> copy_state(const query_state& s);
// Throws ar::error: take(n) / drop(n) with a negative n.
[[noreturn]] AR_API void throw_negative_count(const char* adaptor, std::int64_t n);

// A state a pipeline step may change: `state` itself when nothing else shares it (a pipeline being
// built), else a copy.
AR_API std::shared_ptr<query_state> writable_state(std::shared_ptr<const query_state>&& state);
// Appends ORDER BY keys.
AR_API void append_order(query_state& s, const std::vector<order_key>& terms);
AR_API void push_order_key(std::vector<order_key>& terms, order_key&& key);
// Throws ar::error when a query inside this one (in(query), exists_in, scalar) or a table it joins
// is on another database than `database`, the one the statement runs on, and when the query is
// correlated (it runs only inside another).
AR_API void check_subquery_databases(const std::string& database, const query_state& s);

// Adds a join (ar/views/joins.hpp); the same path joined again is joined once (INNER when either
// asks for it). Returns its index in s.joins.
AR_API std::size_t add_join_clause(query_state& s, join_clause&& clause);

// ANDs a condition into the WHERE, in place.
AR_API void and_where(query_state& s, expr_tree&& tree);
// ar::after: ANDs the condition that keeps the rows after the record whose column values (in model
// order) are `cursor` in the query's order. Throws ar::error when the order is not total and of
// columns (no order, an expression, a nullable column, a key column missing).
AR_API void keyset_after(query_state& s, std::span<const value> cursor);

// After a query of whole records has read them: eager loads and the records' shared context
// (ar/load/registry.hpp). Only a model with relations has any: see finish_records (ar/query.hpp).
template <class M>
void finish_rows(const query_state& state, M* rows, std::size_t n);

// sum_and_count: SUM and COUNT of the argument, two columns (an average over shards is combined
// from them).
enum class aggregate_kind : std::uint8_t { none, count, exists, sum, min, max, avg, sum_and_count };

// Appends the SELECT statement of `state` to `sql` and its bound values, in placeholder order, to
// `params`. With an aggregate, the statement computes it (of `argument` where one is needed).
AR_API void render_select(std::string& sql, std::vector<value>& params, const dialect& d, const query_state& state,
                          aggregate_kind aggregate = aggregate_kind::none, const expr_tree* argument = nullptr);

}  // namespace ar::detail

template <>
struct std::hash<ar::detail::row_key> {
  std::size_t operator()(const ar::detail::row_key& k) const noexcept {
    std::size_t h = k.parts.size();
    for (const auto& p : k.parts) h = h * 1099511628211u ^ std::hash<ar::detail::row_key::part>{}(p);
    return h;
  }
};

#endif  // AR_DETAIL_QUERY_STATE_HPP
