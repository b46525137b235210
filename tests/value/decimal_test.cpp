// Exact decimals: ar::decimal's text, comparison and arithmetic; ar::numeric<P, S> on every backend
// (NUMERIC(P, S) on SQLite and PostgreSQL, DECIMAL(P, S) on MariaDB), round trips at the edges of
// the declared precision, filters and order with bound decimals, SUM / MIN / MAX exact (on SQLite
// too, summed as whole hundredths), the refusals: a value that does not fit NUMERIC(P, S) is never
// rounded (ar::value_error naming the field, no statement run), and a stored value that is no
// decimal of the column's scale, or a sum of doubles that is no decimal, is an ar::conversion_error.

#include "../support/backends.hpp"

#include <ar/ar.hpp>
#include <ar/catalog.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <tuple>
#include <utility>
#include <vector>

namespace {

using price = ar::numeric<15, 2>;

struct item {
  std::int64_t id = 0;
  std::string name;
  price amount;
  std::optional<ar::numeric<9, 4>> rate;
  AR_MODEL(item, "decimal_items", AR_FIELDS(id, name, amount, rate));
};

// The same table, read with a plain ar::decimal and with a narrower scale.
struct item_plain {
  std::int64_t id = 0;
  ar::decimal amount;
  AR_MODEL(item_plain, "decimal_items", AR_FIELDS(id, amount));
};
struct item_whole {
  std::int64_t id = 0;
  ar::numeric<15, 0> amount;
  AR_MODEL(item_whole, "decimal_items", AR_FIELDS(id, amount));
};

// The table's amount is NUMERIC(15, 2): a field declaring another scale is reported.
struct item_other_scale {
  std::int64_t id = 0;
  ar::numeric<15, 3> amount;
  AR_MODEL(item_other_scale, "decimal_items", AR_FIELDS(id, amount));
};

// 38 digits, which PostgreSQL's NUMERIC and MariaDB's DECIMAL hold exactly; SQLite does not.
struct wide {
  std::int64_t id = 0;
  ar::numeric<38, 10> value;
  AR_MODEL(wide, "decimal_wide", AR_FIELDS(id, value));
};

// A plain ar::decimal: the widest exact column each database has (NUMERIC; DECIMAL(65, 38) on
// MariaDB).
struct plain_amount {
  std::int64_t id = 0;
  ar::decimal amount;
  std::optional<ar::decimal> other;
  AR_MODEL(plain_amount, "decimal_plain", AR_FIELDS(id, amount, other));
};

// A table with a double where the decimal would be.
struct inexact {
  std::int64_t id = 0;
  double amount = 0;
  AR_MODEL(inexact, "decimal_inexact", AR_FIELDS(id, amount));
};
struct inexact_as_decimal {
  std::int64_t id = 0;
  ar::numeric<15, 2> amount;
  AR_MODEL(inexact_as_decimal, "decimal_inexact", AR_FIELDS(id, amount));
};

static_assert(!std::is_constructible_v<ar::decimal, double>, "no decimal from a double");
static_assert(!std::is_convertible_v<int, ar::decimal>, "no implicit decimal from an integer");
static_assert(std::is_convertible_v<price, ar::decimal>);

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(decimal_text, keeps_its_scale_and_compares_as_a_number) {
  EXPECT_EQ(ar::decimal("-12.50").to_string(), "-12.50");
  EXPECT_EQ(ar::decimal("-12.50").scale(), 2);
  EXPECT_EQ(ar::decimal(".5").to_string(), "0.5");
  EXPECT_EQ(ar::decimal("+0003").to_string(), "3");
  EXPECT_EQ(ar::decimal("-0.00").to_string(), "0.00");
  EXPECT_EQ(ar::decimal("1.5e3").to_string(), "1500");
  EXPECT_EQ(ar::decimal("125e-4").to_string(), "0.0125");
  EXPECT_EQ(ar::decimal(std::int64_t{-42}).to_string(), "-42");
  EXPECT_EQ(ar::decimal("1.5"), ar::decimal("1.50"));
  EXPECT_LT(ar::decimal("-0.01"), ar::decimal("0"));
  EXPECT_LT(ar::decimal("9.99"), ar::decimal("10"));
  EXPECT_GT(ar::decimal("99999999999999999999999999999999999999"),
            ar::decimal("0.00000000000000000000000000000000000001"));
  EXPECT_LT(ar::decimal("-99999999999999999999999999999999999999"), ar::decimal("-0.1"));
  const std::string max38(38, '9');
  EXPECT_EQ(ar::decimal(max38).to_string(), max38);
  EXPECT_EQ(ar::decimal("0." + std::string(37, '0') + "1").to_string(), "0." + std::string(37, '0') + "1");
  for (const std::string& bad :
       std::vector<std::string>{"", "-", ".", "1.2.3", "12a", "1e", "NaN", "Infinity", " 1", "1 ", max38 + "9"})
    EXPECT_THROW(ar::decimal{bad}, ar::error) << bad;
  EXPECT_DOUBLE_EQ(ar::decimal("0.1").to_double_lossy(), 0.1);
}

TEST(decimal_text, arithmetic_is_exact_or_refused) {
  ar::decimal total;
  for (int i = 0; i < 10; ++i) total += ar::decimal("0.10");
  EXPECT_EQ(total.to_string(), "1.00");
  EXPECT_EQ((ar::decimal("0.99") * ar::decimal(std::int32_t{3})).to_string(), "2.97");
  EXPECT_EQ((ar::decimal("1.25") * ar::decimal("0.2")).to_string(), "0.250");
  EXPECT_EQ((ar::decimal("1") - ar::decimal("0.001")).to_string(), "0.999");
  EXPECT_EQ((-ar::decimal("1.50")).to_string(), "-1.50");
  const ar::decimal max38(std::string(38, '9'));
  EXPECT_THROW((void)(max38 + ar::decimal(std::int32_t{1})), ar::error);
  EXPECT_THROW((void)(max38 * ar::decimal(std::int32_t{2})), ar::error);
  EXPECT_THROW((void)(ar::decimal("0." + std::string(30, '1')) * ar::decimal("0." + std::string(30, '1'))), ar::error);
}

TEST(decimal_text, sums_and_differences_carry_at_the_larger_scale) {
  // Carries across the point and through every digit.
  EXPECT_EQ((ar::decimal("0.99") + ar::decimal("0.01")).to_string(), "1.00");
  EXPECT_EQ((ar::decimal("9.9") + ar::decimal("0.15")).to_string(), "10.05");
  EXPECT_EQ((ar::decimal(std::string(37, '9')) + ar::decimal(std::int32_t{1})).to_string(), "1" + std::string(37, '0'));
  EXPECT_EQ((ar::decimal("1.00") - ar::decimal("0.001")).to_string(), "0.999");
  EXPECT_EQ((ar::decimal("100") - ar::decimal("0.01")).to_string(), "99.99");
  // Negatives and signs crossing zero.
  EXPECT_EQ((ar::decimal("-1.50") + ar::decimal("0.5")).to_string(), "-1.00");
  EXPECT_EQ((ar::decimal("0.25") - ar::decimal("1")).to_string(), "-0.75");
  EXPECT_EQ((ar::decimal("-0.25") - ar::decimal("-0.25")).to_string(), "0.00");
  EXPECT_EQ((-ar::decimal("0.00")).to_string(), "0.00");
  EXPECT_EQ((-ar::decimal("-" + std::string(38, '9'))).to_string(), std::string(38, '9'));
  // The result's scale is the larger one, even when its last digits are zeros.
  EXPECT_EQ((ar::decimal("1.5") + ar::decimal("1.500")).scale(), 3);
  EXPECT_EQ((ar::decimal("2") - ar::decimal("0.0")).to_string(), "2.0");
  // Compound forms are the same operations.
  ar::decimal x("10.00");
  x -= ar::decimal("0.01");
  x *= ar::decimal(std::int32_t{-2});
  x += ar::decimal("0.005");
  EXPECT_EQ(x.to_string(), "-19.975");
}

TEST(decimal_text, sums_past_38_digits_are_refused_however_far_past) {
  const ar::decimal max38(std::string(38, '9'));
  const ar::decimal min38("-" + std::string(38, '9'));
  EXPECT_EQ((max38 + min38).to_string(), "0");
  EXPECT_EQ((max38 - max38).to_string(), "0");
  // Twice 10^38 is past 2^127 (a 128-bit coefficient): still a refusal, never a wrapped value.
  for (const auto& [a, b] : std::vector<std::pair<ar::decimal, ar::decimal>>{{max38, max38},
                                                                             {min38, min38},
                                                                             {max38, ar::decimal(std::int32_t{1})},
                                                                             {min38, ar::decimal(std::int32_t{-1})}}) {
    try {
      (void)(a + b);
      ADD_FAILURE() << a.to_string() << " + " << b.to_string();
    } catch (const ar::error& e) {
      EXPECT_TRUE(contains(e.what(), "more than 38 digits")) << e.what();
      EXPECT_TRUE(contains(e.what(), a.to_string() + " + " + b.to_string())) << e.what();
    }
  }
  EXPECT_THROW((void)(max38 - min38), ar::error);
  EXPECT_THROW((void)(min38 - max38), ar::error);
  EXPECT_THROW((void)(min38 - ar::decimal(std::int32_t{1})), ar::error);
  // Aligning the scales alone can pass 38 digits: 10^37 + 0.5 needs 39.
  EXPECT_THROW((void)(ar::decimal("1" + std::string(37, '0')) + ar::decimal("0.5")), ar::error);
  EXPECT_EQ((ar::decimal("1" + std::string(36, '0')) + ar::decimal("0.5")).to_string(),
            "1" + std::string(36, '0') + ".5");
}

TEST(decimal_text, products_are_exact_at_the_sum_of_the_scales) {
  EXPECT_EQ((ar::decimal("1.25") * ar::decimal("0.2")).to_string(), "0.250");
  EXPECT_EQ((ar::decimal("1.50") * ar::decimal("2.00")).to_string(), "3.0000");
  EXPECT_EQ((ar::decimal("-0.99") * ar::decimal(std::int32_t{3})).to_string(), "-2.97");
  EXPECT_EQ((ar::decimal("-0.5") * ar::decimal("-0.5")).to_string(), "0.25");
  EXPECT_EQ((ar::decimal("0") * ar::decimal("-12.345")).to_string(), "0.000");
  // 19 nines squared: 38 digits, the most there is.
  const ar::decimal nines19(std::string(19, '9'));
  EXPECT_EQ((nines19 * nines19).to_string(), std::string(18, '9') + "8" + std::string(18, '0') + "1");
  EXPECT_EQ((ar::decimal("-" + std::string(38, '9')) * ar::decimal(std::int32_t{1})).to_string(),
            "-" + std::string(38, '9'));
  // A product whose coefficients' product passes 128 bits but whose value fits once trailing zeros
  // go: 1.0000000000000000000000 (22 zeros) squared is 1 at scale 44, kept at scale 37, the nearest
  // to 44 that 38 digits hold.
  const ar::decimal one22("1." + std::string(22, '0'));
  EXPECT_EQ((one22 * one22).to_string(), "1." + std::string(37, '0'));
  // 5^54 * 2^54 = 10^54, at scale 37 + 17 = 54: 1, which keeps scale 37 (38 digits).
  const ar::decimal five54 = ar::decimal::from_parts(
      [] {
        ar::decimal::coefficient_type c = 1;
        for (int i = 0; i < 54; ++i) c *= 5;
        return c;
      }(),
      37);
  const ar::decimal two54 = ar::decimal::from_parts(ar::decimal::coefficient_type{1} << 54, 17);
  EXPECT_EQ(five54 * two54, ar::decimal(std::int32_t{1}));
  EXPECT_EQ((five54 * two54).scale(), 37);
  // At scale 16, the same product is 10, which needs 39 digits at scale 37: refused.
  EXPECT_THROW((void)(five54 * ar::decimal::from_parts(ar::decimal::coefficient_type{1} << 54, 16)), ar::error);
  // Past 38 digits, or a digit that is not 0 past scale 38: refused, naming the operation.
  try {
    (void)(ar::decimal(std::string(20, '9')) * ar::decimal(std::string(19, '9')));
    ADD_FAILURE() << "39 digits";
  } catch (const ar::error& e) {
    EXPECT_TRUE(contains(e.what(), "product")) << e.what();
    EXPECT_TRUE(contains(e.what(), " * ")) << e.what();
  }
  EXPECT_THROW((void)(ar::decimal("0." + std::string(20, '0') + "1") * ar::decimal("0." + std::string(20, '0') + "1")),
               ar::error);
  EXPECT_THROW((void)(ar::decimal("-" + std::string(38, '9')) * ar::decimal(std::int32_t{-2})), ar::error);
}

TEST(decimal_text, numerics_compute_as_decimals) {
  const ar::numeric<10, 2> price("0.99");
  const ar::decimal total = price * ar::decimal(std::int32_t{3}) + ar::numeric<10, 2>("0.03");
  EXPECT_EQ(total.to_string(), "3.00");
  EXPECT_TRUE((price < ar::numeric<10, 2>("1.00")));
  EXPECT_TRUE(price == ar::decimal("0.990"));
  EXPECT_EQ((ar::numeric<10, 2>(total)), ar::decimal("3"));
}

TEST(decimal_text, fits_a_numeric_without_rounding) {
  EXPECT_TRUE(ar::decimal("12.5").fits(4, 2));
  EXPECT_TRUE(ar::decimal("12.500").fits(4, 2));
  EXPECT_FALSE(ar::decimal("12.505").fits(4, 2));
  EXPECT_FALSE(ar::decimal("123.5").fits(4, 2));
  EXPECT_TRUE(ar::decimal("-99.99").fits(4, 2));
  EXPECT_EQ(ar::decimal("12.5").rescaled(3).to_string(), "12.500");
  EXPECT_EQ(ar::decimal("12.500").rescaled(1).to_string(), "12.5");
  EXPECT_THROW((void)ar::decimal("12.55").rescaled(1), ar::error);
}

class decimals : public ar_test::backend_test {
 protected:
  void SetUp() override {
    backend_test::SetUp();
    ar::create_tables<item>(db);
  }
  bool sqlite() const { return GetParam() == "sqlite"; }
};

TEST_P(decimals, the_created_columns_are_numeric_and_verify_schema_accepts_them) {
  EXPECT_TRUE(ar::verify_schema<item>(db).warnings.empty());
  std::string t;
  for (const ar::catalog_column& c : ar::read_catalog_table(db, "decimal_items").columns)
    if (c.name == "amount") t = c.type;
  EXPECT_TRUE(t == "NUMERIC(15, 2)" || t == "numeric(15,2)" || t == "decimal(15,2)") << t;
}

TEST_P(decimals, round_trip_at_the_edges_of_the_declared_precision) {
  std::vector<item> rows{
      {1, "max", price("9999999999999.99"), ar::numeric<9, 4>("99999.9999")},
      {2, "min", price("-9999999999999.99"), ar::numeric<9, 4>("-0.0001")},
      {3, "cent", price("0.01"), std::nullopt},
      {4, "zero", price("0"), ar::numeric<9, 4>("0")},
      {5, "scale", price("1.5"), ar::numeric<9, 4>("2.25")},
      {6, "whole", price("1234567890123"), std::nullopt},
  };
  ar::insert_all(db, rows);
  const auto back = ar::from<item>(db) | ar::order_by(item::c.id) | ar::to_vector;
  ASSERT_EQ(back.size(), rows.size());
  const std::vector<std::string> amounts{"9999999999999.99", "-9999999999999.99", "0.01", "0.00", "1.50",
                                         "1234567890123.00"};
  const std::vector<std::optional<std::string>> rates{"99999.9999", "-0.0001", std::nullopt,
                                                      "0.0000",     "2.2500",  std::nullopt};
  for (std::size_t i = 0; i < rows.size(); ++i) {
    // Exactly the declared scale's text, whatever the database kept (SQLite: a REAL or an INTEGER).
    EXPECT_EQ(back[i].amount.to_string(), amounts[i]) << i;
    EXPECT_EQ(back[i].rate ? std::optional<std::string>(back[i].rate->to_string()) : std::nullopt, rates[i]) << i;
  }
  // Updated in place.
  item one = back[2];
  one.amount = price("0.99");
  ar::update(db, one);
  EXPECT_EQ(ar::find_or_throw<item>(db, std::int64_t{3}).amount.to_string(), "0.99");
}

TEST_P(decimals, filters_and_order_bind_decimals) {
  std::vector<item> rows{{1, "a", price("0.99"), std::nullopt},
                         {2, "b", price("10.00"), std::nullopt},
                         {3, "c", price("9.90"), std::nullopt},
                         {4, "d", price("-1.10"), std::nullopt},
                         {5, "e", price("1.5"), std::nullopt}};
  ar::insert_all(db, rows);
  EXPECT_EQ((ar::from<item>(db) | ar::filter(item::c.amount == ar::decimal("0.99")) | ar::count), 1);
  EXPECT_EQ((ar::from<item>(db) | ar::filter(item::c.amount == ar::decimal("1.50000")) | ar::count), 1);
  EXPECT_EQ((ar::from<item>(db) | ar::filter(item::c.amount > ar::decimal("0.99")) | ar::count), 3);
  EXPECT_EQ((ar::from<item>(db) | ar::filter(item::c.amount <= price("0.99")) | ar::count), 2);
  EXPECT_EQ(
      (ar::from<item>(db) | ar::filter(item::c.amount.between(ar::decimal("0.99"), ar::decimal("9.9"))) | ar::count),
      3);
  // A value outside the column's NUMERIC(15, 2) is compared as it is, not refused or rounded.
  EXPECT_EQ((ar::from<item>(db) | ar::filter(item::c.amount > ar::decimal("0.985")) | ar::count), 4);
  std::string order;
  for (const item& x : ar::from<item>(db) | ar::order_by(item::c.amount) | ar::to_vector) order += x.name;
  EXPECT_EQ(order, "daecb");  // numeric order: -1.10 < 0.99 < 1.50 < 9.90 < 10.00, never text order
}

TEST_P(decimals, sum_min_and_max_are_exact) {
  // 0.10 a thousand times: as doubles, 99.9999999999986.
  std::vector<item> rows;
  for (std::int64_t i = 1; i <= 1000; ++i) rows.push_back({i, "t", price("0.10"), std::nullopt});
  rows.push_back({1001, "big", price("1234567890.99"), std::nullopt});
  rows.push_back({1002, "neg", price("-0.03"), std::nullopt});
  ar::insert_all(db, rows);
  ar::statement_counter counter;
  const ar::decimal total = ar::from<item>(db) | ar::sum(item::c.amount);
  EXPECT_EQ(counter.count(), 1U);
  EXPECT_EQ(total.to_string(), "1234567990.96");
  // The thousand alone: added as doubles they are no decimal; SQLite adds them as whole cents.
  const ar::decimal tenths =
      ar::from<item>(db) | ar::filter(item::c.id <= std::int64_t{1000}) | ar::sum(item::c.amount);
  EXPECT_EQ(tenths.to_string(), "100.00");  // at the column's scale on every backend
  const std::optional<price> low = ar::from<item>(db) | ar::minimum(item::c.amount);
  const std::optional<price> high = ar::from<item>(db) | ar::maximum(item::c.amount);
  ASSERT_TRUE(low && high);
  EXPECT_EQ(low->to_string(), "-0.03");
  EXPECT_EQ(high->to_string(), "1234567890.99");
  const ar::decimal none = ar::from<item>(db) | ar::filter(item::c.id > std::int64_t{5000}) | ar::sum(item::c.amount);
  EXPECT_EQ(none.to_string(), "0.00");
}

// The same sums per group, in select: exact.
TEST_P(decimals, grouped_sums_of_a_decimal_column_are_exact) {
  std::vector<item> rows;
  for (std::int64_t i = 1; i <= 1000; ++i)
    rows.push_back({i, i % 2 == 0 ? "even" : "odd", price("0.10"), std::nullopt});
  rows.push_back({1001, "odd", price("-0.03"), std::nullopt});
  ar::insert_all(db, rows);
  ar::statement_counter counter;
  const auto sums = ar::from<item>(db) | ar::group_by(item::c.name) | ar::order_by(item::c.name) |
                    ar::select(item::c.name, item::c.amount.sum(), item::c.amount.max()) | ar::to_vector;
  EXPECT_EQ(counter.count(), 1U);
  ASSERT_EQ(sums.size(), 2U);
  static_assert(std::is_same_v<std::tuple_element_t<1, std::remove_cvref_t<decltype(sums[0])>>, ar::decimal>);
  EXPECT_EQ(std::get<0>(sums[0]), "even");
  // Exact values (1.5 == 1.50); the scale is the database's (SQLite's whole 50 reads as "50", where
  // the terminal ar::sum rescales to the column's).
  EXPECT_EQ(std::get<1>(sums[0]), ar::decimal("50.00"));
  EXPECT_EQ(std::get<1>(sums[1]), ar::decimal("49.97"));
  ASSERT_TRUE(std::get<2>(sums[1]));
  EXPECT_EQ(std::get<2>(sums[1])->to_string(), "0.10");
}

TEST_P(decimals, a_value_that_does_not_fit_is_never_written) {
  for (const char* bad : {"0.001", "12.345", "10000000000000", "-10000000000000.00"}) {
    item x{1, "bad", price(bad), std::nullopt};
    ar::statement_counter counter;
    try {
      ar::insert(db, x);
      ADD_FAILURE() << "written: " << bad;
    } catch (const ar::value_error& e) {
      EXPECT_EQ(e.table(), "decimal_items");
      EXPECT_EQ(e.field(), "amount");
      EXPECT_TRUE(contains(e.why(), "NUMERIC(15, 2)")) << e.why();
      EXPECT_TRUE(contains(e.why(), "not rounded")) << e.why();
    }
    EXPECT_EQ(counter.count(), 0U) << bad;
  }
  item y{1, "rate", price("1"), ar::numeric<9, 4>("0.00001")};
  EXPECT_THROW(ar::insert(db, y), ar::value_error);
  EXPECT_EQ((ar::from<item>(db) | ar::count), 0);
}

TEST_P(decimals, a_stored_value_of_another_scale_is_refused_on_read) {
  item x{1, "x", price("12.34"), std::nullopt};
  ar::insert(db, x);
  EXPECT_EQ(ar::find_or_throw<item_plain>(db, std::int64_t{1}).amount, ar::decimal("12.34"));
  try {
    (void)(ar::from<item_whole>(db) | ar::to_vector);
    ADD_FAILURE() << "read 12.34 as a whole number";
  } catch (const ar::conversion_error& e) {
    EXPECT_EQ(e.table(), "decimal_items");
    EXPECT_EQ(e.column(), "amount");
    EXPECT_TRUE(contains(e.found(), "12.34")) << e.found();
    EXPECT_TRUE(contains(e.expected(), "NUMERIC(15, 0)")) << e.expected();
  }
}

TEST_P(decimals, verify_schema_compares_the_declared_precision_and_scale) {
  EXPECT_TRUE(ar::verify_schema<item_plain>(db).warnings.empty());  // a plain decimal takes any NUMERIC
  try {
    (void)ar::verify_schema<item_other_scale>(db);
    ADD_FAILURE() << "NUMERIC(15, 2) passed for ar::numeric<15, 3>";
  } catch (const ar::schema_mismatch_error& e) {
    ASSERT_EQ(e.problems().size(), 1U) << e.what();
    EXPECT_EQ(e.problems()[0].kind, ar::schema_problem_kind::wrong_type);
    EXPECT_EQ(e.problems()[0].column, "amount");
    EXPECT_TRUE(contains(e.problems()[0].message, "ar::numeric<15, 3>")) << e.problems()[0].message;
  }
}

TEST_P(decimals, a_double_column_is_not_exact) {
  ar::create_tables<inexact>(db);
  try {
    (void)ar::verify_schema<inexact_as_decimal>(db);
    ADD_FAILURE() << "a double column passed for a decimal field";
  } catch (const ar::schema_mismatch_error& e) {
    ASSERT_EQ(e.problems().size(), 1U) << e.what();
    EXPECT_EQ(e.problems()[0].kind, ar::schema_problem_kind::wrong_type);
    EXPECT_EQ(e.problems()[0].column, "amount");
    EXPECT_TRUE(contains(e.problems()[0].message, "ar::numeric<15, 2>")) << e.problems()[0].message;
  }
  // What a double holds: 0.1 + 0.2 is no decimal of 15 digits, refused rather than rounded.
  inexact a{1, 0.1 + 0.2};
  ar::insert(db, a);
  try {
    (void)(ar::from<inexact_as_decimal>(db) | ar::to_vector);
    ADD_FAILURE() << "read 0.30000000000000004 as a decimal";
  } catch (const ar::conversion_error& e) {
    EXPECT_EQ(e.column(), "amount");
    EXPECT_TRUE(contains(e.found(), "0.30000000000000004")) << e.found();
  }
}

TEST_P(decimals, thirty_eight_digits_where_the_database_holds_them) {
  ar::create_tables<wide>(db);
  wide w{1, ar::numeric<38, 10>("-" + std::string(28, '9') + "." + std::string(10, '9'))};
  if (sqlite()) {
    // SQLite keeps a number as a 64-bit integer or a double: 38 digits would be rounded. Refused
    // before any statement, naming the table, the field and its column, and the digits.
    ar::statement_counter counter;
    try {
      ar::insert(db, w);
      ADD_FAILURE() << "38 digits written to SQLite";
    } catch (const ar::value_error& e) {
      EXPECT_EQ(e.table(), "decimal_wide");
      EXPECT_EQ(e.field(), "value");
      EXPECT_TRUE(contains(e.what(), "table 'decimal_wide'")) << e.what();
      EXPECT_TRUE(contains(e.what(), "column 'value'")) << e.what();
      EXPECT_TRUE(contains(e.why(), "has 38 significant digits")) << e.why();
      EXPECT_TRUE(contains(e.why(), "15 significant digits")) << e.why();
    }
    EXPECT_EQ(counter.count(), 0U);
    EXPECT_EQ((ar::from<wide>(db) | ar::count), 0);
    return;
  }
  ar::insert(db, w);
  wide small{2, ar::numeric<38, 10>("0.0000000001")};
  ar::insert(db, small);
  const auto back = ar::from<wide>(db) | ar::order_by(wide::c.id) | ar::to_vector;
  ASSERT_EQ(back.size(), 2U);
  EXPECT_EQ(back[0].value.to_string(), w.value.to_string());
  EXPECT_EQ(back[1].value.to_string(), "0.0000000001");
  EXPECT_EQ((ar::from<wide>(db) | ar::filter(wide::c.value < ar::decimal("-" + std::string(28, '9'))) | ar::count), 1);
  EXPECT_EQ(ar::decimal(ar::from<wide>(db) | ar::sum(wide::c.value)),
            ar::decimal("-" + std::string(28, '9') + "." + std::string(9, '9') + "8"));
}

// Each database's column for a plain ar::decimal, as create_table writes it; then the 38 digits it
// keeps exactly, or the value_error that names the column where it would not.
TEST_P(decimals, a_plain_decimal_is_the_widest_exact_column_and_keeps_38_digits) {
  ar::statement_counter counter;
  ar::create_table<plain_amount>(db);
  ASSERT_EQ(counter.statements().size(), 1U);
  const std::string ddl = counter.statements()[0];
  if (GetParam() == "sqlite")
    EXPECT_EQ(ddl,
              R"(CREATE TABLE "decimal_plain" ("id" INTEGER PRIMARY KEY, "amount" NUMERIC NOT NULL, "other" NUMERIC))");
  else if (ar_test::engine_of(GetParam()) == "postgresql")
    EXPECT_EQ(
        ddl,
        R"(CREATE TABLE "decimal_plain" ("id" BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "amount" NUMERIC NOT NULL, "other" NUMERIC))");
  else
    EXPECT_TRUE(contains(ddl, "`amount` DECIMAL(65, 38) NOT NULL, `other` DECIMAL(65, 38)")) << ddl;

  // 38 digits: all after the point, 27 before it and 11 after, a whole number of 27 digits.
  const std::string fraction38 = "0.12345678901234567890123456789012345678";
  const std::string split38 = "-123456789012345678901234567.12345678901";
  const std::string whole27 = "987654321098765432109876543";
  std::vector<plain_amount> rows{{1, ar::decimal(fraction38), ar::decimal(split38)},
                                 {2, ar::decimal(whole27), ar::decimal("-0." + std::string(37, '0') + "1")},
                                 {3, ar::decimal("12.50"), std::nullopt},
                                 {4, ar::decimal("0"), ar::decimal("-7")}};
  if (sqlite()) {
    // More than 15 significant digits: refused, naming the column and the digits, nothing written.
    for (std::size_t i = 0; i < 2; ++i) {
      counter.reset();
      try {
        ar::insert(db, rows[i]);
        ADD_FAILURE() << rows[i].amount.to_string();
      } catch (const ar::value_error& e) {
        EXPECT_EQ(e.table(), "decimal_plain");
        EXPECT_EQ(e.field(), "amount");
        EXPECT_TRUE(contains(e.what(), "column 'amount'")) << e.what();
        EXPECT_TRUE(contains(e.why(), i == 0 ? "has 38 significant digits" : "has 27 significant digits")) << e.why();
      }
      EXPECT_EQ(counter.count(), 0U);
    }
    // So are an update and a multi-row insert of one.
    plain_amount fine{5, ar::decimal("123456789012.345"), std::nullopt};  // 15 digits: kept
    ar::insert(db, fine);
    EXPECT_EQ(ar::find_or_throw<plain_amount>(db, std::int64_t{5}).amount.to_string(), "123456789012.345");
    fine.amount = ar::decimal("1234567890123.4567");
    try {
      ar::update(db, fine);
      ADD_FAILURE() << "17 digits updated";
    } catch (const ar::value_error& e) {
      EXPECT_TRUE(contains(e.why(), "1234567890123.4567 has 17 significant digits")) << e.why();
    }
    EXPECT_THROW(ar::insert_all(db, rows), ar::value_error);
    EXPECT_EQ((ar::from<plain_amount>(db) | ar::count), 1);
    return;
  }
  ar::insert_all(db, rows);
  const auto back = ar::from<plain_amount>(db) | ar::order_by(plain_amount::c.id) | ar::to_vector;
  ASSERT_EQ(back.size(), 4U);
  EXPECT_EQ(back[0].amount.to_string(), fraction38);
  EXPECT_EQ(back[0].other->to_string(), split38);
  EXPECT_EQ(back[1].amount.to_string(), whole27);
  EXPECT_EQ(back[1].other->to_string(), "-0." + std::string(37, '0') + "1");
  // PostgreSQL keeps the scale written; MariaDB's column has one scale for all, and its value
  // reads back at the smallest scale that holds it: equal either way.
  EXPECT_EQ(back[2].amount, ar::decimal("12.5"));
  EXPECT_EQ(back[2].amount.to_string(), ar_test::engine_of(GetParam()) == "postgresql" ? "12.50" : "12.5");
  EXPECT_FALSE(back[2].other);
  EXPECT_EQ(back[3].amount, ar::decimal("0"));
  EXPECT_EQ(*back[3].other, ar::decimal("-7"));
  // Filters and sums over them stay exact.
  EXPECT_EQ((ar::from<plain_amount>(db) | ar::filter(plain_amount::c.amount < ar::decimal(fraction38)) | ar::count), 1);
  EXPECT_EQ(
      ar::decimal(ar::from<plain_amount>(db) | ar::filter(plain_amount::c.id > 1) | ar::sum(plain_amount::c.amount)),
      ar::decimal(whole27) + ar::decimal("12.5"));
  // 28 digits before the point: PostgreSQL keeps them (38 in all); MariaDB's DECIMAL(65, 38) holds
  // 27, and ar refuses the value, naming the column, before any statement.
  plain_amount big{10, ar::decimal("1" + std::string(27, '0')), std::nullopt};
  if (ar_test::engine_of(GetParam()) == "postgresql") {
    ar::insert(db, big);
    EXPECT_EQ(ar::find_or_throw<plain_amount>(db, std::int64_t{10}).amount.to_string(), "1" + std::string(27, '0'));
    plain_amount widest{11, ar::decimal(std::string(38, '9')), std::nullopt};
    ar::insert(db, widest);
    EXPECT_EQ(ar::find_or_throw<plain_amount>(db, std::int64_t{11}).amount.to_string(), std::string(38, '9'));
  } else {
    counter.reset();
    try {
      ar::insert(db, big);
      ADD_FAILURE() << "28 digits before the point written to DECIMAL(65, 38)";
    } catch (const ar::value_error& e) {
      EXPECT_EQ(e.table(), "decimal_plain");
      EXPECT_EQ(e.field(), "amount");
      EXPECT_TRUE(contains(e.why(), "has 28 digits before the point")) << e.why();
      EXPECT_TRUE(contains(e.why(), "DECIMAL(65, 38)")) << e.why();
    }
    EXPECT_EQ(counter.count(), 0U);
  }
}

AR_INSTANTIATE_BACKEND_SUITE(decimals);

}  // namespace
