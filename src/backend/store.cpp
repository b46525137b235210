// The store_* rules of ar/backend/store.hpp that are not inline: the messages of a value that
// does not fit its field, and the parsing of a value spelled as text.

#include <ar/backend/store.hpp>

#include <ar/error.hpp>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

namespace ar::backend {

namespace {

std::string expected_by(const column_binding& c) {
  std::string e;
  switch (c.mapped ? c.mapped->stored : c.type) {
    case value_type::int32: e = "an integer from -2147483648 to 2147483647 (std::int32_t)"; break;
    case value_type::int64: e = "an integer (std::int64_t)"; break;
    case value_type::float64: e = "a floating-point number, or an integer a double holds exactly (double)"; break;
    case value_type::boolean: e = "a bool (0 or 1, true or false)"; break;
    case value_type::text: e = "text (std::string)"; break;
    case value_type::time: e = "a time (ar::time_point, written YYYY-MM-DD HH:MM:SS[.ffffff])"; break;
    case value_type::date: e = "a date (ar::date, written YYYY-MM-DD)"; break;
    case value_type::bytes: e = "bytes (ar::bytes: a BLOB, bytea or binary string, never text)"; break;
    case value_type::uuid: e = "a UUID (ar::uuid, written xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)"; break;
    case value_type::json: e = "JSON text (ar::json: one JSON value)"; break;
    case value_type::decimal:
      e = "an exact decimal (ar::decimal: a numeric, an integer, or a real that is a decimal of at most 15 "
          "significant digits)";
      break;
  }
  return e;
}

// A value as a log shows it, cut after 64 bytes.
std::string quoted(std::string_view kind, std::string_view text) {
  std::string out(kind);
  out += " '";
  out.append(text.substr(0, 64));
  out += text.size() > 64 ? "...' (" + std::to_string(text.size()) + " bytes)" : "'";
  return out;
}

// The whole text as a double, or nothing: PostgreSQL's NaN, Infinity and -Infinity included.
std::optional<double> parse_double(std::string_view text) {
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec == std::errc() && end == text.data() + text.size()) return v;
  if (ec == std::errc::result_out_of_range) {
    // What strtod makes of it, subnormal or not (from_chars refuses them).
    const std::string copy(text);
    char* stop = nullptr;
    v = std::strtod(copy.c_str(), &stop);
    if (stop == copy.c_str() + copy.size()) return v;
  }
  return std::nullopt;
}

std::optional<long long> parse_integer(std::string_view text) {
  long long v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec == std::errc() && end == text.data() + text.size()) return v;
  return std::nullopt;
}

// A numeric that is a whole number ("15", "15.000", "-3.0"): its integer part, exactly.
std::optional<long long> parse_whole_decimal(std::string_view text) {
  const std::size_t dot = text.find('.');
  if (dot == std::string_view::npos) return parse_integer(text);
  if (dot == 0 || text.find_first_not_of('0', dot + 1) != std::string_view::npos) return std::nullopt;
  return parse_integer(text.substr(0, dot));
}

// A mapped field: `fill` stores the value into a local of the stored type, by the rules above; then
// the mapping's from_stored takes it, or refuses it.
template <class F>
void store_mapped(const column_binding& c, std::size_t index, F&& fill) {
  try {
    c.mapped->read(
        c.target, c.nullable, [](void* context, const column_binding& local) { (*static_cast<F*>(context))(local); },
        &fill);
  } catch (const detail::mapped_refusal& r) {
    read_failure f;
    f.index = index;
    f.found = r.found;
    f.expected = r.why;
    throw f;
  }
}

}  // namespace

void store_integer_other(const column_binding& c, long long v, std::size_t index) {
  if (!c.mapped) throw_read_failure(c, index, v);
  store_mapped(c, index, [&](const column_binding& local) { store_integer(local, v, index); });
}

namespace {

// The decimal a real is the double of: its shortest spelling that reads back as the same double,
// when that has at most 15 significant digits (every decimal of 15 digits has a double that spells
// it so); else none, for the real is not a decimal that was stored (a sum like 0.30000000000000004).
std::optional<decimal> decimal_of_real(double v) {
  if (!std::isfinite(v)) return std::nullopt;
  char buffer[40];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, v).ptr;
  try {
    decimal d(std::string_view(buffer, static_cast<std::size_t>(end - buffer)));
    if (d.digits() > 15) return std::nullopt;
    return d;
  } catch (const error&) {
    return std::nullopt;
  }
}

// A numeric spelled exactly (PostgreSQL's numeric, MariaDB's DECIMAL, SUM's result).
bool store_decimal_text(const column_binding& c, std::string_view text) {
  try {
    store_detail::assign<decimal>(c, parse_decimal(text));
    return true;
  } catch (const error&) {
    return false;
  }
}

}  // namespace

void store_real_other(const column_binding& c, double v, std::size_t index) {
  if (c.type == value_type::decimal) {
    if (const auto d = decimal_of_real(v)) {
      store_detail::assign<decimal>(c, *d);
      return;
    }
    read_failure f;
    f.index = index;
    char buffer[32];
    const auto end = std::to_chars(buffer, buffer + sizeof buffer, v).ptr;
    f.found = "real " + std::string(buffer, end);
    f.expected = expected_by(c) + "; this real is no decimal of 15 digits, and ar does not round it";
    throw f;
  }
  if (!c.mapped) throw_read_failure(c, index, v);
  store_mapped(c, index, [&](const column_binding& local) { store_real(local, v, index); });
}

void store_date_text(const column_binding& c, std::string_view text, std::size_t index) {
  date d;
  try {
    d = parse_date(text);
  } catch (const error&) {
    read_failure f;
    f.index = index;
    f.found = quoted("text", text);
    f.expected = expected_by(c) + ", a day of the calendar from 0001-01-01 to 9999-12-31";
    throw f;
  }
  store_detail::assign<date>(c, d);
}

void store_text_other(const column_binding& c, std::string_view text, std::size_t index) {
  if (c.type == value_type::date) {
    store_date_text(c, text, index);
    return;
  }
  if (c.type == value_type::json) {
    if (!valid_json(text)) throw_read_failure(c, index, "text", text);
    store_detail::assign<json>(c, json{std::string(text)});
    return;
  }
  if (c.type == value_type::uuid) {
    uuid u;
    try {
      u = parse_uuid(text);
    } catch (const error&) {
      throw_read_failure(c, index, "text", text);
    }
    store_detail::assign<uuid>(c, u);
    return;
  }
  if (!c.mapped) throw_read_failure(c, index, "text", text);
  store_mapped(c, index, [&](const column_binding& local) { store_text(local, text, index); });
}

void store_bytes_other(const column_binding& c, std::string_view data, std::size_t index) {
  if (c.type == value_type::text) {
    store_text(c, data, index);  // a BLOB's bytes, as ever
    return;
  }
  if (!c.mapped) throw_read_failure(c, index, "bytes (" + std::to_string(data.size()) + " bytes)");
  store_mapped(c, index, [&](const column_binding& local) { store_bytes(local, data, index); });
}

namespace {

// PostgreSQL's bytea text form (bytea_output = hex): \x, then two hex digits a byte.
bool store_hex_bytes(const column_binding& c, std::string_view text) {
  if (text.size() < 2 || text[0] != '\\' || text[1] != 'x' || text.size() % 2 != 0) return false;
  auto digit = [](char h) -> int {
    if (h >= '0' && h <= '9') return h - '0';
    if (h >= 'a' && h <= 'f') return h - 'a' + 10;
    if (h >= 'A' && h <= 'F') return h - 'A' + 10;
    return -1;
  };
  bytes out((text.size() - 2) / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int hi = digit(text[2 + 2 * i]), lo = digit(text[3 + 2 * i]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<std::byte>(hi * 16 + lo);
  }
  store_detail::assign<bytes>(c, std::move(out));
  return true;
}

}  // namespace

void store_null_mapped(const column_binding& c) noexcept { c.mapped->reset(c.target); }

void throw_read_failure(const column_binding& c, std::size_t index, std::string found) {
  read_failure f;
  f.index = index;
  f.expected = expected_by(c);
  if (found == "NULL") f.expected += ", never NULL (the field is not a std::optional)";
  f.found = std::move(found);
  throw f;
}

void throw_read_failure(const column_binding& c, std::size_t index, std::string_view kind, std::string_view text) {
  throw_read_failure(c, index, quoted(kind, text));
}

void throw_read_failure(const column_binding& c, std::size_t index, long long v) {
  throw_read_failure(c, index, "integer " + std::to_string(v));
}

void throw_read_failure(const column_binding& c, std::size_t index, double v) {
  char buffer[32];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, v).ptr;
  throw_read_failure(c, index, "real " + std::string(buffer, end));
}

void store_time_text(const column_binding& c, std::string_view text, std::size_t index) {
  time_point t;
  try {
    t = parse_time(text);
  } catch (const error& e) {
    std::string why = e.what();
    if (why.starts_with("ar: ")) why.erase(0, 4);
    read_failure f;
    f.index = index;
    f.found = quoted("text", text);
    f.expected = expected_by(c) + "; " + why;
    throw f;
  }
  store_detail::assign<time_point>(c, t);
}

void store_spelled_number(const column_binding& c, value_source source, std::string_view text, std::size_t index) {
  if (c.mapped) {
    store_mapped(c, index, [&](const column_binding& local) { store_spelled(local, source, text, index); });
    return;
  }
  const bool integral = c.type == value_type::int32 || c.type == value_type::int64 || c.type == value_type::boolean;
  switch (source) {
    case value_source::text: store_text(c, text, index); return;
    case value_source::bytes: store_bytes(c, text, index); return;
    case value_source::hex_bytes:
      if (c.type == value_type::bytes) {
        if (store_hex_bytes(c, text)) return;
        throw_read_failure(c, index, "bytea", text);
      }
      store_text(c, text, index);  // a text field reads bytea's text form, as ever
      return;
    case value_source::boolean:
      // PostgreSQL's bool, into a bool field only.
      if (c.type == value_type::boolean && (text == "t" || text == "f")) {
        store_detail::assign<bool>(c, text == "t");
        return;
      }
      throw_read_failure(c, index, text == "t" ? "bool true" : text == "f" ? "bool false" : quoted("bool", text));
    case value_source::integer:
      if (const auto v = parse_integer(text)) {
        store_integer(c, *v, index);
        return;
      }
      throw_read_failure(c, index, "integer", text);
    case value_source::decimal:
      if (c.type == value_type::decimal) {
        if (store_decimal_text(c, text)) return;
      } else if (integral) {
        if (const auto v = parse_whole_decimal(text)) {
          store_integer(c, *v, index);
          return;
        }
      } else if (c.type == value_type::float64) {
        if (const auto v = parse_double(text)) {
          store_real(c, *v, index);
          return;
        }
      }
      throw_read_failure(c, index, "numeric", text);
    case value_source::floating32: {
      // The float the column holds, widened: what the server's own cast to double gives.
      float f = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), f);
      if (ec == std::errc() && end == text.data() + text.size()) {
        store_real(c, static_cast<double>(f), index);
        return;
      }
      [[fallthrough]];  // NaN, the infinities, what from_chars refuses: read as a double
    }
    case value_source::floating:
      if (const auto v = parse_double(text)) {
        store_real(c, *v, index);  // refuses what does not fit
        return;
      }
      throw_read_failure(c, index, "real", text);
    case value_source::unknown:
      // The result does not say what it holds: a number field takes what spells a number of its
      // kind, exactly as above.
      if (c.type == value_type::text || c.type == value_type::time || c.type == value_type::date ||
          c.type == value_type::uuid || c.type == value_type::json) {
        store_text(c, text, index);
        return;
      }
      if (c.type == value_type::decimal) {
        if (store_decimal_text(c, text)) return;
        throw_read_failure(c, index, "text", text);
      }
      if (integral) {
        if (const auto v = parse_whole_decimal(text)) {
          store_integer(c, *v, index);
          return;
        }
      }
      if (c.type != value_type::boolean)
        if (const auto v = parse_double(text)) {
          store_real(c, *v, index);
          return;
        }
      throw_read_failure(c, index, "text", text);
  }
}

}  // namespace ar::backend
