#include "../support/backends.hpp"
#include "../support/models.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <unistd.h>

namespace {

using ar_test::user;

class registry : public ::testing::Test {
 protected:
  void TearDown() override { ar::close_all(); }
};

TEST_F(registry, a_url_without_a_backend_is_a_configuration_error) {
  EXPECT_THROW(ar::open("db=:memory:"), ar::configuration_error);
  EXPECT_THROW(ar::open("nosuchdb://x"), ar::configuration_error);
}

TEST_F(registry, an_unreachable_server_is_a_connection_error_without_the_password) {
  try {
    ar::open("postgresql://host=127.0.0.1 port=1 dbname=x user=x password=secret connect_timeout=2");
    FAIL() << "expected ar::connection_error";
  } catch (const ar::connection_error& e) {
    EXPECT_EQ(std::string(e.what()).find("secret"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("port=1"), std::string::npos) << e.what();
  }
}

TEST_F(registry, names_are_unique_and_looked_up) {
  auto a = ar::open("sqlite3://db=:memory:", "a");
  EXPECT_THROW(ar::open("sqlite3://db=:memory:", "a"), ar::configuration_error);
  auto b = ar::open("sqlite3://db=:memory:", "b");
  EXPECT_EQ(ar::get_database("b"), b);
  EXPECT_EQ(ar::default_database(), a);  // none is named "default": the first opened
  auto d = ar::open("sqlite3://db=:memory:");
  EXPECT_EQ(d.name(), "default");
  EXPECT_EQ(ar::default_database(), d);  // the one named "default" wins
  EXPECT_THROW(ar::get_database("c"), ar::configuration_error);
  EXPECT_EQ(b.name(), "b");
  EXPECT_EQ(b.url(), "sqlite3://db=:memory:");
}

TEST_F(registry, no_open_database_is_a_clear_error) {
  EXPECT_THROW(ar::default_database(), ar::configuration_error);
  user u;
  EXPECT_THROW(ar::insert(u), ar::configuration_error);
}

TEST_F(registry, a_closed_database_refuses_statements_and_frees_its_name) {
  auto db = ar::open("sqlite3://db=:memory:", "gone");
  db.close();
  EXPECT_FALSE(db.is_open());
  EXPECT_THROW(db.execute("SELECT 1"), ar::configuration_error);
  EXPECT_THROW(ar::get_database("gone"), ar::configuration_error);
  EXPECT_NO_THROW(ar::open("sqlite3://db=:memory:", "gone"));
}

TEST_F(registry, a_model_bound_to_a_database_uses_it_and_others_use_the_default) {
  auto main_db = ar::open("sqlite3://db=:memory:", "main");
  auto other = ar::open("sqlite3://db=:memory:", "other");
  ar::bind<user>("other");
  ar::create_table<user>(other);
  EXPECT_EQ(ar::database_for<user>(), other);
  EXPECT_EQ(ar::database_for<ar_test::country>(), main_db);
  ar::statement_counter counter;
  user u{0, "bound", std::nullopt};
  ar::insert(u);
  EXPECT_EQ(counter.count("other"), 1u);
  EXPECT_EQ(counter.count(main_db), 0u);
  EXPECT_EQ(ar::find<user>(other, u.id)->name, "bound");
  ar::bind<user>("nowhere");
  EXPECT_THROW(ar::insert(u), ar::configuration_error);
  ar::bind<user>("default");  // back to what the other suites expect
}

// database_for remembers its last answers per thread (src/exec/registry.cpp): a database closed,
// opened again under the name or bound anew is what the next query finds.
TEST_F(registry, a_models_database_is_found_anew_after_a_close_an_open_and_a_bind) {
  auto first = ar::open("sqlite3://db=:memory:", "first");
  ar::bind<user>("first");
  EXPECT_EQ(ar::database_for<user>(), first);
  EXPECT_EQ(ar::database_for<user>(), first);  // remembered
  first.close();
  EXPECT_THROW(ar::database_for<user>(), ar::configuration_error);  // not the closed one
  auto again = ar::open("sqlite3://db=:memory:", "first");
  EXPECT_EQ(ar::database_for<user>(), again);
  EXPECT_NE(ar::database_for<user>(), first);
  auto second = ar::open("sqlite3://db=:memory:", "second");
  ar::bind<user>("second");
  EXPECT_EQ(ar::database_for<user>(), second);
  ar::bind<user>("default");  // back to what the other suites expect
}

TEST_F(registry, a_sqlite_file_keeps_its_rows_across_connections) {
  const auto path = std::filesystem::temp_directory_path() / ("ar_test_" + std::to_string(::getpid()) + ".db");
  std::filesystem::remove(path);
  const std::string url = "sqlite3://db=" + path.string();
  {
    auto db = ar::open(url, "file");
    ar::create_table<user>(db);
    user u{0, "persisted", std::nullopt};
    ar::insert(db, u);
    db.close();
  }
  auto db = ar::open(url, "file");
  EXPECT_EQ(ar::find_or_throw<user>(db, 1).name, "persisted");
  db.close();
  std::filesystem::remove(path);
}

TEST_F(registry, execute_of_a_statement_that_returns_rows_leaves_no_read_open) {
  const auto path = std::filesystem::temp_directory_path() / ("ar_test_rows_" + std::to_string(::getpid()) + ".db");
  std::filesystem::remove(path);
  const std::string url = "sqlite3://db=" + path.string();
  auto reader = ar::open(url, "reader");
  ar::create_table<user>(reader);
  user u{0, "a", std::nullopt};
  ar::insert(reader, u);
  reader.execute(R"(SELECT * FROM "users")");  // rows nobody reads
  auto writer = ar::open(url, "writer");
  user v{0, "b", std::nullopt};
  EXPECT_NO_THROW(ar::insert(writer, v));  // a statement left open on the reader would lock this out
  EXPECT_EQ(v.id, u.id + 1);               // and it is stored, seen from both connections
  EXPECT_EQ(ar::from<user>(writer) | ar::count, 2);
  EXPECT_EQ(ar::from<user>(reader) | ar::count, 2);
  writer.close();
  reader.close();
  std::filesystem::remove(path);
}

class raw_execute : public ar_test::backend_test {};

TEST_P(raw_execute, binds_values_and_reports_changed_rows) {
  ar::create_table<user>(db);
  const std::string insert = ar_test::sql_for(db, "INSERT INTO {users} ({user_name}, {hair_color}) VALUES (?, ?)");
  EXPECT_EQ(db.execute(insert, {std::string("a"), ar::null}), 1u);
  EXPECT_EQ(db.execute(insert, {std::string("b"), std::string("red")}), 1u);
  EXPECT_EQ(db.execute(ar_test::sql_for(db, "UPDATE {users} SET {hair_color} = 'x'")), 2u);
}

AR_INSTANTIATE_BACKEND_SUITE(raw_execute);

}  // namespace
