#ifndef AR_RELATION_HPP
#define AR_RELATION_HPP

// Relations, declared in AR_MODEL (see ar/model.hpp):
//
//   struct User {  ...  AR_MODEL(User, "users", AR_FIELDS(id, name),
//                                AR_HAS_MANY(posts, Post, user_id, AR_INVERSE(user)),
//                                AR_HAS_ONE(profile, Profile, user_id)); };
//   struct Post {  ...  AR_MODEL(Post, "posts", AR_FIELDS(id, user_id, title),
//                                AR_BELONGS_TO(user, Post_owner = User, user_id)); };
//
//   const std::vector<Post>& posts = user.posts();   // one statement the first time, none after
//   std::shared_ptr<const User> author = post.user(); // empty when the key is null or dangling
//   auto drafts = user.posts_query() | ar::filter(Post::c.status == "draft") | ar::count;
//
// A relation loads through its target model's database and caches what it found on the record,
// "nothing" and "empty" included. A null key runs no statement. Errors are thrown and leave the
// cache as it was. The checks of a declaration (the foreign key exists on the right model, the key
// types agree, the inverse points back) run where the relation is first used.

//
// A model that declares relations is defined where this header is visible (AR_MODEL checks it):
// what its relations' members, ar::destroy (AR_DEPENDENT), ar::update (a tree's cycle check) and
// the queries reading it (their records' shared context) call is then defined wherever the model is.

#include <ar/crud.hpp>
#include <ar/detail/execute.hpp>
#include <ar/detail/relation_def.hpp>
#include <ar/detail/relation_impl.hpp>
#include <ar/backend/dialect.hpp>
#include <ar/error.hpp>
#include <ar/export.hpp>
#include <ar/load/registry.hpp>
#include <ar/query.hpp>
#include <ar/transaction.hpp>
#include <ar/views/aggregate.hpp>
#include <ar/views/delete_all.hpp>
#include <ar/views/to_vector.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_set>
#include <utility>
#include <vector>

#undef AR_DETAIL_RELATIONS_INCLUDED
#define AR_DETAIL_RELATIONS_INCLUDED 1

namespace ar {

// Forgets what a record's relations have loaded: every relation, or the one named.
// (A record read with siblings also stops sharing their batch, so that the next read is fresh.)
template <model M>
void clear_relation_cache(const M& record) {
  [&]<class... R>(detail::type_list<R...>) {
    ((detail::slot_of<R>(record) = detail::relation_slot{}), ...);
  }(typename model_of<M>::relations{});
  record.ar_context.shared.reset();
}
// Forgets what the relation `name` has loaded; throws ar::relation_not_found when the model
// declares none of that name.
template <model M>
void clear_relation_cache(const M& record, std::string_view name) {
  detail::with_relation_named<M>(name, [&]<class R>() { detail::slot_of<R>(record) = detail::relation_slot{}; });
  record.ar_context.shared.reset();
}

// Loads the relation named `name` again (one statement, or none for a null key).
template <model M>
void reload_relation(const M& record, std::string_view name) {
  detail::with_relation_named<M>(name, [&]<class R>() { (void)detail::relation_impl<R>::reload(record); });
}

// Whether the relation named `name` is loaded on this record.
template <model M>
bool relation_loaded(const M& record, std::string_view name) {
  bool loaded = false;
  detail::with_relation_named<M>(name, [&]<class R>() { loaded = (record.*R::slot).loaded; });
  return loaded;
}

namespace detail {

// ar::destroy of a record with AR_DEPENDENT relations: in one transaction on the record's database,
// refuse while a restrict relation has rows, then destroy, delete or nullify the dependents, then
// delete the record. Dependents on another database are handled there, outside that transaction:
// writes are atomic per database only. When a later step fails after such a dependent was already
// changed, ar::partial_write_error says so and names the database whose changes stand.
// The databases other than its own that the innermost ar::destroy running on this thread has
// changed: a nested destroy (a dependent's own dependents) reports into it.
AR_API inline std::vector<std::string>*& destroy_written_elsewhere() {
  thread_local std::vector<std::string>* current = nullptr;
  return current;
}

template <class M>
bool destroy_with_dependents(const database& db, const M& record) {
  std::optional<transaction> tx;
  if (!db.in_transaction()) tx.emplace(db);
  std::vector<std::string> written_elsewhere;
  auto note = [&](const std::string& name) {
    if (name != db.name() &&
        std::find(written_elsewhere.begin(), written_elsewhere.end(), name) == written_elsewhere.end())
      written_elsewhere.push_back(name);
  };
  auto note_write = [&]<class R>() { note(::ar::database_for<typename R::target>().name()); };
  std::vector<std::string>* const outer = std::exchange(destroy_written_elsewhere(), &written_elsewhere);
  struct restore {
    std::vector<std::string>* outer;
    std::vector<std::string>* self;
    ~restore() {
      destroy_written_elsewhere() = outer;
      if (outer)
        for (const auto& n : *self)
          if (std::find(outer->begin(), outer->end(), n) == outer->end()) outer->push_back(n);
    }
  } restore_outer{outer, &written_elsewhere};
  using relations = typename model_of<M>::relations;
  try {
    [&]<class... R>(type_list<R...>) {
      (
          [&] {
            if constexpr (R::dependent == dependent_kind::restrict) {
              if (relation_impl<R>::query_for(record) | exists)
                throw restrict_error("ar: cannot destroy the '" + std::string(model_of<M>::table) +
                                     "' record with key " + key_string<M>(primary_key(record)) + ": its '" +
                                     std::string(to_string_view(typename R::name_type{})) +
                                     "' still has rows (AR_DEPENDENT(restrict))");
            }
          }(),
          ...);
      (
          [&] {
            if constexpr (R::dependent == dependent_kind::destroy) {
              for (const auto& child : relation_impl<R>::query_for(record) | to_vector) {
                destroy(child);
                note_write.template operator()<R>();
              }
            } else if constexpr (R::dependent == dependent_kind::remove) {
              if ((relation_impl<R>::query_for(record) | delete_all) > 0) note_write.template operator()<R>();
            } else if constexpr (R::dependent == dependent_kind::nullify) {
              if (nullify_all(relation_impl<R>::query_for(record), typename relation_impl<R>::fk_column{}) > 0)
                note_write.template operator()<R>();
            }
          }(),
          ...);
    }(relations{});
    const bool gone = delete_record(db, record);
    if (tx) tx->commit();
    return gone;
  } catch (const std::exception& e) {
    if (written_elsewhere.empty()) throw;
    std::string names;
    for (const auto& n : written_elsewhere) names += (names.empty() ? "'" : ", '") + n + "'";
    std::vector<std::string> written = written_elsewhere;
    throw partial_write_error(
        "ar::destroy of the '" + std::string(model_of<M>::table) + "' record with key " +
            key_string<M>(primary_key(record)) + " failed after its dependents on database " + names +
            " were already changed; those changes stand, while database '" + db.name() +
            (tx ? "' was rolled back" : "' is left to the transaction open on it") +
            " (writes through relations are atomic per database only, not across databases): " + e.what(),
        std::move(written));
  }
}

}  // namespace detail

// --- trees: a self-referential belongs_to ----------------------------------------------------------
// The walk up or down a tree (ar::ancestors / ar::descendants, ar/tree.hpp) and the cycle check
// ar::update and ar::save run on such a model are here, with the relations: CRUD calls the check
// wherever a tree model is defined.

// How many levels ancestors / descendants follow at most.
inline constexpr std::int64_t max_tree_depth = 10'000;

namespace detail {

AR_API std::string render_tree(const dialect& d, const table_meta& table, std::size_t key_column, std::size_t fk_column,
                               bool ancestors);

// (Over AR_KEYS a self-referential belongs_to is an ordinary relation: the tree walks and the cycle
// check follow one column.)
template <class Rel>
constexpr bool is_self_belongs_to_v = Rel::kind == relation_kind::belongs_to && !Rel::composite &&
                                      std::is_same_v<typename Rel::owner, typename Rel::target>;

template <class M, class Rel>
std::vector<M> tree_walk(const M& record, bool ancestors, const ar::database* on = nullptr) {
  static_assert(is_self_belongs_to_v<Rel>,
                "ar::ancestors / ar::descendants follow a self-referential belongs_to (a model's parent)");
  using impl = relation_impl<Rel>;
  const ar::database db = on ? *on : ::ar::database_for<M>();
  // Both walks start from the record's own key: its parent row up, or its children down.
  const auto start = record.*impl::key_def::pointer;
  std::vector<M> rows;
  const naming_scope names(db.naming());
  const std::string sql = render_tree(db.dialect(), table_meta_v<M>, column_lookup<M, impl::key_def::index>::position,
                                      column_lookup<M, impl::fk_def::index>::position, ancestors);
  const std::vector<value> params{to_value(start), value{max_tree_depth}};
  M staging{};
  std::array<column_binding, model_of<M>::size> columns;
  bind_record(staging, columns);
  // In data that already holds a cycle the walk repeats itself until the depth bound: keep each
  // record once, by its load key (an integer or a text: a uuid, a date or a strong id has no
  // std::hash of its own).
  using codec = load_key<typename impl::key_scalar>;
  std::unordered_set<typename codec::type> seen;
  auto on_row = [&] {
    if (seen.insert(codec::encode(staging.*impl::key_def::pointer)).second) rows.push_back(std::move(staging));
  };
  run(detail::state_of(db), sql, params, columns, row_callback::of(on_row));
  return rows;
}

// Before ar::update / ar::save stores a record: along every self-referential belongs_to, its new
// parent must not be the record itself or one of its descendants. `changed`, when given, lists the
// columns the write sends (a partial update): a parent column outside it keeps the parent the row
// already has, and needs no check (the walk is a statement).
template <class M>
void check_no_cycle(const database& db, const M& record, const std::vector<std::size_t>* changed) {
  [&]<class... R>(type_list<R...>) {
    (
        [&] {
          if constexpr (is_self_belongs_to_v<R>) {
            using impl = relation_impl<R>;
            if (changed) {
              constexpr std::size_t parent_column = column_lookup<M, impl::fk_def::index>::position;
              if (std::find(changed->begin(), changed->end(), parent_column) == changed->end()) return;
            }
            const auto parent = impl::lookup_value(record);
            if (!parent) return;
            // Compared by load key: a strong id need not have an operator==.
            using codec = load_key<typename impl::key_scalar>;
            const auto self = record.*impl::key_def::pointer;
            const auto parent_key = codec::encode(*parent);
            bool cycle = parent_key == codec::encode(self);
            if (!cycle) {
              for (const M& d : tree_walk<M, R>(record, false, &db))
                if (codec::encode(d.*impl::key_def::pointer) == parent_key) cycle = true;
            }
            if (cycle)
              throw error("ar: the '" + std::string(model_of<M>::table) + "' record with key " +
                          to_string(to_value(self)) + " would become its own ancestor through '" +
                          std::string(to_string_view(typename R::name_type{})) + "'; nothing was saved");
          }
        }(),
        ...);
  }(typename model_of<M>::relations{});
}

}  // namespace detail

}  // namespace ar

#endif  // AR_RELATION_HPP
