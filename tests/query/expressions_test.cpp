// Values computed from columns (arithmetic, coalesce, lower, upper) in select, filter, order_by and
// inside aggregates, on every backend, and the SQL they render.

#include "../support/backends.hpp"
#include "../support/models.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

namespace {

using ar_test::person;

class expressions : public ar_test::backend_test {
 protected:
  void SetUp() override {
    backend_test::SetUp();
    ar::create_tables<person>(db);
    std::vector<person> people{{0, "Ada", 36, 9.5, true, {}},
                               {0, "bob", 17, 4.0, false, {}},
                               {0, "Cyd", std::nullopt, 7.0, true, {}},
                               {0, "dee", 0, 1.0, false, {}}};
    ar::insert_all(db, people);
  }
};

TEST_P(expressions, arithmetic_in_select_filter_and_order_by) {
  const auto rows = ar::from<person>(db) | ar::order_by((person::c.score * 2 + person::c.id).desc()) |
                    ar::select(person::c.name, person::c.score * 2, person::c.age + 1, person::c.id * 10 - 1,
                               person::c.score / 2, person::c.id / 4) |
                    ar::to_vector;
  using row = std::tuple<std::string, double, std::optional<std::int64_t>, std::int64_t, std::optional<double>,
                         std::optional<double>>;
  static_assert(std::is_same_v<std::remove_cvref_t<decltype(rows[0])>, row>);
  EXPECT_EQ(rows, (std::vector<row>{{"Ada", 19.0, 37, 9, 4.75, 0.25},
                                    {"Cyd", 14.0, std::nullopt, 29, 3.5, 0.75},
                                    {"bob", 8.0, 18, 19, 2.0, 0.5},
                                    {"dee", 2.0, 1, 39, 0.5, 1.0}}));
  // In a filter: score * 2 > age (a NULL age is no match).
  const auto names = ar::from<person>(db) | ar::filter(person::c.score * 2 > person::c.age) |
                     ar::order_by(person::c.id) | ar::select(person::c.name) | ar::to_vector;
  EXPECT_EQ(names, (std::vector<std::tuple<std::string>>{{"dee"}}));
  // Division by zero is NULL on SQLite and MariaDB; PostgreSQL refuses the statement.
  if (ar_test::engine_of(GetParam()) != "postgresql") {
    EXPECT_EQ(ar::from<person>(db) | ar::filter(person::c.name == "dee") | ar::select(person::c.score / person::c.age) |
                  ar::first,
              std::tuple<std::optional<double>>{std::nullopt});
  } else {
    EXPECT_THROW(ar::from<person>(db) | ar::select(person::c.score / person::c.age) | ar::to_vector,
                 ar::database_error);
  }
}

TEST_P(expressions, coalesce_lower_upper_and_aggregates_of_expressions) {
  const auto rows = ar::from<person>(db) | ar::order_by(person::c.id) |
                    ar::select(ar::coalesce(person::c.age, -1), ar::lower(person::c.name), ar::upper(person::c.name)) |
                    ar::to_vector;
  using row = std::tuple<std::int32_t, std::string, std::string>;
  EXPECT_EQ(rows, (std::vector<row>{{36, "ada", "ADA"}, {17, "bob", "BOB"}, {-1, "cyd", "CYD"}, {0, "dee", "DEE"}}));
  // Case-insensitive equality, portably.
  EXPECT_EQ(ar::from<person>(db) | ar::filter(ar::lower(person::c.name) == "cyd") | ar::count, 1);
  // An aggregate of an expression, and arithmetic on aggregates.
  const auto totals = ar::from<person>(db) | ar::group_by(person::c.active) | ar::order_by(person::c.active) |
                      ar::select(person::c.active, (person::c.score * 10).sum(),
                                 person::c.score.sum() / ar::count_all(), ar::coalesce(person::c.age.max(), 0)) |
                      ar::to_vector;
  using total_row = std::tuple<bool, double, std::optional<double>, std::int32_t>;
  EXPECT_EQ(totals, (std::vector<total_row>{{false, 50.0, 2.5, 17}, {true, 165.0, 8.25, 36}}));
}

AR_INSTANTIATE_BACKEND_SUITE(expressions);

TEST(expressions_sql, operators_and_functions_render_with_their_parentheses) {
  const auto q = ar::from<person>() | ar::filter((person::c.score + 1) * 2 > 10.0) |
                 ar::select(person::c.score / person::c.id, ar::coalesce(ar::lower(person::c.name), "x"),
                            (person::c.score - person::c.id).sum());
  EXPECT_EQ(q.to_sql(*ar::find_dialect("sqlite3")),
            R"(SELECT "score" * 1.0 / "id", COALESCE(LOWER("name"), ?), COALESCE(SUM("score" - "id"), 0))"
            R"( FROM "people" WHERE (("score" + ?) * ?) > ?)");
}

}  // namespace
