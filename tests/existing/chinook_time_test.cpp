// Time as Chinook stores it on SQLite: InvoiceDate is text such as '2021-01-01 00:00:00' (what
// SQLite's datetime() writes). ar's filters on a time point must find what the same SQL finds, and
// writing a record back must leave that text as it was.

#include "../support/chinook.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace {

using namespace std::chrono;

// Named in C++'s snake_case; the database's PascalCase naming finds Chinook's names.
struct invoice {
  std::int64_t invoice_id = 0;
  std::int64_t customer_id = 0;
  ar::time_point invoice_date;
  std::optional<std::string> billing_city;
  ar::numeric<10, 2> total;
  AR_MODEL(invoice, "invoice", AR_FIELDS(invoice_id, customer_id, invoice_date, billing_city, total),
           AR_PRIMARY_KEY(invoice_id), AR_KEY_SUPPLIED);
};

class chinook_time : public ::testing::Test {
 protected:
  void SetUp() override {
    path = ar_test::make_chinook_sqlite(::testing::UnitTest::GetInstance()->current_test_info()->name());
    ar::open_options options;
    options.naming.style = ar::name_style::pascal_case;
    db = ar::open("sqlite3://db=" + path, "chinook_time", options);
  }
  void TearDown() override {
    ar::close_all();
    std::filesystem::remove(path);
  }
  std::int64_t raw_count(const std::string& where) {
    return std::stoll(ar_test::sqlite_column(path, "SELECT count(*) FROM Invoice WHERE " + where).at(0));
  }
  std::string raw_date_of(std::int64_t id) {
    return ar_test::sqlite_column(path, "SELECT InvoiceDate FROM Invoice WHERE InvoiceId = " + std::to_string(id))
        .at(0);
  }
  std::string path;
  ar::database db;
};

TEST_F(chinook_time, equality_finds_what_sql_finds_for_every_stored_date) {
  const auto dates = ar_test::sqlite_column(path, "SELECT DISTINCT InvoiceDate FROM Invoice ORDER BY 1");
  ASSERT_GT(dates.size(), 300u);
  for (const std::string& text : dates) {
    const ar::time_point t = ar::parse_time(text);
    EXPECT_EQ(ar::from<invoice>(db) | ar::filter(invoice::c.invoice_date == t) | ar::count,
              raw_count("InvoiceDate = '" + text + "'"))
        << text;
  }
}

TEST_F(chinook_time, a_day_range_returns_what_sql_returns) {
  // Every day of 2021 and 2022, as [day, next day): Chinook's invoices fall on 2021-01-01 and after.
  const sys_days first{year{2021} / January / 1};
  std::int64_t seen = 0;
  for (sys_days day = first; day < first + days{730}; day += days{1}) {
    const ar::time_point from{day}, to{day + days{1}};
    const std::int64_t ours =
        ar::from<invoice>(db) | ar::filter(invoice::c.invoice_date >= from && invoice::c.invoice_date < to) | ar::count;
    const std::string from_text = ar::format_time(from), to_text = ar::format_time(to);
    EXPECT_EQ(ours, raw_count("InvoiceDate >= '" + from_text + "' AND InvoiceDate < '" + to_text + "'")) << from_text;
    // SQLite's own date functions agree: the day of the stored text is the day asked for.
    EXPECT_EQ(ours, raw_count("date(InvoiceDate) = date('" + from_text + "')")) << from_text;
    seen += ours;
  }
  EXPECT_EQ(seen, raw_count("InvoiceDate < '2023-01-01'"));
  EXPECT_GT(seen, 100);
}

TEST_F(chinook_time, ordering_and_min_max_agree_with_sql) {
  const auto ours =
      ar::from<invoice>(db) | ar::order_by(invoice::c.invoice_date, invoice::c.invoice_id) | ar::to_vector;
  const auto ids = ar_test::sqlite_column(path, "SELECT InvoiceId FROM Invoice ORDER BY InvoiceDate, InvoiceId");
  ASSERT_EQ(ours.size(), ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(std::to_string(ours[i].invoice_id), ids[i]) << i;
  const auto latest = ar::from<invoice>(db) | ar::maximum(invoice::c.invoice_date);
  ASSERT_TRUE(latest.has_value());
  EXPECT_EQ(ar::format_time(*latest), ar_test::sqlite_column(path, "SELECT max(InvoiceDate) FROM Invoice").at(0));
}

TEST_F(chinook_time, an_update_that_changes_nothing_keeps_the_stored_text) {
  const std::string before = raw_date_of(98);
  invoice one = ar::find_or_throw<invoice>(db, std::int64_t{98});
  ar::update(one);
  EXPECT_EQ(raw_date_of(98), before);
  ar::save(one);
  EXPECT_EQ(raw_date_of(98), before);
  // A changed time is written in the same form SQLite's datetime() writes.
  one.invoice_date += hours{25};
  ar::update(one);
  EXPECT_EQ(raw_date_of(98), ar_test::sqlite_column(path, "SELECT datetime('" + before + "', '+25 hours')").at(0));
}

// Issue 17's last point: a stored time in another form than the one ar writes (a 'T' separator, a
// zero fraction, a 'Z') is left exactly as it is by an update or save that changed nothing: dirty
// tracking sends no statement at all. A changed field is written alone, the time's text untouched.
TEST_F(chinook_time, an_update_that_changes_nothing_keeps_a_non_canonical_stored_text) {
  for (const std::string text : {"2021-01-01T00:00:00", "2021-01-01 00:00:00.000", "2021-01-01T00:00:00Z"}) {
    ar_test::sqlite_column(path, "UPDATE Invoice SET InvoiceDate = '" + text + "' WHERE InvoiceId = 98");
    ASSERT_EQ(raw_date_of(98), text);
    invoice one = ar::find_or_throw<invoice>(db, std::int64_t{98});
    ar::statement_counter counter;
    ar::update(one);
    ar::save(one);
    EXPECT_EQ(counter.count(), 0u) << text;
    EXPECT_EQ(raw_date_of(98), text);
    one.billing_city = "Elsewhere than " + text;
    ar::update(one);
    EXPECT_EQ(counter.statements(),
              (std::vector<std::string>{"UPDATE \"Invoice\" SET \"BillingCity\" = ? WHERE \"InvoiceId\" = ?"}));
    EXPECT_EQ(raw_date_of(98), text);
  }
}

TEST_F(chinook_time, reads_every_common_stored_form) {
  const ar::time_point noon{sys_days{year{2021} / March / 4} + hours{12}};
  const std::pair<const char*, ar::time_point> forms[] = {
      {"2021-03-04 12:00:00", noon},
      {"2021-03-04T12:00:00", noon},
      {"2021-03-04T12:00:00Z", noon},
      {"2021-03-04 12:00:00.000", noon},
      {"2021-03-04 12:00:00.250", noon + milliseconds{250}},
      {"2021-03-04T12:00:00.123456Z", noon + microseconds{123456}},
      {"2021-03-04 12:00", noon},
      {"2021-03-04", noon - hours{12}},
  };
  for (const auto& [text, expected] : forms) {
    db.execute("UPDATE Invoice SET InvoiceDate = ? WHERE InvoiceId = 7", {std::string(text)});
    EXPECT_EQ(ar::find_or_throw<invoice>(db, std::int64_t{7}).invoice_date, expected) << text;
  }
}

}  // namespace
