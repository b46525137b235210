// A cached statement run again and again with values that change between its runs, on every
// backend: several long values in one row, values that grow past what the previous run read, shrink,
// turn NULL and empty; an INSERT whose values alternate between NULL and values of every kind and
// length; and, on MariaDB, a statement whose parameter types change ("SELECT ?"), whose table
// changes under it by DDL ar did not send (ADD COLUMN, MODIFY COLUMN), and an unsigned BIGINT past
// INT64_MAX. Each run reads exactly what is stored, whatever the runs before it read or bound
// (a driver that keeps its buffers or its bindings between runs must still get these right).

#include "../support/backends.hpp"

#include <ar/ar.hpp>
#include <ar/sql.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace {

struct long_row {
  std::int64_t id = 0;
  std::string alpha;
  std::string beta;
  std::optional<std::string> gamma;
  ar::bytes payload;
  AR_MODEL(long_row, "long_rows", AR_FIELDS(id, alpha, beta, gamma, payload));
};

struct note {
  std::int64_t id = 0;
  std::optional<std::string> body;
  std::optional<ar::bytes> raw;
  AR_MODEL(note, "reused_notes", AR_FIELDS(id, body, raw));
};

struct record {
  std::int64_t id = 0;
  std::string name;
  std::optional<std::string> text;
  std::optional<ar::time_point> at;
  std::optional<ar::uuid> tag;
  std::optional<std::int64_t> n;
  std::optional<ar::bytes> raw;
  std::optional<double> x;
  AR_MODEL(record, "reused_records", AR_FIELDS(id, name, text, at, tag, n, raw, x));
};

ar::bytes bytes_of(std::size_t size, int seed) {
  ar::bytes out(size);
  for (std::size_t i = 0; i < size; ++i)
    out[i] = static_cast<std::byte>((i * 7 + static_cast<std::size_t>(seed)) % 256);
  return out;
}

// `count` characters, the first and the last told apart from the rest (a value cut short, or
// another's bytes, shows).
std::string text_of(std::size_t count, char fill) {
  std::string s(count, fill);
  if (count > 0) s.front() = '<';
  if (count > 1) s.back() = '>';
  return s;
}

void expect_same(const long_row& got, const long_row& expected) {
  SCOPED_TRACE("id " + std::to_string(expected.id));
  EXPECT_EQ(got.id, expected.id);
  EXPECT_EQ(got.alpha, expected.alpha);
  EXPECT_EQ(got.beta, expected.beta);
  EXPECT_EQ(got.gamma, expected.gamma);
  EXPECT_EQ(got.payload, expected.payload);
}

class statement_reuse : public ar_test::backend_test {};

// Values longer than any buffer a driver would start with, several in the same row, then short
// ones, then long ones again: every value whole, by the same cached statements.
TEST_P(statement_reuse, several_long_values_in_one_row_read_whole_each_run) {
  ar::create_tables<long_row>(db);
  std::string accented;
  for (int i = 0; i < 1500; ++i) accented += "\xC3\xA9";  // é: 2 bytes each
  std::vector<long_row> rows{
      {1, text_of(300, 'a'), text_of(1000, 'b'), text_of(70000, 'c'), bytes_of(5000, 1)},
      {2, "x", "y", std::nullopt, {}},
      {3, text_of(257, 'e'), text_of(256, 'f'), std::string(), bytes_of(100000, 3)},
      {4, accented, text_of(255, 'g'), accented + "!", bytes_of(257, 4)},
      {5, "", "", std::string("z"), bytes_of(1, 5)},
  };
  ar::insert_all(db, rows);
  for (int run = 0; run < 3; ++run) {
    SCOPED_TRACE("run " + std::to_string(run));
    const auto back = ar::from<long_row>(db) | ar::order_by(long_row::c.id) | ar::to_vector;
    ASSERT_EQ(back.size(), rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) expect_same(back[i], rows[i]);
  }
  // One row per run, in an order where a long row follows a short one and the other way round:
  // every long value of the row comes whole, whichever run grew a buffer before.
  const std::string one = "SELECT id, alpha, beta, gamma, payload FROM long_rows WHERE id = ?";
  using row = std::tuple<std::int64_t, std::string, std::string, std::optional<std::string>, ar::bytes>;
  const std::uint64_t prepared = db.statements_prepared();
  for (std::int64_t id : {2, 1, 2, 3, 1, 5, 4, 3, 2}) {
    SCOPED_TRACE("id " + std::to_string(id));
    const auto got = ar::sql<row>(db, one, id);
    ASSERT_EQ(got.size(), 1u);
    const long_row& expected = rows[static_cast<std::size_t>(id - 1)];
    EXPECT_EQ(std::get<0>(got[0]), expected.id);
    EXPECT_EQ(std::get<1>(got[0]), expected.alpha);
    EXPECT_EQ(std::get<2>(got[0]), expected.beta);
    EXPECT_EQ(std::get<3>(got[0]), expected.gamma);
    EXPECT_EQ(std::get<4>(got[0]), expected.payload);
  }
  EXPECT_LE(db.statements_prepared() - prepared, 1u);  // the one statement, kept
}

// The same cached SELECT reads a value that goes short, long, short, NULL, empty, long again.
TEST_P(statement_reuse, a_cached_select_reads_values_that_grow_shrink_vanish_and_empty) {
  ar::create_tables<note>(db);
  note n{0, std::nullopt, std::nullopt};
  ar::insert(db, n);
  const std::string sql = "SELECT body, raw FROM reused_notes WHERE id = ?";
  using row = std::tuple<std::optional<std::string>, std::optional<ar::bytes>>;
  const std::vector<std::optional<std::string>> bodies{
      "ab", text_of(5000, 'x'), "cd", std::nullopt, std::string(), text_of(70000, 'y'), "e", std::nullopt, "f"};
  std::uint64_t prepared = 0;
  for (std::size_t i = 0; i < bodies.size(); ++i) {
    SCOPED_TRACE("value " + std::to_string(i));
    n.body = bodies[i];
    n.raw = bodies[i] ? std::optional<ar::bytes>(bytes_of(bodies[i]->size() * 2 + 1, static_cast<int>(i)))
                      : std::optional<ar::bytes>();
    if (i % 3 == 2) n.raw = ar::bytes{};  // empty bytes, not NULL
    ar::update(db, n);
    const auto got = ar::sql<row>(db, sql, n.id);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(std::get<0>(got[0]), n.body);
    EXPECT_EQ(std::get<1>(got[0]), n.raw);
    if (i == 0) prepared = db.statements_prepared();
  }
  EXPECT_EQ(db.statements_prepared(), prepared);  // the UPDATE and the SELECT were kept
}

// The same cached INSERT, its values alternating between NULL and values, its strings crossing
// any buffer size a driver would keep, its time points with a fraction of a second, its uuids.
TEST_P(statement_reuse, a_cached_insert_binds_values_that_alternate_with_nulls_and_change_length) {
  ar::create_tables<record>(db);
  const std::vector<std::size_t> lengths{0, 1, 15, 16, 17, 255, 256, 257, 4095, 4096, 4097, 10000, 100000, 3, 0, 70000};
  const ar::uuid tag = ar::parse_uuid("123e4567-e89b-12d3-a456-426614174000");
  const ar::uuid other = ar::parse_uuid("ffffffff-0000-4000-8000-00000000000f");
  std::vector<record> rows;
  for (std::size_t i = 0; i < lengths.size() * 2; ++i) {
    const std::size_t length = lengths[i % lengths.size()];
    record r;
    r.name = text_of(length, static_cast<char>('a' + i % lengths.size()));
    if (i % 3 != 0) r.text = text_of(lengths[(i + 5) % lengths.size()], 'T');
    if (i % 2 == 0)
      r.at = ar::time_point{std::chrono::duration_cast<ar::time_point::duration>(
          std::chrono::microseconds{1700000000123456LL + static_cast<long long>(i) * 1000001LL})};
    if (i % 2 == 1) r.tag = i % 4 == 1 ? tag : other;
    if (i % 4 != 1) r.n = static_cast<std::int64_t>(i) * 1000000000007LL - 5;
    if (i % 5 != 2) r.raw = bytes_of(lengths[(i + 3) % lengths.size()], static_cast<int>(i));
    if (i % 2 == 1) r.x = 0.1 * static_cast<double>(i);
    rows.push_back(r);
  }
  std::uint64_t prepared = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    ar::insert(db, rows[i]);
    if (i == 0) prepared = db.statements_prepared();
  }
  EXPECT_EQ(db.statements_prepared(), prepared);  // one INSERT, kept
  const auto back = ar::from<record>(db) | ar::order_by(record::c.id) | ar::to_vector;
  ASSERT_EQ(back.size(), rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    SCOPED_TRACE("row " + std::to_string(i));
    EXPECT_EQ(back[i].id, rows[i].id);
    EXPECT_EQ(back[i].name, rows[i].name);
    EXPECT_EQ(back[i].text, rows[i].text);
    EXPECT_EQ(back[i].at, rows[i].at);
    EXPECT_EQ(back[i].tag, rows[i].tag);
    EXPECT_EQ(back[i].n, rows[i].n);
    EXPECT_EQ(back[i].raw, rows[i].raw);
    EXPECT_EQ(back[i].x, rows[i].x);
  }
  // Each row found by the same cached statements, bound with its own values.
  for (std::size_t i = 0; i < rows.size(); ++i) {
    SCOPED_TRACE("row " + std::to_string(i));
    EXPECT_EQ((ar::from<record>(db) | ar::filter(record::c.name == rows[i].name) | ar::count),
              rows[i].name.empty() ? 4 : 2);  // each name twice; "" four times (0 twice in lengths)
    if (rows[i].at) {
      EXPECT_EQ((ar::from<record>(db) | ar::filter(record::c.at == *rows[i].at) | ar::count), 1);
    }
  }
}

AR_INSTANTIATE_BACKEND_SUITE(statement_reuse);

// MariaDB: the server tells the types of a result per run, and prepares a statement again by
// itself when its table changes. A kept statement follows both.
class statement_reuse_on_mariadb : public ::testing::Test {
 protected:
  void SetUp() override { db = ar_test::open_backend("mariadb"); }
  void TearDown() override { ar_test::close_backends(); }
  ar::database db;
};

// "SELECT ?" is one statement whose result column has the type of the value bound: an integer,
// then a string, then an integer again.
TEST_F(statement_reuse_on_mariadb, select_of_a_placeholder_reads_each_value_as_its_type) {
  const std::uint64_t prepared = db.statements_prepared();
  EXPECT_EQ(ar::sql<std::int64_t>(db, "SELECT ?", std::int64_t{7}), std::vector<std::int64_t>{7});
  EXPECT_EQ(ar::sql<std::string>(db, "SELECT ?", std::string("seven")), std::vector<std::string>{"seven"});
  EXPECT_EQ(ar::sql<std::int64_t>(db, "SELECT ?", std::int64_t{-8}), std::vector<std::int64_t>{-8});
  EXPECT_EQ(ar::sql<std::string>(db, "SELECT ?", text_of(3000, 's')), std::vector<std::string>{text_of(3000, 's')});
  EXPECT_EQ(ar::sql<std::string>(db, "SELECT ?", std::string()), std::vector<std::string>{std::string()});
  EXPECT_EQ(ar::sql<std::optional<std::int64_t>>(db, "SELECT ?", std::optional<std::int64_t>()),
            std::vector<std::optional<std::int64_t>>{std::nullopt});
  EXPECT_EQ(ar::sql<double>(db, "SELECT ?", 2.5), std::vector<double>{2.5});
  EXPECT_EQ(ar::sql<std::int64_t>(db, "SELECT ?", std::int64_t{9}), std::vector<std::int64_t>{9});
  EXPECT_EQ(db.statements_prepared() - prepared, 1u);
}

// A kept SELECT * after another program added a column and dropped it: each run reads the table as
// it is, and the row its parameter names (a parameter never goes as NULL after the server
// prepared the statement again).
TEST_F(statement_reuse_on_mariadb, a_cached_select_star_follows_an_added_and_dropped_column) {
  db.execute("CREATE TABLE reuse_t (id BIGINT PRIMARY KEY, v INT)");
  db.execute("INSERT INTO reuse_t VALUES (1, 42), (2, 43)");
  const std::string sql = "SELECT * FROM reuse_t WHERE id = ?";
  using two = std::tuple<std::int64_t, std::int64_t>;
  using three = std::tuple<std::int64_t, std::int64_t, std::string>;
  for (int run = 0; run < 2; ++run) {
    EXPECT_EQ(ar::sql<two>(db, sql, std::int64_t{1}), (std::vector<two>{two{1, 42}}));
    EXPECT_EQ(ar::sql<two>(db, sql, std::int64_t{2}), (std::vector<two>{two{2, 43}}));
  }
  db.execute("ALTER TABLE reuse_t ADD COLUMN w VARCHAR(20) DEFAULT 'new'");
  for (int run = 0; run < 3; ++run) {
    SCOPED_TRACE("after ADD COLUMN, run " + std::to_string(run));
    EXPECT_EQ(ar::sql<three>(db, sql, std::int64_t{2}), (std::vector<three>{three{2, 43, "new"}}));
    EXPECT_EQ(ar::sql<three>(db, sql, std::int64_t{1}), (std::vector<three>{three{1, 42, "new"}}));
  }
  db.execute("ALTER TABLE reuse_t DROP COLUMN w");
  for (int run = 0; run < 2; ++run) {
    SCOPED_TRACE("after DROP COLUMN, run " + std::to_string(run));
    EXPECT_EQ(ar::sql<two>(db, sql, std::int64_t{2}), (std::vector<two>{two{2, 43}}));
  }
}

// The same number of columns, another type: INT becomes VARCHAR, then VARBINARY. The kept
// statement reads each as the column is now (text, then bytes), not as it was.
TEST_F(statement_reuse_on_mariadb, a_cached_select_follows_a_column_whose_type_changed) {
  db.execute("CREATE TABLE reuse_m (id BIGINT PRIMARY KEY, v INT)");
  db.execute("INSERT INTO reuse_m VALUES (1, 42), (2, 7)");
  const std::string sql = "SELECT v FROM reuse_m WHERE id = ?";
  const std::uint64_t prepared = db.statements_prepared();
  EXPECT_EQ(ar::sql<std::int64_t>(db, sql, std::int64_t{1}), std::vector<std::int64_t>{42});
  EXPECT_EQ(ar::sql<std::int64_t>(db, sql, std::int64_t{2}), std::vector<std::int64_t>{7});
  db.execute("ALTER TABLE reuse_m MODIFY COLUMN v VARCHAR(40)");
  db.execute("UPDATE reuse_m SET v = 'forty-two' WHERE id = 1");
  for (int run = 0; run < 2; ++run) {
    EXPECT_EQ(ar::sql<std::string>(db, sql, std::int64_t{1}), std::vector<std::string>{"forty-two"});
    EXPECT_EQ(ar::sql<std::string>(db, sql, std::int64_t{2}), std::vector<std::string>{"7"});
  }
  db.execute("ALTER TABLE reuse_m MODIFY COLUMN v VARBINARY(40)");
  const std::string forty_two = "forty-two";
  ar::bytes expected;
  for (char c : forty_two) expected.push_back(static_cast<std::byte>(c));
  for (int run = 0; run < 2; ++run) {
    EXPECT_EQ(ar::sql<ar::bytes>(db, sql, std::int64_t{1}), std::vector<ar::bytes>{expected});
  }
  db.execute("UPDATE reuse_m SET v = '5' WHERE id = 1");
  db.execute("ALTER TABLE reuse_m MODIFY COLUMN v BIGINT");
  EXPECT_EQ(ar::sql<std::int64_t>(db, sql, std::int64_t{1}), std::vector<std::int64_t>{5});
  // ar's own statement cache kept the SELECT all along (the db.execute statements are others).
  EXPECT_GE(db.statements_prepared() - prepared, 1u);
}

// An unsigned BIGINT holds values past INT64_MAX, which ar's integers do not: each such value is a
// conversion_error naming it, and the same kept statement reads the values between them.
TEST_F(statement_reuse_on_mariadb, unsigned_bigint_past_int64_max_through_a_cached_statement) {
  db.execute("CREATE TABLE reuse_u (id BIGINT PRIMARY KEY, u BIGINT UNSIGNED)");
  db.execute(
      "INSERT INTO reuse_u VALUES (1, 18446744073709551615), (2, 5), (3, 9223372036854775808), "
      "(4, 9223372036854775807)");
  const std::string sql = "SELECT u FROM reuse_u WHERE id = ?";
  const std::uint64_t prepared = db.statements_prepared();
  auto refused = [&](std::int64_t id) {
    try {
      (void)ar::sql<std::uint64_t>(db, sql, id);
      return std::string("read");
    } catch (const ar::conversion_error& e) {
      return e.found();
    }
  };
  for (int run = 0; run < 2; ++run) {
    EXPECT_EQ(ar::sql<std::uint64_t>(db, sql, std::int64_t{2}), std::vector<std::uint64_t>{5});
    EXPECT_EQ(ar::sql<std::uint64_t>(db, sql, std::int64_t{4}), std::vector<std::uint64_t>{9223372036854775807ULL});
  }
  EXPECT_EQ(db.statements_prepared() - prepared, 1u);  // kept
  // A refused read lets its statement go (prepared again for the next run).
  for (int run = 0; run < 2; ++run) {
    SCOPED_TRACE("run " + std::to_string(run));
    EXPECT_NE(refused(1).find("18446744073709551615"), std::string::npos) << refused(1);
    EXPECT_EQ(ar::sql<std::uint64_t>(db, sql, std::int64_t{4}), std::vector<std::uint64_t>{9223372036854775807ULL});
    EXPECT_NE(refused(3).find("9223372036854775808"), std::string::npos) << refused(3);
    EXPECT_EQ(ar::sql<std::int64_t>(db, sql, std::int64_t{2}), std::vector<std::int64_t>{5});
    EXPECT_EQ(ar::sql<std::uint64_t>(db, sql, std::int64_t{4}), std::vector<std::uint64_t>{9223372036854775807ULL});
  }
}

}  // namespace
