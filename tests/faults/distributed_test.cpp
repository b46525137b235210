// Two-phase commit when a server goes away in the middle (ar/distributed.hpp): two PostgreSQL
// servers of this test's own (ports 55449 and 55451), and two MariaDB servers (ports 53345 and
// 53347, XA), one halted, as a crash would (SIGKILL), at a chosen statement of the commit.
// Whatever the moment, nothing is lost and nothing is half done: ar::resolve_prepared_transactions,
// once the server is back, commits everywhere or rolls back everywhere, as the last database
// decides.

#include "own_server.hpp"

#include <ar/ar.hpp>
#include <ar/distributed.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <exception>
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace {

struct transfer {
  std::int64_t id = 0;
  std::string note;
  AR_MODEL(transfer, "dtx_transfers", AR_FIELDS(id, note));
};

// Two servers of this test's own, of the backend the test is given: each writes what it commits
// and prepares before it answers, so that a halt is a crash and what was prepared must survive it
// (PostgreSQL: fsync and synchronous commit; MariaDB: innodb_flush_log_at_trx_commit=1, where the
// test servers wait a second).
class two_phase_faults : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (mariadb()) {
      const char* durable = "AR_MARIADB_SERVER_ARGS=--innodb-flush-log-at-trx-commit=1";
      a_server = std::make_unique<ar_test::own_server>("mariadb", "53345", durable);
      b_server = std::make_unique<ar_test::own_server>("mariadb", "53347", durable);
    } else {
      a_server = std::make_unique<ar_test::own_server>("postgresql", "55449", "AR_PG_DURABLE=1");
      b_server = std::make_unique<ar_test::own_server>("postgresql", "55451", "AR_PG_DURABLE=1");
    }
    a = ar::open(a_server->url(), "a");
    b = ar::open(b_server->url(), "b");
    for (const ar::database& db : {a, b}) {
      db.execute("DROP TABLE IF EXISTS dtx_transfers");
      ar::create_table<transfer>(db);
    }
  }
  void TearDown() override {
    ar::close_all();
    a_server.reset();
    b_server.reset();
  }

  bool mariadb() const { return GetParam() == "mariadb"; }
  // The statement that prepares a participant: PREPARE TRANSACTION, or XA PREPARE.
  bool prepares(std::string_view sql) const {
    return sql.starts_with(mariadb() ? "XA PREPARE" : "PREPARE TRANSACTION");
  }

  // Runs a distributed transaction writing one row to each server, calling `at` after each
  // statement that succeeded (with its database's name); returns what commit() threw (nullptr: it
  // committed).
  std::exception_ptr transfer_with(const std::function<void(std::string_view db, std::string_view sql)>& at) {
    const ar::observer_handle watch = ar::observe([&](const ar::statement_event& e) {
      if (e.succeeded) at(e.database, e.sql);
    });
    try {
      ar::distributed_transaction tx({a, b});
      transfer out{0, "out of a"};
      ar::insert(a, out);
      transfer in{0, "into b"};
      ar::insert(b, in);
      tx.commit();
    } catch (...) {
      return std::current_exception();
    }
    return nullptr;
  }

  static std::size_t rows(const ar::database& db) { return ar::from<transfer>(db) | ar::count; }

  std::unique_ptr<ar_test::own_server> a_server;
  std::unique_ptr<ar_test::own_server> b_server;
  ar::database a;
  ar::database b;
};

// What commit() threw, as an E (nullopt: nothing, or something else), and its what().
template <class E>
std::optional<E> as(const std::exception_ptr& e, std::string& what) {
  if (!e) return std::nullopt;
  try {
    std::rethrow_exception(e);
  } catch (const E& typed) {
    what = typed.what();
    return typed;
  } catch (const std::exception& other) {
    what = other.what();
  }
  return std::nullopt;
}

// The last server goes away once it prepared: the commit is decided. The first commits; the last
// still holds it prepared (MariaDB: through the crash, and through a clean restart after), and
// commits when recovery runs.
TEST_P(two_phase_faults, the_last_server_gone_after_preparing_commits_on_recovery) {
  const std::exception_ptr thrown = transfer_with([&](std::string_view db, std::string_view sql) {
    if (db == "b" && prepares(sql)) b_server->halt();
  });
  std::string what;
  const auto doubt = as<ar::distributed_transaction_in_doubt>(thrown, what);
  ASSERT_TRUE(doubt.has_value()) << what;
  EXPECT_EQ(doubt->outcome(), ar::distributed_transaction_in_doubt::decision::committed);
  EXPECT_EQ(doubt->pending(), std::vector<std::string>{"b"});
  EXPECT_NE(what.find("is committed, but not yet on database(s) 'b'"), std::string::npos) << what;
  EXPECT_EQ(rows(a), 1u);
  EXPECT_TRUE(ar::prepared_transactions(a).empty());

  b_server->resume();
  std::vector<ar::prepared_transaction> left = ar::prepared_transactions(b);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].id, doubt->id());
  EXPECT_TRUE(left[0].gid.starts_with(doubt->id() + "_1_2_")) << left[0].gid;
  EXPECT_EQ(left[0].participant, 1u);
  EXPECT_EQ(left[0].participants, 2u);
  EXPECT_EQ(left[0].database, "b");
  EXPECT_EQ(left[0].prepared_at.empty(), mariadb()) << "XA RECOVER does not tell when";
  EXPECT_EQ(rows(b), 0u);  // prepared, not yet visible

  std::vector<ar::database> all{a, b};
  if (mariadb()) {
    // XA RECOVER lists the server's every database: another database there lists nothing.
    b.execute("CREATE DATABASE dtx_elsewhere");
    ar::database elsewhere = ar::open("mysql://host=127.0.0.1 port=53347 db=dtx_elsewhere user=root", "elsewhere");
    EXPECT_TRUE(ar::prepared_transactions(elsewhere).empty());
    all.push_back(elsewhere);
    b_server->restart();
    left = ar::prepared_transactions(b);
    ASSERT_EQ(left.size(), 1u);
    EXPECT_EQ(left[0].id, doubt->id());
  }

  const std::vector<ar::resolved_transaction> done = ar::resolve_prepared_transactions(all);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].id, doubt->id());
  EXPECT_EQ(done[0].result, ar::resolved_transaction::outcome::committed) << done[0].why;
  EXPECT_EQ(done[0].databases, std::vector<std::string>{"b"});
  EXPECT_EQ(rows(b), 1u);
  EXPECT_TRUE(ar::prepared_transactions(b).empty());
  EXPECT_TRUE(ar::resolve_prepared_transactions(all).empty());
}

// The first server goes away once it prepared, and the last prepares: decided, committed. The
// first cannot commit, so the last does not either: its prepared transaction stays the record of
// the decision (MariaDB: ar closes the connection that prepared it, and the server keeps it
// prepared for recovery), and recovery commits both.
TEST_P(two_phase_faults, a_server_gone_before_it_committed_holds_back_the_last_until_recovery) {
  const std::exception_ptr thrown = transfer_with([&](std::string_view db, std::string_view sql) {
    if (db == "a" && prepares(sql)) a_server->halt();
  });
  std::string what;
  const auto doubt = as<ar::distributed_transaction_in_doubt>(thrown, what);
  ASSERT_TRUE(doubt.has_value()) << what;
  EXPECT_EQ(doubt->outcome(), ar::distributed_transaction_in_doubt::decision::committed);
  EXPECT_EQ(doubt->pending(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(rows(b), 0u);
  ASSERT_EQ(ar::prepared_transactions(b).size(), 1u);

  a_server->resume();
  // Without the last database, recovery cannot know the decision: it touches nothing.
  const std::vector<ar::resolved_transaction> blind = ar::resolve_prepared_transactions({a});
  ASSERT_EQ(blind.size(), 1u);
  EXPECT_EQ(blind[0].result, ar::resolved_transaction::outcome::unresolved);
  EXPECT_NE(blind[0].why.find("not among those given"), std::string::npos) << blind[0].why;
  EXPECT_EQ(ar::prepared_transactions(a).size(), 1u);

  const std::vector<ar::resolved_transaction> done = ar::resolve_prepared_transactions({a, b});
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].result, ar::resolved_transaction::outcome::committed) << done[0].why;
  EXPECT_EQ(done[0].databases, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(rows(a), 1u);
  EXPECT_EQ(rows(b), 1u);
}

// The last server goes away before it prepared: whether it did is unknown to the program (it
// cannot ask), so nothing is undone and commit() says so. Back, the last server holds nothing (its
// open transaction died with it): recovery rolls the first back.
TEST_P(two_phase_faults, the_last_server_gone_before_preparing_is_in_doubt_and_rolls_back_on_recovery) {
  const std::exception_ptr thrown = transfer_with([&](std::string_view db, std::string_view sql) {
    if (db == "a" && prepares(sql)) b_server->halt();
  });
  std::string what;
  const auto doubt = as<ar::distributed_transaction_in_doubt>(thrown, what);
  ASSERT_TRUE(doubt.has_value()) << what;
  EXPECT_EQ(doubt->outcome(), ar::distributed_transaction_in_doubt::decision::unknown);
  EXPECT_EQ(doubt->pending(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(rows(a), 0u);
  ASSERT_EQ(ar::prepared_transactions(a).size(), 1u);

  b_server->resume();
  EXPECT_TRUE(ar::prepared_transactions(b).empty());
  if (!mariadb()) {
    // Younger than an hour: a commit in progress, as far as this call knows; left alone.
    EXPECT_TRUE(ar::resolve_prepared_transactions({a, b}, std::chrono::hours(1)).empty());
  }
  // MariaDB tells no age: an age given to recovery does not hold the transaction back there.
  const std::vector<ar::resolved_transaction> done =
      ar::resolve_prepared_transactions({a, b}, mariadb() ? std::chrono::hours(1) : std::chrono::hours(0));
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].result, ar::resolved_transaction::outcome::rolled_back) << done[0].why;
  EXPECT_TRUE(ar::prepared_transactions(a).empty());
  EXPECT_EQ(rows(a), 0u);
  EXPECT_EQ(rows(b), 0u);
}

// The first server goes away before it prepared (just after the last write, on the other server):
// the last never prepares, so everything rolls back, and commit() rethrows the lost connection's
// error. Nothing is prepared anywhere once the server is back, and nothing was committed.
TEST_P(two_phase_faults, a_server_gone_before_the_first_prepare_rolls_back_everywhere) {
  bool halted = false;
  const std::exception_ptr thrown = transfer_with([&](std::string_view db, std::string_view sql) {
    if (!halted && db == "b" && sql.starts_with("INSERT")) {
      halted = true;
      a_server->halt();
    }
  });
  ASSERT_TRUE(halted);
  std::string what;
  EXPECT_FALSE(as<ar::distributed_transaction_in_doubt>(thrown, what).has_value()) << what;
  EXPECT_TRUE(as<ar::database_error>(thrown, what).has_value()) << what;
  EXPECT_TRUE(ar::prepared_transactions(b).empty());
  EXPECT_EQ(rows(b), 0u);
  a_server->resume();
  EXPECT_TRUE(ar::prepared_transactions(a).empty());
  EXPECT_EQ(rows(a), 0u);
  EXPECT_TRUE(ar::resolve_prepared_transactions({a, b}).empty());
}

INSTANTIATE_TEST_SUITE_P(servers, two_phase_faults,
                         ::testing::Values(std::string("postgresql"), std::string("mariadb")),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
