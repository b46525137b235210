// A real deadlock between two connections: two threads, each in its own ar::transaction on a pool
// of several connections, update row A then B and row B then A, after a latch that makes sure each
// holds its first row's lock. The server rolls back one of them (the victim). Its transaction object
// must refuse every later statement (a later write would otherwise run outside any transaction and
// stay), and ar::retry_transaction must run the victim again so that both transactions commit.

#include "../support/backends.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <latch>
#include <string>
#include <thread>
#include <utility>

namespace {

struct account {
  std::int64_t id = 0;
  std::int64_t balance = 0;

  AR_MODEL(account, "accounts", AR_FIELDS(id, balance));
};

class deadlocks : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    ar::open_options options{.pool_size = 4};
    // PostgreSQL looks for deadlocks after deadlock_timeout (1 s by default): sooner, to keep the
    // test short (not through a transaction pooler, which refuses on_connect: 1 s there). MariaDB
    // finds them at once; its lock wait timeout only bounds a test gone wrong.
    if (GetParam() == "postgresql")
      options.on_connect.push_back("SET deadlock_timeout = '100ms'");
    else if (GetParam() == "mariadb")
      options.on_connect.push_back("SET SESSION innodb_lock_wait_timeout = 20");
    db = ar_test::open_backend(GetParam(), "default", options);
    ar::create_table<account>(db);
    account a{0, 0};
    account b{0, 0};
    ar::insert(db, a);
    ar::insert(db, b);
    first = a.id;
    second = b.id;
  }
  void TearDown() override { ar_test::close_backends(); }

  void add(std::int64_t id, std::int64_t amount) {
    db.execute(ar_test::sql_for(db, "UPDATE {accounts} SET {balance} = {balance} + ? WHERE {id} = ?"), {amount, id});
  }
  std::int64_t balance(std::int64_t id) { return ar::find_or_throw<account>(db, id).balance; }

  // A victim run again at once can take the row the winner was granted but has not yet re-read
  // (PostgreSQL re-checks a row after the lock holder ends, and a new transaction may update it
  // first), and deadlock a second time: the server may then pick either side again, and the number
  // of runs is the server's choice. The retries below wait until the other thread has finished, so
  // that one deadlock means exactly one run again.
  static void wait_until_the_other_finished(const std::atomic<int>& finished) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (finished.load() == 0 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }

  ar::database db;
  std::int64_t first = 0;
  std::int64_t second = 0;
};

std::string deadlock_code(const std::string& backend) {
  return ar_test::engine_of(backend) == "postgresql" ? "40P01" : "1213";
}

struct outcome {
  bool victim = false;
  ar::error_kind kind = ar::error_kind::other;
  std::string code;
  bool retryable = false;
  bool later_write_refused = false;
  bool aborted_retryable = false;
  bool commit_refused = false;
  std::string unexpected;
};

TEST_P(deadlocks, the_victims_transaction_refuses_every_later_statement_and_its_later_write_never_lands) {
  std::latch both_hold_one(2);
  auto run = [&](std::int64_t one, std::int64_t other, outcome& out) {
    try {
      ar::transaction tx(db);
      add(one, 1);
      both_hold_one.arrive_and_wait();
      try {
        add(other, 1);
      } catch (const ar::database_error& e) {
        out.victim = true;
        out.kind = e.kind();
        out.code = e.code();
        out.retryable = e.retryable();
        // The program goes on. Today, on MariaDB, this write ran in autocommit and stayed.
        try {
          account late{0, 1000};
          ar::insert(db, late);
          out.unexpected = "the victim's later write ran";
        } catch (const ar::transaction_aborted& a) {
          out.later_write_refused = true;
          out.aborted_retryable = a.retryable();
        }
        try {
          tx.commit();
          out.unexpected += "; the victim's commit returned";
        } catch (const ar::transaction_aborted&) {
          out.commit_refused = true;
        }
        return;
      }
      tx.commit();
    } catch (const std::exception& e) {
      out.unexpected = e.what();
    }
  };
  outcome a;
  outcome b;
  std::thread ta(run, first, second, std::ref(a));
  std::thread tb(run, second, first, std::ref(b));
  ta.join();
  tb.join();
  EXPECT_EQ(a.unexpected, "");
  EXPECT_EQ(b.unexpected, "");
  ASSERT_NE(a.victim, b.victim) << "exactly one transaction is the deadlock's victim";
  const outcome& victim = a.victim ? a : b;
  EXPECT_EQ(victim.kind, ar::error_kind::deadlock);
  EXPECT_EQ(victim.code, deadlock_code(GetParam()));
  EXPECT_TRUE(victim.retryable);
  EXPECT_TRUE(victim.later_write_refused);
  EXPECT_TRUE(victim.aborted_retryable);
  EXPECT_TRUE(victim.commit_refused);
  EXPECT_FALSE(db.in_transaction());
  // The winner's writes, and nothing of the victim's.
  EXPECT_EQ(ar::from<account>(db) | ar::count, 2);
  EXPECT_EQ(balance(first), 1);
  EXPECT_EQ(balance(second), 1);
}

TEST_P(deadlocks, retry_transaction_runs_the_victim_again_and_both_transactions_commit_once) {
  std::latch both_hold_one(2);
  std::atomic<int> attempts{0};
  std::atomic<int> finished{0};
  auto run = [&](std::int64_t one, std::int64_t other, std::string& unexpected) {
    bool first_attempt = true;
    try {
      ar::retry_transaction(
          db,
          [&] {
            ++attempts;
            const bool first_run = std::exchange(first_attempt, false);
            if (!first_run) wait_until_the_other_finished(finished);
            add(one, 1);
            if (first_run) both_hold_one.arrive_and_wait();
            add(other, 10);
          },
          3);
    } catch (const std::exception& e) {
      unexpected = e.what();
    }
    ++finished;
  };
  std::string a;
  std::string b;
  std::thread ta(run, first, second, std::ref(a));
  std::thread tb(run, second, first, std::ref(b));
  ta.join();
  tb.join();
  EXPECT_EQ(a, "");
  EXPECT_EQ(b, "");
  EXPECT_EQ(attempts.load(), 3);  // one deadlock, one victim run again
  EXPECT_EQ(balance(first), 11);
  EXPECT_EQ(balance(second), 11);
}

TEST_P(deadlocks, retry_transaction_runs_again_a_victim_whose_fn_swallowed_the_deadlock) {
  std::latch both_hold_one(2);
  std::atomic<int> attempts{0};
  std::atomic<int> finished{0};
  auto run = [&](std::int64_t one, std::int64_t other, std::string& unexpected) {
    bool first_attempt = true;
    try {
      ar::retry_transaction(db, [&](ar::transaction&) {
        ++attempts;
        const bool first_run = std::exchange(first_attempt, false);
        if (!first_run) wait_until_the_other_finished(finished);
        add(one, 1);
        if (first_run) both_hold_one.arrive_and_wait();
        try {
          add(other, 10);
        } catch (const ar::database_error&) {
          // Swallowed: the transaction is still over, and the next statement says so.
        }
        add(one, 100);
      });
    } catch (const std::exception& e) {
      unexpected = e.what();
    }
    ++finished;
  };
  std::string a;
  std::string b;
  std::thread ta(run, first, second, std::ref(a));
  std::thread tb(run, second, first, std::ref(b));
  ta.join();
  tb.join();
  EXPECT_EQ(a, "");
  EXPECT_EQ(b, "");
  EXPECT_EQ(attempts.load(), 3);
  EXPECT_EQ(balance(first), 111);
  EXPECT_EQ(balance(second), 111);
}

INSTANTIATE_TEST_SUITE_P(backends, deadlocks, ::testing::Values("postgresql", "postgresql_pgbouncer", "mariadb"),
                         ::ar_test::backend_name);

}  // namespace
