#include <ar/error.hpp>
#include <ar/value.hpp>

#include <charconv>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <stdexcept>
#include <string>

namespace ar {

namespace {

constexpr std::size_t max_shown = 200;  // longer strings are cut in logs

using std::chrono::microseconds;

// The whole microseconds an ar::time_point (nanoseconds in 64 bits) holds: 1677-09-21
// 00:12:43.145225 to 2262-04-11 23:47:16.854775. Below the first, a time point floored to the
// microsecond no longer fits the type.
constexpr microseconds earliest_us = std::chrono::ceil<microseconds>(time_point::min().time_since_epoch());
constexpr microseconds latest_us = std::chrono::floor<microseconds>(time_point::max().time_since_epoch());

// SQLite's own text for a time: "YYYY-MM-DD HH:MM:SS" as datetime() writes it, a fraction only
// when it is not zero: three digits for whole milliseconds (strftime's %f), else six. Equal times
// have one text, and text order is time order (a shorter fraction is a prefix of a longer one
// with zeros after it).
std::string format_micros(microseconds us) {
  using namespace std::chrono;
  const auto day = floor<days>(us);
  const year_month_day ymd{sys_days{day}};
  const hh_mm_ss<microseconds> tod{us - day};
  char buf[48];
  const int n = std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02d:%02d:%02d", static_cast<int>(ymd.year()),
                              static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                              static_cast<int>(tod.hours().count()), static_cast<int>(tod.minutes().count()),
                              static_cast<int>(tod.seconds().count()));
  const long long fraction = tod.subseconds().count();
  if (fraction % 1000 == 0) {
    if (fraction != 0) std::snprintf(buf + n, sizeof buf - static_cast<std::size_t>(n), ".%03lld", fraction / 1000);
  } else {
    std::snprintf(buf + n, sizeof buf - static_cast<std::size_t>(n), ".%06lld", fraction);
  }
  return buf;
}

[[noreturn]] void throw_out_of_range(const std::string& what) {
  throw error("ar: " + what + " is outside the time points ar stores (" + format_micros(earliest_us) + " to " +
              format_micros(latest_us) + " UTC, the whole microseconds an ar::time_point holds)");
}

}  // namespace

void detail::refuse_stored(const char* why) { throw std::out_of_range(why); }

std::string to_string(const value& v) {
  switch (v.index()) {
    case 0: return "NULL";
    case 1: return std::to_string(std::get<std::int32_t>(v));
    case 2: return std::to_string(std::get<std::int64_t>(v));
    case 3: {
      char buf[64];
      auto [end, ec] = std::to_chars(buf, buf + sizeof buf, std::get<double>(v));
      if (ec != std::errc{}) return "?";
      std::string out(buf, end);
      // Keep doubles distinguishable from integers in logs: 5 is written 5.0.
      if (out.find_first_of(".eEn") == std::string::npos) out += ".0";
      return out;
    }
    case 4: return std::get<bool>(v) ? "true" : "false";
    case 5: {
      const std::string& s = std::get<std::string>(v);
      std::string out = "'";
      for (std::size_t i = 0; i < s.size() && i < max_shown; ++i) {
        if (s[i] == '\'') out += '\'';
        out += s[i];
      }
      out += '\'';
      if (s.size() > max_shown) out += "... (" + std::to_string(s.size()) + " bytes)";
      return out;
    }
    case 7: {
      const date d = std::get<date>(v);
      char buf[48];
      std::snprintf(buf, sizeof buf, "'%04d-%02u-%02u'", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                    static_cast<unsigned>(d.day()));
      return buf;
    }
    case 8: {
      // Bytes as PostgreSQL writes them: x'0001ff'.
      static constexpr char hex[] = "0123456789abcdef";
      const bytes& b = std::get<bytes>(v);
      std::string out = "x'";
      for (std::size_t i = 0; i < b.size() && i < max_shown; ++i) {
        out += hex[std::to_integer<unsigned>(b[i]) >> 4];
        out += hex[std::to_integer<unsigned>(b[i]) & 15];
      }
      out += '\'';
      if (b.size() > max_shown) out += "... (" + std::to_string(b.size()) + " bytes)";
      return out;
    }
    case 9: return "'" + format_uuid(std::get<uuid>(v)) + "'";
    case 10: return std::get<decimal>(v).to_string();
    // For logs, also a time point that format_time refuses.
    default:
      return "'" + format_micros(std::chrono::floor<microseconds>(std::get<time_point>(v).time_since_epoch())) + "'";
  }
}

bool storable_date(date d) noexcept {
  return d.ok() && d.year() >= std::chrono::year{1} && d.year() <= std::chrono::year{9999};
}

std::string format_date(date d) {
  if (!storable_date(d))
    throw error("ar: " + to_string(value{d}) +
                " is not a date ar stores (a day of the calendar from 0001-01-01 to 9999-12-31)");
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                static_cast<unsigned>(d.day()));
  return buf;
}

date parse_date(std::string_view text) {
  auto digits = [&](std::size_t from, std::size_t n) {
    int v = 0;
    for (std::size_t i = from; i < from + n; ++i) {
      if (text[i] < '0' || text[i] > '9') return -1;
      v = v * 10 + (text[i] - '0');
    }
    return v;
  };
  if (text.size() == 10 && text[4] == '-' && text[7] == '-') {
    const int y = digits(0, 4), m = digits(5, 2), d = digits(8, 2);
    if (y >= 0 && m >= 0 && d >= 0) {
      const date out{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m)},
                     std::chrono::day{static_cast<unsigned>(d)}};
      if (storable_date(out)) return out;
    }
  }
  throw error("ar: cannot read '" + std::string(text) +
              "' as a date (expected YYYY-MM-DD, a day of the calendar from 0001-01-01 to 9999-12-31)");
}

std::string format_uuid(const uuid& u) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (std::size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += hex[std::to_integer<unsigned>(u.bytes[i]) >> 4];
    out += hex[std::to_integer<unsigned>(u.bytes[i]) & 15];
  }
  return out;
}

uuid parse_uuid(std::string_view text) {
  auto digit = [](char h) -> int {
    if (h >= '0' && h <= '9') return h - '0';
    if (h >= 'a' && h <= 'f') return h - 'a' + 10;
    if (h >= 'A' && h <= 'F') return h - 'A' + 10;
    return -1;
  };
  uuid out;
  bool ok = text.size() == 36;
  std::size_t at = 0;
  for (std::size_t i = 0; ok && i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) ok = text[at++] == '-';
    const int hi = ok ? digit(text[at]) : -1, lo = ok ? digit(text[at + 1]) : -1;
    ok = hi >= 0 && lo >= 0;
    out.bytes[i] = static_cast<std::byte>(hi * 16 + lo);
    at += 2;
  }
  if (!ok)
    throw error("ar: cannot read '" + std::string(text) +
                "' as a UUID (expected xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)");
  return out;
}

std::string key_text(std::span<const value> key) {
  if (key.size() == 1) return to_string(key[0]);
  std::string out = "(";
  for (std::size_t k = 0; k < key.size(); ++k) out += (k ? ", " : "") + to_string(key[k]);
  return out + ")";
}

std::string format_time(time_point t) {
  const auto us = std::chrono::floor<microseconds>(t.time_since_epoch());
  // Stored, it would read back as a time that the type cannot hold (or wrap around to 2262).
  if (us < earliest_us) throw_out_of_range("the time point " + format_micros(us) + " (floored to the microsecond)");
  return format_micros(us);
}

time_point parse_time(std::string_view text) {
  using namespace std::chrono;
  auto fail = [&]() -> time_point {
    throw error("ar: cannot read '" + std::string(text) +
                "' as a time point (expected YYYY-MM-DD[( |T)HH:MM[:SS[.fff...]]][Z|+00|+00:00])");
  };
  std::size_t pos = 0;
  auto number = [&](std::size_t digits) {
    int n = 0;
    if (pos + digits > text.size()) fail();
    for (std::size_t i = 0; i < digits; ++i) {
      const char c = text[pos + i];
      if (c < '0' || c > '9') fail();
      n = n * 10 + (c - '0');
    }
    pos += digits;
    return n;
  };
  auto expect = [&](auto pred) {
    if (pos >= text.size() || !pred(text[pos])) fail();
    ++pos;
  };
  const int y = number(4);
  expect([](char c) { return c == '-'; });
  const int mo = number(2);
  expect([](char c) { return c == '-'; });
  const int d = number(2);
  int h = 0, mi = 0, s = 0;
  long long micros = 0;
  // A date alone (what SQLite's date() writes) is its midnight.
  if (pos < text.size()) {
    expect([](char c) { return c == ' ' || c == 'T'; });
    h = number(2);
    expect([](char c) { return c == ':'; });
    mi = number(2);
    // Seconds may be left out (SQLite reads "YYYY-MM-DD HH:MM" too).
    if (pos < text.size() && text[pos] == ':') {
      ++pos;
      s = number(2);
      if (pos < text.size() && text[pos] == '.') {
        ++pos;
        int digits = 0;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
          if (digits < 6) micros = micros * 10 + (text[pos] - '0');
          ++digits;
          ++pos;
        }
        if (digits == 0) fail();
        for (int i = digits; i < 6; ++i) micros *= 10;
      }
    }
  }
  // A UTC offset of zero may follow (Z, +00, +00:00).
  const std::string_view rest = text.substr(pos);
  if (!(rest.empty() || rest == "Z" || rest == "+00" || rest == "+00:00")) fail();
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 60) fail();
  const microseconds since_epoch =
      sys_days{ymd}.time_since_epoch() + hours{h} + minutes{mi} + seconds{s} + microseconds{micros};
  // Converted to nanoseconds, a time outside the type's range would wrap around silently.
  if (since_epoch < earliest_us || since_epoch > latest_us) throw_out_of_range("'" + std::string(text) + "'");
  return time_point{duration_cast<time_point::duration>(since_epoch)};
}

}  // namespace ar
