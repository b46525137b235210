// Queries inside queries on every backend: in(query), not_in(query), exists_in(query) and
// scalar(query), each one statement with the enclosing query, values bound in order.

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
using ar_test::post;
using ar_test::user;

class subqueries : public ar_test::backend_test {
 protected:
  void SetUp() override {
    backend_test::SetUp();
    ar::create_tables<user, post, person>(db);
    users = {{0, "ada", "red"}, {0, "bob", std::nullopt}, {0, "cyd", "grey"}};
    ar::insert_all(db, users);
    std::vector<post> posts{
        {0, users[0].id, "a1", std::nullopt}, {0, users[0].id, "a2", "x"}, {0, users[2].id, "c1", "y"}};
    ar::insert_all(db, posts);
    std::vector<person> people{{0, "ada", 36, 9.5, true, {}}, {0, "zed", 17, 4.0, false, {}}};
    ar::insert_all(db, people);
  }
  std::vector<std::string> names(const std::vector<user>& rows) const {
    std::vector<std::string> out;
    for (const auto& u : rows) out.push_back(u.name);
    return out;
  }
  std::vector<user> users;
};

TEST_P(subqueries, in_and_not_in_a_query_of_one_column) {
  const auto authors = ar::from<post>(db) | ar::filter(post::c.title != "zz") | ar::select(post::c.user_id);
  ar::statement_counter counter;
  const auto with_posts =
      ar::from<user>(db) | ar::filter(user::c.id.in(authors)) | ar::order_by(user::c.id) | ar::to_vector;
  const auto without = ar::from<user>(db) | ar::filter(user::c.id.not_in(authors)) | ar::to_vector;
  EXPECT_EQ(counter.count(), 2u);
  EXPECT_EQ(names(with_posts), (std::vector<std::string>{"ada", "cyd"}));
  EXPECT_EQ(names(without), (std::vector<std::string>{"bob"}));
  // Text columns too, and a subquery of another model's table with values of its own.
  const auto people_named = ar::from<person>(db) | ar::filter(person::c.age > 18) | ar::select(person::c.name);
  EXPECT_EQ(names(ar::from<user>(db) | ar::filter(user::c.name.in(people_named) && user::c.id > 0) | ar::to_vector),
            (std::vector<std::string>{"ada"}));
}

TEST_P(subqueries, exists_in_and_scalar) {
  const auto long_posts = ar::from<post>(db) | ar::filter(post::c.body.is_not_null());
  EXPECT_EQ(ar::from<user>(db) | ar::filter(ar::exists_in(long_posts)) | ar::count, 3);
  const auto none = ar::from<post>(db) | ar::filter(post::c.title == "zz");
  EXPECT_EQ(ar::from<user>(db) | ar::filter(!ar::exists_in(none)) | ar::count, 3);
  EXPECT_EQ(ar::from<user>(db) | ar::filter(ar::exists_in(none)) | ar::count, 0);
  // A scalar subquery in select and in a filter.
  const auto post_count = ar::from<post>(db) | ar::select(ar::count_all());
  ar::statement_counter counter;
  const auto rows =
      ar::from<user>(db) | ar::order_by(user::c.id) | ar::select(user::c.name, ar::scalar(post_count)) | ar::to_vector;
  EXPECT_EQ(counter.count(), 1u);
  EXPECT_EQ(rows,
            (std::vector<std::tuple<std::string, std::optional<std::int64_t>>>{{"ada", 3}, {"bob", 3}, {"cyd", 3}}));
  const auto max_id = ar::from<user>(db) | ar::select(user::c.id.max());
  EXPECT_EQ(names(ar::from<user>(db) | ar::filter(user::c.id == ar::scalar(max_id)) | ar::to_vector),
            (std::vector<std::string>{"cyd"}));
}

TEST_P(subqueries, values_are_bound_in_order_and_other_databases_are_refused) {
  const auto authors = ar::from<post>(db) | ar::filter(post::c.title == "c1") | ar::select(post::c.user_id);
  const auto q =
      ar::from<user>(db) | ar::filter(user::c.name != "zz" && user::c.id.in(authors) && user::c.name != "yy");
  const auto r = q.render();
  ASSERT_EQ(r.parameters.size(), 3u);
  EXPECT_EQ(ar::to_string(r.parameters[1]), "'c1'");
  EXPECT_EQ(names(q | ar::to_vector), (std::vector<std::string>{"cyd"}));
  // A subquery on another database cannot run in this statement.
  ar::database other = ar::open("sqlite3://db=:memory:", "subquery_other");
  ar::create_tables<post>(other);
  const auto elsewhere = ar::from<post>(other) | ar::select(post::c.user_id);
  try {
    (void)(ar::from<user>(db) | ar::filter(user::c.id.in(elsewhere)) | ar::to_vector);
    FAIL() << "no error";
  } catch (const ar::error& e) {
    EXPECT_NE(std::string(e.what()).find("on database 'subquery_other', but the query it is in runs on database"),
              std::string::npos)
        << e.what();
  }
  other.close();
}

AR_INSTANTIATE_BACKEND_SUITE(subqueries);

TEST(subquery_sql, a_subquery_renders_as_its_own_statement_in_parentheses) {
  ar::database db = ar::open("sqlite3://db=:memory:", "subquery_sql");
  const auto authors = ar::from<post>(db) | ar::filter(post::c.title == "x") | ar::select(post::c.user_id);
  const auto q = ar::from<user>(db) | ar::filter(user::c.id.in(authors) || ar::exists_in(ar::from<post>(db))) |
                 ar::select(user::c.name, ar::scalar(ar::from<post>(db) | ar::select(ar::count_all())));
  EXPECT_EQ(q.to_sql(),
            R"(SELECT "user_name", (SELECT COUNT(*) FROM "posts") FROM "users" WHERE "id" IN (SELECT "user_id")"
            R"( FROM "posts" WHERE "title" = ?) OR EXISTS (SELECT "id", "user_id", "title", "body" FROM "posts"))");
  db.close();
}

}  // namespace
