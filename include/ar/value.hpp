#ifndef AR_VALUE_HPP
#define AR_VALUE_HPP

#include <ar/decimal.hpp>
#include <ar/export.hpp>

#include <array>
#include <chrono>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace ar {

// The time type of a field. Stored in UTC at microsecond precision.
using time_point = std::chrono::system_clock::time_point;

// The date type of a field (a day without a time): DATE on PostgreSQL and MariaDB, TEXT
// 'YYYY-MM-DD' on SQLite. Years 1 to 9999.
using date = std::chrono::year_month_day;

// The bytes type of a field: BYTEA, LONGBLOB, BLOB. Bound as bytes, never as text.
using bytes = std::vector<std::byte>;

// A UUID: 16 bytes, in the order its text spells them. UUID on PostgreSQL, CHAR(36) on MariaDB,
// TEXT on SQLite, always as the lower-case text "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" outside
// PostgreSQL, so that text order is byte order there too. Any version; ar makes none.
struct uuid {
  // The 16 bytes, in the order its text spells them.
  std::array<std::byte, 16> bytes{};
  // Equal when the bytes are.
  friend constexpr bool operator==(const uuid&, const uuid&) = default;
  // Byte order, which is the text's order.
  friend constexpr std::strong_ordering operator<=>(const uuid&, const uuid&) = default;
};

// JSON text: JSONB on PostgreSQL, JSON on MariaDB, TEXT on SQLite. Bound as its text, which ar
// checks is one JSON value (RFC 8259) before writing it: text that is not is an ar::value_error
// naming the field. SQLite and MariaDB keep the text as written; PostgreSQL's jsonb keeps the value
// and reads back its own spelling ({"b": 1,"a":2} is {"a": 2, "b": 1}): == compares the texts.
// A JSON column is not compared in filters (the three databases would compare different things).
struct json {
  // The JSON text, as written or as the database spells it.
  std::string text;
  // Equal when the texts are (not when the values are).
  friend bool operator==(const json&, const json&) = default;
};

// Whether `text` is exactly one JSON value (RFC 8259; whitespace around it allowed), nested at
// most 512 deep.
AR_API bool valid_json(std::string_view text) noexcept;

// The column types `ar` stores. Every field type maps to one of them, optionally nullable.
// decimal: an exact decimal (ar::decimal, ar::numeric<P, S>), NUMERIC / DECIMAL.
// json: JSON text (ar::json), bound as text.
enum class value_type : std::uint8_t { int32, int64, float64, boolean, text, time, date, bytes, uuid, decimal, json };

// A bound parameter: what a statement receives, and what the observation point shows.
// std::monostate is SQL NULL.
using value = std::variant<std::monostate, std::int32_t, std::int64_t, double, bool, std::string, time_point, date,
                           bytes, uuid, decimal>;

// The SQL NULL value.
inline constexpr std::monostate null{};

// A readable rendering for logs: NULL, 42, 1.5, true, 'text' (quotes doubled), a time point as
// '2024-02-29 12:34:56.123456'. For display only: SQL text never contains values.
AR_API std::string to_string(const value& v);
// A primary key for messages: its one value as to_string writes it, or (1, 'a') for a composite key.
AR_API std::string key_text(std::span<const value> key);

// Time points as `ar` stores them: "YYYY-MM-DD HH:MM:SS" in UTC, floored to the microsecond, with
// a fraction only when it is not zero (".fff" for whole milliseconds, else ".ffffff"): the text
// SQLite's datetime() and strftime('%Y-%m-%d %H:%M:%f') write, so equal times have one text and
// text order is time order. Throws ar::error for a time point before 1677-09-21 00:12:43.145225, whose floor an
// ar::time_point cannot hold (time_point::min() and the nanoseconds after it).
AR_API std::string format_time(time_point t);
// Parses what format_time writes, and the other common stored forms: a fraction of any length or
// none, a 'T' separator, a trailing Z (or +00, +00:00), no seconds ("YYYY-MM-DD HH:MM"), a date
// alone (its midnight). Throws ar::error on anything else, and on a time outside what an ar::time_point
// holds (1677-09-21 00:12:43.145225 to 2262-04-11 23:47:16.854775) rather than wrap around.
AR_API time_point parse_time(std::string_view text);

// Dates as `ar` stores them: "YYYY-MM-DD". A date that is not a day of the calendar (2023-02-29,
// month 13), or outside the years 1 to 9999, is not stored: storable_date says whether it is, and
// format_date throws ar::error for one that is not. parse_date reads exactly that form and
// throws ar::error on anything else (a time of day, 0000-00-00, 2023-02-29).
AR_API bool storable_date(date d) noexcept;
AR_API std::string format_date(date d);
AR_API date parse_date(std::string_view text);

// UUIDs as text: format_uuid writes the 36 lower-case characters; parse_uuid reads them in either
// case (PostgreSQL's output, what a program stored in a CHAR(36)) and throws ar::error on
// anything else (no braces, no missing dashes).
AR_API std::string format_uuid(const uuid& u);
AR_API uuid parse_uuid(std::string_view text);

// ar::type_mapping<T>: the customization point that stores a program's own type T as one of the
// types above. Specialize it once per type, at namespace scope outside any namespace of yours:
//
//   template <>
//   struct ar::type_mapping<user_id> {
//     using stored = std::int64_t;                        // a type listed in field_traits below
//     static stored to_stored(const user_id& v) { return v.value; }
//     static user_id from_stored(stored s) { return user_id{s}; }
//   };
//
// Then T is a field type (and std::optional<T> a nullable one), a primary key when `stored` is an
// integer or text, and a value in filters: `User::c.id == user_id{3}` binds to_stored's result.
// Either function may refuse a value by throwing any std::exception, whose what() says why: a
// refusal on read is an ar::conversion_error naming the table, the column and the stored value;
// on write, an ar::value_error naming the table and the column. ar maps float and the unsigned
// integers this way (below); enums through AR_ENUM_STRINGS / AR_ENUM_VALUES (ar/enum.hpp).
template <class T>
struct type_mapping {};

// The values a field writes into its column and reads back, when they are fewer than its stored
// type's: what verify_schema asks of a column (a std::uint32_t, stored as a std::int64_t, needs a
// column that holds 0 to 4294967295, which MariaDB's INT UNSIGNED does). A type_mapping says so with
// `static constexpr ar::value_range range = ...;`; without it, the stored type's whole range.
//   float32: a 32-bit float (a FLOAT or REAL column holds it; so do the double ones);
//   uint8, uint16, uint32: 0 to 255, 65535, 4294967295;
//   uint64: 0 to 9223372036854775807, what ar writes of a std::uint64_t (more is refused on write:
//       a BIGINT holds it, signed or UNSIGNED; a value above it in an UNSIGNED column is refused
//       on read).
enum class value_range : std::uint8_t { stored, float32, uint8, uint16, uint32, uint64 };

namespace detail {
template <class T>
concept has_type_mapping = requires { typename type_mapping<T>::stored; };
}  // namespace detail

// field_traits<T> says how a C++ field type is stored. Supported: std::int32_t, std::int64_t,
// double, bool, std::string, ar::time_point, ar::date, ar::bytes, ar::uuid, ar::decimal, ar::json, every type with an
// ar::type_mapping (float, std::uint8_t ... std::uint64_t, ar::numeric<P, S>, and the program's own), and
// std::optional of each (nullable columns).
template <class T>
struct field_traits {
  // Whether ar stores T (false: T is not a field type).
  static constexpr bool supported = false;
  // Whether T is stored through an ar::type_mapping.
  static constexpr bool mapped = false;
};

namespace detail {
// Whether T is a std::optional (ar/expr.hpp, ar/validators.hpp).
template <class T>
inline constexpr bool is_optional_v = false;
template <class T>
inline constexpr bool is_optional_v<std::optional<T>> = true;
}  // namespace detail

namespace detail {
template <class T, value_type Type>
struct scalar_field_traits {
  static constexpr bool supported = true;
  static constexpr bool nullable = false;
  static constexpr bool mapped = false;
  static constexpr value_type type = Type;
  static constexpr value_range range = value_range::stored;
  using scalar = T;
};

template <class M>
constexpr value_range range_of_mapping() noexcept {
  if constexpr (requires { M::range; })
    return M::range;
  else
    return value_range::stored;
}
}  // namespace detail

template <>
struct field_traits<std::int32_t> : detail::scalar_field_traits<std::int32_t, value_type::int32> {};
template <>
struct field_traits<std::int64_t> : detail::scalar_field_traits<std::int64_t, value_type::int64> {};
template <>
struct field_traits<double> : detail::scalar_field_traits<double, value_type::float64> {};
template <>
struct field_traits<bool> : detail::scalar_field_traits<bool, value_type::boolean> {};
template <>
struct field_traits<std::string> : detail::scalar_field_traits<std::string, value_type::text> {};
template <>
struct field_traits<time_point> : detail::scalar_field_traits<time_point, value_type::time> {};
template <>
struct field_traits<date> : detail::scalar_field_traits<date, value_type::date> {};
template <>
struct field_traits<bytes> : detail::scalar_field_traits<bytes, value_type::bytes> {};
template <>
struct field_traits<uuid> : detail::scalar_field_traits<uuid, value_type::uuid> {};
template <>
struct field_traits<decimal> : detail::scalar_field_traits<decimal, value_type::decimal> {};
template <>
struct field_traits<json> : detail::scalar_field_traits<json, value_type::json> {};

// A mapped type is stored as its `stored` type: that type's column, that type's read rules, then
// from_stored.
template <class T>
  requires detail::has_type_mapping<T>
struct field_traits<T> {
  // The type it is stored as.
  using stored = typename type_mapping<T>::stored;
  static_assert(
      field_traits<stored>::supported && !field_traits<stored>::nullable && !field_traits<stored>::mapped,
      "ar::type_mapping<T>::stored must be one of std::int32_t, std::int64_t, double, bool, std::string, "
      "ar::time_point, ar::date, ar::bytes, ar::uuid, ar::decimal: not a std::optional, nor another mapped type");
  // A mapped type is a field type.
  static constexpr bool supported = true;
  // Not nullable (std::optional<T> is).
  static constexpr bool nullable = false;
  // Stored through its ar::type_mapping.
  static constexpr bool mapped = true;
  // The value type of its stored type.
  static constexpr value_type type = field_traits<stored>::type;
  // The values it takes, when fewer than its stored type's (type_mapping<T>::range).
  static constexpr value_range range = detail::range_of_mapping<type_mapping<T>>();
  // The field's type without std::optional: T.
  using scalar = T;
};

// A std::optional of a field type: the same column, taking NULL.
template <class T>
  requires field_traits<T>::supported && (!field_traits<T>::nullable)
struct field_traits<std::optional<T>> : field_traits<T> {
  // It takes NULL.
  static constexpr bool nullable = true;
};

namespace detail {
// The refusals of ar's own mappings: throws std::out_of_range(why).
[[noreturn]] AR_API void refuse_stored(const char* why);
}  // namespace detail

// float: a double column. Written exactly (every float is a double); read back only when the
// double is a float's own value, never rounded.
template <>
struct type_mapping<float> {
  // Stored as a double.
  using stored = double;
  // A float's values only.
  static constexpr value_range range = value_range::float32;
  // The double of a float, exactly.
  static stored to_stored(float v) noexcept { return v; }
  // The float of a double, when it is a float's own value; throws std::out_of_range otherwise.
  static float from_stored(double v) {
    const auto f = static_cast<float>(v);
    // v == v: v is not a NaN (std::isnan's header, cmath, with its special functions, cost every unit ~10 MB).
    if (static_cast<double>(f) != v && v == v) detail::refuse_stored("a number a float holds exactly (float)");
    return f;
  }
};

namespace detail {
// An unsigned integer in a wider signed column (U up to 32 bits), or in a BIGINT when it is 64
// bits wide: then a value above INT64_MAX is refused on write, never wrapped.
template <class U, class Stored>
struct unsigned_mapping {
  using stored = Stored;
  static constexpr value_range range = sizeof(U) == 1   ? value_range::uint8
                                       : sizeof(U) == 2 ? value_range::uint16
                                       : sizeof(U) == 4 ? value_range::uint32
                                                        : value_range::uint64;
  static stored to_stored(U v) {
    if (!std::in_range<Stored>(v))
      refuse_stored("it is above 9223372036854775807, the largest a BIGINT column holds (std::uint64_t)");
    return static_cast<Stored>(v);
  }
  static U from_stored(Stored v) {
    if (!std::in_range<U>(v)) {
      if constexpr (sizeof(U) == 1)
        refuse_stored("an integer from 0 to 255 (std::uint8_t)");
      else if constexpr (sizeof(U) == 2)
        refuse_stored("an integer from 0 to 65535 (std::uint16_t)");
      else if constexpr (sizeof(U) == 4)
        refuse_stored("an integer from 0 to 4294967295 (std::uint32_t)");
      else
        refuse_stored("an integer from 0 to 9223372036854775807 (std::uint64_t in a BIGINT)");
    }
    return static_cast<U>(v);
  }
};
}  // namespace detail

template <>
struct type_mapping<std::uint8_t> : detail::unsigned_mapping<std::uint8_t, std::int32_t> {};
template <>
struct type_mapping<std::uint16_t> : detail::unsigned_mapping<std::uint16_t, std::int32_t> {};
template <>
struct type_mapping<std::uint32_t> : detail::unsigned_mapping<std::uint32_t, std::int64_t> {};
template <>
struct type_mapping<std::uint64_t> : detail::unsigned_mapping<std::uint64_t, std::int64_t> {};

namespace detail {
// A decimal at a NUMERIC(precision, scale)'s scale, exactly, or std::out_of_range saying why not.
AR_API decimal numeric_value(const decimal& v, int precision, int scale);
}  // namespace detail

// ar::numeric<P, S>: a decimal column declared NUMERIC(P, S), written and read at scale S exactly.
template <int P, int S>
struct type_mapping<numeric<P, S>> {
  // Stored as a decimal.
  using stored = decimal;
  // NUMERIC's precision, P.
  static constexpr int precision = P;
  // NUMERIC's scale, S.
  static constexpr int scale = S;
  // The value at scale S; throws std::out_of_range when it does not fit NUMERIC(P, S).
  static decimal to_stored(const numeric<P, S>& v) { return detail::numeric_value(v, P, S); }
  // The numeric of a decimal read; throws std::out_of_range when it does not fit NUMERIC(P, S).
  static numeric<P, S> from_stored(const decimal& v) { return numeric<P, S>(detail::numeric_value(v, P, S)); }
};

namespace detail {
// The NUMERIC(precision, scale) a field type declares: ar::numeric<P, S>'s, else 0 (none).
template <class T>
struct declared_numeric {
  static constexpr int precision = 0;
  static constexpr int scale = 0;
};
template <int P, int S>
struct declared_numeric<numeric<P, S>> {
  static constexpr int precision = P;
  static constexpr int scale = S;
};
template <class T>
struct declared_numeric<std::optional<T>> : declared_numeric<T> {};
}  // namespace detail

template <class T>
inline constexpr bool is_field_type_v = field_traits<T>::supported;

// The parameter value of a field: optional fields that are empty become NULL.
template <class T>
value to_value(const T& field) {
  if constexpr (field_traits<T>::nullable) {
    if (!field) return value{};
    return to_value(*field);
  } else if constexpr (field_traits<T>::mapped) {
    return value{type_mapping<T>::to_stored(field)};
  } else if constexpr (std::is_same_v<T, json>) {
    return value{field.text};
  } else {
    return value{field};
  }
}

}  // namespace ar

#endif  // AR_VALUE_HPP
