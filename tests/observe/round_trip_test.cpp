// Round trips at the observation point (issue 22, item 1): every statement_event says whether its
// statement began a round trip, and statement_counter counts them beside the statements, in all
// and per database. Today every statement is its own round trip, on every backend (on SQLite a
// round trip is one statement's call into the engine: include/ar/observe.hpp).

#include "../relation/models.hpp"
#include "../support/backends.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using namespace rel;

class round_trips : public ar_test::backend_test {
 protected:
  void SetUp() override {
    backend_test::SetUp();
    ar::create_tables<user, post, comment>(db);
    for (std::string name : {"ada", "bob"}) {
      user u{0, name};
      ar::insert(db, u);
      for (int p = 0; p < 2; ++p) {
        post x{0, u.id, name + "-post" + std::to_string(p)};
        ar::insert(db, x);
        comment y{0, x.id, x.title + "-comment"};
        ar::insert(db, y);
      }
    }
  }

  auto all_users() { return ar::from<user>(db) | ar::order_by(user::c.id); }
};

TEST_P(round_trips, a_plain_query_is_one_statement_and_one_round_trip) {
  ar::statement_counter counter;
  EXPECT_EQ((all_users() | ar::to_vector).size(), 2u);
  EXPECT_EQ(counter.count(), 1u);
  EXPECT_EQ(counter.round_trips(), 1u);
  EXPECT_EQ(counter.round_trips(db), 1u);
  EXPECT_EQ(counter.round_trips("default"), 1u);
  EXPECT_EQ(counter.round_trips("elsewhere"), 0u);
}

TEST_P(round_trips, an_eager_load_of_two_levels_is_three_statements_in_three_round_trips) {
  ar::statement_counter counter;
  auto rows = all_users() | ar::with("posts.comments") | ar::to_vector;
  std::size_t comments = 0;
  for (const user& u : rows)
    for (const post& p : u.posts()) comments += p.comments().size();
  EXPECT_EQ(comments, 4u);
  EXPECT_EQ(counter.count(), 3u);
  EXPECT_EQ(counter.round_trips(), 3u);  // one per level until a pipelined path lands
  EXPECT_EQ(counter.round_trips(db), 3u);
}

TEST_P(round_trips, an_observer_sees_each_statement_begin_its_own_round_trip) {
  std::vector<bool> began;
  {
    auto handle = ar::observe([&](const ar::statement_event& e) { began.push_back(e.new_round_trip); });
    (void)(all_users() | ar::with("posts") | ar::to_vector);
  }
  ASSERT_EQ(began.size(), 2u);
  EXPECT_TRUE(began[0]);
  EXPECT_TRUE(began[1]);
}

TEST_P(round_trips, are_counted_per_database_and_reset_with_the_statements) {
  auto second = ar_test::open_backend(GetParam(), "second");
  ar::create_tables<user>(second);
  ar::statement_counter counter;
  (void)(all_users() | ar::to_vector);
  (void)(ar::from<user>(second) | ar::to_vector);
  (void)(ar::from<user>(second) | ar::to_vector);
  EXPECT_EQ(counter.round_trips(), 3u);
  EXPECT_EQ(counter.round_trips(db), 1u);
  EXPECT_EQ(counter.round_trips(second), 2u);
  EXPECT_EQ(counter.round_trips("second"), 2u);
  counter.reset();
  EXPECT_EQ(counter.round_trips(), 0u);
}

// A statement_event made by hand (a future pipelined path makes such events) that shares its
// round trip is counted as a statement and not as a round trip.
TEST_P(round_trips, a_statement_sharing_a_round_trip_counts_as_a_statement_only) {
  ar::statement_counter counter;
  const ar::statement_event first{"SELECT 1", {}, "default", {}, true, false, true};
  const ar::statement_event second{"SELECT 2", {}, "default", {}, true, false, false};
  const ar::statement_event third{"SELECT 3", {}, "default", {}, true, false, false};
  for (const auto* e : {&first, &second, &third}) ar::detail::notify(*e);
  EXPECT_EQ(counter.count(), 3u);
  EXPECT_EQ(counter.round_trips(), 1u);
  EXPECT_EQ(counter.round_trips("default"), 1u);
  EXPECT_EQ(counter.statements(), (std::vector<std::string>{"SELECT 1", "SELECT 2", "SELECT 3"}));
}

AR_INSTANTIATE_BACKEND_SUITE(round_trips);

}  // namespace
