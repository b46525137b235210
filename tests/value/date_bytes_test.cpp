// Dates (ar::date, std::chrono::year_month_day) and bytes (ar::bytes, std::vector<std::byte>) on
// every backend: DATE / TEXT 'YYYY-MM-DD' and BYTEA / LONGBLOB / BLOB columns that ar creates and
// verify_schema accepts, exact round trips at the edges (the first and last day ar stores, a leap
// day; NUL and bytes that are not UTF-8, an empty value that stays distinct from NULL), filters and
// order, and the refusals: a day the calendar does not have is never written (ar::value_error
// naming the field), and stored text that is not a date, or text where bytes are expected, is an
// ar::conversion_error naming the table, the column and the value.

#include "../support/backends.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace {

using namespace std::chrono;

struct event {
  std::int64_t id = 0;
  ar::date day{};
  std::optional<ar::date> until;
  ar::bytes payload;
  std::optional<ar::bytes> extra;
  std::string label;

  AR_MODEL(event, "dated_events", AR_FIELDS(id, day, until, payload, extra, label));
};

// The same table, its text column read as a date, then as bytes.
struct label_as_date {
  std::int64_t id = 0;
  ar::date label{};
  AR_MODEL(label_as_date, "dated_events", AR_FIELDS(id, label));
};
struct label_as_bytes {
  std::int64_t id = 0;
  ar::bytes label;
  AR_MODEL(label_as_bytes, "dated_events", AR_FIELDS(id, label));
};

ar::bytes bytes_of(std::initializer_list<int> values) {
  ar::bytes out;
  for (int v : values) out.push_back(static_cast<std::byte>(v));
  return out;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class dates_and_bytes : public ar_test::backend_test {
 protected:
  void SetUp() override {
    backend_test::SetUp();
    ar::create_tables<event>(db);
  }

  template <class M>
  void expect_refused(const std::string& column, const std::string& found, const std::string& expected) {
    SCOPED_TRACE(column + " " + found);
    try {
      const auto rows = ar::from<M>(db) | ar::to_vector;
      ADD_FAILURE() << "read " << rows.size() << " rows";
    } catch (const ar::conversion_error& e) {
      EXPECT_EQ(e.table(), "dated_events");
      EXPECT_EQ(e.column(), column);
      EXPECT_TRUE(contains(e.found(), found)) << e.found();
      EXPECT_TRUE(contains(e.expected(), expected)) << e.expected();
    }
  }
  void set_label(const std::string& text) {
    db.execute(ar_test::sql_for(db, "UPDATE {dated_events} SET {label} = ?"), {text});
  }
};

TEST_P(dates_and_bytes, the_created_columns_are_the_ones_verify_schema_accepts) {
  EXPECT_NO_THROW(ar::verify_schema<event>(db));
}

TEST_P(dates_and_bytes, dates_round_trip_filter_and_order) {
  std::vector<event> rows{
      {1, 2024y / February / 29, std::nullopt, {}, std::nullopt, "leap"},
      {2, 1y / January / 1, 9999y / December / 31, {}, std::nullopt, "first"},
      {3, 9999y / December / 31, 1970y / January / 1, {}, std::nullopt, "last"},
      {4, 1969y / December / 31, std::nullopt, {}, std::nullopt, "before the epoch"},
  };
  ar::insert_all(db, rows);
  const auto back = ar::from<event>(db) | ar::order_by(event::c.id) | ar::to_vector;
  ASSERT_EQ(back.size(), rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(back[i].day, rows[i].day) << i;
    EXPECT_EQ(back[i].until, rows[i].until) << i;
  }
  EXPECT_EQ((ar::from<event>(db) | ar::filter(event::c.day == 2024y / February / 29) | ar::count), 1);
  EXPECT_EQ((ar::from<event>(db) | ar::filter(event::c.day >= ar::date{1970y / January / 1}) | ar::count), 2);
  EXPECT_EQ((ar::from<event>(db) | ar::filter(event::c.until < ar::date{2000y / January / 1}) | ar::count), 1);
  std::vector<std::int64_t> order;
  for (const event& e : ar::from<event>(db) | ar::order_by(event::c.day) | ar::to_vector) order.push_back(e.id);
  EXPECT_EQ(order, (std::vector<std::int64_t>{2, 4, 1, 3}));
  // The stored form is the date's own: a value bound as 'YYYY-MM-DD' finds it.
  EXPECT_EQ(db.execute(ar_test::sql_for(db, "UPDATE {dated_events} SET {label} = ? WHERE {day} = ?"),
                       {std::string("x"), ar::date{2024y / February / 29}}),
            1U);
}

TEST_P(dates_and_bytes, a_day_the_calendar_lacks_is_never_written) {
  for (const ar::date bad : {ar::date{2023y / February / 29}, ar::date{2024y / 13 / 1}, ar::date{0y / January / 1},
                             ar::date{10000y / January / 1}}) {
    event e{1, bad, std::nullopt, {}, std::nullopt, "bad"};
    ar::statement_counter counter;
    try {
      ar::insert(db, e);
      ADD_FAILURE() << "written";
    } catch (const ar::value_error& err) {
      EXPECT_EQ(err.table(), "dated_events");
      EXPECT_EQ(err.field(), "day");
    }
    EXPECT_EQ(counter.count(), 0U);
    EXPECT_THROW((void)(event::c.day == bad), ar::value_error);
  }
  event e{1, 2024y / March / 1, ar::date{2023y / February / 29}, {}, std::nullopt, "bad"};
  EXPECT_THROW(ar::insert(db, e), ar::value_error);
  EXPECT_EQ((ar::from<event>(db) | ar::count), 0);
}

TEST_P(dates_and_bytes, stored_text_that_is_not_a_date_is_refused) {
  event e{1, 2024y / March / 1, std::nullopt, {}, std::nullopt, "2024-03-01"};
  ar::insert(db, e);
  EXPECT_EQ(ar::find_or_throw<label_as_date>(db, std::int64_t{1}).label, ar::date{2024y / March / 1});
  for (const std::string bad : {"2023-02-29", "2024-03-01 10:00:00", "0000-00-00", "24-03-01", "yesterday"}) {
    set_label(bad);
    expect_refused<label_as_date>("label", "'" + bad + "'", "YYYY-MM-DD");
  }
}

TEST_P(dates_and_bytes, bytes_round_trip_exactly) {
  ar::bytes big(70000);
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<std::byte>(i * 7 % 256);
  std::vector<event> rows{
      {1, 2024y / March / 1, std::nullopt, bytes_of({0, 1, 0, 0xff, 0x80, 0xc3, 0x28, '\\', '\'', 0}), ar::bytes{},
       "a"},
      {2, 2024y / March / 1, std::nullopt, ar::bytes{}, std::nullopt, "b"},
      {3, 2024y / March / 1, std::nullopt, big, bytes_of({0xed, 0xa0, 0x80}), "c"},
  };
  ar::insert_all(db, rows);
  const auto back = ar::from<event>(db) | ar::order_by(event::c.id) | ar::to_vector;
  ASSERT_EQ(back.size(), rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(back[i].payload, rows[i].payload) << i;
    EXPECT_EQ(back[i].extra, rows[i].extra) << i;  // an empty value is not NULL
  }
  EXPECT_EQ((ar::from<event>(db) | ar::filter(event::c.payload == rows[0].payload) | ar::count), 1);
  EXPECT_EQ((ar::from<event>(db) | ar::filter(event::c.payload == ar::bytes{}) | ar::count), 1);
  EXPECT_EQ((ar::from<event>(db) | ar::filter(event::c.extra.is_null()) | ar::count), 1);
  // Updated in place, and read back into a record that held other bytes.
  event one = back[0];
  one.payload = bytes_of({'n', 'e', 'w', 0});
  ar::update(db, one);
  EXPECT_EQ(ar::find_or_throw<event>(db, std::int64_t{1}).payload, one.payload);
}

// A table for what MariaDB's server counts of a session: its prepared statements executed.
struct server_count {
  std::int64_t id = 0;
  std::int64_t n = 0;
  AR_MODEL(server_count, "server_counts", AR_FIELDS(id, n), AR_KEY_SUPPLIED);
};

// Every byte value and an empty value, written and found again with the bytes bound: the
// statements the observation hook sees carry them as a parameter, their text has no literal, and
// MariaDB's server ran each one as a prepared statement (COM_STMT_EXECUTE counts exactly the
// statements ar sent), so no value was written into a statement's text on the way.
TEST_P(dates_and_bytes, bytes_are_bound_never_written_into_the_statement) {
  ar::bytes every(256);
  for (std::size_t i = 0; i < every.size(); ++i) every[i] = static_cast<std::byte>(i);
  const bool mariadb = GetParam() == "mariadb";
  if (mariadb) ar::create_tables<server_count>(db);
  std::vector<std::string> texts;
  std::size_t with_bytes = 0;
  ar::transaction tx(db);  // one connection: the server's counts are the session's
  const auto snapshot = [&](std::int64_t id) {
    db.execute(ar_test::sql_for(db,
                                "INSERT INTO {server_counts} ({id}, {n}) SELECT ?, VARIABLE_VALUE FROM "
                                "information_schema.SESSION_STATUS WHERE VARIABLE_NAME = 'COM_STMT_EXECUTE'"),
               {id});
  };
  if (mariadb) snapshot(1);
  std::size_t sent = 0;
  {
    ar::statement_counter counter;
    const ar::observer_handle handle = ar::observe([&](const ar::statement_event& e) {
      texts.emplace_back(e.sql);
      for (const ar::value& v : e.params)
        if (const auto* b = std::get_if<ar::bytes>(&v); b != nullptr && (*b == every || b->empty())) ++with_bytes;
    });
    event e{1, 2024y / March / 1, std::nullopt, every, ar::bytes{}, "every byte"};
    ar::insert(db, e);
    EXPECT_EQ((ar::from<event>(db) | ar::filter(event::c.payload == every) | ar::count), 1);
    EXPECT_EQ((ar::from<event>(db) | ar::filter(event::c.extra == ar::bytes{}) | ar::count), 1);
    const event back = ar::find_or_throw<event>(db, std::int64_t{1});
    EXPECT_EQ(back.payload, every);
    ASSERT_TRUE(back.extra.has_value());
    EXPECT_TRUE(back.extra->empty());
    sent = counter.count();
  }
  EXPECT_EQ(sent, 4U);
  EXPECT_EQ(with_bytes, 4U);  // the insert's two values and each filter's one
  for (const std::string& text : texts) {
    EXPECT_EQ(text.find(std::string(1, '\0')), std::string::npos) << text;
    EXPECT_EQ(text.find("\x01\x02\x03"), std::string::npos) << text;
    EXPECT_EQ(text.find("X'"), std::string::npos) << text;
    EXPECT_EQ(text.find("0x"), std::string::npos) << text;
  }
  if (mariadb) {
    snapshot(2);
    const std::int64_t before = ar::find_or_throw<server_count>(db, std::int64_t{1}).n;
    const std::int64_t after = ar::find_or_throw<server_count>(db, std::int64_t{2}).n;
    EXPECT_EQ(after - before, static_cast<std::int64_t>(sent) + 1);  // and the second snapshot
  }
}

TEST_P(dates_and_bytes, text_is_not_read_as_bytes) {
  event e{1, 2024y / March / 1, std::nullopt, {}, std::nullopt, "plain text"};
  ar::insert(db, e);
  expect_refused<label_as_bytes>("label", "'plain text'", "never text");
}

AR_INSTANTIATE_BACKEND_SUITE(dates_and_bytes);

}  // namespace
