// ar::distributed_transaction (ar/distributed.hpp): a transaction on several databases committed by
// two-phase commit, all or nothing. Here, on the suite's servers: what each backend accepts, the
// statements a commit sends and their order, a rollback, and a database that refuses to prepare.
// Servers that go away in the middle of a commit, and recovery: tests/faults/distributed_test.cpp.

#include "../support/backends.hpp"

#include <ar/ar.hpp>
#include <ar/distributed.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace {

struct ledger_entry {
  std::int64_t id = 0;
  std::string note;
  AR_MODEL(ledger_entry, "ledger_entries", AR_FIELDS(id, note));
};

std::size_t rows(const ar::database& db) { return ar::from<ledger_entry>(db) | ar::count; }

// The two-phase commit statements among those sent, in order.
std::vector<std::string> two_phase(const std::vector<std::string>& sql) {
  std::vector<std::string> out;
  for (const std::string& s : sql)
    if (s.starts_with("PREPARE TRANSACTION") || s.starts_with("COMMIT PREPARED") || s.starts_with("ROLLBACK PREPARED"))
      out.push_back(s);
  return out;
}

class distributed : public ar_test::backend_test {};

// PostgreSQL has two-phase commit; SQLite has none, and ar does not drive MariaDB's XA: refused
// before any statement, naming the database.
TEST_P(distributed, is_refused_before_any_statement_where_the_backend_has_no_two_phase_commit) {
  if (GetParam() == "postgresql") {
    ar::distributed_transaction tx({db});
    EXPECT_TRUE(db.in_transaction());
    tx.rollback();
    EXPECT_FALSE(db.in_transaction());
    return;
  }
  ar::statement_counter counter;
  try {
    ar::distributed_transaction tx({db});
    FAIL() << "a distributed transaction was opened on " << GetParam();
  } catch (const ar::configuration_error& e) {
    EXPECT_NE(std::string(e.what()).find("has no two-phase commit"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("'" + db.name() + "'"), std::string::npos) << e.what();
  }
  EXPECT_EQ(counter.count(), 0u);
  EXPECT_FALSE(db.in_transaction());
}

AR_INSTANTIATE_BACKEND_SUITE(distributed);

// Two handles onto one PostgreSQL schema are two databases to ar: two connections, two transactions.
class distributed_postgresql : public ::testing::Test {
 protected:
  void SetUp() override {
    first = ar_test::open_backend("postgresql", "first");
    second = ar_test::open_backend_again(first, "second");
    ar::create_table<ledger_entry>(first);
  }
  void TearDown() override { ar_test::close_backends(); }
  ar::database first;
  ar::database second;
};

TEST_F(distributed_postgresql, commit_prepares_on_each_database_in_order_then_commits_the_last_last) {
  ar::statement_counter counter;
  std::string id;
  {
    ar::distributed_transaction tx({first, second});
    id = tx.id();
    EXPECT_TRUE(first.in_transaction());
    EXPECT_TRUE(second.in_transaction());
    ledger_entry debit{0, "debit"};
    ar::insert(first, debit);
    ledger_entry credit{0, "credit"};
    ar::insert(second, credit);
    tx.commit();
    EXPECT_FALSE(tx.active());
    EXPECT_THROW(tx.commit(), ar::transaction_error);
  }
  EXPECT_FALSE(first.in_transaction());
  EXPECT_EQ(rows(first), 2u);
  ASSERT_EQ(id.size(), 19u);
  EXPECT_TRUE(id.starts_with("ar_")) << id;
  const std::vector<std::string> sent = two_phase(counter.statements());
  ASSERT_EQ(sent.size(), 4u);
  EXPECT_TRUE(sent[0].starts_with("PREPARE TRANSACTION '" + id + "_0_2_")) << sent[0];
  EXPECT_TRUE(sent[1].starts_with("PREPARE TRANSACTION '" + id + "_1_2_")) << sent[1];
  EXPECT_TRUE(sent[2].starts_with("COMMIT PREPARED '" + id + "_0_2_")) << sent[2];
  EXPECT_TRUE(sent[3].starts_with("COMMIT PREPARED '" + id + "_1_2_")) << sent[3];
  EXPECT_TRUE(ar::prepared_transactions(first).empty());
}

// after_commit callbacks (what AR_CALLBACK(after_commit, ...) queues) run once their database has
// committed, not when it prepared: by then the log holds that database's COMMIT PREPARED.
TEST_F(distributed_postgresql, after_commit_runs_once_each_database_committed) {
  ar::statement_counter counter;
  std::vector<std::string> seen_at_first;
  std::vector<std::string> seen_at_second;
  int rolled_back = 0;
  {
    ar::distributed_transaction tx({first, second});
    ledger_entry a{0, "a"};
    ar::insert(first, a);
    ar::detail::on_transaction_end(
        first, [&] { seen_at_first = two_phase(counter.statements()); }, [&] { ++rolled_back; });
    ledger_entry b{0, "b"};
    ar::insert(second, b);
    ar::detail::on_transaction_end(
        second, [&] { seen_at_second = two_phase(counter.statements()); }, [&] { ++rolled_back; });
    tx.commit();
  }
  EXPECT_EQ(rolled_back, 0);
  ASSERT_EQ(seen_at_first.size(), 3u);  // both PREPAREs and the first database's COMMIT PREPARED
  EXPECT_TRUE(seen_at_first[2].starts_with("COMMIT PREPARED")) << seen_at_first[2];
  ASSERT_EQ(seen_at_second.size(), 4u);
  EXPECT_TRUE(seen_at_second[3].starts_with("COMMIT PREPARED")) << seen_at_second[3];
}

// The last database's identity is read by the first commit only: a second distributed
// transaction on the same handles sends BEGIN, the writes, PREPARE and COMMIT PREPARED, nothing more.
TEST_F(distributed_postgresql, the_last_database_identity_is_read_once_per_handle) {
  const auto transfer = [&] {
    ar::distributed_transaction tx({first, second});
    ledger_entry a{0, "a"};
    ar::insert(first, a);
    ledger_entry b{0, "b"};
    ar::insert(second, b);
    tx.commit();
  };
  const auto identity_reads = [](const std::vector<std::string>& sql) {
    return std::count_if(sql.begin(), sql.end(),
                         [](const std::string& s) { return s.find("pg_control_system") != std::string::npos; });
  };
  ar::statement_counter before;
  transfer();
  EXPECT_EQ(identity_reads(before.statements()), 1);
  ar::statement_counter again;
  transfer();
  EXPECT_EQ(identity_reads(again.statements()), 0);
  EXPECT_EQ(again.count(first), 4u);  // BEGIN, INSERT, PREPARE TRANSACTION, COMMIT PREPARED
  EXPECT_EQ(again.count(second), 4u);
  EXPECT_EQ(rows(first), 4u);
}

TEST_F(distributed_postgresql, leaving_the_scope_rolls_back_everywhere_and_prepares_nothing) {
  ar::statement_counter counter;
  {
    ar::distributed_transaction tx({first, second});
    ledger_entry a{0, "a"};
    ar::insert(first, a);
    ledger_entry b{0, "b"};
    ar::insert(second, b);
  }
  EXPECT_EQ(rows(first), 0u);
  EXPECT_TRUE(two_phase(counter.statements()).empty());
  EXPECT_FALSE(first.in_transaction());
  EXPECT_FALSE(second.in_transaction());
}

// A deferred constraint is checked when the transaction prepares: the second database refuses, and
// the first, prepared already, is rolled back (ROLLBACK PREPARED). The server's error comes out.
TEST_F(distributed_postgresql, a_database_that_refuses_to_prepare_rolls_back_the_ones_prepared) {
  second.execute(
      "CREATE TABLE deferred_parts (id BIGINT PRIMARY KEY, parent BIGINT REFERENCES deferred_parts (id) "
      "DEFERRABLE INITIALLY DEFERRED)");
  ar::statement_counter counter;
  bool after_rollback = false;
  try {
    ar::distributed_transaction tx({first, second});
    ledger_entry a{0, "kept only if both commit"};
    ar::insert(first, a);
    ar::detail::on_transaction_end(first, [] {}, [&] { after_rollback = true; });
    second.execute("INSERT INTO deferred_parts (id, parent) VALUES (1, 999)");  // no row 999
    tx.commit();
    FAIL() << "the second database prepared a transaction that breaks its foreign key";
  } catch (const ar::database_error& e) {
    EXPECT_EQ(e.kind(), ar::error_kind::foreign_key_violation) << e.what();
  }
  EXPECT_TRUE(after_rollback);
  EXPECT_EQ(rows(first), 0u);
  EXPECT_TRUE(ar::prepared_transactions(first).empty());
  const std::vector<std::string> sent = two_phase(counter.statements());
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_TRUE(sent[0].starts_with("PREPARE TRANSACTION")) << sent[0];
  EXPECT_TRUE(sent[1].starts_with("PREPARE TRANSACTION")) << sent[1];
  EXPECT_TRUE(sent[2].starts_with("ROLLBACK PREPARED")) << sent[2];
}

// A statement that failed in the transaction: PostgreSQL refuses the rest, and ar refuses to
// prepare it. Nothing is prepared anywhere: the refusal comes before the first PREPARE (the last
// database's identity is read first, in its transaction, and that is refused unsent).
TEST_F(distributed_postgresql, a_transaction_the_server_aborted_is_never_prepared) {
  ar::statement_counter counter;
  try {
    ar::distributed_transaction tx({first, second});
    ledger_entry a{0, "a"};
    ar::insert(first, a);
    EXPECT_THROW(second.execute("SELECT no_such_column FROM ledger_entries"), ar::database_error);
    tx.commit();
    FAIL() << "a transaction the server aborted was prepared";
  } catch (const ar::transaction_aborted& e) {
    EXPECT_NE(std::string(e.what()).find("second"), std::string::npos) << e.what();
  }
  EXPECT_EQ(rows(first), 0u);
  EXPECT_TRUE(two_phase(counter.statements()).empty());
  EXPECT_TRUE(ar::prepared_transactions(first).empty());
  EXPECT_FALSE(first.in_transaction());
  EXPECT_FALSE(second.in_transaction());
}

TEST_F(distributed_postgresql, a_database_given_twice_or_already_in_a_transaction_is_refused) {
  EXPECT_THROW(ar::distributed_transaction({first, first}), ar::configuration_error);
  EXPECT_THROW(ar::distributed_transaction(std::vector<ar::database>{}), ar::configuration_error);
  ar::transaction open(second);
  try {
    ar::distributed_transaction tx({first, second});
    FAIL() << "a distributed transaction took a savepoint of an open transaction";
  } catch (const ar::transaction_error& e) {
    EXPECT_NE(std::string(e.what()).find("'second'"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(first.in_transaction());  // refused before any BEGIN
  EXPECT_TRUE(second.in_transaction());
}

}  // namespace
