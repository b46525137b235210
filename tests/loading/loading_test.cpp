// Eager loading, automatic batching and strict mode, held to the statement-count contract of
// DESIGN.md: one test per row of its table, on every backend.

#include "../relation/models.hpp"
#include "../support/backends.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

namespace {

using namespace rel;

class loading : public ar_test::backend_test {
 protected:
  void SetUp() override {
    backend_test::SetUp();
    ar::create_tables<user, post, comment, profile, order, order_item, audit, member, account>(db);
    // 3 users x 2 posts x 2 comments, as in the reference suite; carol has nothing.
    for (std::string name : {"ada", "bob", "cyd"}) {
      user u{0, name};
      ar::insert(db, u);
      users.push_back(u);
      for (int p = 0; p < 2; ++p) {
        post x{0, u.id, name + "-post" + std::to_string(p)};
        ar::insert(db, x);
        for (int c = 0; c < 2; ++c) {
          comment y{0, x.id, x.title + "-comment" + std::to_string(c)};
          ar::insert(db, y);
        }
      }
      profile pr{0, u.id, name + "'s bio"};
      ar::insert(db, pr);
    }
    user carol{0, "carol"};
    ar::insert(db, carol);
  }

  void TearDown() override {
    ar::set_strict_loading(false);
    ar::set_auto_batching(true);
    backend_test::TearDown();
  }

  auto all_users() { return ar::from<user>(db) | ar::order_by(user::c.id); }

  std::vector<user> users;
};

TEST_P(loading, the_main_query_alone_is_one_statement) {
  ar::statement_counter counter;
  EXPECT_EQ((all_users() | ar::to_vector).size(), 4u);
  EXPECT_EQ(counter.count(), 1u);
}

TEST_P(loading, lazy_access_without_batching_is_one_plus_n) {
  ar::statement_counter counter;
  std::size_t posts = 0;
  for (const user& u : all_users() | ar::no_auto_batching | ar::to_vector) posts += u.posts().size();
  EXPECT_EQ(posts, 6u);
  EXPECT_EQ(counter.count(), 1u + 4u);
}

TEST_P(loading, lazy_access_with_automatic_batching_is_two) {
  ar::statement_counter counter;
  std::size_t posts = 0;
  for (const user& u : all_users() | ar::to_vector) posts += u.posts().size();
  EXPECT_EQ(posts, 6u);
  EXPECT_EQ(counter.count(), 2u);
}

TEST_P(loading, automatic_batching_goes_down_the_levels) {
  ar::statement_counter counter;
  std::size_t comments = 0;
  for (const user& u : all_users() | ar::to_vector)
    for (const post& p : u.posts()) comments += p.comments().size();
  EXPECT_EQ(comments, 12u);
  EXPECT_EQ(counter.count(), 3u);  // users, posts of all users, comments of all posts
}

TEST_P(loading, turning_batching_off_for_a_query_reaches_the_records_it_loads) {
  ar::statement_counter counter;
  std::size_t comments = 0;
  for (const user& u : all_users() | ar::no_auto_batching | ar::to_vector)
    for (const post& p : u.posts()) comments += p.comments().size();
  EXPECT_EQ(comments, 12u);
  EXPECT_EQ(counter.count(), 1u + 4u + 6u);  // users, posts per user, comments per post
}

TEST_P(loading, automatic_batching_can_be_turned_off_globally) {
  ar::set_auto_batching(false);
  ar::statement_counter counter;
  for (const user& u : all_users() | ar::to_vector) (void)u.posts();
  EXPECT_EQ(counter.count(), 1u + 4u);
}

TEST_P(loading, strict_mode_refuses_a_lazy_load_and_sends_nothing) {
  auto rows = all_users() | ar::strict_loading | ar::to_vector;
  ar::statement_counter counter;
  try {
    (void)rows[0].posts();
    FAIL() << "expected ar::lazy_load_error";
  } catch (const ar::lazy_load_error& e) {
    EXPECT_EQ(e.model(), "users");
    EXPECT_EQ(e.relation(), "posts");
    EXPECT_NE(std::string(e.what()).find("posts"), std::string::npos);
  }
  EXPECT_EQ(counter.count(), 0u);
  // What was eager-loaded reads freely.
  auto loaded = all_users() | ar::strict_loading | ar::with("posts") | ar::to_vector;
  EXPECT_EQ(loaded[0].posts().size(), 2u);
  EXPECT_THROW((void)loaded[0].profile(), ar::lazy_load_error);
}

TEST_P(loading, strict_mode_per_record_and_globally) {
  user one = ar::find_or_throw<user>(db, users[0].id);
  ar::set_strict_loading(one);
  EXPECT_THROW((void)one.posts(), ar::lazy_load_error);
  ar::set_strict_loading(one, false);
  EXPECT_EQ(one.posts().size(), 2u);

  ar::set_strict_loading(true);
  user two = ar::find_or_throw<user>(db, users[1].id);
  EXPECT_THROW((void)two.profile(), ar::lazy_load_error);
  ar::load(two, "profile");
  EXPECT_NE(two.profile(), nullptr);
}

TEST_P(loading, with_one_relation_is_two_statements) {
  ar::statement_counter counter;
  auto rows = all_users() | ar::with("posts") | ar::to_vector;
  EXPECT_EQ(counter.count(), 2u);
  counter.reset();
  std::size_t posts = 0;
  for (const user& u : rows) posts += u.posts().size();
  EXPECT_EQ(posts, 6u);
  EXPECT_TRUE(rows[3].posts().empty());  // empty, never "not loaded"
  EXPECT_EQ(counter.count(), 0u);

  counter.reset();
  auto with_author = ar::from<post>(db) | ar::with("author") | ar::to_vector;
  ASSERT_EQ(with_author.size(), 6u);  // the loop below would pass over no posts
  for (const post& p : with_author) EXPECT_NE(p.author(), nullptr);
  auto with_profile = all_users() | ar::with("profile") | ar::to_vector;
  EXPECT_EQ(with_profile[0].profile()->bio, "ada's bio");
  EXPECT_EQ(with_profile[3].profile(), nullptr);
  EXPECT_EQ(counter.count(), 4u);
}

TEST_P(loading, with_two_relations_is_three_statements) {
  ar::statement_counter counter;
  auto rows = all_users() | ar::with("posts", "profile") | ar::to_vector;
  EXPECT_EQ(rows[1].posts().size(), 2u);
  EXPECT_EQ(rows[1].profile()->bio, "bob's bio");
  EXPECT_EQ(counter.count(), 3u);
}

TEST_P(loading, a_nested_path_is_one_statement_per_level) {
  ar::statement_counter counter;
  auto rows = all_users() | ar::with("posts.comments") | ar::to_vector;
  std::size_t comments = 0;
  for (const user& u : rows)
    for (const post& p : u.posts()) comments += p.comments().size();
  EXPECT_EQ(comments, 12u);
  EXPECT_EQ(counter.count(), 3u);
}

TEST_P(loading, paths_sharing_a_prefix_load_it_once) {
  ar::statement_counter counter;
  auto rows = all_users() | ar::with("posts.comments", "posts.author") | ar::to_vector;
  EXPECT_EQ(rows[0].posts()[0].comments().size(), 2u);
  EXPECT_EQ(rows[0].posts()[0].author()->username, "ada");
  EXPECT_EQ(counter.count(), 4u);  // users, posts, comments, authors
}

TEST_P(loading, a_main_query_returning_nothing_sends_no_relation_statement) {
  ar::statement_counter counter;
  auto rows =
      all_users() | ar::filter(user::c.username == "nobody") | ar::with("posts.comments", "profile") | ar::to_vector;
  EXPECT_TRUE(rows.empty());
  EXPECT_EQ(counter.count(), 1u);
}

TEST_P(loading, a_level_without_keys_sends_no_statement) {
  post lonely{0, std::nullopt, "lonely"};
  ar::insert(db, lonely);
  ar::statement_counter counter;
  auto rows = ar::from<post>(db) | ar::filter(post::c.user_id.is_null()) | ar::with("author") | ar::to_vector;
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].author(), nullptr);
  EXPECT_EQ(counter.count(), 1u);
}

TEST_P(loading, a_second_access_of_a_loaded_relation_is_free) {
  auto rows = all_users() | ar::with("posts") | ar::to_vector;
  ar::statement_counter counter;
  (void)rows[0].posts();
  (void)rows[0].posts();
  EXPECT_EQ(counter.count(), 0u);
}

TEST_P(loading, eager_belongs_to_gives_siblings_the_same_parent_object) {
  auto rows = ar::from<post>(db) | ar::order_by(post::c.id) | ar::with("author") | ar::to_vector;
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_EQ(rows[0].author(), rows[1].author());  // ada's two posts: one object
  EXPECT_NE(rows[0].author(), rows[2].author());
}

TEST_P(loading, eager_has_many_fills_the_inverse_belongs_to) {
  auto rows = all_users() | ar::with("posts") | ar::to_vector;
  ar::statement_counter counter;
  std::size_t checked = 0;
  for (const user& u : rows)
    for (const post& p : u.posts()) {
      ASSERT_NE(p.author(), nullptr);
      EXPECT_EQ(p.author()->username, u.username);
      ++checked;
    }
  EXPECT_EQ(checked, 6u);  // every post was checked, not none
  EXPECT_EQ(counter.count(), 0u);
}

TEST_P(loading, eager_and_lazy_give_the_same_records) {
  auto eager = all_users() | ar::with("posts.comments", "profile") | ar::to_vector;
  auto lazy = all_users() | ar::no_auto_batching | ar::to_vector;
  auto batched = all_users() | ar::to_vector;
  auto by_id = [](std::vector<post> v) {
    std::sort(v.begin(), v.end(), [](const post& a, const post& b) { return a.id < b.id; });
    return v;
  };
  ASSERT_EQ(eager.size(), 4u);  // empty results would agree with anything
  ASSERT_EQ(lazy.size(), 4u);
  ASSERT_EQ(batched.size(), 4u);
  std::size_t posts = 0, comments = 0, profiles = 0;
  for (std::size_t i = 0; i < eager.size(); ++i) {
    posts += eager[i].posts().size();
    profiles += eager[i].profile() ? 1 : 0;
    EXPECT_EQ(by_id(eager[i].posts()), by_id(lazy[i].posts()));
    EXPECT_EQ(by_id(eager[i].posts()), by_id(batched[i].posts()));
    for (const post& p : eager[i].posts()) {
      auto lazy_post = ar::find_or_throw<post>(db, p.id);
      EXPECT_EQ(p.comments(), lazy_post.comments());
      comments += p.comments().size();
    }
    EXPECT_EQ(eager[i].profile() == nullptr, lazy[i].profile() == nullptr);
    if (eager[i].profile()) {
      EXPECT_EQ(*eager[i].profile(), *lazy[i].profile());
    }
  }
  EXPECT_EQ(posts, 6u);
  EXPECT_EQ(comments, 12u);
  EXPECT_EQ(profiles, 3u);
}

// Lazy, batched and eager loads give a has_many's rows in one order: by the target's key, whatever
// order the table holds them in. Inserted in reverse key order, then the lower key updated (on
// PostgreSQL that moves its row to the end of the heap, where a scan without ORDER BY finds it last).
TEST_P(loading, lazy_batched_and_eager_loads_order_a_has_many_by_key) {
  user dan{0, "dan"};
  ar::insert(db, dan);
  post high{9002, dan.id, "high"};
  post low{9001, dan.id, "low"};
  ar::insert(db, high);
  ar::insert(db, low);
  low.title = "low, updated";
  ar::update(db, low);
  auto ids = [](const std::vector<post>& v) {
    std::vector<std::int64_t> out;
    for (const post& p : v) out.push_back(p.id);
    return out;
  };
  const std::vector<std::int64_t> by_key{9001, 9002};

  ar::statement_counter counter;
  user alone = ar::find_or_throw<user>(db, dan.id);  // a record of its own: the lazy load reads its rows alone
  EXPECT_EQ(ids(alone.posts()), by_key);
  EXPECT_EQ(counter.count(), 2u);
  EXPECT_EQ(counter.statements().back(), ar_test::sql_for(db,
                                                          "SELECT {id}, {user_id}, {title}, {status} FROM "
                                                          "{posts} WHERE {user_id} = ? ORDER BY {id}"));

  auto unbatched = all_users() | ar::no_auto_batching | ar::to_vector;
  auto batched = all_users() | ar::to_vector;
  auto eager = all_users() | ar::with("posts") | ar::to_vector;
  ASSERT_EQ(unbatched.back().id, dan.id);
  EXPECT_EQ(ids(unbatched.back().posts()), by_key);
  EXPECT_EQ(ids(batched.back().posts()), by_key);
  EXPECT_EQ(ids(eager.back().posts()), by_key);
  EXPECT_EQ(ids(alone.posts(ar::reload)), by_key);
  for (std::size_t i = 0; i < eager.size(); ++i) {
    EXPECT_EQ(ids(unbatched[i].posts()), ids(eager[i].posts())) << i;
    EXPECT_EQ(ids(batched[i].posts()), ids(eager[i].posts())) << i;
  }
}

TEST_P(loading, a_modifier_refines_its_own_path_only) {
  post draft{0, users[0].id, "draft", "draft"};
  ar::insert(db, draft);
  comment c{0, draft.id, "on the draft"};
  ar::insert(db, c);
  auto only_drafts = [](ar::query<post> q) { return q | ar::filter(post::c.status == "draft"); };
  ar::statement_counter counter;
  auto rows = all_users() | ar::with("posts", only_drafts) | ar::with("posts.comments") | ar::to_vector;
  EXPECT_EQ(counter.count(), 3u);
  ASSERT_EQ(rows[0].posts().size(), 1u);
  EXPECT_EQ(rows[0].posts()[0].title, "draft");
  EXPECT_EQ(rows[0].posts()[0].comments().size(), 1u);  // comments unconstrained
  EXPECT_TRUE(rows[1].posts().empty());
  // The later path did not overwrite the modifier, and a modifier on a nested path leaves the
  // levels above it alone.
  auto first_comment_only = [](ar::query<comment> q) { return q | ar::filter(comment::c.text.like("%comment0")); };
  auto nested = all_users() | ar::with("posts.comments", first_comment_only) | ar::to_vector;
  EXPECT_EQ(nested[1].posts().size(), 2u);
  for (const post& p : nested[1].posts()) EXPECT_EQ(p.comments().size(), 1u);
}

TEST_P(loading, take_in_a_modifier_is_per_parent_in_one_statement) {
  auto newest_one = [](ar::query<post> q) { return q | ar::order_by(ar::desc(post::c.id)) | ar::take(1); };
  ar::statement_counter counter;
  auto rows = all_users() | ar::with("posts", newest_one) | ar::to_vector;
  EXPECT_EQ(counter.count(), 2u);
  const auto sql = counter.statements();
  EXPECT_EQ(sql[1], ar_test::sql_for(db,
                                     "SELECT {id}, {user_id}, {title}, {status} FROM (SELECT {id}, {user_id}, "
                                     "{title}, {status}, ROW_NUMBER() OVER (PARTITION BY {user_id} ORDER BY "
                                     "{id} DESC) AS {ar_rank} FROM {posts} WHERE {user_id} IN (?, ?, ?, ?)) AS "
                                     "{ar_ranked} WHERE {ar_rank} > ? AND {ar_rank} <= ? ORDER BY {user_id}, "
                                     "{ar_rank}"));
  for (std::size_t i = 0; i < 3; ++i) {
    ASSERT_EQ(rows[i].posts().size(), 1u) << i;
    EXPECT_EQ(rows[i].posts()[0].title, rows[i].username + "-post1");
  }
  EXPECT_TRUE(rows[3].posts().empty());
  auto second = [](ar::query<post> q) { return q | ar::order_by(post::c.id) | ar::drop(1) | ar::take(5); };
  auto skipped = all_users() | ar::with("posts", second) | ar::to_vector;
  ASSERT_EQ(skipped[0].posts().size(), 1u);
  EXPECT_EQ(skipped[0].posts()[0].title, "ada-post1");
}

TEST_P(loading, a_modifier_of_another_model_is_an_error_before_anything_runs) {
  auto wrong = [](ar::query<comment> q) { return q; };
  ar::statement_counter counter;
  EXPECT_THROW((void)(all_users() | ar::with("posts", wrong)), ar::error);
  EXPECT_EQ(counter.count(), 0u);
}

TEST_P(loading, invalid_paths_are_errors_before_anything_runs_and_nothing_is_kept) {
  ar::statement_counter counter;
  for (const char* bad : {"", ".posts", "posts.", "posts..comments", "."})
    EXPECT_THROW((void)(all_users() | ar::with(bad)), ar::invalid_relation_path) << bad;
  try {
    (void)(all_users() | ar::with("posts.nope"));
    FAIL() << "expected ar::relation_not_found";
  } catch (const ar::relation_not_found& e) {
    EXPECT_NE(std::string(e.what()).find("'posts'"), std::string::npos) << e.what();  // the model it looked in
    EXPECT_NE(std::string(e.what()).find("'nope'"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)(all_users() | ar::with("posts", "nope")), ar::relation_not_found);
  EXPECT_EQ(counter.count(), 0u);
  auto base = all_users() | ar::with("profile");
  EXPECT_THROW((void)(base | ar::with("posts", "wrong")), ar::relation_not_found);
  auto rows = base | ar::to_vector;  // the failed call left the query as it was
  EXPECT_EQ(counter.count(), 2u);
  EXPECT_FALSE(ar::relation_loaded(rows[0], "posts"));
}

TEST_P(loading, paths_checked_at_compile_time_load_the_same) {
  static_assert(ar::detail::path_exists<user, "posts.comments", 0>());
  static_assert(!ar::detail::path_exists<user, "posts.coments", 0>());
  static_assert(!ar::detail::path_exists<user, "posts..comments", 0>());
  ar::statement_counter counter;
  auto rows = all_users() | ar::with_path<"posts.comments", "profile"> | ar::to_vector;
  EXPECT_EQ(counter.count(), 4u);
  EXPECT_EQ(rows[0].posts()[0].comments().size(), 2u);
  auto drafts = all_users() |
                ar::with_path_modified<"posts">([](auto q) { return q | ar::filter(post::c.status == "draft"); }) |
                ar::to_vector;
  EXPECT_TRUE(drafts[0].posts().empty());
}

TEST_P(loading, one_with_call_takes_paths_and_typed_modifiers_together) {
  // The second post of each user: its title ends in "post1".
  auto second_posts = [](ar::query<post> q) { return q | ar::filter(post::c.title.like("%post1")); };
  auto first_comments = [](ar::query<comment> q) { return q | ar::filter(comment::c.text.like("%comment0")); };
  ar::statement_counter counter;
  auto rows =
      all_users() | ar::with("posts", second_posts, "posts.comments", first_comments, "profile") | ar::to_vector;
  EXPECT_EQ(counter.count(), 1u + 3u);  // users; posts; comments; profiles
  ASSERT_EQ(rows[0].posts().size(), 1u);
  EXPECT_EQ(rows[0].posts()[0].title, "ada-post1");
  ASSERT_EQ(rows[0].posts()[0].comments().size(), 1u);
  EXPECT_EQ(rows[0].posts()[0].comments()[0].text, "ada-post1-comment0");
  EXPECT_EQ(rows[2].profile()->bio, "cyd's bio");
  EXPECT_EQ(counter.count(), 4u);
  // A plain path after a modified one keeps the modifier (it refines only the path before it).
  counter.reset();
  auto kept = all_users() | ar::with("posts", second_posts, "posts.comments") | ar::to_vector;
  EXPECT_EQ(counter.count(), 3u);
  ASSERT_EQ(kept[1].posts().size(), 1u);
  EXPECT_EQ(kept[1].posts()[0].comments().size(), 2u);
}

TEST_P(loading, generic_modifiers_and_scopes_follow_paths_known_at_compile_time) {
  using namespace ar::literals;
  ar::statement_counter counter;
  auto drafts = all_users() |
                ar::with(
                    ar::path<"posts">, [](auto q) { return q | ar::filter(post::c.status == "draft"); },
                    "posts.comments"_path, ar::filter(comment::c.text.like("%comment1"))) |
                ar::to_vector;
  EXPECT_EQ(counter.count(), 2u);  // no draft yet: no post keys, no statement for the comments
  for (const user& u : drafts) EXPECT_TRUE(u.posts().empty());
  EXPECT_EQ(counter.count(), 2u);

  post draft{0, users[1].id, "bob-draft", "draft"};
  ar::insert(db, draft);
  for (std::string text : {"draft-comment0", "draft-comment1"}) {
    comment c{0, draft.id, text};
    ar::insert(db, c);
  }
  counter.reset();
  auto again = all_users() |
               ar::with("posts"_path, ar::filter(post::c.status == "draft"), "posts.comments"_path,
                        [](auto q) { return q | ar::filter(comment::c.text.like("%comment1")); }) |
               ar::to_vector;
  EXPECT_EQ(counter.count(), 3u);
  ASSERT_EQ(again[1].posts().size(), 1u);
  ASSERT_EQ(again[1].posts()[0].comments().size(), 1u);
  EXPECT_EQ(again[1].posts()[0].comments()[0].text, "draft-comment1");
  EXPECT_TRUE(again[0].posts().empty());
}

TEST_P(loading, a_mixed_with_checks_every_path_and_modifier_before_anything_runs) {
  auto of_comments = [](ar::query<comment> q) { return q; };
  ar::statement_counter counter;
  EXPECT_THROW((void)(all_users() | ar::with("posts", of_comments)), ar::error);
  EXPECT_THROW(
      (void)(all_users() | ar::with("posts", [](ar::query<post> q) { return q; }, "nope")), ar::relation_not_found);
  EXPECT_EQ(counter.count(), 0u);
}

TEST_P(loading, load_missing_sends_nothing_when_everything_is_loaded) {
  auto rows = all_users() | ar::with("posts.comments", "profile") | ar::to_vector;
  ar::statement_counter counter;
  ar::load_missing(rows, "posts.comments", "profile");
  ar::load_missing(rows[0], "posts.comments");
  EXPECT_EQ(counter.count(), 0u);
  EXPECT_EQ(rows[0].posts()[1].comments().size(), 2u);
  EXPECT_EQ(counter.count(), 0u);
}

TEST_P(loading, load_missing_loads_only_the_levels_not_loaded_yet) {
  auto rows = all_users() | ar::with("posts") | ar::to_vector;
  ar::statement_counter counter;
  ar::load_missing(rows, "posts.comments", "profile");
  EXPECT_EQ(counter.count(), 2u);  // the comments of the loaded posts; the profiles: no posts again
  for (const std::string& sql : counter.statements()) EXPECT_EQ(sql.find("\"posts\""), std::string::npos) << sql;
  counter.reset();
  EXPECT_EQ(rows[2].posts()[1].comments().size(), 2u);
  EXPECT_EQ(rows[2].profile()->bio, "cyd's bio");
  EXPECT_EQ(counter.count(), 0u);
}

TEST_P(loading, load_missing_loads_the_records_that_miss_a_relation_and_keeps_the_others) {
  auto rows = all_users() | ar::to_vector;
  ar::load(rows[0], "posts");
  const post* kept = &rows[0].posts()[0];
  ar::statement_counter counter;
  ar::load_missing(rows, "posts");
  EXPECT_EQ(counter.count(), 1u);  // the posts of the three users without them
  EXPECT_EQ(&rows[0].posts()[0], kept);
  EXPECT_EQ(rows[1].posts().size(), 2u);
  EXPECT_EQ(counter.count(), 1u);
  // Below: the new posts get their comments with them, the kept ones by the records they hold.
  counter.reset();
  auto fresh = all_users() | ar::to_vector;
  ar::load(fresh[0], "posts");
  ar::load_missing(fresh, "posts.comments");
  // the users; ada's posts; then the posts of the others, their comments, and ada's comments
  EXPECT_EQ(counter.count(), 1u + 1u + 3u);
  counter.reset();
  EXPECT_EQ(fresh[0].posts()[0].comments().size(), 2u);
  EXPECT_EQ(fresh[1].posts()[0].comments().size(), 2u);
  EXPECT_EQ(counter.count(), 0u);
  EXPECT_THROW(ar::load_missing(fresh, "posts.bogus"), ar::relation_not_found);
}

TEST_P(loading, load_missing_follows_a_shared_belongs_to_once) {
  auto posts = ar::from<post>(db) | ar::order_by(post::c.id) | ar::with("author") | ar::to_vector;
  ar::statement_counter counter;
  ar::load_missing(posts, "author.profile");
  EXPECT_EQ(counter.count(), 1u);
  EXPECT_EQ(posts[5].author()->profile()->bio, "cyd's bio");
  EXPECT_EQ(counter.count(), 1u);
}

// Statements that name a table ("posts", `posts`), whatever the dialect quotes with.
std::size_t statements_naming(const ar::statement_counter& counter, const std::string& table) {
  const std::vector<std::string> statements = counter.statements();
  return static_cast<std::size_t>(std::count_if(statements.begin(), statements.end(), [&](const std::string& sql) {
    return sql.find(table) != std::string::npos;
  }));
}

TEST_P(loading, a_stream_with_relations_loads_them_per_batch) {
  ar::statement_counter counter;
  std::size_t comments = 0, rows = 0;
  for (const user& u : all_users() | ar::with("posts.comments", "profile") | ar::stream) {
    ++rows;
    const std::size_t before = counter.count();
    for (const post& p : u.posts()) comments += p.comments().size();
    (void)u.profile();
    EXPECT_EQ(counter.count(), before);  // loaded with the batch
  }
  EXPECT_EQ(rows, 4u);
  EXPECT_EQ(comments, 12u);
  // One batch (4 rows): one statement per relation and level.
  EXPECT_EQ(statements_naming(counter, "posts"), 1u);
  EXPECT_EQ(statements_naming(counter, "comments"), 1u);
  EXPECT_EQ(statements_naming(counter, "profiles"), 1u);
  // Modifiers apply as in to_vector.
  auto second_posts = [](ar::query<post> q) { return q | ar::filter(post::c.title.like("%post1")); };
  for (const user& u : all_users() | ar::with("posts", second_posts) | ar::stream)
    EXPECT_EQ(u.posts().size(), u.username == "carol" ? 0u : 1u);
}

TEST_P(loading, a_stream_with_relations_sends_one_statement_per_relation_per_batch) {
  std::vector<user> more;
  for (std::size_t i = 0; i < ar::stream_batch_rows + 10; ++i) more.push_back(user{0, "extra" + std::to_string(i)});
  ar::insert_all(db, more);
  ar::statement_counter counter;
  std::size_t rows = 0, posts = 0;
  for (const user& u : all_users() | ar::with("posts") | ar::stream) {
    ++rows;
    posts += u.posts().size();
  }
  EXPECT_EQ(rows, 4u + ar::stream_batch_rows + 10u);
  EXPECT_EQ(posts, 6u);
  EXPECT_EQ(statements_naming(counter, "posts"), 2u);  // two batches
}

TEST_P(loading, a_stream_with_relations_in_a_transaction_loads_on_its_connection) {
  std::vector<user> more;
  for (std::size_t i = 0; i < ar::stream_batch_rows + 10; ++i) more.push_back(user{0, "extra" + std::to_string(i)});
  ar::insert_all(db, more);
  ar::transaction tx(db);
  post fresh{0, users[0].id, "ada-post2"};
  ar::insert(db, fresh);  // seen by the batch's loads: they run in the transaction
  std::size_t rows = 0, posts = 0;
  for (const user& u : all_users() | ar::with("posts") | ar::stream) {
    ++rows;
    posts += u.posts().size();
  }
  EXPECT_EQ(rows, 4u + ar::stream_batch_rows + 10u);
  EXPECT_EQ(posts, 7u);
  tx.rollback();
}

TEST_P(loading, cyclic_and_self_pointing_paths_are_finite) {
  ar::statement_counter counter;
  auto rows = ar::from<post>(db) | ar::with("author.posts.author") | ar::to_vector;
  EXPECT_EQ(rows[0].author()->posts()[0].author()->username, rows[0].author()->username);
  EXPECT_EQ(counter.count(), 4u);
}

TEST_P(loading, records_in_hand_load_with_the_same_statements) {
  auto rows = all_users() | ar::to_vector;
  ar::statement_counter counter;
  ar::load(rows, "posts.comments", "profile");
  EXPECT_EQ(counter.count(), 3u);
  counter.reset();
  EXPECT_EQ(rows[2].posts()[1].comments().size(), 2u);
  EXPECT_EQ(rows[2].profile()->bio, "cyd's bio");
  EXPECT_EQ(counter.count(), 0u);
  EXPECT_THROW(ar::load(rows, "posts.bogus"), ar::relation_not_found);
}

TEST_P(loading, first_eager_loads_too) {
  ar::statement_counter counter;
  auto one = all_users() | ar::with("posts") | ar::first;
  ASSERT_TRUE(one);
  EXPECT_EQ(one->posts().size(), 2u);
  EXPECT_EQ(counter.count(), 2u);
}

TEST_P(loading, key_lists_past_the_bind_limit_are_split) {
  // The quickest way each database has to make many rows by itself.
  if (ar_test::engine_of(GetParam()) == "postgresql") {
    db.execute(R"(INSERT INTO "users" ("username") SELECT 'bulk' || g FROM generate_series(1, 70000) AS g)");
  } else if (GetParam() == "mariadb") {
    db.execute("INSERT INTO `users` (`username`) SELECT CONCAT('bulk', seq) FROM seq_1_to_70000");
  } else {
    db.execute(R"(WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 70000)
                  INSERT INTO "users" ("username") SELECT 'bulk' || i FROM n)");
  }
  ar::statement_counter counter;
  auto rows = ar::from<user>(db) | ar::with("posts") | ar::to_vector;
  EXPECT_EQ(rows.size(), 70004u);
  const std::size_t limit = db.dialect().max_parameters();
  const std::size_t chunks = (rows.size() + limit - 2) / (limit - 1);
  EXPECT_EQ(counter.count(), 1u + chunks);
  std::size_t posts = 0;
  for (const user& u : rows) posts += u.posts().size();
  EXPECT_EQ(posts, 6u);
}

TEST_P(loading, two_databases_get_one_statement_each) {
  auto other = ar_test::open_backend(GetParam(), "other");
  ar::create_table<order>(other);
  ar::bind<order>("other");
  for (const user& u : users) {
    order o{0, u.id, u.username + "-order"};
    ar::insert(o);
  }
  ar::statement_counter counter;
  auto rows = all_users() | ar::with("orders") | ar::to_vector;
  EXPECT_EQ(counter.count(db), 1u);
  EXPECT_EQ(counter.count(other), 1u);
  EXPECT_EQ(rows[0].orders().size(), 1u);
  EXPECT_EQ(rows[0].orders()[0].number, "ada-order");
  ar::bind<order>("default");
}

TEST_P(loading, where_has_and_doesnt_have_filter_through_relations_in_one_statement) {
  post draft{0, users[1].id, "bob-draft", "draft"};
  ar::insert(db, draft);
  ar::statement_counter counter;
  auto with_posts = all_users() | ar::where_has("posts") | ar::to_vector;
  EXPECT_EQ(with_posts.size(), 3u);
  auto without = all_users() | ar::where_doesnt_have("posts") | ar::to_vector;
  ASSERT_EQ(without.size(), 1u);
  EXPECT_EQ(without[0].username, "carol");
  auto drafting = all_users() |
                  ar::where_has("posts", [](ar::query<post> q) { return q | ar::filter(post::c.status == "draft"); }) |
                  ar::to_vector;
  ASSERT_EQ(drafting.size(), 1u);
  EXPECT_EQ(drafting[0].username, "bob");
  EXPECT_EQ(counter.count(), 3u);
  const auto sql = counter.statements();
  EXPECT_EQ(sql[0], ar_test::sql_for(db,
                                     "SELECT {id}, {username} FROM {users} WHERE EXISTS (SELECT 1 FROM {posts} "
                                     "AS {ar_s1} WHERE {ar_s1}.{user_id} = {users}.{id}) ORDER BY {id}"));
  EXPECT_EQ(sql[1], ar_test::sql_for(db,
                                     "SELECT {id}, {username} FROM {users} WHERE NOT EXISTS (SELECT 1 FROM "
                                     "{posts} AS {ar_s1} WHERE {ar_s1}.{user_id} = {users}.{id}) ORDER BY {id}"));
  EXPECT_EQ(sql[2], ar_test::sql_for(db,
                                     "SELECT {id}, {username} FROM {users} WHERE EXISTS (SELECT 1 FROM {posts} "
                                     "AS {ar_s1} WHERE {ar_s1}.{user_id} = {users}.{id} AND {ar_s1}.{status} = "
                                     "?) ORDER BY {id}"));
}

TEST_P(loading, where_has_follows_a_path_and_belongs_to) {
  (void)(ar::from<comment>(db) | ar::filter(comment::c.text.like("bob%")) | ar::delete_all);
  auto commented = all_users() | ar::where_has("posts.comments") | ar::to_vector;
  EXPECT_EQ(commented.size(), 2u);  // bob's posts lost their comments
  auto by_ada = ar::from<post>(db) |
                ar::where_has("author", [](ar::query<user> q) { return q | ar::filter(user::c.username == "ada"); }) |
                ar::count;
  EXPECT_EQ(by_ada, 2);
  EXPECT_EQ(ar::from<post>(db) | ar::where_doesnt_have("comments") | ar::count, 2);
}

TEST_P(loading, with_count_counts_per_parent_in_the_main_statement) {
  ar::statement_counter counter;
  auto rows = all_users() | ar::with_count("posts", "orders") | ar::to_vector;
  EXPECT_EQ(counter.count(), 1u);
  EXPECT_EQ(rows[0].posts_count(), 2);
  EXPECT_EQ(rows[3].posts_count(), 0);
  EXPECT_EQ(rows[3].orders_count(), 0);
  EXPECT_EQ(counter.count(), 1u);
  EXPECT_FALSE(ar::relation_loaded(rows[0], "posts"));  // counted, not loaded
  user lone = ar::find_or_throw<user>(db, users[2].id);
  counter.reset();
  EXPECT_EQ(lone.posts_count(), 2);  // one COUNT, then cached
  EXPECT_EQ(lone.posts_count(), 2);
  EXPECT_EQ(counter.count(), 1u);
  EXPECT_THROW((void)(all_users() | ar::with_count("profile")), ar::error);  // not a has_many
  EXPECT_THROW((void)(all_users() | ar::with_count("nope")), ar::relation_not_found);
}

TEST_P(loading, subqueries_refuse_a_relation_that_crosses_databases) {
  auto other = ar_test::open_backend(GetParam(), "other");
  ar::create_table<order>(other);
  ar::bind<order>("other");
  try {
    (void)(all_users() | ar::where_has("orders"));
    FAIL() << "expected ar::error";
  } catch (const ar::error& e) {
    EXPECT_NE(std::string(e.what()).find("crosses databases"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)(all_users() | ar::with_count("orders")), ar::error);
  EXPECT_THROW((void)(all_users() | ar::where_doesnt_have("orders")), ar::error);
  ar::bind<order>("default");
}

AR_INSTANTIATE_BACKEND_SUITE(loading);

}  // namespace
