#ifndef AR_VIEWS_WHERE_HAS_HPP
#define AR_VIEWS_WHERE_HAS_HPP

// Filtering and counting through relations, in the same statement (correlated subqueries, so the
// related model must live on the same database):
//
//   from<User>() | where_has("posts")                       // users with at least one post
//   from<User>() | where_has("posts", [](ar::query<Post> q) { return q | filter(Post::c.status == "draft"); })
//   from<User>() | where_has("posts.comments")              // with a post that has a comment
//   from<User>() | where_doesnt_have("posts")               // users without posts
//   from<User>() | with_count("posts") | to_vector          // u.posts_count() costs nothing then

#include <ar/error.hpp>
#include <ar/loading.hpp>
#include <ar/query.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace ar {

namespace detail {

inline void require_same_database(const ar::database& owner_db, const relation_entry& entry, std::string_view what) {
  if (!entry.subquery)
    throw error("ar::" + std::string(what) + ": '" + std::string(entry.name) +
                "' cannot be a subquery (a morph_to points at several models); test or count the relation from the "
                "other side instead");
  for (const ar::database& other : {entry.target_database(), entry.through ? entry.through->join_database() : owner_db})
    if (!(other == owner_db))
      throw error("ar::" + std::string(what) + ": the relation '" + std::string(entry.name) + "' crosses databases ('" +
                  owner_db.name() + "' and '" + other.name() +
                  "'): a subquery cannot reach another database; load the relation instead");
}

inline std::shared_ptr<const expr_tree> both_conditions(std::shared_ptr<const expr_tree> a,
                                                        std::shared_ptr<const expr_tree> b) {
  if (!a) return b;
  if (!b) return a;
  auto both = std::make_shared<expr_tree>();
  const auto x = both->append(*a);
  const auto y = both->append(*b);
  both->add(node{node_kind::logical_and, compare_op::eq, x, y});
  return both;
}

inline std::shared_ptr<const expr_tree> exists_of(std::shared_ptr<const subquery> sub) {
  auto exists = std::make_shared<expr_tree>();
  exists->subqueries.push_back(std::move(sub));
  exists->add(node{node_kind::exists, compare_op::eq, 0});
  return exists;
}

// The correlated subquery of one relation of the rows of `outer`, with the conditions `where` on
// its target. A through relation is two: its join rows of the owner (of the owner's or the target's
// type, when polymorphic), then EXISTS a target each points at, so that a count counts what loading
// the relation reads: one target per join row.
inline std::shared_ptr<const subquery> relation_subquery(const relation_entry& entry, const table_meta* outer,
                                                         std::shared_ptr<const expr_tree> where) {
  if (entry.kind == relation_kind::chain) {
    // A chain: its target rows (each once, as loading reads them) for which a middle row links
    // them to the owner: target WHERE EXISTS (mid WHERE mid.link = target.link AND mid.match =
    // owner.column). A count counts targets, not paths.
    auto middle = std::make_shared<subquery>();
    middle->table = entry.through->join_meta;
    middle->inner_column = entry.through->target_column;
    middle->outer_table = entry.target_meta;
    middle->outer_column = entry.inner_column;
    middle->far_table = outer;
    middle->far_inner = entry.through->owner_column;
    middle->far_outer = entry.outer_column;
    auto targets = std::make_shared<subquery>();
    targets->table = entry.target_meta;
    targets->where = both_conditions(std::move(where), exists_of(std::move(middle)));
    return targets;
  }
  auto sub = std::make_shared<subquery>();
  sub->table = entry.target_meta;
  sub->inner_column = entry.inner_column;
  sub->outer_table = entry.through ? entry.through->join_meta : outer;
  sub->outer_column = entry.through ? entry.through->target_column : entry.outer_column;
  sub->inner_more = entry.inner_more;
  sub->outer_more = entry.outer_more;
  sub->where = both_conditions(entry.condition ? entry.condition() : nullptr, std::move(where));
  if (!entry.through) return sub;
  auto join = std::make_shared<subquery>();
  join->table = entry.through->join_meta;
  join->inner_column = entry.through->owner_column;
  join->outer_table = outer;
  join->outer_column = entry.outer_column;
  join->where =
      both_conditions(entry.through->condition ? entry.through->condition() : nullptr, exists_of(std::move(sub)));
  return join;
}

// The correlated subquery chain of a path; the innermost gets `where`.
inline std::shared_ptr<const subquery> subquery_chain(const ar::database& db, const relation_table& root,
                                                      const table_meta& root_meta, std::string_view path,
                                                      std::shared_ptr<const expr_tree> where, std::string_view what) {
  std::vector<const relation_entry*> entries;
  const relation_table* table = &root;
  for (std::string_view name : split_relation_path(path)) {
    const relation_entry& entry = table->find(name);
    require_same_database(db, entry, what);
    entries.push_back(&entry);
    table = &entry.target_table();
  }
  std::shared_ptr<const subquery> inner;
  for (std::size_t i = entries.size(); i-- > 0;)
    inner = relation_subquery(*entries[i], i == 0 ? &root_meta : entries[i - 1]->target_meta,
                              inner ? exists_of(std::move(inner)) : where);
  return inner;
}

template <class M, class R, class S, class J>
query<M, R, S, J> and_where(const query<M, R, S, J>& q, expr_tree condition) {
  return q.transformed([&](query_state& s) {
    if (!s.where) {
      s.where = std::move(condition);
      return;
    }
    expr_tree both;
    const auto a = both.append(*s.where);
    const auto b = both.append(condition);
    both.add(node{node_kind::logical_and, compare_op::eq, a, b});
    s.where = std::move(both);
  });
}

template <class M, class R, class S, class J>
query<M, R, S, J> exists_filter(const query<M, R, S, J>& q, std::string_view path,
                                std::shared_ptr<const expr_tree> where, bool negate, std::string_view what) {
  const ar::database db = q.database();
  expr_tree condition;
  condition.subqueries.push_back(
      subquery_chain(db, relation_table_of<M>(), table_meta_v<M>, path, std::move(where), what));
  condition.add(node{negate ? node_kind::not_exists : node_kind::exists, compare_op::eq, 0});
  return and_where(q, std::move(condition));
}

// The conditions of a modifier's query, checked to lead where the path does.
template <class M, class Modifier>
std::shared_ptr<const expr_tree> modifier_conditions(std::string_view path, const Modifier& modifier,
                                                     std::string_view what) {
  using parameter = typename modifier_parameter<Modifier>::type;
  static_assert(!std::is_void_v<parameter> && is_query_v<parameter>,
                "ar::where_has(path, modifier): the modifier takes the relation's query by type, e.g. "
                "[](ar::query<Post> q) { return q | ar::filter(...); }");
  if constexpr (!std::is_void_v<parameter> && is_query_v<parameter>) {
    using target = typename parameter::model_type;
    const relation_table* table = &relation_table_of<M>();
    const relation_entry* entry = nullptr;
    for (std::string_view name : split_relation_path(path)) {
      entry = &table->find(name);
      table = &entry->target_table();
    }
    if (*entry->target != typeid(target))
      throw error("ar::" + std::string(what) + ": the modifier of '" + std::string(path) +
                  "' takes a query of another model than the one '" + std::string(entry->name) + "' leads to");
    const auto refined = query<target>(modifier(from<target>()));
    const query_state& s = refined.state();
    if (!s.order.empty() || s.limit || s.offset || s.distinct || !s.selected.empty() || s.eager)
      throw error("ar::" + std::string(what) +
                  ": the modifier may only filter (order_by, take, drop, select and with "
                  "mean nothing in an existence test)");
    return s.where ? std::make_shared<const expr_tree>(*s.where) : nullptr;
  } else {
    return nullptr;
  }
}

}  // namespace detail

namespace detail {
// where_has (Negate false) and where_doesnt_have (true).
template <bool Negate>
struct relation_exists_fn {
  static constexpr const char* name = Negate ? "where_doesnt_have" : "where_has";
  // Rows with at least one (no) related row, along a dotted path.
  auto operator()(std::string_view path) const {
    return closure{[path = std::string(path)]<class M, class R, class S, class J>(const query<M, R, S, J>& q) {
      return detail::exists_filter(q, path, nullptr, Negate, name);
    }};
  }
  // Rows with at least one (no) related row that the modifier's conditions select.
  template <class Modifier>
  auto operator()(std::string_view path, Modifier modifier) const {
    return closure{[path = std::string(path),
                    modifier = std::move(modifier)]<class M, class R, class S, class J>(const query<M, R, S, J>& q) {
      return detail::exists_filter(q, path, detail::modifier_conditions<M>(path, modifier, name), Negate, name);
    }};
  }
};
}  // namespace detail

inline namespace views {
// query | where_has("path", modifier): the rows with a related row (that the modifier keeps).
inline constexpr detail::relation_exists_fn<false> where_has{};
// query | where_doesnt_have("path", modifier): the rows without one (that the modifier keeps).
inline constexpr detail::relation_exists_fn<true> where_doesnt_have{};
}  // namespace views

// The first spelling of where_doesnt_have (Eloquent's whereDoesntHave; Rails' where.missing).
[[deprecated("use ar::where_doesnt_have")]] inline constexpr detail::relation_exists_fn<true> doesnt_have{};

namespace detail {
struct with_count_fn {
  // Counts the rows of has_many relations per record in the main statement: afterwards
  // u.posts_count() answers without a statement.
  template <class... Names>
    requires(std::is_convertible_v<const Names&, std::string_view> && ...)
  auto operator()(const Names&... names) const {
    return closure{[list = std::vector<std::string>{std::string(
                        std::string_view(names))...}]<class M, class R, class S, class J>(const query<M, R, S, J>& q) {
      static_assert(std::is_same_v<R, M>, "ar::with_count counts for whole records: use it before select");
      const ar::database db = q.database();
      std::vector<detail::query_state::counted> counted;
      for (const std::string& name : list) {
        const detail::relation_entry& entry = detail::relation_table_of<M>().find(name);
        if (!entry.store_count)
          throw error("ar::with_count counts a has_many, a has_many_through or an AR_HAS_MANY_VIA; '" + name +
                      "' of '" + std::string(model_of<M>::table) +
                      "' is not one (a has_one, a belongs_to, a morph_to or an AR_HAS_ONE_VIA)");
        detail::require_same_database(db, entry, "with_count");
        counted.push_back({detail::relation_subquery(entry, &table_meta_v<M>, nullptr), entry.store_count});
      }
      return q.transformed(
          [&](detail::query_state& s) { s.counts.insert(s.counts.end(), counted.begin(), counted.end()); });
    }};
  }
};
}  // namespace detail
inline namespace views {
// query | with_count("relation"): reads each record's count of related rows with it.
inline constexpr detail::with_count_fn with_count{};
}  // namespace views

}  // namespace ar

#endif  // AR_VIEWS_WHERE_HAS_HPP
