// Column types beyond the six stored ones, on every backend: a program's own type through
// ar::type_mapping (a strong id as a field, a primary key and a filter value), enums through
// AR_ENUM_STRINGS / AR_ENUM_VALUES, float, and the unsigned integers. Each is written and read back
// exactly at its edge values, filtered and ordered; a stored value the type cannot hold is an
// ar::conversion_error naming the table, the column and the value, and a field value its column
// cannot hold is an ar::value_error naming the table and the field, before any statement is sent.

#include "../support/backends.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace shop {

// A strong id: not an integer, so that a customer id is never passed where an order id goes.
struct customer_id {
  std::int64_t value = 0;
  friend bool operator==(customer_id, customer_id) = default;
};

// A value whose mapping refuses some stored values: only even numbers are stored.
struct even {
  std::int64_t value = 0;
};

enum class color { red, green, blue };
enum class status : std::uint8_t { active = 1, suspended = 2, closed = 9 };

}  // namespace shop

template <>
struct ar::type_mapping<shop::customer_id> {
  using stored = std::int64_t;
  static stored to_stored(const shop::customer_id& v) { return v.value; }
  static shop::customer_id from_stored(stored s) { return shop::customer_id{s}; }
};

template <>
struct ar::type_mapping<shop::even> {
  using stored = std::int64_t;
  static stored to_stored(const shop::even& v) {
    if (v.value % 2 != 0) throw std::invalid_argument("an even number (shop::even)");
    return v.value;
  }
  static shop::even from_stored(stored s) {
    if (s % 2 != 0) throw std::invalid_argument("an even number (shop::even)");
    return shop::even{s};
  }
};

AR_ENUM_STRINGS(shop::color, (red, "red"), (green, "green"), (blue, "blue"));
AR_ENUM_VALUES(shop::status, active, suspended, closed);

namespace shop {

struct customer {
  customer_id id;
  std::string name;
  std::optional<customer_id> referrer;
  color favourite = color::red;
  std::optional<color> second;
  status state = status::active;
  even lucky;

  AR_MODEL(customer, "mapped_customers", AR_FIELDS(id, name, referrer, favourite, second, state, lucky));
};

// The same table in its stored types, as another program would make it: create_table declares a
// CHECK of an enum field's values, which this one has not, so a value no enumerator has can be
// stored in it.
struct customer_as_stored {
  std::int64_t id = 0;
  std::string name;
  std::optional<std::int64_t> referrer;
  std::string favourite;
  std::optional<std::string> second;
  std::int32_t state = 1;
  std::int64_t lucky = 0;

  AR_MODEL(customer_as_stored, "mapped_customers", AR_FIELDS(id, name, referrer, favourite, second, state, lucky),
           AR_KEY_SUPPLIED);
};

struct measure {
  std::int64_t id = 0;
  float f = 0;
  std::optional<float> of;
  std::uint8_t u8 = 0;
  std::uint16_t u16 = 0;
  std::uint32_t u32 = 0;
  std::uint64_t u64 = 0;
  std::optional<std::uint64_t> ou64;

  AR_MODEL(measure, "mapped_measures", AR_FIELDS(id, f, of, u8, u16, u32, u64, ou64));
};

static_assert(!ar::model_of<customer>::generated_key, "a mapped key is the program's to supply");
static_assert(ar::field_traits<customer_id>::type == ar::value_type::int64);
static_assert(ar::field_traits<color>::type == ar::value_type::text);
static_assert(ar::field_traits<status>::type == ar::value_type::int32);
static_assert(ar::field_traits<float>::type == ar::value_type::float64);
static_assert(ar::field_traits<std::uint32_t>::type == ar::value_type::int64);

}  // namespace shop

namespace {

using shop::color;
using shop::customer;
using shop::customer_id;
using shop::measure;
using shop::status;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class mapped_types : public ar_test::backend_test {
 protected:
  void SetUp() override {
    backend_test::SetUp();
    ar::create_tables<customer, measure>(db);
  }

  // Reading every row of M is a conversion_error naming the table, the column and the value.
  template <class M>
  void expect_refused(const std::string& table, const std::string& column, const std::string& found,
                      const std::string& expected) {
    SCOPED_TRACE(column + " " + found);
    try {
      const auto rows = ar::from<M>(db) | ar::to_vector;
      ADD_FAILURE() << "read " << rows.size() << " rows";
    } catch (const ar::conversion_error& e) {
      EXPECT_EQ(e.table(), table);
      EXPECT_EQ(e.column(), column);
      EXPECT_TRUE(contains(e.found(), found)) << e.found();
      EXPECT_TRUE(contains(e.expected(), expected)) << e.expected();
    }
  }

  template <class F>
  void expect_value_error(F&& write, const std::string& table, const std::string& field, const std::string& why) {
    ar::statement_counter counter;
    try {
      write();
      ADD_FAILURE() << "written";
    } catch (const ar::value_error& e) {
      EXPECT_EQ(e.table(), table);
      EXPECT_EQ(e.field(), field);
      EXPECT_TRUE(contains(e.why(), why)) << e.why();
      EXPECT_TRUE(contains(e.what(), field)) << e.what();
    }
    EXPECT_EQ(counter.count(), 0U) << "a refused value is never sent";
  }
};

TEST_P(mapped_types, strong_id_is_a_key_a_field_and_a_filter_value) {
  customer ada{customer_id{3}, "ada", std::nullopt, color::green, color::blue, status::suspended, shop::even{4}};
  customer bob{customer_id{7}, "bob", customer_id{3}, color::red, std::nullopt, status::closed, shop::even{-2}};
  ar::insert(db, ada);
  ar::insert(db, bob);

  const auto found = ar::find<customer>(db, customer_id{7});
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->name, "bob");
  EXPECT_EQ(found->referrer, customer_id{3});
  EXPECT_EQ(found->favourite, color::red);
  EXPECT_FALSE(found->second.has_value());
  EXPECT_EQ(found->state, status::closed);
  EXPECT_EQ(found->lucky.value, -2);

  // The id in a filter binds its stored integer.
  const auto condition = customer::c.id == customer_id{3};
  EXPECT_EQ(condition.tree.params, (std::vector<ar::value>{std::int64_t{3}}));
  const auto by_id = ar::from<customer>(db) | ar::filter(condition) | ar::to_vector;
  ASSERT_EQ(by_id.size(), 1U);
  EXPECT_EQ(by_id[0].name, "ada");
  EXPECT_EQ(by_id[0].second, color::blue);

  const auto referred = ar::from<customer>(db) | ar::filter(customer::c.referrer == customer_id{3}) | ar::to_vector;
  ASSERT_EQ(referred.size(), 1U);
  EXPECT_EQ(referred[0].id, customer_id{7});

  // update and destroy by the mapped key.
  bob.name = "robert";
  bob.referrer.reset();
  ar::update(db, bob);
  EXPECT_EQ(ar::find_or_throw<customer>(db, customer_id{7}).name, "robert");
  EXPECT_FALSE(ar::find_or_throw<customer>(db, customer_id{7}).referrer.has_value());
  ar::destroy(db, ada);
  EXPECT_FALSE(ar::find<customer>(db, customer_id{3}).has_value());
}

TEST_P(mapped_types, enums_round_trip_filter_and_order) {
  std::vector<customer> all{
      {customer_id{1}, "a", std::nullopt, color::blue, std::nullopt, status::closed, {}},
      {customer_id{2}, "b", std::nullopt, color::red, color::green, status::active, {}},
      {customer_id{3}, "c", std::nullopt, color::green, std::nullopt, status::suspended, {}},
  };
  ar::insert_all(db, all);
  // Strings order as text, values as integers.
  std::vector<std::int64_t> by_color, by_state;
  for (const customer& c : ar::from<customer>(db) | ar::order_by(customer::c.favourite) | ar::to_vector)
    by_color.push_back(c.id.value);
  for (const customer& c : ar::from<customer>(db) | ar::order_by(customer::c.state) | ar::to_vector)
    by_state.push_back(c.id.value);
  EXPECT_EQ(by_color, (std::vector<std::int64_t>{1, 3, 2}));  // blue, green, red
  EXPECT_EQ(by_state, (std::vector<std::int64_t>{2, 3, 1}));  // 1, 2, 9
  EXPECT_EQ((ar::from<customer>(db) | ar::filter(customer::c.favourite == color::green) | ar::count), 1);
  EXPECT_EQ((ar::from<customer>(db) | ar::filter(customer::c.state != status::active) | ar::count), 2);
  EXPECT_EQ((ar::from<customer>(db) | ar::filter(customer::c.second == color::green) | ar::count), 1);
  // The stored forms are the texts and the values.
  EXPECT_EQ(
      db.execute(ar_test::sql_for(db, "UPDATE {mapped_customers} SET {name} = ? WHERE {favourite} = ? AND {state} = ?"),
                 {std::string("x"), std::string("green"), std::int32_t{2}}),
      1U);
}

TEST_P(mapped_types, unknown_stored_enum_is_refused_naming_the_value) {
  ar::drop_table<customer>(db);
  ar::create_table<shop::customer_as_stored>(db);  // no CHECK refuses 'purple' or 0: ar's read must
  customer c{customer_id{1}, "a", std::nullopt, color::blue, std::nullopt, status::closed, {}};
  ar::insert(db, c);
  db.execute(ar_test::sql_for(db, "UPDATE {mapped_customers} SET {favourite} = ?"), {std::string("purple")});
  expect_refused<customer>("mapped_customers", "favourite", "'purple'", "'red', 'green', 'blue'");
  db.execute(ar_test::sql_for(db, "UPDATE {mapped_customers} SET {favourite} = ?, {state} = ?"),
             {std::string("red"), std::int32_t{0}});
  expect_refused<customer>("mapped_customers", "state", "0", "one of 1, 2, 9");
  db.execute(ar_test::sql_for(db, "UPDATE {mapped_customers} SET {state} = ?, {lucky} = ?"),
             {std::int32_t{2}, std::int64_t{3}});
  expect_refused<customer>("mapped_customers", "lucky", "3", "an even number");
}

TEST_P(mapped_types, unlisted_enumerator_and_refused_value_are_not_written) {
  customer c{customer_id{1}, "a", std::nullopt, static_cast<color>(17), std::nullopt, status::closed, {}};
  expect_value_error([&] { ar::insert(db, c); }, "mapped_customers", "favourite", "17");
  c.favourite = color::red;
  c.state = static_cast<status>(5);
  expect_value_error([&] { ar::insert(db, c); }, "mapped_customers", "state", "5");
  c.state = status::active;
  c.lucky = shop::even{5};
  expect_value_error([&] { ar::insert(db, c); }, "mapped_customers", "lucky", "an even number");
  EXPECT_THROW((void)(customer::c.lucky == shop::even{5}), ar::value_error);
}

TEST_P(mapped_types, float_and_unsigned_edges_round_trip) {
  const bool inf = ar_test::capabilities_of(GetParam()).stores_infinity;
  std::vector<measure> rows{
      {1, std::numeric_limits<float>::max(), std::nullopt, 255, 65535, 4294967295U, 9223372036854775807ULL,
       std::nullopt},
      {2, std::numeric_limits<float>::denorm_min(), 0.1f, 0, 0, 0, 0, 0},
      {3, -std::numeric_limits<float>::min(), inf ? std::numeric_limits<float>::infinity() : 1.5f, 1, 2, 3, 4, 5},
      {4, 0.1f, -0.0f, 128, 32768, 2147483648U, 9223372036854775806ULL, 9223372036854775807ULL},
  };
  ar::insert_all(db, rows);
  const auto back = ar::from<measure>(db) | ar::order_by(measure::c.id) | ar::to_vector;
  ASSERT_EQ(back.size(), rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(back[i].f, rows[i].f);
    EXPECT_EQ(back[i].of, rows[i].of);
    EXPECT_EQ(back[i].u8, rows[i].u8);
    EXPECT_EQ(back[i].u16, rows[i].u16);
    EXPECT_EQ(back[i].u32, rows[i].u32);
    EXPECT_EQ(back[i].u64, rows[i].u64);
    EXPECT_EQ(back[i].ou64, rows[i].ou64);
  }
  // Filters bind the column's own type; order follows the unsigned values.
  EXPECT_EQ((ar::from<measure>(db) | ar::filter(measure::c.f == 0.1f) | ar::count), 1);
  EXPECT_EQ((ar::from<measure>(db) | ar::filter(measure::c.u32 >= 2147483648U) | ar::count), 2);
  EXPECT_EQ((ar::from<measure>(db) | ar::filter(measure::c.u64 == 9223372036854775807ULL) | ar::count), 1);
  EXPECT_EQ((ar::from<measure>(db) | ar::filter(measure::c.u8 > 127) | ar::count), 2);
  std::vector<std::int64_t> by_u64;
  for (const measure& m : ar::from<measure>(db) | ar::order_by(measure::c.u64) | ar::to_vector) by_u64.push_back(m.id);
  EXPECT_EQ(by_u64, (std::vector<std::int64_t>{2, 3, 4, 1}));
}

TEST_P(mapped_types, uint64_above_int64_max_is_refused_on_write_naming_the_field) {
  measure m{1, 0, std::nullopt, 0, 0, 0, 9223372036854775808ULL, std::nullopt};
  expect_value_error([&] { ar::insert(db, m); }, "mapped_measures", "u64", "9223372036854775807");
  m.u64 = 0;
  m.ou64 = std::numeric_limits<std::uint64_t>::max();
  expect_value_error([&] { ar::insert(db, m); }, "mapped_measures", "ou64", "9223372036854775807");
  m.ou64.reset();
  ar::insert(db, m);
  m.u64 = 9223372036854775808ULL;
  expect_value_error([&] { ar::update(db, m); }, "mapped_measures", "u64", "9223372036854775807");
  EXPECT_THROW((void)(measure::c.u64 == 9223372036854775808ULL), ar::value_error);
  EXPECT_EQ(ar::find_or_throw<measure>(db, std::int64_t{1}).u64, 0U);
}

TEST_P(mapped_types, stored_values_outside_the_field_are_refused) {
  measure m{1, 0, std::nullopt, 0, 0, 0, 0, std::nullopt};
  ar::insert(db, m);
  auto set = [&](const char* column, ar::value v) {
    db.execute(ar_test::sql_for(db, "UPDATE {mapped_measures} SET {f} = ?, {u8} = ?, {u16} = ?, {u32} = ?, {u64} = ?"),
               {0.0, std::int32_t{0}, std::int32_t{0}, std::int64_t{0}, std::int64_t{0}});
    db.execute(ar_test::sql_for(db, std::string("UPDATE {mapped_measures} SET {") + column + "} = ?"), {std::move(v)});
  };
  set("f", 0.1);  // a double no float holds exactly
  expect_refused<measure>("mapped_measures", "f", "real 0.1", "a number a float holds exactly");
  set("f", 1e300);
  expect_refused<measure>("mapped_measures", "f", "real 1e+300", "a number a float holds exactly");
  set("u8", std::int32_t{256});
  expect_refused<measure>("mapped_measures", "u8", "256", "from 0 to 255");
  set("u8", std::int32_t{-1});
  expect_refused<measure>("mapped_measures", "u8", "-1", "from 0 to 255");
  set("u16", std::int32_t{65536});
  expect_refused<measure>("mapped_measures", "u16", "65536", "from 0 to 65535");
  set("u32", std::int64_t{-1});
  expect_refused<measure>("mapped_measures", "u32", "-1", "from 0 to 4294967295");
  set("u32", std::int64_t{4294967296});
  expect_refused<measure>("mapped_measures", "u32", "4294967296", "from 0 to 4294967295");
  set("u64", std::int64_t{-1});
  expect_refused<measure>("mapped_measures", "u64", "-1", "std::uint64_t");
  // NULL into a field that is not a std::optional.
  set("u64", std::int64_t{0});
  db.execute(ar_test::sql_for(db, "UPDATE {mapped_measures} SET {of} = ?"), {0.5});
  EXPECT_EQ(ar::find_or_throw<measure>(db, std::int64_t{1}).of, 0.5f);
}

// A float field over a column of the server's 32-bit float type (PostgreSQL's REAL, MariaDB's
// FLOAT), as a schema ar did not create has it: read as the float the column holds (PostgreSQL's
// shortest spelling, 0.1, is 0.1f; MariaDB's binary protocol gives the float itself), not refused as
// the double 0.1, and written back exactly; verify_schema takes the column. SQLite's REAL is a
// double.
struct float_row {
  std::int64_t id = 0;
  float v = 0;
  AR_MODEL(float_row, "float_columns", AR_FIELDS(id, v), AR_KEY_SUPPLIED);
};

TEST_P(mapped_types, a_float_field_reads_the_servers_own_float_column) {
  const bool sqlite = GetParam() == "sqlite";
  db.execute(ar_test::sql_for(db, std::string("CREATE TABLE {float_columns} ({id} BIGINT NOT NULL PRIMARY KEY, {v} ") +
                                      (GetParam() == "mariadb" ? "FLOAT" : "REAL") + " NOT NULL)"));
  const std::vector<float> values{0.1f, std::numeric_limits<float>::max(), std::numeric_limits<float>::denorm_min(),
                                  -1.0f / 3.0f, 16777217.0f};
  for (std::size_t i = 0; i < values.size(); ++i)
    db.execute(ar_test::sql_for(db, "INSERT INTO {float_columns} ({id}, {v}) VALUES (?, ?)"),
               {static_cast<std::int64_t>(i), sqlite ? static_cast<double>(values[i]) : 0.0});
  if (!sqlite) {
    // Another program writes the double; the column keeps the float nearest to it.
    const std::vector<double> written{0.1, 3.4028234663852886e38, 1.401298464324817e-45, -1.0 / 3.0, 16777217.0};
    for (std::size_t i = 0; i < values.size(); ++i)
      db.execute(ar_test::sql_for(db, "UPDATE {float_columns} SET {v} = ? WHERE {id} = ?"),
                 {written[i], static_cast<std::int64_t>(i)});
  }
  auto back = ar::from<float_row>(db) | ar::order_by(float_row::c.id) | ar::to_vector;
  ASSERT_EQ(back.size(), values.size());
  for (std::size_t i = 0; i < values.size(); ++i) EXPECT_EQ(back[i].v, values[i]) << i;
  EXPECT_NO_THROW(ar::verify_schema<float_row>(db));  // a float's range: a 32-bit float column holds it
  // Written by ar and read back: the same floats, in another order.
  for (std::size_t i = 0; i < back.size(); ++i) back[i].v = values[values.size() - 1 - i];
  for (const float_row& r : back) ar::update(db, r);
  const auto again = ar::from<float_row>(db) | ar::order_by(float_row::c.id) | ar::to_vector;
  ASSERT_EQ(again.size(), values.size());
  for (std::size_t i = 0; i < values.size(); ++i) EXPECT_EQ(again[i].v, values[values.size() - 1 - i]) << i;
  EXPECT_EQ((ar::from<float_row>(db) | ar::filter(float_row::c.v == -1.0f / 3.0f) | ar::count), 1);
}

AR_INSTANTIATE_BACKEND_SUITE(mapped_types);

}  // namespace
