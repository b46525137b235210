// Connection pools: several threads share a database, a transaction keeps its thread's statements
// on its own connection, and a full pool makes statements wait (or fail clearly) instead of
// mixing sessions.

#include "../relation/models.hpp"
#include "../support/backends.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <vector>

namespace {

using rel::comment;
using rel::post;
using rel::user;

using namespace std::chrono_literals;

class pools : public ar_test::backend_test {
 protected:
  void SetUp() override {
    backend_test::SetUp();
    ar::create_tables<user, post, comment>(db);
  }
  std::int64_t count_users() const { return ar::from<user>(db) | ar::count; }
};

TEST_P(pools, size_comes_from_the_backend_unless_the_program_sets_it) {
  // Every connection to SQLite's ":memory:" is a database of its own: one connection.
  EXPECT_EQ(db.pool_size(), GetParam() == "sqlite" ? 1u : 4u);
  EXPECT_EQ(db.open_connections(), 1u);  // the others open when needed
  auto wide = ar_test::open_backend(GetParam(), "wide", {.pool_size = 3});
  EXPECT_EQ(wide.pool_size(), 3u);
  EXPECT_EQ(wide.open_connections(), 1u);
}

TEST_P(pools, a_thread_without_a_transaction_never_sees_another_threads_uncommitted_writes) {
  ar::transaction tx(db);
  user u{0, "pending"};
  ar::insert(db, u);
  EXPECT_EQ(count_users(), 1);  // this thread reads inside its transaction
  EXPECT_TRUE(db.in_transaction());
  // Another thread: with a pool of one it waits for the connection until the transaction ends;
  // with more it reads on another connection, outside the transaction. Either way it sees no row
  // that was rolled back.
  auto other = std::async(std::launch::async, [&] {
    EXPECT_FALSE(db.in_transaction());  // the transaction belongs to the thread that opened it
    return count_users();
  });
  if (db.pool_size() == 1) {
    EXPECT_EQ(other.wait_for(100ms), std::future_status::timeout);
  }
  tx.rollback();
  EXPECT_EQ(other.get(), 0);
  EXPECT_EQ(count_users(), 0);
}

TEST_P(pools, transactions_on_several_threads_commit_and_roll_back_independently) {
  if (db.pool_size() == 1) {
    // One connection: the second thread's transaction waits for the first to end.
    ar::transaction tx(db);
    auto other = std::async(std::launch::async, [&] {
      ar::transaction inner(db);
      user u{0, "second"};
      ar::insert(db, u);
      inner.commit();
    });
    EXPECT_EQ(other.wait_for(100ms), std::future_status::timeout);
    user u{0, "first"};
    ar::insert(db, u);
    tx.commit();
    other.get();
    EXPECT_EQ(count_users(), 2);
    return;
  }
  // A pool: both transactions are open at once, each on its own connection.
  std::promise<void> both_open;
  std::shared_future<void> go = both_open.get_future().share();
  std::atomic<int> opened{0};
  auto worker = [&](std::string name, bool keep) {
    ar::transaction tx(db);
    user u{0, std::move(name)};
    ar::insert(db, u);
    if (++opened == 2) both_open.set_value();
    go.wait();
    if (keep) tx.commit();  // else the scope rolls it back
  };
  auto a = std::async(std::launch::async, worker, "kept", true);
  auto b = std::async(std::launch::async, worker, "dropped", false);
  a.get();
  b.get();
  auto rows = ar::from<user>(db) | ar::to_vector;
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].username, "kept");
  EXPECT_GE(db.open_connections(), 2u);
}

TEST_P(pools, a_full_pool_waits_then_fails_with_a_connection_error_naming_the_database) {
  auto small = ar_test::open_backend(GetParam(), "small", {.pool_size = 1, .wait = 50ms});
  ar::create_table<user>(small);
  ar::transaction tx(small);
  auto other = std::async(std::launch::async, [&] { return ar::from<user>(small) | ar::count; });
  try {
    (void)other.get();
    FAIL() << "expected ar::connection_error";
  } catch (const ar::connection_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("'small'"), std::string::npos) << what;
    EXPECT_NE(what.find("pool_size"), std::string::npos) << what;
  }
  tx.rollback();
  // Once the connection is back, the other thread gets it.
  EXPECT_EQ(std::async(std::launch::async, [&] { return ar::from<user>(small) | ar::count; }).get(), 0);
}

TEST_P(pools, statement_counts_do_not_change_when_the_pool_opens_a_connection) {
  // A new connection's setup statements are not observed: the contract counts only the program's.
  // (A pool of two SQLite connections needs a file: each one to ":memory:" is a database of its own.)
  auto wide = ar_test::open_backend(GetParam() == "sqlite" ? "sqlite_file" : GetParam(), "wide", {.pool_size = 2});
  ar::create_table<user>(wide);
  ar::transaction tx(wide);  // keeps the first connection
  ar::statement_counter counter;
  auto n = std::async(std::launch::async, [&] { return ar::from<user>(wide) | ar::count; }).get();
  EXPECT_EQ(n, 0);
  EXPECT_EQ(counter.count(wide), 1u);
  EXPECT_EQ(wide.open_connections(), 2u);
}

TEST_P(pools, closing_a_database_fails_later_statements_on_every_thread) {
  auto extra = ar_test::open_backend(GetParam(), "extra");
  ar::create_table<user>(extra);
  extra.close();
  EXPECT_FALSE(extra.is_open());
  EXPECT_THROW((void)(ar::from<user>(extra) | ar::count), ar::configuration_error);
  EXPECT_THROW(std::async(std::launch::async, [&] { return ar::from<user>(extra) | ar::count; }).get(),
               ar::configuration_error);
}

TEST_P(pools, a_small_statement_cache_keeps_its_size_on_every_connection_while_threads_churn_it) {
  // Four threads share a pool of up to three connections that keep two statements each, and run
  // twenty distinct statements (IN lists of 1 to 20 keys) in ever changing orders: statements keep
  // being dropped and prepared again on every connection, and every answer stays right.
  auto churn = ar_test::open_backend(GetParam() == "sqlite" ? "sqlite_file" : GetParam(), "churn",
                                     {.pool_size = 3, .statement_cache_size = 2});
  ar::create_table<user>(churn);
  std::vector<user> users;
  for (int i = 1; i <= 20; ++i) users.push_back({0, "u" + std::to_string(i)});
  ar::insert_all(churn, users);
  const std::uint64_t prepared = churn.statements_prepared();
  std::atomic<int> wrong{0};
  std::atomic<int> over{0};
  auto worker = [&](int t) {
    for (int r = 0; r < 40; ++r) {
      const std::int64_t n = 1 + (t * 7 + r * (t + 1)) % 20;
      std::vector<std::int64_t> keys;
      for (std::int64_t k = 1; k <= n; ++k) keys.push_back(k);
      if ((ar::from<user>(churn) | ar::filter(user::c.id.in(keys)) | ar::count) != n) ++wrong;
      // Connections only open here: the count read first cannot be over the bound of those read after.
      const std::size_t cached = churn.cached_statements();
      if (cached > 2 * churn.open_connections()) ++over;
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) threads.emplace_back(worker, t);
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(over.load(), 0);
  EXPECT_LE(churn.cached_statements(), 2 * churn.open_connections());
  EXPECT_GT(churn.statements_prepared() - prepared, 20u);  // twenty texts, dropped and prepared again
}

AR_INSTANTIATE_BACKEND_SUITE(pools);

// Eight threads share one server database through a pool of four connections, each doing mixed
// reads and writes (inserts, updates, transactions that commit or roll back, eager loads,
// aggregates), and check every result they get.
void eight_threads_mixed_reads_and_writes(const std::string& backend) {
  auto db = ar_test::open_backend(backend, "default", {.pool_size = 4});
  ar::create_tables<user, post, comment>(db);
  constexpr int threads = 8;
  constexpr int rounds = 25;
  auto worker = [&](int t) {
    for (int r = 0; r < rounds; ++r) {
      const std::string name = "t" + std::to_string(t) + "-r" + std::to_string(r);
      user u{0, name};
      ar::insert(db, u);
      EXPECT_TRUE(u.id > 0) << name;
      // Two posts with two comments each, committed together.
      {
        ar::transaction tx(db);
        for (int p = 0; p < 2; ++p) {
          post po{0, u.id, name + "-p" + std::to_string(p), "live"};
          ar::insert(db, po);
          for (int c = 0; c < 2; ++c) {
            comment co{0, po.id, name + "-c" + std::to_string(c)};
            ar::insert(db, co);
          }
        }
        tx.commit();
      }
      // A post that is rolled back.
      {
        ar::transaction tx(db);
        post lost{0, u.id, name + "-lost", "draft"};
        ar::insert(db, lost);
        EXPECT_TRUE(db.in_transaction()) << name;
      }
      // Read back what this thread wrote.
      auto found = ar::find<user>(db, u.id);
      EXPECT_TRUE(found.has_value() && found->username == name) << name;
      auto mine =
          ar::from<user>(db) | ar::filter(user::c.username == name) | ar::with("posts.comments") | ar::to_vector;
      EXPECT_TRUE(mine.size() == 1) << name;
      if (mine.size() == 1) {
        const auto& posts = mine[0].posts();
        EXPECT_TRUE(posts.size() == 2) << name;
        for (const post& p : posts) {
          EXPECT_TRUE(p.status == "live") << name;
          EXPECT_TRUE(p.comments().size() == 2) << name;
        }
      }
      u.username = name + "-renamed";
      ar::update(db, u);
      EXPECT_TRUE((ar::from<user>(db) | ar::filter(user::c.username == name + "-renamed") | ar::count) == 1) << name;
      EXPECT_TRUE((ar::from<post>(db) | ar::filter(post::c.user_id == u.id) | ar::count) == 2) << name;
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(worker, t);
  for (auto& th : pool) th.join();
  EXPECT_EQ(ar::from<user>(db) | ar::count, threads * rounds);
  EXPECT_EQ(ar::from<post>(db) | ar::count, threads * rounds * 2);
  EXPECT_EQ(ar::from<post>(db) | ar::filter(post::c.status == "draft") | ar::count, 0);
  EXPECT_EQ(ar::from<comment>(db) | ar::count, threads * rounds * 4);
  EXPECT_LE(db.open_connections(), 4u);
  EXPECT_GE(db.open_connections(), 2u);
  ar_test::close_backends();
}

TEST(pool_stress, eight_threads_mixed_reads_and_writes_on_postgresql) {
  eight_threads_mixed_reads_and_writes("postgresql");
}

// The same on MariaDB: InnoDB's row locks and REPEATABLE READ snapshots instead of PostgreSQL's.
TEST(pool_stress, eight_threads_mixed_reads_and_writes_on_mariadb) { eight_threads_mixed_reads_and_writes("mariadb"); }

}  // namespace
