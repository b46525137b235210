// A MariaDB lock wait timeout (1205) inside a transaction. By default the server fails the statement
// alone and the transaction goes on: ar lets it go on, and its writes commit. A server started with
// innodb_rollback_on_timeout rolls the whole transaction back instead (as on a deadlock): the
// transaction object then refuses every later statement and its commit (ar::transaction_aborted),
// so that no later write runs in autocommit outside the scope, and ar::retry_transaction runs it
// again. That server is the test's own (the option cannot be set at run time), on port 53317.

#include "../support/backends.hpp"
#include "own_server.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>

namespace {

struct seat {
  std::int64_t id = 0;
  std::string holder;

  AR_MODEL(seat, "lock_timeout_seats", AR_FIELDS(id, holder));
};

// Two seats; `locker` holds a write lock on the first one in its own transaction (on its own
// connection) while the test's transaction on `db` waits for it, one second at most.
class lock_wait {
 protected:
  void open(const std::string& url) {
    ar::open_options victim;
    victim.on_connect.push_back("SET SESSION innodb_lock_wait_timeout = 1");
    db = ar::open(url, "victim", victim);
    locker = ar::open(url, "locker");
    db.execute("DROP TABLE IF EXISTS lock_timeout_seats");
    ar::create_table<seat>(db);
    seat a{0, "nobody"};
    seat b{0, "nobody"};
    ar::insert(db, a);
    ar::insert(db, b);
    locked = a.id;
    other = b.id;
  }

  void take(const ar::database& on, std::int64_t id, const std::string& who) {
    on.execute(ar_test::sql_for(on, "UPDATE {lock_timeout_seats} SET {holder} = ? WHERE {id} = ?"), {who, id});
  }
  std::string holder_of(std::int64_t id) { return ar::find_or_throw<seat>(db, id).holder; }

  // The victim tries the locked seat and waits out its lock wait timeout (1205), retryable.
  void time_out_on_the_locked_seat() {
    try {
      take(db, locked, "victim");
      ADD_FAILURE() << "expected a lock wait timeout";
    } catch (const ar::database_error& e) {
      EXPECT_EQ(e.code(), "1205");
      EXPECT_EQ(e.kind(), ar::error_kind::lock_timeout);
      EXPECT_TRUE(e.retryable());
    }
  }

  ar::database db;
  ar::database locker;
  std::int64_t locked = 0;
  std::int64_t other = 0;
};

class default_server_lock_wait : public lock_wait, public ::testing::Test {
 protected:
  void SetUp() override {
    const char* url = std::getenv("AR_TEST_MARIADB");
    ASSERT_NE(url, nullptr) << "AR_TEST_MARIADB names no MariaDB server (scripts/test.sh starts one)";
    open(url);
  }
  void TearDown() override {
    db.execute("DROP TABLE IF EXISTS lock_timeout_seats");
    ar::close_all();
  }
};

TEST_F(default_server_lock_wait, fails_the_statement_alone_and_the_transaction_goes_on_to_commit) {
  ar::transaction held(locker);
  take(locker, locked, "locker");
  {
    ar::transaction tx(db);
    take(db, other, "victim");
    time_out_on_the_locked_seat();
    // The server kept the transaction: the write before the timeout and one after it commit.
    EXPECT_TRUE(db.in_transaction());
    take(db, other, "victim again");
    tx.commit();
  }
  held.rollback();
  EXPECT_EQ(holder_of(other), "victim again");
  EXPECT_EQ(holder_of(locked), "nobody");
}

class rollback_on_timeout_server : public lock_wait, public ::testing::Test {
 protected:
  void SetUp() override { open(server.url()); }
  void TearDown() override { ar::close_all(); }

  ar_test::own_server server{"mariadb", "53317", "AR_MARIADB_SERVER_ARGS=--innodb-rollback-on-timeout=ON"};
};

TEST_F(rollback_on_timeout_server,
       the_timed_out_transaction_refuses_every_later_statement_and_none_of_its_writes_land) {
  ar::transaction held(locker);
  take(locker, locked, "locker");
  {
    ar::transaction tx(db);
    take(db, other, "victim");
    time_out_on_the_locked_seat();
    // The server rolled the whole transaction back: a later write is refused unsent (in autocommit
    // it would land and survive the scope), and so is the commit.
    try {
      take(db, other, "after the timeout");
      ADD_FAILURE() << "expected ar::transaction_aborted";
    } catch (const ar::transaction_aborted& e) {
      EXPECT_EQ(e.cause_kind(), ar::error_kind::lock_timeout);
      EXPECT_TRUE(e.retryable());
      EXPECT_FALSE(e.ended_by_statement());
    }
    EXPECT_THROW(tx.commit(), ar::transaction_aborted);
  }
  held.rollback();
  // Neither the write before the timeout nor the one after it is there.
  EXPECT_EQ(holder_of(other), "nobody");
  EXPECT_EQ(holder_of(locked), "nobody");
}

TEST_F(rollback_on_timeout_server, retry_transaction_runs_the_timed_out_transaction_again_until_it_commits) {
  std::optional<ar::transaction> held(std::in_place, locker);
  take(locker, locked, "locker");
  int attempts = 0;
  ar::retry_transaction(db, [&] {
    ++attempts;
    // The second attempt finds the lock released.
    if (attempts == 2) {
      held->rollback();
      held.reset();
    }
    take(db, other, "victim " + std::to_string(attempts));
    take(db, locked, "victim " + std::to_string(attempts));
  });
  EXPECT_EQ(attempts, 2);
  EXPECT_EQ(holder_of(other), "victim 2");
  EXPECT_EQ(holder_of(locked), "victim 2");
}

}  // namespace
