// CRUD workloads: W3 (insert N users), W5 (one row by primary key), and W11 (building the SQL of a
// 3-predicate pipeline without running it). W3 and W5 run beside their raw twins, each on a SQLite
// database of its own seeded with 1,000 users (w3, w5; W3 keeps adding rows to w3), and beside the
// C++ peer, sqlitecpp (SQLiteCpp), where it was found at configure time.

#include "bench_common.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bench_crud {

struct User {
  std::int64_t id = 0;
  std::string name;
  std::optional<std::string> hair_color;
  AR_MODEL(User, "users", AR_FIELDS(id, name, hair_color));
};

struct user_row {
  std::int64_t id = 0;
  std::string name;
  std::optional<std::string> hair_color;
  friend bool operator==(const user_row&, const user_row&) = default;
};

constexpr int seeded_users = 1000;
// W5 reads w5; W3 writes to w3, so that W5 reads the same 1,000 rows whatever ran before.
constexpr const char* read_db = "w5";
constexpr const char* write_db = "w3";

// Seeds a database once, through ar: 1,000 users, every other one with black hair.
const ar::database& orm_db(const char* name) {
  static std::map<std::string, ar::database> all;
  auto [it, fresh] = all.try_emplace(name);
  if (fresh) {
    it->second = bench::open_sqlite(name);
    ar::create_table<User>(it->second);
    std::vector<User> users(seeded_users);
    for (int i = 0; i < seeded_users; ++i) {
      users[static_cast<std::size_t>(i)].name = "user" + std::to_string(i);
      if (i % 2) users[static_cast<std::size_t>(i)].hair_color = "black";
    }
    ar::insert_all(it->second, users);
    bench::after_seeding(it->second);
  }
  return it->second;
}

// --- W5: one row by primary key ---------------------------------------------------------------

void W5_orm(benchmark::State& state) {
  const auto& db = orm_db(read_db);
  bench::report_statements(state, [&] { benchmark::DoNotOptimize(ar::find<User>(db, 1)); }, {1, 1});
  std::int64_t id = 0, found = 0;
  for (auto _ : state) {
    auto u = ar::find<User>(db, id % seeded_users + 1);
    found += u.has_value();
    benchmark::DoNotOptimize(u);
    ++id;
  }
  bench::expect_rows(state, static_cast<std::size_t>(found), static_cast<std::size_t>(state.iterations()));
  state.SetItemsProcessed(state.iterations());
}

std::optional<user_row> find_sqlite3(bench::raw_sqlite_connection& conn, std::int64_t key) {
  sqlite3_stmt* st = conn.statements->get("SELECT id, name, hair_color FROM users WHERE id = ?");
  sqlite3_bind_int64(st, 1, key);
  std::optional<user_row> u;
  if (sqlite3_step(st) == SQLITE_ROW)
    u = user_row{sqlite3_column_int64(st, 0), bench::column_text(st, 1), bench::column_optional_text(st, 2)};
  sqlite3_reset(st);
  return u;
}

void W5_raw_sqlite3(benchmark::State& state) {
  orm_db(read_db);
  auto& conn = bench::raw_sqlite(read_db);
  std::int64_t id = 0, found = 0;
  for (auto _ : state) {
    std::optional<user_row> u = find_sqlite3(conn, id % seeded_users + 1);
    found += u.has_value();
    benchmark::DoNotOptimize(u);
    ++id;
  }
  bench::expect_rows(state, static_cast<std::size_t>(found), static_cast<std::size_t>(state.iterations()));
  state.SetItemsProcessed(state.iterations());
}

void W5_raw_soci(benchmark::State& state) {
  orm_db(read_db);
  soci::session& s = *bench::soci_sqlite(read_db).session;
  user_row r;
  std::string hair;
  soci::indicator hair_ind = soci::i_ok;
  long long key = 0;
  soci::statement st = (s.prepare << "SELECT id, name, hair_color FROM users WHERE id = :id", soci::into(r.id),
                        soci::into(r.name), soci::into(hair, hair_ind), soci::use(key));
  std::int64_t id = 0, found = 0;
  for (auto _ : state) {
    key = id % seeded_users + 1;
    std::optional<user_row> u;
    if (st.execute(true)) {
      r.hair_color = hair_ind == soci::i_null ? std::nullopt : std::optional<std::string>(hair);
      u = r;
    }
    found += u.has_value();
    benchmark::DoNotOptimize(u);
    ++id;
  }
  bench::expect_rows(state, static_cast<std::size_t>(found), static_cast<std::size_t>(state.iterations()));
  state.SetItemsProcessed(state.iterations());
}

#ifdef AR_BENCH_SQLITECPP
// The C++ peer, SQLiteCpp: one SQLite::Statement prepared once; each find binds the key, steps,
// reads the row with getColumn into the struct and resets, as the raw twin does.
std::optional<user_row> find_sqlitecpp(SQLite::Statement& st, std::int64_t key) {
  st.bind(1, key);
  std::optional<user_row> u;
  if (st.executeStep()) {
    const SQLite::Column hair = st.getColumn(2);
    u = user_row{st.getColumn(0).getInt64(), st.getColumn(1).getString(),
                 hair.isNull() ? std::nullopt : std::optional<std::string>(hair.getString())};
  }
  st.reset();
  return u;
}

void W5_sqlitecpp(benchmark::State& state) {
  orm_db(read_db);
  SQLite::Statement st(*bench::sqlitecpp(read_db).db, "SELECT id, name, hair_color FROM users WHERE id = ?");
  // Every key the loop reads, and one that is not there, against the raw twin.
  bool same = true;
  auto& raw = bench::raw_sqlite(read_db);
  for (std::int64_t key = 1; key <= seeded_users + 1; ++key)
    same = same && find_sqlitecpp(st, key) == find_sqlite3(raw, key);
  bench::expect_same(state, same, "W5 users by id");
  std::int64_t id = 0, found = 0;
  for (auto _ : state) {
    std::optional<user_row> u = find_sqlitecpp(st, id % seeded_users + 1);
    found += u.has_value();
    benchmark::DoNotOptimize(u);
    ++id;
  }
  bench::expect_rows(state, static_cast<std::size_t>(found), static_cast<std::size_t>(state.iterations()));
  state.SetItemsProcessed(state.iterations());
}
#endif

// --- W3: insert N users -------------------------------------------------------------------------

// W3's records made new again before each insert: their fields set in place, as the twins set
// their name strings.
void refill_new_users(std::vector<User>& users) {
  for (std::size_t i = 0; i < users.size(); ++i) {
    users[i].id = 0;
    users[i].name = "new" + std::to_string(i);
    users[i].hair_color.reset();
  }
}

void W3_orm(benchmark::State& state, std::size_t n) {
  const auto& db = orm_db(write_db);
  std::vector<User> users(n);
  auto fresh = [&] { refill_new_users(users); };
  fresh();
  // One multi-row INSERT ... RETURNING for up to 100 rows.
  bench::report_statements(state, [&] { ar::insert_all(db, users); }, {1, 1});
  for (auto _ : state) {
    fresh();
    ar::insert_all(db, users);
    benchmark::DoNotOptimize(users.back().id);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}

// The same rows with ar::without_keys: the same statement without RETURNING, no key read back
// (the goal's twin is raw_sqlite3). The records are rebuilt every iteration, as the twins do.
void W3_orm_without_keys(benchmark::State& state, std::size_t n) {
  const auto& db = orm_db(write_db);
  std::vector<User> users(n);
  auto fresh = [&] { refill_new_users(users); };
  fresh();
  std::size_t inserted = 0;
  bench::report_statements(state, [&] { inserted = ar::insert_all(db, users, ar::without_keys); }, {1, 1});
  for (auto _ : state) {
    fresh();
    inserted = ar::insert_all(db, users, ar::without_keys);
    benchmark::DoNotOptimize(inserted);
  }
  bench::expect_rows(state, inserted, n);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}

// The twin of orm_without_keys: one cached multi-row INSERT ... VALUES (?, ?), (?, ?), ... (keys
// not read back).
void W3_raw_sqlite3(benchmark::State& state, std::size_t n) {
  orm_db(write_db);
  auto& conn = bench::raw_sqlite(write_db);
  std::string sql = "INSERT INTO users (name, hair_color) VALUES ";
  for (std::size_t i = 0; i < n; ++i) sql += i ? ", (?, ?)" : "(?, ?)";
  std::vector<std::string> names(n);
  for (auto _ : state) {
    sqlite3_stmt* st = conn.statements->get(sql);
    for (std::size_t i = 0; i < n; ++i) {
      names[i] = "new" + std::to_string(i);
      sqlite3_bind_text(st, static_cast<int>(2 * i + 1), names[i].c_str(), static_cast<int>(names[i].size()),
                        SQLITE_STATIC);
      sqlite3_bind_null(st, static_cast<int>(2 * i + 2));
    }
    if (sqlite3_step(st) != SQLITE_DONE) {
      state.SkipWithError(sqlite3_errmsg(conn.db));
      break;
    }
    benchmark::DoNotOptimize(sqlite3_last_insert_rowid(conn.db));
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}

// The twin of orm (insert_all, keys written back): the same statement with RETURNING id, reading
// every key back.
void W3_raw_sqlite3_returning(benchmark::State& state, std::size_t n) {
  orm_db(write_db);
  auto& conn = bench::raw_sqlite(write_db);
  std::string sql = "INSERT INTO users (name, hair_color) VALUES ";
  for (std::size_t i = 0; i < n; ++i) sql += i ? ", (?, ?)" : "(?, ?)";
  sql += " RETURNING id";
  std::vector<std::string> names(n);
  std::vector<std::int64_t> keys(n);
  for (auto _ : state) {
    sqlite3_stmt* st = conn.statements->get(sql);
    for (std::size_t i = 0; i < n; ++i) {
      names[i] = "new" + std::to_string(i);
      sqlite3_bind_text(st, static_cast<int>(2 * i + 1), names[i].c_str(), static_cast<int>(names[i].size()),
                        SQLITE_STATIC);
      sqlite3_bind_null(st, static_cast<int>(2 * i + 2));
    }
    std::size_t k = 0;
    int rc = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) keys[k++ % n] = sqlite3_column_int64(st, 0);
    if (rc != SQLITE_DONE || k != n) {
      state.SkipWithError(sqlite3_errmsg(conn.db));
      break;
    }
    benchmark::DoNotOptimize(keys.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}

#ifdef AR_BENCH_SQLITECPP
// The C++ peer, SQLiteCpp: the same multi-row INSERT as one SQLite::Statement prepared once, the
// names bound with bindNoCopy (SQLiteCpp's way to bind a string that outlives the step, as the raw
// twin's SQLITE_STATIC), hair_color bound to NULL. Without `returning` it is the twin of
// raw_sqlite3 and orm_without_keys (exec(), which returns the rows changed); with it, of
// raw_sqlite3_returning and orm (RETURNING id, every key read back with getColumn).
void W3_sqlitecpp(benchmark::State& state, std::size_t n, bool returning) {
  orm_db(write_db);
  std::string sql = "INSERT INTO users (name, hair_color) VALUES ";
  for (std::size_t i = 0; i < n; ++i) sql += i ? ", (?, ?)" : "(?, ?)";
  if (returning) sql += " RETURNING id";
  SQLite::Statement st(*bench::sqlitecpp(write_db).db, sql);
  std::vector<std::string> names(n);
  std::vector<std::int64_t> keys(n);
  std::size_t inserted = 0;
  for (auto _ : state) {
    st.reset();
    for (std::size_t i = 0; i < n; ++i) {
      names[i] = "new" + std::to_string(i);
      st.bindNoCopy(static_cast<int>(2 * i + 1), names[i]);
      st.bind(static_cast<int>(2 * i + 2));
    }
    if (returning) {
      inserted = 0;
      while (st.executeStep()) keys[inserted++ % n] = st.getColumn(0).getInt64();
      benchmark::DoNotOptimize(keys.data());
    } else {
      inserted = static_cast<std::size_t>(st.exec());
      benchmark::DoNotOptimize(inserted);
    }
  }
  // Every iteration inserted its n rows (the raw twins check the same: SQLITE_DONE, k == n).
  bench::expect_rows(state, inserted, n);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}
#endif

// --- W11: the SQL of a 3-predicate pipeline, not run --------------------------------------------

void W11_orm(benchmark::State& state) {
  const ar::dialect& d = orm_db(read_db).dialect();
  std::int64_t n = 0;
  for (auto _ : state) {
    auto q = ar::from<User>() | ar::filter(User::c.id > n) | ar::filter(User::c.name.like("user1%")) |
             ar::filter(User::c.hair_color.is_not_null());
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
    std::string sql =
        R"(SELECT "id", "name", "hair_color" FROM "users" WHERE "id" > ?1 AND "name" LIKE ?2 AND "hair_color" IS NOT NULL)";
    std::vector<ar::value> params{ar::value{n}, ar::value{std::string("user1%")}};
    benchmark::DoNotOptimize(sql);
    benchmark::DoNotOptimize(params);
    ++n;
  }
  state.SetItemsProcessed(state.iterations());
}

}  // namespace bench_crud

namespace bench {

void register_crud_benchmarks() {
  using namespace bench_crud;
  for (std::size_t n : {1, 10, 25, 50, 100}) {
    const std::string size = std::to_string(n);
    add("W3/orm/" + size, [n](benchmark::State& s) { W3_orm(s, n); });
    add("W3/orm_without_keys/" + size, [n](benchmark::State& s) { W3_orm_without_keys(s, n); });
    add("W3/raw_sqlite3/" + size, [n](benchmark::State& s) { W3_raw_sqlite3(s, n); });
    add("W3/raw_sqlite3_returning/" + size, [n](benchmark::State& s) { W3_raw_sqlite3_returning(s, n); });
#ifdef AR_BENCH_SQLITECPP
    add("W3/sqlitecpp/" + size, [n](benchmark::State& s) { W3_sqlitecpp(s, n, false); });
    add("W3/sqlitecpp_returning/" + size, [n](benchmark::State& s) { W3_sqlitecpp(s, n, true); });
#endif
  }
  add("W5/orm/1", W5_orm);
  add("W5/raw_sqlite3/1", W5_raw_sqlite3);
  add("W5/raw_soci/1", W5_raw_soci);
#ifdef AR_BENCH_SQLITECPP
  add("W5/sqlitecpp/1", W5_sqlitecpp);
#endif
}

void register_render_benchmarks() {
  using namespace bench_crud;
  add("W11/orm/1", W11_orm)->Unit(benchmark::kNanosecond);
  add("W11/raw/1", W11_raw)->Unit(benchmark::kNanosecond);
}

}  // namespace bench
