// The backend contract, proved by a backend that is not one of ar's three: tests/backend/fake/
// registers a dialect and a driver on the sqlite3 C API without SOCI, the way backends/<name>/ do,
// and a database opened with its URL scheme runs CRUD, a query, an eager load and transactions
// through it, with the statement counts the observation point reports on any backend.

#include "fake/fake_backend.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace {

struct fake_post;

struct fake_user {
  std::int64_t id = 0;
  std::string name;
  std::optional<std::int64_t> age;
  AR_MODEL(fake_user, "fake_users", AR_FIELDS(id, name, age), AR_HAS_MANY(posts, fake_post, user_id, AR_INVERSE(user)));
};

struct fake_post {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::string title;
  AR_MODEL(fake_post, "fake_posts", AR_FIELDS(id, user_id, title),
           AR_BELONGS_TO(user, fake_user, user_id, AR_INVERSE(posts)));
};

class fake_backend : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ar::backends::register_fake(); }

  void SetUp() override {
    db = ar::open("fake://:memory:", "fake");
    ar::bind<fake_user>("fake");
    ar::bind<fake_post>("fake");
    ar::create_table<fake_user>(db);
    ar::create_table<fake_post>(db);
  }
  void TearDown() override { db.close(); }

  ar::database db;
};

TEST_F(fake_backend, a_registered_backend_opens_by_its_scheme_and_connects_through_its_driver) {
  EXPECT_EQ(db.dialect().driver_name(), "fake");
  EXPECT_EQ(db.open_connections(), 1u);
  const auto connects = ar::backends::fake_driver_calls().connects;
  auto second = ar::open("fake://:memory:", "fake_second");
  EXPECT_EQ(ar::backends::fake_driver_calls().connects, connects + 1);
  second.close();
}

TEST_F(fake_backend, crud_runs_one_statement_each_through_the_driver) {
  ar::statement_counter counter;
  fake_user ada{0, "ada", 36};
  ar::insert(ada);
  EXPECT_EQ(counter.count(), 1u);
  EXPECT_NE(ada.id, 0);

  const auto found = ar::find<fake_user>(ada.id);
  EXPECT_EQ(counter.count(), 2u);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->name, "ada");
  EXPECT_EQ(found->age, std::optional<std::int64_t>(36));

  ada.name = "ada lovelace";
  ada.age.reset();
  ar::update(ada);
  EXPECT_EQ(counter.count(), 3u);
  const auto updated = ar::find<fake_user>(ada.id);
  ASSERT_TRUE(updated);
  EXPECT_EQ(updated->name, "ada lovelace");
  EXPECT_FALSE(updated->age);

  EXPECT_TRUE(ar::destroy(ada));
  EXPECT_FALSE(ar::find<fake_user>(ada.id));
  EXPECT_EQ(counter.count(), 6u);
}

TEST_F(fake_backend, a_query_filters_orders_and_limits_in_one_statement) {
  for (const char* name : {"cy", "ann", "bob", "dan"}) {
    fake_user u{0, name, std::nullopt};
    ar::insert(u);
  }
  ar::statement_counter counter;
  const auto rows = ar::from<fake_user>() | ar::filter(fake_user::c.name != "dan") | ar::order_by(fake_user::c.name) |
                    ar::take(2) | ar::to_vector;
  EXPECT_EQ(counter.count(), 1u);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].name, "ann");
  EXPECT_EQ(rows[1].name, "bob");
}

TEST_F(fake_backend, with_loads_the_posts_of_every_user_in_two_statements) {
  for (const char* name : {"ann", "bob"}) {
    fake_user u{0, name, std::nullopt};
    ar::insert(u);
    for (const char* title : {"first", "second", "third"}) {
      fake_post p{0, u.id, std::string(name) + " " + title};
      ar::insert(p);
    }
  }
  ar::statement_counter counter;
  const auto users = ar::from<fake_user>() | ar::with("posts") | ar::order_by(fake_user::c.id) | ar::to_vector;
  EXPECT_EQ(counter.count(), 2u);
  ASSERT_EQ(users.size(), 2u);
  ASSERT_EQ(users[1].posts().size(), 3u);
  EXPECT_EQ(users[1].posts()[2].title, "bob third");
  EXPECT_EQ(users[1].posts()[0].user()->name, "bob");
  EXPECT_EQ(counter.count(), 2u);  // the inverse was set by the load, not read again
}

TEST_F(fake_backend, a_transaction_commits_or_rolls_back_through_the_driver) {
  {
    ar::transaction tx(db);
    EXPECT_TRUE(db.in_transaction());
    fake_user kept{0, "kept", std::nullopt};
    ar::insert(kept);
    tx.commit();
  }
  {
    ar::statement_counter counter;
    ar::transaction tx(db);
    fake_user dropped{0, "dropped", std::nullopt};
    ar::insert(dropped);
    tx.rollback();
    EXPECT_EQ(counter.count(), 3u);  // BEGIN, INSERT, ROLLBACK
  }
  const auto names = ar::from<fake_user>() | ar::order_by(fake_user::c.id) | ar::to_vector;
  ASSERT_EQ(names.size(), 1u);
  EXPECT_EQ(names[0].name, "kept");
}

TEST_F(fake_backend, a_cached_statement_is_prepared_once_and_reset_after_every_execution) {
  fake_user u{0, "ann", std::nullopt};
  ar::insert(u);
  (void)ar::find<fake_user>(u.id);
  const auto before = ar::backends::fake_driver_calls();
  const auto prepared = db.statements_prepared();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(ar::find<fake_user>(u.id));
  const auto after = ar::backends::fake_driver_calls();
  EXPECT_EQ(after.prepares, before.prepares);
  EXPECT_EQ(db.statements_prepared(), prepared);
  EXPECT_EQ(after.binds - before.binds, 5u);
  EXPECT_EQ(after.resets - before.resets, 5u);
}

// A row found by its whole primary key is the only one there can be: the statement is reset after
// it, not stepped once more to learn that no row follows, and the next find reuses it, reset.
TEST_F(fake_backend, find_by_key_steps_its_statement_once_and_resets_it_after_the_row) {
  fake_user ann{0, "ann", std::nullopt};
  fake_user bob{0, "bob", 41};
  ar::insert(ann);
  ar::insert(bob);
  (void)ar::find<fake_user>(ann.id);  // prepared and cached
  ar::statement_counter counter;
  const auto before = ar::backends::fake_driver_calls();
  const auto found = ar::find<fake_user>(ann.id);
  const auto after_one = ar::backends::fake_driver_calls();
  ASSERT_TRUE(found);
  EXPECT_EQ(found->name, "ann");
  EXPECT_EQ(after_one.steps - before.steps, 1u);
  EXPECT_EQ(after_one.resets - before.resets, 1u);
  EXPECT_EQ(counter.count(), 1u);
  EXPECT_EQ(counter.round_trips(), 1u);

  // The same cached statement, reset, serves the next key and a key with no row.
  const auto other = ar::find<fake_user>(bob.id);
  ASSERT_TRUE(other);
  EXPECT_EQ(other->name, "bob");
  EXPECT_EQ(other->age, std::optional<std::int64_t>(41));
  EXPECT_FALSE(ar::find<fake_user>(bob.id + 100));
  const auto after = ar::backends::fake_driver_calls();
  EXPECT_EQ(after.steps - after_one.steps, 2u);  // one each: a row, then no row
  EXPECT_EQ(after.prepares, before.prepares);
  EXPECT_EQ(counter.count(), 3u);

  // Nothing is left reading the table: it can be dropped at once.
  db.execute("DROP TABLE fake_posts");
  db.execute("DROP TABLE fake_users");
}

TEST_F(fake_backend, a_refused_statement_is_a_database_error_with_the_drivers_message) {
  try {
    db.execute("SELECT * FROM no_such_table");
    FAIL() << "the statement ran";
  } catch (const ar::database_error& e) {
    EXPECT_NE(std::string(e.what()).find("no such table"), std::string::npos) << e.what();
  }
}

}  // namespace
