// CRUD workloads: W3 (insert N users), W5 (one row by primary key), and W11 (building the SQL of a
// 3-predicate pipeline without running it). W3 and W5 run beside their raw twins, each on a SQLite
// database of its own seeded with 1,000 users (w3, w5; W3 keeps adding rows to w3), and beside the
// C++ peer, sqlitecpp (SQLiteCpp), where it was found at configure time. On MariaDB (my_, when
// AR_BENCH_MARIADB is set) W3 and W5 run on databases of their own seeded the same way (my_w3,
// my_w5), beside a raw MariaDB C API twin (my_raw_mariadb) and a hand-written SOCI one (my_raw_soci).

#include "bench_common.hpp"
#include "positioned_dialect.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
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
// W5 reads w5 (W5/orm_readers too, through a database with a reader); W3 writes to w3, so that W5
// reads the same 1,000 rows whatever ran before.
constexpr const char* read_db = "w5";
constexpr const char* write_db = "w3";

// The name of the database `name` on `at` (w5, my_w5, ...).
std::string on(bench::server at, const char* name) { return bench::prefix(at) + std::string(name); }

// Seeds a database once, through ar: 1,000 users, every other one with black hair.
const ar::database& orm_db(const char* name, bench::server at = bench::server::sqlite) {
  static std::map<std::string, ar::database> all;
  auto [it, fresh] = all.try_emplace(on(at, name));
  if (fresh) {
    it->second = bench::open_on(at, it->first);
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

// The timed loop of every W5 variant: finds keys 1, 2, ... (wrapping over the seeded users) and
// checks that each was found.
template <class Find>
void find_loop(benchmark::State& state, Find&& find) {
  std::int64_t id = 0, found = 0;
  for (auto _ : state) {
    auto u = find(id % seeded_users + 1);
    found += u.has_value();
    benchmark::DoNotOptimize(u);
    ++id;
  }
  bench::expect_rows(state, static_cast<std::size_t>(found), static_cast<std::size_t>(state.iterations()));
  state.SetItemsProcessed(state.iterations());
}

void W5_orm(benchmark::State& state, bench::server at) {
  const auto& db = orm_db(read_db, at);
  bench::report_statements(state, [&] { benchmark::DoNotOptimize(ar::find<User>(db, 1)); }, {1, 1});
  find_loop(state, [&](std::int64_t key) { return ar::find<User>(db, key); });
}

// W5 through a database opened with one reader (open_options::readers; issue 23: read routing adds
// at most 2% to W5): the in-memory database of W5/orm again, as writer and, behind a pool of its own,
// as the reader every find goes to. What it adds to W5/orm is choosing the server.
void W5_orm_readers(benchmark::State& state) {
  orm_db(read_db);  // seeded
  static const ar::database cluster = [] {
    const std::string url = "sqlite3://db=" + bench::sqlite_uri(read_db);
    ar::open_options options;
    options.readers = {url};
    return ar::open(url, std::string(read_db) + "_readers", options);
  }();
  bench::report_statements(state, [&] { benchmark::DoNotOptimize(ar::find<User>(cluster, 1)); }, {1, 1});
  find_loop(state, [&](std::int64_t key) { return ar::find<User>(cluster, key); });
}

// W5 through a reader under a lag bound (open_options::reader_max_lag, 10 s): what orm_readers does,
// plus the check that the reader replayed the writer's kept positions. The positions are read
// again every 20 ms (the reader's) and every 5 s (the writer's), so most finds only compare.
void W5_orm_readers_bound(benchmark::State& state) {
  orm_db(read_db);  // seeded
  static const ar::database cluster = [] {
    if (!ar::find_dialect("bench_positioned"))
      ar::register_dialect(std::make_shared<ar_test::positioned_dialect>(*ar::find_dialect("sqlite3"),
                                                                         "bench_positioned", "w5_positions"));
    const std::string url = "bench_positioned://db=" + bench::sqlite_uri(read_db);
    ar::open_options options;
    options.readers = {url};
    options.reader_max_lag = std::chrono::seconds(10);
    ar::database db = ar::open(url, std::string(read_db) + "_readers_bound", options);
    ar::execute(db, "CREATE TABLE IF NOT EXISTS w5_positions (server TEXT PRIMARY KEY, position INTEGER)");
    ar::execute(db, "INSERT OR REPLACE INTO w5_positions VALUES ('writer', 7), ('reader', 7)");
    return db;
  }();
  // A find is one statement; the positions' reads come on top, at most two per 20 ms (how many
  // fall into the counted find depends on the time since the last ones), so they are left out.
  {
    ar::statement_counter counter;
    benchmark::DoNotOptimize(ar::find<User>(cluster, 1));
    std::size_t finds = 0;
    for (const std::string& sql : counter.statements()) finds += sql.find("w5_positions") == std::string::npos;
    state.counters["statements"] = static_cast<double>(finds);
    state.counters["round_trips"] = static_cast<double>(finds);
    bench::expect_statements(state, finds, 1);
  }
  find_loop(state, [&](std::int64_t key) { return ar::find<User>(cluster, key); });
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
  find_loop(state, [&](std::int64_t key) { return find_sqlite3(conn, key); });
}

#ifdef AR_BENCH_HAVE_MARIADB
// The MariaDB C API: the statement prepared once, its key and result columns bound once; each find
// sets the key, executes, stores the result, fetches the row and frees the result.
struct mariadb_find {
  bench::mariadb_statement st;
  bench::mariadb_integer key, id;
  bench::mariadb_text name, hair_color;
  MYSQL_BIND param[1];
  MYSQL_BIND result[3];
};

std::optional<user_row> find_mariadb(bench::raw_mariadb_connection& conn, std::int64_t key) {
  auto& q = conn.extras.get<mariadb_find>("w5 find");
  if (q.st.prepare(conn.db, "SELECT id, name, hair_color FROM users WHERE id = ?")) {
    q.key.bind(q.param[0]);
    q.st.bind_params(q.param);
    q.id.bind(q.result[0]);
    q.name.bind(q.result[1]);
    q.hair_color.bind(q.result[2]);
    q.st.bind_result(q.result);
  }
  q.key.value = key;
  q.st.execute();
  std::optional<user_row> u;
  if (q.st.fetch()) u = user_row{q.id.value, q.name.value(q.st, 1), q.hair_color.optional_value(q.st, 2)};
  q.st.free_result();
  return u;
}

void W5_raw_mariadb(benchmark::State& state) {
  orm_db(read_db, bench::server::mariadb);
  auto& conn = bench::raw_mariadb(on(bench::server::mariadb, read_db));
  find_loop(state, [&](std::int64_t key) { return find_mariadb(conn, key); });
}
#endif

void W5_raw_soci(benchmark::State& state, bench::server at) {
  orm_db(read_db, at);
  soci::session& s = *bench::soci_on(at, on(at, read_db)).session;
  user_row r;
  std::string hair;
  soci::indicator hair_ind = soci::i_ok;
  long long key = 0;
  soci::statement st = (s.prepare << "SELECT id, name, hair_color FROM users WHERE id = :id", soci::into(r.id),
                        soci::into(r.name), soci::into(hair, hair_ind), soci::use(key));
  find_loop(state, [&](std::int64_t k) {
    key = k;
    std::optional<user_row> u;
    if (st.execute(true)) {
      r.hair_color = hair_ind == soci::i_null ? std::nullopt : std::optional<std::string>(hair);
      u = r;
    }
    return u;
  });
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
  find_loop(state, [&](std::int64_t key) { return find_sqlitecpp(st, key); });
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

void W3_orm(benchmark::State& state, std::size_t n, bench::server at) {
  const auto& db = orm_db(write_db, at);
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
void W3_orm_without_keys(benchmark::State& state, std::size_t n, bench::server at) {
  const auto& db = orm_db(write_db, at);
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

// The multi-row INSERT of n users that ar sends (MariaDB 10.5+ takes RETURNING on an INSERT too).
std::string w3_insert(std::size_t n, bool returning, bool soci) {
  std::string sql = "INSERT INTO users (name, hair_color) VALUES ";
  for (std::size_t i = 0; i < n; ++i) {
    if (i) sql += ", ";
    sql += soci ? "(:n" + std::to_string(i) + ", :h" + std::to_string(i) + ")" : std::string("(?, ?)");
  }
  if (returning) sql += " RETURNING id";
  return sql;
}

#ifdef AR_BENCH_HAVE_MARIADB
// The MariaDB C API twin of my_orm_without_keys (and, with `returning`, of my_orm: RETURNING id,
// every key read back): the statement prepared once, the names bound as strings where they are
// (bound again only if a name moved, which the short names of W3 never do), hair_color as NULL.
void W3_raw_mariadb(benchmark::State& state, std::size_t n, bool returning) {
  orm_db(write_db, bench::server::mariadb);
  auto& conn = bench::raw_mariadb(on(bench::server::mariadb, write_db));
  bench::mariadb_statement st;
  st.prepare(conn.db, w3_insert(n, returning, false));
  std::vector<std::string> names(n);
  std::vector<unsigned long> lengths(n);
  std::vector<MYSQL_BIND> params(2 * n);
  bench::mariadb_integer key;
  // The server describes the keys RETURNING gives only once the INSERT ran: they are bound after
  // the first execution.
  MYSQL_BIND result[1];
  bool result_bound = false;
  key.bind(result[0]);
  std::vector<std::int64_t> keys(n);
  std::size_t inserted = 0;
  for (auto _ : state) {
    bool moved = false;
    for (std::size_t i = 0; i < n; ++i) {
      names[i] = "new" + std::to_string(i);
      lengths[i] = static_cast<unsigned long>(names[i].size());
      moved = moved || params[2 * i].buffer != names[i].data();
    }
    if (moved) {
      for (std::size_t i = 0; i < n; ++i) {
        MYSQL_BIND& name = params[2 * i];
        name = MYSQL_BIND{};
        name.buffer_type = MYSQL_TYPE_STRING;
        name.buffer = names[i].data();
        name.buffer_length = lengths[i];
        name.length = &lengths[i];
        params[2 * i + 1] = MYSQL_BIND{};
        params[2 * i + 1].buffer_type = MYSQL_TYPE_NULL;
      }
      st.bind_params(params.data());
    }
    st.execute();
    if (returning) {
      if (!result_bound) {
        st.bind_result(result);
        result_bound = true;
      }
      inserted = 0;
      while (st.fetch()) keys[inserted++ % n] = key.value;
      st.free_result();
      benchmark::DoNotOptimize(keys.data());
    } else {
      inserted = static_cast<std::size_t>(mysql_stmt_affected_rows(st.get()));
      benchmark::DoNotOptimize(inserted);
    }
  }
  bench::expect_rows(state, inserted, n);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}
#endif

// Hand-written SOCI on MariaDB: the same multi-row INSERT, one statement prepared once with a
// use() for each value (hair_color a string with a null indicator). SOCI's mysql backend writes the
// values into the statement's text (the MariaDB client's text protocol). With `returning`, every
// key is read back into a vector.
void W3_raw_soci(benchmark::State& state, std::size_t n, bench::server at, bool returning) {
  orm_db(write_db, at);
  soci::session& s = *bench::soci_on(at, on(at, write_db)).session;
  std::vector<std::string> names(n), hair(n);
  std::vector<soci::indicator> hair_ind(n, soci::i_null);
  std::vector<long long> keys(n);
  soci::statement st(s);
  st.alloc();
  st.prepare(w3_insert(n, returning, true));
  if (returning) st.exchange(soci::into(keys));
  for (std::size_t i = 0; i < n; ++i) {
    st.exchange(soci::use(names[i]));
    st.exchange(soci::use(hair[i], hair_ind[i]));
  }
  st.define_and_bind();
  std::size_t inserted = 0;
  for (auto _ : state) {
    for (std::size_t i = 0; i < n; ++i) names[i] = "new" + std::to_string(i);
    if (returning) {
      keys.resize(n);
      st.execute(true);
      inserted = keys.size();
      benchmark::DoNotOptimize(keys.data());
    } else {
      st.execute(true);
      inserted = static_cast<std::size_t>(st.get_affected_rows());
      benchmark::DoNotOptimize(inserted);
    }
  }
  bench::expect_rows(state, inserted, n);
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

void register_crud_benchmarks(bool postgresql, bool mariadb, bool pgbouncer) {
  using namespace bench_crud;
  using bench::server;
  for (std::size_t n : {1, 10, 25, 50, 100}) {
    const std::string size = std::to_string(n);
    add("W3/orm/" + size, [n](benchmark::State& s) { W3_orm(s, n, server::sqlite); });
    add("W3/orm_without_keys/" + size, [n](benchmark::State& s) { W3_orm_without_keys(s, n, server::sqlite); });
    add("W3/raw_sqlite3/" + size, [n](benchmark::State& s) { W3_raw_sqlite3(s, n); });
    add("W3/raw_sqlite3_returning/" + size, [n](benchmark::State& s) { W3_raw_sqlite3_returning(s, n); });
#ifdef AR_BENCH_SQLITECPP
    add("W3/sqlitecpp/" + size, [n](benchmark::State& s) { W3_sqlitecpp(s, n, false); });
    add("W3/sqlitecpp_returning/" + size, [n](benchmark::State& s) { W3_sqlitecpp(s, n, true); });
#endif
  }
  if (mariadb)
    for (std::size_t n : {1, 10, 25, 50, 100}) {
      const std::string size = std::to_string(n);
      add_pg("W3/my_orm/" + size, [n](benchmark::State& s) { W3_orm(s, n, server::mariadb); });
      add_pg("W3/my_orm_without_keys/" + size,
             [n](benchmark::State& s) { W3_orm_without_keys(s, n, server::mariadb); });
#ifdef AR_BENCH_HAVE_MARIADB
      add_pg("W3/my_raw_mariadb/" + size, [n](benchmark::State& s) { W3_raw_mariadb(s, n, false); });
      add_pg("W3/my_raw_mariadb_returning/" + size, [n](benchmark::State& s) { W3_raw_mariadb(s, n, true); });
#endif
      add_pg("W3/my_raw_soci/" + size, [n](benchmark::State& s) { W3_raw_soci(s, n, server::mariadb, false); });
      add_pg("W3/my_raw_soci_returning/" + size,
             [n](benchmark::State& s) { W3_raw_soci(s, n, server::mariadb, true); });
    }
  add("W5/orm/1", [](benchmark::State& s) { W5_orm(s, server::sqlite); });
  add("W5/orm_readers/1", W5_orm_readers);
  add("W5/orm_readers_bound/1", W5_orm_readers_bound);
  add("W5/raw_sqlite3/1", W5_raw_sqlite3);
  add("W5/raw_soci/1", [](benchmark::State& s) { W5_raw_soci(s, server::sqlite); });
#ifdef AR_BENCH_SQLITECPP
  add("W5/sqlitecpp/1", W5_sqlitecpp);
#endif
  // PostgreSQL directly and through pgbouncer (transaction pooling): the ORM variants.
  if (postgresql) add_pg("W5/pg_orm/1", [](benchmark::State& s) { W5_orm(s, server::postgresql); });
  if (pgbouncer) add_pg("W5/pgb_orm/1", [](benchmark::State& s) { W5_orm(s, server::pgbouncer); });
  if (mariadb) {
    add_pg("W5/my_orm/1", [](benchmark::State& s) { W5_orm(s, server::mariadb); });
#ifdef AR_BENCH_HAVE_MARIADB
    add_pg("W5/my_raw_mariadb/1", W5_raw_mariadb);
#endif
    add_pg("W5/my_raw_soci/1", [](benchmark::State& s) { W5_raw_soci(s, server::mariadb); });
  }
}

void register_render_benchmarks() {
  using namespace bench_crud;
  add("W11/orm/1", W11_orm)->Unit(benchmark::kNanosecond);
  add("W11/raw/1", W11_raw)->Unit(benchmark::kNanosecond);
}

}  // namespace bench
