#include "../support/backends.hpp"
#include "../support/models.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <stdexcept>

namespace {

using ar_test::user;

class transactions : public ar_test::backend_test {
 protected:
  void SetUp() override {
    backend_test::SetUp();
    ar::create_table<user>(db);
  }
};

TEST_P(transactions, commit_keeps_the_writes) {
  user u{0, "kept", std::nullopt};
  {
    ar::transaction tx(db);
    EXPECT_TRUE(db.in_transaction());
    ar::insert(db, u);
    tx.commit();
  }
  EXPECT_FALSE(db.in_transaction());
  EXPECT_EQ(ar::find_or_throw<user>(db, u.id).name, "kept");
}

TEST_P(transactions, leaving_the_scope_without_commit_rolls_back) {
  user u{0, "lost", std::nullopt};
  try {
    ar::transaction tx(db);
    ar::insert(db, u);
    throw std::runtime_error("boom");
  } catch (const std::runtime_error&) {
  }
  EXPECT_FALSE(db.in_transaction());
  EXPECT_EQ(ar::find<user>(db, u.id), std::nullopt);
}

TEST_P(transactions, a_failed_statement_inside_rolls_back_all_of_it) {
  user a{0, "a", std::nullopt};
  auto write_both = [&] {
    ar::transaction tx(db);
    ar::insert(db, a);
    user twin{a.id, "twin", std::nullopt};
    ar::insert(db, twin);  // duplicate key
    tx.commit();
  };
  EXPECT_THROW(write_both(), ar::database_error);
  EXPECT_EQ(ar::find<user>(db, a.id), std::nullopt);
}

TEST_P(transactions, nesting_on_one_database_makes_a_savepoint_and_a_finished_one_refuses_to_end_again) {
  ar::transaction tx(db);
  EXPECT_FALSE(tx.nested());
  {
    ar::transaction inner(db);  // a savepoint in tx, not an error
    EXPECT_TRUE(inner.nested());
    inner.commit();
    EXPECT_THROW(inner.commit(), ar::transaction_error);
  }
  tx.rollback();
  EXPECT_THROW(tx.commit(), ar::transaction_error);
  EXPECT_THROW(tx.rollback(), ar::transaction_error);
  ar::transaction again(db);  // a new one is fine once the first is over
  EXPECT_FALSE(again.nested());
  again.commit();
}

TEST_P(transactions, a_transaction_sends_begin_and_commit_through_the_observation_point) {
  ar::statement_counter counter;
  {
    ar::transaction tx(db);
    user u{0, "x", std::nullopt};
    ar::insert(db, u);
    tx.commit();
  }
  const auto sql = counter.statements();
  ASSERT_EQ(sql.size(), 3u);
  EXPECT_EQ(sql[0], "BEGIN");
  EXPECT_EQ(sql[2], "COMMIT");
}

AR_INSTANTIATE_BACKEND_SUITE(transactions);

}  // namespace
