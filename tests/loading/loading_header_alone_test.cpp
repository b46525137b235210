// A program whose models declare direct relations needs no relation header but <ar/loading.hpp>:
// eager and lazy loading, ar::destroy's dependents and the cycle check of a tree all work (issue 16:
// the headers no longer rely on includes at the bottom of other headers to define what they call).
// Besides it, this file includes only the two views and the statement counter it uses, on purpose.

#include <ar/loading.hpp>
#include <ar/observe.hpp>
#include <ar/views/first.hpp>
#include <ar/views/order_by.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace {

struct alone_post;

struct alone_user {
  std::int64_t id = 0;
  std::string name;
  AR_MODEL(alone_user, "alone_users", AR_FIELDS(id, name),
           AR_HAS_MANY(posts, alone_post, user_id, AR_INVERSE(user), AR_DEPENDENT(destroy)));
};

struct alone_post {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::string title;
  AR_MODEL(alone_post, "alone_posts", AR_FIELDS(id, user_id, title),
           AR_BELONGS_TO(user, alone_user, user_id, AR_INVERSE(posts)));
};

struct alone_node {
  std::int64_t id = 0;
  std::optional<std::int64_t> parent_id;
  AR_MODEL(alone_node, "alone_nodes", AR_FIELDS(id, parent_id), AR_BELONGS_TO(parent, alone_node, parent_id),
           AR_HAS_MANY(children, alone_node, parent_id));
};

class loading_header_alone : public ::testing::Test {
 protected:
  void SetUp() override {
    db = ar::open("sqlite3://db=:memory:", "loading_header_alone");
    ar::bind<alone_user>("loading_header_alone");
    ar::bind<alone_post>("loading_header_alone");
    ar::bind<alone_node>("loading_header_alone");
    db.execute("CREATE TABLE alone_users (id INTEGER PRIMARY KEY, name TEXT NOT NULL)");
    db.execute("CREATE TABLE alone_posts (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL, title TEXT NOT NULL)");
    db.execute("CREATE TABLE alone_nodes (id INTEGER PRIMARY KEY, parent_id INTEGER)");
    for (const char* name : {"ann", "bob"}) {
      alone_user u{0, name};
      ar::insert(u);
      for (const char* title : {"first", "second"}) {
        alone_post p{0, u.id, std::string(name) + " " + title};
        ar::insert(p);
      }
    }
  }
  void TearDown() override { db.close(); }

  ar::database db;
};

TEST_F(loading_header_alone, with_loads_every_users_posts_and_their_inverse_in_two_statements) {
  ar::statement_counter counter;
  const auto users = ar::from<alone_user>() | ar::with("posts") | ar::order_by(alone_user::c.id) | ar::to_vector;
  EXPECT_EQ(counter.count(), 2u);
  ASSERT_EQ(users.size(), 2u);
  EXPECT_TRUE(ar::relation_loaded(users[0], "posts"));
  ASSERT_EQ(users[1].posts().size(), 2u);
  EXPECT_EQ(users[1].posts()[0].title, "bob first");
  EXPECT_TRUE(ar::relation_loaded(users[1].posts()[0], "user"));
  EXPECT_EQ(users[1].posts()[0].user()->name, "bob");
  EXPECT_EQ(counter.count(), 2u);
}

TEST_F(loading_header_alone, lazy_accesses_are_batched_and_strict_loading_refuses_them) {
  ar::statement_counter counter;
  const auto users = ar::from<alone_user>() | ar::order_by(alone_user::c.id) | ar::to_vector;
  ASSERT_EQ(users.size(), 2u);
  EXPECT_FALSE(ar::relation_loaded(users[0], "posts"));
  EXPECT_EQ(users[0].posts().size(), 2u);
  EXPECT_EQ(users[1].posts().size(), 2u);
  EXPECT_EQ(users[1].posts()[1].title, "bob second");
  // Automatic batching: the first access loaded the relation for the sibling too.
  EXPECT_EQ(counter.count(), 2u);
  const auto strict = ar::from<alone_user>() | ar::strict_loading | ar::to_vector;
  ASSERT_FALSE(strict.empty());
  EXPECT_THROW((void)strict[0].posts(), ar::lazy_load_error);
}

TEST_F(loading_header_alone, destroy_destroys_the_dependents) {
  const auto ann = ar::from<alone_user>() | ar::filter(alone_user::c.name == "ann") | ar::first;
  ASSERT_TRUE(ann.has_value());
  const bool destroyed = ar::destroy(*ann);
  EXPECT_TRUE(destroyed);
  EXPECT_EQ(ar::from<alone_post>() | ar::count, 2);
  EXPECT_EQ(ar::from<alone_post>() | ar::filter(alone_post::c.user_id == ann->id) | ar::count, 0);
}

TEST_F(loading_header_alone, update_refuses_a_record_that_would_become_its_own_ancestor) {
  alone_node root{};
  ar::insert(root);
  alone_node child{0, root.id};
  ar::insert(child);
  root.parent_id = child.id;
  EXPECT_THROW(ar::update(root), ar::error);
  EXPECT_FALSE(ar::find_or_throw<alone_node>(root.id).parent_id.has_value());
}

}  // namespace
