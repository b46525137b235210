// CRUD workloads of ../shared/reference/performance.md: W3 (insert N users) and W5 (one row by
// primary key), each as `W<n>/<variant>/<size>` beside its raw twins on the same SQLite file.

#include <ar/ar.hpp>

#include <benchmark/benchmark.h>
#include <soci/soci.h>
#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

struct user {
  std::int64_t id = 0;
  std::string name;
  std::optional<std::string> hair_color;
  AR_MODEL(user, "users", AR_FIELDS(id, name, hair_color));
};

constexpr int seeded_users = 1000;

const std::string& database_path() {
  static const std::string path =
      (std::filesystem::temp_directory_path() / ("ar_bench_" + std::to_string(::getpid()) + ".db")).string();
  return path;
}

// Seeds the shared database file once, through ar.
ar::database& orm_db() {
  static ar::database db = [] {
    std::filesystem::remove(database_path());
    auto d = ar::open("sqlite3://db=" + database_path(), "bench");
    // Measure the library, not the disk: every connection to the file skips fsync.
    d.execute("PRAGMA journal_mode = WAL");
    d.execute("PRAGMA synchronous = OFF");
    ar::create_table<user>(d);
    std::vector<user> users(seeded_users);
    for (int i = 0; i < seeded_users; ++i) {
      users[i].name = "user" + std::to_string(i);
      if (i % 2) users[i].hair_color = "black";
    }
    ar::insert_all(d, users);
    return d;
  }();
  return db;
}

sqlite3* raw_db() {
  static sqlite3* db = [] {
    orm_db();
    sqlite3* d = nullptr;
    if (sqlite3_open(database_path().c_str(), &d) != SQLITE_OK) throw std::runtime_error("sqlite3_open failed");
    sqlite3_exec(d, "PRAGMA synchronous = OFF", nullptr, nullptr, nullptr);
    return d;
  }();
  return db;
}

soci::session& soci_db() {
  static soci::session s = [] {
    orm_db();
    return soci::session("sqlite3", "db=" + database_path());
  }();
  return s;
}

// Reports the statements one iteration sends, counted at the observation point on a run of
// its own so that counting costs nothing inside the timed loop.
template <class F>
void report_statements(benchmark::State& state, F&& one_iteration) {
  ar::statement_counter counter;
  one_iteration();
  state.counters["statements"] = static_cast<double>(counter.count());
}

void W5_orm(benchmark::State& state) {
  auto& db = orm_db();
  report_statements(state, [&] { benchmark::DoNotOptimize(ar::find<user>(db, 1)); });
  std::int64_t id = 0;
  for (auto _ : state) {
    auto u = ar::find<user>(db, id % seeded_users + 1);
    benchmark::DoNotOptimize(u);
    ++id;
  }
  state.SetItemsProcessed(state.iterations());
}

void W5_raw_sqlite3(benchmark::State& state) {
  sqlite3* db = raw_db();
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "SELECT id, name, hair_color FROM users WHERE id = ?", -1, &st, nullptr);
  std::int64_t id = 0;
  for (auto _ : state) {
    sqlite3_bind_int64(st, 1, id % seeded_users + 1);
    std::optional<user> u;
    if (sqlite3_step(st) == SQLITE_ROW) {
      user r;
      r.id = sqlite3_column_int64(st, 0);
      r.name = reinterpret_cast<const char*>(sqlite3_column_text(st, 1));
      if (sqlite3_column_type(st, 2) != SQLITE_NULL)
        r.hair_color = reinterpret_cast<const char*>(sqlite3_column_text(st, 2));
      u = std::move(r);
    }
    sqlite3_reset(st);
    benchmark::DoNotOptimize(u);
    ++id;
  }
  sqlite3_finalize(st);
  state.SetItemsProcessed(state.iterations());
}

void W5_raw_soci(benchmark::State& state) {
  auto& s = soci_db();
  user r;
  std::string hair;
  soci::indicator hair_ind = soci::i_ok;
  long long key = 0;
  soci::statement st = (s.prepare << "SELECT id, name, hair_color FROM users WHERE id = :id", soci::into(r.id),
                        soci::into(r.name), soci::into(hair, hair_ind), soci::use(key));
  std::int64_t id = 0;
  for (auto _ : state) {
    key = id % seeded_users + 1;
    std::optional<user> u;
    if (st.execute(true)) {
      r.hair_color = hair_ind == soci::i_null ? std::nullopt : std::optional<std::string>(hair);
      u = r;
    }
    benchmark::DoNotOptimize(u);
    ++id;
  }
  state.SetItemsProcessed(state.iterations());
}

void W3_orm(benchmark::State& state) {
  auto& db = orm_db();
  const auto n = static_cast<std::size_t>(state.range(0));
  std::vector<user> users(n);
  auto fresh = [&] {
    for (std::size_t i = 0; i < n; ++i) users[i] = user{0, "new" + std::to_string(i), std::nullopt};
  };
  fresh();
  report_statements(state, [&] { ar::insert_all(db, users); });
  for (auto _ : state) {
    fresh();
    ar::insert_all(db, users);
    benchmark::DoNotOptimize(users.back().id);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}

void W3_raw_sqlite3(benchmark::State& state) {
  sqlite3* db = raw_db();
  const auto n = static_cast<std::size_t>(state.range(0));
  std::string sql = "INSERT INTO users (name, hair_color) VALUES ";
  for (std::size_t i = 0; i < n; ++i) sql += i ? ", (?, ?)" : "(?, ?)";
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr);
  std::vector<std::string> names(n);
  for (auto _ : state) {
    for (std::size_t i = 0; i < n; ++i) {
      names[i] = "new" + std::to_string(i);
      sqlite3_bind_text(st, static_cast<int>(2 * i + 1), names[i].c_str(), static_cast<int>(names[i].size()), SQLITE_STATIC);
      sqlite3_bind_null(st, static_cast<int>(2 * i + 2));
    }
    sqlite3_step(st);
    sqlite3_reset(st);
    benchmark::DoNotOptimize(sqlite3_last_insert_rowid(db));
  }
  sqlite3_finalize(st);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}

}  // namespace

// W11: building the SQL of a 3-predicate pipeline, without running it.
void W11_orm(benchmark::State& state) {
  const ar::dialect& d = orm_db().dialect();
  std::int64_t n = 0;
  for (auto _ : state) {
    auto q = ar::from<user>() | ar::filter(user::c.id > n) | ar::filter(user::c.name.like("user1%")) |
             ar::filter(user::c.hair_color.is_not_null());
    auto r = q.render(d);
    benchmark::DoNotOptimize(r);
    ++n;
  }
  state.SetItemsProcessed(state.iterations());
}

// Its twin: the same SQL text as a literal, with its values in a vector.
void W11_raw(benchmark::State& state) {
  std::int64_t n = 0;
  for (auto _ : state) {
    std::string sql = R"(SELECT "id", "name", "hair_color" FROM "users" WHERE "id" > ?1 AND "name" LIKE ?2 AND "hair_color" IS NOT NULL)";
    std::vector<ar::value> params{ar::value{n}, ar::value{std::string("user1%")}};
    benchmark::DoNotOptimize(sql);
    benchmark::DoNotOptimize(params);
    ++n;
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(W5_orm)->Name("W5/orm/1");
BENCHMARK(W5_raw_sqlite3)->Name("W5/raw_sqlite3/1");
BENCHMARK(W5_raw_soci)->Name("W5/raw_soci/1");
BENCHMARK(W3_orm)->Name("W3/orm")->Arg(1)->Arg(10)->Arg(100);
BENCHMARK(W3_raw_sqlite3)->Name("W3/raw_sqlite3")->Arg(1)->Arg(10)->Arg(100);
BENCHMARK(W11_orm)->Name("W11/orm/1");
BENCHMARK(W11_raw)->Name("W11/raw/1");

BENCHMARK_MAIN();
