#ifndef AR_BACKENDS_SQLITE_DECIMAL_HPP
#define AR_BACKENDS_SQLITE_DECIMAL_HPP

// How SQLite keeps an exact decimal: a NUMERIC column holds a 64-bit integer or a double, so a
// decimal is bound as the integer when it is a whole number in 64 bits, else as its double when it
// has at most 15 significant digits (which read back as the same decimal); anything longer would
// be stored rounded. The dialect refuses it before the statement (naming the field), the driver
// where no field is known (a filter's value).

#include <ar/decimal.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace ar::backends::sqlite_decimal {

// A decimal that is a whole number a 64-bit integer holds (3, 12.00), as that integer.
inline std::optional<std::int64_t> whole_int64(const decimal& d) {
  decimal::coefficient_type c = d.coefficient();
  for (int i = 0; i < d.scale(); ++i) {
    if (c % 10 != 0) return std::nullopt;
    c /= 10;
  }
  if (c < INT64_MIN || c > INT64_MAX) return std::nullopt;
  return static_cast<std::int64_t>(c);
}

// The digits of a decimal without its trailing zeros: 12.500 has 3, 1200 has 2.
inline int significant_digits(const decimal& d) {
  decimal::coefficient_type c = d.coefficient();
  int zeros = 0;
  while (c != 0 && c % 10 == 0) {
    c /= 10;
    ++zeros;
  }
  return d.digits() - zeros;
}

inline constexpr int real_digits = 15;

// Why SQLite would not keep `d` exactly, or empty.
inline std::string refusal(const decimal& d) {
  if (whole_int64(d) || significant_digits(d) <= real_digits) return {};
  return "the decimal " + d.to_string() + " has " + std::to_string(significant_digits(d)) +
         " significant digits: a sqlite3 database keeps a number as a 64-bit integer or a double (15 "
         "significant digits), which would round it; ar refuses it";
}

}  // namespace ar::backends::sqlite_decimal

#endif  // AR_BACKENDS_SQLITE_DECIMAL_HPP
