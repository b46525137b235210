// PostgreSQL through pgbouncer in transaction pooling mode (scripts/pgbouncer-test-server.sh,
// AR_TEST_PGBOUNCER), opened with pooler=transaction: each transaction may run on another server
// connection, so ar keeps nothing there between transactions (docs/scaling.md, "Connection
// poolers"). The whole PostgreSQL suite runs through the pooler too ("postgresql_pgbouncer" in
// tests/support/backends.hpp); these are what the pooler itself changes.

#include "../support/backends.hpp"
#include "../support/models.hpp"

#include <ar/ar.hpp>
#include <ar/backend/driver.hpp>

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using ar_test::user;

std::string pgbouncer_url() {
  const char* url = std::getenv("AR_TEST_PGBOUNCER");
  if (!url || !*url) throw std::runtime_error("AR_TEST_PGBOUNCER is not set (scripts/pgbouncer-test-server.sh env)");
  return url;
}

// The URL without its pooler=transaction: ar takes the pooler for a server of its own.
std::string without_pooler(std::string url) {
  const std::string key = " pooler=transaction";
  const std::size_t at = url.find(key);
  if (at == std::string::npos) throw std::runtime_error("AR_TEST_PGBOUNCER names no pooler=transaction: " + url);
  return url.erase(at, key.size());
}

// An integer a query returns, through ar::sql.
std::int64_t scalar(const ar::database& db, const std::string& sql, std::vector<ar::value> params = {}) {
  std::int64_t n = -1;
  std::array<ar::detail::column_binding, 1> out{ar::detail::bind_column(n)};
  ar::detail::run(ar::detail::state_of(db), sql, params, out, {}, ar::detail::cache_policy::cache);
  return n;
}

void add_user(const ar::database& db, const std::string& name) {
  user row{.id = 0, .name = name, .hair_color = {}};
  ar::insert(db, row);
}

class postgresql_pgbouncer : public ::testing::Test {
 protected:
  void SetUp() override { db = ar_test::open_backend("postgresql_pgbouncer", "pooled", {.pool_size = 4}); }
  void TearDown() override { ar_test::close_backends(); }
  ar::database db;
};

TEST_F(postgresql_pgbouncer, the_driver_says_it_goes_through_a_transaction_pooler) {
  const std::string url = pgbouncer_url();
  EXPECT_TRUE(ar::find_driver("postgresql")->transaction_pooled(url.substr(url.find("://") + 3)));
  EXPECT_FALSE(ar::find_driver("postgresql")->transaction_pooled(without_pooler(url).substr(url.find("://") + 3)));
}

TEST_F(postgresql_pgbouncer, the_same_query_runs_many_times_from_several_connections) {
  ar::create_table<user>(db);
  std::vector<user> users(50);
  for (std::size_t i = 0; i < users.size(); ++i) users[i].name = "user" + std::to_string(i);
  ar::insert_all(db, users);
  std::atomic<int> wrong{0};
  std::vector<std::string> errors(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      try {
        for (int i = 0; i < 100; ++i) {
          const auto found = ar::from<user>(db) | ar::filter(user::c.id == (i % 50) + 1) | ar::to_vector;
          if (found.size() != 1 || found[0].name != "user" + std::to_string(i % 50)) ++wrong;
          if (scalar(db, "SELECT $1::bigint + 1", {std::int64_t{i}}) != i + 1) ++wrong;
        }
      } catch (const std::exception& e) {
        errors[static_cast<std::size_t>(t)] = e.what();
      }
    });
  }
  for (auto& th : threads) th.join();
  for (const std::string& e : errors) EXPECT_EQ(e, "");
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(db.open_connections(), 4u);
  // Nothing was prepared under a name on any server connection the pooler holds for the database.
  EXPECT_EQ(scalar(db, "SELECT COUNT(*) FROM pg_prepared_statements"), 0);
}

// Without pooler=transaction, ar names its statements (ar_1, ar_2, ... on each connection): through
// pgbouncer 1.18 in transaction mode a name lands on whichever server connection ran the PREPARE,
// where another client's statement of the same name meets it, or where the next execution is not.
TEST_F(postgresql_pgbouncer, named_prepared_statements_break_without_the_option) {
  // A database of its own, so that the names this leaves on the pooler's server connections meet no
  // other test's statements (pgbouncer keeps a pool per database).
  const std::string url = ar_test::open_backend("postgresql_pgbouncer", "own").url();
  ar::get_database("own").close();
  ar::database named = ar::open(without_pooler(url), "named", {.pool_size = 4});
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50 && failures == 0; ++i) {
        try {
          (void)scalar(named, "SELECT $1::bigint + " + std::to_string(t), {std::int64_t{i}});
        } catch (const ar::database_error& e) {
          // 42P05: prepared statement already exists; 26000: prepared statement does not exist.
          if (e.code() == "42P05" || e.code() == "26000") ++failures;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  named.close();
  EXPECT_GT(failures.load(), 0) << "pgbouncer in transaction mode kept named statements apart: this test no longer "
                                   "shows why pooler=transaction is needed";
}

TEST_F(postgresql_pgbouncer, a_statement_timeout_fires_through_the_pooler_and_the_connection_goes_on) {
  ar::database timed =
      ar::open(db.url(), "timed", {.pool_size = 1, .statement_timeout = std::chrono::milliseconds(300)});
  const auto start = std::chrono::steady_clock::now();
  EXPECT_THROW(timed.execute("SELECT pg_sleep(5)"), ar::timeout_error);
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_GE(took, std::chrono::milliseconds(290));
  EXPECT_LT(took, std::chrono::seconds(2));  // cancelled, not run to its end
  // The same connection (a cancel does not drop it), with no statement_timeout SET on the server.
  EXPECT_EQ(timed.open_connections(), 1u);
  std::string shown;
  std::array<ar::detail::column_binding, 1> out{ar::detail::bind_column(shown)};
  ar::detail::run(ar::detail::state_of(timed), "SHOW statement_timeout", {}, out, {}, ar::detail::cache_policy::once);
  EXPECT_EQ(shown, "0");
  // In a transaction: the timeout fires there too, and the transaction rolls back.
  ar::create_table<user>(timed);
  try {
    ar::transaction tx(timed);
    add_user(timed, "gone");
    EXPECT_THROW(timed.execute("SELECT pg_sleep(5)"), ar::timeout_error);
  } catch (const ar::error&) {
  }
  EXPECT_EQ(ar::from<user>(timed) | ar::count, 0);
  timed.close();
}

TEST_F(postgresql_pgbouncer, on_connect_is_refused_with_the_reason) {
  try {
    (void)ar::open(db.url(), "with_setup", {.on_connect = {"SET search_path TO app"}});
    FAIL() << "on_connect through a transaction pooler was accepted";
  } catch (const ar::configuration_error& e) {
    EXPECT_NE(std::string(e.what()).find("transaction pooler"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("on_connect"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)ar::get_database("with_setup"), ar::configuration_error);  // not registered
}

TEST_F(postgresql_pgbouncer, readers_are_refused_with_the_reason) {
  const char* direct = std::getenv("AR_TEST_POSTGRESQL");
  ASSERT_NE(direct, nullptr);
  // A writer through the pooler with readers.
  try {
    (void)ar::open(db.url(), "with_readers", {.readers = {direct}});
    FAIL() << "readers of a database through a transaction pooler were accepted";
  } catch (const ar::configuration_error& e) {
    EXPECT_NE(std::string(e.what()).find("transaction pooler"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("readers"), std::string::npos) << e.what();
  }
  // A reader through the pooler.
  try {
    (void)ar::open(direct, "pooled_reader", {.readers = {db.url()}});
    FAIL() << "a reader through a transaction pooler was accepted";
  } catch (const ar::configuration_error& e) {
    EXPECT_NE(std::string(e.what()).find("transaction pooler"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("read-only session"), std::string::npos) << e.what();
  }
}

TEST_F(postgresql_pgbouncer, an_unknown_pooler_mode_is_refused) {
  const std::string url = without_pooler(db.url()) + " pooler=session";
  EXPECT_THROW((void)ar::open(url, "session_pooled"), ar::configuration_error);
}

TEST_F(postgresql_pgbouncer, a_uri_takes_the_option_in_its_query) {
  // postgresql://user@host:port/database?pooler=transaction, from the keyword form of the test URL.
  const std::string url = db.url();
  auto word = [&](const std::string& key) {
    const std::size_t at = url.find(key + "=");
    return url.substr(at + key.size() + 1, url.find(' ', at) - at - key.size() - 1);
  };
  const std::string uri = "postgresql://" + word("user") + "@" + word("host") + ":" + word("port") + "/" +
                          word("dbname") + "?connect_timeout=5&pooler=transaction";
  auto by_uri = ar::open(uri, "by_uri");
  for (int i = 0; i < 3; ++i) EXPECT_EQ(scalar(by_uri, "SELECT $1::bigint * 2", {std::int64_t{21}}), 42);
  EXPECT_EQ(scalar(by_uri, "SELECT COUNT(*) FROM pg_prepared_statements"), 0);
  by_uri.close();
}

TEST_F(postgresql_pgbouncer, a_stream_outside_a_transaction_reads_every_batch) {
  ar::create_table<user>(db);
  std::vector<user> users(2500);  // three batches of the cursor
  for (std::size_t i = 0; i < users.size(); ++i) users[i].name = "user" + std::to_string(i);
  ar::insert_all(db, users);
  ASSERT_FALSE(db.in_transaction());
  std::vector<std::int64_t> ids;
  for (const user& u : ar::from<user>(db) | ar::order_by(user::c.id) | ar::stream) {
    ids.push_back(u.id);
    // Other statements between batches, from other connections: the pooler gives their
    // transactions server connections, never the one the stream's transaction holds.
    if (u.id % 1000 == 0) {
      std::thread other([&] { EXPECT_EQ(ar::from<user>(db) | ar::count, 2500); });
      other.join();
    }
  }
  ASSERT_EQ(ids.size(), 2500u);
  for (std::size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(ids[i], static_cast<std::int64_t>(i) + 1);
  EXPECT_FALSE(db.in_transaction());
  // The stream's transaction ended with it: the connection takes a transaction of the program's.
  ar::transaction tx(db);
  add_user(db, "after");
  tx.commit();
  EXPECT_EQ(ar::from<user>(db) | ar::count, 2501);
}

TEST_F(postgresql_pgbouncer, a_stream_dropped_early_ends_its_transaction) {
  ar::create_table<user>(db);
  std::vector<user> users(1500);
  for (std::size_t i = 0; i < users.size(); ++i) users[i].name = "user" + std::to_string(i);
  ar::insert_all(db, users);
  {
    int seen = 0;
    for (const user& u : ar::from<user>(db) | ar::stream) {
      (void)u;
      if (++seen == 10) break;
    }
  }
  // No transaction left open on a server connection: every one of the pool's runs statements in
  // transactions of its own that commit.
  for (int i = 0; i < 8; ++i) add_user(db, "n" + std::to_string(i));
  ar::close_all();
  auto again = ar::open(db.url(), "again");
  EXPECT_EQ(ar::from<user>(again) | ar::count, 1508);
}

TEST_F(postgresql_pgbouncer, transactions_commit_and_roll_back) {
  ar::create_table<user>(db);
  {
    ar::transaction tx(db);
    add_user(db, "kept");
    tx.commit();
  }
  {
    ar::transaction tx(db);
    add_user(db, "rolled back");
    EXPECT_EQ(ar::from<user>(db) | ar::count, 2);  // its own write, in the same transaction
  }
  {
    ar::transaction tx(db);
    add_user(db, "outer");
    {
      ar::transaction inner(db);  // a savepoint
      add_user(db, "inner");
    }
    tx.commit();
  }
  std::vector<std::string> names;
  for (const user& u : ar::from<user>(db) | ar::order_by(user::c.id) | ar::to_vector) names.push_back(u.name);
  EXPECT_EQ(names, (std::vector<std::string>{"kept", "outer"}));
}

// The count contract stays the same through the pooler: each statement ar sends is one event, and
// statements_prepared counts the client's statement objects (none lives on the server).
TEST_F(postgresql_pgbouncer, statement_counts_are_those_of_a_direct_connection) {
  auto direct = ar_test::open_backend("postgresql", "direct", {.pool_size = 4});
  auto work = [](const ar::database& d) {
    ar::create_table<user>(d);
    ar::statement_counter counter;
    const std::uint64_t prepared_before = d.statements_prepared();
    for (int i = 0; i < 5; ++i) add_user(d, "u" + std::to_string(i));
    for (int i = 0; i < 5; ++i) (void)(ar::from<user>(d) | ar::filter(user::c.id == i + 1) | ar::to_vector);
    {
      ar::transaction tx(d);
      (void)(ar::from<user>(d) | ar::count);
      tx.commit();
    }
    return std::pair{counter.count(d), d.statements_prepared() - prepared_before};
  };
  const auto [pooled_count, pooled_prepared] = work(db);
  const auto [direct_count, direct_prepared] = work(direct);
  EXPECT_EQ(pooled_count, direct_count);
  EXPECT_EQ(pooled_count, 5u + 5u + 3u);  // inserts, finds, BEGIN + count + COMMIT
  EXPECT_EQ(pooled_prepared, direct_prepared);
}

}  // namespace
