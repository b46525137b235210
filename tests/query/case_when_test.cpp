// ar::case_when(...).when(...).otherwise(...): CASE WHEN ... THEN ... ELSE ... END in select,
// order_by, filter, a grouped select and inside aggregates, on every backend; its result type; and
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
using text = decltype(ar::case_when(person::c.active, "yes").when(person::c.score > 1.0, std::string("some")).otherwise("no"));
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
  const auto rows = ar::from<person>(db) | ar::order_by(person::c.id) | ar::select(person::c.name, grade) | ar::to_vector;
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
  const auto adults = ar::from<person>(db) | ar::filter(ar::case_when(person::c.age.is_null(), false).otherwise(person::c.age >= 18)) |
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

AR_INSTANTIATE_BACKEND_SUITE(case_when);

TEST(case_when_sql, renders_in_each_dialect_with_its_values_bound) {
  const auto q = ar::from<person>() | ar::group_by(person::c.active) |
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
  const std::vector<ar::value> expected{10.0, std::int32_t{1}, std::int32_t{2}, std::int32_t{0}, 1.0, std::int32_t{0},
                                        std::int32_t{1}};
  EXPECT_TRUE(q.render(*ar::find_dialect("sqlite3")).parameters == expected);
}

TEST(case_when_sql, nests_as_a_value_and_in_arithmetic) {
  const auto inner = ar::case_when(person::c.age > 60, "old").otherwise("adult");
  const auto q = ar::from<person>() |
                 ar::select(ar::case_when(person::c.age < 18, ar::upper(person::c.name)).otherwise(inner),
                            ar::case_when(person::c.active, person::c.score).otherwise(0.0) * 2);
  static_assert(std::is_same_v<typename std::remove_cvref_t<decltype(q)>::row_type, std::tuple<std::string, double>>);
  EXPECT_EQ(q.to_sql(*ar::find_dialect("sqlite3")),
            R"(SELECT CASE WHEN "age" < ? THEN UPPER("name") ELSE CASE WHEN "age" > ? THEN ? ELSE ? END END,)"
            R"( CASE WHEN "active" THEN "score" ELSE ? END * ? FROM "people")");
}

}  // namespace
