// What a to-many accessor returns, ar::collection<T>: a view that shares the loaded rows and keeps
// them alive, so that a view taken before a reload, an add or a relation reset never dangles (it
// used to be a reference into the cache, which those writes replaced: a use after free). Under
// AddressSanitizer (the README's test command builds with it) the old behaviour fails here.

#include "models.hpp"
#include "../support/backends.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <string>
#include <type_traits>
#include <vector>

namespace {

using rel::comment;
using rel::post;
using rel::user;

std::vector<std::string> titles(const std::vector<post>& posts) {
  std::vector<std::string> out;
  for (const post& p : posts) out.push_back(p.title);
  return out;
}

class collections : public ar_test::backend_test {
 protected:
  void SetUp() override {
    backend_test::SetUp();
    ar::create_tables<user, post, comment, rel::profile, rel::order, rel::order_item, rel::audit>(db);
    ar::insert(db, ada);
    for (const char* t : {"one", "two"}) {
      post p{0, ada.id, t};
      ar::insert(db, p);
    }
  }
  user ada{0, "ada"};
};

TEST_P(collections, a_view_taken_before_a_reload_or_an_add_keeps_the_rows_it_had) {
  static_assert(std::is_same_v<decltype(ada.posts()), ar::collection<post>>);
  const auto before = ada.posts();  // the loaded rows, shared
  ASSERT_EQ(titles(before), (std::vector<std::string>{"one", "two"}));

  post three{0, std::nullopt, "three"};
  ada.posts_add(three);  // replaces the cache with a copy that has the new row
  EXPECT_EQ(titles(before), (std::vector<std::string>{"one", "two"}));  // as it was: not freed, not changed
  EXPECT_EQ(titles(ada.posts()), (std::vector<std::string>{"one", "two", "three"}));

  const auto after_add = ada.posts();
  post four{0, ada.id, "four"};
  ar::insert(db, four);
  ar::statement_counter counter;
  EXPECT_EQ(titles(ada.posts(ar::reload)), (std::vector<std::string>{"one", "two", "three", "four"}));
  EXPECT_EQ(counter.count(), 1u);
  EXPECT_EQ(titles(after_add), (std::vector<std::string>{"one", "two", "three"}));  // the reload left it alone

  // Reading through a reference bound to the accessor's result is as safe: the collection lives
  // as long as the reference.
  const auto& bound = ada.posts();
  ada.posts(ar::reload);
  EXPECT_EQ(bound.size(), 4u);
  EXPECT_EQ(bound[3].title, "four");
}

TEST_P(collections, a_collection_reads_like_the_vector_it_views) {
  const ar::collection<post> posts = ada.posts();
  const std::vector<post>& as_vector = posts;  // converts: no copy
  EXPECT_EQ(&as_vector, &posts.vector());
  EXPECT_EQ(posts.size(), 2u);
  EXPECT_FALSE(posts.empty());
  EXPECT_EQ(posts.front().title, "one");
  EXPECT_EQ(posts.back().title, "two");
  EXPECT_EQ(posts.at(1).title, "two");
  EXPECT_THROW((void)posts.at(2), std::out_of_range);
  EXPECT_TRUE(posts == ada.posts());  // one cache: equal rows
  EXPECT_TRUE(posts == as_vector);
  std::size_t n = 0;
  for (const post& p : posts) n += p.title.size();
  EXPECT_EQ(n, 6u);
  EXPECT_TRUE(ar::collection<post>().empty());
  // Copies share the rows.
  const ar::collection<post> copy = posts;
  EXPECT_EQ(copy.data(), posts.data());
}

TEST_P(collections, eager_and_through_relations_give_collections_too) {
  auto users = ar::from<user>(db) | ar::with("posts", "post_comments") | ar::to_vector;
  ASSERT_EQ(users.size(), 1u);
  const auto posts = users[0].posts();
  const auto comments = users[0].post_comments();
  static_assert(std::is_same_v<decltype(users[0].post_comments()), ar::collection<comment>>);
  users[0].posts(ar::reload);
  users[0].post_comments(ar::reload);
  EXPECT_EQ(titles(posts), (std::vector<std::string>{"one", "two"}));
  EXPECT_TRUE(comments.empty());
}

AR_INSTANTIATE_BACKEND_SUITE(collections);

}  // namespace
