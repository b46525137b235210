// The SQL text a pipeline compiles to, per dialect. No database is needed: a query renders for any
// registered dialect.

#include "../support/models.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <string>

namespace {

using ar_test::person;
using ar_test::user;

const ar::dialect& sqlite() { return *ar::find_dialect("sqlite3"); }
const ar::dialect& postgresql() { return *ar::find_dialect("postgresql"); }
const ar::dialect& mysql() { return *ar::find_dialect("mysql"); }

std::string params_of(const std::vector<ar::value>& params) {
  std::string out;
  for (const auto& v : params) out += (out.empty() ? "" : ", ") + ar::to_string(v);
  return out;
}

TEST(serialize, from_alone_selects_every_column_in_model_order) {
  auto q = ar::from<user>();
  EXPECT_EQ(q.to_sql(sqlite()), R"(SELECT "id", "user_name", "hair_color" FROM "users")");
  EXPECT_EQ(q.to_sql(postgresql()), R"(SELECT "id", "user_name", "hair_color" FROM "users")");
  EXPECT_EQ(q.to_sql(mysql()), "SELECT `id`, `user_name`, `hair_color` FROM `users`");
  EXPECT_EQ(&mysql(), ar::find_dialect("mariadb"));
}

TEST(serialize, filter_order_take_drop_in_each_dialect) {
  auto q = ar::from<person>() | ar::filter(person::c.age >= 18) | ar::order_by(ar::desc(person::c.age), person::c.name) |
           ar::drop(20) | ar::take(10);
  const auto s = q.render(sqlite());
  EXPECT_EQ(s.sql,
            R"(SELECT "id", "name", "age", "score", "active", "joined" FROM "people" WHERE "age" >= ? ORDER BY "age" DESC, "name" LIMIT ? OFFSET ?)");
  EXPECT_EQ(params_of(s.parameters), "18, 10, 20");
  EXPECT_EQ(q.to_sql(postgresql()),
            R"(SELECT "id", "name", "age", "score", "active", "joined" FROM "people" WHERE "age" >= $1 ORDER BY "age" DESC, "name" LIMIT $2 OFFSET $3)");
  EXPECT_EQ(q.to_sql(mysql()),
            "SELECT `id`, `name`, `age`, `score`, `active`, `joined` FROM `people` WHERE `age` >= :1 ORDER BY `age` DESC, `name` LIMIT :2 OFFSET :3");
}

TEST(serialize, offset_without_limit_follows_the_dialect) {
  auto q = ar::from<user>() | ar::drop(5);
  EXPECT_EQ(q.to_sql(sqlite()), R"(SELECT "id", "user_name", "hair_color" FROM "users" LIMIT -1 OFFSET ?)");
  EXPECT_EQ(q.to_sql(postgresql()), R"(SELECT "id", "user_name", "hair_color" FROM "users" OFFSET $1)");
  // MySQL, like SQLite, takes OFFSET only after a LIMIT: its manual's "no limit" is 2^64 - 1.
  EXPECT_EQ(q.to_sql(mysql()),
            "SELECT `id`, `user_name`, `hair_color` FROM `users` LIMIT 18446744073709551615 OFFSET :1");
}

TEST(serialize, take_and_drop_compose_like_range_views) {
  // take(10) | drop(2): rows 3..10; drop(2) | take(3): rows 3..5; take(10) | take(5): 5 rows.
  EXPECT_EQ(params_of((ar::from<user>() | ar::take(10) | ar::drop(2)).render(sqlite()).parameters), "8, 2");
  EXPECT_EQ(params_of((ar::from<user>() | ar::drop(2) | ar::take(3)).render(sqlite()).parameters), "3, 2");
  EXPECT_EQ(params_of((ar::from<user>() | ar::take(10) | ar::take(5)).render(sqlite()).parameters), "5");
  EXPECT_EQ(params_of((ar::from<user>() | ar::take(5) | ar::take(10)).render(sqlite()).parameters), "5");
  EXPECT_EQ(params_of((ar::from<user>() | ar::take(3) | ar::drop(5)).render(sqlite()).parameters), "0, 5");
}

TEST(serialize, every_operator_renders_with_bound_values) {
  auto where = [](const auto& condition) {
    const std::string sql = (ar::from<person>() | ar::filter(condition)).to_sql(sqlite());
    return sql.substr(sql.find(" WHERE ") + 7);
  };
  EXPECT_EQ(where(person::c.name == "ada"), R"("name" = ?)");
  EXPECT_EQ(where(person::c.name != "ada"), R"("name" <> ?)");
  EXPECT_EQ(where(person::c.age < 1), R"("age" < ?)");
  EXPECT_EQ(where(person::c.age <= 1), R"("age" <= ?)");
  EXPECT_EQ(where(person::c.age > 1), R"("age" > ?)");
  EXPECT_EQ(where(18 <= person::c.age), R"(? <= "age")");
  EXPECT_EQ(where(person::c.score >= person::c.age), R"("score" >= "age")");
  EXPECT_EQ(where(person::c.name.like("a%")), R"("name" LIKE ?)");
  EXPECT_EQ(where(person::c.name.not_like("a%")), R"("name" NOT LIKE ?)");
  EXPECT_EQ(where(person::c.id.in({1, 2, 3})), R"("id" IN (?, ?, ?))");
  EXPECT_EQ(where(person::c.id.not_in(std::vector<std::int64_t>{4, 5})), R"("id" NOT IN (?, ?))");
  EXPECT_EQ(where(person::c.id.in(std::vector<std::int64_t>{})), "1 = 0");
  EXPECT_EQ(where(person::c.id.not_in(std::vector<std::int64_t>{})), "1 = 1");
  EXPECT_EQ(where(person::c.age.is_null()), R"("age" IS NULL)");
  EXPECT_EQ(where(person::c.age.is_not_null()), R"("age" IS NOT NULL)");
  EXPECT_EQ(where(person::c.score.between(1.5, 2.5)), R"("score" BETWEEN ? AND ?)");
  EXPECT_EQ(where(person::c.active), R"("active")");
  EXPECT_EQ(where(!person::c.active), R"(NOT ("active"))");
}

TEST(serialize, and_or_not_keep_their_meaning) {
  auto where = [](const auto& condition) {
    const std::string sql = (ar::from<person>() | ar::filter(condition)).to_sql(sqlite());
    return sql.substr(sql.find(" WHERE ") + 7);
  };
  const auto a = person::c.age > 1;
  const auto b = person::c.age < 9;
  const auto c = person::c.active == true;
  EXPECT_EQ(where((a && b) || c), R"("age" > ? AND "age" < ? OR "active" = ?)");
  EXPECT_EQ(where(a && (b || c)), R"("age" > ? AND ("age" < ? OR "active" = ?))");
  EXPECT_EQ(where((a || b) && c), R"(("age" > ? OR "age" < ?) AND "active" = ?)");
  EXPECT_EQ(where(!(a && b)), R"(NOT ("age" > ? AND "age" < ?))");
}

TEST(serialize, several_filters_are_anded_and_parameters_follow_placeholders) {
  auto q = ar::from<person>() | ar::filter(person::c.age > 1 || person::c.age < 0) | ar::filter(person::c.name == "x");
  const auto r = q.render(postgresql());
  EXPECT_EQ(r.sql.substr(r.sql.find(" WHERE ")), R"( WHERE ("age" > $1 OR "age" < $2) AND "name" = $3)");
  EXPECT_EQ(params_of(r.parameters), "1, 0, 'x'");
}

TEST(serialize, values_take_the_columns_type) {
  const auto r = (ar::from<person>() | ar::filter(person::c.score > 1 && person::c.id == 7)).render(sqlite());
  ASSERT_EQ(r.parameters.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<double>(r.parameters[0]));        // an int literal for a double column
  EXPECT_TRUE(std::holds_alternative<std::int64_t>(r.parameters[1]));  // an int literal for an int64 column
}

TEST(serialize, a_value_is_never_spliced_into_the_sql) {
  const std::string evil = "x'); DROP TABLE users; --";
  const auto r = (ar::from<user>() | ar::filter(user::c.name == evil)).render(sqlite());
  EXPECT_EQ(r.sql.find("DROP"), std::string::npos);
  ASSERT_EQ(r.parameters.size(), 1u);
  EXPECT_EQ(std::get<std::string>(r.parameters[0]), evil);
}

TEST(serialize, select_distinct_and_aggregates) {
  EXPECT_EQ((ar::from<user>() | ar::select(user::c.hair_color) | ar::distinct).to_sql(sqlite()),
            R"(SELECT DISTINCT "hair_color" FROM "users")");
}

TEST(serialize, count_over_a_limited_query_uses_a_subquery) {
  ar::statement_counter counter;  // nothing runs: to_sql only renders
  const std::string plain = (ar::from<user>() | ar::filter(user::c.id > 3)).to_sql(sqlite());
  EXPECT_EQ(plain, R"(SELECT "id", "user_name", "hair_color" FROM "users" WHERE "id" > ?)");
  EXPECT_EQ(counter.count(), 0u);
}

TEST(serialize, a_query_is_a_value_and_adaptors_never_change_it) {
  const auto base = ar::from<user>() | ar::filter(user::c.id > 1);
  const std::string before = base.to_sql(sqlite());
  auto narrowed = base | ar::filter(user::c.id < 9) | ar::order_by(user::c.name) | ar::take(1);
  EXPECT_EQ(base.to_sql(sqlite()), before);
  EXPECT_NE(narrowed.to_sql(sqlite()), before);
}

TEST(serialize, a_pipeline_built_from_temporaries_changes_no_query_it_shares_state_with) {
  // Temporaries are changed in place only while nothing else holds their state.
  const auto base = ar::from<user>() | ar::filter(user::c.id > 1);
  auto copy = base;
  auto moved = std::move(copy) | ar::filter(user::c.id < 9);  // copy's state is shared with base
  EXPECT_EQ(base.to_sql(sqlite()), R"(SELECT "id", "user_name", "hair_color" FROM "users" WHERE "id" > ?)");
  EXPECT_EQ(moved.to_sql(sqlite()),
            R"(SELECT "id", "user_name", "hair_color" FROM "users" WHERE "id" > ? AND "id" < ?)");
  // A filter kept in a variable gives each query its own copy of the condition.
  const auto named = ar::filter(user::c.name == "ada");
  auto once = ar::from<user>() | named;
  auto twice = ar::from<user>() | ar::filter(user::c.id > 1) | named;
  EXPECT_EQ(once.render(sqlite()).parameters.size(), 1u);
  EXPECT_EQ(std::get<std::string>(twice.render(sqlite()).parameters.at(1)), "ada");
  EXPECT_EQ(std::get<std::string>((ar::from<user>() | named).render(sqlite()).parameters.at(0)), "ada");
}

TEST(serialize, fragments_compose_into_reusable_scopes) {
  auto adults = ar::filter(person::c.age >= 18) | ar::order_by(person::c.name);
  auto page = adults | ar::take(2);
  const auto direct = ar::from<person>() | ar::filter(person::c.age >= 18) | ar::order_by(person::c.name) | ar::take(2);
  EXPECT_EQ((ar::from<person>() | page).to_sql(sqlite()), direct.to_sql(sqlite()));
  EXPECT_EQ((ar::from<person>() | adults | ar::take(2)).to_sql(sqlite()), direct.to_sql(sqlite()));
  EXPECT_EQ(page(ar::from<person>()).to_sql(sqlite()), direct.to_sql(sqlite()));
}

TEST(serialize, an_integer_out_of_the_columns_range_is_an_error_not_a_wrapped_value) {
  EXPECT_THROW((void)(person::c.age == 5'000'000'000LL), ar::error);
  EXPECT_THROW((void)person::c.age.in({std::int64_t{1}, std::int64_t{1} << 40}), ar::error);
  const auto r = (ar::from<person>() | ar::filter(person::c.age == 2'000'000'000LL)).render(sqlite());
  EXPECT_EQ(std::get<std::int32_t>(r.parameters.at(0)), 2'000'000'000);
}

TEST(serialize, negative_take_or_drop_is_an_error) {
  EXPECT_THROW(ar::take(-1), ar::error);
  EXPECT_THROW(ar::drop(-3), ar::error);
}

}  // namespace
