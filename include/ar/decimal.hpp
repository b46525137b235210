#ifndef AR_DECIMAL_HPP
#define AR_DECIMAL_HPP

// ar::decimal: an exact decimal number, the field type of NUMERIC / DECIMAL columns; and
// ar::numeric<P, S>, a decimal whose column is declared NUMERIC(P, S).

#include <ar/export.hpp>

#include <compare>
#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

namespace ar {

// An exact decimal: a signed coefficient of up to 38 digits and a scale (digits after the point,
// 0 to 38), the value coefficient / 10^scale. It keeps its scale: decimal("-12.50") is written
// "-12.50". Equality and order are numeric (1.5 == 1.50); +, - and * are exact, at the scale SQL
// gives them (the larger of the two for + and -, their sum for *: 1.25 * 0.2 is 0.250; a product
// past 38 digits or scale 38 drops trailing zeros, down to the larger scale), and throw ar::error
// naming the operation when the exact result needs more than 38 digits, never rounding. There is no
// conversion from a double (a double is rarely the decimal it was written as): build one from
// text or from an integer; to_double_lossy() is the nearest double.
class AR_API decimal {
 public:
  // The coefficient's type: a 128-bit integer holds 38 digits.
  __extension__ using coefficient_type = __int128;
  // The most significant digits a decimal holds (SQL's NUMERIC limit).
  static constexpr int max_digits = 38;

  constexpr decimal() noexcept = default;  // 0
  // The integer v, scale 0.
  template <std::integral I>
    requires(!std::same_as<I, bool> && !std::same_as<I, char>)
  explicit constexpr decimal(I v) noexcept : coefficient_(v) {}
  // Text: an optional sign, digits with an optional point ("12.50", ".5", "-3."), an optional
  // exponent ("1.5e3"). Throws ar::error on anything else and on more than 38 significant digits.
  explicit decimal(std::string_view text);
  // The decimal the text spells, as decimal(std::string_view).
  explicit decimal(const char* text) : decimal(std::string_view(text)) {}
  // The decimal the text spells, as decimal(std::string_view).
  explicit decimal(const std::string& text) : decimal(std::string_view(text)) {}
  decimal(double) = delete;
  decimal(float) = delete;
  decimal(long double) = delete;

  // The value coefficient / 10^scale, exactly; throws ar::error unless 0 <= scale <= 38 and the
  // coefficient has at most 38 digits.
  static decimal from_parts(coefficient_type coefficient, int scale);

  // The unscaled value: the number is coefficient() / 10^scale().
  coefficient_type coefficient() const noexcept { return coefficient_; }
  // The digits after the point (0 to 38).
  int scale() const noexcept { return scale_; }
  // The number of digits of the coefficient (1 for zero): 12.50 has 4, scale 2.
  int digits() const noexcept;
  // The nearest double: lossy (0.1 has no double), for display and arithmetic that tolerates it.
  double to_double_lossy() const noexcept;
  // The canonical text: "-12.50", "0.05", "3"; always its scale's digits after the point.
  std::string to_string() const;

  // The same number at another scale, exactly: a larger scale adds zeros, a smaller one only
  // drops zeros. Throws ar::error when that would drop a digit that is not 0 or need more than 38
  // digits.
  decimal rescaled(int scale) const;
  // Whether the number is a NUMERIC(precision, scale)'s: at most `scale` digits after the point
  // that are not 0, at most precision - scale before it.
  bool fits(int precision, int scale) const noexcept;

  // The negation, at the same scale.
  decimal operator-() const;
  friend decimal operator+(const decimal& a, const decimal& b);
  // a - b, exactly, at the larger scale; throws ar::error past 38 digits.
  friend decimal operator-(const decimal& a, const decimal& b);
  // a * b, exactly, at the sum of the scales; throws ar::error past 38 digits.
  friend decimal operator*(const decimal& a, const decimal& b);
  // *this = *this + b.
  decimal& operator+=(const decimal& b) { return *this = *this + b; }
  // *this = *this - b.
  decimal& operator-=(const decimal& b) { return *this = *this - b; }
  // *this = *this * b.
  decimal& operator*=(const decimal& b) { return *this = *this * b; }

  // Numeric order: 1.5 and 1.50 are equivalent.
  friend std::strong_ordering operator<=>(const decimal& a, const decimal& b) noexcept;
  // Numeric equality: 1.5 == 1.50.
  friend bool operator==(const decimal& a, const decimal& b) noexcept { return (a <=> b) == 0; }

 private:
  coefficient_type coefficient_ = 0;
  int scale_ = 0;
};

// The friends above, exported (a friend declaration takes no visibility attribute).
AR_API decimal operator+(const decimal& a, const decimal& b);
// The friend operator-, exported.
AR_API decimal operator-(const decimal& a, const decimal& b);
// The friend operator*, exported.
AR_API decimal operator*(const decimal& a, const decimal& b);
// The friend operator<=>, exported.
AR_API std::strong_ordering operator<=>(const decimal& a, const decimal& b) noexcept;

// The text of a decimal (to_string) and the decimal of a text (the constructor).
AR_API std::string format_decimal(const decimal& d);
// The decimal the text spells, as the constructor reads it; throws ar::error.
AR_API decimal parse_decimal(std::string_view text);

// A decimal whose column is NUMERIC(Precision, Scale) (DECIMAL on MariaDB): create_table declares
// it so, verify_schema checks a numeric column is there, and it is read and written at that scale,
// exactly: a value with more digits after the point than Scale (that are not 0), or more than
// Precision - Scale before it, is refused (an ar::value_error naming the column on write, an
// ar::conversion_error on read), never rounded. It converts to ar::decimal, and arithmetic on it
// gives ar::decimal.
template <int Precision, int Scale>
class numeric : public decimal {
  static_assert(Precision >= 1 && Precision <= decimal::max_digits,
                "ar::numeric<Precision, Scale>: Precision is the number of digits, from 1 to 38");
  static_assert(Scale >= 0 && Scale <= Precision,
                "ar::numeric<Precision, Scale>: Scale is the digits after the point, from 0 to Precision");

 public:
  // The column's precision: NUMERIC(Precision, Scale)'s digits.
  static constexpr int precision = Precision;
  // The column's scale: its digits after the point.
  static constexpr int declared_scale = Scale;

  constexpr numeric() noexcept = default;
  // decimal's constructors: from an integer, from text.
  using decimal::decimal;
  // The decimal d, unchecked until it is written (refused then if it does not fit).
  explicit numeric(const decimal& d) : decimal(d) {}
};

// Whether T is ar::decimal or an ar::numeric.
template <class T>
inline constexpr bool is_decimal_v = std::is_base_of_v<decimal, std::remove_cvref_t<T>>;

}  // namespace ar

#endif  // AR_DECIMAL_HPP
