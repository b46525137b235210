// Pipelines run against every backend.

#include "../support/backends.hpp"
#include "../support/models.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <tuple>
#include <vector>

namespace {

using ar_test::person;
using ar_test::post;
using ar_test::user;

ar::time_point day(int n) { return ar::time_point{} + std::chrono::hours{24 * n}; }

class queries : public ar_test::backend_test {
 protected:
  void SetUp() override {
    backend_test::SetUp();
    ar::create_tables<person, user, post>(db);
    people = {
        {0, "ada", 36, 9.5, true, day(1)},
        {0, "bob", 17, 4.0, false, day(2)},
        {0, "cyd", std::nullopt, 7.25, true, day(3)},
        {0, "dee", 52, 1.0, false, day(4)},
        {0, "eve", 18, 8.0, true, day(5)},
        {0, "abe", 70, 6.5, false, day(6)},
    };
    ar::insert_all(db, people);
  }

  std::vector<std::string> names(const std::vector<person>& rows) {
    std::vector<std::string> out;
    for (const auto& p : rows) out.push_back(p.name);
    return out;
  }

  std::vector<person> people;
};

using names_t = std::vector<std::string>;

TEST_P(queries, to_vector_returns_every_row_as_a_model) {
  auto all = ar::from<person>(db) | ar::order_by(person::c.id) | ar::to_vector;
  EXPECT_EQ(all, people);
}

TEST_P(queries, comparisons_filter_rows) {
  auto q = ar::from<person>(db) | ar::order_by(person::c.id);
  EXPECT_EQ(names(q | ar::filter(person::c.age >= 18) | ar::to_vector), (names_t{"ada", "dee", "eve", "abe"}));
  EXPECT_EQ(names(q | ar::filter(person::c.age < 18) | ar::to_vector), (names_t{"bob"}));
  EXPECT_EQ(names(q | ar::filter(person::c.name == "cyd") | ar::to_vector), (names_t{"cyd"}));
  EXPECT_EQ(names(q | ar::filter(person::c.name != "cyd" && person::c.score > 7.0) | ar::to_vector),
            (names_t{"ada", "eve"}));
  EXPECT_EQ(names(q | ar::filter(person::c.joined <= day(2)) | ar::to_vector), (names_t{"ada", "bob"}));
  EXPECT_EQ(names(q | ar::filter(person::c.active == false) | ar::to_vector), (names_t{"bob", "dee", "abe"}));
  EXPECT_EQ(names(q | ar::filter(person::c.active) | ar::to_vector), (names_t{"ada", "cyd", "eve"}));
  EXPECT_EQ(names(q | ar::filter(!person::c.active || person::c.age > 40) | ar::to_vector),
            (names_t{"bob", "dee", "abe"}));
}

TEST_P(queries, in_like_between_and_null_tests) {
  auto q = ar::from<person>(db) | ar::order_by(person::c.id);
  EXPECT_EQ(names(q | ar::filter(person::c.name.in({"eve", "bob", "zed"})) | ar::to_vector), (names_t{"bob", "eve"}));
  EXPECT_EQ(names(q | ar::filter(person::c.age.not_in({17, 18})) | ar::to_vector), (names_t{"ada", "dee", "abe"}));
  EXPECT_EQ(names(q | ar::filter(person::c.id.in(std::vector<std::int64_t>{})) | ar::to_vector), names_t{});
  EXPECT_EQ((q | ar::filter(person::c.id.not_in(std::vector<std::int64_t>{})) | ar::count), 6);
  EXPECT_EQ(names(q | ar::filter(person::c.name.like("a%")) | ar::to_vector), (names_t{"ada", "abe"}));
  EXPECT_EQ(names(q | ar::filter(person::c.name.not_like("%e")) | ar::to_vector), (names_t{"ada", "bob", "cyd"}));
  EXPECT_EQ(names(q | ar::filter(person::c.age.between(18, 52)) | ar::to_vector), (names_t{"ada", "dee", "eve"}));
  EXPECT_EQ(names(q | ar::filter(person::c.age.is_null()) | ar::to_vector), (names_t{"cyd"}));
  EXPECT_EQ((q | ar::filter(person::c.age.is_not_null()) | ar::count), 5);
}

// contains / starts_with / ends_with find the text as it is (%, _, the escape character and
// SQLite's GLOB wildcards find themselves) and count case on every backend; the i-forms ignore the
// case of ASCII letters on every backend, as ilike does.
TEST_P(queries, text_search_finds_the_text_as_it_is) {
  const std::vector<std::string> texts{"50% off", "50 % off", "5000 off", "a_b", "axb",     "A_B", "x!y",  "x!!y",
                                       "*star",   "?q",       "[br]",     "b",   "Off 50%", "",    "Café", "CAFÉ"};
  std::vector<user> rows;
  for (const auto& t : texts) rows.push_back(user{0, t, std::nullopt});
  ar::insert_all(db, rows);
  auto found = [&](const auto& condition) {
    std::vector<std::string> out;
    for (const auto& u : ar::from<user>(db) | ar::filter(condition) | ar::order_by(user::c.id) | ar::to_vector)
      out.push_back(u.name);
    return out;
  };
  const auto n = user::c.name;
  EXPECT_EQ(found(n.contains("0%")), (names_t{"50% off", "Off 50%"}));
  EXPECT_EQ(found(n.starts_with("50%")), (names_t{"50% off"}));
  EXPECT_EQ(found(n.ends_with("50%")), (names_t{"Off 50%"}));
  EXPECT_EQ(found(n.contains("_")), (names_t{"a_b", "A_B"}));
  EXPECT_EQ(found(n.contains("a_b")), (names_t{"a_b"}));  // case counts
  EXPECT_EQ(found(n.contains("!")), (names_t{"x!y", "x!!y"}));
  EXPECT_EQ(found(n.contains("!!")), (names_t{"x!!y"}));
  EXPECT_EQ(found(n.starts_with("*")), (names_t{"*star"}));
  EXPECT_EQ(found(n.starts_with("?")), (names_t{"?q"}));
  EXPECT_EQ(found(n.contains("[br]")), (names_t{"[br]"}));
  EXPECT_EQ(found(n.ends_with("r]")), (names_t{"[br]"}));
  EXPECT_EQ(found(n.ends_with("b")), (names_t{"a_b", "axb", "b"}));
  EXPECT_EQ(found(n.contains("off")), (names_t{"50% off", "50 % off", "5000 off"}));
  EXPECT_EQ(found(n.contains("Off")), (names_t{"Off 50%"}));
  EXPECT_EQ(found(n.contains("Caf")), (names_t{"Café"}));
  EXPECT_EQ(found(!n.contains("%") && n.contains("50")), (names_t{"5000 off"}));
  EXPECT_EQ(found(n.contains("") && n.starts_with("")), texts);  // the empty text is in every one
  EXPECT_EQ(found(n.contains("'; DROP TABLE users; --")), names_t{});

  // Ignoring the case of ASCII letters, and only finding the text as it is.
  EXPECT_EQ(found(n.icontains("OFF")), (names_t{"50% off", "50 % off", "5000 off", "Off 50%"}));
  EXPECT_EQ(found(n.istarts_with("a_")), (names_t{"a_b", "A_B"}));
  EXPECT_EQ(found(n.iends_with("_B")), (names_t{"a_b", "A_B"}));
  EXPECT_EQ(found(n.icontains("cAF")), (names_t{"Café", "CAFÉ"}));
  EXPECT_EQ(found(n.icontains("%")), (names_t{"50% off", "50 % off", "Off 50%"}));

  // ilike is a pattern that ignores case; like is the database's own.
  EXPECT_EQ(found(n.ilike("a_b")), (names_t{"a_b", "axb", "A_B"}));
  EXPECT_EQ(found(n.not_ilike("%o%")),
            (names_t{"a_b", "axb", "A_B", "x!y", "x!!y", "*star", "?q", "[br]", "b", "", "Café", "CAFÉ"}));
}

TEST_P(queries, order_take_drop_and_distinct) {
  EXPECT_EQ(names(ar::from<person>(db) | ar::order_by(ar::desc(person::c.score)) | ar::take(2) | ar::to_vector),
            (names_t{"ada", "eve"}));
  EXPECT_EQ(names(ar::from<person>(db) | ar::order_by(person::c.active, person::c.name.desc()) | ar::drop(1) |
                  ar::take(2) | ar::to_vector),
            (names_t{"bob", "abe"}));
  EXPECT_EQ(names(ar::from<person>(db) | ar::order_by(person::c.name) | ar::drop(4) | ar::to_vector),
            (names_t{"dee", "eve"}));
  auto flags = ar::from<person>(db) | ar::select(person::c.active) | ar::distinct | ar::order_by(person::c.active) |
               ar::to_vector;
  EXPECT_EQ(flags, (std::vector<std::tuple<bool>>{{false}, {true}}));
}

TEST_P(queries, select_reads_a_tuple_or_a_struct_of_columns) {
  auto pairs = ar::from<person>(db) | ar::filter(person::c.age > 50) | ar::order_by(person::c.id) |
               ar::select(person::c.name, person::c.age) | ar::to_vector;
  EXPECT_EQ(pairs, (std::vector<std::tuple<std::string, std::optional<std::int32_t>>>{{"dee", 52}, {"abe", 70}}));

  struct name_score {
    std::string name;
    double score;
  };
  auto rows = ar::from<person>(db) | ar::order_by(person::c.score) |
              ar::select_as<name_score>(person::c.name, person::c.score) | ar::take(1) | ar::to_vector;
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].name, "dee");
  EXPECT_EQ(rows[0].score, 1.0);
}

TEST_P(queries, terminal_aggregates) {
  auto q = ar::from<person>(db);
  EXPECT_EQ(q | ar::count, 6);
  EXPECT_EQ(q | ar::filter(person::c.active) | ar::count, 3);
  EXPECT_TRUE(q | ar::filter(person::c.name == "eve") | ar::exists);
  EXPECT_FALSE(q | ar::filter(person::c.name == "zed") | ar::exists);
  EXPECT_EQ(q | ar::sum(person::c.age), 36 + 17 + 52 + 18 + 70);
  EXPECT_DOUBLE_EQ(q | ar::sum(person::c.score), 9.5 + 4.0 + 7.25 + 1.0 + 8.0 + 6.5);
  EXPECT_EQ(q | ar::minimum(person::c.age), 17);
  EXPECT_EQ(q | ar::maximum(person::c.name), "eve");
  EXPECT_EQ(q | ar::maximum(person::c.joined), day(6));
  EXPECT_DOUBLE_EQ(*(q | ar::average(person::c.age)), (36 + 17 + 52 + 18 + 70) / 5.0);
  auto none = q | ar::filter(person::c.name == "zed");
  EXPECT_EQ(none | ar::sum(person::c.age), 0);
  EXPECT_EQ(none | ar::maximum(person::c.age), std::nullopt);
  EXPECT_EQ(none | ar::average(person::c.score), std::nullopt);
}

TEST_P(queries, aggregates_respect_take_drop_and_distinct) {
  auto q = ar::from<person>(db) | ar::order_by(person::c.id);
  EXPECT_EQ(q | ar::take(4) | ar::count, 4);
  EXPECT_EQ(q | ar::drop(4) | ar::count, 2);
  EXPECT_EQ(q | ar::take(2) | ar::sum(person::c.age), 36 + 17);
  EXPECT_EQ(ar::from<person>(db) | ar::select(person::c.active) | ar::distinct | ar::count, 2);
  EXPECT_FALSE(q | ar::drop(6) | ar::exists);
}

TEST_P(queries, first_is_by_key_unless_ordered) {
  EXPECT_EQ((ar::from<person>(db) | ar::first)->name, "ada");
  EXPECT_EQ((ar::from<person>(db) | ar::order_by(person::c.name) | ar::first)->name, "abe");
  EXPECT_EQ(ar::from<person>(db) | ar::filter(person::c.name == "zed") | ar::first, std::nullopt);
}

TEST_P(queries, one_pipeline_is_one_statement) {
  ar::statement_counter counter;
  auto rows =
      ar::from<person>(db) | ar::filter(person::c.age > 1) | ar::order_by(person::c.name) | ar::take(3) | ar::to_vector;
  EXPECT_EQ(rows.size(), 3u);
  EXPECT_EQ(counter.count(), 1u);
}

TEST_P(queries, running_the_same_shape_again_prepares_nothing) {
  auto run = [&](int age) {
    return ar::from<person>(db) | ar::filter(person::c.age > age && person::c.name.like("%e%")) | ar::take(5) |
           ar::to_vector;
  };
  EXPECT_EQ(run(1).size(), 3u);
  // Preparations, not cached statements: with the cache bypassed the cache stays as it is while
  // every run prepares its statement again.
  const std::uint64_t prepared = db.statements_prepared();
  ar::statement_counter counter;
  EXPECT_EQ(run(20).size(), 2u);
  EXPECT_EQ(run(60).size(), 1u);
  EXPECT_EQ(counter.count(db), 2u);  // both ran
  EXPECT_EQ(db.statements_prepared(), prepared);
}

TEST_P(queries, queries_run_on_the_models_database_unless_given_one) {
  auto other = ar_test::open_backend(GetParam(), "other");
  ar::create_table<person>(other);
  ar::statement_counter counter;
  EXPECT_EQ(ar::from<person>() | ar::count, 6);       // the default database
  EXPECT_EQ(ar::from<person>(other) | ar::count, 0);  // the one given
  EXPECT_EQ(counter.count(db), 1u);
  EXPECT_EQ(counter.count(other), 1u);
}

TEST_P(queries, a_refused_query_is_a_database_error_with_its_sql) {
  ar::drop_table<post>(db);
  try {
    (void)(ar::from<post>(db) | ar::filter(post::c.title == "x") | ar::to_vector);
    FAIL() << "expected ar::database_error";
  } catch (const ar::database_error& e) {
    EXPECT_NE(e.sql().find(ar_test::sql_for(db, "FROM {posts} WHERE {title} = ")), std::string::npos) << e.sql();
  }
}

TEST_P(queries, hostile_strings_are_only_ever_values) {
  user u{0, "'; DROP TABLE users; --", std::nullopt};
  ar::insert(db, u);
  auto found = ar::from<user>(db) | ar::filter(user::c.name == "'; DROP TABLE users; --") | ar::to_vector;
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].id, u.id);
  EXPECT_EQ(ar::from<user>(db) | ar::filter(user::c.name.like("%'%")) | ar::count, 1);
}

AR_INSTANTIATE_BACKEND_SUITE(queries);

}  // namespace
