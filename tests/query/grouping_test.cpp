// group_by, having and aggregates in select on every backend, and the SQL they render.

#include "../support/backends.hpp"
#include "../support/models.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace {

using ar_test::person;

class grouping : public ar_test::backend_test {
 protected:
  void SetUp() override {
    backend_test::SetUp();
    ar::create_tables<person>(db);
    std::vector<person> people{
        {0, "ada", 36, 9.5, true, {}},           {0, "bob", 17, 4.0, false, {}},
        {0, "cyd", std::nullopt, 7.0, true, {}}, {0, "dee", 52, 1.0, false, {}},
        {0, "eve", 18, 8.5, true, {}},           {0, "abe", 70, 6.5, false, {}},
        {0, "ada", 40, 2.0, false, {}},          {0, "fay", std::nullopt, 3.0, false, {}},
    };
    ar::insert_all(db, people);
  }
};

TEST_P(grouping, aggregates_of_each_group_in_one_statement) {
  ar::statement_counter counter;
  const auto rows = ar::from<person>(db) | ar::group_by(person::c.active) | ar::order_by(person::c.active) |
                    ar::select(person::c.active, ar::count_all(), person::c.age.count(),
                               person::c.name.count_distinct(), person::c.score.sum(), person::c.age.sum(),
                               person::c.score.avg(), person::c.age.min(), person::c.age.max(), person::c.name.max()) |
                    ar::to_vector;
  EXPECT_EQ(counter.count(), 1u);
  using row = std::tuple<bool, std::int64_t, std::int64_t, std::int64_t, double, std::int64_t, std::optional<double>,
                         std::optional<std::int32_t>, std::optional<std::int32_t>, std::optional<std::string>>;
  static_assert(std::is_same_v<std::remove_cvref_t<decltype(rows[0])>, row>);
  ASSERT_EQ(rows.size(), 2u);
  // Inactive: bob 17, dee 52, abe 70, ada 40, fay NULL; scores 4 + 1 + 6.5 + 2 + 3.
  EXPECT_EQ(rows[0], (row{false, 5, 4, 5, 16.5, 179, 3.3, 17, 70, "fay"}));
  // Active: ada 36, cyd NULL, eve 18; scores 9.5 + 7 + 8.5.
  EXPECT_EQ(rows[1], (row{true, 3, 2, 3, 25.0, 54, 25.0 / 3, 18, 36, "eve"}));
}

TEST_P(grouping, having_filters_groups_and_order_by_takes_aggregates) {
  auto by_name = ar::from<person>(db) | ar::group_by(person::c.name);
  EXPECT_EQ(
      by_name | ar::having(ar::count_all() > 1) | ar::select(person::c.name, person::c.score.sum()) | ar::to_vector,
      (std::vector<std::tuple<std::string, double>>{{"ada", 11.5}}));
  // A filter on rows and a having on groups, together; the largest total first.
  const auto rows = ar::from<person>(db) | ar::filter(person::c.score >= 2.0) | ar::group_by(person::c.active) |
                    ar::having(person::c.score.sum() > 10.0 && person::c.age.min() < 40) |
                    ar::order_by(person::c.score.sum().desc()) | ar::select(person::c.active, person::c.score.sum()) |
                    ar::to_vector;
  EXPECT_EQ(rows, (std::vector<std::tuple<bool, double>>{{true, 25.0}, {false, 15.5}}));
  // The count of a grouped query is its number of groups.
  EXPECT_EQ(ar::from<person>(db) | ar::group_by(person::c.name) | ar::count, 7);
  EXPECT_EQ(ar::from<person>(db) | ar::group_by(person::c.name) | ar::having(ar::count_all() > 1) | ar::count, 1);
}

TEST_P(grouping, aggregates_of_a_whole_table_and_of_no_rows) {
  EXPECT_EQ(ar::from<person>(db) | ar::select(ar::count_all(), person::c.score.sum(), person::c.age.max()) | ar::first,
            (std::tuple<std::int64_t, double, std::optional<std::int32_t>>{8, 41.5, 70}));
  // Over no rows: COUNT 0, SUM 0, the others empty.
  EXPECT_EQ(ar::from<person>(db) | ar::filter(person::c.score > 100.0) |
                ar::select(ar::count_all(), person::c.score.sum(), person::c.score.avg(), person::c.age.max()) |
                ar::first,
            (std::tuple<std::int64_t, double, std::optional<double>, std::optional<std::int32_t>>{0, 0.0, std::nullopt,
                                                                                                  std::nullopt}));
}

AR_INSTANTIATE_BACKEND_SUITE(grouping);

TEST(grouping_sql, group_by_having_and_aggregates_render_in_each_dialect) {
  const auto q =
      ar::from<person>() | ar::filter(person::c.score > 1.0) | ar::group_by(person::c.active, person::c.name) |
      ar::having(ar::count_all() >= 2 || person::c.age.max() < 30) | ar::order_by(person::c.score.avg().desc()) |
      ar::select(person::c.name, ar::count_all(), person::c.id.count_distinct(), person::c.score.sum(),
                 person::c.age.min());
  EXPECT_EQ(q.to_sql(*ar::find_dialect("sqlite3")),
            R"(SELECT "name", COUNT(*), COUNT(DISTINCT "id"), COALESCE(SUM("score"), 0), MIN("age") FROM "people")"
            R"( WHERE "score" > ? GROUP BY "active", "name" HAVING COUNT(*) >= ? OR MAX("age") < ?)"
            R"( ORDER BY AVG("score") DESC)");
  EXPECT_EQ(q.to_sql(*ar::find_dialect("postgresql")),
            R"(SELECT "name", COUNT(*), COUNT(DISTINCT "id"), COALESCE(SUM("score"), 0), MIN("age") FROM "people")"
            R"( WHERE "score" > $1 GROUP BY "active", "name" HAVING COUNT(*) >= $2 OR MAX("age") < $3)"
            R"( ORDER BY AVG("score") DESC)");
}

}  // namespace
