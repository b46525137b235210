#ifndef AR_TREE_HPP
#define AR_TREE_HPP

// Self-referential relations are ordinary relations whose target is the model itself:
//
//   struct Category { ... AR_MODEL(Category, "categories", AR_FIELDS(id, parent_id, name),
//                                  AR_BELONGS_TO(parent, Category, parent_id, AR_INVERSE(children)),
//                                  AR_HAS_MANY(children, Category, parent_id, AR_INVERSE(parent))); };
//
// On top of them, through the self-referential belongs_to named `relation`:
//   ar::ancestors(c, "parent")    the parent, its parent, ... nearest first   (one statement)
//   ar::descendants(c, "parent")  children, grandchildren, ... by depth       (one statement)
// Both are recursive common table expressions, bounded by `max_tree_depth` levels so that a cycle
// already in the data cannot make them run forever. ar::update and ar::save refuse to store a
// record that would become its own ancestor.

#include <ar/error.hpp>
#include <ar/relation.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace ar {

// How many levels ancestors / descendants follow at most.
inline constexpr std::int64_t max_tree_depth = 10'000;

namespace detail {

std::string render_tree(const dialect& d, const table_meta& table, std::size_t key_column, std::size_t fk_column,
                        bool ancestors);

template <class Rel>
constexpr bool is_self_belongs_to_v =
    Rel::kind == relation_kind::belongs_to && std::is_same_v<typename Rel::owner, typename Rel::target>;

template <class M, class Rel>
std::vector<M> tree_walk(const M& record, bool ancestors, const ar::database* on = nullptr) {
  static_assert(is_self_belongs_to_v<Rel>,
                "ar::ancestors / ar::descendants follow a self-referential belongs_to (a model's parent)");
  using impl = relation_impl<Rel>;
  const ar::database db = on ? *on : ::ar::database_for<M>();
  // Both walks start from the record's own key: its parent row up, or its children down.
  const auto start = record.*impl::key_def::pointer;
  std::vector<M> rows;
  const std::string sql = render_tree(db.dialect(), table_meta_v<M>, column_lookup<M, impl::key_def::index>::position,
                                      column_lookup<M, impl::fk_def::index>::position, ancestors);
  const std::vector<value> params{to_value(start), value{max_tree_depth}};
  M staging{};
  std::array<column_binding, model_of<M>::size> columns;
  bind_record(staging, columns);
  // In data that already holds a cycle the walk repeats itself until the depth bound: keep each
  // record once.
  std::unordered_set<typename impl::key_scalar> seen;
  auto on_row = [&] {
    if (seen.insert(staging.*impl::key_def::pointer).second) rows.push_back(std::move(staging));
  };
  run(db.state(), sql, params, columns, row_callback::of(on_row));
  return rows;
}

template <class M, class F>
void with_self_relation(std::string_view relation, F&& f) {
  with_relation_named<M>(relation, [&]<class R>() {
    if constexpr (is_self_belongs_to_v<R>)
      f.template operator()<R>();
    else
      throw error("ar: '" + std::string(relation) + "' of '" + std::string(model_of<M>::table) +
                  "' is not a self-referential belongs_to (a parent relation)");
  });
}

}  // namespace detail

// The ancestors of a record along a self-referential belongs_to: its parent first.
template <model M>
std::vector<M> ancestors(const M& record, std::string_view relation) {
  std::vector<M> out;
  detail::with_self_relation<M>(relation, [&]<class R>() { out = detail::tree_walk<M, R>(record, true); });
  return out;
}

// The descendants of a record along a self-referential belongs_to: children first, then theirs.
template <model M>
std::vector<M> descendants(const M& record, std::string_view relation) {
  std::vector<M> out;
  detail::with_self_relation<M>(relation, [&]<class R>() { out = detail::tree_walk<M, R>(record, false); });
  return out;
}

namespace detail {

// Before ar::update / ar::save stores a record: along every self-referential belongs_to, its new
// parent must not be the record itself or one of its descendants.
template <class M>
void check_no_cycle(const database& db, const M& record) {
  [&]<class... R>(type_list<R...>) {
    (
        [&] {
          if constexpr (is_self_belongs_to_v<R>) {
            using impl = relation_impl<R>;
            const auto parent = impl::lookup_value(record);
            if (!parent) return;
            const auto self = record.*impl::key_def::pointer;
            bool cycle = *parent == self;
            if (!cycle) {
              for (const M& d : tree_walk<M, R>(record, false, &db))
                if (d.*impl::key_def::pointer == *parent) cycle = true;
            }
            if (cycle)
              throw error("ar: the '" + std::string(model_of<M>::table) + "' record with key " + to_string(to_value(self)) +
                          " would become its own ancestor through '" +
                          std::string(to_string_view(typename R::name_type{})) + "'; nothing was saved");
          }
        }(),
        ...);
  }(typename model_of<M>::relations{});
}

}  // namespace detail

}  // namespace ar

#endif  // AR_TREE_HPP
