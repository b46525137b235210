// The SQL text a pipeline compiles to, per dialect. No database is needed: a query renders for any
// registered dialect. Statements the public API renders only while it runs them (DDL, upsert,
// RETURNING, the through JOIN, window functions) have their goldens in golden_sql_test.cpp.

#include "../relation/models.hpp"
#include "../support/golden_models.hpp"
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

// An aggregate's statement (count, exists, sum, ...), rendered as the aggregate renders it before
// running it: the public API has no call that renders an aggregate without running it.
// golden_sql_test.cpp checks that the statement sent is this text.
template <class Query>
std::string aggregate_sql(const Query& q, ar::detail::aggregate_kind kind, const ar::dialect& d,
                          const ar::detail::expr_tree* argument = nullptr) {
  std::string sql;
  std::vector<ar::value> params;
  ar::detail::render_select(sql, params, d, q.state(), kind, argument);
  return sql;
}
using kind = ar::detail::aggregate_kind;

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
  auto q = ar::from<person>() | ar::filter(person::c.age >= 18) |
           ar::order_by(ar::desc(person::c.age), person::c.name) | ar::drop(20) | ar::take(10);
  const auto s = q.render(sqlite());
  EXPECT_EQ(
      s.sql,
      R"(SELECT "id", "name", "age", "score", "active", "joined" FROM "people" WHERE "age" >= ? ORDER BY "age" DESC, "name" LIMIT ? OFFSET ?)");
  EXPECT_EQ(params_of(s.parameters), "18, 10, 20");
  EXPECT_EQ(
      q.to_sql(postgresql()),
      R"(SELECT "id", "name", "age", "score", "active", "joined" FROM "people" WHERE "age" >= $1 ORDER BY "age" DESC, "name" LIMIT $2 OFFSET $3)");
  EXPECT_EQ(q.to_sql(mysql()),
            "SELECT `id`, `name`, `age`, `score`, `active`, `joined` FROM `people` WHERE `age` >= ? ORDER BY `age` "
            "DESC, `name` LIMIT ? OFFSET ?");
}

TEST(serialize, offset_without_limit_follows_the_dialect) {
  auto q = ar::from<user>() | ar::drop(5);
  EXPECT_EQ(q.to_sql(sqlite()), R"(SELECT "id", "user_name", "hair_color" FROM "users" LIMIT -1 OFFSET ?)");
  EXPECT_EQ(q.to_sql(postgresql()), R"(SELECT "id", "user_name", "hair_color" FROM "users" OFFSET $1)");
  // MySQL, like SQLite, takes OFFSET only after a LIMIT: its manual's "no limit" is 2^64 - 1.
  EXPECT_EQ(q.to_sql(mysql()),
            "SELECT `id`, `user_name`, `hair_color` FROM `users` LIMIT 18446744073709551615 OFFSET ?");
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

// Text search per dialect: the statement's condition and the one value it binds. A text taken as it
// is (contains, starts_with, ends_with) is escaped into the bound pattern, never into the SQL.
TEST(serialize, text_search_binds_an_escaped_pattern_in_each_dialect) {
  auto where = [](const auto& condition, const ar::dialect& d) {
    const auto s = (ar::from<person>() | ar::filter(condition)).render(d);
    return s.sql.substr(s.sql.find(" WHERE ") + 7) + " [" + params_of(s.parameters) + "]";
  };
  const auto c = person::c.name;
  // like stays a pattern, bound as written; ilike ignores case.
  EXPECT_EQ(where(c.like("a%"), postgresql()), R"("name" LIKE $1 ['a%'])");
  EXPECT_EQ(where(c.ilike("a%"), sqlite()), R"("name" LIKE ? ['a%'])");
  EXPECT_EQ(where(c.not_ilike("a%"), sqlite()), R"("name" NOT LIKE ? ['a%'])");
  EXPECT_EQ(where(c.ilike("a%"), postgresql()), R"("name" ILIKE $1 ['a%'])");
  EXPECT_EQ(where(c.not_ilike("a%"), postgresql()), R"("name" NOT ILIKE $1 ['a%'])");
  EXPECT_EQ(where(c.ilike("a%"), mysql()), R"(LOWER(`name`) LIKE LOWER(?) ['a%'])");
  EXPECT_EQ(where(c.not_ilike("a%"), mysql()), R"(LOWER(`name`) NOT LIKE LOWER(?) ['a%'])");

  // Case counting: SQLite's GLOB with *, ? and [ in brackets; LIKE with ! escaping %, _ and ! elsewhere.
  EXPECT_EQ(where(c.contains("5*?[%_!]"), sqlite()), R"("name" GLOB ? ['*5[*][?][[]%_!]*'])");
  EXPECT_EQ(where(c.starts_with("a*"), sqlite()), R"("name" GLOB ? ['a[*]*'])");
  EXPECT_EQ(where(c.ends_with("*a"), sqlite()), R"("name" GLOB ? ['*[*]a'])");
  EXPECT_EQ(where(c.contains("50%_!"), postgresql()), R"("name" LIKE $1 ESCAPE '!' ['%50!%!_!!%'])");
  EXPECT_EQ(where(c.starts_with("50%"), postgresql()), R"("name" LIKE $1 ESCAPE '!' ['50!%%'])");
  EXPECT_EQ(where(c.ends_with("_x"), postgresql()), R"("name" LIKE $1 ESCAPE '!' ['%!_x'])");
  EXPECT_EQ(where(c.contains("50%"), mysql()), R"(`name` LIKE BINARY ? ESCAPE '!' ['%50!%%'])");

  // Ignoring case: LIKE on SQLite (it ignores ASCII case), ILIKE on PostgreSQL, LOWER() on MariaDB.
  EXPECT_EQ(where(c.icontains("5*%"), sqlite()), R"("name" LIKE ? ESCAPE '!' ['%5*!%%'])");
  EXPECT_EQ(where(c.istarts_with("a_"), postgresql()), R"("name" ILIKE $1 ESCAPE '!' ['a!_%'])");
  EXPECT_EQ(where(c.iends_with("a!"), mysql()), R"(LOWER(`name`) LIKE LOWER(?) ESCAPE '!' ['%a!!'])");

  // Text with a quote is a value like any other.
  EXPECT_EQ(where(c.contains("'; --"), sqlite()), R"("name" GLOB ? ['*''; --*'])");
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
  const auto colours = ar::from<user>() | ar::select(user::c.hair_color) | ar::distinct;
  EXPECT_EQ(colours.to_sql(sqlite()), R"(SELECT DISTINCT "hair_color" FROM "users")");
  EXPECT_EQ(colours.to_sql(postgresql()), R"(SELECT DISTINCT "hair_color" FROM "users")");
  EXPECT_EQ(colours.to_sql(mysql()), "SELECT DISTINCT `hair_color` FROM `users`");
  // DISTINCT shapes the rows an aggregate sees: it counts over a subquery.
  EXPECT_EQ(aggregate_sql(colours, kind::count, sqlite()),
            R"(SELECT COUNT(*) FROM (SELECT DISTINCT "hair_color" FROM "users") AS "ar_rows")");
  EXPECT_EQ(aggregate_sql(colours, kind::count, postgresql()),
            R"(SELECT COUNT(*) FROM (SELECT DISTINCT "hair_color" FROM "users") AS "ar_rows")");
  EXPECT_EQ(aggregate_sql(colours, kind::count, mysql()),
            "SELECT COUNT(*) FROM (SELECT DISTINCT `hair_color` FROM `users`) AS `ar_rows`");

  const auto adults = ar::from<person>() | ar::filter(person::c.age >= 18);
  const auto score = ar::detail::to_tree(person::c.score);
  const auto age = ar::detail::to_tree(person::c.age);
  EXPECT_EQ(aggregate_sql(adults, kind::count, sqlite()), R"(SELECT COUNT(*) FROM "people" WHERE "age" >= ?)");
  EXPECT_EQ(aggregate_sql(adults, kind::sum, sqlite(), &score),
            R"(SELECT COALESCE(SUM("score"), 0) FROM "people" WHERE "age" >= ?)");
  EXPECT_EQ(aggregate_sql(adults, kind::min, sqlite(), &age), R"(SELECT MIN("age") FROM "people" WHERE "age" >= ?)");
  EXPECT_EQ(aggregate_sql(adults, kind::max, sqlite(), &age), R"(SELECT MAX("age") FROM "people" WHERE "age" >= ?)");
  EXPECT_EQ(aggregate_sql(adults, kind::avg, sqlite(), &score),
            R"(SELECT AVG("score") FROM "people" WHERE "age" >= ?)");
  EXPECT_EQ(aggregate_sql(adults, kind::exists, sqlite()), R"(SELECT 1 FROM "people" WHERE "age" >= ? LIMIT 1)");
  EXPECT_EQ(aggregate_sql(adults, kind::count, postgresql()), R"(SELECT COUNT(*) FROM "people" WHERE "age" >= $1)");
  EXPECT_EQ(aggregate_sql(adults, kind::sum, postgresql(), &score),
            R"(SELECT COALESCE(SUM("score"), 0) FROM "people" WHERE "age" >= $1)");
  EXPECT_EQ(aggregate_sql(adults, kind::min, postgresql(), &age),
            R"(SELECT MIN("age") FROM "people" WHERE "age" >= $1)");
  EXPECT_EQ(aggregate_sql(adults, kind::max, postgresql(), &age),
            R"(SELECT MAX("age") FROM "people" WHERE "age" >= $1)");
  EXPECT_EQ(aggregate_sql(adults, kind::avg, postgresql(), &score),
            R"(SELECT AVG("score") FROM "people" WHERE "age" >= $1)");
  EXPECT_EQ(aggregate_sql(adults, kind::exists, postgresql()), R"(SELECT 1 FROM "people" WHERE "age" >= $1 LIMIT 1)");
  EXPECT_EQ(aggregate_sql(adults, kind::count, mysql()), "SELECT COUNT(*) FROM `people` WHERE `age` >= ?");
  EXPECT_EQ(aggregate_sql(adults, kind::sum, mysql(), &score),
            "SELECT COALESCE(SUM(`score`), 0) FROM `people` WHERE `age` >= ?");
  EXPECT_EQ(aggregate_sql(adults, kind::min, mysql(), &age), "SELECT MIN(`age`) FROM `people` WHERE `age` >= ?");
  EXPECT_EQ(aggregate_sql(adults, kind::max, mysql(), &age), "SELECT MAX(`age`) FROM `people` WHERE `age` >= ?");
  EXPECT_EQ(aggregate_sql(adults, kind::avg, mysql(), &score), "SELECT AVG(`score`) FROM `people` WHERE `age` >= ?");
  EXPECT_EQ(aggregate_sql(adults, kind::exists, mysql()), "SELECT 1 FROM `people` WHERE `age` >= ? LIMIT 1");
}

TEST(serialize, count_over_a_limited_query_uses_a_subquery) {
  ar::statement_counter counter;  // nothing runs: aggregate_sql only renders
  const auto over_three = ar::from<user>() | ar::filter(user::c.id > 3);
  // Unlimited: COUNT(*) over the table itself.
  EXPECT_EQ(aggregate_sql(over_three, kind::count, sqlite()), R"(SELECT COUNT(*) FROM "users" WHERE "id" > ?)");
  // Limited: COUNT(*) over the rows LIMIT / OFFSET keep, in a subquery, or it would count them all.
  const auto page = over_three | ar::drop(2) | ar::take(5);
  EXPECT_EQ(
      aggregate_sql(page, kind::count, sqlite()),
      R"(SELECT COUNT(*) FROM (SELECT "id", "user_name", "hair_color" FROM "users" WHERE "id" > ? LIMIT ? OFFSET ?) AS "ar_rows")");
  EXPECT_EQ(
      aggregate_sql(page, kind::count, postgresql()),
      R"(SELECT COUNT(*) FROM (SELECT "id", "user_name", "hair_color" FROM "users" WHERE "id" > $1 LIMIT $2 OFFSET $3) AS "ar_rows")");
  EXPECT_EQ(
      aggregate_sql(page, kind::count, mysql()),
      "SELECT COUNT(*) FROM (SELECT `id`, `user_name`, `hair_color` FROM `users` WHERE `id` > ? LIMIT ? OFFSET ?) "
      "AS `ar_rows`");
  std::string sql;
  std::vector<ar::value> params;
  ar::detail::render_select(sql, params, sqlite(), page.state(), kind::count);
  EXPECT_EQ(params_of(params), "3, 5, 2");
  // OFFSET alone, in each dialect's spelling of "no limit".
  const auto rest = over_three | ar::drop(2);
  EXPECT_EQ(
      aggregate_sql(rest, kind::count, sqlite()),
      R"(SELECT COUNT(*) FROM (SELECT "id", "user_name", "hair_color" FROM "users" WHERE "id" > ? LIMIT -1 OFFSET ?) AS "ar_rows")");
  EXPECT_EQ(
      aggregate_sql(rest, kind::count, postgresql()),
      R"(SELECT COUNT(*) FROM (SELECT "id", "user_name", "hair_color" FROM "users" WHERE "id" > $1 OFFSET $2) AS "ar_rows")");
  EXPECT_EQ(aggregate_sql(rest, kind::count, mysql()),
            "SELECT COUNT(*) FROM (SELECT `id`, `user_name`, `hair_color` FROM `users` WHERE `id` > ? LIMIT "
            "18446744073709551615 OFFSET ?) AS `ar_rows`");
  // exists over a limited query: the subquery, then LIMIT 1.
  EXPECT_EQ(
      aggregate_sql(page, kind::exists, postgresql()),
      R"(SELECT 1 FROM (SELECT "id", "user_name", "hair_color" FROM "users" WHERE "id" > $1 LIMIT $2 OFFSET $3) AS "ar_rows" LIMIT 1)");
  EXPECT_EQ(counter.count(), 0u);
}

// The recursive CTE of ar::ancestors / ar::descendants (the columns: id is 0, parent_id 1).
TEST(serialize, ancestors_and_descendants_are_a_recursive_cte_in_each_dialect) {
  using ar_test::golden::category;
  const auto& table = ar::table_meta_v<category>;
  EXPECT_EQ(
      ar::detail::render_tree(sqlite(), table, 0, 1, true),
      R"(WITH RECURSIVE "ar_tree" ("ar_key", "ar_depth") AS (SELECT "parent_id", 1 FROM "categories" WHERE "id" = ? UNION ALL SELECT "ar_step"."parent_id", "ar_tree"."ar_depth" + 1 FROM "categories" AS "ar_step" JOIN "ar_tree" ON "ar_step"."id" = "ar_tree"."ar_key" WHERE "ar_tree"."ar_depth" < ?) SELECT "categories"."id", "categories"."parent_id", "categories"."name" FROM "categories" JOIN "ar_tree" ON "categories"."id" = "ar_tree"."ar_key" ORDER BY "ar_tree"."ar_depth", "categories"."id")");
  EXPECT_EQ(
      ar::detail::render_tree(postgresql(), table, 0, 1, true),
      R"(WITH RECURSIVE "ar_tree" ("ar_key", "ar_depth") AS (SELECT "parent_id", 1 FROM "categories" WHERE "id" = $1 UNION ALL SELECT "ar_step"."parent_id", "ar_tree"."ar_depth" + 1 FROM "categories" AS "ar_step" JOIN "ar_tree" ON "ar_step"."id" = "ar_tree"."ar_key" WHERE "ar_tree"."ar_depth" < $2) SELECT "categories"."id", "categories"."parent_id", "categories"."name" FROM "categories" JOIN "ar_tree" ON "categories"."id" = "ar_tree"."ar_key" ORDER BY "ar_tree"."ar_depth", "categories"."id")");
  EXPECT_EQ(
      ar::detail::render_tree(mysql(), table, 0, 1, true),
      "WITH RECURSIVE `ar_tree` (`ar_key`, `ar_depth`) AS (SELECT `parent_id`, 1 FROM `categories` WHERE `id` = ? "
      "UNION ALL SELECT `ar_step`.`parent_id`, `ar_tree`.`ar_depth` + 1 FROM `categories` AS `ar_step` JOIN `ar_tree` "
      "ON `ar_step`.`id` = `ar_tree`.`ar_key` WHERE `ar_tree`.`ar_depth` < ?) SELECT `categories`.`id`, "
      "`categories`.`parent_id`, `categories`.`name` FROM `categories` JOIN `ar_tree` ON `categories`.`id` = "
      "`ar_tree`.`ar_key` ORDER BY `ar_tree`.`ar_depth`, `categories`.`id`");
  EXPECT_EQ(
      ar::detail::render_tree(sqlite(), table, 0, 1, false),
      R"(WITH RECURSIVE "ar_tree" ("ar_key", "ar_depth") AS (SELECT "id", 1 FROM "categories" WHERE "parent_id" = ? UNION ALL SELECT "ar_step"."id", "ar_tree"."ar_depth" + 1 FROM "categories" AS "ar_step" JOIN "ar_tree" ON "ar_step"."parent_id" = "ar_tree"."ar_key" WHERE "ar_tree"."ar_depth" < ?) SELECT "categories"."id", "categories"."parent_id", "categories"."name" FROM "categories" JOIN "ar_tree" ON "categories"."id" = "ar_tree"."ar_key" ORDER BY "ar_tree"."ar_depth", "categories"."id")");
  EXPECT_EQ(
      ar::detail::render_tree(postgresql(), table, 0, 1, false),
      R"(WITH RECURSIVE "ar_tree" ("ar_key", "ar_depth") AS (SELECT "id", 1 FROM "categories" WHERE "parent_id" = $1 UNION ALL SELECT "ar_step"."id", "ar_tree"."ar_depth" + 1 FROM "categories" AS "ar_step" JOIN "ar_tree" ON "ar_step"."parent_id" = "ar_tree"."ar_key" WHERE "ar_tree"."ar_depth" < $2) SELECT "categories"."id", "categories"."parent_id", "categories"."name" FROM "categories" JOIN "ar_tree" ON "categories"."id" = "ar_tree"."ar_key" ORDER BY "ar_tree"."ar_depth", "categories"."id")");
  EXPECT_EQ(
      ar::detail::render_tree(mysql(), table, 0, 1, false),
      "WITH RECURSIVE `ar_tree` (`ar_key`, `ar_depth`) AS (SELECT `id`, 1 FROM `categories` WHERE `parent_id` = ? "
      "UNION ALL SELECT `ar_step`.`id`, `ar_tree`.`ar_depth` + 1 FROM `categories` AS `ar_step` JOIN `ar_tree` ON "
      "`ar_step`.`parent_id` = `ar_tree`.`ar_key` WHERE `ar_tree`.`ar_depth` < ?) SELECT `categories`.`id`, "
      "`categories`.`parent_id`, `categories`.`name` FROM `categories` JOIN `ar_tree` ON `categories`.`id` = "
      "`ar_tree`.`ar_key` ORDER BY `ar_tree`.`ar_depth`, `categories`.`id`");
}

// where_has and a through relation's query are correlated EXISTS subqueries. Relations resolve their
// models' databases (a subquery cannot cross one): an in-memory SQLite database is the default, and
// each query renders for every dialect.
class serialize_exists : public ::testing::Test {
 protected:
  void SetUp() override { db = ar::open("sqlite3://db=:memory:"); }
  void TearDown() override { ar::close_all(); }
  ar::database db;
};

TEST_F(serialize_exists, where_has_and_doesnt_have_in_each_dialect) {
  const auto has = ar::from<rel::user>() | ar::where_has("posts");
  EXPECT_EQ(
      has.to_sql(sqlite()),
      R"(SELECT "id", "username" FROM "users" WHERE EXISTS (SELECT 1 FROM "posts" AS "ar_s1" WHERE "ar_s1"."user_id" = "users"."id"))");
  EXPECT_EQ(
      has.to_sql(postgresql()),
      R"(SELECT "id", "username" FROM "users" WHERE EXISTS (SELECT 1 FROM "posts" AS "ar_s1" WHERE "ar_s1"."user_id" = "users"."id"))");
  EXPECT_EQ(
      has.to_sql(mysql()),
      "SELECT `id`, `username` FROM `users` WHERE EXISTS (SELECT 1 FROM `posts` AS `ar_s1` WHERE `ar_s1`.`user_id` = "
      "`users`.`id`)");
  const auto hasnt = ar::from<rel::user>() | ar::where_doesnt_have("posts");
  EXPECT_EQ(
      hasnt.to_sql(sqlite()),
      R"(SELECT "id", "username" FROM "users" WHERE NOT EXISTS (SELECT 1 FROM "posts" AS "ar_s1" WHERE "ar_s1"."user_id" = "users"."id"))");
  EXPECT_EQ(
      hasnt.to_sql(postgresql()),
      R"(SELECT "id", "username" FROM "users" WHERE NOT EXISTS (SELECT 1 FROM "posts" AS "ar_s1" WHERE "ar_s1"."user_id" = "users"."id"))");
  EXPECT_EQ(hasnt.to_sql(mysql()),
            "SELECT `id`, `username` FROM `users` WHERE NOT EXISTS (SELECT 1 FROM `posts` AS `ar_s1` WHERE "
            "`ar_s1`.`user_id` = `users`.`id`)");
}

TEST_F(serialize_exists, a_path_nests_and_a_modifier_filters_inside_the_subquery) {
  const auto nested = ar::from<rel::user>() | ar::where_has("posts.comments");
  EXPECT_EQ(
      nested.to_sql(sqlite()),
      R"(SELECT "id", "username" FROM "users" WHERE EXISTS (SELECT 1 FROM "posts" AS "ar_s1" WHERE "ar_s1"."user_id" = "users"."id" AND EXISTS (SELECT 1 FROM "comments" AS "ar_s2" WHERE "ar_s2"."post_id" = "ar_s1"."id")))");
  EXPECT_EQ(
      nested.to_sql(postgresql()),
      R"(SELECT "id", "username" FROM "users" WHERE EXISTS (SELECT 1 FROM "posts" AS "ar_s1" WHERE "ar_s1"."user_id" = "users"."id" AND EXISTS (SELECT 1 FROM "comments" AS "ar_s2" WHERE "ar_s2"."post_id" = "ar_s1"."id")))");
  EXPECT_EQ(
      nested.to_sql(mysql()),
      "SELECT `id`, `username` FROM `users` WHERE EXISTS (SELECT 1 FROM `posts` AS `ar_s1` WHERE `ar_s1`.`user_id` = "
      "`users`.`id` AND EXISTS (SELECT 1 FROM `comments` AS `ar_s2` WHERE `ar_s2`.`post_id` = `ar_s1`.`id`))");
  const auto drafting =
      ar::from<rel::user>() | ar::filter(rel::user::c.id > 1) |
      ar::where_has("posts", [](ar::query<rel::post> q) { return q | ar::filter(rel::post::c.status == "draft"); });
  EXPECT_EQ(
      drafting.to_sql(sqlite()),
      R"(SELECT "id", "username" FROM "users" WHERE "id" > ? AND EXISTS (SELECT 1 FROM "posts" AS "ar_s1" WHERE "ar_s1"."user_id" = "users"."id" AND "ar_s1"."status" = ?))");
  EXPECT_EQ(
      drafting.to_sql(postgresql()),
      R"(SELECT "id", "username" FROM "users" WHERE "id" > $1 AND EXISTS (SELECT 1 FROM "posts" AS "ar_s1" WHERE "ar_s1"."user_id" = "users"."id" AND "ar_s1"."status" = $2))");
  EXPECT_EQ(drafting.to_sql(mysql()),
            "SELECT `id`, `username` FROM `users` WHERE `id` > ? AND EXISTS (SELECT 1 FROM `posts` AS `ar_s1` WHERE "
            "`ar_s1`.`user_id` = `users`.`id` AND `ar_s1`.`status` = ?)");
  EXPECT_EQ(params_of(drafting.render(postgresql()).parameters), "1, 'draft'");
}

TEST_F(serialize_exists, a_through_relations_query_in_each_dialect) {
  const ar_test::golden::article a{7, "a"};
  const auto labels = a.labels_query();
  EXPECT_EQ(
      labels.to_sql(sqlite()),
      R"(SELECT "id", "name" FROM "labels" WHERE EXISTS (SELECT 1 FROM "article_labels" AS "ar_s1" WHERE "ar_s1"."label_id" = "labels"."id" AND "ar_s1"."article_id" = ?))");
  EXPECT_EQ(
      labels.to_sql(postgresql()),
      R"(SELECT "id", "name" FROM "labels" WHERE EXISTS (SELECT 1 FROM "article_labels" AS "ar_s1" WHERE "ar_s1"."label_id" = "labels"."id" AND "ar_s1"."article_id" = $1))");
  EXPECT_EQ(labels.to_sql(mysql()),
            "SELECT `id`, `name` FROM `labels` WHERE EXISTS (SELECT 1 FROM `article_labels` AS `ar_s1` WHERE "
            "`ar_s1`.`label_id` = `labels`.`id` AND `ar_s1`.`article_id` = ?)");
  EXPECT_EQ(params_of(labels.render(sqlite()).parameters), "7");
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
