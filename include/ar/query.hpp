#ifndef AR_QUERY_HPP
#define AR_QUERY_HPP

// A query is a value: ar::from<User>() names a table, each adaptor (ar/views/) returns a new query
// or, for terminal adaptors, runs it. Adaptor closures compose with | into reusable fragments:
//
//   auto adults = ar::filter(User::c.age >= 18) | ar::order_by(User::c.name);
//   std::vector<User> page = ar::from<User>() | adults | ar::take(20) | ar::to_vector;
//
// Row is what a query yields: the model, or a std::tuple / struct of selected columns (Staging is
// what a row is read into before it becomes a Row).

#include <ar/database.hpp>
#include <ar/detail/execute.hpp>
#include <ar/detail/query_state.hpp>
#include <ar/detail/record_buffer.hpp>
#include <ar/export.hpp>
#include <ar/expr.hpp>
#include <ar/model.hpp>

#include <array>
#include <compare>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace ar {

template <model M, class Row = M, class Staging = Row, class Joins = detail::type_list<>>
class query;

namespace detail {

// How a row is read: the columns of a model, or one column per tuple element.
template <class Staging>
struct staging_binder;

template <model M>
struct staging_binder<M> {
  static constexpr std::size_t size = model_of<M>::size;
  static void bind(M& m, std::span<column_binding> out) noexcept { bind_record(m, out); }
};

template <class... T>
struct staging_binder<std::tuple<T...>> {
  static constexpr std::size_t size = sizeof...(T);
  static void bind(std::tuple<T...>& t, std::span<column_binding> out) noexcept {
    std::apply(
        [&](auto&... element) {
          std::size_t i = 0;
          ((out[i++] = bind_column(element)), ...);
        },
        t);
  }
};

// Turns what was read into a Row.
template <class Row, class Staging>
Row make_row(Staging&& staging) {
  if constexpr (std::is_same_v<Row, std::remove_cvref_t<Staging>>) {
    return std::move(staging);
  } else {
    return std::apply([](auto&&... v) { return Row{std::move(v)...}; }, std::move(staging));
  }
}

template <class T>
inline constexpr bool is_query_v = false;
template <class M, class R, class S, class J>
inline constexpr bool is_query_v<query<M, R, S, J>> = true;

template <class Root, class X>
constexpr bool belongs_to_model() {
  return []<class... Ms>(type_list<Ms...>) {
    return ((std::is_same_v<Ms, Root> || std::is_same_v<Ms, aggregated>) && ...);
  }(typename models_of<X>::type{});
}

// A model a query joins (ar/views/joins.hpp), along the relation path Path (the part of a joins<>
// path that leads to it: "posts", then "posts.comments"); Left: by a LEFT JOIN, so that a row may
// have none. Named: ar::joined<Path>(column) names it (not so the join model a through relation, or
// a chain's middle model, is joined on the way by).
template <fixed_string Path, class Model, bool Left, bool Named = true>
struct join_entry {
  using model = Model;
  static constexpr fixed_string path = Path;
  static constexpr bool left = Left;
  static constexpr bool named = Named;
};

// Whether a query's joins (a type_list of join_entry<...>) include Model.
template <class Joins, class Model>
inline constexpr bool joins_model_v =
    []<class... Js>(type_list<Js...>) { return (std::is_same_v<typename Js::model, Model> || ...); }(Joins{});

// Whether a column of Model, written plainly (Model::c.field) in a query that joins Model but does
// not read it, may be NULL: it names the first join of Model (a table reached again is aliased), and
// that join is a LEFT JOIN each time its path is joined (a path joined twice is INNER when either
// is).
template <class Joins, class Model>
inline constexpr bool left_joined_v = []<class... Js>(type_list<Js...>) {
  std::string_view path;
  bool found = false, named = false, left = true;
  [[maybe_unused]] auto first = [&](auto j) {
    using J = decltype(j);
    if (found || !std::is_same_v<typename J::model, Model>) return;
    found = true;
    path = J::path.view();
    named = J::named;
  };
  (first(Js{}), ...);
  [[maybe_unused]] auto each = [&](auto j) {
    using J = decltype(j);
    if (std::is_same_v<typename J::model, Model> && J::named == named && J::path.equals(path)) left = left && J::left;
  };
  (each(Js{}), ...);
  return found && left;
}(Joins{});

// The join of a path ar::joined<Path> names: whether the query has one, and whether every one is a
// LEFT JOIN (its columns may then be NULL).
template <class Joins, fixed_string Path>
inline constexpr bool joins_path_v =
    []<class... Js>(type_list<Js...>) { return ((Js::named && Js::path.equals(Path.view())) || ...); }(Joins{});
template <class Joins, fixed_string Path>
inline constexpr bool left_joined_path_v = joins_path_v<Joins, Path> && []<class... Js>(type_list<Js...>) {
  return ((!(Js::named && Js::path.equals(Path.view())) || Js::left) && ...);
}(Joins{});

// The model a joined path leads to (void: the query does not join it).
template <class Joins, fixed_string Path>
struct path_model {
  using type = void;
};
template <class J, class... Rest, fixed_string Path>
struct path_model<type_list<J, Rest...>, Path> {
  using type =
      typename std::conditional_t<J::named && J::path.equals(Path.view()), std::type_identity<typename J::model>,
                                  path_model<type_list<Rest...>, Path>>::type;
};

// A model's table, and a column's "table.field", as template arguments of the checks that refuse
// them (the compiler's "evaluates to false" note spells them).
template <class M>
constexpr auto table_spelling() {
  constexpr std::string_view table = model_of<M>::table;
  char text[table.size() + 1]{};
  for (std::size_t i = 0; i < table.size(); ++i) text[i] = table[i];
  return fixed_string<table.size() + 1>(text);
}
template <class M, int I>
constexpr auto column_spelling() {
  constexpr std::string_view table = model_of<M>::table;
  constexpr std::string_view field = column_lookup<M, I>::def::name;
  char text[table.size() + field.size() + 2]{};
  std::size_t at = 0;
  for (char c : table) text[at++] = c;
  text[at++] = '.';
  for (char c : field) text[at++] = c;
  return fixed_string<table.size() + field.size() + 2>(text);
}
// true when the query joins Path; written with the path, which the compiler's note spells.
template <fixed_string Path, bool Joined>
inline constexpr bool query_joins_the_path = Joined;
// true when the column is of the model the path leads to; written with the path, the column and
// the table the path leads to.
template <fixed_string Path, fixed_string Column, fixed_string TableThePathLeadsTo, bool Same>
inline constexpr bool column_is_of_the_model_the_path_leads_to = Same;

// Whether one model of an expression is in query Q: Q's own, the aggregate tag, one Q joins; or a
// column through a join's path (ar::joined<Path>), which Q must join, leading to its model (each
// refusal a static_assert of its own, naming the path).
template <class Q, class Ms>
constexpr bool model_in_query() {
  using q = std::remove_cvref_t<Q>;
  if constexpr (is_joined_column_of_v<Ms>) {
    using J = typename q::joins_type;
    using M = typename Ms::model;
    static_assert(query_joins_the_path<Ms::path, joins_path_v<J, Ms::path>>,
                  "ar::joined<\"path\">(column): the query does not join the path (the note spells it): join it "
                  "first, with ar::joins<\"path\"> or ar::left_joins<\"path\">");
    if constexpr (joins_path_v<J, Ms::path>) {
      using target = typename path_model<J, Ms::path>::type;
      static_assert(column_is_of_the_model_the_path_leads_to<Ms::path, column_spelling<M, Ms::index>(),
                                                             table_spelling<target>(), std::is_same_v<target, M>>,
                    "ar::joined<\"path\">(column): the column is not of the model the path leads to (the note "
                    "spells the path, the column, and the table the path leads to)");
    }
    return true;  // refused above, with its own sentence
  } else {
    return std::is_same_v<Ms, typename q::model_type> || std::is_same_v<Ms, aggregated> ||
           joins_model_v<typename q::joins_type, Ms>;
  }
}

// Whether every model expression X uses is the query's own or one it joins (or the aggregate tag).
template <class Q, class X>
constexpr bool belongs_to_query() {
  return []<class... Ms>(type_list<Ms...>) { return (model_in_query<Q, Ms>() && ...); }(typename models_of<X>::type{});
}

// Whether a selected expression's model may be missing from a row of a query of M with joins J:
// a model M only joins, every join of it a LEFT JOIN; a path every join of which is.
template <class M, class J, class Ms>
constexpr bool may_be_missing() {
  if constexpr (is_joined_column_of_v<Ms>) {
    return left_joined_path_v<J, Ms::path>;
  } else {
    return !std::is_same_v<Ms, M> && left_joined_v<J, Ms>;
  }
}

// The run-time tree of an expression.
template <class X>
expr_tree to_tree(const X& x) {
  expr_tree tree;
  lower(tree, x);
  return tree;
}
// The trees of several, moved into the vector (an initializer list would copy each).
template <class... X>
std::vector<expr_tree> to_trees(const X&... x) {
  std::vector<expr_tree> trees;
  trees.reserve(sizeof...(X));
  (trees.push_back(to_tree(x)), ...);
  return trees;
}

// What a query holds: its database (empty: its model's, resolved when it runs) and its state.
// Made, copied and dropped in the library (src/query/query_state.cpp): a pipeline makes and drops a query
// per step, and their reference counts inlined at every step were most of a pipeline's code.
class AR_API query_core {
 public:
  query_core(ar::database&& db, std::shared_ptr<const query_state>&& state) noexcept;
  query_core(const ar::database& db, const std::shared_ptr<const query_state>& state) noexcept;
  query_core(const query_core& other) noexcept;
  query_core(query_core&& other) noexcept;
  query_core& operator=(const query_core& other) noexcept;
  query_core& operator=(query_core&& other) noexcept;
  ~query_core();

 protected:
  ar::database db_;
  std::shared_ptr<const query_state> state_;
};

}  // namespace detail

// A query of model M's table: immutable, built by from<M>() and the views (filter, order_by,
// select, ...), run by to_vector, first, stream, ... Row is what it yields.
template <model M, class Row, class Staging, class Joins>
class query : public detail::query_core {
 public:
  // The model whose table the query reads.
  using model_type = M;
  // What each row of the result is read into: M, or what select(...) made it.
  using row_type = Row;
  // What a row is read into before it becomes a Row.
  using staging_type = Staging;
  // The models joins<"path"> / left_joins<"path"> added (detail::join_entry<Path, Model, Left, Named>, in
  // order).
  using joins_type = Joins;

  // Every row of M's table, on M's database (resolved when the query runs).
  query() : query_core(ar::database{}, initial_state()) {}
  // Every row of M's table, on `db`.
  explicit query(const ar::database& db) : query_core(db, initial_state()) {}
  // The query of this state on `db` (the views build their results so).
  query(ar::database db, std::shared_ptr<const detail::query_state> state)
      : query_core(std::move(db), std::move(state)) {}

  // The database the query runs on.
  ar::database database() const { return db_ == ar::database{} ? database_for<M>() : db_; }
  // The database given to from(db), or an empty handle: the query runs on its model's (for a
  // sharded model, ar::shard: on the shards its filter names, else on every shard).
  const ar::database& given_database() const noexcept { return db_; }

  // A statement as the query sends it: its SQL and its parameters.
  struct rendered {
    // The SQL, with the dialect's placeholders.
    std::string sql;
    std::vector<value> parameters;  // bound to the placeholders, in order
  };
  // The statement the query sends, for its database's dialect or for the one given.
  rendered render() const {
    const ar::database db = database();
    const detail::naming_scope names(db.naming());
    return render(db.dialect());
  }
  // The statement the query sends, for the dialect `d`.
  rendered render(const dialect& d) const {
    rendered r;
    detail::render_select(r.sql, r.parameters, d, *state_);
    return r;
  }
  // The SQL the query sends, for its database's dialect.
  std::string to_sql() const { return render().sql; }
  // The SQL the query sends, for the dialect `d`.
  std::string to_sql(const dialect& d) const { return render(d).sql; }
  // The values bound to the SQL's placeholders, in order.
  std::vector<value> parameters() const { return render().parameters; }

  // The query as a subquery of another (in(query), exists_in, scalar): its state and its database.
  friend detail::query_subquery subquery_of(const query& q) { return {q.state_, q.database().name()}; }

  // What the query says (its table, conditions, order, ...), for the SQL renderer.
  const detail::query_state& state() const noexcept { return *state_; }
  // The state, shared: a copy of the query shares it.
  const std::shared_ptr<const detail::query_state>& shared_state() const noexcept { return state_; }

  // A copy of this query with its state changed by `change`.
  template <class F>
  query transformed(F&& change) const& {
    auto next = detail::copy_state(*state_);
    change(*next);
    return query(db_, std::move(next));
  }
  // The same from a temporary query: when nothing else shares its state (a pipeline being built),
  // the state is changed in place rather than copied.
  template <class F>
  query transformed(F&& change) && {
    auto next = detail::writable_state(std::move(state_));
    change(*next);
    state_ = std::move(next);
    return std::move(*this);
  }

  // The same query yielding other rows.
  template <class Row2, class Staging2 = Row2, class F>
  query<M, Row2, Staging2, Joins> with_rows(F&& change) const& {
    auto next = detail::copy_state(*state_);
    change(*next);
    return query<M, Row2, Staging2, Joins>(db_, std::move(next));
  }
  // The same from a temporary query: its state changed in place when nothing else shares it.
  template <class Row2, class Staging2 = Row2, class F>
  query<M, Row2, Staging2, Joins> with_rows(F&& change) && {
    auto next = detail::writable_state(std::move(state_));
    change(*next);
    return query<M, Row2, Staging2, Joins>(std::move(db_), std::move(next));
  }

  // The same query with more models joined (ar/views/joins.hpp).
  template <class Joins2, class F>
  query<M, Row, Staging, Joins2> with_joins(F&& change) const& {
    auto next = detail::copy_state(*state_);
    change(*next);
    return query<M, Row, Staging, Joins2>(db_, std::move(next));
  }
  // The same from a temporary query: its state changed in place when nothing else shares it.
  template <class Joins2, class F>
  query<M, Row, Staging, Joins2> with_joins(F&& change) && {
    auto next = detail::writable_state(std::move(state_));
    change(*next);
    return query<M, Row, Staging, Joins2>(std::move(db_), std::move(next));
  }

 private:
  static const std::shared_ptr<const detail::query_state>& initial_state() {
    static const auto initial = [] {
      auto s = std::make_shared<detail::query_state>();
      s->table = &table_meta_v<M>;
      return std::shared_ptr<const detail::query_state>(std::move(s));
    }();
    return initial;
  }
};

// Every row of model M's table (on M's database, or on `db`).
template <model M>
query<M> from() {
  return query<M>();
}
// Every row of model M's table, on `db`.
template <model M>
query<M> from(const database& db) {
  return query<M>(db);
}

// An adaptor closure: query | closure applies it; closure | closure composes them.
template <class F>
struct closure {
  // The adaptor: takes a query, returns the adapted one.
  F fn;

  // closure(query) is query | closure.
  template <class Q>
    requires detail::is_query_v<std::remove_cvref_t<Q>>
  decltype(auto) operator()(Q&& q) const {
    return fn(std::forward<Q>(q));
  }
};
// A closure of any callable.
template <class F>
closure(F) -> closure<F>;

// query | closure: the query the closure adapts it into.
template <class Q, class F>
  requires detail::is_query_v<std::remove_cvref_t<Q>>
decltype(auto) operator|(Q&& q, const closure<F>& c) {
  return c.fn(std::forward<Q>(q));
}
// A temporary closure may give up what it holds (a filter's condition) to the query.
template <class Q, class F>
  requires detail::is_query_v<std::remove_cvref_t<Q>>
decltype(auto) operator|(Q&& q, closure<F>&& c) {
  return std::move(c.fn)(std::forward<Q>(q));
}

// closure | closure: one closure that applies `first`, then `second`.
template <class F, class G>
auto operator|(closure<F> first, closure<G> second) {
  return closure{
      [first = std::move(first), second = std::move(second)](const auto& q) { return second.fn(first.fn(q)); }};
}

namespace detail {

// Sharded models (ar::shard, compiled once, in src/query/sharded.cpp). The shards a query of a
// sharded model runs on: those its top-level filter fixes the shard key to (== a value, in values,
// AND-ed), else every shard.
AR_API std::vector<ar::database> target_shards(const query_state& state);
// read_records of a sharded model's query: one statement per target shard, run concurrently, the
// rows merged (by the query's order_by, else in shard order), then drop and take applied.
AR_API void read_sharded_records(const query_state& state, const record_ops& ops,
                                 void (*sink)(void* context, void* record), void* context);
// A sharded query's merge (src/query/sharded.cpp): whether NULL sorts first on the shards (their
// dialect's; ar::configuration_error, when `ordered`, for shards that disagree or an order_by that
// cannot be merged), and whether a
// record's row comes before another's by the query's order_by columns (`a`, `b`: the two records'
// bound columns; texts by their bytes, as each shard's statement orders them when
// query_state::text_order_by_bytes is set). Throws ar::configuration_error when an order_by key is
// not a column of the model's own table.
AR_API bool shards_nulls_first(const query_state& state, const std::vector<ar::database>& shards, bool ordered);
AR_API bool merge_before(const query_state& state, bool nulls_first, std::span<const column_binding> a,
                         std::span<const column_binding> b);
// Whether a query given no database reads a sharded model (its statements go to the shards).
inline bool sharded_query(const ar::database& given, const query_state& state) {
  return given == ar::database{} && sharding_of(state.table) != nullptr;
}

// Rows of a sharded model's query that selects columns (ar::select; compiled once, in
// src/query/sharded.cpp): one statement per target shard, run concurrently, each row read into a
// Staging laid out and bound as `ops` says, the rows merged by the query's order_by (which must be
// selected columns), then drop and take applied; each handed to sink(context, row), which may move
// from it. Aggregates, group_by, distinct: ar::configuration_error before any statement.
AR_API void read_sharded_rows(const query_state& state, const record_ops& ops, void (*sink)(void* context, void* row),
                              void* context);

// How a row of Staging is laid out and bound, for read_sharded_rows.
template <class Staging>
inline constexpr record_ops staging_ops_v = {sizeof(Staging),
                                             alignof(Staging),
                                             &move_construct_record<Staging>,
                                             &destroy_records<Staging>,
                                             &construct_record<Staging>,
                                             [](void* row, std::span<column_binding> out) noexcept {
                                               staging_binder<Staging>::bind(*static_cast<Staging*>(row), out);
                                             },
                                             staging_binder<Staging>::size};

// Runs a query and hands each row, as Staging, to on_row (of a sharded model's query given no
// database: read_sharded_rows).
template <class M, class Row, class Staging, class J, class OnRow>
void for_each_row(const query<M, Row, Staging, J>& q, const query_state& state, Staging& staging, OnRow&& on_row,
                  aggregate_kind aggregate = aggregate_kind::none, const expr_tree* argument = nullptr) {
  if (aggregate == aggregate_kind::none && sharded_query(q.given_database(), state)) {
    struct context {
      Staging& staging;
      OnRow& on_row;
    } c{staging, on_row};
    read_sharded_rows(
        state, staging_ops_v<Staging>,
        [](void* p, void* row) {
          auto& cx = *static_cast<context*>(p);
          cx.staging = std::move(*static_cast<Staging*>(row));
          cx.on_row();
        },
        &c);
    return;
  }
  std::array<column_binding, staging_binder<Staging>::size> columns;
  staging_binder<Staging>::bind(staging, columns);
  run_select(q.database(), state, columns, row_callback::of(on_row), aggregate, argument);
}

// Whole records, each read into one staging record and handed to sink(context, &record), which may
// move from it: every reader of a model's records (to_vector, first, eager loads) shares this one
// reading loop.
AR_API void read_records(const ar::database& db, const query_state& state, const record_ops& ops,
                         void (*sink)(void* context, void* record), void* context);

// Two values of one column in the order a fan-out merges its shards' rows by: NULL first when
// `nulls_first` (the shards' dialect's, shards_nulls_first), numbers by value, texts by their bytes
// (compiled once, in src/query/sharded.cpp; the sharded eager loads merge by it too).
std::weak_ordering compare_merge_values(const value& a, const value& b, bool nulls_first);

template <class M, class J>
void each_record(const query<M, M, M, J>& q, const query_state& state, void (*sink)(void* context, void* record),
                 void* context) {
  if (sharded_query(q.given_database(), state))
    read_sharded_records(state, record_ops_v<M>, sink, context);
  else
    read_records(q.database(), state, record_ops_v<M>, sink, context);
}

// Every statement a query sends is written here: the queries inside it (in(query), exists_in,
// scalar) and the tables it joins are checked to be on `db`, where it runs (ar::error, before
// anything is sent, otherwise), and names follow db's naming convention while `render(sql, params,
// dialect)` writes it.
template <class Render>
void render_for(const ar::database& db, const query_state& state, std::string& sql, std::vector<value>& params,
                Render&& render) {
  check_subquery_databases(db.name(), state);
  const naming_scope names(db.naming());
  render(sql, params, db.dialect());
}

// Runs `state` on `db` (an aggregate of it, when asked), its rows read into `columns` and
// on_row called after each (compiled once, in src/query/read.cpp).
AR_API void run_select(const ar::database& db, const query_state& state, std::span<const column_binding> columns,
                       row_callback on_row = {}, aggregate_kind aggregate = aggregate_kind::none,
                       const expr_tree* argument = nullptr);

// After a query of whole records has read them (n from `rows`): their eager loads and their shared
// context, for automatic batching. Only a model with relations has either; such a model is defined
// where <ar/relation.hpp> is visible (AR_MODEL checks it), which defines finish_rows.
template <class M>
void finish_records(const query_state& state, M* rows, std::size_t n) {
  if constexpr (model_of<M>::relations::size > 0) finish_rows(state, rows, n);
}

// The average of `argument` (a column) over a sharded model's query: one statement per target
// shard computing SUM and COUNT, concurrently; the sums added (integers as integers), divided by
// the counts' total; nothing over no rows (src/query/sharded.cpp).
AR_API std::optional<double> sharded_average(const query_state& state, const expr_tree* argument);
// Throws ar::configuration_error when an aggregate of a query running on several shards would
// combine wrong: one with take, drop, distinct or group_by, which shape each shard's rows alone.
AR_API void check_sharded_aggregate(const query_state& state, std::size_t shards);

// An aggregate of a sharded model's query: one statement per target shard, concurrently, their
// values combined: counts and sums added, exists or-ed, the least minimum and greatest maximum, an
// average from the shards' sums and counts.
template <class Result>
Result sharded_scalar(const query_state& state, aggregate_kind aggregate, const expr_tree* argument) {
  if constexpr (std::is_same_v<Result, std::optional<double>>)
    if (aggregate == aggregate_kind::avg) return sharded_average(state, argument);
  const std::vector<ar::database> shards = target_shards(state);
  check_sharded_aggregate(state, shards.size());
  const std::unique_ptr<Result[]> parts(new Result[shards.size()]{});
  struct context {
    const std::vector<ar::database>& shards;
    Result* parts;
    const query_state& state;
    aggregate_kind aggregate;
    const expr_tree* argument;
  } c{shards, parts.get(), state, aggregate, argument};
  on_each_shard(
      shards.size(),
      [](void* p, std::size_t i) {
        auto& cx = *static_cast<context*>(p);
        const column_binding column = bind_column(cx.parts[i]);
        run_select(cx.shards[i], cx.state, {&column, 1}, {}, cx.aggregate, cx.argument);
      },
      &c);
  Result result{};
  for (std::size_t i = 0; i < shards.size(); ++i) {
    Result& part = parts[i];
    if constexpr (std::is_same_v<Result, bool>) {
      result = result || part;
    } else if constexpr (is_optional_v<Result>) {
      if (!part) continue;
      if (!result || (aggregate == aggregate_kind::min ? *part < *result : *result < *part)) result = part;
    } else {
      result = result + part;  // count, sum
    }
  }
  return result;
}

// Runs an aggregate of a query into one value.
template <class Result, class M, class Row, class Staging, class J>
Result scalar_of(const query<M, Row, Staging, J>& q, aggregate_kind aggregate, const expr_tree* argument = nullptr) {
  if (sharded_query(q.given_database(), q.state())) return sharded_scalar<Result>(q.state(), aggregate, argument);
  Result result{};
  const column_binding column = bind_column(result);
  run_select(q.database(), q.state(), {&column, 1}, {}, aggregate, argument);
  return result;
}

}  // namespace detail

}  // namespace ar

#endif  // AR_QUERY_HPP
