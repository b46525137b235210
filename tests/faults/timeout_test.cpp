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
// that created it.
struct marker {
  std::int64_t id = 0;
  AR_MODEL(marker, "timeout_marker", AR_FIELDS(id));
};

void create_marker(const ar::database& db) {
  db.execute(ar_test::sql_for(db, "CREATE TEMPORARY TABLE {timeout_marker} ({id} BIGINT NOT NULL PRIMARY KEY)"));
  marker m{7};
  ar::insert(db, m);
}

// A statement that runs for seconds (SQLite: until it is interrupted).
std::string long_statement(const std::string& backend) {
  if (backend == "postgresql") return "SELECT pg_sleep(5)";
  if (backend == "mariadb") return "SELECT SLEEP(5)";
  return "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT max(x) FROM c";
}

// A statement that runs for a few hundred milliseconds, longer than 200 ms.
std::string slower_statement(const std::string& backend) {
  if (backend == "postgresql") return "SELECT pg_sleep(0.5)";
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

class statement_timeouts : public ar_test::backend_test {
 protected:
  void SetUp() override {}
  ar::database open(std::chrono::milliseconds timeout) {
    return ar_test::open_backend(GetParam(), "default", {.pool_size = 1, .statement_timeout = timeout});
  }
};

TEST_P(statement_timeouts, a_statement_past_its_timeout_throws_timeout_error_and_its_connection_serves_the_next) {
  db = open(200ms);
  create_marker(db);
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
  create_marker(db);
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
  create_marker(db);
  const std::string seconds_long = GetParam() == "postgresql" ? "SELECT pg_sleep(1.6)"
                                   : GetParam() == "mariadb"  ? "SELECT SLEEP(1.6)"
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

AR_INSTANTIATE_BACKEND_SUITE(statement_timeouts);

// SQLite: a lock another connection holds is waited for up to the timeout (the busy timeout), then
// is an ar::timeout_error.
TEST(sqlite_timeouts, a_lock_held_by_another_connection_is_a_timeout_error_after_the_timeout) {
  const std::string path = "/tmp/ar_timeout_test_" + std::to_string(clock_type::now().time_since_epoch().count()) + ".sqlite3";
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
      EXPECT_GE(took, 250ms);  // it waited for the lock...
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

INSTANTIATE_TEST_SUITE_P(servers, frozen_servers, ::testing::Values("postgresql", "mariadb"), ar_test::backend_name);

}  // namespace
