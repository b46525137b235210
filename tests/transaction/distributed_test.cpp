// ar::distributed_transaction (ar/distributed.hpp): a transaction on several databases committed by
// two-phase commit, all or nothing. Here, on the suite's servers: what each backend accepts, the
// statements a commit sends and their order (PostgreSQL's PREPARE TRANSACTION, MariaDB's XA, and
// the two together), a rollback, savepoints, and a database that refuses to prepare.
// Servers that go away in the middle of a commit, and recovery: tests/faults/distributed_test.cpp.

#include "../support/backends.hpp"

#include <ar/ar.hpp>
#include <ar/distributed.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <future>
#include <string>
#include <string_view>
#include <thread>
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

// Every statement sent while it lives, as "database: sql", in order.
class statement_log {
 public:
  statement_log()
      : watch_(ar::observe([this](const ar::statement_event& e) {
          if (e.succeeded) lines_.push_back(std::string(e.database) + ": " + std::string(e.sql));
        })) {}
  // Those that contain one of `parts`.
  std::vector<std::string> with(std::initializer_list<std::string_view> parts) const {
    std::vector<std::string> out;
    for (const std::string& line : lines_)
      if (std::any_of(parts.begin(), parts.end(),
                      [&](std::string_view p) { return line.find(p) != std::string::npos; }))
        out.push_back(line);
    return out;
  }

 private:
  std::vector<std::string> lines_;
  ar::observer_handle watch_;
};

// The name in the first quoted literal of `line` (XA START 'name' -> name).
std::string quoted(const std::string& line) {
  const std::size_t open = line.find('\'');
  return line.substr(open + 1, line.find('\'', open + 1) - open - 1);
}

class distributed : public ar_test::backend_test {};

// PostgreSQL has two-phase commit, and MariaDB XA; SQLite has none: refused before any statement,
// naming the database.
TEST_P(distributed, is_refused_before_any_statement_where_the_backend_has_no_two_phase_commit) {
  if (GetParam() != "sqlite") {
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

// A distributed transaction over `first` and the PostgreSQL database `refusing`, which writes a
// row breaking a deferred foreign key: it refuses to prepare, and commit() throws the server's
// error. Returns whether `first`'s rollback callbacks ran.
bool commit_refused_at_prepare(const ar::database& first, const ar::database& refusing) {
  refusing.execute(
      "CREATE TABLE deferred_parts (id BIGINT PRIMARY KEY, parent BIGINT REFERENCES deferred_parts (id) "
      "DEFERRABLE INITIALLY DEFERRED)");
  bool after_rollback = false;
  try {
    ar::distributed_transaction tx({first, refusing});
    ledger_entry a{0, "kept only if both commit"};
    ar::insert(first, a);
    ar::detail::on_transaction_end(first, [] {}, [&] { after_rollback = true; });
    refusing.execute("INSERT INTO deferred_parts (id, parent) VALUES (1, 999)");  // no row 999
    tx.commit();
    ADD_FAILURE() << "'" << refusing.name() << "' prepared a transaction that breaks its foreign key";
  } catch (const ar::database_error& e) {
    EXPECT_EQ(e.kind(), ar::error_kind::foreign_key_violation) << e.what();
  }
  return after_rollback;
}

// A deferred constraint is checked when the transaction prepares: the second database refuses, and
// the first, prepared already, is rolled back (ROLLBACK PREPARED). The server's error comes out.
TEST_F(distributed_postgresql, a_database_that_refuses_to_prepare_rolls_back_the_ones_prepared) {
  ar::statement_counter counter;
  EXPECT_TRUE(commit_refused_at_prepare(first, second));
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

namespace {

constexpr std::string_view mariadb_identity = "@@hostname";

// Two MariaDB databases of one server, each with a pool of one connection: a connection given back
// still inside an XA transaction (or holding a prepared one) would fail the next statement.
class distributed_mariadb : public ::testing::Test {
 protected:
  void SetUp() override {
    ar::open_options one;
    one.pool_size = 1;
    first = ar_test::open_backend("mariadb", "first", one);
    second = ar_test::open_backend("mariadb", "second", one);
    ar::create_table<ledger_entry>(first);
    ar::create_table<ledger_entry>(second);
  }
  void TearDown() override { ar_test::close_backends(); }

  // A plain write and a plain transaction on each: the connections are usable again.
  void expect_usable() {
    for (const ar::database& db : {first, second}) {
      ledger_entry after{0, "after"};
      EXPECT_NO_THROW(ar::insert(db, after)) << db.name();
      ar::transaction tx(db);
      EXPECT_NO_THROW(db.execute("DELETE FROM ledger_entries WHERE note = 'after'")) << db.name();
      EXPECT_NO_THROW(tx.commit()) << db.name();
    }
  }

  ar::database first;
  ar::database second;
};

// XA START when it opens (the names made first: each carries the last database's identity and its
// own, read once per handle, before any XA START), XA END and XA PREPARE on each in order, XA
// COMMIT on each, the last last, on the connection that prepared it.
TEST_F(distributed_mariadb, commit_sends_xa_start_end_prepare_and_commit_on_each_database) {
  statement_log log;
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
  }
  EXPECT_FALSE(first.in_transaction());
  EXPECT_EQ(rows(first), 1u);
  EXPECT_EQ(rows(second), 1u);
  const std::vector<std::string> sent = log.with({"XA ", mariadb_identity});
  ASSERT_EQ(sent.size(), 10u);
  EXPECT_TRUE(sent[0].starts_with("second: SELECT CONCAT(@@hostname")) << sent[0];  // the last database's
  EXPECT_TRUE(sent[1].starts_with("first: SELECT CONCAT(@@hostname")) << sent[1];   // and the first's own
  const std::string name0 = quoted(sent[2]);
  const std::string name1 = quoted(sent[3]);
  EXPECT_EQ(sent[2], "first: XA START '" + name0 + "'");
  EXPECT_EQ(sent[3], "second: XA START '" + name1 + "'");
  // ar_<16 hex>_<position>_<count>_<last database>_<own database>
  ASSERT_EQ(name0.size(), id.size() + 22) << name0;
  EXPECT_TRUE(name0.starts_with(id + "_0_2_")) << name0;
  EXPECT_TRUE(name1.starts_with(id + "_1_2_")) << name1;
  const std::string last = name1.substr(id.size() + 5, 8);
  EXPECT_EQ(name1.substr(id.size() + 14), last) << name1;    // the last database is its own
  EXPECT_EQ(name0.substr(id.size() + 5, 8), last) << name0;  // every name carries the last's
  EXPECT_NE(name0.substr(id.size() + 14), last) << name0;    // another database of the server
  EXPECT_EQ(sent[4], "first: XA END '" + name0 + "'");
  EXPECT_EQ(sent[5], "first: XA PREPARE '" + name0 + "'");
  EXPECT_EQ(sent[6], "second: XA END '" + name1 + "'");
  EXPECT_EQ(sent[7], "second: XA PREPARE '" + name1 + "'");
  EXPECT_EQ(sent[8], "first: XA COMMIT '" + name0 + "'");
  EXPECT_EQ(sent[9], "second: XA COMMIT '" + name1 + "'");
  EXPECT_TRUE(ar::prepared_transactions(first).empty());
  EXPECT_TRUE(ar::prepared_transactions(second).empty());
  expect_usable();

  // The identities are read once per handle: the next one sends no SELECT before XA START.
  statement_log again;
  {
    ar::distributed_transaction tx({first, second});
    ledger_entry more{0, "more"};
    ar::insert(second, more);
    tx.commit();
  }
  EXPECT_TRUE(again.with({mariadb_identity}).empty());
  EXPECT_EQ(again.with({"XA "}).size(), 8u);  // XA START, END, PREPARE, COMMIT on each
  EXPECT_EQ(rows(second), 2u);
}

TEST_F(distributed_mariadb, leaving_the_scope_sends_xa_end_and_xa_rollback_and_prepares_nothing) {
  statement_log log;
  {
    ar::distributed_transaction tx({first, second});
    ledger_entry a{0, "a"};
    ar::insert(first, a);
    ledger_entry b{0, "b"};
    ar::insert(second, b);
  }
  EXPECT_EQ(rows(first), 0u);
  EXPECT_EQ(rows(second), 0u);
  const std::vector<std::string> sent = log.with({"XA END", "XA PREPARE", "XA ROLLBACK", "XA COMMIT"});
  ASSERT_EQ(sent.size(), 4u);
  EXPECT_TRUE(sent[0].starts_with("first: XA END '")) << sent[0];
  EXPECT_TRUE(sent[1].starts_with("first: XA ROLLBACK '")) << sent[1];
  EXPECT_TRUE(sent[2].starts_with("second: XA END '")) << sent[2];
  EXPECT_TRUE(sent[3].starts_with("second: XA ROLLBACK '")) << sent[3];
  EXPECT_FALSE(first.in_transaction());
  EXPECT_FALSE(second.in_transaction());
  expect_usable();
}

// The last database's prepared transaction records the decision, and MariaDB does not keep an XA
// transaction that changed no rows through a restart: commit() refuses one whose last database
// changed none, before anything is prepared, and rolls back everywhere.
TEST_F(distributed_mariadb, a_last_database_that_changed_no_rows_is_refused_before_anything_is_prepared) {
  statement_log log;
  {
    ar::distributed_transaction tx({first, second});
    ledger_entry a{0, "a"};
    ar::insert(first, a);
    EXPECT_EQ(ar::from<ledger_entry>(second) | ar::count, 0);             // a read
    second.execute("UPDATE ledger_entries SET note = 'z' WHERE id < 0");  // a write of no row
    try {
      tx.commit();
      FAIL() << "committed with a last database that changed no rows";
    } catch (const ar::transaction_error& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find("'second', changed no rows"), std::string::npos) << what;
      EXPECT_NE(what.find("Put last a database it writes to"), std::string::npos) << what;
    }
    EXPECT_FALSE(first.in_transaction());
    EXPECT_FALSE(second.in_transaction());
  }
  EXPECT_EQ(rows(first), 0u);
  EXPECT_TRUE(log.with({"XA PREPARE", "XA COMMIT"}).empty());
  EXPECT_EQ(log.with({"XA ROLLBACK"}).size(), 2u);
  EXPECT_TRUE(ar::prepared_transactions(first).empty());
  expect_usable();

  // The same with the last one writing a row commits.
  {
    ar::distributed_transaction tx({first, second});
    EXPECT_EQ(ar::from<ledger_entry>(first) | ar::count, 0);
    ledger_entry b{0, "b"};
    ar::insert(second, b);
    tx.commit();
  }
  EXPECT_EQ(rows(second), 1u);
}

// Savepoints work inside an XA transaction: a nested ar::transaction is one, as in any other.
TEST_F(distributed_mariadb, a_nested_transaction_is_a_savepoint_inside_the_xa_transaction) {
  statement_log log;
  ledger_entry kept{0, "kept"};
  {
    ar::distributed_transaction tx({first, second});
    ar::insert(first, kept);
    {
      ar::transaction attempt(first);
      EXPECT_TRUE(attempt.nested());
      ledger_entry undone{0, "undone"};
      ar::insert(first, undone);
    }  // rolled back to the savepoint: only `undone` is gone
    {
      ar::transaction inner(second);
      ledger_entry released{0, "released"};
      ar::insert(second, released);
      inner.commit();
    }
    tx.commit();
  }
  EXPECT_EQ(rows(first), 1u);
  EXPECT_TRUE(ar::find<ledger_entry>(first, kept.id).has_value());
  EXPECT_EQ(rows(second), 1u);
  const std::vector<std::string> sent = log.with({"SAVEPOINT"});
  ASSERT_EQ(sent.size(), 5u);
  EXPECT_EQ(sent[0], "first: SAVEPOINT ar_savepoint_1");
  EXPECT_EQ(sent[1], "first: ROLLBACK TO SAVEPOINT ar_savepoint_1");
  EXPECT_EQ(sent[2], "first: RELEASE SAVEPOINT ar_savepoint_1");
  EXPECT_EQ(sent[3], "second: SAVEPOINT ar_savepoint_1");
  EXPECT_EQ(sent[4], "second: RELEASE SAVEPOINT ar_savepoint_1");
  expect_usable();
}

// A deadlock's victim: MariaDB rolls the XA transaction's work back but leaves it on the connection
// ("ROLLBACK ONLY", where XA END is refused) until XA ROLLBACK. commit() refuses it, nothing is
// prepared, and the connection (the pool's only one) is given back out of the XA transaction.
TEST_F(distributed_mariadb, a_deadlock_victim_is_never_prepared_and_its_connection_leaves_the_xa_transaction) {
  for (int i = 1; i <= 10; ++i)
    first.execute("INSERT INTO ledger_entries (id, note) VALUES (" + std::to_string(i) + ", 'x')");
  ar::database again = ar_test::open_backend_again(first, "first_again");
  statement_log log;
  try {
    ar::distributed_transaction tx({first, second});
    ledger_entry b{0, "b"};
    ar::insert(second, b);
    first.execute("UPDATE ledger_entries SET note = 'mine' WHERE id = 1");
    std::promise<void> holds_the_rest;
    std::future<void> other = std::async(std::launch::async, [&] {
      ar::transaction theirs(again);
      // Nine rows: the heavier transaction, so that InnoDB picks the distributed one as the victim.
      again.execute("UPDATE ledger_entries SET note = 'theirs' WHERE id >= 2");
      holds_the_rest.set_value();
      again.execute("UPDATE ledger_entries SET note = 'theirs' WHERE id = 1");  // waits for tx
      theirs.commit();
    });
    holds_the_rest.get_future().wait();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // theirs waits for row 1 by now
    try {
      first.execute("UPDATE ledger_entries SET note = 'mine' WHERE id = 2");
      ADD_FAILURE() << "no deadlock";
    } catch (const ar::database_error& e) {
      EXPECT_EQ(e.kind(), ar::error_kind::deadlock) << e.what();
    }
    other.get();
    tx.commit();
    FAIL() << "a transaction the server rolled back was prepared";
  } catch (const ar::transaction_aborted& e) {
    EXPECT_TRUE(e.retryable()) << e.what();
    EXPECT_NE(std::string(e.what()).find("first"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(log.with({"XA PREPARE", "XA COMMIT"}).empty());
  EXPECT_EQ(log.with({"first: XA ROLLBACK"}).size(), 1u);
  EXPECT_EQ(log.with({"second: XA ROLLBACK"}).size(), 1u);
  EXPECT_EQ(rows(second), 0u);
  EXPECT_EQ(ar::from<ledger_entry>(first) | ar::count, 10u);
  expect_usable();
}

// A PostgreSQL and a MariaDB database in one transaction: each sends its own statements.
class distributed_mixed : public ::testing::Test {
 protected:
  void SetUp() override {
    ar::open_options one;
    one.pool_size = 1;
    pg = ar_test::open_backend("postgresql", "pg");
    maria = ar_test::open_backend("mariadb", "maria", one);
    ar::create_table<ledger_entry>(pg);
    ar::create_table<ledger_entry>(maria);
  }
  void TearDown() override { ar_test::close_backends(); }
  ar::database pg;
  ar::database maria;
};

// The names are made when it opens (MariaDB needs its own at XA START): the PostgreSQL database,
// last, has its identity read then, before any BEGIN, and prepares under the same form of name.
TEST_F(distributed_mixed, commits_across_mariadb_and_postgresql) {
  statement_log log;
  std::string id;
  {
    ar::distributed_transaction tx({maria, pg});
    id = tx.id();
    ledger_entry a{0, "a"};
    ar::insert(maria, a);
    ledger_entry b{0, "b"};
    ar::insert(pg, b);
    tx.commit();
  }
  EXPECT_EQ(rows(maria), 1u);
  EXPECT_EQ(rows(pg), 1u);
  const std::vector<std::string> sent =
      log.with({"XA ", "PREPARE", "BEGIN", "COMMIT", "pg_control_system", mariadb_identity});
  ASSERT_EQ(sent.size(), 9u);
  EXPECT_TRUE(sent[0].starts_with("pg: SELECT (SELECT system_identifier")) << sent[0];
  EXPECT_TRUE(sent[1].starts_with("maria: SELECT CONCAT(@@hostname")) << sent[1];
  EXPECT_TRUE(sent[2].starts_with("maria: XA START '" + id + "_0_2_")) << sent[2];
  EXPECT_EQ(sent[3], "pg: BEGIN");
  const std::string name0 = quoted(sent[2]);
  EXPECT_EQ(sent[4], "maria: XA END '" + name0 + "'");
  EXPECT_EQ(sent[5], "maria: XA PREPARE '" + name0 + "'");
  EXPECT_TRUE(sent[6].starts_with("pg: PREPARE TRANSACTION '" + id + "_1_2_")) << sent[6];
  const std::string name1 = quoted(sent[6]);
  EXPECT_EQ(name1.size(), id.size() + 13) << name1;  // no database of its own: PostgreSQL lists by database
  EXPECT_EQ(name0.substr(0, name0.size() - 9).substr(id.size() + 5), name1.substr(id.size() + 5)) << name0;
  EXPECT_EQ(sent[7], "maria: XA COMMIT '" + name0 + "'");
  EXPECT_EQ(sent[8], "pg: COMMIT PREPARED '" + name1 + "'");

  // MariaDB last: the other way round.
  {
    ar::distributed_transaction tx({pg, maria});
    ledger_entry c{0, "c"};
    ar::insert(pg, c);
    ledger_entry d{0, "d"};
    ar::insert(maria, d);
    tx.commit();
  }
  EXPECT_EQ(rows(maria), 2u);
  EXPECT_EQ(rows(pg), 2u);
}

// The PostgreSQL database refuses to prepare (a deferred constraint): the MariaDB one, prepared
// already, is rolled back (XA ROLLBACK, on the connection that prepared it), and the error comes out.
TEST_F(distributed_mixed, a_database_that_refuses_to_prepare_rolls_back_the_xa_transaction_prepared) {
  statement_log log;
  EXPECT_TRUE(commit_refused_at_prepare(maria, pg));
  EXPECT_EQ(rows(maria), 0u);
  EXPECT_TRUE(ar::prepared_transactions(maria).empty());
  const std::vector<std::string> sent = log.with({"maria: XA PREPARE", "maria: XA ROLLBACK", "maria: XA COMMIT"});
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_TRUE(sent[0].starts_with("maria: XA PREPARE")) << sent[0];
  EXPECT_TRUE(sent[1].starts_with("maria: XA ROLLBACK")) << sent[1];
  ledger_entry after{0, "after"};
  EXPECT_NO_THROW(ar::insert(maria, after));  // its one connection is free again
}

}  // namespace
