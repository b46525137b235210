// W4 (users -> posts -> comments: lazy, automatic batching, eager, and the hand-written IN loader)
// and W7 (posts with their user: belongs_to, eager and batched), on diesel's schema.
//
// W4 sizes: 9, 100 and 1,000 users, each with 10 posts, each with 10 comments; every size has its
// own database (w4_<users>), with indexes on posts.user_id and comments.post_id. W7 reads the same
// databases: 1,000 posts is w4_100, 10,000 posts is w4_1000.
//
// Every W4 variant builds the same tree (users, each with its posts, each with its comments) and
// walks it; the raw twins send the statements ar's eager loading sends (users; posts WHERE user_id
// IN (the users' keys) ORDER BY id; comments WHERE post_id IN (the posts' keys) ORDER BY id: ar
// orders a has_many by the target's key), each prepared once per key count. So does the C++ peer,
// sqlitecpp (SQLiteCpp), where it was found at configure time, and on MariaDB (my_, when
// AR_BENCH_MARIADB is set) the raw MariaDB C API twin (my_raw_mariadb).

#include "bench_common.hpp"

#ifdef AR_BENCH_HAVE_LIBPQ
#include <libpq-fe.h>
#endif

#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace bench_w4 {

struct Post;
struct Comment;

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

  AR_MODEL(Post, "posts", AR_FIELDS(id, user_id, title, body), AR_BELONGS_TO(author, User, user_id, AR_INVERSE(posts)),
           AR_HAS_MANY(comments, Comment, post_id, AR_INVERSE(post)));
};

struct Comment {
  std::int64_t id = 0;
  std::int64_t post_id = 0;
  std::string text;

  AR_MODEL(Comment, "comments", AR_FIELDS(id, post_id, text), AR_BELONGS_TO(post, Post, post_id, AR_INVERSE(comments)));
};

// The hand-written side.
struct comment_row {
  std::int64_t id = 0;
  std::int64_t post_id = 0;
  std::string text;
  friend bool operator==(const comment_row&, const comment_row&) = default;
};
struct post_row {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::string title;
  std::optional<std::string> body;
  std::vector<comment_row> comments;
  friend bool operator==(const post_row&, const post_row&) = default;
};
struct user_row {
  std::int64_t id = 0;
  std::string name;
  std::optional<std::string> hair_color;
  std::vector<post_row> posts;
  friend bool operator==(const user_row&, const user_row&) = default;
};

constexpr int w4_sizes[] = {9, 100, 1000};
constexpr int posts_per_user = 10;
constexpr int comments_per_post = 10;

std::size_t tree_rows(int users) {
  const auto u = static_cast<std::size_t>(users);
  return u + u * posts_per_user + u * posts_per_user * comments_per_post;
}

void seed(const ar::database& db, int n) {
  ar::create_table<User>(db);
  ar::create_table<Post>(db);
  ar::create_table<Comment>(db);
  db.execute("CREATE INDEX posts_user_id ON posts (user_id)");
  db.execute("CREATE INDEX comments_post_id ON comments (post_id)");
  ar::transaction tx(db);
  std::vector<User> users(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    users[static_cast<std::size_t>(i)].name = "User " + std::to_string(i);
    if (i % 2 == 0) users[static_cast<std::size_t>(i)].hair_color = "black";
  }
  ar::insert_all(db, users);
  std::vector<Post> posts;
  posts.reserve(users.size() * posts_per_user);
  for (const User& u : users)
    for (int p = 0; p < posts_per_user; ++p)
      posts.push_back(Post{0, u.id, "Post " + std::to_string(p) + " of " + u.name, std::nullopt});
  ar::insert_all(db, posts);
  std::vector<Comment> comments;
  comments.reserve(posts.size() * comments_per_post);
  for (const Post& p : posts)
    for (int c = 0; c < comments_per_post; ++c)
      comments.push_back(Comment{0, p.id, "Comment " + std::to_string(c) + " on post " + std::to_string(p.id)});
  ar::insert_all(db, comments);
  tx.commit();
  bench::after_seeding(db);
}

// Where W4 runs: SQLite in memory (every other workload's setting), an SQLite database file (each
// statement outside a transaction locks and unlocks the file: what an N+1 costs there),
// PostgreSQL or MariaDB.
enum class where { memory, file, postgresql, mariadb, pgbouncer };

// The database of W4's size `n` in `at`, seeded on first use; the models are bound to it.
const std::string& use(int n, where at) {
  static std::map<std::pair<int, where>, std::string> all;
  auto [it, fresh] = all.try_emplace({n, at});
  if (fresh) {
    const char* prefix = at == where::postgresql  ? "pg_w4_"
                         : at == where::pgbouncer ? "pgb_w4_"
                         : at == where::mariadb   ? "my_w4_"
                         : at == where::file      ? "file_w4_"
                                                  : "w4_";
    it->second = prefix + std::to_string(n);
    seed(at == where::postgresql  ? bench::open_postgresql(it->second)
         : at == where::pgbouncer ? bench::open_pgbouncer(it->second)
         : at == where::mariadb   ? bench::open_mariadb(it->second)
                                  : bench::open_sqlite(it->second),
         n);
  }
  ar::bind<User>(it->second);
  ar::bind<Post>(it->second);
  ar::bind<Comment>(it->second);
  return it->second;
}

// --- W4 ORM variants -------------------------------------------------------------------------

enum class strategy { lazy, automatic, eager };

std::vector<User> load_users(strategy how) {
  switch (how) {
    case strategy::lazy: return ar::from<User>() | ar::no_auto_batching | ar::to_vector;
    case strategy::automatic: return ar::from<User>() | ar::to_vector;
    case strategy::eager: return ar::from<User>() | ar::with("posts.comments") | ar::to_vector;
  }
  return {};
}

// Loads the users and walks every post and comment: lazy and automatic batching load while
// walking, eager before.
std::size_t walk(strategy how) {
  std::vector<User> users = load_users(how);
  std::size_t rows = users.size();
  for (const User& u : users)
    for (const Post& p : u.posts()) {
      ++rows;
      for (const Comment& c : p.comments()) rows += static_cast<std::size_t>(c.id != 0);
    }
  return rows;
}

// orm_lazy is the N+1: ar::no_auto_batching on the users' query, and automatic batching switched
// off for the whole run (ar::set_auto_batching(false)), since no_auto_batching applies to the
// users only: the posts one u.posts() loads would still batch their comments (1 + 2N statements
// instead of 1 + N + 10N).
void W4_orm(benchmark::State& state, int n, strategy how, where at) {
  use(n, at);
  if (how == strategy::lazy) ar::set_auto_batching(false);
  // The contract: 1 + N + 10N statements one record at a time, 3 batched or eager, at every size.
  const auto users = static_cast<std::size_t>(n);
  const std::size_t statements = how == strategy::lazy ? 1 + users + users * posts_per_user : 3;
  bench::run_counted(state, tree_rows(n), [how] { return walk(how); }, {statements, statements});
  ar::set_auto_batching(true);
}

// --- W4 raw twins: the same three statements, by hand -------------------------------------------

std::size_t count_tree(const std::vector<user_row>& users) {
  std::size_t rows = users.size();
  for (const user_row& u : users)
    for (const post_row& p : u.posts) {
      ++rows;
      for (const comment_row& c : p.comments) rows += static_cast<std::size_t>(c.id != 0);
    }
  return rows;
}

std::vector<user_row> load_tree_sqlite3(bench::raw_sqlite_connection& conn) {
  std::vector<user_row> users;
  sqlite3_stmt* st = conn.statements->get("SELECT id, name, hair_color FROM users");
  while (sqlite3_step(st) == SQLITE_ROW)
    users.push_back(
        user_row{sqlite3_column_int64(st, 0), bench::column_text(st, 1), bench::column_optional_text(st, 2), {}});
  if (users.empty()) return users;

  std::unordered_map<std::int64_t, std::size_t> user_at;
  user_at.reserve(users.size());
  for (std::size_t i = 0; i < users.size(); ++i) user_at.emplace(users[i].id, i);
  st = conn.statements->get(
      bench::sqlite_in("SELECT id, user_id, title, body FROM posts WHERE user_id IN", users.size(), " ORDER BY id"));
  for (std::size_t i = 0; i < users.size(); ++i) sqlite3_bind_int64(st, static_cast<int>(i + 1), users[i].id);
  std::vector<std::int64_t> post_keys;
  std::unordered_map<std::int64_t, std::pair<std::size_t, std::size_t>> post_at;  // user, post
  while (sqlite3_step(st) == SQLITE_ROW) {
    post_row p{sqlite3_column_int64(st, 0),
               sqlite3_column_int64(st, 1),
               bench::column_text(st, 2),
               bench::column_optional_text(st, 3),
               {}};
    auto& owner = users[user_at.at(p.user_id)];
    post_keys.push_back(p.id);
    post_at.emplace(p.id, std::pair{user_at.at(p.user_id), owner.posts.size()});
    owner.posts.push_back(std::move(p));
  }
  if (post_keys.empty()) return users;

  st = conn.statements->get(
      bench::sqlite_in("SELECT id, post_id, text FROM comments WHERE post_id IN", post_keys.size(), " ORDER BY id"));
  for (std::size_t i = 0; i < post_keys.size(); ++i) sqlite3_bind_int64(st, static_cast<int>(i + 1), post_keys[i]);
  while (sqlite3_step(st) == SQLITE_ROW) {
    comment_row c{sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1), bench::column_text(st, 2)};
    const auto [u, p] = post_at.at(c.post_id);
    users[u].posts[p].comments.push_back(std::move(c));
  }
  return users;
}

void W4_raw_sqlite3(benchmark::State& state, int n, where at) {
  auto& conn = bench::raw_sqlite(use(n, at));
  bench::run(state, tree_rows(n), [&] { return count_tree(load_tree_sqlite3(conn)); });
}

#ifdef AR_BENCH_SQLITECPP
// The C++ peer, SQLiteCpp: the same three statements, each an SQLite::Statement prepared once (per
// key count for the IN lists, kept on the connection) and reused; keys bound with bind, values read
// with getColumn into the same structs, children grouped through the same hash maps.
using sqlitecpp_statements = std::map<std::size_t, SQLite::Statement>;  // by key count

template <class SqlFor>
SQLite::Statement& sqlitecpp_in(SQLite::Database& db, sqlitecpp_statements& cache, std::size_t n, SqlFor&& sql_for) {
  auto it = cache.find(n);
  if (it == cache.end()) it = cache.emplace(n, SQLite::Statement(db, sql_for(n))).first;
  it->second.reset();
  return it->second;
}

std::optional<std::string> optional_text(const SQLite::Column& c) {
  return c.isNull() ? std::nullopt : std::optional<std::string>(c.getString());
}

struct sqlitecpp_tree_loader {
  SQLite::Database& db;
  SQLite::Statement users_st;
  sqlitecpp_statements& posts;
  sqlitecpp_statements& comments;

  explicit sqlitecpp_tree_loader(bench::sqlitecpp_connection& c)
      : db(*c.db),
        users_st(db, "SELECT id, name, hair_color FROM users"),
        posts(c.extras.get<sqlitecpp_statements>("w4 posts")),
        comments(c.extras.get<sqlitecpp_statements>("w4 comments")) {}

  std::vector<user_row> load() {
    std::vector<user_row> users;
    users_st.reset();
    while (users_st.executeStep())
      users.push_back(user_row{users_st.getColumn(0).getInt64(),
                               users_st.getColumn(1).getString(),
                               optional_text(users_st.getColumn(2)),
                               {}});
    if (users.empty()) return users;

    std::unordered_map<std::int64_t, std::size_t> user_at;
    user_at.reserve(users.size());
    for (std::size_t i = 0; i < users.size(); ++i) user_at.emplace(users[i].id, i);
    SQLite::Statement& p = sqlitecpp_in(db, posts, users.size(), [](std::size_t k) {
      return bench::sqlite_in("SELECT id, user_id, title, body FROM posts WHERE user_id IN", k, " ORDER BY id");
    });
    for (std::size_t i = 0; i < users.size(); ++i) p.bind(static_cast<int>(i + 1), users[i].id);
    std::vector<std::int64_t> post_keys;
    std::unordered_map<std::int64_t, std::pair<std::size_t, std::size_t>> post_at;  // user, post
    while (p.executeStep()) {
      post_row r{p.getColumn(0).getInt64(),
                 p.getColumn(1).getInt64(),
                 p.getColumn(2).getString(),
                 optional_text(p.getColumn(3)),
                 {}};
      const std::size_t owner = user_at.at(r.user_id);
      post_keys.push_back(r.id);
      post_at.emplace(r.id, std::pair{owner, users[owner].posts.size()});
      users[owner].posts.push_back(std::move(r));
    }
    if (post_keys.empty()) return users;

    SQLite::Statement& c = sqlitecpp_in(db, comments, post_keys.size(), [](std::size_t k) {
      return bench::sqlite_in("SELECT id, post_id, text FROM comments WHERE post_id IN", k, " ORDER BY id");
    });
    for (std::size_t i = 0; i < post_keys.size(); ++i) c.bind(static_cast<int>(i + 1), post_keys[i]);
    while (c.executeStep()) {
      comment_row r{c.getColumn(0).getInt64(), c.getColumn(1).getInt64(), c.getColumn(2).getString()};
      const auto [owner, at] = post_at.at(r.post_id);
      users[owner].posts[at].comments.push_back(std::move(r));
    }
    return users;
  }
};

void W4_sqlitecpp(benchmark::State& state, int n) {
  const std::string& name = use(n, where::memory);
  sqlitecpp_tree_loader loader(bench::sqlitecpp(name));
  bench::expect_same(state, loader.load() == load_tree_sqlite3(bench::raw_sqlite(name)), "W4 tree");
  bench::run(state, tree_rows(n), [&] { return count_tree(loader.load()); });
}
#endif

// SOCI: into() bound to locals, use() bound to a vector of keys per statement.
struct soci_post_into {
  long long id = 0, user_id = 0;
  std::string title, body;
  soci::indicator body_ind = soci::i_ok;
};
struct soci_comment_into {
  long long id = 0, post_id = 0;
  std::string text;
};

struct soci_tree_loader {
  soci::session& s;
  user_row u;
  std::string hair;
  soci::indicator hair_ind = soci::i_ok;
  soci::statement users_st;
  bench::soci_in_cache<soci_post_into>& posts;
  bench::soci_in_cache<soci_comment_into>& comments;

  explicit soci_tree_loader(bench::soci_connection& c)
      : s(*c.session),
        users_st((s.prepare << "SELECT id, name, hair_color FROM users", soci::into(u.id), soci::into(u.name),
                  soci::into(hair, hair_ind))),
        posts(c.extras.get<bench::soci_in_cache<soci_post_into>>("w4 posts")),
        comments(c.extras.get<bench::soci_in_cache<soci_comment_into>>("w4 comments")) {}

  std::vector<user_row> load() {
    std::vector<user_row> users;
    users_st.execute();
    while (users_st.fetch()) {
      u.hair_color = hair_ind == soci::i_null ? std::nullopt : std::optional<std::string>(hair);
      users.push_back(u);
    }
    if (users.empty()) return users;

    std::unordered_map<std::int64_t, std::size_t> user_at;
    user_at.reserve(users.size());
    for (std::size_t i = 0; i < users.size(); ++i) user_at.emplace(users[i].id, i);
    auto& p = posts.get(
        s, users.size(),
        [](soci::statement& st, soci_post_into& r) {
          st.exchange(soci::into(r.id));
          st.exchange(soci::into(r.user_id));
          st.exchange(soci::into(r.title));
          st.exchange(soci::into(r.body, r.body_ind));
        },
        [](std::size_t k) {
          return bench::soci_in("SELECT id, user_id, title, body FROM posts WHERE user_id IN", k, " ORDER BY id");
        });
    for (std::size_t i = 0; i < users.size(); ++i) p.keys[i] = users[i].id;
    std::vector<std::int64_t> post_keys;
    std::unordered_map<std::int64_t, std::pair<std::size_t, std::size_t>> post_at;
    p.st->execute();
    while (p.st->fetch()) {
      const std::size_t owner = user_at.at(p.row.user_id);
      post_keys.push_back(p.row.id);
      post_at.emplace(p.row.id, std::pair{owner, users[owner].posts.size()});
      users[owner].posts.push_back(
          post_row{p.row.id,
                   p.row.user_id,
                   p.row.title,
                   p.row.body_ind == soci::i_null ? std::nullopt : std::optional<std::string>(p.row.body),
                   {}});
    }
    if (post_keys.empty()) return users;

    auto& c = comments.get(
        s, post_keys.size(),
        [](soci::statement& st, soci_comment_into& r) {
          st.exchange(soci::into(r.id));
          st.exchange(soci::into(r.post_id));
          st.exchange(soci::into(r.text));
        },
        [](std::size_t k) {
          return bench::soci_in("SELECT id, post_id, text FROM comments WHERE post_id IN", k, " ORDER BY id");
        });
    for (std::size_t i = 0; i < post_keys.size(); ++i) c.keys[i] = post_keys[i];
    c.st->execute();
    while (c.st->fetch()) {
      const auto [owner, at] = post_at.at(c.row.post_id);
      users[owner].posts[at].comments.push_back(comment_row{c.row.id, c.row.post_id, c.row.text});
    }
    return users;
  }
};

void W4_raw_soci(benchmark::State& state, int n, where at) {
  const std::string& name = use(n, at);
  soci_tree_loader loader(at == where::postgresql ? bench::soci_postgresql(name)
                          : at == where::mariadb  ? bench::soci_mariadb(name)
                                                  : bench::soci_sqlite(name));
  bench::run(state, tree_rows(n), [&] { return count_tree(loader.load()); });
}

#ifdef AR_BENCH_HAVE_MARIADB
// The MariaDB C API: the same three statements, each prepared once (per key count for the IN
// lists, kept on the connection by SQL) with its keys and result columns bound once to fixed
// buffers; the children grouped through the same hash maps as the sqlite3 twin's.
struct mariadb_users_query {
  bench::mariadb_statement st;
  bench::mariadb_integer id;
  bench::mariadb_text name, hair_color;
  MYSQL_BIND result[3];
};
struct mariadb_posts_query {
  bench::mariadb_statement st;
  std::vector<bench::mariadb_integer> keys;
  std::vector<MYSQL_BIND> params;
  bench::mariadb_integer id, user_id;
  bench::mariadb_text title, body;
  MYSQL_BIND result[4];
  void bind_columns() {
    id.bind(result[0]);
    user_id.bind(result[1]);
    title.bind(result[2]);
    body.bind(result[3]);
  }
};
struct mariadb_comments_query {
  bench::mariadb_statement st;
  std::vector<bench::mariadb_integer> keys;
  std::vector<MYSQL_BIND> params;
  bench::mariadb_integer id, post_id;
  bench::mariadb_text text;
  MYSQL_BIND result[3];
  void bind_columns() {
    id.bind(result[0]);
    post_id.bind(result[1]);
    text.bind(result[2]);
  }
};

// The IN statement `sql` with n keys, prepared and bound on first use.
template <class Query>
Query& mariadb_in_query(bench::raw_mariadb_connection& conn, const std::string& sql, std::size_t n) {
  auto& q = conn.extras.get<Query>(sql);
  if (q.st.prepare(conn.db, sql)) {
    q.keys.resize(n);
    q.params.resize(n);
    for (std::size_t i = 0; i < n; ++i) q.keys[i].bind(q.params[i]);
    q.st.bind_params(q.params.data());
    q.bind_columns();
    q.st.bind_result(q.result);
  }
  return q;
}

std::vector<user_row> load_tree_mariadb(bench::raw_mariadb_connection& conn) {
  auto& u = conn.extras.get<mariadb_users_query>("w4 users");
  if (u.st.prepare(conn.db, "SELECT id, name, hair_color FROM users")) {
    u.id.bind(u.result[0]);
    u.name.bind(u.result[1]);
    u.hair_color.bind(u.result[2]);
    u.st.bind_result(u.result);
  }
  u.st.execute();
  std::vector<user_row> users;
  users.reserve(static_cast<std::size_t>(mysql_stmt_num_rows(u.st.get())));  // known once stored
  while (u.st.fetch())
    users.push_back(user_row{u.id.value, u.name.value(u.st, 1), u.hair_color.optional_value(u.st, 2), {}});
  u.st.free_result();
  if (users.empty()) return users;

  std::unordered_map<std::int64_t, std::size_t> user_at;
  user_at.reserve(users.size());
  for (std::size_t i = 0; i < users.size(); ++i) user_at.emplace(users[i].id, i);
  auto& p = mariadb_in_query<mariadb_posts_query>(
      conn,
      bench::mariadb_in("SELECT id, user_id, title, body FROM posts WHERE user_id IN", users.size(), " ORDER BY id"),
      users.size());
  for (std::size_t i = 0; i < users.size(); ++i) p.keys[i].value = users[i].id;
  p.st.execute();
  std::vector<std::int64_t> post_keys;
  post_keys.reserve(static_cast<std::size_t>(mysql_stmt_num_rows(p.st.get())));
  std::unordered_map<std::int64_t, std::pair<std::size_t, std::size_t>> post_at;  // user, post
  post_at.reserve(post_keys.capacity());
  while (p.st.fetch()) {
    const std::size_t owner = user_at.at(p.user_id.value);
    post_keys.push_back(p.id.value);
    post_at.emplace(p.id.value, std::pair{owner, users[owner].posts.size()});
    users[owner].posts.push_back(
        post_row{p.id.value, p.user_id.value, p.title.value(p.st, 2), p.body.optional_value(p.st, 3), {}});
  }
  p.st.free_result();
  if (post_keys.empty()) return users;

  auto& c = mariadb_in_query<mariadb_comments_query>(
      conn,
      bench::mariadb_in("SELECT id, post_id, text FROM comments WHERE post_id IN", post_keys.size(), " ORDER BY id"),
      post_keys.size());
  for (std::size_t i = 0; i < post_keys.size(); ++i) c.keys[i].value = post_keys[i];
  c.st.execute();
  while (c.st.fetch()) {
    const auto [owner, at] = post_at.at(c.post_id.value);
    users[owner].posts[at].comments.push_back(comment_row{c.id.value, c.post_id.value, c.text.value(c.st, 2)});
  }
  c.st.free_result();
  return users;
}

void W4_raw_mariadb(benchmark::State& state, int n) {
  auto& conn = bench::raw_mariadb(use(n, where::mariadb));
  bench::run(state, tree_rows(n), [&] { return count_tree(load_tree_mariadb(conn)); });
}
#endif

#ifdef AR_BENCH_HAVE_LIBPQ
// The hand-written libpq single JOIN (PostgreSQL only): the whole tree in one statement and one
// round trip, users LEFT JOIN posts LEFT JOIN comments ordered by the three keys, the tree built
// as the rows go by. The bar a pipelined eager load is measured against across a network
// (issue 22): it pays one round trip, and repeats each user's and post's columns on every row.
class libpq_join_loader {
 public:
  explicit libpq_join_loader(const std::string& name) {
    std::string url = bench::postgresql_url();
    if (const auto sep = url.find("://"); sep != std::string::npos) url = url.substr(sep + 3);
    conn_ = PQconnectdb((url + " options='-c search_path=ar_bench_" + name + "'").c_str());
    if (PQstatus(conn_) != CONNECTION_OK) throw std::runtime_error(std::string("libpq: ") + PQerrorMessage(conn_));
    PGresult* r =
        PQprepare(conn_, "w4_join",
                  "SELECT u.id, u.name, u.hair_color, p.id, p.user_id, p.title, p.body, c.id, c.post_id, c.text "
                  "FROM users u LEFT JOIN posts p ON p.user_id = u.id LEFT JOIN comments c ON c.post_id = p.id "
                  "ORDER BY u.id, p.id, c.id",
                  0, nullptr);
    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok) throw std::runtime_error(std::string("libpq: ") + PQerrorMessage(conn_));
  }
  libpq_join_loader(const libpq_join_loader&) = delete;
  libpq_join_loader& operator=(const libpq_join_loader&) = delete;
  ~libpq_join_loader() { PQfinish(conn_); }

  std::vector<user_row> load() {
    PGresult* r = PQexecPrepared(conn_, "w4_join", 0, nullptr, nullptr, nullptr, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
      const std::string error = PQerrorMessage(conn_);
      PQclear(r);
      throw std::runtime_error("libpq: " + error);
    }
    auto int64 = [r](int row, int col) { return std::strtoll(PQgetvalue(r, row, col), nullptr, 10); };
    auto text = [r](int row, int col) {
      return std::string(PQgetvalue(r, row, col), static_cast<std::size_t>(PQgetlength(r, row, col)));
    };
    auto optional_text = [&](int row, int col) {
      return PQgetisnull(r, row, col) ? std::nullopt : std::optional<std::string>(text(row, col));
    };
    std::vector<user_row> users;
    const int rows = PQntuples(r);
    for (int i = 0; i < rows; ++i) {
      const std::int64_t user_id = int64(i, 0);
      if (users.empty() || users.back().id != user_id)
        users.push_back(user_row{user_id, text(i, 1), optional_text(i, 2), {}});
      if (PQgetisnull(r, i, 3)) continue;
      auto& posts = users.back().posts;
      const std::int64_t post_id = int64(i, 3);
      if (posts.empty() || posts.back().id != post_id)
        posts.push_back(post_row{post_id, int64(i, 4), text(i, 5), optional_text(i, 6), {}});
      if (PQgetisnull(r, i, 7)) continue;
      posts.back().comments.push_back(comment_row{int64(i, 7), int64(i, 8), text(i, 9)});
    }
    PQclear(r);
    return users;
  }

 private:
  PGconn* conn_ = nullptr;
};

void W4_raw_libpq_join(benchmark::State& state, int n) {
  libpq_join_loader loader(use(n, where::postgresql));
  bench::run(state, tree_rows(n), [&] { return count_tree(loader.load()); });
}
#endif

// --- W7: posts with their user ----------------------------------------------------------------

constexpr int w7_sizes[] = {1000, 10000};  // posts; the users are a tenth of that

std::size_t walk_posts(bool eager) {
  std::vector<Post> posts =
      eager ? ar::from<Post>() | ar::with("author") | ar::to_vector : ar::from<Post>() | ar::to_vector;
  std::size_t rows = posts.size();
  for (const Post& p : posts) rows += static_cast<std::size_t>(p.author() != nullptr);
  return rows;
}

std::size_t w7_rows(int posts) { return static_cast<std::size_t>(posts + posts / posts_per_user); }

// Every post, and its author: counts the posts and the posts whose author was found (as many).
void W7_orm(benchmark::State& state, int posts, bool eager) {
  use(posts / posts_per_user, where::memory);
  bench::run_counted(state, 2 * static_cast<std::size_t>(posts), [eager] { return walk_posts(eager); }, {2, 2});
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(w7_rows(posts)));
}

// Hand-written: the posts, then their distinct authors in one IN statement; each post points at
// its author in the authors' vector.
struct post_with_author {
  post_row post;
  const user_row* author = nullptr;
};

void W7_raw_sqlite3(benchmark::State& state, int n) {
  auto& conn = bench::raw_sqlite(use(n / posts_per_user, where::memory));
  bench::run(state, 2 * static_cast<std::size_t>(n), [&] {
    std::vector<post_with_author> posts;
    sqlite3_stmt* st = conn.statements->get("SELECT id, user_id, title, body FROM posts");
    while (sqlite3_step(st) == SQLITE_ROW)
      posts.push_back(post_with_author{post_row{sqlite3_column_int64(st, 0),
                                                sqlite3_column_int64(st, 1),
                                                bench::column_text(st, 2),
                                                bench::column_optional_text(st, 3),
                                                {}},
                                       nullptr});
    std::vector<std::int64_t> keys;
    {
      std::unordered_map<std::int64_t, bool> seen;
      for (const auto& p : posts)
        if (seen.emplace(p.post.user_id, true).second) keys.push_back(p.post.user_id);
    }
    std::vector<user_row> authors;
    authors.reserve(keys.size());
    st = conn.statements->get(bench::sqlite_in("SELECT id, name, hair_color FROM users WHERE id IN", keys.size()));
    for (std::size_t i = 0; i < keys.size(); ++i) sqlite3_bind_int64(st, static_cast<int>(i + 1), keys[i]);
    while (sqlite3_step(st) == SQLITE_ROW)
      authors.push_back(
          user_row{sqlite3_column_int64(st, 0), bench::column_text(st, 1), bench::column_optional_text(st, 2), {}});
    std::unordered_map<std::int64_t, const user_row*> by_key;
    by_key.reserve(authors.size());
    for (const user_row& a : authors) by_key.emplace(a.id, &a);
    std::size_t rows = posts.size();
    for (auto& p : posts) {
      auto it = by_key.find(p.post.user_id);
      p.author = it == by_key.end() ? nullptr : it->second;
      rows += static_cast<std::size_t>(p.author != nullptr);
    }
    benchmark::DoNotOptimize(posts.data());
    return rows;
  });
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(w7_rows(n)));
}

void W7_raw_soci(benchmark::State& state, int n) {
  auto& conn = bench::soci_sqlite(use(n / posts_per_user, where::memory));
  soci::session& s = *conn.session;
  soci_post_into pr;
  soci::statement posts_st = (s.prepare << "SELECT id, user_id, title, body FROM posts", soci::into(pr.id),
                              soci::into(pr.user_id), soci::into(pr.title), soci::into(pr.body, pr.body_ind));
  struct author_into {
    long long id = 0;
    std::string name, hair;
    soci::indicator hair_ind = soci::i_ok;
  };
  auto& users = conn.extras.get<bench::soci_in_cache<author_into>>("w7 users");
  bench::run(state, 2 * static_cast<std::size_t>(n), [&] {
    std::vector<post_with_author> posts;
    posts_st.execute();
    while (posts_st.fetch())
      posts.push_back(
          post_with_author{post_row{pr.id,
                                    pr.user_id,
                                    pr.title,
                                    pr.body_ind == soci::i_null ? std::nullopt : std::optional<std::string>(pr.body),
                                    {}},
                           nullptr});
    std::vector<std::int64_t> keys;
    {
      std::unordered_map<std::int64_t, bool> seen;
      for (const auto& p : posts)
        if (seen.emplace(p.post.user_id, true).second) keys.push_back(p.post.user_id);
    }
    auto& u = users.get(
        s, keys.size(),
        [](soci::statement& st, author_into& r) {
          st.exchange(soci::into(r.id));
          st.exchange(soci::into(r.name));
          st.exchange(soci::into(r.hair, r.hair_ind));
        },
        [](std::size_t k) { return bench::soci_in("SELECT id, name, hair_color FROM users WHERE id IN", k); });
    for (std::size_t i = 0; i < keys.size(); ++i) u.keys[i] = keys[i];
    std::vector<user_row> authors;
    authors.reserve(keys.size());
    u.st->execute();
    while (u.st->fetch())
      authors.push_back(user_row{u.row.id,
                                 u.row.name,
                                 u.row.hair_ind == soci::i_null ? std::nullopt : std::optional<std::string>(u.row.hair),
                                 {}});
    std::unordered_map<std::int64_t, const user_row*> by_key;
    by_key.reserve(authors.size());
    for (const user_row& a : authors) by_key.emplace(a.id, &a);
    std::size_t rows = posts.size();
    for (auto& p : posts) {
      auto it = by_key.find(p.post.user_id);
      p.author = it == by_key.end() ? nullptr : it->second;
      rows += static_cast<std::size_t>(p.author != nullptr);
    }
    benchmark::DoNotOptimize(posts.data());
    return rows;
  });
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(w7_rows(n)));
}

}  // namespace bench_w4

namespace bench {

void register_loading_benchmarks(bool postgresql, bool mariadb, bool pgbouncer) {
  using namespace bench_w4;
  // In memory, then the same tree in an SQLite database file, timed in wall-clock time: the lazy
  // walk's 1 + N + 10N statements each lock the file, the eager load's 3 do it three times.
  for (const where at : {where::memory, where::file}) {
    const bool file = at == where::file;
    const std::string prefix = file ? "W4/file_" : "W4/";
    const auto reg = [file](const std::string& name, auto f) { file ? add_file(name, f) : add(name, f); };
    for (int n : w4_sizes) {
      const std::string size = std::to_string(n);
      reg(prefix + "orm_lazy/" + size, [n, at](benchmark::State& s) { W4_orm(s, n, strategy::lazy, at); });
      reg(prefix + "orm_auto/" + size, [n, at](benchmark::State& s) { W4_orm(s, n, strategy::automatic, at); });
      reg(prefix + "orm_eager/" + size, [n, at](benchmark::State& s) { W4_orm(s, n, strategy::eager, at); });
      reg(prefix + "raw_sqlite3/" + size, [n, at](benchmark::State& s) { W4_raw_sqlite3(s, n, at); });
      if (file) continue;  // the twins below are compared in memory only
      add("W4/raw_soci/" + size, [n](benchmark::State& s) { W4_raw_soci(s, n, where::memory); });
#ifdef AR_BENCH_SQLITECPP
      add("W4/sqlitecpp/" + size, [n](benchmark::State& s) { W4_sqlitecpp(s, n); });
#endif
    }
  }
  if (postgresql)
    for (int n : w4_sizes) {
      const std::string size = std::to_string(n);
      add_pg("W4/pg_orm_lazy/" + size, [n](benchmark::State& s) { W4_orm(s, n, strategy::lazy, where::postgresql); });
      add_pg("W4/pg_orm_auto/" + size,
             [n](benchmark::State& s) { W4_orm(s, n, strategy::automatic, where::postgresql); });
      add_pg("W4/pg_orm_eager/" + size, [n](benchmark::State& s) { W4_orm(s, n, strategy::eager, where::postgresql); });
      add_pg("W4/pg_raw_soci/" + size, [n](benchmark::State& s) { W4_raw_soci(s, n, where::postgresql); });
#ifdef AR_BENCH_HAVE_LIBPQ
      add_pg("W4/pg_raw_libpq_join/" + size, [n](benchmark::State& s) { W4_raw_libpq_join(s, n); });
#endif
    }
  // Through pgbouncer in transaction pooling mode: the ORM variants (SOCI's twins name their
  // statements, which the pooler does not keep).
  if (pgbouncer)
    for (int n : w4_sizes) {
      const std::string size = std::to_string(n);
      add_pg("W4/pgb_orm_lazy/" + size, [n](benchmark::State& s) { W4_orm(s, n, strategy::lazy, where::pgbouncer); });
      add_pg("W4/pgb_orm_auto/" + size,
             [n](benchmark::State& s) { W4_orm(s, n, strategy::automatic, where::pgbouncer); });
      add_pg("W4/pgb_orm_eager/" + size, [n](benchmark::State& s) { W4_orm(s, n, strategy::eager, where::pgbouncer); });
    }
  if (mariadb)
    for (int n : w4_sizes) {
      const std::string size = std::to_string(n);
      add_pg("W4/my_orm_lazy/" + size, [n](benchmark::State& s) { W4_orm(s, n, strategy::lazy, where::mariadb); });
      add_pg("W4/my_orm_auto/" + size, [n](benchmark::State& s) { W4_orm(s, n, strategy::automatic, where::mariadb); });
      add_pg("W4/my_orm_eager/" + size, [n](benchmark::State& s) { W4_orm(s, n, strategy::eager, where::mariadb); });
#ifdef AR_BENCH_HAVE_MARIADB
      add_pg("W4/my_raw_mariadb/" + size, [n](benchmark::State& s) { W4_raw_mariadb(s, n); });
#endif
      add_pg("W4/my_raw_soci/" + size, [n](benchmark::State& s) { W4_raw_soci(s, n, where::mariadb); });
    }
  for (int n : w7_sizes) {
    const std::string size = std::to_string(n);
    add("W7/orm_eager/" + size, [n](benchmark::State& s) { W7_orm(s, n, true); });
    add("W7/orm_auto/" + size, [n](benchmark::State& s) { W7_orm(s, n, false); });
    add("W7/raw_sqlite3/" + size, [n](benchmark::State& s) { W7_raw_sqlite3(s, n); });
    add("W7/raw_soci/" + size, [n](benchmark::State& s) { W7_raw_soci(s, n); });
  }
}

}  // namespace bench
