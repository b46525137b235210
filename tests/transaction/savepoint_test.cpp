// Nested transactions are savepoints: commit releases one, leaving its scope without commit rolls
// back to it, and the enclosing transaction goes on, also after a statement inside it failed (which
// on PostgreSQL makes the server refuse every statement until the rollback to the savepoint).

#include "../support/backends.hpp"
#include "../support/models.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace {

using ar_test::user;

class savepoints : public ar_test::backend_test {
 protected:
  void SetUp() override {
    backend_test::SetUp();
    ar::create_table<user>(db);
  }

  user insert(const std::string& name) {
    user u{0, name, std::nullopt};
    ar::insert(db, u);
    return u;
  }

  std::vector<std::string> names() {
    std::vector<std::string> out;
    for (const user& u : ar::from<user>(db) | ar::order_by(user::c.id) | ar::to_vector) out.push_back(u.name);
    return out;
  }
};

TEST_P(savepoints, a_nested_transaction_is_a_savepoint_that_commit_releases) {
  ar::statement_counter counter;
  {
    ar::transaction tx(db);
    insert("outer");
    {
      ar::transaction inner(db);
      EXPECT_TRUE(inner.nested());
      insert("inner");
      inner.commit();
      EXPECT_FALSE(inner.active());
    }
    EXPECT_TRUE(db.in_transaction());
    tx.commit();
  }
  const auto sql = counter.statements();
  ASSERT_EQ(sql.size(), 6u);
  EXPECT_EQ(sql[0], "BEGIN");
  EXPECT_EQ(sql[2], "SAVEPOINT ar_savepoint_1");
  EXPECT_EQ(sql[4], "RELEASE SAVEPOINT ar_savepoint_1");
  EXPECT_EQ(sql[5], "COMMIT");
  EXPECT_EQ(names(), (std::vector<std::string>{"outer", "inner"}));
}

TEST_P(savepoints, leaving_a_nested_transaction_without_commit_undoes_only_what_it_did) {
  {
    ar::transaction tx(db);
    insert("kept");
    {
      ar::transaction inner(db);
      insert("undone");
    }  // rolled back to the savepoint
    insert("also kept");
    tx.commit();
  }
  EXPECT_EQ(names(), (std::vector<std::string>{"kept", "also kept"}));
}

TEST_P(savepoints, rolling_back_a_savepoint_sends_rollback_to_it_and_releases_it) {
  ar::transaction tx(db);
  ar::transaction inner(db);
  ar::statement_counter counter;
  inner.rollback();
  EXPECT_EQ(counter.statements(),
            (std::vector<std::string>{"ROLLBACK TO SAVEPOINT ar_savepoint_1", "RELEASE SAVEPOINT ar_savepoint_1"}));
  EXPECT_FALSE(inner.active());
  EXPECT_TRUE(tx.active());
  tx.commit();
}

TEST_P(savepoints, a_failed_statement_inside_a_savepoint_is_undone_and_the_transaction_commits) {
  {
    ar::transaction tx(db);
    const user first = insert("first");
    try {
      ar::transaction attempt(db);
      user twin{first.id, "twin", std::nullopt};
      ar::insert(db, twin);  // a duplicate key: throws, and the scope's end rolls back to the savepoint
      attempt.commit();
      FAIL() << "expected ar::database_error";
    } catch (const ar::database_error&) {
    }
    insert("after");  // the transaction is usable again, PostgreSQL included
    tx.commit();
  }
  EXPECT_EQ(names(), (std::vector<std::string>{"first", "after"}));
}

TEST_P(savepoints, a_failure_caught_inside_a_savepoint_is_undone_when_its_scope_ends) {
  const bool aborts = ar_test::capabilities_of(GetParam()).failed_statement_aborts_transaction;
  {
    ar::transaction tx(db);
    const user first = insert("first");
    {
      ar::transaction attempt(db);
      insert("inside");
      user twin{first.id, "twin", std::nullopt};
      EXPECT_THROW(ar::insert(db, twin), ar::database_error);
      if (aborts) {
        // PostgreSQL refuses the savepoint's other statements and its commit: it rolls back to it.
        EXPECT_THROW(insert("refused"), ar::transaction_aborted);
        EXPECT_THROW(attempt.commit(), ar::transaction_aborted);
        EXPECT_FALSE(attempt.active());
      } else {
        attempt.commit();  // the others fail the one statement and go on
      }
    }
    insert("after");
    tx.commit();
  }
  if (aborts)
    EXPECT_EQ(names(), (std::vector<std::string>{"first", "after"}));
  else
    EXPECT_EQ(names(), (std::vector<std::string>{"first", "inside", "after"}));
}

TEST_P(savepoints, savepoints_nest_and_the_outer_rollback_undoes_the_released_ones) {
  {
    ar::transaction tx(db);
    insert("a");
    {
      ar::transaction one(db);
      insert("b");
      {
        ar::transaction two(db);
        ar::statement_counter counter;
        insert("c");
        two.commit();
        EXPECT_EQ(counter.statements().back(), "RELEASE SAVEPOINT ar_savepoint_2");
      }
      one.commit();
    }
    tx.rollback();
  }
  EXPECT_EQ(names(), std::vector<std::string>{});
}

TEST_P(savepoints, an_enclosing_transaction_cannot_end_while_a_nested_one_is_open) {
  ar::transaction tx(db);
  insert("a");
  {
    ar::transaction inner(db);
    EXPECT_THROW(tx.commit(), ar::transaction_error);
    EXPECT_THROW(tx.rollback(), ar::transaction_error);
    EXPECT_TRUE(tx.active());
    inner.commit();
  }
  tx.commit();
  EXPECT_EQ(names(), std::vector<std::string>{"a"});
}

TEST_P(savepoints, a_savepoint_belongs_to_the_thread_and_database_it_was_opened_on) {
  auto other = ar_test::open_backend(GetParam(), "other");
  ar::create_table<user>(other);
  ar::transaction tx(db);
  ar::transaction elsewhere(other);  // another database: a transaction of its own, not a savepoint
  EXPECT_FALSE(elsewhere.nested());
  elsewhere.commit();
  tx.commit();
}

AR_INSTANTIATE_BACKEND_SUITE(savepoints);

}  // namespace
