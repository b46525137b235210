// ar::case_when(...).when(...).otherwise(...): CASE WHEN ... THEN ... ELSE ... END in select,
// order_by, filter, a grouped select, as a group_by key and inside aggregates, on every backend; its result type; and
// the SQL it renders in each dialect (its values bound, cast to their types on PostgreSQL).

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

// The result types, derived from the values.
using plain_int = decltype(ar::case_when(person::c.score > 5.0, 1).otherwise(0));
static_assert(std::is_same_v<plain_int, ar::computed<std::int32_t, person>>);
using widened = decltype(ar::case_when(person::c.score > 5.0, 1).otherwise(person::c.id));
static_assert(std::is_same_v<widened, ar::computed<std::int64_t, person, person>>);
using of_nullable = decltype(ar::case_when(person::c.active, person::c.age).otherwise(0));
static_assert(std::is_same_v<of_nullable, ar::computed<std::optional<std::int32_t>, person, person>>);
using text =
    decltype(ar::case_when(person::c.active, "yes").when(person::c.score > 1.0, std::string("some")).otherwise("no"));
static_assert(std::is_same_v<text, ar::computed<std::string, person, person>>);

class case_when : public ar_test::backend_test {
 protected:
  void SetUp() override {
    backend_test::SetUp();
    ar::create_tables<person>(db);
    std::vector<person> people{
        {0, "ada", 36, 9.5, true, {}},  {0, "bob", 17, 4.0, false, {}}, {0, "cyd", std::nullopt, 7.0, true, {}},
        {0, "dee", 52, 1.0, false, {}}, {0, "eve", 18, 8.5, true, {}},
    };
    ar::insert_all(db, people);
  }
};

TEST_P(case_when, in_select_with_several_whens_and_an_else) {
  const auto grade = ar::case_when(person::c.score >= 8.0, "high").when(person::c.score >= 4.0, "mid").otherwise("low");
  const auto rows =
      ar::from<person>(db) | ar::order_by(person::c.id) | ar::select(person::c.name, grade) | ar::to_vector;
  using row = std::tuple<std::string, std::string>;
  static_assert(std::is_same_v<std::remove_cvref_t<decltype(rows[0])>, row>);
  EXPECT_EQ(rows, (std::vector<row>{{"ada", "high"}, {"bob", "mid"}, {"cyd", "mid"}, {"dee", "low"}, {"eve", "high"}}));
}

TEST_P(case_when, without_otherwise_is_null_where_no_condition_holds) {
  const auto rows = ar::from<person>(db) | ar::order_by(person::c.id) |
                    ar::select(ar::case_when(person::c.age >= 18, person::c.age).when(person::c.active, 0)) |
                    ar::to_vector;
  using row = std::tuple<std::optional<std::int32_t>>;
  static_assert(std::is_same_v<std::remove_cvref_t<decltype(rows[0])>, row>);
  // ada 36; bob 17 and inactive: NULL; cyd has no age but is active: 0; dee 52; eve 18.
  EXPECT_EQ(rows, (std::vector<row>{{36}, {std::nullopt}, {0}, {52}, {18}}));
}

TEST_P(case_when, inside_aggregates_of_a_grouped_select) {
  ar::statement_counter counter;
  const auto rows = ar::from<person>(db) | ar::group_by(person::c.active) | ar::order_by(person::c.active) |
                    ar::select(person::c.active, ar::case_when(person::c.score > 5.0, 1).otherwise(0).sum(),
                               ar::case_when(person::c.age < 18, person::c.score).otherwise(0.0).sum(),
                               ar::case_when(ar::count_all() > 2, "many").otherwise("few")) |
                    ar::to_vector;
  EXPECT_EQ(counter.count(), 1u);
  using row = std::tuple<bool, std::int64_t, double, std::string>;
  static_assert(std::is_same_v<std::remove_cvref_t<decltype(rows[0])>, row>);
  // Inactive: bob 4.0 (17), dee 1.0 (52). Active: ada 9.5, cyd 7.0, eve 8.5; none under 18 (cyd's
  // age is NULL: its condition is not true, so the ELSE).
  EXPECT_EQ(rows, (std::vector<row>{{false, 0, 4.0, "few"}, {true, 3, 0.0, "many"}}));
}

TEST_P(case_when, in_order_by_and_filter) {
  // The active first, then by name; a CASE as a condition.
  const auto names = ar::from<person>(db) |
                     ar::order_by(ar::case_when(person::c.active, 0).otherwise(1), person::c.name.desc()) |
                     ar::select(person::c.name) | ar::to_vector;
  EXPECT_EQ(names, (std::vector<std::tuple<std::string>>{{"eve"}, {"cyd"}, {"ada"}, {"dee"}, {"bob"}}));
  const auto adults = ar::from<person>(db) |
                      ar::filter(ar::case_when(person::c.age.is_null(), false).otherwise(person::c.age >= 18)) |
                      ar::count;
  EXPECT_EQ(adults, 3);
}

TEST_P(case_when, values_are_bound_never_written_into_the_statement) {
  ar::statement_counter counter;
  const auto quoted = ar::from<person>(db) | ar::order_by(person::c.id) |
                      ar::select(ar::case_when(person::c.name == "ada", "it's; DROP TABLE people").otherwise("--")) |
                      ar::first;
  ASSERT_TRUE(quoted);
  EXPECT_EQ(std::get<0>(*quoted), "it's; DROP TABLE people");
  ASSERT_EQ(counter.statements().size(), 1u);
  EXPECT_EQ(counter.statements()[0].find("DROP"), std::string::npos);
}

TEST_P(case_when, as_a_group_by_key_selected_and_ordered) {
  // The same CASE (its values bound each time it is written) groups, orders and is selected: one
  // statement, which PostgreSQL accepts only when the three are seen as one expression.
  const auto grade = ar::case_when(person::c.score >= 8.0, "high").when(person::c.score >= 4.0, "mid").otherwise("low");
  ar::statement_counter counter;
  const auto rows = ar::from<person>(db) | ar::group_by(grade) | ar::order_by(grade) |
                    ar::select(grade, ar::count_all(), person::c.score.sum()) | ar::to_vector;
  EXPECT_EQ(counter.count(), 1u);
  using row = std::tuple<std::string, std::int64_t, double>;
  static_assert(std::is_same_v<std::remove_cvref_t<decltype(rows[0])>, row>);
  // high: ada 9.5, eve 8.5; mid: bob 4.0, cyd 7.0; low: dee 1.0.
  EXPECT_EQ(rows, (std::vector<row>{{"high", 2, 18.0}, {"low", 1, 1.0}, {"mid", 2, 11.0}}));
  // The count of a grouped query is its number of groups.
  EXPECT_EQ(ar::from<person>(db) | ar::group_by(grade) | ar::count, 3);
  // Grouped by it, not selecting it: the groups' sizes, largest first.
  const auto sizes = ar::from<person>(db) | ar::group_by(grade) | ar::order_by(ar::count_all().desc(), grade) |
                     ar::select(ar::count_all()) | ar::to_vector;
  EXPECT_EQ(sizes, (std::vector<std::tuple<std::int64_t>>{{2}, {2}, {1}}));
}

TEST_P(case_when, group_by_a_function_and_arithmetic_of_columns_with_a_having) {
  std::vector<person> more{{0, "ADA", 40, 3.0, false, {}}, {0, "Bob", 20, 2.0, true, {}}};
  ar::insert_all(db, more);
  const auto key = ar::lower(person::c.name);
  const auto rows = ar::from<person>(db) | ar::group_by(key) | ar::having(ar::count_all() > 1) | ar::order_by(key) |
                    ar::select(key, ar::count_all(), (person::c.score * 2.0).sum()) | ar::to_vector;
  using row = std::tuple<std::string, std::int64_t, double>;
  // ada: 9.5 and 3.0; bob: 4.0 and 2.0; the others once each, left out by HAVING.
  EXPECT_EQ(rows, (std::vector<row>{{"ada", 2, 25.0}, {"bob", 2, 12.0}}));
  // A key with bound values: whether the score, halved, is below 2.
  const auto low = ar::case_when(person::c.score * 0.5 < 2.0, true).otherwise(false);
  const auto split =
      ar::from<person>(db) | ar::group_by(low) | ar::order_by(low) | ar::select(low, ar::count_all()) | ar::to_vector;
  // Below 2 when halved: dee 1.0, ADA 3.0, Bob 2.0; not ada, bob (exactly 2), cyd, eve.
  EXPECT_EQ(split, (std::vector<std::tuple<bool, std::int64_t>>{{false, 4}, {true, 3}}));
}

AR_INSTANTIATE_BACKEND_SUITE(case_when);

TEST(case_when_sql, renders_in_each_dialect_with_its_values_bound) {
  const auto q =
      ar::from<person>() | ar::group_by(person::c.active) |
      ar::order_by(ar::case_when(person::c.active, 0).otherwise(1)) |
      ar::select(person::c.active,
                 ar::case_when(person::c.score > 10.0, 1).when(person::c.age.is_null(), 2).otherwise(0).sum(),
                 ar::case_when(person::c.score > 1.0 || person::c.active, person::c.name));
  EXPECT_EQ(q.to_sql(*ar::find_dialect("sqlite3")),
            R"(SELECT "active", COALESCE(SUM(CASE WHEN "score" > ? THEN ? WHEN "age" IS NULL THEN ? ELSE ? END), 0),)"
            R"( CASE WHEN "score" > ? OR "active" THEN "name" END FROM "people" GROUP BY "active")"
            R"( ORDER BY CASE WHEN "active" THEN ? ELSE ? END)");
  EXPECT_EQ(q.to_sql(*ar::find_dialect("postgresql")),
            R"(SELECT "active", COALESCE(SUM(CASE WHEN "score" > $1 THEN CAST($2 AS INTEGER) WHEN "age" IS NULL)"
            R"( THEN CAST($3 AS INTEGER) ELSE CAST($4 AS INTEGER) END), 0),)"
            R"( CASE WHEN "score" > $5 OR "active" THEN "name" END FROM "people" GROUP BY "active")"
            R"( ORDER BY CASE WHEN "active" THEN CAST($6 AS INTEGER) ELSE CAST($7 AS INTEGER) END)");
  EXPECT_EQ(q.to_sql(*ar::find_dialect("mariadb")),
            R"(SELECT `active`, COALESCE(SUM(CASE WHEN `score` > ? THEN ? WHEN `age` IS NULL THEN ? ELSE ? END), 0),)"
            R"( CASE WHEN `score` > ? OR `active` THEN `name` END FROM `people` GROUP BY `active`)"
            R"( ORDER BY CASE WHEN `active` THEN ? ELSE ? END)");
  // The values, in the order of their placeholders, each of its own type.
  const std::vector<ar::value> expected{10.0, std::int32_t{1}, std::int32_t{2}, std::int32_t{0},
                                        1.0,  std::int32_t{0}, std::int32_t{1}};
  EXPECT_TRUE(q.render(*ar::find_dialect("sqlite3")).parameters == expected);
}

TEST(case_when_sql, nests_as_a_value_and_in_arithmetic) {
  const auto inner = ar::case_when(person::c.age > 60, "old").otherwise("adult");
  const auto q =
      ar::from<person>() | ar::select(ar::case_when(person::c.age < 18, ar::upper(person::c.name)).otherwise(inner),
                                      ar::case_when(person::c.active, person::c.score).otherwise(0.0) * 2);
  static_assert(std::is_same_v<typename std::remove_cvref_t<decltype(q)>::row_type, std::tuple<std::string, double>>);
  EXPECT_EQ(q.to_sql(*ar::find_dialect("sqlite3")),
            R"(SELECT CASE WHEN "age" < ? THEN UPPER("name") ELSE CASE WHEN "age" > ? THEN ? ELSE ? END END,)"
            R"( CASE WHEN "active" THEN "score" ELSE ? END * ? FROM "people")");
}

TEST(case_when_sql, a_computed_group_by_key_that_is_selected_is_written_as_its_position) {
  const auto grade = ar::case_when(person::c.score >= 8.0, "high").otherwise("low");
  const auto q = ar::from<person>() | ar::group_by(grade, person::c.active) | ar::order_by(grade, person::c.active) |
                 ar::select(person::c.active, grade, ar::count_all());
  EXPECT_EQ(q.to_sql(*ar::find_dialect("postgresql")),
            R"(SELECT "active", CASE WHEN "score" >= $1 THEN CAST($2 AS TEXT) ELSE CAST($3 AS TEXT) END, COUNT(*))"
            R"( FROM "people" GROUP BY 2, "active" ORDER BY 2, "active")");
  // Not selected: written out, its values bound where it is written; ordered by it too, PostgreSQL's
  // numbered placeholders are repeated (the same three values), SQLite's are bound again.
  const auto unselected = ar::from<person>() | ar::group_by(grade) | ar::order_by(grade) | ar::select(ar::count_all());
  EXPECT_EQ(unselected.to_sql(*ar::find_dialect("sqlite3")),
            R"(SELECT COUNT(*) FROM "people" GROUP BY CASE WHEN "score" >= ? THEN ? ELSE ? END)"
            R"( ORDER BY CASE WHEN "score" >= ? THEN ? ELSE ? END)");
  EXPECT_EQ(unselected.render(*ar::find_dialect("sqlite3")).parameters.size(), 6u);
  EXPECT_EQ(
      unselected.to_sql(*ar::find_dialect("postgresql")),
      R"(SELECT COUNT(*) FROM "people" GROUP BY CASE WHEN "score" >= $1 THEN CAST($2 AS TEXT) ELSE CAST($3 AS TEXT) END)"
      R"( ORDER BY CASE WHEN "score" >= $1 THEN CAST($2 AS TEXT) ELSE CAST($3 AS TEXT) END)");
  EXPECT_EQ(unselected.render(*ar::find_dialect("postgresql")).parameters.size(), 3u);
}

}  // namespace
