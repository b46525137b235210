// SQL written by hand (ar::sql, ar::execute, db.execute) on every backend: ? for each value on
// all of them, values bound, rows read into models by column name, into tuples and single values
// in order, into Hana structs by member name; a result of another shape is an error naming the
// column, a value that does not fit its field a conversion_error. ar::sql_stream reads the same
// rows one at a time, as ar::stream does.

#include "../support/backends.hpp"
#include "../support/streams.hpp"
#include "../support/models.hpp"

#include <ar/ar.hpp>
#include <ar/detail/placeholders.hpp>
#include <ar/sql.hpp>

#include <boost/hana/define_struct.hpp>

#include <gtest/gtest.h>
#include <range/v3/view/take.hpp>
#include <range/v3/view/transform.hpp>

#include <cstdint>
#include <optional>
#include <ranges>
#include <string>
#include <tuple>
#include <vector>

namespace {

using ar_test::post;
using ar_test::user;

struct name_and_posts {
  BOOST_HANA_DEFINE_STRUCT(name_and_posts, (std::string, user_name), (std::int64_t, posts));
};

// The users table as a model with a relation.
struct author {
  std::int64_t id = 0;
  std::string name;
  AR_MODEL(author, "users", AR_FIELDS(id, name), AR_COLUMN(name, "user_name"), AR_HAS_MANY(posts, post, user_id));
};

class hand_written : public ar_test::backend_test {
 protected:
  void SetUp() override {
    backend_test::SetUp();
    ar::create_tables<user, post>(db);
    users = {{0, "ada", "red"}, {0, "bob", std::nullopt}, {0, "cyd", "grey"}};
    ar::insert_all(db, users);
    std::vector<post> posts{
        {0, users[0].id, "a1", std::nullopt}, {0, users[0].id, "a2", "x"}, {0, users[2].id, "c1", "y"}};
    ar::insert_all(db, posts);
  }
  std::vector<user> users;
};

TEST_P(hand_written, sql_reads_records_of_a_model_by_column_name) {
  ar::statement_counter counter;
  // The columns in another order than the model's: matched by name.
  const auto found =
      ar::sql<user>(db, "SELECT hair_color, user_name, id FROM users WHERE id >= ? ORDER BY id", users[1].id);
  EXPECT_EQ(counter.count(), 1u);
  EXPECT_EQ(found, (std::vector<user>{users[1], users[2]}));
  EXPECT_EQ(ar::sql<user>(db, "SELECT * FROM users WHERE user_name = ?", "ada"), std::vector<user>{users[0]});
  EXPECT_TRUE(ar::sql<user>(db, "SELECT * FROM users WHERE user_name = ?", "zed").empty());
}

// A SELECT kept in the statement cache, its table changed by DDL ar did not send: the next run
// reads the table as it is now (here: a column the model has not, named in the error), and once
// the table is as before, the same statement reads again.
TEST_P(hand_written, a_cached_select_follows_its_table_changed_behind_ars_back) {
  const std::string sql = "SELECT * FROM users WHERE user_name = ?";
  EXPECT_EQ(ar::sql<user>(db, sql, "ada"), std::vector<user>{users[0]});
  EXPECT_EQ(ar::sql<user>(db, sql, "ada"), std::vector<user>{users[0]});  // the cached statement
  db.execute(ar_test::sql_for(db, "ALTER TABLE {users} ADD COLUMN extra INTEGER"));
  for (int run = 0; run < 2; ++run) {
    try {
      (void)ar::sql<user>(db, sql, "ada");
      ADD_FAILURE() << "the result has a column the model has not";
    } catch (const ar::database_error& e) {
      EXPECT_NE(std::string(e.what()).find("extra"), std::string::npos) << e.what();
    }
  }
  db.execute(ar_test::sql_for(db, "ALTER TABLE {users} DROP COLUMN extra"));
  EXPECT_EQ(ar::sql<user>(db, sql, "ada"), std::vector<user>{users[0]});
}

TEST_P(hand_written, records_read_by_hand_load_their_relations) {
  auto authors = ar::sql<author>(db, "SELECT id, user_name FROM users ORDER BY id");
  ASSERT_EQ(authors.size(), 3u);
  ar::statement_counter counter;
  ar::load(authors, "posts");
  EXPECT_EQ(counter.count(), 1u);
  EXPECT_EQ(authors[0].posts().size(), 2u);
  EXPECT_EQ(authors[1].posts().size(), 0u);
  EXPECT_EQ(authors[2].posts()[0].title, "c1");
}

TEST_P(hand_written, sql_reads_tuples_values_and_structs) {
  using row = std::tuple<std::string, std::int64_t, std::optional<std::string>>;
  const auto rows =
      ar::sql<row>(db,
                   "SELECT u.user_name, COUNT(p.id), MAX(p.body) FROM users u LEFT JOIN posts p ON p.user_id = u.id "
                   "GROUP BY u.id, u.user_name HAVING COUNT(p.id) >= ? ORDER BY u.user_name",
                   0);
  EXPECT_EQ(rows, (std::vector<row>{{"ada", 2, "x"}, {"bob", 0, std::nullopt}, {"cyd", 1, "y"}}));

  EXPECT_EQ(ar::sql<std::int64_t>(db, "SELECT COUNT(*) FROM posts WHERE title <> ?", "a1"),
            std::vector<std::int64_t>{2});
  EXPECT_EQ(ar::sql<std::optional<std::string>>(db, "SELECT hair_color FROM users ORDER BY id"),
            (std::vector<std::optional<std::string>>{"red", std::nullopt, "grey"}));

  // A struct: by member name, whatever the order of the columns.
  const auto named = ar::sql<name_and_posts>(
      db,
      "SELECT COUNT(p.id) AS posts, u.user_name AS user_name FROM users u JOIN posts p ON p.user_id = u.id "
      "GROUP BY u.user_name ORDER BY u.user_name");
  ASSERT_EQ(named.size(), 2u);
  EXPECT_EQ(named[0].user_name, "ada");
  EXPECT_EQ(named[0].posts, 2);
  EXPECT_EQ(named[1].user_name, "cyd");
  EXPECT_EQ(named[1].posts, 1);
}

TEST_P(hand_written, every_value_is_bound_and_question_marks_in_quotes_are_text) {
  // A ? in a string, a quoted name or a comment is no placeholder; ?? is one ?.
  const auto rows = ar::sql<std::tuple<std::string, std::string>>(
      db, "SELECT 'is it?' /* what? */, user_name FROM users -- why?\n WHERE user_name = ? AND 'x?''?' <> ?", "bob",
      "x?");
  EXPECT_EQ(rows, (std::vector<std::tuple<std::string, std::string>>{{"is it?", "bob"}}));
  // A hostile value is a value.
  EXPECT_TRUE(ar::sql<user>(db, "SELECT * FROM users WHERE user_name = ?", "'; DROP TABLE users; --").empty());
  EXPECT_EQ(ar::sql<std::int64_t>(db, "SELECT COUNT(*) FROM users"), std::vector<std::int64_t>{3});
}

TEST_P(hand_written, execute_takes_question_marks_and_returns_rows_changed) {
  EXPECT_EQ(ar::execute(db, "UPDATE users SET hair_color = ? WHERE hair_color IS NULL OR user_name = ?", "blue", "ada"),
            2u);
  EXPECT_EQ(ar::execute(db, "UPDATE users SET hair_color = ? WHERE id = ?", std::nullopt, users[2].id), 1u);
  EXPECT_EQ(ar::sql<std::optional<std::string>>(db, "SELECT hair_color FROM users ORDER BY id"),
            (std::vector<std::optional<std::string>>{"blue", "blue", std::nullopt}));
  // db.execute takes ? on every backend too.
  EXPECT_EQ(db.execute("DELETE FROM posts WHERE title = ? OR title = ?",
                       {ar::value{std::string("a1")}, ar::value{std::string("c1")}}),
            2u);
  EXPECT_EQ(ar::sql<std::int64_t>(db, "SELECT COUNT(*) FROM posts"), std::vector<std::int64_t>{1});
}

TEST_P(hand_written, placeholders_and_values_must_be_as_many) {
  try {
    ar::execute(db, "UPDATE users SET hair_color = ? WHERE id = ?", "blue");
    FAIL() << "no error";
  } catch (const ar::database_error& e) {
    EXPECT_NE(std::string(e.what()).find("the statement has 2 placeholders (?) but 1 value was given"),
              std::string::npos)
        << e.what();
    EXPECT_EQ(e.sql(), "UPDATE users SET hair_color = ? WHERE id = ?");
  }
  EXPECT_THROW(ar::sql<user>(db, "SELECT * FROM users", 1), ar::database_error);
  // Nothing ran: every color is as it was.
  EXPECT_EQ(ar::sql<std::optional<std::string>>(db, "SELECT hair_color FROM users ORDER BY id"),
            (std::vector<std::optional<std::string>>{"red", std::nullopt, "grey"}));
}

// The message of what `f` throws, which must be an ar::database_error.
template <class F>
std::string refusal(F&& f) {
  try {
    f();
  } catch (const ar::conversion_error&) {
    throw;
  } catch (const ar::database_error& e) {
    return e.backend_message();
  }
  return "no error";
}

TEST_P(hand_written, a_result_of_another_shape_is_an_error_naming_the_column) {
  EXPECT_EQ(refusal([&] { ar::sql<user>(db, "SELECT id, user_name FROM users"); }),
            "the result has no column 'hair_color' of the model 'users'");
  EXPECT_EQ(refusal([&] { ar::sql<user>(db, "SELECT id, user_name, hair_color, 1 AS extra FROM users"); }),
            "the result column 'extra' (column 4) is no column of the model 'users' (id, user_name, hair_color)");
  EXPECT_EQ(refusal([&] { ar::sql<user>(db, "SELECT id, user_name, user_name AS hair_color FROM users"); }),
            "no error");
  EXPECT_EQ(refusal([&] { ar::sql<user>(db, "SELECT id, user_name, id AS ID FROM users"); }),
            "the result has the column 'id' twice");
  EXPECT_EQ(refusal([&] { ar::sql<std::tuple<std::int64_t, std::string>>(db, "SELECT id FROM users"); }),
            "the result has 1 column but the row type of 2 columns takes 2");
  EXPECT_EQ(refusal([&] { ar::sql<std::int64_t>(db, "SELECT id, user_name FROM users"); }),
            "the result has 2 columns but the row type of 1 column takes 1");
  EXPECT_EQ(refusal([&] { ar::sql<name_and_posts>(db, "SELECT user_name, 1 AS post_count FROM users"); }),
            "the result column 'post_count' (column 2) is no column of the struct (user_name, posts)");
  // A value that does not fit: a conversion_error naming the column, as every read.
  try {
    ar::sql<std::tuple<std::int64_t>>(db, "SELECT user_name FROM users");
    FAIL() << "no error";
  } catch (const ar::conversion_error& e) {
    EXPECT_EQ(e.column(), "user_name");
  }
  // The connection is still good.
  EXPECT_EQ(ar::sql<std::int64_t>(db, "SELECT COUNT(*) FROM users"), std::vector<std::int64_t>{3});
}

// All the rows of a range, read by a range-for.
template <class Range>
auto read_all(Range&& rows) {
  std::vector<std::ranges::range_value_t<Range>> out;
  for (auto& row : rows) out.push_back(row);
  return out;
}

TEST_P(hand_written, sql_stream_yields_the_rows_sql_reads_for_each_kind_of_row) {
  // A model, by column name (in another order than the model's), with a bound value.
  const char* by_name = "SELECT hair_color, user_name, id FROM users WHERE id >= ? ORDER BY id";
  EXPECT_EQ(read_all(ar::sql_stream<user>(db, by_name, users[1].id)), ar::sql<user>(db, by_name, users[1].id));
  EXPECT_EQ(read_all(ar::sql_stream<user>(db, by_name, users[1].id)), (std::vector<user>{users[1], users[2]}));

  // A tuple, in order.
  using row = std::tuple<std::string, std::int64_t, std::optional<std::string>>;
  const char* grouped =
      "SELECT u.user_name, COUNT(p.id), MAX(p.body) FROM users u LEFT JOIN posts p ON p.user_id = u.id "
      "GROUP BY u.id, u.user_name HAVING COUNT(p.id) >= ? ORDER BY u.user_name";
  EXPECT_EQ(read_all(ar::sql_stream<row>(db, grouped, 0)),
            (std::vector<row>{{"ada", 2, "x"}, {"bob", 0, std::nullopt}, {"cyd", 1, "y"}}));
  EXPECT_EQ(read_all(ar::sql_stream<row>(db, grouped, 1)), ar::sql<row>(db, grouped, 1));

  // A single value.
  EXPECT_EQ(read_all(ar::sql_stream<std::optional<std::string>>(db, "SELECT hair_color FROM users ORDER BY id")),
            (std::vector<std::optional<std::string>>{"red", std::nullopt, "grey"}));

  // A struct, by member name.
  const char* named =
      "SELECT COUNT(p.id) AS posts, u.user_name AS user_name FROM users u JOIN posts p ON p.user_id = u.id "
      "GROUP BY u.user_name ORDER BY u.user_name";
  std::vector<std::pair<std::string, std::int64_t>> streamed;
  for (const name_and_posts& r : ar::sql_stream<name_and_posts>(db, named)) streamed.emplace_back(r.user_name, r.posts);
  std::vector<std::pair<std::string, std::int64_t>> read;
  for (const name_and_posts& r : ar::sql<name_and_posts>(db, named)) read.emplace_back(r.user_name, r.posts);
  EXPECT_EQ(streamed, read);
  EXPECT_EQ(streamed, (std::vector<std::pair<std::string, std::int64_t>>{{"ada", 2}, {"cyd", 1}}));

  // Records streamed load their relations as any do.
  std::vector<author> authors = read_all(ar::sql_stream<author>(db, "SELECT id, user_name FROM users ORDER BY id"));
  ASSERT_EQ(authors.size(), 3u);
  ar::load(authors, "posts");
  EXPECT_EQ(authors[0].posts().size(), 2u);
  EXPECT_EQ(authors[2].posts()[0].title, "c1");

  // An empty result is an empty range.
  auto none = ar::sql_stream<user>(db, "SELECT * FROM users WHERE user_name = ?", "zed");
  EXPECT_TRUE(none.begin() == none.end());
}

TEST_P(hand_written, sql_stream_binds_every_value_and_counts_its_question_marks_before_it_runs) {
  // A ? in a string or a comment is text; a hostile value is a value.
  EXPECT_EQ(read_all(ar::sql_stream<std::tuple<std::string, std::string>>(
                db, "SELECT 'is it?' /* what? */, user_name FROM users -- why?\n WHERE user_name = ? AND 'x?' <> ?",
                "bob", "y?")),
            (std::vector<std::tuple<std::string, std::string>>{{"is it?", "bob"}}));
  EXPECT_TRUE(
      read_all(ar::sql_stream<user>(db, "SELECT * FROM users WHERE user_name = ?", "'; DROP TABLE users; --")).empty());
  EXPECT_EQ(ar::sql<std::int64_t>(db, "SELECT COUNT(*) FROM users"), std::vector<std::int64_t>{3});
  // Too few values: refused when the stream is made, before anything is sent.
  ar::statement_counter counter;
  try {
    (void)ar::sql_stream<user>(db, "SELECT * FROM users WHERE id = ? OR id = ?", 1);
    FAIL() << "no error";
  } catch (const ar::database_error& e) {
    EXPECT_NE(std::string(e.what()).find("the statement has 2 placeholders (?) but 1 value was given"),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(counter.count(), 0u);
}

TEST_P(hand_written, sql_stream_is_a_view_that_composes_with_range_v3_and_std_views) {
  using stream = decltype(ar::sql_stream<user>(db, "SELECT * FROM users"));
  static_assert(ranges::view_<stream>);
  static_assert(std::ranges::view<stream>);
  static_assert(std::ranges::input_range<stream>);
  static_assert(!std::ranges::forward_range<stream>);
  std::vector<std::string> names;
  for (const std::string& n : ar::sql_stream<user>(db, "SELECT * FROM users ORDER BY id DESC") |
                                  ranges::views::transform([](const user& u) { return u.name; }) |
                                  ranges::views::take(2))
    names.push_back(n);
  EXPECT_EQ(names, (std::vector<std::string>{"cyd", "bob"}));
  std::vector<std::int64_t> ids;
  auto rows = ar::sql_stream<std::int64_t>(db, "SELECT id FROM users ORDER BY id");
  for (std::int64_t id : rows | std::views::transform([](std::int64_t i) { return i * 10; })) ids.push_back(id);
  EXPECT_EQ(ids, (std::vector<std::int64_t>{users[0].id * 10, users[1].id * 10, users[2].id * 10}));
  EXPECT_TRUE(rows.begin() == rows.end());  // single pass: read to its end
}

// Adds n users named "many<i>".
void seed_users(const ar::database& db, int n) {
  std::vector<user> many(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) many[static_cast<std::size_t>(i)].name = "many" + std::to_string(i);
  ar::insert_all(db, many);
}

TEST_P(hand_written, sql_stream_reads_rows_as_they_come_in_one_statement_or_one_fetch_per_batch) {
  seed_users(db, 10'000);
  ar::statement_counter counter;
  std::vector<std::string> first;
  {
    auto rows = ar::sql_stream<user>(db, "SELECT * FROM users WHERE user_name LIKE ? ORDER BY id", "many%");
    EXPECT_EQ(counter.count(), 0u);  // nothing runs before begin()
    for (const user& u : rows) {
      first.push_back(u.name);
      if (first.size() == 3) break;
    }
  }  // destroyed before its end
  EXPECT_EQ(first, (std::vector<std::string>{"many0", "many1", "many2"}));
  const std::vector<std::string> sent = ar_test::stream_statements(GetParam(), counter.statements());
  if (db.dialect().driver_name() == "postgresql") {
    // DECLARE, one FETCH of ar::stream_batch_rows (1000 of the 10,000 rows), CLOSE.
    ASSERT_EQ(sent.size(), 3u);
    EXPECT_EQ(sent[0].rfind("DECLARE ", 0), 0u) << sent[0];
    EXPECT_NE(sent[0].find("user_name LIKE $1"), std::string::npos) << sent[0];
    EXPECT_EQ(sent[1].rfind("FETCH FORWARD " + std::to_string(ar::stream_batch_rows) + " FROM ", 0), 0u) << sent[1];
    EXPECT_EQ(sent[2].rfind("CLOSE ", 0), 0u) << sent[2];
  } else {
    // The driver steps the statement: one, however many rows it has.
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(sent[0].rfind("SELECT * FROM users", 0), 0u) << sent[0];
  }

  // Read to its end: every row, each read into the same staging row; on PostgreSQL one FETCH per
  // batch of 1000 and one that finds the end.
  counter.reset();
  std::size_t n = 0;
  std::size_t length = 0;
  for (const auto& r : ar::sql_stream<std::tuple<std::int64_t, std::string>>(
           db, "SELECT id, user_name FROM users WHERE user_name LIKE ?", "many%")) {
    ++n;
    length += std::get<1>(r).size();
  }
  EXPECT_EQ(n, 10'000u);
  EXPECT_GT(length, 40'000u);
  if (db.dialect().driver_name() == "postgresql") {
    EXPECT_EQ(ar_test::stream_statements(GetParam(), counter.statements()).size(), 1u + 11u + 1u);
  } else {
    EXPECT_EQ(counter.count(), 1u);
  }
}

TEST_P(hand_written, a_sql_stream_destroyed_early_frees_its_connection) {
  auto single = ar_test::open_backend(GetParam(), "single", {.pool_size = 1});
  ar::create_table<user>(single);
  seed_users(single, 3000);
  {
    auto rows = ar::sql_stream<user>(single, "SELECT * FROM users ORDER BY id");
    auto it = rows.begin();
    ASSERT_NE(it, rows.end());
    EXPECT_EQ(it->name, "many0");
  }
  // The only connection of the pool is free again (on SQLite it would otherwise refuse this).
  EXPECT_EQ(ar::sql<std::int64_t>(single, "SELECT COUNT(*) FROM users"), std::vector<std::int64_t>{3000});
  ar::statement_counter counter;
  {
    auto rows = ar::sql_stream<std::int64_t>(single, "SELECT id FROM users ORDER BY id");
    auto it = rows.begin();
    ASSERT_NE(it, rows.end());
    const std::int64_t first_id = *it;
    ++it;
    ASSERT_NE(it, rows.end());
    EXPECT_GT(*it, first_id);
  }
  // On PostgreSQL, its cursor is closed when it goes.
  if (single.dialect().driver_name() == "postgresql") {
    EXPECT_EQ(ar_test::stream_statements(GetParam(), counter.statements()).back().rfind("CLOSE ", 0), 0u);
  }
  EXPECT_EQ(ar::execute(single, "DELETE FROM users WHERE user_name <> ?", "many0"), 2999u);
}

TEST_P(hand_written, a_sql_stream_of_another_shape_is_an_error_naming_the_column_before_the_first_row) {
  // What begin() throws, which must be an ar::database_error naming the SQL as sent.
  auto refused_at_begin = [&](auto&& rows) {
    try {
      (void)rows.begin();
    } catch (const ar::database_error& e) {
      EXPECT_NE(e.sql().find("FROM users"), std::string::npos) << e.sql();
      return e.backend_message();
    }
    return std::string("no error");
  };
  EXPECT_EQ(refused_at_begin(ar::sql_stream<user>(db, "SELECT id, user_name FROM users")),
            "the result has no column 'hair_color' of the model 'users'");
  EXPECT_EQ(refused_at_begin(ar::sql_stream<user>(db, "SELECT id, user_name, hair_color, 1 AS extra FROM users")),
            "the result column 'extra' (column 4) is no column of the model 'users' (id, user_name, hair_color)");
  EXPECT_EQ(refused_at_begin(ar::sql_stream<user>(db, "SELECT id, user_name, id AS ID FROM users")),
            "the result has the column 'id' twice");
  EXPECT_EQ(refused_at_begin(ar::sql_stream<std::tuple<std::int64_t, std::string>>(db, "SELECT id FROM users")),
            "the result has 1 column but the row type of 2 columns takes 2");
  EXPECT_EQ(refused_at_begin(ar::sql_stream<std::int64_t>(db, "SELECT id, user_name FROM users WHERE id > ?", 0)),
            "the result has 2 columns but the row type of 1 column takes 1");
  EXPECT_EQ(refused_at_begin(ar::sql_stream<name_and_posts>(db, "SELECT user_name, 1 AS post_count FROM users")),
            "the result column 'post_count' (column 2) is no column of the struct (user_name, posts)");
  // Checked on an empty result too: the shape is the statement's, not its rows'.
  EXPECT_EQ(refused_at_begin(ar::sql_stream<user>(db, "SELECT id, user_name FROM users WHERE id < 0")),
            "the result has no column 'hair_color' of the model 'users'");
  // A refused stream has no rows, and left its connection free.
  auto refused = ar::sql_stream<user>(db, "SELECT id FROM users");
  {
    ar::statement_counter counter;
    EXPECT_THROW((void)refused.begin(), ar::database_error);
    // On PostgreSQL the cursor is closed at once, the stream still alive.
    if (db.dialect().driver_name() == "postgresql") {
      const std::vector<std::string> sent = ar_test::stream_statements(GetParam(), counter.statements());
      ASSERT_EQ(sent.size(), 3u);
      EXPECT_EQ(sent[2].rfind("CLOSE ", 0), 0u) << sent[2];
    }
  }
  EXPECT_TRUE(refused.begin() == refused.end());
  EXPECT_EQ(ar::sql<std::int64_t>(db, "SELECT COUNT(*) FROM users"), std::vector<std::int64_t>{3});
  // A value that does not fit: a conversion_error naming the column, as every read.
  try {
    for (const auto& r : ar::sql_stream<std::tuple<std::int64_t>>(db, "SELECT user_name FROM users")) (void)r;
    FAIL() << "no error";
  } catch (const ar::conversion_error& e) {
    EXPECT_EQ(e.column(), "user_name");
  }
  EXPECT_EQ(ar::sql<std::int64_t>(db, "SELECT COUNT(*) FROM users"), std::vector<std::int64_t>{3});
}

AR_INSTANTIATE_BACKEND_SUITE(hand_written);

// The translation of ? alone, per dialect.
TEST(hand_written_text, question_marks_become_each_dialects_placeholders) {
  const auto& sqlite = *ar::find_dialect("sqlite3");
  const auto& pg = *ar::find_dialect("postgresql");
  const auto& maria = *ar::find_dialect("mysql");
  auto text = [](const ar::dialect& d, std::string_view sql) {
    return ar::detail::translate_placeholders(d, sql).text;
  };
  EXPECT_EQ(text(pg, "SELECT a FROM t WHERE a = ? AND b IN (?, ?)"), "SELECT a FROM t WHERE a = $1 AND b IN ($2, $3)");
  EXPECT_EQ(text(maria, "SELECT a FROM t WHERE a = ? AND b = ?"), "SELECT a FROM t WHERE a = ? AND b = ?");
  EXPECT_EQ(text(sqlite, "SELECT a FROM t WHERE a = ?"), "SELECT a FROM t WHERE a = ?");
  // Quotes, doubled quotes, comments, dollar quotes and ?? are left as text.
  EXPECT_EQ(text(pg, R"(SELECT '?''?', "a?b", x -- ?
 /* ? */ FROM t WHERE c = ? AND d ?? 'k' AND e = $q$ ? $q$ AND f = $$?$$)"),
            R"(SELECT '?''?', "a?b", x -- ?
 /* ? */ FROM t WHERE c = $1 AND d ? 'k' AND e = $q$ ? $q$ AND f = $$?$$)");
  // MariaDB: a backslash escapes inside a string, and # starts a comment; elsewhere it does not.
  EXPECT_EQ(ar::detail::translate_placeholders(maria, R"(SELECT 'it\'s ?', `a?` FROM t # ?
 WHERE c = ?)")
                .placeholders,
            1u);
  EXPECT_EQ(text(maria, R"(SELECT 'it\'s ?', `a?` FROM t # ?
 WHERE c = ?)"),
            R"(SELECT 'it\'s ?', `a?` FROM t # ?
 WHERE c = ?)");
  EXPECT_EQ(text(pg, R"(SELECT 'C:\' , ? )"), R"(SELECT 'C:\' , $1 )");
  EXPECT_EQ(ar::detail::translate_placeholders(pg, "a ? b ? c ?? d").placeholders, 2u);
  // Where ? is the placeholder itself, ?? would be one more: refused.
  EXPECT_FALSE(ar::detail::translate_placeholders(pg, "a ?? b").literal_question_mark);
  EXPECT_TRUE(ar::detail::translate_placeholders(sqlite, "a ?? b").literal_question_mark);
  EXPECT_THROW(ar::detail::hand_written_text(maria, "db", "SELECT 1 WHERE 'a' ?? 'b'", 0, true), ar::database_error);
}

}  // namespace
