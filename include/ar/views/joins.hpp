#ifndef AR_VIEWS_JOINS_HPP
#define AR_VIEWS_JOINS_HPP

// Joins through declared relations, in the query's own statement (so the related model must live on
// the same database):
//
//   from<User>() | joins<"posts">                          // INNER JOIN posts ON posts.user_id = users.id
//   from<User>() | joins<"posts.comments">                 // and comments of those posts
//   from<User>() | left_joins<"posts">                     // LEFT JOIN: users without posts too
//   from<Post>() | joins<"tags">                           // through the join model: post_tags, then tags
//
// The paths are checked at compile time, as with_path's are, and after a join the columns of every
// model it reached may be used in filter, order_by, select, group_by and having; a column of a model
// the query neither reads nor joins does not compile. In select, a column of a model reached only by
// LEFT JOINs is a std::optional (its row may be missing).
//
// Records read whole (to_vector, first, count, ...) come back once each: when a join may match
// several rows per record (has_many, has_many_through, or any join after one on its path) the
// statement is SELECT DISTINCT, and ordering the records by a column of such a join is refused (a
// record has no one value of it). A join never changes what with(...) loads: eager loads read each
// relation whole, by the records' keys. The same path joined twice is joined once (INNER when either
// asked for it). A table reached twice (a self-referential relation, or two paths to one model) is
// joined again under a name of its own (an alias made of its path: "manager"), and its columns are
// named through the path, ar::joined<"manager">(Employee::c.name) (ar/expr.hpp); Employee::c.name
// alone stays the query's own row's (or, for a model the query only joins, its first join's).
// update_all and delete_all do not take a query that joins.

#include <ar/error.hpp>
#include <ar/load/paths.hpp>
#include <ar/load/registry.hpp>
#include <ar/query.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace ar {

namespace detail {

template <class T, class List>
struct list_prepend;
template <class T, class... L>
struct list_prepend<T, type_list<L...>> {
  using type = type_list<T, L...>;
};

// The relation types a path names, from model M on (the path exists: path_exists said so). Past a
// morph_to the path stops: its model depends on each row.
template <class M, fixed_string Path, std::size_t Begin>
constexpr auto path_relations() {
  constexpr std::size_t end = Path.dot_from(Begin);
  constexpr std::size_t position = relation_position<M, Path>(Begin, end);
  using rel = typename nth<position, typename model_of<M>::relations>::type;
  if constexpr (end == Path.view().size() || rel::kind == relation_kind::morph_to)
    return type_list<rel>{};
  else
    return typename list_prepend<rel, decltype(path_relations<typename rel::target, Path, end + 1>())>::type{};
}

template <class List>
inline constexpr bool has_morph_to_v = false;
template <class... R>
inline constexpr bool has_morph_to_v<type_list<R...>> = ((R::kind == relation_kind::morph_to) || ...);

// The part of a path up to `End` ("posts" of "posts.comments"), as a template argument.
template <fixed_string Path, std::size_t End>
constexpr auto path_prefix() {
  char text[End + 1]{};
  for (std::size_t i = 0; i < End; ++i) text[i] = Path.chars[i];
  return fixed_string<End + 1>(text);
}

// The models a relation adds to a query, at the path Prefix that leads to it: its target, after its
// join model for a through relation (or its middle model for a chain), which no path names.
template <class Rel, bool Left, fixed_string Prefix>
struct joined_models {
  using type = type_list<join_entry<Prefix, typename Rel::target, Left>>;
};
template <class Rel, bool Left, fixed_string Prefix>
  requires(Rel::kind == relation_kind::has_many_through)
struct joined_models<Rel, Left, Prefix> {
  using type = type_list<join_entry<Prefix, typename Rel::through_model, Left, false>,
                         join_entry<Prefix, typename Rel::target, Left>>;
};

template <class Rel, bool Left, fixed_string Prefix>
  requires(Rel::kind == relation_kind::chain)
struct joined_models<Rel, Left, Prefix> {
  using type = type_list<join_entry<Prefix, typename relation_impl<Rel>::mid, Left, false>,
                         join_entry<Prefix, typename Rel::target, Left>>;
};

// The models a path adds to a query, from model M on, each at the part of the path that leads to it.
template <class M, fixed_string Path, std::size_t Begin, bool Left>
constexpr auto path_joins() {
  constexpr std::size_t end = Path.dot_from(Begin);
  constexpr std::size_t position = relation_position<M, Path>(Begin, end);
  using rel = typename nth<position, typename model_of<M>::relations>::type;
  using here = typename joined_models<rel, Left, path_prefix<Path, end>()>::type;
  if constexpr (end == Path.view().size() || rel::kind == relation_kind::morph_to)
    return here{};
  else
    return typename concat_lists<here, decltype(path_joins<typename rel::target, Path, end + 1, Left>())>::type{};
}

// A query's joins with several paths' models added, in order.
template <class Joins, class... PathJoins>
struct add_joined_paths {
  using type = Joins;
};
template <class Joins, class First, class... Rest>
struct add_joined_paths<Joins, First, Rest...> : add_joined_paths<typename concat_lists<Joins, First>::type, Rest...> {
};

template <class Rel>
constexpr bool to_many_v = Rel::kind == relation_kind::has_many || Rel::kind == relation_kind::has_many_through ||
                           (Rel::kind == relation_kind::chain && Rel::chain_many);

// The join of one relation to the query's state; its owner is already in the query, as the join at
// `to` (an index into the joins) or as the query's own table (no_join). Returns the index of the
// join that reaches the relation's target.
template <class Rel>
std::size_t join_relation(query_state& s, std::string_view path, bool left, bool many_before, std::size_t to) {
  using owner = typename Rel::owner;
  using target = typename Rel::target;
  if constexpr (Rel::kind == relation_kind::chain) {
    // Its hop's model, then its source's target.
    using impl = relation_impl<Rel>;
    const std::size_t hop = join_relation<typename impl::hop>(
        s, std::string(path) + " (through " + std::string(to_string_view(typename Rel::chain_hop{})) + ")", left,
        many_before, to);
    return join_relation<typename impl::source>(s, path, left, many_before || to_many_v<typename impl::hop>, hop);
  } else if constexpr (Rel::kind == relation_kind::has_many_through) {
    using join = typename Rel::through_model;
    using owner_key = typename model_of<owner>::primary_key;
    using target_key = typename model_of<target>::primary_key;
    using join_owner = typename column_named<typename Rel::foreign_key_name, typename model_of<join>::columns>::def;
    using join_target = typename column_named<typename Rel::through_target_key, typename model_of<join>::columns>::def;
    join_clause through;
    through.path = std::string(path) + " (its join model)";
    through.table = &table_meta_v<join>;
    through.to = &table_meta_v<owner>;
    through.to_join = to;
    through.column = static_cast<std::uint32_t>(column_lookup<join, join_owner::index>::position);
    through.to_column = static_cast<std::uint32_t>(column_lookup<owner, owner_key::index>::position);
    through.left = left;
    through.many = true;
    // A polymorphic many-to-many: the join rows carry the owner's type or the target's.
    using type_field = std::conditional_t<!std::is_void_v<typename Rel::morph_type_field>,
                                          typename Rel::morph_type_field, typename Rel::morph_target_field>;
    if constexpr (!std::is_void_v<type_field>) {
      using type_def = typename column_named<type_field, typename model_of<join>::columns>::def;
      auto condition = std::make_shared<expr_tree>();
      condition->add_compare(
          compare_op::eq, &table_meta_v<join>,
          static_cast<std::uint32_t>(column_lookup<join, type_def::index>::position),
          std::is_void_v<typename Rel::morph_type_field> ? model_of<target>::morph_name : model_of<owner>::morph_name);
      through.condition = std::move(condition);
    }
    const std::size_t at = add_join_clause(s, std::move(through));
    join_clause to_target;
    to_target.path = std::string(path);
    to_target.table = &table_meta_v<target>;
    to_target.to = &table_meta_v<join>;
    to_target.to_join = at;
    to_target.column = static_cast<std::uint32_t>(column_lookup<target, target_key::index>::position);
    to_target.to_column = static_cast<std::uint32_t>(column_lookup<join, join_target::index>::position);
    to_target.left = left;
    to_target.many = true;
    return add_join_clause(s, std::move(to_target));
  } else {
    const relation_entry& entry = relation_table_of<owner>().find(to_string_view(typename Rel::name_type{}));
    join_clause clause;
    clause.path = std::string(path);
    clause.table = entry.target_meta;
    clause.to = &table_meta_v<owner>;
    clause.to_join = to;
    clause.column = entry.inner_column;
    clause.to_column = entry.outer_column;
    clause.more = entry.inner_more;
    clause.to_more = entry.outer_more;
    if (entry.condition) clause.condition = entry.condition();  // morph_many / morph_one: the owner's type
    clause.left = left;
    clause.many = many_before || Rel::kind == relation_kind::has_many;
    return add_join_clause(s, std::move(clause));
  }
}

template <class... Rels>
void join_path(query_state& s, std::string_view path, bool left, type_list<Rels...>) {
  std::size_t end = 0, to = no_join;
  bool first = true, many = false;
  // Each relation joins under the part of the path that leads to it ("posts", then "posts.comments"),
  // to the join before it.
  auto one = [&]<class Rel>(type_list<Rel>) {
    end = path.find('.', first ? 0 : end + 1);
    if (end == std::string_view::npos) end = path.size();
    first = false;
    to = join_relation<Rel>(s, path.substr(0, end), left, many, to);
    many = many || to_many_v<Rel>;
  };
  (one(type_list<Rels>{}), ...);
}

template <bool Left, fixed_string... Paths>
struct joins_fn {
  static constexpr const char* name = Left ? "left_joins" : "joins";

  // The query by value: a temporary one (a pipeline being built) is moved in and changed in place.
  template <class M, class R, class S, class J>
  auto operator()(query<M, R, S, J> q) const {
    static_assert(sizeof...(Paths) > 0, "ar::joins<...> names at least one relation path");
    static_assert(((Paths.names() <= max_relation_path_names) && ...),
                  "ar::joins: a path names more than 64 relations (ar::detail::max_relation_path_names)");
    static_assert((path_names_declared_relations<Paths, relation_names_of<typename path_stop<M, Paths, 0>::type>(),
                                                 path_exists<M, Paths, 0>()> &&
                   ...),
                  "ar::joins: a path names a relation the model does not declare (the note spells the path and "
                  "the relations of the model where it stops), or is not a dot-separated list of relation names");
    if constexpr (!(path_exists<M, Paths, 0>() && ...)) {
      return q;
    } else if constexpr ((has_morph_to_v<decltype(path_relations<M, Paths, 0>())> || ...)) {
      static_assert(!(has_morph_to_v<decltype(path_relations<M, Paths, 0>())> || ...),
                    "ar::joins: a path goes through a morph_to, whose model depends on each row: a JOIN needs one "
                    "table; join from the other side (its morph_many), or use with(...)");
      return q;
    } else {
      using next = typename add_joined_paths<J, decltype(path_joins<M, Paths, 0, Left>())...>::type;
      return std::move(q).template with_joins<next>(
          [&](query_state& s) { (join_path(s, Paths.view(), Left, path_relations<M, Paths, 0>()), ...); });
    }
  }
};

}  // namespace detail

inline namespace views {
// joins<"posts", "profile">: INNER JOINs along relation paths (checked at compile time).
template <fixed_string... Paths>
inline constexpr closure<detail::joins_fn<false, Paths...>> joins{};
// left_joins<"posts">: LEFT JOINs, keeping the rows that have no related row.
template <fixed_string... Paths>
inline constexpr closure<detail::joins_fn<true, Paths...>> left_joins{};
}  // namespace views

}  // namespace ar

#endif  // AR_VIEWS_JOINS_HPP
