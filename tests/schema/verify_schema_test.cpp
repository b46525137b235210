#include "../support/backends.hpp"
#include "../support/models.hpp"

#include <ar/ar.hpp>
#include <ar/catalog.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <string_view>
#include <tuple>
#include <vector>

namespace {

using ar::schema_problem_kind;
using ar::value_type;

struct vs_author {
  std::int64_t id = 0;
  std::string name;
  std::optional<std::string> bio;
  AR_MODEL(vs_author, "vs_authors", AR_FIELDS(id, name, bio));
};

struct vs_book {
  std::int64_t id = 0;
  std::int64_t author_id = 0;
  std::string title;
  AR_MODEL(vs_book, "vs_books", AR_FIELDS(id, author_id, title), AR_BELONGS_TO(author, vs_author, author_id));
};

// A belongs_to whose foreign key is the primary key: the key's index counts, also where the catalog
// lists none for it (SQLite's INTEGER PRIMARY KEY is the rowid).
struct vs_bio {
  std::int64_t author_id = 0;
  std::string text;
  AR_MODEL(vs_bio, "vs_bios", AR_FIELDS(author_id, text), AR_PRIMARY_KEY(author_id), AR_KEY_SUPPLIED,
           AR_BELONGS_TO(author, vs_author, author_id));
};

// An int32 field over a 64-bit column, an optional field over a NOT NULL column: both fine.
struct vs_counter {
  std::int64_t id = 0;
  std::int32_t hits = 0;
  std::optional<std::string> note;
  AR_MODEL(vs_counter, "vs_counters", AR_FIELDS(id, hits, note));
};

// Over a table whose columns are wrong in every way but the key.
struct vs_wide {
  std::int64_t id = 0;
  std::int64_t amount = 0;  // TEXT column
  std::string name;         // integer column
  std::int64_t big = 0;     // 32-bit integer column
  std::string note;         // column takes NULL
  std::string missing;      // no column
  AR_MODEL(vs_wide, "vs_wide", AR_FIELDS(id, amount, name, big, note, missing));
};

// Keyed on id, over a table whose primary key is code.
struct vs_keyed {
  std::int64_t id = 0;
  std::string code;
  AR_MODEL(vs_keyed, "vs_keyed", AR_FIELDS(id, code));
};

// Keyed on a, over a table whose primary key is (a, b).
struct vs_pair {
  std::int64_t a = 0;
  std::int64_t b = 0;
  AR_MODEL(vs_pair, "vs_pairs", AR_FIELDS(a, b), AR_PRIMARY_KEY(a), AR_KEY_SUPPLIED);
};

// No table at all.
struct vs_ghost {
  std::int64_t id = 0;
  AR_MODEL(vs_ghost, "vs_ghosts", AR_FIELDS(id));
};

std::string q(const ar::database& db, std::string_view identifier) {
  std::string out;
  db.dialect().quote_identifier(out, identifier);
  return out;
}

std::string type(const ar::database& db, value_type t) { return std::string(db.dialect().column_type(t)); }

// vs_books made by hand, as a table made before create_table indexed every foreign key (or by
// another tool) is: author_id leads no index.
void create_books_without_an_index(const ar::database& db) {
  ar::create_table<vs_author>(db);
  db.execute("CREATE TABLE " + q(db, "vs_books") + " (" + q(db, "id") + " " +
             std::string(db.dialect().generated_key_definition(value_type::int64)) + ", " + q(db, "author_id") + " " +
             type(db, value_type::int64) + " NOT NULL, " + q(db, "title") + " " + type(db, value_type::text) +
             " NOT NULL)" + std::string(db.dialect().table_options()));
}

using problem_place = std::tuple<schema_problem_kind, std::string, std::string>;

std::vector<problem_place> places(const std::vector<ar::schema_problem>& problems) {
  std::vector<problem_place> out;
  for (const auto& p : problems) out.emplace_back(p.kind, p.table, p.column);
  return out;
}

class verify_schema_test : public ar_test::backend_test {};

TEST_P(verify_schema_test, tables_made_by_create_table_pass_for_every_field_type) {
  ar::create_tables<ar_test::everything, ar_test::user, ar_test::country, ar_test::tag, vs_author>(db);
  const ar::schema_report report =
      ar::verify_schema<ar_test::everything, ar_test::user, ar_test::country, ar_test::tag, vs_author>(db);
  EXPECT_TRUE(report.warnings.empty()) << (report.warnings.empty() ? "" : report.warnings[0].message);
}

// The column types beyond the six stored ones: a mapped type is checked for the values it writes
// (its ar::value_range), others as their stored type.
enum class vs_color { red, green };
}  // namespace
AR_ENUM_STRINGS(vs_color, (red, "red"), (green, "green"));
namespace {

struct vs_typed {
  std::int64_t id = 0;
  float ratio = 0;
  std::uint8_t small = 0;
  std::uint32_t medium = 0;
  std::uint64_t large = 0;
  vs_color color = vs_color::red;
  std::optional<ar::date> born;
  ar::bytes photo;
  AR_MODEL(vs_typed, "vs_typed", AR_FIELDS(id, ratio, small, medium, large, color, born, photo));
};

// The same table, each field over a column that cannot hold it.
struct vs_typed_wrong {
  std::int64_t id = 0;
  ar::date ratio{};                   // a double column
  ar::bytes color;                    // a text column
  std::optional<std::uint64_t> born;  // a date column
  AR_MODEL(vs_typed_wrong, "vs_typed", AR_FIELDS(id, ratio, color, born));
};

TEST_P(verify_schema_test, tables_made_by_create_table_pass_for_the_mapped_date_and_bytes_types) {
  ar::create_tables<vs_typed>(db);
  EXPECT_TRUE(ar::verify_schema<vs_typed>(db).warnings.empty());
  try {
    ar::verify_schema<vs_typed_wrong>(db);
    FAIL() << "wrong types passed";
  } catch (const ar::schema_mismatch_error& e) {
    std::vector<problem_place> expected{{schema_problem_kind::wrong_type, "vs_typed", "ratio"},
                                        {schema_problem_kind::wrong_type, "vs_typed", "color"},
                                        {schema_problem_kind::wrong_type, "vs_typed", "born"}};
    // SQLite keeps a BLOB as it is in a TEXT column: bytes there are fine.
    if (GetParam() == "sqlite") expected.erase(expected.begin() + 1);
    EXPECT_EQ(places(e.problems()), expected) << e.what();
  }
}

// Mapped types over the narrower columns an existing schema has for them: a float in a 32-bit float
// column, unsigned integers in columns just wide enough (MariaDB's UNSIGNED ones; PostgreSQL's
// SMALLINT for a std::uint8_t, BIGINT for a std::uint32_t). They pass, and the largest values go in
// and come back; a column one size too small is named with the field's own type.
struct vs_ranged {
  std::int64_t id = 0;
  float ratio = 0;
  std::uint8_t small = 0;
  std::uint16_t middle = 0;
  std::uint32_t medium = 0;
  std::uint64_t large = 0;
  AR_MODEL(vs_ranged, "vs_ranged", AR_FIELDS(id, ratio, small, middle, medium, large), AR_KEY_SUPPLIED);
};

TEST_P(verify_schema_test, a_mapped_type_is_checked_for_the_values_it_writes_not_its_stored_type) {
  const bool mariadb = GetParam() == "mariadb", postgresql = ar_test::engine_of(GetParam()) == "postgresql";
  const auto create = [&](const char* small, const char* middle, const char* medium) {
    db.execute("CREATE TABLE " + q(db, "vs_ranged") + " (" + q(db, "id") + " BIGINT NOT NULL PRIMARY KEY, " +
               q(db, "ratio") + (mariadb ? " FLOAT" : " REAL") + " NOT NULL, " + q(db, "small") + " " + small +
               " NOT NULL, " + q(db, "middle") + " " + middle + " NOT NULL, " + q(db, "medium") + " " + medium +
               " NOT NULL, " + q(db, "large") + (mariadb ? " BIGINT UNSIGNED" : " BIGINT") + " NOT NULL)");
  };
  if (mariadb)
    create("TINYINT UNSIGNED", "SMALLINT UNSIGNED", "INT UNSIGNED");
  else if (postgresql)
    create("SMALLINT", "INTEGER", "BIGINT");
  else
    create("SMALLINT", "INTEGER", "INTEGER");
  EXPECT_NO_THROW(ar::verify_schema<vs_ranged>(db));
  const vs_ranged most{1, std::numeric_limits<float>::max(), 255, 65535, 4294967295U, 9223372036854775807ULL};
  ar::insert(db, most);
  const vs_ranged back = ar::find_or_throw<vs_ranged>(db, std::int64_t{1});
  EXPECT_EQ(back.ratio, most.ratio);
  EXPECT_EQ(back.small, most.small);
  EXPECT_EQ(back.middle, most.middle);
  EXPECT_EQ(back.medium, most.medium);
  EXPECT_EQ(back.large, most.large);

  db.execute("DROP TABLE " + q(db, "vs_ranged"));
  if (mariadb)
    create("TINYINT", "SMALLINT", "INT");
  else if (postgresql)
    create("SMALLINT", "SMALLINT", "INTEGER");
  else
    create("TEXT", "INTEGER", "TEXT");  // SQLite's INTEGER holds every integer: only text is too small
  try {
    ar::verify_schema<vs_ranged>(db);
    FAIL() << "columns too small passed";
  } catch (const ar::schema_mismatch_error& e) {
    std::vector<problem_place> expected{{schema_problem_kind::wrong_type, "vs_ranged", "small"},
                                        {schema_problem_kind::wrong_type, "vs_ranged", "middle"},
                                        {schema_problem_kind::wrong_type, "vs_ranged", "medium"}};
    if (postgresql) expected.erase(expected.begin());  // SMALLINT holds 0 to 255
    if (!mariadb && !postgresql) expected.erase(expected.begin() + 1);
    EXPECT_EQ(places(e.problems()), expected) << e.what();
    EXPECT_NE(std::string(e.what()).find("the field 'medium' (std::uint32_t)"), std::string::npos) << e.what();
  }
}

TEST_P(verify_schema_test, an_int32_field_in_a_64_bit_column_and_an_optional_in_a_not_null_column_pass) {
  db.execute("CREATE TABLE " + q(db, "vs_counters") + " (" + q(db, "id") + " " + type(db, value_type::int64) +
             " NOT NULL PRIMARY KEY, " + q(db, "hits") + " " + type(db, value_type::int64) + " NOT NULL, " +
             q(db, "note") + " " + type(db, value_type::text) + " NOT NULL)");
  EXPECT_NO_THROW(ar::verify_schema<vs_counter>(db));
}

TEST_P(verify_schema_test, a_foreign_key_without_an_index_is_a_warning_until_an_index_leads_with_it) {
  create_books_without_an_index(db);
  ar::schema_report report = ar::verify_schema<vs_author, vs_book>(db);
  ASSERT_EQ(places(report.warnings),
            (std::vector<problem_place>{{schema_problem_kind::unindexed_foreign_key, "vs_books", "author_id"}}));
  EXPECT_EQ(report.warnings[0].database, db.name());
  EXPECT_NE(report.warnings[0].message.find("'author'"), std::string::npos) << report.warnings[0].message;

  // An index where the foreign key is not the first column does not count.
  db.execute("CREATE INDEX " + q(db, "vs_books_id_author") + " ON " + q(db, "vs_books") + " (" + q(db, "id") + ", " +
             q(db, "author_id") + ")");
  report = ar::verify_schema<vs_author, vs_book>(db);
  EXPECT_EQ(report.warnings.size(), 1u);

  db.execute("CREATE INDEX " + q(db, "vs_books_author") + " ON " + q(db, "vs_books") + " (" + q(db, "author_id") + ")");
  report = ar::verify_schema<vs_author, vs_book>(db);
  EXPECT_TRUE(report.warnings.empty());
}

TEST_P(verify_schema_test, a_foreign_key_that_is_the_primary_key_is_indexed) {
  ar::create_tables<vs_author, vs_bio>(db);
  const ar::schema_report report = ar::verify_schema<vs_author, vs_bio>(db);
  EXPECT_TRUE(report.warnings.empty()) << (report.warnings.empty() ? "" : report.warnings[0].message);
}

TEST_P(verify_schema_test, every_problem_of_every_model_is_listed_in_one_error) {
  const std::string i64 = type(db, value_type::int64);
  const std::string i32 = type(db, value_type::int32);
  const std::string text = type(db, value_type::text);
  db.execute("CREATE TABLE " + q(db, "vs_wide") + " (" + q(db, "id") + " " + i64 + " NOT NULL PRIMARY KEY, " +
             q(db, "amount") + " " + text + " NOT NULL, " + q(db, "name") + " " + i64 + " NOT NULL, " + q(db, "big") +
             " " + i32 + " NOT NULL, " + q(db, "note") + " " + text + ")");
  db.execute("CREATE TABLE " + q(db, "vs_keyed") + " (" + q(db, "id") + " " + i64 + " NOT NULL, " + q(db, "code") +
             " " + std::string(db.dialect().key_column_type(value_type::text)) + " NOT NULL PRIMARY KEY)");
  db.execute("CREATE TABLE " + q(db, "vs_pairs") + " (" + q(db, "a") + " " + i64 + " NOT NULL, " + q(db, "b") + " " +
             i64 + " NOT NULL, PRIMARY KEY (" + q(db, "a") + ", " + q(db, "b") + "))");

  std::vector<problem_place> expected{{schema_problem_kind::wrong_type, "vs_wide", "amount"},
                                      {schema_problem_kind::wrong_type, "vs_wide", "name"}};
  // A 32-bit column cannot hold an int64 field, where the database has 32-bit columns (SQLite's
  // INTEGER is always 64 bits).
  if (i32 != i64) expected.push_back({schema_problem_kind::wrong_type, "vs_wide", "big"});
  expected.push_back({schema_problem_kind::nullable_column, "vs_wide", "note"});
  expected.push_back({schema_problem_kind::missing_column, "vs_wide", "missing"});
  expected.push_back({schema_problem_kind::primary_key_mismatch, "vs_keyed", "id"});
  expected.push_back({schema_problem_kind::primary_key_mismatch, "vs_pairs", "a"});
  expected.push_back({schema_problem_kind::missing_table, "vs_ghosts", ""});

  try {
    ar::verify_schema<vs_wide, vs_keyed, vs_pair, vs_ghost>(db);
    FAIL() << "verify_schema accepted tables that do not match their models";
  } catch (const ar::schema_mismatch_error& e) {
    EXPECT_EQ(places(e.problems()), expected) << e.what();
    const std::string what = e.what();
    for (const ar::schema_problem& p : e.problems()) {
      EXPECT_EQ(p.database, db.name());
      EXPECT_FALSE(p.message.empty());
      EXPECT_NE(what.find(p.table + (p.column.empty() ? "" : "." + p.column) + ": " + p.message), std::string::npos)
          << what;
    }
    // The messages say what the table has.
    for (const ar::schema_problem& p : e.problems()) {
      if (p.table == "vs_keyed") {
        EXPECT_NE(p.message.find("code"), std::string::npos) << p.message;
      }
      if (p.table == "vs_pairs") {
        EXPECT_NE(p.message.find("(a, b)"), std::string::npos) << p.message;
      }
      if (p.column == "amount") {
        EXPECT_NE(p.message.find("std::int64_t"), std::string::npos) << p.message;
      }
    }
  }
}

TEST_P(verify_schema_test, a_model_that_matches_is_not_reported_among_ones_that_do_not) {
  ar::create_tables<vs_author>(db);
  try {
    ar::verify_schema<vs_author, vs_ghost>(db);
    FAIL() << "a missing table passed";
  } catch (const ar::schema_mismatch_error& e) {
    EXPECT_EQ(places(e.problems()),
              (std::vector<problem_place>{{schema_problem_kind::missing_table, "vs_ghosts", ""}}));
  }
}

TEST_P(verify_schema_test, without_a_database_each_model_is_checked_on_its_own) {
  create_books_without_an_index(db);
  EXPECT_EQ((ar::verify_schema<vs_author, vs_book>().warnings.size()), 1u);
  try {
    ar::verify_schema<vs_ghost>();
    FAIL() << "a missing table passed";
  } catch (const ar::schema_mismatch_error& e) {
    ASSERT_EQ(e.problems().size(), 1u);
    EXPECT_EQ(e.problems()[0].database, ar::database_for<vs_ghost>().name());
  }
}

// ar::open runs open_options::verify: on success it returns the database (and the hook saw the
// warnings); on a mismatch it throws that error and the database is not left open.
TEST_P(verify_schema_test, open_runs_the_verify_option) {
  // A database in memory is one connection's own: the tables go into a file another handle opens.
  const ar::database first = ar_test::open_backend(GetParam() == "sqlite" ? "sqlite_file" : GetParam(), "setup");
  create_books_without_an_index(first);

  std::vector<ar::schema_problem> warnings;
  ar::open_options options;
  options.verify = ar::verify_with<vs_author, vs_book>([&](const ar::schema_report& r) { warnings = r.warnings; });
  const ar::database checked = ar_test::open_backend_again(first, "checked", options);
  EXPECT_EQ(places(warnings),
            (std::vector<problem_place>{{schema_problem_kind::unindexed_foreign_key, "vs_books", "author_id"}}));
  EXPECT_EQ(warnings.at(0).database, "checked");
  EXPECT_TRUE(ar::get_database("checked") == checked);

  ar::open_options refusing;
  refusing.verify = ar::verify_with<vs_author, vs_ghost>();
  try {
    ar_test::open_backend_again(first, "refused", refusing);
    FAIL() << "ar::open returned a database whose schema does not match";
  } catch (const ar::schema_mismatch_error& e) {
    EXPECT_EQ(places(e.problems()),
              (std::vector<problem_place>{{schema_problem_kind::missing_table, "vs_ghosts", ""}}));
    EXPECT_EQ(e.problems()[0].database, "refused");
  }
  EXPECT_THROW(ar::get_database("refused"), ar::configuration_error);
  // The name is free again.
  EXPECT_NO_THROW(ar_test::open_backend_again(first, "refused"));
}

TEST_P(verify_schema_test, the_catalog_lists_unique_keys_of_several_columns_in_their_order) {
  const std::string i64 = type(db, value_type::int64);
  db.execute("CREATE TABLE " + q(db, "vs_seasons") + " (" + q(db, "team") + " " + i64 + " NOT NULL, " + q(db, "yr") +
             " " + i64 + " NOT NULL, PRIMARY KEY (" + q(db, "team") + ", " + q(db, "yr") + "))");
  db.execute("CREATE TABLE " + q(db, "vs_reports") + " (" + q(db, "id") + " " + i64 + " NOT NULL PRIMARY KEY, " +
             q(db, "team") + " " + i64 + " NOT NULL, " + q(db, "yr") + " " + i64 + " NOT NULL, " + q(db, "code") + " " +
             i64 + " NOT NULL)");
  db.execute("CREATE UNIQUE INDEX " + q(db, "vs_reports_season") + " ON " + q(db, "vs_reports") + " (" + q(db, "yr") +
             ", " + q(db, "team") + ")");
  db.execute("CREATE UNIQUE INDEX " + q(db, "vs_reports_code") + " ON " + q(db, "vs_reports") + " (" + q(db, "code") +
             ")");
  const ar::catalog_table seasons = ar::read_catalog_table(db, "vs_seasons");
  EXPECT_EQ(seasons.unique_keys, (std::vector<std::vector<std::string>>{{"team", "yr"}}));
  const ar::catalog_table reports = ar::read_catalog_table(db, "vs_reports");
  const auto has = [&](std::vector<std::string> key) {
    return std::find(reports.unique_keys.begin(), reports.unique_keys.end(), key) != reports.unique_keys.end();
  };
  EXPECT_TRUE(has({"yr", "team"}));
  EXPECT_TRUE(has({"code"}));
  // Alone in a unique index: code (and the key, id); team and yr only together.
  for (const ar::catalog_column& c : reports.columns) EXPECT_EQ(c.unique, c.name == "code" || c.name == "id") << c.name;
  db.execute("DROP TABLE " + q(db, "vs_reports"));
  db.execute("DROP TABLE " + q(db, "vs_seasons"));
}

AR_INSTANTIATE_BACKEND_SUITE(verify_schema_test);

// What each dialect's column_type_holds says of the types its catalog spells, beyond those
// create_table writes (which the suite above checks on the servers).
bool holds(std::string_view scheme, std::string_view catalog_type, value_type field) {
  const ar::dialect* d = ar::find_dialect(scheme);
  if (!d) throw std::runtime_error("no dialect for " + std::string(scheme));
  return d->column_type_holds(catalog_type, field);
}

TEST(column_type_holds, every_dialect_holds_what_its_own_ddl_writes) {
  for (const std::string& scheme : ar_test::registered_backends()) {
    const ar::dialect* d = ar::find_dialect(ar_test::engine_of(scheme));
    ASSERT_NE(d, nullptr) << scheme;
    for (value_type t : {value_type::int32, value_type::int64, value_type::float64, value_type::boolean,
                         value_type::text, value_type::time, value_type::date, value_type::bytes, value_type::uuid,
                         value_type::decimal, value_type::json}) {
      EXPECT_TRUE(d->column_type_holds(d->column_type(t), t)) << scheme << " " << d->column_type(t);
      EXPECT_TRUE(d->column_type_holds(d->key_column_type(t), t)) << scheme << " " << d->key_column_type(t);
    }
    for (const auto& [p, s] : {std::pair{0, 0}, std::pair{10, 2}, std::pair{38, 0}, std::pair{15, 15}})
      EXPECT_TRUE(d->column_type_holds(d->decimal_column_type(p, s), value_type::decimal))
          << scheme << " " << d->decimal_column_type(p, s);
    EXPECT_FALSE(d->column_type_holds(d->column_type(value_type::float64), value_type::decimal)) << scheme;
    EXPECT_FALSE(d->column_type_holds(d->column_type(value_type::text), value_type::decimal)) << scheme;
  }
}

TEST(column_type_holds, sqlite_follows_type_affinity) {
  EXPECT_TRUE(holds("sqlite3", "NVARCHAR(120)", value_type::text));
  EXPECT_TRUE(holds("sqlite3", "DATETIME", value_type::time));  // NUMERIC affinity keeps ar's time text
  EXPECT_TRUE(holds("sqlite3", "NUMERIC(10,2)", value_type::float64));
  EXPECT_TRUE(holds("sqlite3", "BOOLEAN", value_type::boolean));  // NUMERIC affinity
  EXPECT_TRUE(holds("sqlite3", "BIGINT", value_type::int64));     // INTEGER affinity
  EXPECT_TRUE(holds("sqlite3", "", value_type::text));            // no type: BLOB affinity keeps all
  EXPECT_TRUE(holds("sqlite3", "BLOB", value_type::int64));
  EXPECT_FALSE(holds("sqlite3", "TEXT", value_type::int64));  // numbers become text
  EXPECT_FALSE(holds("sqlite3", "VARCHAR(10)", value_type::int32));
  EXPECT_FALSE(holds("sqlite3", "INTEGER", value_type::text));  // "0042" would become 42
  EXPECT_FALSE(holds("sqlite3", "NUMERIC", value_type::text));
  EXPECT_FALSE(holds("sqlite3", "REAL", value_type::int64));  // beyond 2^53 digits are lost
  EXPECT_FALSE(holds("sqlite3", "CLOB", value_type::float64));
  EXPECT_TRUE(holds("sqlite3", "DATE", value_type::date));  // NUMERIC affinity keeps 'YYYY-MM-DD'
  EXPECT_TRUE(holds("sqlite3", "TEXT", value_type::date));
  EXPECT_FALSE(holds("sqlite3", "INTEGER", value_type::date));
  EXPECT_TRUE(holds("sqlite3", "BLOB", value_type::bytes));
  EXPECT_TRUE(holds("sqlite3", "TEXT", value_type::bytes));  // a BLOB is kept under every affinity
  EXPECT_TRUE(holds("sqlite3", "CHAR(36)", value_type::uuid));
  EXPECT_FALSE(holds("sqlite3", "NUMERIC", value_type::uuid));
  EXPECT_TRUE(holds("sqlite3", "NUMERIC(10,2)", value_type::decimal));  // Chinook's prices
  EXPECT_TRUE(holds("sqlite3", "DECIMAL(10,2)", value_type::decimal));
  EXPECT_TRUE(holds("sqlite3", "INTEGER", value_type::decimal));
  EXPECT_FALSE(holds("sqlite3", "REAL", value_type::decimal));  // a double is not exact
  EXPECT_FALSE(holds("sqlite3", "DOUBLE", value_type::decimal));
  EXPECT_FALSE(holds("sqlite3", "TEXT", value_type::decimal));  // would compare as text
  EXPECT_TRUE(holds("sqlite3", "TEXT", value_type::json));
  EXPECT_FALSE(holds("sqlite3", "JSON", value_type::json));  // NUMERIC affinity: the text 12 would become 12
}

TEST(column_type_holds, postgresql_needs_wide_enough_types) {
  EXPECT_TRUE(holds("postgresql", "bigint", value_type::int32));
  EXPECT_FALSE(holds("postgresql", "integer", value_type::int64));
  EXPECT_FALSE(holds("postgresql", "smallint", value_type::int32));
  EXPECT_FALSE(holds("postgresql", "real", value_type::float64));
  EXPECT_TRUE(holds("postgresql", "numeric", value_type::float64));
  EXPECT_TRUE(holds("postgresql", "character varying", value_type::text));
  EXPECT_FALSE(holds("postgresql", "text", value_type::int64));
  EXPECT_FALSE(holds("postgresql", "integer", value_type::text));
  EXPECT_FALSE(holds("postgresql", "integer", value_type::boolean));
  EXPECT_FALSE(holds("postgresql", "timestamp with time zone", value_type::time));
  EXPECT_TRUE(holds("postgresql", "date", value_type::date));
  EXPECT_FALSE(holds("postgresql", "text", value_type::date));
  EXPECT_FALSE(holds("postgresql", "timestamp without time zone", value_type::date));
  EXPECT_TRUE(holds("postgresql", "bytea", value_type::bytes));
  EXPECT_FALSE(holds("postgresql", "text", value_type::bytes));
  EXPECT_FALSE(holds("postgresql", "bytea", value_type::text));
  EXPECT_TRUE(holds("postgresql", "uuid", value_type::uuid));
  EXPECT_FALSE(holds("postgresql", "text", value_type::uuid));
  EXPECT_TRUE(holds("postgresql", "numeric", value_type::decimal));
  EXPECT_TRUE(holds("postgresql", "numeric(10,2)", value_type::decimal));
  EXPECT_FALSE(holds("postgresql", "double precision", value_type::decimal));
  EXPECT_FALSE(holds("postgresql", "real", value_type::decimal));
  EXPECT_FALSE(holds("postgresql", "money", value_type::decimal));
  EXPECT_TRUE(holds("postgresql", "jsonb", value_type::json));
  EXPECT_TRUE(holds("postgresql", "json", value_type::json));
  EXPECT_FALSE(holds("postgresql", "bytea", value_type::json));
}

bool holds_range(std::string_view scheme, std::string_view catalog_type, value_type field, ar::value_range range) {
  const ar::dialect* d = ar::find_dialect(scheme);
  if (!d) throw std::runtime_error("no dialect for " + std::string(scheme));
  return d->column_holds_range(catalog_type, field, range);
}

// A mapped type's range: the narrowest columns that hold it, and the first ones that do not.
TEST(column_type_holds, a_mapped_types_range_takes_the_columns_that_hold_it) {
  using ar::value_range;
  EXPECT_TRUE(holds_range("mysql", "int(10) unsigned", value_type::int64, value_range::uint32));
  EXPECT_FALSE(holds_range("mysql", "int(11)", value_type::int64, value_range::uint32));
  EXPECT_FALSE(holds_range("mysql", "int(10) unsigned", value_type::int64, value_range::stored));
  EXPECT_TRUE(holds_range("mysql", "bigint(20)", value_type::int64, value_range::uint32));
  EXPECT_TRUE(holds_range("mysql", "bigint(20) unsigned", value_type::int64, value_range::uint64));
  EXPECT_TRUE(holds_range("mysql", "bigint(20)", value_type::int64, value_range::uint64));
  EXPECT_FALSE(holds_range("mysql", "int(10) unsigned", value_type::int64, value_range::uint64));
  EXPECT_TRUE(holds_range("mysql", "tinyint(3) unsigned", value_type::int32, value_range::uint8));
  EXPECT_FALSE(holds_range("mysql", "tinyint(4)", value_type::int32, value_range::uint8));
  EXPECT_TRUE(holds_range("mysql", "smallint(6)", value_type::int32, value_range::uint8));
  EXPECT_TRUE(holds_range("mysql", "smallint(5) unsigned", value_type::int32, value_range::uint16));
  EXPECT_TRUE(holds_range("mysql", "mediumint(9)", value_type::int32, value_range::uint16));
  EXPECT_FALSE(holds_range("mysql", "smallint(6)", value_type::int32, value_range::uint16));
  EXPECT_TRUE(holds_range("mysql", "float", value_type::float64, value_range::float32));
  EXPECT_TRUE(holds_range("mysql", "double", value_type::float64, value_range::float32));
  EXPECT_FALSE(holds_range("mysql", "float", value_type::float64, value_range::stored));
  EXPECT_FALSE(holds_range("mysql", "varchar(10)", value_type::int64, value_range::uint32));
  EXPECT_TRUE(holds_range("postgresql", "real", value_type::float64, value_range::float32));
  EXPECT_FALSE(holds_range("postgresql", "real", value_type::float64, value_range::stored));
  EXPECT_TRUE(holds_range("postgresql", "smallint", value_type::int32, value_range::uint8));
  EXPECT_FALSE(holds_range("postgresql", "smallint", value_type::int32, value_range::uint16));
  EXPECT_TRUE(holds_range("postgresql", "integer", value_type::int32, value_range::uint16));
  EXPECT_FALSE(holds_range("postgresql", "integer", value_type::int64, value_range::uint32));
  EXPECT_TRUE(holds_range("postgresql", "bigint", value_type::int64, value_range::uint64));
  EXPECT_TRUE(holds_range("sqlite3", "SMALLINT", value_type::int32, value_range::uint16));
  EXPECT_TRUE(holds_range("sqlite3", "REAL", value_type::float64, value_range::float32));
  EXPECT_FALSE(holds_range("sqlite3", "TEXT", value_type::int64, value_range::uint32));
}

TEST(column_type_holds, mariadb_reads_the_whole_column_type) {
  EXPECT_TRUE(holds("mysql", "bigint(20)", value_type::int64));
  EXPECT_TRUE(holds("mysql", "bigint(20)", value_type::int32));
  EXPECT_FALSE(holds("mysql", "int(11)", value_type::int64));
  EXPECT_FALSE(holds("mysql", "int(10) unsigned", value_type::int32));  // no negative numbers
  EXPECT_FALSE(holds("mysql", "bigint(20) unsigned", value_type::int64));
  EXPECT_TRUE(holds("mysql", "tinyint(1)", value_type::boolean));
  EXPECT_FALSE(holds("mysql", "float", value_type::float64));
  EXPECT_TRUE(holds("mysql", "decimal(10,2)", value_type::float64));
  EXPECT_TRUE(holds("mysql", "varchar(768)", value_type::text));
  EXPECT_FALSE(holds("mysql", "longtext", value_type::int64));
  EXPECT_FALSE(holds("mysql", "int(11)", value_type::text));
  EXPECT_TRUE(holds("mysql", "datetime(6)", value_type::time));
  EXPECT_TRUE(holds("mysql", "date", value_type::date));
  EXPECT_FALSE(holds("mysql", "datetime", value_type::date));
  EXPECT_FALSE(holds("mysql", "varchar(10)", value_type::date));
  EXPECT_TRUE(holds("mysql", "longblob", value_type::bytes));
  EXPECT_TRUE(holds("mysql", "varbinary(16)", value_type::bytes));
  EXPECT_TRUE(holds("mysql", "blob", value_type::bytes));
  EXPECT_FALSE(holds("mysql", "longtext", value_type::bytes));
  EXPECT_TRUE(holds("mysql", "char(36)", value_type::uuid));
  EXPECT_TRUE(holds("mysql", "uuid", value_type::uuid));  // MariaDB 10.7's own type
  EXPECT_FALSE(holds("mysql", "varchar(255)", value_type::uuid));
  EXPECT_FALSE(holds("mysql", "binary(16)", value_type::uuid));
  EXPECT_TRUE(holds("mysql", "decimal(10,2)", value_type::decimal));
  EXPECT_TRUE(holds("mysql", "decimal(65,30)", value_type::decimal));
  EXPECT_FALSE(holds("mysql", "decimal(10,2) unsigned", value_type::decimal));  // no negative numbers
  EXPECT_FALSE(holds("mysql", "double", value_type::decimal));
  EXPECT_FALSE(holds("mysql", "float", value_type::decimal));
  EXPECT_TRUE(holds("mysql", "longtext", value_type::json));  // what MariaDB's catalog says of JSON
  EXPECT_TRUE(holds("mysql", "json", value_type::json));
  EXPECT_FALSE(holds("mysql", "varchar(10)", value_type::json));
}

}  // namespace
