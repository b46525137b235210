// SQLite runs its statements through the sqlite3 C API on the connection SOCI opened
// (backends/sqlite/sqlite_native.cpp). What that path must keep: the statement cache and its count,
// no read left open by a statement read halfway, errors with the SQL, the same conversions.

#include "../support/models.hpp"

#include <ar/ar.hpp>
#include <ar/detail/execute.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

using ar_test::user;

// Fields narrower than what SQLite stores, in a table without NOT NULL.
struct narrow {
  std::int64_t id = 0;
  std::int32_t small = 0;
  std::string label;

  AR_MODEL(narrow, "narrows", AR_FIELDS(id, small, label));
};

class sqlite_native : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string test = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    path =
        std::filesystem::temp_directory_path() / ("ar_test_native_" + std::to_string(::getpid()) + "_" + test + ".db");
    std::filesystem::remove(path);
    url = "sqlite3://db=" + path.string();
  }
  void TearDown() override {
    ar::close_all();
    std::filesystem::remove(path);
  }

  std::filesystem::path path;
  std::string url;
};

TEST_F(sqlite_native, statements_are_prepared_once_cached_counted_and_cleared) {
  auto db = ar::open("sqlite3://db=:memory:", "native");
  ar::create_table<user>(db);
  db.clear_statement_cache();
  EXPECT_EQ(db.cached_statements(), 0u);
  const std::string insert = R"(INSERT INTO "users" ("user_name", "hair_color") VALUES (?, ?))";
  for (int i = 0; i < 3; ++i) EXPECT_EQ(db.execute(insert, {"u" + std::to_string(i), ar::null}), 1u);
  EXPECT_EQ(db.cached_statements(), 1u);
  for (int i = 0; i < 2; ++i) EXPECT_EQ((ar::from<user>(db) | ar::order_by(user::c.id) | ar::to_vector).size(), 3u);
  EXPECT_EQ(db.cached_statements(), 2u);
  db.clear_statement_cache();
  EXPECT_EQ(db.cached_statements(), 0u);
  const auto users = ar::from<user>(db) | ar::order_by(user::c.id) | ar::to_vector;  // prepared again
  ASSERT_EQ(users.size(), 3u);
  EXPECT_EQ(users[2].name, "u2");
  EXPECT_EQ(db.cached_statements(), 1u);
}

TEST_F(sqlite_native, a_statement_read_halfway_holds_no_read_and_stays_cached) {
  auto reader = ar::open(url, "reader");
  ar::create_table<user>(reader);
  for (int i = 0; i < 3; ++i) {
    user u{0, "u" + std::to_string(i), std::nullopt};
    ar::insert(reader, u);
  }
  const std::size_t cached = reader.cached_statements();
  {
    auto rows = ar::from<user>(reader) | ar::order_by(user::c.id) | ar::stream;
    auto it = rows.begin();
    ASSERT_NE(it, rows.end());
    EXPECT_EQ(it->name, "u0");
  }  // left after one row of three
  EXPECT_EQ(reader.cached_statements(), cached + 1);  // reset, not dropped
  auto writer = ar::open(url, "writer");
  user v{0, "v", std::nullopt};
  EXPECT_NO_THROW(ar::insert(writer, v));  // a read left open on the reader would lock this out
  // The cached statement runs again from its first row.
  std::vector<std::string> names;
  for (const user& u : ar::from<user>(reader) | ar::order_by(user::c.id) | ar::stream) names.push_back(u.name);
  EXPECT_EQ(names, (std::vector<std::string>{"u0", "u1", "u2", "v"}));
}

TEST_F(sqlite_native, errors_carry_the_sql_and_sqlites_message_and_drop_the_statement) {
  auto db = ar::open("sqlite3://db=:memory:", "native");
  std::vector<bool> outcomes;
  auto observer = ar::observe([&](const ar::statement_event& e) { outcomes.push_back(e.succeeded); });

  const std::string bad = R"(SELECT "nope" FROM "nothing")";
  try {
    db.execute(bad);
    FAIL() << "expected ar::database_error";
  } catch (const ar::database_error& e) {
    EXPECT_EQ(e.sql(), bad);
    EXPECT_EQ(e.database(), "native");
    EXPECT_NE(e.backend_message().find("no such table: nothing"), std::string::npos) << e.backend_message();
  }
  EXPECT_EQ(outcomes, std::vector<bool>{false});
  EXPECT_EQ(db.cached_statements(), 0u);

  db.execute(R"(CREATE TABLE "codes" ("code" TEXT PRIMARY KEY))");
  const std::string insert = R"(INSERT INTO "codes" ("code") VALUES (?))";
  EXPECT_EQ(db.execute(insert, {std::string("a")}), 1u);
  const std::size_t cached = db.cached_statements();
  try {
    db.execute(insert, {std::string("a")});  // refused when it runs, not when it is prepared
    FAIL() << "expected ar::database_error";
  } catch (const ar::database_error& e) {
    EXPECT_EQ(e.sql(), insert);
    EXPECT_NE(e.backend_message().find("UNIQUE constraint failed: codes.code"), std::string::npos)
        << e.backend_message();
  }
  EXPECT_EQ(db.cached_statements(), cached - 1);          // the failed statement is dropped...
  EXPECT_EQ(db.execute(insert, {std::string("b")}), 1u);  // ...and prepared again
  EXPECT_EQ(outcomes, (std::vector<bool>{false, true, true, false, true}));
}

TEST_F(sqlite_native, a_locked_database_is_a_database_error_with_the_sql) {
  auto first = ar::open(url, "first");
  ar::create_table<user>(first);
  auto second = ar::open(url, "second");
  {
    ar::transaction t(first);
    user a{0, "a", std::nullopt};
    ar::insert(first, a);  // the transaction holds the write lock until it commits
    user b{0, "b", std::nullopt};
    try {
      ar::insert(second, b);
      FAIL() << "expected ar::database_error";
    } catch (const ar::database_error& e) {
      EXPECT_EQ(e.database(), "second");
      EXPECT_NE(e.backend_message().find("database is locked"), std::string::npos) << e.backend_message();
      EXPECT_NE(e.sql().find("INSERT INTO"), std::string::npos) << e.sql();
    }
    t.commit();
  }
  user c{0, "c", std::nullopt};
  EXPECT_NO_THROW(ar::insert(second, c));
  EXPECT_EQ((ar::from<user>(second) | ar::count), 2);
}

TEST_F(sqlite_native, null_into_a_required_field_and_int32_overflow_are_refused) {
  auto db = ar::open("sqlite3://db=:memory:", "native");
  db.execute(R"(CREATE TABLE "narrows" ("id" INTEGER PRIMARY KEY, "small" INTEGER, "label" TEXT))");
  db.execute(R"(INSERT INTO "narrows" VALUES (1, 5, NULL))");
  try {
    (void)ar::find<narrow>(db, 1);
    FAIL() << "expected ar::error";
  } catch (const ar::conversion_error& e) {
    EXPECT_EQ(e.backend_message(),
              "column 'narrows.label' holds NULL, but its field expects text (std::string), never NULL (the field is "
              "not a std::optional)");
    EXPECT_EQ(e.database(), "native");
  }
  db.execute(R"(UPDATE "narrows" SET "label" = 'x', "small" = 3000000000)");
  try {
    (void)ar::find<narrow>(db, 1);
    FAIL() << "expected ar::error";
  } catch (const ar::conversion_error& e) {
    EXPECT_EQ(e.backend_message(),
              "column 'narrows.small' holds integer 3000000000, but its field expects an integer from -2147483648 to "
              "2147483647 (std::int32_t)");
  }
  db.execute(R"(UPDATE "narrows" SET "small" = -7, "label" = '')");
  const auto back = ar::find<narrow>(db, 1);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->small, -7);
  EXPECT_EQ(back->label, "");
}

TEST_F(sqlite_native, placeholders_without_a_value_are_null_never_a_previous_value) {
  auto db = ar::open("sqlite3://db=:memory:", "native");
  db.execute(R"(CREATE TABLE "pairs" ("a" INTEGER, "b" TEXT))");
  const std::string insert = R"(INSERT INTO "pairs" VALUES (?, ?))";
  db.execute(insert, {1, std::string("first")});  // the text the statement pointed at is gone after this
  // db.execute refuses fewer values than placeholders before anything runs...
  EXPECT_THROW(db.execute(insert, {2}), ar::database_error);
  // ... and the driver, given them anyway, binds NULL to the one left, never the previous value.
  const std::vector<ar::value> one{ar::value{std::int32_t{2}}};
  ar::detail::run(ar::detail::state_of(db), insert, one);
  EXPECT_EQ(db.execute(R"(UPDATE "pairs" SET "a" = "a" WHERE "b" IS NULL)"), 1u);
  EXPECT_EQ(db.execute(R"(UPDATE "pairs" SET "a" = "a" WHERE "b" = 'first')"), 1u);
}

}  // namespace
