#ifndef AR_VERIFY_SCHEMA_HPP
#define AR_VERIFY_SCHEMA_HPP

// Checking a database's tables against the models before the program relies on them:
// ar::verify_schema<Models...>(db) reads the live catalog (through the dialect's catalog statements)
// and throws one ar::schema_mismatch_error listing every problem of every model, or returns a
// report of warnings; ar::verify_with<Models...>() makes the same check the open_options::verify
// hook, run by ar::open.

#include <ar/database.hpp>
#include <ar/detail/model_def.hpp>
#include <ar/detail/relation_def.hpp>
#include <ar/error.hpp>
#include <ar/export.hpp>
#include <ar/model_traits.hpp>

#include <array>
#include <cstddef>
#include <functional>
#include <span>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace ar {

// What ar::verify_schema found that works but should not stay so: today, foreign keys without an
// index (schema_problem_kind::unindexed_foreign_key; loading a has_many scans the whole table).
struct schema_report {
  // The warnings, one problem each.
  std::vector<schema_problem> warnings;
};

namespace detail {

// A belongs_to relation of a model, as verify_schema checks it: its name and its foreign key column.
struct foreign_key_meta {
  std::string_view relation;
  std::size_t column;  // its position in the table's columns (named per the database's naming)
};

// A model as verify_schema sees it: its table and the foreign key columns its belongs_to hold.
struct schema_model {
  const table_meta* table;
  std::span<const foreign_key_meta> foreign_keys;
};

template <class Name, class... C>
constexpr std::size_t position_of_field(type_list<C...>) {
  std::size_t out = 0, i = 0;
  (void)((std::is_same_v<typename C::name_type, Name> ? (out = i, true) : (++i, false)) || ...);
  return out;
}

template <class Name>
struct first_foreign_key {
  using type = Name;
};
template <class N, class... Rest>
struct first_foreign_key<foreign_keys<N, Rest...>> {
  using type = N;
};

// (Over AR_KEYS, the first field: an index that serves the foreign key starts with it.)
template <class M, class Rel>
constexpr void add_foreign_key(foreign_key_meta* out, std::size_t& at) {
  if constexpr (Rel::kind == relation_kind::belongs_to && !Rel::no_index)
    out[at++] = {to_string_view(typename Rel::name_type{}),
                 position_of_field<typename first_foreign_key<typename Rel::foreign_key_name>::type>(
                     typename model_of<M>::columns{})};
}

template <class M, class Relations = typename model_of<M>::relations>
inline constexpr std::array<foreign_key_meta, 0> foreign_keys_v{};
template <class M, class... R>
inline constexpr auto foreign_keys_v<M, type_list<R...>> = [] {
  std::array<foreign_key_meta, (std::size_t{R::kind == relation_kind::belongs_to && !R::no_index} + ... + 0)> out{};
  [[maybe_unused]] std::size_t at = 0;
  (add_foreign_key<M, R>(out.data(), at), ...);
  return out;
}();

template <model M>
inline constexpr schema_model schema_model_v{&table_meta_v<M>, foreign_keys_v<M>};

// Compiled once (src/query/verify_schema.cpp): checks models[i] on dbs[i].
AR_API schema_report verify_models(std::span<const database> dbs, std::span<const schema_model> models);

}  // namespace detail

// Compares each model with its table in `db`'s catalog and throws ar::schema_mismatch_error listing
// every problem found, in the models' order: a missing table, a missing column, a column whose type
// cannot hold its field (per database: a TEXT column for an integer, a 32-bit column for an int64), a
// column that takes NULL for a field that is not a std::optional, a primary key other than the
// model's key column. Without problems, returns the warnings: each belongs_to whose foreign key
// column leads no index (not one declared AR_NO_INDEX). Runs only catalog queries, with the table names bound.
template <model... Ms>
schema_report verify_schema(const database& db) {
  static_assert(sizeof...(Ms) > 0, "ar::verify_schema<Models...>(db): name at least one model to check");
  static constexpr std::array<detail::schema_model, sizeof...(Ms)> models{detail::schema_model_v<Ms>...};
  const std::array<database, sizeof...(Ms)> dbs{(static_cast<void>(sizeof(Ms)), db)...};
  return detail::verify_models(dbs, models);
}

// The same, each model on the database it is bound to (ar::bind, else the default database).
template <model... Ms>
schema_report verify_schema() {
  static_assert(sizeof...(Ms) > 0, "ar::verify_schema<Models...>(): name at least one model to check");
  static constexpr std::array<detail::schema_model, sizeof...(Ms)> models{detail::schema_model_v<Ms>...};
  const std::array<database, sizeof...(Ms)> dbs{database_for<Ms>()...};
  return detail::verify_models(dbs, models);
}

// The check as an open_options::verify hook: ar::open runs verify_schema<Ms...> on the database it
// opens, and a mismatch fails the open (the database is closed again, the error thrown). The
// warnings go to `on_report` when one is given.
//
//   ar::open(url, "default", {.verify = ar::verify_with<User, Post>()});
template <model... Ms>
std::function<void(const database&)> verify_with(std::function<void(const schema_report&)> on_report = {}) {
  static_assert(sizeof...(Ms) > 0, "ar::verify_with<Models...>(): name at least one model to check");
  return [on_report = std::move(on_report)](const database& db) {
    const schema_report report = verify_schema<Ms...>(db);
    if (on_report) on_report(report);
  };
}

}  // namespace ar

#endif  // AR_VERIFY_SCHEMA_HPP
