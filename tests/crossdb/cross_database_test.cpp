// Relationships across databases: users on one database, their posts on a second, the posts'
// comments on a third, over pairs of different backends (PostgreSQL with SQLite, two SQLite files,
// PostgreSQL with MariaDB, ...). Each relation loads through its target's own database, with one
// statement per database per level; subqueries across databases are refused; a transaction on one
// database never captures the statements of another; writes that cross are not atomic, and say so.

#include "../relation/models.hpp"
#include "../support/backends.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <ostream>
#include <string>
#include <vector>

namespace {

using rel::audit;
using rel::comment;
using rel::order;
using rel::post;
using rel::profile;
using rel::user;

struct placement {
  std::string users;  // users, profiles, orders, audits ("default"), and comments ("third")
  std::string posts;  // posts ("other")
};

void PrintTo(const placement& p, std::ostream* os) { *os << "users on " << p.users << ", posts on " << p.posts; }

std::string placement_name(const ::testing::TestParamInfo<placement>& info) {
  return "users_on_" + info.param.users + "_posts_on_" + info.param.posts;
}

class cross_database : public ::testing::TestWithParam<placement> {
 protected:
  void SetUp() override {
    users_db = ar_test::open_backend(GetParam().users, "default");
    posts_db = ar_test::open_backend(GetParam().posts, "other");
    comments_db = ar_test::open_backend(GetParam().users, "third");
    ar::create_tables<user, profile, order, audit>(users_db);
    ar::create_table<post>(posts_db);
    ar::create_table<comment>(comments_db);
    ar::bind<post>("other");
    ar::bind<comment>("third");
    for (const char* name : {"ada", "bob", "cy"}) {
      user u{0, name};
      ar::insert(u);
      users.push_back(u);
    }
    // ada: two posts, bob: one, cy: none; two comments on each post.
    for (auto [owner, title] :
         std::vector<std::pair<std::size_t, std::string>>{{0, "ada-1"}, {0, "ada-2"}, {1, "bob-1"}}) {
      post p{0, users[owner].id, title, "live"};
      ar::insert(p);
      for (int c = 0; c < 2; ++c) {
        comment co{0, p.id, title + "-c" + std::to_string(c)};
        ar::insert(co);
      }
    }
  }
  void TearDown() override {
    ar::bind<post>("default");
    ar::bind<comment>("default");
    ar_test::close_backends();
  }

  auto all_users() const { return ar::from<user>() | ar::order_by(user::c.id); }

  ar::database users_db, posts_db, comments_db;
  std::vector<user> users;
};

TEST_P(cross_database, each_model_lives_on_its_own_database) {
  EXPECT_EQ(ar::database_for<user>(), users_db);
  EXPECT_EQ(ar::database_for<post>(), posts_db);
  EXPECT_EQ(ar::database_for<comment>(), comments_db);
  EXPECT_EQ(ar::from<post>() | ar::count, 3);
  EXPECT_EQ(ar::from<comment>() | ar::count, 6);
  // The rows really are where the bindings say: the users' database has no posts table.
  EXPECT_THROW((void)(ar::from<post>(users_db) | ar::count), ar::database_error);
}

TEST_P(cross_database, lazy_loads_run_on_the_related_models_database) {
  user ada = ar::find_or_throw<user>(users[0].id);
  ar::statement_counter counter;
  const auto& posts = ada.posts();
  ASSERT_EQ(posts.size(), 2u);
  EXPECT_EQ(counter.count(posts_db), 1u);
  EXPECT_EQ(counter.count(users_db), 0u);
  EXPECT_EQ(posts[0].comments().size(), 2u);
  EXPECT_EQ(counter.count(comments_db), 1u);
  counter.reset();
  post lone = ar::find_or_throw<post>(posts[0].id);
  ASSERT_NE(lone.author(), nullptr);
  EXPECT_EQ(lone.author()->username, "ada");
  EXPECT_EQ(counter.count(posts_db), 1u);  // the find
  EXPECT_EQ(counter.count(users_db), 1u);  // the author
}

TEST_P(cross_database, a_nested_path_hops_databases_with_one_statement_per_database_per_level) {
  ar::statement_counter counter;
  auto rows = all_users() | ar::with("posts.comments") | ar::to_vector;
  EXPECT_EQ(counter.count(users_db), 1u);
  EXPECT_EQ(counter.count(posts_db), 1u);
  EXPECT_EQ(counter.count(comments_db), 1u);
  EXPECT_EQ(counter.count(), 3u);
  ASSERT_EQ(rows.size(), 3u);
  ASSERT_EQ(rows[0].posts().size(), 2u);
  EXPECT_EQ(rows[1].posts().size(), 1u);
  EXPECT_TRUE(rows[2].posts().empty());
  std::vector<std::string> texts;
  for (const post& p : rows[0].posts())
    for (const comment& c : p.comments()) texts.push_back(c.text);
  std::sort(texts.begin(), texts.end());
  EXPECT_EQ(texts, (std::vector<std::string>{"ada-1-c0", "ada-1-c1", "ada-2-c0", "ada-2-c1"}));
  // The inverse side was filled while loading: no statement on any database.
  EXPECT_EQ(rows[1].posts()[0].author()->username, "bob");
  EXPECT_EQ(counter.count(), 3u);
}

TEST_P(cross_database, eager_belongs_to_reads_the_owners_database_once) {
  ar::statement_counter counter;
  auto rows = ar::from<post>() | ar::order_by(post::c.id) | ar::with("author") | ar::to_vector;
  EXPECT_EQ(counter.count(posts_db), 1u);
  EXPECT_EQ(counter.count(users_db), 1u);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].author(), rows[1].author());  // ada's two posts share one object
  EXPECT_EQ(rows[2].author()->username, "bob");
  EXPECT_EQ(counter.count(), 2u);
}

TEST_P(cross_database, a_transaction_on_one_database_never_captures_the_loads_of_another) {
  {
    ar::transaction tx(users_db);
    user dan{0, "dan"};
    ar::insert(dan);  // in the transaction
    post p{0, dan.id, "dan-1", "live"};
    ar::insert(p);  // on the posts' database: not part of the transaction
    EXPECT_TRUE(users_db.in_transaction());
    EXPECT_FALSE(posts_db.in_transaction());
    ar::statement_counter counter;
    const auto& posts = dan.posts();
    ASSERT_EQ(posts.size(), 1u);
    EXPECT_EQ(counter.count(posts_db), 1u);  // loaded where posts live, not on the transaction's database
    EXPECT_EQ(counter.count(users_db), 0u);
    auto eager = all_users() | ar::with("posts") | ar::to_vector;
    ASSERT_EQ(eager.size(), 4u);  // dan is visible inside his transaction
    EXPECT_EQ(eager[3].posts().size(), 1u);
    // tx leaves the scope uncommitted: dan is rolled back, his post (written elsewhere) stays.
  }
  EXPECT_EQ(ar::from<user>() | ar::filter(user::c.username == "dan") | ar::count, 0);
  EXPECT_EQ(ar::from<post>() | ar::filter(post::c.title == "dan-1") | ar::count, 1);

  // The other way round: a transaction on the posts' database, users read from theirs.
  ar::transaction tx(posts_db);
  post extra{0, users[2].id, "cy-1", "draft"};
  ar::insert(extra);
  ar::statement_counter counter;
  auto rows = all_users() | ar::with("posts") | ar::to_vector;
  EXPECT_EQ(counter.count(users_db), 1u);
  EXPECT_EQ(counter.count(posts_db), 1u);
  ASSERT_EQ(rows[2].posts().size(), 1u);  // the transaction's own write, read inside it
  tx.rollback();
  EXPECT_EQ(ar::from<post>() | ar::filter(post::c.title == "cy-1") | ar::count, 0);
}

TEST_P(cross_database, subqueries_across_databases_are_refused_with_a_clear_error) {
  auto expect_refused = [](auto make) {
    try {
      (void)make();
      ADD_FAILURE() << "expected ar::error";
    } catch (const ar::error& e) {
      EXPECT_NE(std::string(e.what()).find("crosses databases"), std::string::npos) << e.what();
    }
  };
  expect_refused([&] { return all_users() | ar::where_has("posts") | ar::to_vector; });
  expect_refused([&] { return all_users() | ar::where_doesnt_have("posts") | ar::to_vector; });
  expect_refused([&] { return all_users() | ar::with_count("posts") | ar::to_vector; });
  expect_refused([&] { return ar::from<post>() | ar::where_has("author") | ar::to_vector; });
}

// A chain whose hop and target live on two databases (users -> posts on one -> comments on
// another) reads the hop's links on its database, then the targets on theirs: one statement each.
TEST_P(cross_database, a_chain_across_databases_reads_each_database_once) {
  user ada = ar::find_or_throw<user>(users[0].id);
  ar::statement_counter counter;
  std::vector<std::string> texts;
  for (const comment& c : ada.post_comments()) texts.push_back(c.text);
  EXPECT_EQ(texts, (std::vector<std::string>{"ada-1-c0", "ada-1-c1", "ada-2-c0", "ada-2-c1"}));
  EXPECT_EQ(counter.count(posts_db), 1u);
  EXPECT_EQ(counter.count(comments_db), 1u);
  EXPECT_EQ(counter.count(users_db), 0u);

  counter.reset();
  auto rows = all_users() | ar::with("post_comments") | ar::to_vector;
  EXPECT_EQ(counter.count(users_db), 1u);
  EXPECT_EQ(counter.count(posts_db), 1u);
  EXPECT_EQ(counter.count(comments_db), 1u);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].post_comments().size(), 4u);
  EXPECT_EQ(rows[1].post_comments().size(), 2u);
  EXPECT_TRUE(rows[2].post_comments().empty());
  EXPECT_EQ(counter.count(), 3u);

  // has_one through a belongs_to and a belongs_to: comments (third) -> posts (other) -> users.
  counter.reset();
  auto comments = ar::from<comment>() | ar::order_by(comment::c.id) | ar::to_vector;
  ASSERT_EQ(comments.size(), 6u);
  ASSERT_TRUE(comments[0].post_author());
  EXPECT_EQ(comments[0].post_author()->username, "ada");
  EXPECT_EQ(comments[5].post_author()->username, "bob");
  EXPECT_EQ(counter.count(comments_db), 1u);  // the query
  EXPECT_EQ(counter.count(posts_db), 1u);     // the links of every comment of the query at once
  EXPECT_EQ(counter.count(users_db), 1u);

  // Subqueries and JOINs cannot reach another database: refused, saying so.
  for (auto run : {+[] { (void)(ar::from<user>() | ar::where_has("post_comments") | ar::to_vector); },
                   +[] { (void)(ar::from<user>() | ar::with_count("post_comments") | ar::to_vector); },
                   +[] { (void)(ar::from<user>() | ar::joins<"post_comments"> | ar::to_vector); }}) {
    try {
      run();
      ADD_FAILURE() << "expected ar::error";
    } catch (const ar::error& e) {
      EXPECT_NE(std::string(e.what()).find("crosses databases"), std::string::npos) << e.what();
    }
  }
}

TEST_P(cross_database, dependents_on_another_database_are_destroyed_there) {
  ar::statement_counter counter;
  EXPECT_TRUE(ar::destroy(users[1]));  // bob: one post (dependent destroy), whose comments go too
  EXPECT_GE(counter.count(posts_db), 1u);
  EXPECT_GE(counter.count(comments_db), 1u);
  EXPECT_EQ(ar::find<user>(users[1].id), std::nullopt);
  EXPECT_EQ(ar::from<post>() | ar::filter(post::c.user_id == users[1].id) | ar::count, 0);
  EXPECT_EQ(ar::from<comment>() | ar::count, 4);  // ada's four remain
}

TEST_P(cross_database, a_write_that_fails_after_changing_another_database_says_those_changes_stand) {
  // A row that keeps ada's user row from being deleted, unknown to the models.
  users_db.execute(ar_test::sql_for(users_db,
                                    "CREATE TABLE {pins} ({user_id} BIGINT NOT NULL, "
                                    "FOREIGN KEY ({user_id}) REFERENCES {users} ({id}))"));
  users_db.execute(ar_test::sql_for(users_db, "INSERT INTO {pins} ({user_id}) VALUES (?)"), {users[0].id});
  try {
    ar::destroy(users[0]);
    FAIL() << "expected ar::partial_write_error";
  } catch (const ar::partial_write_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("'other'"), std::string::npos) << what;
    EXPECT_NE(what.find("not across databases"), std::string::npos) << what;
    // The posts' database, and the comments' one below it (each post's comments went with it).
    auto written = e.written_databases();
    std::sort(written.begin(), written.end());
    EXPECT_EQ(written, (std::vector<std::string>{"other", "third"}));
    EXPECT_NE(what.find("was rolled back"), std::string::npos) << what;
  }
  // The users' database rolled back; the posts' database kept what it did.
  EXPECT_NE(ar::find<user>(users[0].id), std::nullopt);
  EXPECT_EQ(ar::from<post>() | ar::filter(post::c.user_id == users[0].id) | ar::count, 0);
  EXPECT_EQ(ar::from<comment>() | ar::count, 2);  // only bob's post's comments remain

  // Inside a transaction the caller opened, the owner's database is left to that transaction.
  {
    ar::transaction tx(users_db);
    try {
      ar::destroy(users[1]);  // bob has no pin: this one succeeds, in the transaction
    } catch (const std::exception& e) {
      ADD_FAILURE() << e.what();
    }
    users_db.execute(ar_test::sql_for(users_db, "INSERT INTO {pins} ({user_id}) VALUES (?)"), {users[0].id});
    user again = ar::find_or_throw<user>(users[0].id);
    post fresh{0, again.id, "ada-3", "live"};
    ar::insert(fresh);
    try {
      ar::destroy(again);
      ADD_FAILURE() << "expected ar::partial_write_error";
    } catch (const ar::partial_write_error& e) {
      EXPECT_NE(std::string(e.what()).find("left to the transaction"), std::string::npos) << e.what();
    }
  }
  // A failure before anything was written elsewhere is the original error.
  users_db.execute(ar_test::sql_for(users_db, "INSERT INTO {pins} ({user_id}) VALUES (?)"), {users[2].id});
  EXPECT_THROW(ar::destroy(users[2]), ar::database_error);  // cy has no posts: nothing written elsewhere
  try {
    ar::destroy(users[2]);
  } catch (const ar::partial_write_error&) {
    ADD_FAILURE() << "nothing was written on another database";
  } catch (const ar::database_error&) {
  }
}

INSTANTIATE_TEST_SUITE_P(pairs, cross_database,
                         ::testing::Values(placement{"postgresql", "sqlite"}, placement{"sqlite", "postgresql"},
                                           placement{"sqlite_file", "sqlite_file"}, placement{"postgresql", "mariadb"},
                                           placement{"mariadb", "postgresql"}, placement{"mariadb", "sqlite"},
                                           placement{"postgresql_pgbouncer", "postgresql"}),
                         placement_name);

}  // namespace
