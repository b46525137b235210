// Faults: the PostgreSQL server goes away in the middle of an eager load and in the middle of a
// transaction (a server of the test's own, halted as a crash would: scripts/pg-test-server.sh
// halt), and constraint violations in the middle of multi-statement writes. A typed ar::error
// comes out, records and caches stay as they were, committed data survives, uncommitted data is
// gone, and the database works again once the server is back.

#include "../relation/models.hpp"
#include "../support/backends.hpp"
#include "own_server.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

namespace {

using rel::comment;
using rel::post;
using rel::user;

class server_faults : public ::testing::Test {
 protected:
  void SetUp() override {
    db = ar::open(server.url());
    ar::create_tables<user, post, comment>(db);
    for (const char* name : {"ada", "bob"}) {
      user u{0, name};
      ar::insert(u);
      for (int p = 0; p < 2; ++p) {
        post po{0, u.id, std::string(name) + "-" + std::to_string(p), "live"};
        ar::insert(po);
        comment c{0, po.id, po.title + "-c"};
        ar::insert(c);
      }
    }
  }
  void TearDown() override { ar::close_all(); }

  // A PostgreSQL server for this test alone, on a port of its own, durable (fsync and synchronous
  // commits on) so that what was committed before a halt must still be there after it.
  ar_test::own_server server{"postgresql", "55437", "AR_PG_DURABLE=1"};
  ar::database db;
};

TEST_F(server_faults, the_server_stopping_during_an_eager_load_leaves_records_and_caches_as_they_were) {
  auto users = ar::from<user>() | ar::order_by(user::c.id) | ar::to_vector;
  ASSERT_EQ(users.size(), 2u);
  // Halt the server as soon as the posts have been read: the comments' statement finds it gone.
  bool halted = false;
  auto handle = ar::observe([&](const ar::statement_event& e) {
    if (!halted && e.succeeded && std::string(e.sql).find("\"posts\"") != std::string::npos) {
      halted = true;
      server.halt();
    }
  });
  try {
    ar::load(users, "posts.comments");
    FAIL() << "expected an ar::error";
  } catch (const ar::error& e) {
    EXPECT_TRUE(dynamic_cast<const ar::database_error*>(&e) || dynamic_cast<const ar::connection_error*>(&e))
        << e.what();
  }
  handle.reset();
  ASSERT_TRUE(halted);
  // Nothing was stored: the posts that were read never reached the records.
  for (const user& u : users) EXPECT_FALSE(ar::relation_loaded(u, "posts")) << u.username;
  // The query form fails the same way and gives nothing back.
  EXPECT_THROW((void)(ar::from<user>() | ar::with("posts") | ar::to_vector), ar::error);

  server.resume();
  // The database reconnects: the same load now works, on the data as it was.
  ar::load(users, "posts.comments");
  ASSERT_EQ(users[0].posts().size(), 2u);
  EXPECT_EQ(users[0].posts()[0].comments().size(), 1u);
  EXPECT_EQ(ar::from<comment>() | ar::count, 4);
}

TEST_F(server_faults, the_server_stopping_during_a_transaction_keeps_what_was_committed_and_nothing_else) {
  user carol{0, "carol"};
  {
    ar::transaction tx(db);
    ar::insert(carol);
    tx.commit();  // committed before the fault
  }
  try {
    ar::transaction tx(db);
    user dan{0, "dan"};
    ar::insert(dan);  // not committed
    server.halt();
    user eve{0, "eve"};
    ar::insert(eve);
    tx.commit();
    FAIL() << "expected an ar::error";
  } catch (const ar::error& e) {
    EXPECT_TRUE(dynamic_cast<const ar::database_error*>(&e) || dynamic_cast<const ar::connection_error*>(&e))
        << e.what();
  }
  EXPECT_FALSE(db.in_transaction());  // the failed transaction is over

  server.resume();
  auto names = ar::from<user>() | ar::order_by(user::c.id) | ar::to_vector;
  std::vector<std::string> got;
  for (const user& u : names) got.push_back(u.username);
  EXPECT_EQ(got, (std::vector<std::string>{"ada", "bob", "carol"}));  // carol survived, dan and eve never were
  // And a new transaction works on the reconnected database.
  ar::transaction tx(db);
  user fay{0, "fay"};
  ar::insert(fay);
  tx.commit();
  EXPECT_EQ(ar::from<user>() | ar::count, 4);
}

TEST_F(server_faults, a_database_whose_server_is_gone_fails_with_a_typed_error_until_it_is_back) {
  server.halt();
  EXPECT_THROW((void)(ar::from<user>() | ar::count), ar::error);
  EXPECT_THROW((void)(ar::from<user>() | ar::count), ar::error);  // no hang, no crash, every time
  server.resume();
  EXPECT_EQ(ar::from<user>() | ar::count, 2);
}

// Constraint violations in the middle of writes of several statements, on every backend: all of
// the write is rolled back.
class constraint_faults : public ar_test::backend_test {
 protected:
  void SetUp() override {
    backend_test::SetUp();
    ar::create_tables<user, post>(db);
    db.execute(ar_test::sql_for(db,
                                "CREATE TABLE {reviews} ({id} BIGINT NOT NULL PRIMARY KEY, {post_id} BIGINT NOT NULL, "
                                "FOREIGN KEY ({post_id}) REFERENCES {posts} ({id}))"));
  }
  std::int64_t users_count() { return ar::from<user>(db) | ar::count; }
  std::int64_t posts_count() { return ar::from<post>(db) | ar::count; }
};

TEST_P(constraint_faults, a_unique_key_violation_midway_rolls_back_every_statement_before_it) {
  user first{0, "first"};
  ar::insert(db, first);
  try {
    ar::transaction tx(db);
    user second{0, "second"};
    ar::insert(db, second);
    post p{0, second.id, "by second", "live"};
    ar::insert(db, p);
    user clash{first.id, "clash"};  // the key of a stored user
    ar::insert(db, clash);
    tx.commit();
    FAIL() << "expected ar::database_error";
  } catch (const ar::database_error& e) {
    EXPECT_NE(e.sql().find("INSERT"), std::string::npos) << e.sql();
  }
  EXPECT_EQ(users_count(), 1);
  EXPECT_EQ(posts_count(), 0);
  EXPECT_EQ(ar::find<user>(db, first.id)->username, "first");
}

TEST_P(constraint_faults, a_foreign_key_violation_midway_rolls_back_the_transaction) {
  user owner{0, "owner"};
  ar::insert(db, owner);
  try {
    ar::transaction tx(db);
    post p{0, owner.id, "kept?", "live"};
    ar::insert(db, p);
    db.execute(ar_test::sql_for(db, "INSERT INTO {reviews} ({id}, {post_id}) VALUES (?, ?)"), {std::int64_t{1}, p.id});
    db.execute(ar_test::sql_for(db, "INSERT INTO {reviews} ({id}, {post_id}) VALUES (?, ?)"),
               {std::int64_t{2}, p.id + 1000});  // no such post
    tx.commit();
    FAIL() << "expected ar::database_error";
  } catch (const ar::database_error& e) {
    EXPECT_NE(e.sql().find("reviews"), std::string::npos) << e.sql();
  }
  EXPECT_EQ(posts_count(), 0);
  EXPECT_EQ(ar::find<user>(db, owner.id)->username, "owner");
  EXPECT_EQ(db.execute(ar_test::sql_for(db, "DELETE FROM {reviews}")), 0u);  // the first review is gone too
}

AR_INSTANTIATE_BACKEND_SUITE(constraint_faults);

}  // namespace
