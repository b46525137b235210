// Limits are errors, not crashes: relation paths far too deep or long, key lists past a backend's
// bind limit, very long strings, a closed or never-opened database, a model bound to a name that
// was never opened, a model used before its table exists. Each is a clear ar::error (its type, and
// a message that says what was wrong) or a correct result, in bounded time, on every backend.
// (Eager loads of 70,004 parents, split past the bind limit: tests/loading.)

#include "../relation/models.hpp"
#include "../support/backends.hpp"
#include "../support/models.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <limits>
#include <span>
#include <cstdint>
#include <numeric>
#include <string>
#include <vector>

namespace limits {

// Bound to a database name that no test opens.
struct stray {
  std::int64_t id = 0;
  std::string name;

  AR_MODEL(stray, "strays", AR_FIELDS(id, name));
};

// Never given a table.
struct tableless {
  std::int64_t id = 0;
  std::string name;

  AR_MODEL(tableless, "tableless_things", AR_FIELDS(id, name));
};

}  // namespace limits

namespace {

using namespace std::chrono;
using ar_test::everything;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// "posts.comments.post.comments.post..." with `names` names: users -> posts -> comments -> post ->
// comments ...
std::string deep_path(std::size_t names) {
  std::string path = "posts";
  for (std::size_t i = 1; i < names; ++i) path += i % 2 ? ".comments" : ".post";
  return path;
}

class limits_test : public ar_test::backend_test {
 protected:
  void SetUp() override {
    backend_test::SetUp();
    ar::create_tables<rel::user, rel::post, rel::comment>(db);
  }

  // Two users, three posts, five comments: every level of posts.comments.post.comments... has rows.
  void seed() {
    rel::user ada{0, "ada"}, bob{0, "bob"};
    ar::insert(db, ada);
    ar::insert(db, bob);
    for (auto [user, title] : {std::pair{&ada, "a1"}, std::pair{&ada, "a2"}, std::pair{&bob, "b1"}}) {
      rel::post p{0, user->id, title, "published"};
      ar::insert(db, p);
      for (int i = 0; i < (title[1] == '1' ? 2 : 1); ++i) {
        rel::comment c{0, p.id, std::string(title) + "-c" + std::to_string(i)};
        ar::insert(db, c);
      }
    }
  }
};

// The deepest path ar takes (64 names) loads every level correctly, one statement per level; one
// name more, 1000 names or 100 kB of path is ar::invalid_relation_path before anything runs.
TEST_P(limits_test, deeply_nested_relation_paths_load_or_are_refused) {
  seed();
  const std::size_t most = ar::detail::max_relation_path_names;
  ASSERT_EQ(most, 64u);

  // posts.comments.post.comments.post...: 64 names, 65 statements, the right records at the bottom.
  const std::string deepest = deep_path(most);
  {
    ar::statement_counter counter;
    const auto start = steady_clock::now();
    const auto users = ar::from<rel::user>(db) | ar::order_by(rel::user::c.id) | ar::with(deepest) | ar::to_vector;
    EXPECT_LT(steady_clock::now() - start, seconds(30));
    EXPECT_EQ(counter.count(), 1 + most);
    ASSERT_EQ(users.size(), 2u);
    ASSERT_EQ(users[0].posts().size(), 2u);
    // Down 16 rounds of posts.comments.post.comments: still ada's first post and its comments.
    const rel::post* p = &users[0].posts()[0];
    for (int round = 0; round < 15; ++round) {
      ASSERT_FALSE(p->comments().empty());
      const auto& c = p->comments()[0];
      ASSERT_TRUE(c.post());
      p = &*c.post();
    }
    EXPECT_EQ(p->title, users[0].posts()[0].title);
    EXPECT_EQ(counter.count(), 1 + most);  // all of it was loaded: nothing lazy
  }
  // ar::load takes it too.
  {
    auto users = ar::from<rel::user>(db) | ar::to_vector;
    ar::statement_counter counter;
    ar::load(users, deepest);
    EXPECT_EQ(counter.count(), most);
  }
  // where_has nests one subquery per name: PostgreSQL runs 64 of them; SQLite's parser and
  // MariaDB stop before, with an error of their own.
  try {
    EXPECT_EQ(ar::from<rel::user>(db) | ar::where_has(deepest) | ar::count, 2);
    EXPECT_EQ(ar_test::engine_of(GetParam()), "postgresql");
  } catch (const ar::database_error& e) {
    EXPECT_NE(ar_test::engine_of(GetParam()), "postgresql") << e.what();
    EXPECT_TRUE(contains(e.backend_message(), "parser stack overflow") ||
                contains(e.backend_message(), "Too high level of nesting for select"))
        << e.backend_message();
  }

  // Past the bound: refused before any statement, with a message that says why and is short.
  for (const std::string& path : {deep_path(most + 1), deep_path(1000), deep_path(100'000 / 9)}) {
    SCOPED_TRACE(std::to_string(path.size()) + " bytes");
    ar::statement_counter counter;
    const auto start = steady_clock::now();
    try {
      (void)(ar::from<rel::user>(db) | ar::with(path) | ar::to_vector);
      ADD_FAILURE() << "a path of " << path.size() << " bytes was taken";
    } catch (const ar::invalid_relation_path& e) {
      EXPECT_TRUE(contains(e.what(), "names more than 64 relations")) << e.what();
      EXPECT_LT(std::string(e.what()).size(), 400u);
    }
    auto users = ar::from<rel::user>(db) | ar::to_vector;
    EXPECT_THROW(ar::load(users, path), ar::invalid_relation_path);
    EXPECT_THROW((void)(ar::from<rel::user>(db) | ar::where_has(path) | ar::count), ar::invalid_relation_path);
    EXPECT_EQ(counter.count(), 1);  // the to_vector above, nothing else
    EXPECT_LT(steady_clock::now() - start, seconds(10));
  }
  // 100 kB of one name: no such relation, and the message names the model.
  try {
    (void)(ar::from<rel::user>(db) | ar::with(std::string(100'000, 'p')));
    ADD_FAILURE() << "a 100 kB relation name was taken";
  } catch (const ar::relation_not_found& e) {
    EXPECT_TRUE(contains(e.what(), "model 'users' has no relation named")) << std::string(e.what()).substr(0, 200);
  }
  // 100 kB of dots.
  EXPECT_THROW((void)(ar::from<rel::user>(db) | ar::with(std::string(100'000, '.'))), ar::invalid_relation_path);
  // Every row is still there.
  EXPECT_EQ(ar::from<rel::comment>(db) | ar::count, 5);
}

// filter(col.in(...)) with 200,000 values is one statement, not split (relation loads and
// insert_all split their own lists): past the backend's max_parameters() it is refused before it is
// sent, with an ar::database_error that names the limit, the same on every backend (SQLite builds
// differ in theirs; SOCI's postgresql backend would only say "Cannot prepare statement").
TEST_P(limits_test, a_huge_in_list_is_a_clear_error) {
  seed();
  const std::size_t most = db.dialect().max_parameters();
  std::vector<std::int64_t> keys(200'000);
  std::iota(keys.begin(), keys.end(), std::int64_t{1});  // 1 .. 200,000: users 1 and 2 among them
  const auto start = steady_clock::now();
  {
    try {
      (void)(ar::from<rel::user>(db) | ar::filter(rel::user::c.id.in(keys)) | ar::count);
      ADD_FAILURE() << "ran a statement of 200,000 parameters";
    } catch (const ar::database_error& e) {
      EXPECT_TRUE(contains(e.backend_message(), "binds 200000 values, more than the " + std::to_string(most)))
          << e.backend_message();
      EXPECT_TRUE(contains(e.sql(), "IN (")) << e.sql().substr(0, 200);
    }
  }
  EXPECT_LT(steady_clock::now() - start, seconds(60));
  // One more than the limit: refused; the limit itself: one statement that runs.
  keys.resize(most + 1);
  EXPECT_THROW((void)(ar::from<rel::user>(db) | ar::filter(rel::user::c.id.in(keys)) | ar::count), ar::database_error);
  keys.resize(most);
  ar::statement_counter counter;
  EXPECT_EQ(ar::from<rel::user>(db) | ar::filter(rel::user::c.id.in(keys)) | ar::count, 2);
  EXPECT_EQ(counter.count(), 1);
  EXPECT_EQ(ar::from<rel::comment>(db) | ar::count, 5);
}

// A 10 MB string is stored and read back exactly, on every backend. Where a statement cannot carry
// a value (MariaDB: the server takes at most max_allowed_packet of an execution's bound values,
// 16 MiB by default), it is an ar::database_error, and the next statement runs on a fresh
// connection.
TEST_P(limits_test, very_long_strings_round_trip_or_are_a_clear_error) {
  ar::create_table<everything>(db);
  std::string ten_mb(10u << 20, 'x');
  for (std::size_t i = 0; i < ten_mb.size(); i += 4096) ten_mb[i] = static_cast<char>('a' + (i / 4096) % 26);
  everything e;
  e.text = ten_mb;
  ar::insert(db, e);
  const auto back = ar::find_or_throw<everything>(db, e.id);
  EXPECT_EQ(back.text.size(), ten_mb.size());
  EXPECT_TRUE(back.text == ten_mb);
  EXPECT_EQ(ar::from<everything>(db) | ar::filter(everything::c.text == ten_mb) | ar::count, 1);
  e.text = "short";
  e.opt_text = ten_mb;
  ar::update(db, e);
  EXPECT_TRUE(ar::find_or_throw<everything>(db, e.id).opt_text == ten_mb);

  // 20 MB of quotes: more than MariaDB's max_allowed_packet.
  everything big;
  big.text = std::string(20u << 20, '\'');
  if (GetParam() == "mariadb") {
    try {
      ar::insert(db, big);
      ADD_FAILURE() << "a 20 MB value was taken";
    } catch (const ar::database_error& err) {
      // The server closes the connection on a packet past max_allowed_packet; what the client
      // reports depends on when it notices.
      EXPECT_TRUE(contains(err.backend_message(), "max_allowed_packet") ||
                  contains(err.backend_message(), "gone away") || contains(err.backend_message(), "Lost connection"))
          << err.backend_message();
      EXPECT_TRUE(contains(err.sql(), "INSERT INTO `everythings`")) << err.sql();
    }
  } else {
    ar::insert(db, big);
    EXPECT_TRUE(ar::find_or_throw<everything>(db, big.id).text == big.text);
  }
  // The database goes on, and the first row is intact.
  EXPECT_EQ(ar::from<everything>(db) | ar::count, GetParam() == "mariadb" ? 1 : 2);
  EXPECT_TRUE(ar::find_or_throw<everything>(db, e.id).opt_text == ten_mb);
}

// A closed database: every use is ar::configuration_error naming it.
TEST_P(limits_test, a_closed_database_is_a_configuration_error) {
  seed();
  ar::database handle = db;
  handle.close();
  EXPECT_FALSE(db.is_open());
  auto expect_closed = [&](auto&& use, const char* what) {
    SCOPED_TRACE(what);
    try {
      use();
      ADD_FAILURE() << "ran on a closed database";
    } catch (const ar::configuration_error& e) {
      EXPECT_TRUE(contains(e.what(), "database 'default' is closed")) << e.what();
    } catch (const std::exception& e) {
      ADD_FAILURE() << "not an ar::configuration_error: " << e.what();
    }
  };
  rel::user u{0, "late"};
  expect_closed([&] { ar::insert(db, u); }, "insert");
  expect_closed([&] { (void)ar::find<rel::user>(db, 1); }, "find");
  expect_closed([&] { (void)(ar::from<rel::user>(db) | ar::to_vector); }, "to_vector");
  expect_closed([&] { (void)(ar::from<rel::user>(db) | ar::count); }, "count");
  expect_closed([&] { db.execute("SELECT 1"); }, "execute");
  expect_closed([&] { ar::create_table<limits::tableless>(db); }, "create_table");
  expect_closed([&] { ar::transaction tx(db); }, "transaction");
  expect_closed(
      [&] {
        for (const auto& row : ar::from<rel::user>(db) | ar::stream) (void)row;
      },
      "stream");
  // The models, which find their database by name: it is gone from the registry.
  try {
    (void)(ar::from<rel::user>() | ar::count);
    ADD_FAILURE() << "a model found a closed database";
  } catch (const ar::configuration_error& e) {
    EXPECT_TRUE(contains(e.what(), "no database is open")) << e.what();
    EXPECT_TRUE(contains(e.what(), "ar::open")) << e.what();
  }
}

// No database open at all: a model's use says so, and what to do.
TEST_P(limits_test, a_model_used_with_no_database_open_is_a_configuration_error) {
  ar_test::close_backends();  // ar::close_all(), and the test's schema or database dropped
  rel::user u{0, "nobody"};
  try {
    ar::insert(u);
    ADD_FAILURE() << "inserted with no database";
  } catch (const ar::configuration_error& e) {
    EXPECT_TRUE(contains(e.what(), "no database is open for table 'users'")) << e.what();
    EXPECT_TRUE(contains(e.what(), "call ar::open(url) first")) << e.what();
  }
  EXPECT_THROW((void)ar::find<rel::user>(1), ar::configuration_error);
  EXPECT_THROW((void)(ar::from<rel::user>() | ar::with("posts") | ar::to_vector), ar::configuration_error);
  EXPECT_THROW((void)ar::default_database(), ar::configuration_error);
  EXPECT_THROW(ar::create_table<rel::user>(), ar::configuration_error);
  // A default-constructed handle refers to nothing.
  ar::database none;
  try {
    ar::insert(none, u);
    ADD_FAILURE() << "inserted through an empty handle";
  } catch (const ar::configuration_error& e) {
    EXPECT_TRUE(contains(e.what(), "refers to no database")) << e.what();
  }
}

// A model bound to a name that was never opened: the error names that database.
TEST_P(limits_test, a_model_bound_to_a_database_never_opened_is_a_configuration_error) {
  ar::bind<limits::stray>("never_opened");
  limits::stray s{0, "x"};
  try {
    ar::insert(s);
    ADD_FAILURE() << "inserted into a database never opened";
  } catch (const ar::configuration_error& e) {
    EXPECT_TRUE(contains(e.what(), "no database named 'never_opened' is open")) << e.what();
  }
  EXPECT_THROW((void)(ar::from<limits::stray>() | ar::count), ar::configuration_error);
  EXPECT_THROW((void)ar::find<limits::stray>(1), ar::configuration_error);
  // Opened later under that name, the binding resolves.
  auto later = ar_test::open_backend(GetParam(), "never_opened");
  ar::create_table<limits::stray>();
  ar::insert(s);
  EXPECT_EQ(ar::from<limits::stray>() | ar::count, 1);
  EXPECT_EQ(ar::from<limits::stray>(later) | ar::count, 1);
}

// A model whose table does not exist: ar::database_error with the SQL and the backend's words.
TEST_P(limits_test, a_model_used_before_its_table_exists_is_a_database_error) {
  auto expect_missing = [&](auto&& use, const char* what) {
    SCOPED_TRACE(what);
    try {
      use();
      ADD_FAILURE() << "ran without a table";
    } catch (const ar::database_error& e) {
      EXPECT_TRUE(contains(e.sql(), "tableless_things")) << e.sql();
      EXPECT_EQ(e.database(), "default");
      const std::string m = e.backend_message();
      EXPECT_TRUE(contains(m, "no such table") || contains(m, "does not exist") || contains(m, "doesn't exist")) << m;
      EXPECT_TRUE(contains(e.what(), "tableless_things")) << e.what();
    }
  };
  limits::tableless t{0, "x"};
  expect_missing([&] { ar::insert(db, t); }, "insert");
  expect_missing([&] { (void)ar::find<limits::tableless>(db, 1); }, "find");
  expect_missing([&] { (void)(ar::from<limits::tableless>(db) | ar::to_vector); }, "to_vector");
  expect_missing([&] { (void)(ar::from<limits::tableless>(db) | ar::count); }, "count");
  t.id = 1;
  expect_missing([&] { ar::update(db, t); }, "update");
  expect_missing([&] { (void)ar::destroy(db, t); }, "destroy");
  // The database is still usable, and the table can be made.
  ar::create_table<limits::tableless>(db);
  t.id = 0;
  ar::insert(db, t);
  EXPECT_EQ(ar::from<limits::tableless>(db) | ar::count, 1);
}

AR_INSTANTIATE_BACKEND_SUITE(limits_test);

// What each dialect refuses before a statement is sent, without a database.
TEST(refused_parameters, names_the_parameter_and_the_reason_per_backend) {
  const ar::dialect& sqlite = *ar::find_dialect("sqlite3");
  const ar::dialect& postgresql = *ar::find_dialect("postgresql");
  const ar::dialect& mysql = *ar::find_dialect("mysql");
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  using namespace std::string_literals;
  const std::vector<ar::value> nul{std::int64_t{1}, "a\0b"s};
  const std::vector<ar::value> nans{std::string("x"), nan};
  const std::vector<ar::value> infs{-inf};
  const std::vector<ar::value> fine{std::int64_t{1}, std::string("'; DROP TABLE x; --"), 0.5, true, ar::value{}};

  EXPECT_EQ(ar::detail::refused_parameters(sqlite, nul), "");
  EXPECT_EQ(ar::detail::refused_parameters(mysql, nul), "");
  EXPECT_TRUE(contains(ar::detail::refused_parameters(postgresql, nul),
                       "parameter 2 is text with a NUL byte (at byte 1 of 3)"));

  EXPECT_TRUE(contains(ar::detail::refused_parameters(sqlite, nans), "parameter 2 is NaN"));
  EXPECT_TRUE(contains(ar::detail::refused_parameters(mysql, nans), "parameter 2 is NaN"));
  EXPECT_EQ(ar::detail::refused_parameters(postgresql, nans), "");

  EXPECT_EQ(ar::detail::refused_parameters(sqlite, infs), "");
  EXPECT_TRUE(contains(ar::detail::refused_parameters(mysql, infs), "parameter 1 is -infinity"));
  EXPECT_EQ(ar::detail::refused_parameters(postgresql, infs), "");

  for (const ar::dialect* d : {&sqlite, &postgresql, &mysql}) {
    EXPECT_EQ(ar::detail::refused_parameters(*d, fine), "");
    const std::vector<ar::value> many(d->max_parameters() + 1, ar::value{std::int64_t{1}});
    EXPECT_TRUE(
        contains(ar::detail::refused_parameters(*d, many), "more than the " + std::to_string(d->max_parameters())));
    EXPECT_EQ(ar::detail::refused_parameters(*d, std::span<const ar::value>(many.data(), many.size() - 1)), "");
  }
}

}  // namespace
