// W1 (all users -> vector) and W2 (users LEFT JOIN posts WHERE hair_color = 'black'), on diesel's
// schema, at 1, 10, 100, 1,000 and 10,000 users. Each size has its own database (w1_<size>) holding
// <size> users, every other one with black hair (the others brown), and one post for each user
// whose index is not a multiple of 3. W1 and W2 read the same databases.
//
// W2 has two ORM variants: orm, the ar way to get users with their posts loaded (the black-haired
// users filtered and with("posts"): two statements, users, then posts IN their keys), and orm_join,
// the same LEFT JOIN as the raw twins through left_joins<"posts"> and select (one statement, a row per
// (user, post or none) pair, the post's columns std::optional). The raw twins run the LEFT JOIN and
// get (user, optional post) pairs. W1 also has the C++ peer, sqlitecpp (SQLiteCpp), where it was
// found at configure time, and runs on PostgreSQL (pg_) and MariaDB (my_, with a raw MariaDB C API
// twin, my_raw_mariadb) when they are given.

#include "bench_common.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace bench_w1 {

struct Post;

struct User {
  std::int64_t id = 0;
  std::string name;
  std::optional<std::string> hair_color;

  AR_MODEL(User, "users", AR_FIELDS(id, name, hair_color), AR_HAS_MANY(posts, Post, user_id, AR_INVERSE(author)));
};

struct Post {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::string title;
  std::optional<std::string> body;

  AR_MODEL(Post, "posts", AR_FIELDS(id, user_id, title, body), AR_BELONGS_TO(author, User, user_id, AR_INVERSE(posts)));
};

// What hand-written code reads rows into: plain structs.
struct user_row {
  std::int64_t id = 0;
  std::string name;
  std::optional<std::string> hair_color;
  friend bool operator==(const user_row&, const user_row&) = default;
};
struct post_row {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::string title;
  std::optional<std::string> body;
};

constexpr int sizes[] = {1, 10, 100, 1000, 10000};

struct dataset {
  std::string name;  // of the ar database (and of the SQLite database or PostgreSQL schema)
  std::size_t users = 0;
  std::size_t black_users = 0;
  std::size_t black_posts = 0;  // posts of black-haired users
};

void seed(const ar::database& db, int n, dataset& d) {
  ar::create_table<User>(db);
  ar::create_table<Post>(db);
  db.execute("CREATE INDEX posts_user_id ON posts (user_id)");
  std::vector<User> users(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    auto& u = users[static_cast<std::size_t>(i)];
    u.name = "User " + std::to_string(i);
    u.hair_color = i % 2 == 0 ? "black" : "brown";
  }
  ar::insert_all(db, users);
  std::vector<Post> posts;
  for (int i = 0; i < n; ++i)
    if (i % 3 != 0) {
      posts.push_back(Post{0, users[static_cast<std::size_t>(i)].id, "Post of user " + std::to_string(i), "body"});
      if (i % 2 == 0) ++d.black_posts;
    }
  ar::insert_all(db, posts);
  d.users = users.size();
  d.black_users = static_cast<std::size_t>((n + 1) / 2);
  bench::after_seeding(db);
}

// The seeded database of one size, on SQLite, PostgreSQL or MariaDB; User and Post are bound to it.
const dataset& use(int n, bench::server at = bench::server::sqlite) {
  static std::map<std::pair<int, bench::server>, dataset> all;
  auto [it, fresh] = all.try_emplace({n, at});
  dataset& d = it->second;
  if (fresh) {
    d.name = bench::prefix(at) + ("w1_" + std::to_string(n));
    seed(bench::open_on(at, d.name), n, d);
  }
  ar::bind<User>(d.name);
  ar::bind<Post>(d.name);
  return d;
}

// --- W1: all users ------------------------------------------------------------------------------

void W1_orm(benchmark::State& state, int n, bench::server at) {
  const dataset& d = use(n, at);
  bench::run_counted(state, d.users,
                     [] {
                       std::vector<User> users = ar::from<User>() | ar::to_vector;
                       benchmark::DoNotOptimize(users.data());
                       return users.size();
                     },
                     {1, 1});
}

std::vector<user_row> users_sqlite3(bench::raw_sqlite_connection& conn) {
  sqlite3_stmt* st = conn.statements->get("SELECT id, name, hair_color FROM users");
  std::vector<user_row> users;
  while (sqlite3_step(st) == SQLITE_ROW)
    users.push_back(
        user_row{sqlite3_column_int64(st, 0), bench::column_text(st, 1), bench::column_optional_text(st, 2)});
  return users;
}

void W1_raw_sqlite3(benchmark::State& state, int n) {
  const dataset& d = use(n);
  auto& conn = bench::raw_sqlite(d.name);
  bench::run(state, d.users, [&] {
    std::vector<user_row> users = users_sqlite3(conn);
    benchmark::DoNotOptimize(users.data());
    return users.size();
  });
}

#ifdef AR_BENCH_SQLITECPP
// The C++ peer, SQLiteCpp, as its users write it: one SQLite::Statement prepared once and reused
// (reset, executeStep), each value read with getColumn into the same plain struct.
std::vector<user_row> users_sqlitecpp(SQLite::Statement& st) {
  st.reset();
  std::vector<user_row> users;
  while (st.executeStep()) {
    const SQLite::Column hair = st.getColumn(2);
    users.push_back(user_row{st.getColumn(0).getInt64(), st.getColumn(1).getString(),
                             hair.isNull() ? std::nullopt : std::optional<std::string>(hair.getString())});
  }
  return users;
}

void W1_sqlitecpp(benchmark::State& state, int n) {
  const dataset& d = use(n);
  SQLite::Statement st(*bench::sqlitecpp(d.name).db, "SELECT id, name, hair_color FROM users");
  bench::expect_same(state, users_sqlitecpp(st) == users_sqlite3(bench::raw_sqlite(d.name)), "W1 users");
  bench::run(state, d.users, [&] {
    std::vector<user_row> users = users_sqlitecpp(st);
    benchmark::DoNotOptimize(users.data());
    return users.size();
  });
}
#endif

#ifdef AR_BENCH_HAVE_MARIADB
// The MariaDB C API: the statement prepared once, its result columns bound once to fixed buffers;
// each run executes, stores the result in the client and fetches it row by row.
struct mariadb_users {
  bench::mariadb_statement st;
  bench::mariadb_integer id;
  bench::mariadb_text name, hair_color;
  MYSQL_BIND result[3];
};

std::vector<user_row> users_mariadb(bench::raw_mariadb_connection& conn) {
  auto& q = conn.extras.get<mariadb_users>("w1 users");
  if (q.st.prepare(conn.db, "SELECT id, name, hair_color FROM users")) {
    q.id.bind(q.result[0]);
    q.name.bind(q.result[1]);
    q.hair_color.bind(q.result[2]);
    q.st.bind_result(q.result);
  }
  q.st.execute();
  std::vector<user_row> users;
  users.reserve(static_cast<std::size_t>(mysql_stmt_num_rows(q.st.get())));  // known once stored
  while (q.st.fetch())
    users.push_back(user_row{q.id.value, q.name.value(q.st, 1), q.hair_color.optional_value(q.st, 2)});
  q.st.free_result();
  return users;
}

void W1_raw_mariadb(benchmark::State& state, int n) {
  const dataset& d = use(n, bench::server::mariadb);
  auto& conn = bench::raw_mariadb(d.name);
  bench::run(state, d.users, [&] {
    std::vector<user_row> users = users_mariadb(conn);
    benchmark::DoNotOptimize(users.data());
    return users.size();
  });
}
#endif

// Hand-written SOCI: a prepared statement with into() bound to locals, fetched row by row.
void W1_raw_soci(benchmark::State& state, int n, bench::server at) {
  const dataset& d = use(n, at);
  soci::session& s = *bench::soci_on(at, d.name).session;
  user_row r;
  std::string hair;
  soci::indicator hair_ind = soci::i_ok;
  soci::statement st = (s.prepare << "SELECT id, name, hair_color FROM users", soci::into(r.id), soci::into(r.name),
                        soci::into(hair, hair_ind));
  bench::run(state, d.users, [&] {
    std::vector<user_row> users;
    st.execute();
    while (st.fetch()) {
      r.hair_color = hair_ind == soci::i_null ? std::nullopt : std::optional<std::string>(hair);
      users.push_back(r);
    }
    benchmark::DoNotOptimize(users.data());
    return users.size();
  });
}

// --- W2: users LEFT JOIN posts WHERE hair_color = 'black' -------------------------------------

void W2_orm(benchmark::State& state, int n) {
  const dataset& d = use(n);
  bench::run_counted(state, d.black_users + d.black_posts,
                     [] {
                       std::vector<User> users = ar::from<User>() | ar::filter(User::c.hair_color == "black") |
                                                 ar::with("posts") | ar::to_vector;
                       std::size_t rows = users.size();
                       for (const User& u : users) rows += u.posts().size();
                       benchmark::DoNotOptimize(users.data());
                       return rows;
                     },
                     {2, 2});
}

// The LEFT JOIN through ar: one statement, rows of the user's columns and the post's (optional).
void W2_orm_join(benchmark::State& state, int n) {
  const dataset& d = use(n);
  bench::run_counted(state, d.black_users + d.black_posts,
                     [] {
                       const auto rows = ar::from<User>() | ar::left_joins<"posts"> |
                                         ar::filter(User::c.hair_color == "black") |
                                         ar::select(User::c.id, User::c.name, User::c.hair_color, Post::c.id,
                                                    Post::c.user_id, Post::c.title, Post::c.body) |
                                         ar::to_vector;
                       std::size_t count = rows.size();
                       for (const auto& row : rows) count += std::get<3>(row).has_value();
                       benchmark::DoNotOptimize(rows.data());
                       return count;
                     },
                     {1, 1});
}

constexpr const char* w2_join =
    "SELECT u.id, u.name, u.hair_color, p.id, p.user_id, p.title, p.body FROM users u LEFT JOIN posts p ON p.user_id = "
    "u.id WHERE u.hair_color = ";

using joined = std::vector<std::pair<user_row, std::optional<post_row>>>;

std::size_t rows_of(const joined& result) {
  std::size_t rows = result.size();
  for (const auto& [u, p] : result) rows += p.has_value();
  return rows;
}

void W2_raw_sqlite3(benchmark::State& state, int n) {
  const dataset& d = use(n);
  auto& conn = bench::raw_sqlite(d.name);
  const std::string sql = std::string(w2_join) + "?";
  bench::run(state, d.black_users + d.black_posts, [&] {
    sqlite3_stmt* st = conn.statements->get(sql);
    sqlite3_bind_text(st, 1, "black", 5, SQLITE_STATIC);
    joined result;
    while (sqlite3_step(st) == SQLITE_ROW) {
      std::optional<post_row> p;
      if (sqlite3_column_type(st, 3) != SQLITE_NULL)
        p = post_row{sqlite3_column_int64(st, 3), sqlite3_column_int64(st, 4), bench::column_text(st, 5),
                     bench::column_optional_text(st, 6)};
      result.emplace_back(
          user_row{sqlite3_column_int64(st, 0), bench::column_text(st, 1), bench::column_optional_text(st, 2)},
          std::move(p));
    }
    benchmark::DoNotOptimize(result.data());
    return rows_of(result);
  });
}

void W2_raw_soci(benchmark::State& state, int n) {
  const dataset& d = use(n);
  soci::session& s = *bench::soci_sqlite(d.name).session;
  user_row u;
  post_row p;
  std::string hair, body, color = "black";
  long long post_id = 0, post_user = 0;
  soci::indicator hair_ind = soci::i_ok, post_ind = soci::i_ok, user_ind = soci::i_ok, title_ind = soci::i_ok,
                  body_ind = soci::i_ok;
  soci::statement st = (s.prepare << std::string(w2_join) + ":color", soci::into(u.id), soci::into(u.name),
                        soci::into(hair, hair_ind), soci::into(post_id, post_ind), soci::into(post_user, user_ind),
                        soci::into(p.title, title_ind), soci::into(body, body_ind), soci::use(color));
  bench::run(state, d.black_users + d.black_posts, [&] {
    joined result;
    st.execute();
    while (st.fetch()) {
      u.hair_color = hair_ind == soci::i_null ? std::nullopt : std::optional<std::string>(hair);
      std::optional<post_row> post;
      if (post_ind != soci::i_null) {
        p.id = post_id;
        p.user_id = post_user;
        p.body = body_ind == soci::i_null ? std::nullopt : std::optional<std::string>(body);
        post = p;
      }
      result.emplace_back(u, std::move(post));
    }
    benchmark::DoNotOptimize(result.data());
    return rows_of(result);
  });
}

}  // namespace bench_w1

namespace bench {

void register_query_benchmarks(bool postgresql, bool mariadb, bool pgbouncer) {
  using namespace bench_w1;
  using bench::server;
  for (int n : sizes) {
    const std::string size = std::to_string(n);
    add("W1/orm/" + size, [n](benchmark::State& s) { W1_orm(s, n, server::sqlite); });
    add("W1/raw_sqlite3/" + size, [n](benchmark::State& s) { W1_raw_sqlite3(s, n); });
    add("W1/raw_soci/" + size, [n](benchmark::State& s) { W1_raw_soci(s, n, server::sqlite); });
#ifdef AR_BENCH_SQLITECPP
    add("W1/sqlitecpp/" + size, [n](benchmark::State& s) { W1_sqlitecpp(s, n); });
#endif
  }
  if (postgresql)
    for (int n : sizes) {
      const std::string size = std::to_string(n);
      add_pg("W1/pg_orm/" + size, [n](benchmark::State& s) { W1_orm(s, n, server::postgresql); });
      add_pg("W1/pg_raw_soci/" + size, [n](benchmark::State& s) { W1_raw_soci(s, n, server::postgresql); });
    }
  if (pgbouncer)
    for (int n : sizes) {
      const std::string size = std::to_string(n);
      add_pg("W1/pgb_orm/" + size, [n](benchmark::State& s) { W1_orm(s, n, server::pgbouncer); });
    }
  if (mariadb)
    for (int n : sizes) {
      const std::string size = std::to_string(n);
      add_pg("W1/my_orm/" + size, [n](benchmark::State& s) { W1_orm(s, n, server::mariadb); });
#ifdef AR_BENCH_HAVE_MARIADB
      add_pg("W1/my_raw_mariadb/" + size, [n](benchmark::State& s) { W1_raw_mariadb(s, n); });
#endif
      add_pg("W1/my_raw_soci/" + size, [n](benchmark::State& s) { W1_raw_soci(s, n, server::mariadb); });
    }
  for (int n : sizes) {
    const std::string size = std::to_string(n);
    add("W2/orm/" + size, [n](benchmark::State& s) { W2_orm(s, n); });
    add("W2/orm_join/" + size, [n](benchmark::State& s) { W2_orm_join(s, n); });
    add("W2/raw_sqlite3/" + size, [n](benchmark::State& s) { W2_raw_sqlite3(s, n); });
    add("W2/raw_soci/" + size, [n](benchmark::State& s) { W2_raw_soci(s, n); });
  }
}

}  // namespace bench
