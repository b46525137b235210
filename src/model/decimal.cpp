// ar::decimal: text, exact arithmetic and numeric comparison on a 128-bit coefficient.

#include <ar/decimal.hpp>
#include <ar/error.hpp>
#include <ar/value.hpp>  // detail::numeric_value

#include <charconv>
#include <cstdint>
#include <optional>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace ar {

namespace {

using i128 = decimal::coefficient_type;
__extension__ using u128 = unsigned __int128;

constexpr i128 pow10(int n) {
  i128 p = 1;
  for (int i = 0; i < n; ++i) p *= 10;
  return p;
}
constexpr i128 limit = pow10(decimal::max_digits);  // coefficients are below 10^38 in magnitude

u128 magnitude(i128 v) { return v < 0 ? u128(0) - static_cast<u128>(v) : static_cast<u128>(v); }

int digit_count(i128 v) {
  u128 m = magnitude(v);
  int n = 1;
  while (m >= 10) {
    m /= 10;
    ++n;
  }
  return n;
}

[[noreturn]] void overflow(const char* what, const decimal& a, const char* op, const decimal& b) {
  throw error(std::string("ar: the exact decimal ") + what + " " + a.to_string() + " " + op + " " + b.to_string() +
              " needs more than 38 digits: an ar::decimal holds at most 38, and never rounds");
}

// v * 10^n, or false when it does not stay below 10^38.
bool scale_up(i128 v, int n, i128& out) {
  for (int i = 0; i < n; ++i) {
    if (__builtin_mul_overflow(v, 10, &v)) return false;
  }
  if (v >= limit || v <= -limit) return false;
  out = v;
  return true;
}

}  // namespace

decimal decimal::from_parts(coefficient_type coefficient, int scale) {
  if (scale < 0 || scale > max_digits || coefficient >= limit || coefficient <= -limit)
    throw error("ar: a decimal has at most 38 digits and a scale from 0 to 38");
  decimal d;
  d.coefficient_ = coefficient;
  d.scale_ = scale;
  return d;
}

decimal::decimal(std::string_view text) : decimal(parse_decimal(text)) {}

decimal parse_decimal(std::string_view text) {
  const std::string_view original = text;
  auto refuse = [&]() -> decimal {
    throw error("ar: cannot read '" + std::string(original) +
                "' as an exact decimal (expected digits with an optional sign, point and exponent, at most 38 "
                "significant digits)");
  };
  bool negative = false;
  std::size_t at = 0;
  if (at < text.size() && (text[at] == '-' || text[at] == '+')) negative = text[at++] == '-';
  i128 c = 0;
  int digits = 0, scale = 0;
  bool any = false, point = false;
  for (; at < text.size(); ++at) {
    const char ch = text[at];
    if (ch == '.') {
      if (point) return refuse();
      point = true;
      continue;
    }
    if (ch < '0' || ch > '9') break;
    any = true;
    if (c != 0 || ch != '0') ++digits;
    if (digits > decimal::max_digits) return refuse();
    c = c * 10 + (ch - '0');
    if (point) ++scale;
  }
  if (!any) return refuse();
  if (at < text.size()) {
    if (text[at] != 'e' && text[at] != 'E') return refuse();
    ++at;
    int exponent = 0;
    const char* first = text.data() + at;
    if (at < text.size() && text[at] == '+') ++first;
    const auto [end, ec] = std::from_chars(first, text.data() + text.size(), exponent);
    if (ec != std::errc() || end != text.data() + text.size() || first == text.data() + text.size()) return refuse();
    if (exponent > 2 * decimal::max_digits || exponent < -2 * decimal::max_digits) return refuse();
    scale -= exponent;
  }
  if (scale < 0) {
    if (!scale_up(c, -scale, c)) return refuse();
    scale = 0;
  }
  // More digits after the point than 38: only trailing zeros may go.
  while (scale > decimal::max_digits && c % 10 == 0) {
    c /= 10;
    --scale;
  }
  if (scale > decimal::max_digits) return refuse();
  return decimal::from_parts(negative ? -c : c, scale);
}

int decimal::digits() const noexcept { return digit_count(coefficient_); }

double decimal::to_double_lossy() const noexcept {
  // Through the text, so that the double is the nearest one (strtod rounds correctly).
  const std::string s = to_string();
  return std::strtod(s.c_str(), nullptr);
}

std::string decimal::to_string() const {
  u128 m = magnitude(coefficient_);
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(m % 10)));
    m /= 10;
  } while (m != 0);
  if (static_cast<int>(digits.size()) <= scale_)
    digits.insert(0, static_cast<std::size_t>(scale_ + 1) - digits.size(), '0');
  if (scale_ > 0) digits.insert(digits.size() - static_cast<std::size_t>(scale_), 1, '.');
  if (coefficient_ < 0) digits.insert(digits.begin(), '-');
  return digits;
}

std::string format_decimal(const decimal& d) { return d.to_string(); }

decimal decimal::rescaled(int scale) const {
  if (scale < 0 || scale > max_digits)
    throw error("ar: a decimal's scale is from 0 to 38, not " + std::to_string(scale));
  i128 c = coefficient_;
  if (scale >= scale_) {
    if (!scale_up(c, scale - scale_, c))
      throw error("ar: " + to_string() + " at scale " + std::to_string(scale) + " needs more than 38 digits");
  } else {
    const i128 divisor = pow10(scale_ - scale);
    if (c % divisor != 0)
      throw error("ar: " + to_string() + " has more than " + std::to_string(scale) +
                  " digits after the point: it is not rounded");
    c /= divisor;
  }
  return from_parts(c, scale);
}

bool decimal::fits(int precision, int scale) const noexcept {
  if (scale < 0 || precision < 1 || scale > precision) return false;
  i128 c = coefficient_;
  int s = scale_;
  while (s > scale && c % 10 == 0) {
    c /= 10;
    --s;
  }
  if (s > scale) return false;
  // Digits before the point.
  const int whole = c == 0 ? 0 : digit_count(c) - s;
  return whole <= precision - scale;
}

decimal decimal::operator-() const { return from_parts(-coefficient_, scale_); }

namespace {
// a and b at the larger of their scales.
void align(const decimal& a, const decimal& b, i128& x, i128& y, int& scale, const char* what, const char* op) {
  scale = a.scale() > b.scale() ? a.scale() : b.scale();
  if (!scale_up(a.coefficient(), scale - a.scale(), x) || !scale_up(b.coefficient(), scale - b.scale(), y))
    overflow(what, a, op, b);
}
}  // namespace

// a + b and a - b at the larger scale (SQL's rule). Each aligned coefficient is below 10^38, but
// their sum may be past 2^127 (about 1.7 * 10^38): the addition is checked too.
decimal operator+(const decimal& a, const decimal& b) {
  i128 x = 0, y = 0, r = 0;
  int scale = 0;
  align(a, b, x, y, scale, "sum", "+");
  if (__builtin_add_overflow(x, y, &r) || r >= limit || r <= -limit) overflow("sum", a, "+", b);
  return decimal::from_parts(r, scale);
}

decimal operator-(const decimal& a, const decimal& b) {
  i128 x = 0, y = 0, r = 0;
  int scale = 0;
  align(a, b, x, y, scale, "difference", "-");
  if (__builtin_sub_overflow(x, y, &r) || r >= limit || r <= -limit) overflow("difference", a, "-", b);
  return decimal::from_parts(r, scale);
}

namespace {

// A magnitude of up to 256 bits, four 64-bit limbs, least significant first: the exact product of
// two coefficients (each below 10^38 < 2^127).
struct wide {
  std::uint64_t limb[4] = {0, 0, 0, 0};

  static wide product(u128 a, u128 b) {
    wide out;
    const std::uint64_t x[2] = {static_cast<std::uint64_t>(a), static_cast<std::uint64_t>(a >> 64)};
    const std::uint64_t y[2] = {static_cast<std::uint64_t>(b), static_cast<std::uint64_t>(b >> 64)};
    for (int i = 0; i < 2; ++i) {
      u128 carry = 0;
      for (int j = 0; j < 2; ++j) {
        const u128 t = static_cast<u128>(x[i]) * y[j] + out.limb[i + j] + carry;
        out.limb[i + j] = static_cast<std::uint64_t>(t);
        carry = t >> 64;
      }
      out.limb[i + 2] = static_cast<std::uint64_t>(carry);
    }
    return out;
  }
  // Divides by 10 in place; returns the remainder.
  unsigned divide_by_ten() {
    u128 rest = 0;
    for (int i = 3; i >= 0; --i) {
      const u128 cur = (rest << 64) | limb[i];
      limb[i] = static_cast<std::uint64_t>(cur / 10);
      rest = cur % 10;
    }
    return static_cast<unsigned>(rest);
  }
  bool divisible_by_ten() const {
    wide copy = *this;
    return copy.divide_by_ten() == 0;
  }
  // The value when it is below 10^38, else nothing.
  std::optional<u128> below_limit() const {
    if (limb[2] != 0 || limb[3] != 0) return std::nullopt;
    const u128 v = (static_cast<u128>(limb[1]) << 64) | limb[0];
    if (v >= static_cast<u128>(limit)) return std::nullopt;
    return v;
  }
};

}  // namespace

// a * b at the sum of the scales (SQL's rule), exactly. Where that needs more than 38 digits or a
// scale past 38, trailing zeros may go, down to the larger of the two scales: 1.50 * 2.00 is 3.0000,
// and 0.1000000000000000000000 squared keeps its 22 digits after the point; a digit that is not 0
// never goes (the product is refused instead).
decimal operator*(const decimal& a, const decimal& b) {
  wide p = wide::product(magnitude(a.coefficient()), magnitude(b.coefficient()));
  const bool negative = (a.coefficient() < 0) != (b.coefficient() < 0);
  int scale = a.scale() + b.scale();
  const int keep = a.scale() > b.scale() ? a.scale() : b.scale();
  while ((scale > decimal::max_digits || !p.below_limit()) && scale > keep && p.divisible_by_ten()) {
    p.divide_by_ten();
    --scale;
  }
  const std::optional<u128> m = p.below_limit();
  if (!m || scale > decimal::max_digits) overflow("product", a, "*", b);
  const i128 r = static_cast<i128>(*m);
  return decimal::from_parts(negative ? -r : r, scale);
}

std::strong_ordering operator<=>(const decimal& a, const decimal& b) noexcept {
  const i128 ca = a.coefficient(), cb = b.coefficient();
  if (a.scale() == b.scale()) return ca <=> cb;
  // Bring the one of smaller scale up; if that leaves 38 digits, it is the larger in magnitude.
  if (a.scale() < b.scale()) {
    i128 x = 0;
    if (!scale_up(ca, b.scale() - a.scale(), x)) return ca <=> 0;
    return x <=> cb;
  }
  i128 y = 0;
  if (!scale_up(cb, a.scale() - b.scale(), y)) return 0 <=> cb;
  return ca <=> y;
}

}  // namespace ar

namespace ar::detail {

decimal numeric_value(const decimal& v, int precision, int scale) {
  if (!v.fits(precision, scale))
    throw std::out_of_range(v.to_string() + " does not fit NUMERIC(" + std::to_string(precision) + ", " +
                            std::to_string(scale) + ") (at most " + std::to_string(precision - scale) +
                            " digits before the point and " + std::to_string(scale) + " after it): it is not rounded");
  return v.rescaled(scale);
}

}  // namespace ar::detail
