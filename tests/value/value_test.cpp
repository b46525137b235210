#include <ar/error.hpp>
#include <ar/value.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <iterator>

namespace {

using namespace std::chrono;

ar::time_point at(int y, unsigned m, unsigned d, int h, int mi, int s, long long us) {
  return ar::time_point{
      duration_cast<ar::time_point::duration>(sys_days{year{y} / month{m} / day{d}}.time_since_epoch() + hours{h} +
                                              minutes{mi} + seconds{s} + microseconds{us})};
}

TEST(time_format, writes_utc_with_microseconds) {
  EXPECT_EQ(ar::format_time(at(2024, 2, 29, 12, 34, 56, 123456)), "2024-02-29 12:34:56.123456");
  EXPECT_EQ(ar::format_time(at(1900, 1, 1, 0, 0, 0, 1)), "1900-01-01 00:00:00.000001");
  EXPECT_EQ(ar::format_time(at(2024, 2, 29, 12, 34, 56, 120)), "2024-02-29 12:34:56.000120");
}

// The canonical text is SQLite's own: datetime() writes whole seconds with no fraction, and
// strftime('%Y-%m-%d %H:%M:%f') three digits; so a stored '2021-01-01 00:00:00' equals the time
// point of that second, and text order stays time order.
TEST(time_format, writes_no_fraction_for_whole_seconds_and_milliseconds_as_three_digits) {
  EXPECT_EQ(ar::format_time(ar::time_point{}), "1970-01-01 00:00:00");
  EXPECT_EQ(ar::format_time(at(2021, 1, 1, 0, 0, 0, 0)), "2021-01-01 00:00:00");
  EXPECT_EQ(ar::format_time(at(2024, 2, 29, 12, 34, 56, 500000)), "2024-02-29 12:34:56.500");
  EXPECT_EQ(ar::format_time(at(2024, 2, 29, 12, 34, 56, 1000)), "2024-02-29 12:34:56.001");
  EXPECT_EQ(ar::format_time(at(1969, 12, 31, 23, 59, 59, 999000)), "1969-12-31 23:59:59.999");
  // Text order is time order across the three forms.
  const ar::time_point ordered[] = {at(2021, 1, 1, 0, 0, 0, 0),      at(2021, 1, 1, 0, 0, 0, 1),
                                    at(2021, 1, 1, 0, 0, 0, 1000),   at(2021, 1, 1, 0, 0, 0, 1001),
                                    at(2021, 1, 1, 0, 0, 0, 500000), at(2021, 1, 1, 0, 0, 1, 0)};
  for (std::size_t i = 1; i < std::size(ordered); ++i)
    EXPECT_LT(ar::format_time(ordered[i - 1]), ar::format_time(ordered[i])) << i;
}

TEST(time_format, parses_what_it_writes_and_the_server_forms) {
  const auto t = at(1999, 12, 31, 23, 59, 59, 999999);
  EXPECT_EQ(ar::parse_time(ar::format_time(t)), t);
  EXPECT_EQ(ar::parse_time("2024-02-29 12:34:56"), at(2024, 2, 29, 12, 34, 56, 0));
  EXPECT_EQ(ar::parse_time("2024-02-29T12:34:56.5"), at(2024, 2, 29, 12, 34, 56, 500000));
  EXPECT_EQ(ar::parse_time("2024-02-29 12:34:56.123+00"), at(2024, 2, 29, 12, 34, 56, 123000));
  EXPECT_EQ(ar::parse_time("1969-12-31 23:59:59.999999"), at(1969, 12, 31, 23, 59, 59, 999999));
  EXPECT_EQ(ar::parse_time("2024-02-29T12:34:56Z"), at(2024, 2, 29, 12, 34, 56, 0));
  EXPECT_EQ(ar::parse_time("2024-02-29T12:34:56.250Z"), at(2024, 2, 29, 12, 34, 56, 250000));
  EXPECT_EQ(ar::parse_time("2024-02-29 12:34:56.000"), at(2024, 2, 29, 12, 34, 56, 0));
  EXPECT_EQ(ar::parse_time("2024-02-29 12:34:56.000000"), at(2024, 2, 29, 12, 34, 56, 0));
  // The shorter forms SQLite's date functions accept and date() writes: no seconds, no time.
  EXPECT_EQ(ar::parse_time("2024-02-29 12:34"), at(2024, 2, 29, 12, 34, 0, 0));
  EXPECT_EQ(ar::parse_time("2024-02-29T12:34"), at(2024, 2, 29, 12, 34, 0, 0));
  EXPECT_EQ(ar::parse_time("2024-02-29"), at(2024, 2, 29, 0, 0, 0, 0));
  for (const auto t : {at(2021, 1, 1, 0, 0, 0, 0), at(2021, 1, 1, 0, 0, 0, 7000), at(2021, 1, 1, 0, 0, 0, 7)})
    EXPECT_EQ(ar::parse_time(ar::format_time(t)), t);
}

TEST(time_format, rejects_what_is_not_a_time) {
  EXPECT_THROW(ar::parse_time(""), ar::error);
  EXPECT_THROW(ar::parse_time("2024-02-30 00:00:00"), ar::error);
  EXPECT_THROW(ar::parse_time("2024-02-29 12"), ar::error);
  EXPECT_THROW(ar::parse_time("2024-02-29 "), ar::error);
  EXPECT_THROW(ar::parse_time("2024-02-29 12:34:"), ar::error);
  EXPECT_THROW(ar::parse_time("2024-02-29 12:34:56."), ar::error);
  EXPECT_THROW(ar::parse_time("2024-02-29 12:34:56+02"), ar::error);
  EXPECT_THROW(ar::parse_time("yesterday"), ar::error);
}

TEST(value_to_string, renders_each_type_for_logs) {
  EXPECT_EQ(ar::to_string(ar::value{}), "NULL");
  EXPECT_EQ(ar::to_string(ar::value{std::int32_t{-5}}), "-5");
  EXPECT_EQ(ar::to_string(ar::value{std::int64_t{INT64_MIN}}), "-9223372036854775808");
  EXPECT_EQ(ar::to_string(ar::value{1.5}), "1.5");
  EXPECT_EQ(ar::to_string(ar::value{5.0}), "5.0");
  EXPECT_EQ(ar::to_string(ar::value{true}), "true");
  EXPECT_EQ(ar::to_string(ar::value{std::string("it's")}), "'it''s'");
  EXPECT_EQ(ar::to_string(ar::value{at(2024, 1, 2, 3, 4, 5, 6)}), "'2024-01-02 03:04:05.000006'");
}

TEST(value_to_string, cuts_long_strings) {
  const std::string s = ar::to_string(ar::value{std::string(1000, 'x')});
  EXPECT_LT(s.size(), 260u);
  EXPECT_NE(s.find("(1000 bytes)"), std::string::npos);
}

}  // namespace
