// Timeouts: a statement past open_options::statement_timeout (or an ar::statement_timeout_scope)
// throws ar::timeout_error and its database works afterwards, on every backend; a server frozen
// with SIGSTOP (a server of the test's own: scripts/pg-test-server.sh and
// scripts/mariadb-test-server.sh freeze / thaw) costs a timeout_error, never a hang, and so does
// connecting to one (open_options::connect_timeout).

#include "../relation/models.hpp"
#include "../support/backends.hpp"
#include "own_server.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace {

using namespace std::chrono_literals;
using rel::user;
using clock_type = std::chrono::steady_clock;

// How long past its timeout a statement may take to come back on a loaded 2-core machine: the
// point is that it comes back.
constexpr auto margin = 5s;

// A table that lives on one connection only: reading it proves a statement ran on the connection
// that created it. Through a transaction pooler (postgresql_pgbouncer) a temporary table would live
// on whichever server connection ran the CREATE, which the next transaction may not get: there it
// is an ordinary table, and that the client's connection stayed is what open_connections() says of
// the pool of one (pgbouncer_test.cpp checks that the timeout leaves that connection usable).
struct marker {
  std::int64_t id = 0;
  AR_MODEL(marker, "timeout_marker", AR_FIELDS(id));
};

void create_marker(const ar::database& db, const std::string& backend) {
  const std::string kind = backend == "postgresql_pgbouncer" ? "TABLE" : "TEMPORARY TABLE";
  db.execute(ar_test::sql_for(db, "CREATE " + kind + " {timeout_marker} ({id} BIGINT NOT NULL PRIMARY KEY)"));
  marker m{7};
  ar::insert(db, m);
}

// A statement that runs for seconds (SQLite: until it is interrupted).
std::string long_statement(const std::string& backend) {
  if (ar_test::engine_of(backend) == "postgresql") return "SELECT pg_sleep(5)";
  if (backend == "mariadb") return "SELECT SLEEP(5)";
  return "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT max(x) FROM c";
}

// A statement that runs for a few hundred milliseconds, longer than 200 ms.
std::string slower_statement(const std::string& backend) {
  if (ar_test::engine_of(backend) == "postgresql") return "SELECT pg_sleep(0.5)";
  if (backend == "mariadb") return "SELECT SLEEP(0.5)";
  return "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1500000) SELECT max(x) FROM c";
}

// Runs `sql` on `db`, expecting ar::timeout_error; returns how long it took.
clock_type::duration expect_timeout(const ar::database& db, const std::string& sql, std::chrono::milliseconds timeout) {
  const auto began = clock_type::now();
  try {
    db.execute(sql);
    ADD_FAILURE() << "expected ar::timeout_error from " << sql;
  } catch (const ar::timeout_error& e) {
    EXPECT_EQ(e.database(), db.name());
    EXPECT_EQ(e.sql(), sql);
    EXPECT_EQ(e.timeout(), timeout);
    const std::string what = e.what();
    EXPECT_NE(what.find(std::to_string(timeout.count()) + " ms"), std::string::npos) << what;
    EXPECT_NE(what.find(sql), std::string::npos) << what;
  }
  return clock_type::now() - began;
}

// Rows that take long to read: views over a statement that sleeps (SQLite: that counts), so that a
// pipeline (which reads tables) runs the long statements above. slow_row takes seconds (SQLite: for
// ever), medium_row a few hundred milliseconds; each view has one row, id 7.
struct slow_row {
  std::int64_t id = 0;
  std::int64_t marker_id = 0;
  AR_MODEL(slow_row, "timeout_slow_rows", AR_FIELDS(id, marker_id));
};
struct medium_row {
  std::int64_t id = 0;
  AR_MODEL(medium_row, "timeout_medium_rows", AR_FIELDS(id));
  friend bool operator==(const medium_row&, const medium_row&) = default;
};
// The marker's table again, with the slow rows as a relation: an eager load that takes seconds.
struct marker_with_rows {
  std::int64_t id = 0;
  AR_MODEL(marker_with_rows, "timeout_marker", AR_FIELDS(id), AR_HAS_MANY(rows, slow_row, marker_id));
};

void create_slow_views(const ar::database& db, const std::string& backend) {
  if (ar_test::engine_of(backend) == "postgresql") {
    db.execute("CREATE VIEW timeout_slow_rows AS SELECT 7::bigint AS id, 7::bigint AS marker_id FROM pg_sleep(5)");
    db.execute("CREATE VIEW timeout_medium_rows AS SELECT 7::bigint AS id FROM pg_sleep(0.5)");
  } else if (backend == "mariadb") {
    db.execute("CREATE VIEW timeout_slow_rows AS SELECT SLEEP(5) + 7 AS id, 7 AS marker_id");
    db.execute("CREATE VIEW timeout_medium_rows AS SELECT SLEEP(0.5) + 7 AS id");
  } else {
    db.execute(
        "CREATE VIEW timeout_slow_rows AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
        "SELECT max(x) * 0 + 7 AS id, 7 AS marker_id FROM c");
    db.execute(
        "CREATE VIEW timeout_medium_rows AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
        "WHERE x < 1500000) SELECT max(x) * 0 + 7 AS id FROM c");
  }
}

// Runs `read`, expecting ar::timeout_error after `timeout` from a statement on `db`.
template <class Read>
void expect_query_timeout(const ar::database& db, Read&& read, std::chrono::milliseconds timeout) {
  const auto began = clock_type::now();
  try {
    read();
    ADD_FAILURE() << "expected ar::timeout_error after " << timeout.count() << " ms";
  } catch (const ar::timeout_error& e) {
    EXPECT_EQ(e.database(), db.name());
    EXPECT_EQ(e.timeout(), timeout) << e.what();
  }
  const auto took = clock_type::now() - began;
  EXPECT_GE(took, timeout - 50ms);
  EXPECT_LT(took, timeout + margin);
}

class statement_timeouts : public ar_test::backend_test {
 protected:
  void SetUp() override {}
  ar::database open(std::chrono::milliseconds timeout) {
    return ar_test::open_backend(GetParam(), "default", {.pool_size = 1, .statement_timeout = timeout});
  }
};

TEST_P(statement_timeouts, a_statement_past_its_timeout_throws_timeout_error_and_its_connection_serves_the_next) {
  db = open(200ms);
  create_marker(db, GetParam());
  const auto took = expect_timeout(db, long_statement(GetParam()), 200ms);
  EXPECT_GE(took, 150ms);
  EXPECT_LT(took, 200ms + margin);
  // The same connection (its temporary table is there), usable.
  EXPECT_EQ(db.open_connections(), 1u);
  EXPECT_EQ(ar::from<marker>(db) | ar::count, 1);
  ar::create_tables<user>(db);
  user u{0, "after"};
  ar::insert(db, u);
  EXPECT_EQ(ar::find<user>(db, u.id)->username, "after");
}

TEST_P(statement_timeouts, a_timeout_inside_a_transaction_leaves_the_transaction_to_roll_back) {
  db = open(200ms);
  ar::create_tables<user>(db);
  {
    ar::transaction tx(db);
    user u{0, "rolled back"};
    ar::insert(db, u);
    expect_timeout(db, long_statement(GetParam()), 200ms);
  }
  EXPECT_FALSE(db.in_transaction());
  EXPECT_EQ(ar::from<user>(db) | ar::count, 0);
  user kept{0, "kept"};
  ar::insert(db, kept);
  EXPECT_EQ(ar::from<user>(db) | ar::count, 1);
}

TEST_P(statement_timeouts, no_statement_timeout_is_the_default) {
  db = open(0ms);
  db.execute(slower_statement(GetParam()));  // runs to its end
  SUCCEED();
}

TEST_P(statement_timeouts, a_scope_sets_the_timeout_of_its_threads_statements_and_nests) {
  db = open(0ms);
  create_marker(db, GetParam());
  {
    ar::statement_timeout_scope quick(db, 200ms);
    expect_timeout(db, long_statement(GetParam()), 200ms);
    {
      ar::statement_timeout_scope patient(db, 30s);  // the innermost scope wins
      db.execute(slower_statement(GetParam()));
    }
    expect_timeout(db, slower_statement(GetParam()), 200ms);
  }
  db.execute(slower_statement(GetParam()));  // the scope is over: no limit again
  EXPECT_EQ(ar::from<marker>(db) | ar::count, 1);
}

TEST_P(statement_timeouts, a_scope_overrides_the_databases_timeout_for_its_thread_only) {
  db = open(200ms);
  expect_timeout(db, slower_statement(GetParam()), 200ms);
  {
    ar::statement_timeout_scope patient(db, 0ms);  // no limit
    db.execute(slower_statement(GetParam()));
  }
  expect_timeout(db, slower_statement(GetParam()), 200ms);
}

// A scope's timeout holds even when it is longer than the database's: the client library's own
// waits (MariaDB's read timeout, fixed when a connection opens) must not end the statement first.
TEST_P(statement_timeouts, a_scope_longer_than_the_databases_timeout_lets_a_statement_run_to_its_end) {
  db = open(200ms);
  create_marker(db, GetParam());
  const std::string seconds_long = ar_test::engine_of(GetParam()) == "postgresql" ? "SELECT pg_sleep(1.6)"
                                   : GetParam() == "mariadb"                      ? "SELECT SLEEP(1.6)"
                                                                                  : slower_statement(GetParam());
  ar::statement_counter counter;
  {
    ar::statement_timeout_scope patient(db, 20s);
    const auto began = clock_type::now();
    db.execute(seconds_long);
    if (GetParam() != "sqlite") {
      EXPECT_GE(clock_type::now() - began, 1500ms);
    }
  }
  // Ran once, on the same connection (its temporary table is there), never sent again.
  EXPECT_EQ(counter.count(db), 1u) << ::testing::PrintToString(counter.statements());
  EXPECT_EQ(ar::from<marker>(db) | ar::count, 1);
  expect_timeout(db, slower_statement(GetParam()), 200ms);  // the database's timeout again
}

TEST_P(statement_timeouts, setting_a_timeout_is_no_observed_statement_and_a_timed_out_one_is_observed_as_failed) {
  db = open(200ms);
  ar::create_tables<user>(db);
  ar::statement_counter counter;
  bool failed_seen = false;
  auto handle = ar::observe([&](const ar::statement_event& e) {
    if (!e.succeeded && std::string(e.sql) == long_statement(GetParam())) failed_seen = true;
  });
  {
    ar::statement_timeout_scope patient(db, 10s);  // a new timeout for the session: not a statement of the program's
    EXPECT_EQ(ar::from<user>(db) | ar::count, 0);
  }
  EXPECT_EQ(ar::from<user>(db) | ar::count, 0);
  EXPECT_EQ(counter.count(db), 2u) << ::testing::PrintToString(counter.statements());
  expect_timeout(db, long_statement(GetParam()), 200ms);
  EXPECT_TRUE(failed_seen);
  EXPECT_EQ(counter.count(db), 3u) << ::testing::PrintToString(counter.statements());
}

TEST_P(statement_timeouts, negative_timeouts_are_refused) {
  EXPECT_THROW(ar_test::open_backend(GetParam(), "negative", {.statement_timeout = -1ms}), ar::configuration_error);
  EXPECT_THROW(ar_test::open_backend(GetParam(), "negative", {.connect_timeout = -1ms}), ar::configuration_error);
  db = open(0ms);
  EXPECT_THROW(ar::statement_timeout_scope(db, -5ms), ar::configuration_error);
}

// ar::timeout(ms) in a pipeline: each statement the query sends stops after it, and nothing of it
// is left for the next query.
TEST_P(statement_timeouts, a_querys_timeout_stops_each_of_its_terminals_and_the_next_query_has_none) {
  db = open(0ms);
  create_marker(db, GetParam());
  create_slow_views(db, GetParam());
  const auto slow = ar::from<slow_row>(db) | ar::timeout(200ms);
  expect_query_timeout(db, [&] { (void)(slow | ar::to_vector); }, 200ms);
  expect_query_timeout(db, [&] { (void)(slow | ar::count); }, 200ms);
  expect_query_timeout(db, [&] { (void)(slow | ar::first); }, 200ms);
  expect_query_timeout(db, [&] { (void)(slow | ar::maximum(slow_row::c.id)); }, 200ms);
  expect_query_timeout(db, [&] { (void)(slow | ar::select(slow_row::c.id) | ar::to_vector); }, 200ms);
  // The same connection (its temporary table is there), and no limit left on it.
  EXPECT_EQ(db.open_connections(), 1u);
  EXPECT_EQ(ar::from<marker>(db) | ar::count, 1);
  EXPECT_EQ(ar::from<medium_row>(db) | ar::to_vector, (std::vector<medium_row>{{7}}));
}

TEST_P(statement_timeouts, a_querys_timeout_overrides_the_databases_and_a_scopes_and_the_last_one_holds) {
  db = open(200ms);
  create_slow_views(db, GetParam());
  // Longer than the database's, or none: the half-second rows are read.
  EXPECT_EQ(ar::from<medium_row>(db) | ar::timeout(20s) | ar::count, 1);
  EXPECT_EQ(ar::from<medium_row>(db) | ar::timeout(0ms) | ar::count, 1);
  // Without one, the database's holds.
  expect_query_timeout(db, [&] { (void)(ar::from<medium_row>(db) | ar::count); }, 200ms);
  {
    ar::statement_timeout_scope none(db, 0ms);
    expect_query_timeout(db, [&] { (void)(ar::from<slow_row>(db) | ar::timeout(250ms) | ar::count); }, 250ms);
    EXPECT_EQ(ar::from<medium_row>(db) | ar::count, 1);  // the scope's again
  }
  expect_query_timeout(
      db, [&] { (void)(ar::from<slow_row>(db) | ar::timeout(20s) | ar::timeout(150ms) | ar::count); }, 150ms);
  EXPECT_THROW((void)ar::timeout(-1ms), ar::configuration_error);
}

TEST_P(statement_timeouts, a_querys_timeout_covers_its_eager_loads_and_its_stream) {
  db = open(0ms);
  create_marker(db, GetParam());
  create_slow_views(db, GetParam());
  expect_query_timeout(
      db, [&] { (void)(ar::from<marker_with_rows>(db) | ar::with("rows") | ar::timeout(200ms) | ar::to_vector); },
      200ms);
  expect_query_timeout(
      db, [&] { (void)(ar::from<marker_with_rows>(db) | ar::with("rows") | ar::timeout(200ms) | ar::first); }, 200ms);
  EXPECT_EQ(ar::from<marker>(db) | ar::count, 1);  // the same connection serves the next query
  // A stream: its statement, or on PostgreSQL its DECLARE ... WITH HOLD, which computes the rows
  // when it commits, where the server's statement_timeout does not reach: the client gives up on
  // it 500 ms after the timeout and drops the connection (docs/backends.md, "Timeouts").
  expect_query_timeout(
      db,
      [&] {
        for (const slow_row& r : ar::from<slow_row>(db) | ar::timeout(200ms) | ar::stream) (void)r;
      },
      200ms);
  EXPECT_EQ(ar::from<medium_row>(db) | ar::count, 1);  // the database serves the next query
}

// A write waits for a lock another connection's transaction holds, up to the query's timeout.
TEST_P(statement_timeouts, delete_all_under_a_querys_timeout_stops_waiting_for_a_lock) {
  // Two connections to one database (SQLite: a file).
  db = ar_test::open_backend(GetParam() == "sqlite" ? "sqlite_file" : GetParam(), "default", {.pool_size = 2});
  ar::create_tables<user>(db);
  user u{0, "locked"};
  ar::insert(db, u);
  std::promise<void> locked;
  std::promise<void> done;
  std::thread holder([&] {
    ar::transaction tx(db);  // a transaction belongs to its thread, and holds one connection
    u.username = "held";
    ar::update(db, u);  // holds the row (SQLite: the database) until the transaction ends
    locked.set_value();
    done.get_future().wait();
  });
  struct release {
    std::promise<void>& done;
    std::thread& holder;
    ~release() {
      done.set_value();
      holder.join();  // the holder's transaction rolls back
    }
  };
  {
    release at_end{done, holder};
    locked.get_future().wait();
    expect_query_timeout(
        db, [&] { (void)(ar::from<user>(db) | ar::filter(user::c.id == u.id) | ar::timeout(300ms) | ar::delete_all); },
        300ms);
  }
  EXPECT_EQ(ar::from<user>(db) | ar::filter(user::c.id == u.id) | ar::timeout(10s) | ar::delete_all, 1u);
  EXPECT_EQ(ar::from<user>(db) | ar::count, 0);
}

AR_INSTANTIATE_BACKEND_SUITE(statement_timeouts);

// SQLite: a lock another connection holds is waited for up to the timeout (the busy timeout), then
// is an ar::timeout_error.
TEST(sqlite_timeouts, a_lock_held_by_another_connection_is_a_timeout_error_after_the_timeout) {
  const std::string path =
      "/tmp/ar_timeout_test_" + std::to_string(clock_type::now().time_since_epoch().count()) + ".sqlite3";
  std::remove(path.c_str());
  {
    ar::database holder = ar::open("sqlite3://db=" + path, "holder");
    ar::database waiter = ar::open("sqlite3://db=" + path + " timeout=30", "waiter", {.statement_timeout = 300ms});
    ar::create_tables<user>(holder);
    {
      ar::transaction tx(holder);
      user u{0, "holding"};
      ar::insert(holder, u);  // holds the write lock until the transaction ends
      const std::string insert = "INSERT INTO users (username) VALUES ('waiting')";
      const auto took = expect_timeout(waiter, insert, 300ms);
      EXPECT_GE(took, 250ms);           // it waited for the lock...
      EXPECT_LT(took, 300ms + margin);  // ...not for the URL's 30 s
      tx.commit();
    }
    user w{0, "after"};
    ar::insert(waiter, w);  // the lock is free: the same connection writes
    EXPECT_EQ(ar::from<user>(waiter) | ar::count, 2);
    {
      // Without a timeout, the URL's busy timeout applies again: the writer waits for the lock.
      ar::statement_timeout_scope none(waiter, 0ms);
      std::promise<void> locked;
      std::thread other([&] {
        ar::transaction tx(holder);  // a transaction belongs to its thread
        user u{0, "holding again"};
        ar::insert(holder, u);
        locked.set_value();
        std::this_thread::sleep_for(600ms);
        tx.commit();
      });
      locked.get_future().wait();
      const auto began = clock_type::now();
      user v{0, "waited"};
      ar::insert(waiter, v);
      EXPECT_GE(clock_type::now() - began, 400ms);
      other.join();
    }
    EXPECT_EQ(ar::from<user>(waiter) | ar::count, 4);
  }
  ar::close_all();
  std::remove(path.c_str());
}

// Freezes a server until it is thawed or destroyed: a failing test never leaves it frozen.
class frozen {
 public:
  explicit frozen(ar_test::own_server& s, bool now = true) : server_(&s) {
    if (now) freeze();
  }
  ~frozen() {
    if (frozen_) server_->thaw(false);
  }
  frozen(const frozen&) = delete;
  frozen& operator=(const frozen&) = delete;
  void freeze() {
    server_->freeze();
    frozen_ = true;
  }
  void thaw() {
    frozen_ = false;
    server_->thaw();
  }

 private:
  ar_test::own_server* server_;
  bool frozen_ = false;
};

class frozen_servers : public ::testing::TestWithParam<std::string> {
 protected:
  static void TearDownTestSuite() { servers().clear(); }
  void TearDown() override { ar::close_all(); }

  ar_test::own_server& server() {
    auto& s = servers()[GetParam()];
    if (!s) s = std::make_unique<ar_test::own_server>(GetParam(), GetParam() == "postgresql" ? "55445" : "53315");
    return *s;
  }

 private:
  static std::map<std::string, std::unique_ptr<ar_test::own_server>>& servers() {
    static std::map<std::string, std::unique_ptr<ar_test::own_server>> all;
    return all;
  }
};

TEST_P(frozen_servers, a_statement_on_a_frozen_server_throws_timeout_error_and_the_database_works_once_it_thaws) {
  ar::database db =
      ar::open(server().url(), "frozen", {.pool_size = 1, .statement_timeout = 300ms, .connect_timeout = 1s});
  db.execute("DROP TABLE IF EXISTS users");
  ar::create_tables<user>(db);
  user u{0, "before"};
  ar::insert(db, u);
  {
    frozen pause(server());
    const auto took = expect_timeout(db, "SELECT COUNT(*) FROM users", 300ms);
    EXPECT_LT(took, 300ms + margin);
    // Its connection was dropped: the next statement opens a new one, which the frozen server
    // does not answer either, within the connect timeout (libpq waits at least 2 s).
    const auto began = clock_type::now();
    EXPECT_THROW(db.execute("SELECT 1"), ar::connection_error);
    EXPECT_LT(clock_type::now() - began, 2s + margin);
  }
  // Thawed: the database works again.
  EXPECT_EQ(ar::from<user>(db) | ar::count, 1);
  user v{0, "after"};
  ar::insert(db, v);
  EXPECT_EQ(ar::from<user>(db) | ar::count, 2);
}

// A database opened without a timeout, and a scope that sets one: the scope's timeout holds on a
// frozen server too (MariaDB's client, which cannot change its own read timeout once connected,
// has its socket shut down at the deadline).
TEST_P(frozen_servers, a_scopes_timeout_stops_a_statement_on_a_frozen_server_when_the_database_has_none) {
  ar::database db = ar::open(server().url(), "frozen", {.pool_size = 1, .connect_timeout = 1s});
  db.execute("DROP TABLE IF EXISTS users");
  ar::create_tables<user>(db);
  user u{0, "before"};
  ar::insert(db, u);
  {
    frozen pause(server());
    ar::statement_timeout_scope quick(db, 300ms);
    const auto took = expect_timeout(db, "SELECT COUNT(*) FROM users", 300ms);
    EXPECT_LT(took, 300ms + margin);
  }
  // Thawed: the database works again, on a new connection.
  EXPECT_EQ(ar::from<user>(db) | ar::count, 1);
}

TEST_P(frozen_servers, a_transaction_whose_server_freezes_ends_without_hanging_and_commits_nothing) {
  ar::database db = ar::open(server().url(), "frozen", {.pool_size = 1, .statement_timeout = 300ms});
  db.execute("DROP TABLE IF EXISTS users");
  ar::create_tables<user>(db);
  clock_type::time_point began;
  {
    frozen pause(server(), false);
    try {
      ar::transaction tx(db);
      user u{0, "uncommitted"};
      ar::insert(db, u);
      pause.freeze();
      began = clock_type::now();
      user v{0, "never"};
      ar::insert(db, v);
      tx.commit();
      ADD_FAILURE() << "expected ar::timeout_error";
    } catch (const ar::timeout_error& e) {
      EXPECT_EQ(e.timeout(), 300ms);
    }
    EXPECT_FALSE(db.in_transaction());
  }
  EXPECT_LT(clock_type::now() - began, 2 * 300ms + margin);
  EXPECT_EQ(ar::from<user>(db) | ar::count, 0);
}

TEST_P(frozen_servers, a_statement_too_large_for_the_socket_times_out_while_it_is_sent_to_a_frozen_server) {
  ar::database db = ar::open(server().url(), "frozen", {.pool_size = 1, .statement_timeout = 300ms});
  db.execute("DROP TABLE IF EXISTS users");
  ar::create_tables<user>(db);
  user small{0, "small"};
  ar::insert(db, small);  // the INSERT is prepared (PostgreSQL): what is sent next is its values
  // More than the socket buffers of both ends take (up to 4 MB to send and 32 MB to receive on
  // Debian's loopback): sending it blocks.
  user big{0, std::string(48u << 20, 'x')};
  {
    frozen pause(server());
    const auto began = clock_type::now();
    EXPECT_THROW(ar::insert(db, big), ar::timeout_error);
    // Twice the margin: the client copies and (MariaDB) escapes 48 MB first, under the sanitizers.
    EXPECT_LT(clock_type::now() - began, 300ms + 2 * margin);
  }
  EXPECT_EQ(ar::from<user>(db) | ar::count, 1);
}

TEST_P(frozen_servers, connecting_to_a_frozen_server_fails_within_the_connect_timeout) {
  frozen pause(server());
  const auto began = clock_type::now();
  try {
    ar::open(server().url(), "late", {.connect_timeout = 1s});
    ADD_FAILURE() << "ar::open returned on a frozen server";
  } catch (const ar::connection_error& e) {
    EXPECT_NE(std::string(e.what()).find("connect_timeout"), std::string::npos) << e.what();
  }
  // libpq waits at least 2 s.
  EXPECT_LT(clock_type::now() - began, 2s + margin);
  pause.thaw();
  ar::database db = ar::open(server().url(), "late", {.connect_timeout = 1s});
  db.execute("SELECT 1");
}

// A standard URL is given the connect timeout too (libpq's URI: in its query).
TEST_P(frozen_servers, connecting_by_standard_url_to_a_frozen_server_fails_within_the_connect_timeout) {
  frozen pause(server());
  const auto began = clock_type::now();
  try {
    ar::open(server().standard_url(), "late", {.connect_timeout = 1s});
    ADD_FAILURE() << "ar::open returned on a frozen server";
  } catch (const ar::connection_error& e) {
    EXPECT_NE(std::string(e.what()).find("connect_timeout"), std::string::npos) << e.what();
  }
  EXPECT_LT(clock_type::now() - began, 2s + margin);
  pause.thaw();
  ar::database db = ar::open(server().standard_url(), "late", {.connect_timeout = 1s});
  db.execute("SELECT 1");
}

INSTANTIATE_TEST_SUITE_P(servers, frozen_servers, ::testing::Values("postgresql", "mariadb"), ar_test::backend_name);

}  // namespace
