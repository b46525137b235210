#ifndef AR_VALUE_HPP
#define AR_VALUE_HPP

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

namespace ar {

// The time type of a field. Stored in UTC at microsecond precision.
using time_point = std::chrono::system_clock::time_point;

// The column types `ar` stores. Every field type maps to one of them, optionally nullable.
enum class value_type : std::uint8_t { int32, int64, float64, boolean, text, time };

// A bound parameter: what a statement receives, and what the observation point shows.
// std::monostate is SQL NULL.
using value = std::variant<std::monostate, std::int32_t, std::int64_t, double, bool, std::string, time_point>;

// The SQL NULL value.
inline constexpr std::monostate null{};

// A readable rendering for logs: NULL, 42, 1.5, true, 'text' (quotes doubled), a time point as
// '2024-02-29 12:34:56.123456'. For display only: SQL text never contains values.
std::string to_string(const value& v);

// Time points as `ar` stores them: "YYYY-MM-DD HH:MM:SS" in UTC, floored to the microsecond, with
// a fraction only when it is not zero (".fff" for whole milliseconds, else ".ffffff"): the text
// SQLite's datetime() and strftime('%Y-%m-%d %H:%M:%f') write, so equal times have one text and
// text order is time order. Throws ar::error for a time point before 1677-09-21 00:12:43.145225, whose floor an
// ar::time_point cannot hold (time_point::min() and the nanoseconds after it).
std::string format_time(time_point t);
// Parses what format_time writes, and the other common stored forms: a fraction of any length or
// none, a 'T' separator, a trailing Z (or +00, +00:00), no seconds ("YYYY-MM-DD HH:MM"), a date
// alone (its midnight). Throws ar::error on anything else, and on a time outside what an ar::time_point
// holds (1677-09-21 00:12:43.145225 to 2262-04-11 23:47:16.854775) rather than wrap around.
time_point parse_time(std::string_view text);

// field_traits<T> says how a C++ field type is stored. Supported: std::int32_t, std::int64_t,
// double, bool, std::string, ar::time_point, and std::optional of each (nullable columns).
template <class T>
struct field_traits {
  static constexpr bool supported = false;
};

namespace detail {
template <class T, value_type Type>
struct scalar_field_traits {
  static constexpr bool supported = true;
  static constexpr bool nullable = false;
  static constexpr value_type type = Type;
  using scalar = T;
};
}  // namespace detail

template <> struct field_traits<std::int32_t> : detail::scalar_field_traits<std::int32_t, value_type::int32> {};
template <> struct field_traits<std::int64_t> : detail::scalar_field_traits<std::int64_t, value_type::int64> {};
template <> struct field_traits<double> : detail::scalar_field_traits<double, value_type::float64> {};
template <> struct field_traits<bool> : detail::scalar_field_traits<bool, value_type::boolean> {};
template <> struct field_traits<std::string> : detail::scalar_field_traits<std::string, value_type::text> {};
template <> struct field_traits<time_point> : detail::scalar_field_traits<time_point, value_type::time> {};

template <class T>
  requires field_traits<T>::supported && (!field_traits<T>::nullable)
struct field_traits<std::optional<T>> : field_traits<T> {
  static constexpr bool nullable = true;
};

template <class T>
inline constexpr bool is_field_type_v = field_traits<T>::supported;

// The parameter value of a field: optional fields that are empty become NULL.
template <class T>
value to_value(const T& field) {
  if constexpr (field_traits<T>::nullable) {
    if (!field) return value{};
    return value{*field};
  } else {
    return value{field};
  }
}

}  // namespace ar

#endif  // AR_VALUE_HPP
