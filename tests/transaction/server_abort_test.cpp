// A transaction the server rolled back (or refuses to go on with) is never reported as committed,
// and stays rolled back: every later statement of it is refused with ar::transaction_aborted,
// unsent, until its scope ends. Database errors say which failure they are (code, kind).

#include "../support/backends.hpp"
#include "../support/models.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

using ar_test::user;

class server_aborts : public ar_test::backend_test {
 protected:
  void SetUp() override {
    backend_test::SetUp();
    ar::create_table<user>(db);
  }
};

TEST_P(server_aborts, commit_never_reports_a_transaction_the_server_rolled_back_as_committed) {
  const bool aborts = ar_test::capabilities_of(GetParam()).failed_statement_aborts_transaction;
  user a{0, "a", std::nullopt};
  {
    ar::transaction tx(db);
    ar::insert(db, a);
    user twin{a.id, "twin", std::nullopt};
    EXPECT_THROW(ar::insert(db, twin), ar::database_error);  // caught: the program goes on to commit
    if (aborts) {
      // PostgreSQL answers COMMIT with ROLLBACK here: commit() says so.
      try {
        tx.commit();
        FAIL() << "expected ar::transaction_aborted";
      } catch (const ar::transaction_aborted& e) {
        EXPECT_EQ(e.database(), db.name());
        EXPECT_EQ(e.sql(), "COMMIT");
        EXPECT_EQ(e.cause_kind(), ar::error_kind::unique_violation);
        EXPECT_FALSE(e.retryable());
        EXPECT_NE(std::string(e.what()).find("rolled back"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find(db.name()), std::string::npos) << e.what();
      }
      EXPECT_FALSE(tx.active());
    } else {
      tx.commit();  // SQLite and MariaDB failed that statement alone
    }
  }
  EXPECT_FALSE(db.in_transaction());
  EXPECT_EQ(ar::find<user>(db, a.id).has_value(), !aborts);
}

// A statement the program runs inside a transaction that ends it (its own ROLLBACK or COMMIT sent
// through execute): the transaction is over for ar too. Later statements are refused unsent
// (they would run in autocommit, outside the scope's rollback), and commit() says so.
TEST_P(server_aborts, a_statement_that_ends_the_transaction_ends_it_for_the_transaction_object) {
  user a{0, "a", std::nullopt};
  {
    ar::transaction tx(db);
    ar::insert(db, a);
    db.execute("ROLLBACK");  // the program's own
    ar::statement_counter counter;
    user b{0, "b", std::nullopt};
    try {
      ar::insert(db, b);
      FAIL() << "expected ar::transaction_aborted: the insert would run in autocommit";
    } catch (const ar::transaction_aborted& e) {
      EXPECT_TRUE(e.ended_by_statement());
      EXPECT_FALSE(e.retryable());
      EXPECT_EQ(e.cause(), "ROLLBACK");
      EXPECT_NE(std::string(e.what()).find("ended by a statement"), std::string::npos) << e.what();
    }
    EXPECT_EQ(counter.count(db), 0u) << "refused statements are not sent";
    EXPECT_THROW(tx.commit(), ar::transaction_aborted);
    EXPECT_FALSE(tx.active());
  }
  EXPECT_FALSE(db.in_transaction());
  EXPECT_EQ(ar::from<user>(db) | ar::count, 0);  // a rolled back by the program; b never sent
  user c{0, "c", std::nullopt};
  ar::insert(db, c);  // the database goes on
  EXPECT_EQ(ar::from<user>(db) | ar::count, 1);
}

// DDL in a transaction: on MariaDB it commits the transaction first (an implicit commit), so what
// ran before it is committed and the transaction is over; SQLite and PostgreSQL run it inside.
TEST_P(server_aborts, ddl_that_commits_the_transaction_implicitly_ends_it_for_the_transaction_object) {
  const bool commits = ar_test::capabilities_of(GetParam()).ddl_commits_transaction;
  db.execute(ar_test::sql_for(db, "DROP TABLE IF EXISTS {ar_implicit}"));
  user a{0, "a", std::nullopt};
  user b{0, "b", std::nullopt};
  {
    ar::transaction tx(db);
    ar::insert(db, a);
    db.execute(ar_test::sql_for(db, "CREATE TABLE {ar_implicit} ({x} INTEGER)"));
    if (commits) {
      EXPECT_THROW(ar::insert(db, b), ar::transaction_aborted);
      try {
        tx.commit();
        FAIL() << "expected ar::transaction_aborted";
      } catch (const ar::transaction_aborted& e) {
        EXPECT_TRUE(e.ended_by_statement());
        EXPECT_NE(e.cause().find("CREATE TABLE"), std::string::npos) << e.cause();
      }
    } else {
      ar::insert(db, b);
      tx.commit();
    }
  }
  EXPECT_FALSE(db.in_transaction());
  // MariaDB committed a with the CREATE TABLE and never sent b; the others committed both.
  EXPECT_EQ(ar::from<user>(db) | ar::count, commits ? 1 : 2);
  EXPECT_TRUE(ar::find<user>(db, a.id).has_value());
  db.execute(ar_test::sql_for(db, "DROP TABLE {ar_implicit}"));
}

TEST_P(server_aborts, a_refused_statement_carries_the_backends_code_and_kind) {
  user a{0, "a", std::nullopt};
  ar::insert(db, a);
  user twin{a.id, "twin", std::nullopt};
  try {
    ar::insert(db, twin);
    FAIL() << "expected ar::database_error";
  } catch (const ar::database_error& e) {
    const std::string expected = ar_test::engine_of(GetParam()) == "postgresql" ? "23505"  // unique_violation
                                 : GetParam() == "mariadb"                      ? "1062"   // ER_DUP_ENTRY
                                                           : "1555";  // SQLITE_CONSTRAINT_PRIMARYKEY
    EXPECT_EQ(e.code(), expected) << e.what();
    EXPECT_EQ(e.kind(), ar::error_kind::unique_violation);
    EXPECT_FALSE(e.retryable());
  }
}

AR_INSTANTIATE_BACKEND_SUITE(server_aborts);

// The backends where one statement can end the transaction without another connection: SQLite (a
// trigger's RAISE(ROLLBACK) rolls the whole transaction back) and PostgreSQL (any failed statement
// makes the server refuse the rest). MariaDB ends a transaction for a deadlock: deadlock_test.cpp.
class server_ended_transactions : public ar_test::backend_test {
 protected:
  void SetUp() override {
    backend_test::SetUp();
    ar::create_table<user>(db);
    if (GetParam() == "sqlite")
      db.execute(
          "CREATE TRIGGER refuse_boom BEFORE INSERT ON users WHEN NEW.user_name = 'boom' "
          "BEGIN SELECT RAISE(ROLLBACK, 'boom is refused'); END");
  }

  // A statement after which the server holds the transaction no more (SQLite) or refuses it
  // (PostgreSQL).
  void end_it_by_a_failed_statement(const user& existing) {
    user failing{GetParam() == "sqlite" ? 0 : existing.id, "boom", std::nullopt};
    EXPECT_THROW(ar::insert(db, failing), ar::database_error);
  }

  std::int64_t rows() { return ar::from<user>(db) | ar::count; }
};

TEST_P(server_ended_transactions, every_later_statement_is_refused_unsent_and_commit_throws) {
  {
    ar::transaction tx(db);
    user a{0, "a", std::nullopt};
    ar::insert(db, a);
    end_it_by_a_failed_statement(a);

    ar::statement_counter counter;
    user later{0, "later", std::nullopt};
    try {
      ar::insert(db, later);  // today: SQLite runs it outside the transaction, and it stays
      FAIL() << "expected ar::transaction_aborted";
    } catch (const ar::transaction_aborted& e) {
      EXPECT_EQ(e.database(), db.name());
      EXPECT_NE(e.sql().find("INSERT INTO"), std::string::npos) << e.sql();
      EXPECT_NE(e.cause().find(GetParam() == "sqlite" ? "boom is refused" : "duplicate key"), std::string::npos)
          << e.cause();
      EXPECT_NE(std::string(e.what()).find(e.sql()), std::string::npos) << e.what();
    }
    EXPECT_THROW((void)(ar::from<user>(db) | ar::count), ar::transaction_aborted);
    EXPECT_THROW(db.execute("DELETE FROM users"), ar::transaction_aborted);
    EXPECT_THROW((void)ar::transaction(db), ar::transaction_aborted);  // no savepoint in it either
    EXPECT_EQ(counter.count(), 0u);                                    // nothing reached the database
    EXPECT_TRUE(db.in_transaction());                                  // until the scope ends
    EXPECT_THROW(tx.commit(), ar::transaction_aborted);
    EXPECT_FALSE(tx.active());
    EXPECT_FALSE(db.in_transaction());
  }
  EXPECT_EQ(rows(), 0);
}

TEST_P(server_ended_transactions, leaving_the_scope_ends_it_quietly_and_the_next_transaction_works) {
  {
    ar::transaction tx(db);
    user a{0, "a", std::nullopt};
    ar::insert(db, a);
    end_it_by_a_failed_statement(a);
    ar::statement_counter counter;
    EXPECT_NO_THROW(tx.rollback());
    // SQLite holds no transaction any more: nothing to send. PostgreSQL's still needs its ROLLBACK.
    EXPECT_EQ(counter.statements(),
              GetParam() == "sqlite" ? std::vector<std::string>{} : std::vector<std::string>{"ROLLBACK"});
  }
  {
    ar::transaction tx(db);
    user a{0, "a", std::nullopt};
    ar::insert(db, a);
    end_it_by_a_failed_statement(a);
  }  // the destructor: no exception
  EXPECT_FALSE(db.in_transaction());
  {
    ar::transaction tx(db);
    user b{0, "b", std::nullopt};
    ar::insert(db, b);
    tx.commit();
  }
  EXPECT_EQ(rows(), 1);
}

TEST_P(server_ended_transactions,
       a_savepoint_cannot_bring_back_what_the_server_rolled_back_but_on_postgresql_it_recovers) {
  ar::transaction tx(db);
  user a{0, "a", std::nullopt};
  ar::insert(db, a);
  {
    ar::transaction attempt(db);
    end_it_by_a_failed_statement(a);
    EXPECT_THROW(attempt.commit(), ar::transaction_aborted);
  }
  if (ar_test::engine_of(GetParam()) == "postgresql") {
    // Only the savepoint's part was lost: the transaction goes on and commits.
    user b{0, "b", std::nullopt};
    ar::insert(db, b);
    tx.commit();
    EXPECT_EQ(rows(), 2);
  } else {
    // SQLite rolled back all of it, savepoints included.
    user b{0, "b", std::nullopt};
    EXPECT_THROW(ar::insert(db, b), ar::transaction_aborted);
    EXPECT_THROW(tx.commit(), ar::transaction_aborted);
    EXPECT_EQ(rows(), 0);
  }
}

INSTANTIATE_TEST_SUITE_P(backends, server_ended_transactions,
                         ::testing::Values("sqlite", "postgresql", "postgresql_pgbouncer"), ::ar_test::backend_name);

// SQLite's "database or disk is full" (SQLITE_FULL, here a page limit: PRAGMA max_page_count). SQLite
// undoes the statement alone when it wrote a statement journal (a statement with RETURNING does),
// else the whole transaction. Either way ar asks SQLite, and never reports the other: a transaction
// SQLite rolled back refuses every later statement unsent (in autocommit a later write would land
// and stay) and its commit; one it kept goes on and commits.
class sqlite_full : public ::testing::Test {
 protected:
  void SetUp() override {
    db = ar_test::open_backend("sqlite");
    ar::create_table<user>(db);
    // The new database holds a few pages (the schema, the table): room for short rows, not 100 KB.
    db.execute("PRAGMA max_page_count = 8");
  }
  void TearDown() override { ar_test::close_backends(); }
  static std::string too_long() { return std::string(100000, 'x'); }  // 25 pages of 4 KiB
  ar::database db;
};

TEST_F(sqlite_full, a_full_database_that_rolled_the_transaction_back_refuses_the_rest_of_it) {
  {
    ar::transaction tx(db);
    user a{0, "a", std::nullopt};
    ar::insert(db, a);
    a.name = too_long();
    try {
      ar::update(db, a);  // an UPDATE without RETURNING: SQLite rolls back the whole transaction
      FAIL() << "expected ar::database_error";
    } catch (const ar::database_error& e) {
      EXPECT_EQ(e.code(), "13");  // SQLITE_FULL
    }
    ar::statement_counter counter;
    user later{0, "later", std::nullopt};
    try {
      ar::insert(db, later);
      FAIL() << "expected ar::transaction_aborted";
    } catch (const ar::transaction_aborted& e) {
      EXPECT_NE(e.cause().find("full"), std::string::npos) << e.cause();
      EXPECT_FALSE(e.ended_by_statement());
    }
    EXPECT_THROW(tx.commit(), ar::transaction_aborted);
    EXPECT_EQ(counter.count(), 0u);
  }
  // Neither the write before the failure nor the refused one landed.
  EXPECT_EQ(ar::from<user>(db) | ar::count, 0);
}

TEST_F(sqlite_full, a_full_database_that_undid_the_statement_alone_lets_the_transaction_commit) {
  {
    ar::transaction tx(db);
    user a{0, "a", std::nullopt};
    ar::insert(db, a);
    user huge{0, too_long(), std::nullopt};
    // An INSERT with RETURNING writes a statement journal: SQLite undoes this statement alone.
    EXPECT_THROW(ar::insert(db, huge), ar::database_error);
    user later{0, "later", std::nullopt};
    ar::insert(db, later);
    tx.commit();
  }
  std::vector<std::string> names;
  for (const user& u : ar::from<user>(db) | ar::order_by(user::c.id) | ar::to_vector) names.push_back(u.name);
  EXPECT_EQ(names, (std::vector<std::string>{"a", "later"}));
}

// SQLite's "database is locked" (SQLITE_BUSY) is a retryable lock timeout: two connections to one
// file, one holding the write lock.
TEST(sqlite_busy, a_locked_database_is_a_retryable_lock_timeout_and_retry_transaction_runs_it_again) {
  const std::string path =
      (std::filesystem::temp_directory_path() / ("ar_busy_" + std::to_string(::getpid()) + ".sqlite3")).string();
  std::remove(path.c_str());
  {
    auto first = ar::open("sqlite3://db=" + path, "first");
    ar::create_table<user>(first);
    auto second = ar::open("sqlite3://db=" + path, "second");
    ar::transaction holder(first);
    user a{0, "a", std::nullopt};
    ar::insert(first, a);  // holds the write lock until it commits
    user b{0, "b", std::nullopt};
    try {
      ar::insert(second, b);
      FAIL() << "expected ar::database_error";
    } catch (const ar::database_error& e) {
      EXPECT_EQ(e.code(), "5");  // SQLITE_BUSY
      EXPECT_EQ(e.kind(), ar::error_kind::lock_timeout);
      EXPECT_TRUE(e.retryable());
    }
    int attempts = 0;
    ar::retry_transaction(second, [&] {
      if (++attempts == 2) holder.commit();  // the lock goes away before the second attempt
      user c{0, "c", std::nullopt};
      ar::insert(second, c);
    });
    EXPECT_EQ(attempts, 2);
    EXPECT_EQ(ar::from<user>(second) | ar::count, 2);
  }
  ar::close_all();
  std::remove(path.c_str());
}

}  // namespace
