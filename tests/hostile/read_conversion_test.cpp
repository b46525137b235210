// Reads convert nothing silently: a value the database holds that does not fit the field it is read
// into is an ar::conversion_error naming the database, the SQL, the table, the column, what was
// found and what the field expects, on every backend; never a quiet 0, 12, 3, INT64_MAX or true.
// The values are written by another program (raw SQL through db.execute), into columns of the
// declared types each case needs, and read through models whose fields expect something else.

#include "../support/backends.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>

namespace stored {

// The table as it is: one column of each declared type.
struct row {
  std::int64_t id = 0;
  std::optional<std::string> t;
  std::optional<double> r;
  std::optional<std::int64_t> i;
  std::optional<double> n;

  AR_MODEL(row, "stored_values", AR_FIELDS(id, t, r, i, n));
};

// Fields that expect something else than the column holds.
struct int64_of_text {
  std::int64_t id = 0;
  std::int64_t v = 0;
  AR_MODEL(int64_of_text, "stored_values", AR_FIELDS(id, v), AR_COLUMN(v, "t"));
};
struct double_of_text {
  std::int64_t id = 0;
  double v = 0;
  AR_MODEL(double_of_text, "stored_values", AR_FIELDS(id, v), AR_COLUMN(v, "t"));
};
struct int32_of_real {
  std::int64_t id = 0;
  std::int32_t v = 0;
  AR_MODEL(int32_of_real, "stored_values", AR_FIELDS(id, v), AR_COLUMN(v, "r"));
};
struct int64_of_real {
  std::int64_t id = 0;
  std::optional<std::int64_t> v;
  AR_MODEL(int64_of_real, "stored_values", AR_FIELDS(id, v), AR_COLUMN(v, "r"));
};
struct bool_of_int {
  std::int64_t id = 0;
  bool v = false;
  AR_MODEL(bool_of_int, "stored_values", AR_FIELDS(id, v), AR_COLUMN(v, "i"));
};
struct int32_of_int {
  std::int64_t id = 0;
  std::int32_t v = 0;
  AR_MODEL(int32_of_int, "stored_values", AR_FIELDS(id, v), AR_COLUMN(v, "i"));
};
struct double_of_int {
  std::int64_t id = 0;
  double v = 0;
  AR_MODEL(double_of_int, "stored_values", AR_FIELDS(id, v), AR_COLUMN(v, "i"));
};
struct text_of_int {
  std::int64_t id = 0;
  std::string v;
  AR_MODEL(text_of_int, "stored_values", AR_FIELDS(id, v), AR_COLUMN(v, "i"));
};
struct int64_of_numeric {
  std::int64_t id = 0;
  std::int64_t v = 0;
  AR_MODEL(int64_of_numeric, "stored_values", AR_FIELDS(id, v), AR_COLUMN(v, "n"));
};
struct required_text {
  std::int64_t id = 0;
  std::string v;
  AR_MODEL(required_text, "stored_values", AR_FIELDS(id, v), AR_COLUMN(v, "t"));
};

// A relation whose rows hold text where the field expects an integer.
struct crate_item;

struct crate {
  std::int64_t id = 0;
  AR_MODEL(crate, "crates", AR_FIELDS(id), AR_HAS_MANY(items, crate_item, crate_id));
};

struct crate_item {
  std::int64_t id = 0;
  std::int64_t crate_id = 0;
  std::int64_t count = 0;
  AR_MODEL(crate_item, "crate_items", AR_FIELDS(id, crate_id, count), AR_COLUMN(count, "label"));
};

}  // namespace stored

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class read_conversion : public ar_test::backend_test {
 protected:
  void SetUp() override {
    backend_test::SetUp();
    // A numeric column where the backend has one: SQLite's NUMERIC affinity keeps 2.5 a REAL.
    db.execute(ar_test::sql_for(db,
                                "CREATE TABLE {stored_values} ({id} BIGINT PRIMARY KEY, {t} TEXT, "
                                "{r} DOUBLE PRECISION, {i} BIGINT, {n} NUMERIC(30, 4))"));
  }

  // Writes one row with raw SQL: each value is bound, with the type the column declares.
  void write(std::int64_t id, ar::value t, ar::value r, ar::value i, ar::value n = {}) {
    db.execute(ar_test::sql_for(db, "INSERT INTO {stored_values} ({id}, {t}, {r}, {i}, {n}) VALUES (?, ?, ?, ?, ?)"),
               {id, std::move(t), std::move(r), std::move(i), std::move(n)});
  }

  // Reading row `id` through model M by find and by to_vector is a conversion_error that names
  // everything; the row is unchanged afterwards.
  template <class M>
  void expect_refused(std::int64_t id, const std::string& column, const std::string& found,
                      const std::string& expected) {
    SCOPED_TRACE("row " + std::to_string(id) + ", column " + column + ", " + found);
    const auto before = ar::find_or_throw<stored::row>(db, id);
    auto check = [&](const ar::conversion_error& e) {
      EXPECT_EQ(e.database(), "default");
      EXPECT_EQ(e.table(), "stored_values");
      EXPECT_EQ(e.column(), column);
      EXPECT_TRUE(contains(e.found(), found)) << e.found();
      EXPECT_TRUE(contains(e.expected(), expected)) << e.expected();
      EXPECT_TRUE(contains(e.sql(), "stored_values")) << e.sql();
      const std::string what = e.what();
      for (const std::string& part : {std::string("default"), std::string("stored_values.") + column, found, expected})
        EXPECT_TRUE(contains(what, part)) << what << "\n  lacks: " << part;
    };
    try {
      const auto got = ar::find<M>(db, id);
      ADD_FAILURE() << "find read it" << (got ? " as a value" : " as no row");
    } catch (const ar::conversion_error& e) {
      check(e);
    }
    try {
      (void)(ar::from<M>(db) | ar::filter(M::c.id == id) | ar::to_vector);
      ADD_FAILURE() << "to_vector read it";
    } catch (const ar::conversion_error& e) {
      check(e);
    }
    // Still a database_error, as before the type existed.
    EXPECT_THROW((void)ar::find<M>(db, id), ar::database_error);
    const auto after = ar::find_or_throw<stored::row>(db, id);
    EXPECT_EQ(after.t, before.t);
    EXPECT_EQ(after.i, before.i);
    EXPECT_EQ(after.r, before.r);
  }
};

TEST_P(read_conversion, text_is_never_read_as_an_integer) {
  write(1, std::string("abc"), {}, {});
  write(2, std::string("12abc"), {}, {});
  write(3, std::string("t"), {}, {});   // PostgreSQL's spelling of true, in a text column
  write(4, std::string("12"), {}, {});  // a number, but stored as text
  expect_refused<stored::int64_of_text>(1, "t", "text 'abc'", "an integer (std::int64_t)");
  expect_refused<stored::int64_of_text>(2, "t", "text '12abc'", "an integer (std::int64_t)");
  expect_refused<stored::int64_of_text>(3, "t", "text 't'", "an integer (std::int64_t)");
  expect_refused<stored::int64_of_text>(4, "t", "text '12'", "an integer (std::int64_t)");
}

TEST_P(read_conversion, text_is_never_read_as_a_double) {
  write(1, std::string("abc"), {}, {});
  write(2, std::string("1.5"), {}, {});
  expect_refused<stored::double_of_text>(1, "t", "text 'abc'", "(double)");
  expect_refused<stored::double_of_text>(2, "t", "text '1.5'", "(double)");
}

TEST_P(read_conversion, a_fraction_or_a_number_out_of_range_is_never_an_integer) {
  write(1, {}, 3.7, {});
  write(2, {}, 1e20, {});
  write(3, {}, -2.5, {});
  write(4, {}, 3e9, {});
  write(5, {}, 3.0, {});  // a whole number: read
  expect_refused<stored::int32_of_real>(1, "r", "real 3.7", "std::int32_t");
  expect_refused<stored::int64_of_real>(1, "r", "real 3.7", "std::int64_t");
  expect_refused<stored::int64_of_real>(2, "r", "real 1e+20", "std::int64_t");
  expect_refused<stored::int64_of_real>(3, "r", "real -2.5", "std::int64_t");
  expect_refused<stored::int32_of_real>(4, "r", "real 3e+09", "std::int32_t");
  EXPECT_EQ(ar::find_or_throw<stored::int64_of_real>(db, 4).v, 3000000000);
  EXPECT_EQ(ar::find_or_throw<stored::int32_of_real>(db, 5).v, 3);
  EXPECT_EQ(ar::find_or_throw<stored::int64_of_real>(db, 5).v, 3);
}

TEST_P(read_conversion, a_bool_is_zero_or_one_only) {
  write(1, {}, {}, std::int64_t{2});
  write(2, {}, {}, std::int64_t{-1});
  write(3, {}, {}, std::int64_t{1});
  write(4, {}, {}, std::int64_t{0});
  expect_refused<stored::bool_of_int>(1, "i", "integer 2", "a bool");
  expect_refused<stored::bool_of_int>(2, "i", "integer -1", "a bool");
  EXPECT_TRUE(ar::find_or_throw<stored::bool_of_int>(db, 3).v);
  EXPECT_FALSE(ar::find_or_throw<stored::bool_of_int>(db, 4).v);
}

TEST_P(read_conversion, integers_outside_the_field_or_inexact_in_a_double_are_refused) {
  write(1, {}, {}, std::int64_t{3000000000});
  write(2, {}, {}, std::int64_t{9007199254740993});  // 2^53 + 1: no double holds it
  write(3, {}, {}, std::int64_t{9007199254740992});
  expect_refused<stored::int32_of_int>(1, "i", "integer 3000000000", "std::int32_t");
  expect_refused<stored::double_of_int>(2, "i", "integer 9007199254740993", "(double)");
  EXPECT_EQ(ar::find_or_throw<stored::double_of_int>(db, 3).v, 9007199254740992.0);
  EXPECT_EQ(ar::find_or_throw<stored::double_of_int>(db, 1).v, 3e9);
}

TEST_P(read_conversion, numbers_are_never_read_as_text) {
  write(1, {}, {}, std::int64_t{7});
  expect_refused<stored::text_of_int>(1, "i", "integer 7", "text (std::string)");
}

TEST_P(read_conversion, a_numeric_is_an_integer_only_when_whole) {
  write(1, {}, {}, {}, 15.0);
  write(2, {}, {}, {}, 2.5);
  EXPECT_EQ(ar::find_or_throw<stored::int64_of_numeric>(db, 1).v, 15);
  expect_refused<stored::int64_of_numeric>(2, "n", "2.5", "std::int64_t");
}

TEST_P(read_conversion, null_into_a_field_that_is_not_optional_names_the_column) {
  write(1, {}, {}, {});
  expect_refused<stored::required_text>(1, "t", "NULL", "never NULL");
}

TEST_P(read_conversion, aggregates_read_as_before) {
  write(1, std::string("a"), 1.5, std::int64_t{1}, 1.0);
  write(2, std::string("b"), 2.5, std::int64_t{2}, 2.0);
  write(3, std::string("c"), 3.5, std::int64_t{4}, 4.0);
  const auto q = ar::from<stored::row>(db);
  EXPECT_EQ(q | ar::count, 3);
  // SUM of a bigint is a numeric on PostgreSQL and a DECIMAL on MariaDB: read, being whole.
  EXPECT_EQ(q | ar::sum(stored::row::c.i), 7);
  EXPECT_EQ(q | ar::sum(stored::row::c.r), 7.5);
  EXPECT_EQ(q | ar::sum(stored::row::c.n), 7.0);
  EXPECT_EQ(q | ar::minimum(stored::row::c.i), std::optional<std::int64_t>(1));
  EXPECT_EQ(q | ar::maximum(stored::row::c.i), std::optional<std::int64_t>(4));
  EXPECT_EQ(q | ar::maximum(stored::row::c.r), std::optional<double>(3.5));
  EXPECT_EQ(q | ar::maximum(stored::row::c.t), std::optional<std::string>("c"));
  const auto avg_i = q | ar::average(stored::row::c.i);
  ASSERT_TRUE(avg_i.has_value());
  // MariaDB's AVG of integers keeps 4 decimals (div_precision_increment): 2.3333.
  EXPECT_NEAR(*avg_i, 7.0 / 3.0, 1e-4);
  EXPECT_EQ(q | ar::average(stored::row::c.r), std::optional<double>(2.5));
  EXPECT_EQ(ar::from<stored::row>(db) | ar::filter(stored::row::c.id > 10) | ar::sum(stored::row::c.i), 0);
  EXPECT_EQ(ar::from<stored::row>(db) | ar::filter(stored::row::c.id > 10) | ar::maximum(stored::row::c.i),
            std::nullopt);
}

TEST_P(read_conversion, a_relation_load_is_refused_too) {
  db.execute(ar_test::sql_for(db, "CREATE TABLE {crates} ({id} BIGINT PRIMARY KEY)"));
  db.execute(ar_test::sql_for(db,
                              "CREATE TABLE {crate_items} ({id} BIGINT PRIMARY KEY, {crate_id} BIGINT, "
                              "{label} TEXT)"));
  db.execute(ar_test::sql_for(db, "INSERT INTO {crates} ({id}) VALUES (1)"));
  db.execute(ar_test::sql_for(db, "INSERT INTO {crate_items} ({id}, {crate_id}, {label}) VALUES (1, 1, 'abc')"));
  auto check = [&](const ar::conversion_error& e) {
    EXPECT_EQ(e.table(), "crate_items");
    EXPECT_EQ(e.column(), "label");
    EXPECT_EQ(e.found(), "text 'abc'");
    EXPECT_TRUE(contains(e.sql(), "crate_items")) << e.sql();
  };
  try {
    (void)(ar::from<stored::crate>(db) | ar::with("items") | ar::to_vector);
    ADD_FAILURE() << "the eager load read 'abc' as an integer";
  } catch (const ar::conversion_error& e) {
    check(e);
  }
  stored::crate c = ar::find_or_throw<stored::crate>(db, 1);
  try {
    (void)c.items();
    ADD_FAILURE() << "the lazy load read 'abc' as an integer";
  } catch (const ar::conversion_error& e) {
    check(e);
  }
}

AR_INSTANTIATE_BACKEND_SUITE(read_conversion);

}  // namespace
