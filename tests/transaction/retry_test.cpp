// ar::retry_transaction: runs a function in a transaction and commits it; runs it again, in a new
// transaction, when the database gave up on it for a retryable reason; rethrows anything else, and
// the last failure once the attempts are spent.

#include "../support/backends.hpp"
#include "../support/models.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace {

using ar_test::user;

class retries : public ar_test::backend_test {
 protected:
  void SetUp() override {
    backend_test::SetUp();
    ar::create_table<user>(db);
  }

  std::int64_t rows() { return ar::from<user>(db) | ar::count; }
};

TEST_P(retries, a_transaction_that_succeeds_runs_once_is_committed_and_returns_what_fn_returns) {
  ar::statement_counter counter;
  int calls = 0;
  const std::int64_t id = ar::retry_transaction(db, [&] {
    ++calls;
    EXPECT_TRUE(db.in_transaction());
    user u{0, "kept", std::nullopt};
    ar::insert(db, u);
    return u.id;
  });
  EXPECT_EQ(calls, 1);
  EXPECT_FALSE(db.in_transaction());
  const auto sql = counter.statements();
  ASSERT_EQ(sql.size(), 3u);
  EXPECT_EQ(sql.front(), "BEGIN");
  EXPECT_EQ(sql.back(), "COMMIT");
  EXPECT_EQ(ar::find_or_throw<user>(db, id).name, "kept");
}

TEST_P(retries, fn_may_take_the_transaction_and_end_it_itself) {
  ar::retry_transaction(db, [&](ar::transaction& tx) {
    user u{0, "undone", std::nullopt};
    ar::insert(db, u);
    tx.rollback();
  });
  EXPECT_EQ(rows(), 0);
}

TEST_P(retries, a_failure_that_is_not_retryable_is_rethrown_at_once_and_rolled_back) {
  user a{0, "a", std::nullopt};
  ar::insert(db, a);
  int calls = 0;
  try {
    ar::retry_transaction(
        db,
        [&] {
          ++calls;
          user b{0, "b", std::nullopt};
          ar::insert(db, b);
          user twin{a.id, "twin", std::nullopt};
          ar::insert(db, twin);  // a duplicate key: running it again would not help
        },
        5);
    FAIL() << "expected ar::database_error";
  } catch (const ar::database_error& e) {
    EXPECT_FALSE(e.retryable());
  }
  EXPECT_EQ(calls, 1);
  EXPECT_FALSE(db.in_transaction());
  EXPECT_EQ(rows(), 1);
}

TEST_P(retries, a_retryable_failure_runs_fn_again_until_the_attempts_are_spent_then_it_is_rethrown) {
  int calls = 0;
  try {
    ar::retry_transaction(
        db,
        [&] {
          ++calls;
          user u{0, "attempt", std::nullopt};
          ar::insert(db, u);
          throw ar::database_error(db.name(), "UPDATE ...", "deadlock detected (attempt " + std::to_string(calls) + ")",
                                   "40P01", ar::error_kind::deadlock);
        },
        3);
    FAIL() << "expected ar::database_error";
  } catch (const ar::database_error& e) {
    EXPECT_EQ(e.kind(), ar::error_kind::deadlock);
    EXPECT_NE(e.backend_message().find("attempt 3"), std::string::npos) << e.backend_message();
  }
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(rows(), 0);  // every attempt was rolled back

  calls = 0;
  const int result = ar::retry_transaction(db, [&] {
    if (++calls < 2)
      throw ar::database_error(db.name(), "SELECT ...", "could not serialize access", "40001",
                               ar::error_kind::serialization_failure);
    return 42;
  });
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(result, 42);
}

TEST_P(retries, only_a_whole_transaction_and_at_least_one_attempt_can_be_asked_for) {
  EXPECT_THROW(ar::retry_transaction(db, [] {}, 0), ar::configuration_error);
  ar::transaction tx(db);
  int calls = 0;
  EXPECT_THROW(ar::retry_transaction(db, [&] { ++calls; }), ar::transaction_error);
  EXPECT_EQ(calls, 0);
  tx.commit();
}

AR_INSTANTIATE_BACKEND_SUITE(retries);

}  // namespace
