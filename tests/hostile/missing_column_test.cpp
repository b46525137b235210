// A model's column that the table does not have is an error naming it, on every backend: never a
// value. SQLite reads an unknown double-quoted identifier as a string literal unless told not to
// (SQLITE_DBCONFIG_DQS_DML / DQS_DDL): a missing column then read as its own name, and
// `filter(col != x) | delete_all` deleted every row.

#include "../support/backends.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

namespace drift {

// What the program believes the table holds: `colour` is not there.
struct believed {
  std::int64_t id = 0;
  std::string name;
  std::string colour;

  AR_MODEL(believed, "drifted_things", AR_FIELDS(id, name, colour));
};

// What it does hold, to look at the rows.
struct actual {
  std::int64_t id = 0;
  std::string name;

  AR_MODEL(actual, "drifted_things", AR_FIELDS(id, name));
};

// The key under a name the table does not have.
struct rekeyed {
  std::int64_t ident = 0;
  std::string name;

  AR_MODEL(rekeyed, "drifted_things", AR_FIELDS(ident, name), AR_PRIMARY_KEY(ident));
};

}  // namespace drift

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class missing_column : public ar_test::backend_test {
 protected:
  void SetUp() override {
    backend_test::SetUp();
    db.execute(ar_test::sql_for(db, "CREATE TABLE {drifted_things} ({id} BIGINT PRIMARY KEY, {name} VARCHAR(100))"));
    for (std::int64_t id : {1, 2, 3})
      db.execute(ar_test::sql_for(db, "INSERT INTO {drifted_things} ({id}, {name}) VALUES (?, ?)"),
                 {id, "thing " + std::to_string(id)});
  }

  // The rows are the three written in SetUp, untouched.
  void expect_rows_intact() {
    const auto rows = ar::from<drift::actual>(db) | ar::order_by(drift::actual::c.id) | ar::to_vector;
    ASSERT_EQ(rows.size(), 3u);
    for (std::size_t i = 0; i < rows.size(); ++i) {
      EXPECT_EQ(rows[i].id, static_cast<std::int64_t>(i + 1));
      EXPECT_EQ(rows[i].name, "thing " + std::to_string(i + 1));
    }
  }

  // `use` fails with a database_error that names `column`.
  template <class F>
  void expect_names(F&& use, const std::string& column, const char* what) {
    SCOPED_TRACE(what);
    try {
      use();
      ADD_FAILURE() << "ran with a column the table does not have";
    } catch (const ar::database_error& e) {
      EXPECT_TRUE(contains(e.backend_message(), column)) << e.what();
      EXPECT_TRUE(contains(e.sql(), column)) << e.sql();
      EXPECT_EQ(e.database(), "default");
    }
  }
};

TEST_P(missing_column, a_delete_filtered_on_it_throws_and_deletes_nothing) {
  expect_names(
      [&] { (void)(ar::from<drift::believed>(db) | ar::filter(drift::believed::c.colour != "red") | ar::delete_all); },
      "colour", "delete_all, !=");
  expect_names(
      [&] {
        (void)(ar::from<drift::believed>(db) | ar::filter(drift::believed::c.colour == "colour") | ar::delete_all);
      },
      "colour", "delete_all, == its own name");
  expect_rows_intact();
}

TEST_P(missing_column, reading_it_throws_naming_it) {
  expect_names([&] { (void)ar::find<drift::believed>(db, 1); }, "colour", "find");
  expect_names([&] { (void)(ar::from<drift::believed>(db) | ar::to_vector); }, "colour", "to_vector");
  expect_names(
      [&] { (void)(ar::from<drift::believed>(db) | ar::filter(drift::believed::c.colour == "colour") | ar::count); },
      "colour", "count filtered on it");
  expect_rows_intact();
}

TEST_P(missing_column, an_update_keyed_by_it_throws_and_changes_nothing) {
  // UPDATE ... SET name = ? WHERE "ident" = ?: the key is the missing column.
  drift::rekeyed r{1, "changed"};
  expect_names([&] { ar::update(db, r); }, "ident", "update");
  expect_names([&] { (void)ar::destroy(db, r); }, "ident", "destroy");
  expect_rows_intact();
}

TEST_P(missing_column, every_connection_of_a_pool_refuses_it) {
  // A pool of three (on SQLite a file, which a pool can share): each connection the pool opens
  // refuses the missing column, also those opened while the others are held.
  ar_test::close_backends();
  ar::open_options options;
  options.pool_size = 3;
  db = ar_test::open_backend(GetParam() == "sqlite" ? "sqlite_file" : GetParam(), "default", options);
  db.execute(ar_test::sql_for(db, "CREATE TABLE {drifted_things} ({id} BIGINT PRIMARY KEY, {name} VARCHAR(100))"));
  db.execute(ar_test::sql_for(db, "INSERT INTO {drifted_things} ({id}, {name}) VALUES (1, 'one')"));
  // Three transactions hold the pool's three connections at once, one per thread.
  std::vector<std::string> failures(3);
  std::vector<std::thread> threads;
  std::atomic<int> holding{0};
  for (int t = 0; t < 3; ++t)
    threads.emplace_back([&, t] {
      ar::transaction tx(db);
      ++holding;
      while (holding.load() < 3) std::this_thread::yield();
      try {
        (void)(ar::from<drift::believed>(db) | ar::filter(drift::believed::c.colour != "red") | ar::delete_all);
        failures[static_cast<std::size_t>(t)] = "deleted";
      } catch (const ar::database_error& e) {
        failures[static_cast<std::size_t>(t)] = e.backend_message();
      }
    });
  for (auto& th : threads) th.join();
  for (const std::string& f : failures) EXPECT_TRUE(contains(f, "colour")) << f;
  EXPECT_EQ(ar::from<drift::actual>(db) | ar::count, 1);
}

AR_INSTANTIATE_BACKEND_SUITE(missing_column);

}  // namespace
