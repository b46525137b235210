// The pipeline adaptors have one shape (a function object in an inline variable, as range-v3's
// views) and live in ar::views, an inline namespace of ar: ar::take and ar::views::take are one
// object, and `using namespace ar::views;` brings the adaptors without CRUD's names and without a
// name that meets std's (min, max: the aggregates are minimum, maximum, average). The first
// spellings stay, deprecated, and do what the new ones do.

#include "../relation/models.hpp"
#include "../support/backends.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace {

using rel::post;
using rel::user;

// One object under two names (a function, so that the compiler does not see a self-comparison).
constexpr bool same_object(const void* a, const void* b) { return a == b; }
static_assert(same_object(&ar::take, &ar::views::take) && same_object(&ar::filter, &ar::views::filter) &&
              same_object(&ar::with, &ar::views::with) && same_object(&ar::to_vector, &ar::views::to_vector) &&
              same_object(&ar::minimum, &ar::views::minimum) &&
              same_object(&ar::where_doesnt_have, &ar::views::where_doesnt_have) &&
              same_object(&ar::stream, &ar::views::stream));

// Every adaptor is a function object held in an inline variable: it can be passed around as one.
template <class Adaptor>
constexpr bool object_v = std::is_object_v<std::remove_cvref_t<Adaptor>> && !std::is_function_v<Adaptor>;
static_assert(object_v<decltype(ar::take)> && object_v<decltype(ar::drop)> && object_v<decltype(ar::sum)> &&
              object_v<decltype(ar::minimum)> && object_v<decltype(ar::select_as<std::int64_t>)> &&
              object_v<decltype(ar::with_path<"posts">)> && object_v<decltype(ar::with_path_modified<"posts">)> &&
              object_v<decltype(ar::count)>);

class adaptor_names : public ar_test::backend_test {
 protected:
  void SetUp() override {
    backend_test::SetUp();
    ar::create_tables<user, post, rel::comment, rel::profile, rel::order, rel::order_item, rel::audit>(db);
    for (const char* name : {"ada", "bob", "cyd"}) {
      user u{0, name};
      ar::insert(db, u);
      if (std::string(name) != "cyd") {
        post p{0, u.id, std::string(name) + "'s post", "live"};
        ar::insert(db, p);
      }
    }
  }
};

TEST_P(adaptor_names, using_namespace_ar_views_brings_the_adaptors_and_leaves_std_min_alone) {
  using namespace std;
  using namespace ar::views;
  // Unqualified: std's min and max (ar::views has none of that name), ar's adaptors. count is the
  // one word both have (std::count, the algorithm): with both namespaces open it is ar::count.
  EXPECT_EQ(min(3, 4), 3);
  EXPECT_EQ(max(3, 4), 4);
  EXPECT_EQ(ar::from<user>(db) | filter(user::c.id > 1) | order_by(user::c.id) | take(1) | ar::count, 1);
  EXPECT_EQ(ar::from<user>(db) | minimum(user::c.id), std::optional<std::int64_t>{1});
  EXPECT_EQ(ar::from<user>(db) | maximum(user::c.id), std::optional<std::int64_t>{3});
  EXPECT_EQ(ar::from<user>(db) | sum(user::c.id), 6);
  EXPECT_EQ(ar::from<user>(db) | average(user::c.id), std::optional<double>{2.0});
  EXPECT_EQ(ar::from<user>(db) | where_doesnt_have("posts") | ar::count, 1);
}

#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#endif
TEST_P(adaptor_names, the_first_spellings_still_compile_and_do_what_the_new_names_do) {
  EXPECT_EQ(ar::from<user>(db) | ar::min(user::c.id), ar::from<user>(db) | ar::minimum(user::c.id));
  EXPECT_EQ(ar::from<user>(db) | ar::max(user::c.id), ar::from<user>(db) | ar::maximum(user::c.id));
  EXPECT_EQ(ar::from<user>(db) | ar::avg(user::c.id), ar::from<user>(db) | ar::average(user::c.id));
  {
    ar::statement_counter old_name;
    EXPECT_EQ(ar::from<user>(db) | ar::doesnt_have("posts") | ar::count, 1);
    ar::statement_counter new_name;
    EXPECT_EQ(ar::from<user>(db) | ar::where_doesnt_have("posts") | ar::count, 1);
    ASSERT_EQ(old_name.statements().size(), 2u);
    EXPECT_EQ(old_name.statements()[0], new_name.statements()[0]);
  }
  user ada = ar::find_or_throw<user>(db, std::int64_t{1});
  ar::set_strict(ada);
  EXPECT_THROW((void)ada.posts(), ar::lazy_load_error);
  user bob = ar::find_or_throw<user>(db, std::int64_t{2});
  ar::set_strict_loading(bob);
  EXPECT_THROW((void)bob.posts(), ar::lazy_load_error);
  ar::set_strict_loading(bob, false);
  EXPECT_EQ(bob.posts().size(), 1u);

  EXPECT_TRUE(ar::destroy_by_key<post>(db, std::int64_t{1}));
  EXPECT_TRUE(ar::destroy<post>(db, std::int64_t{2}));
  EXPECT_FALSE(ar::destroy<post>(db, std::int64_t{2}));
  EXPECT_EQ(ar::from<post>(db) | ar::count, 0);
}
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

AR_INSTANTIATE_BACKEND_SUITE(adaptor_names);

}  // namespace
