#ifndef AR_BACKEND_STORE_HPP
#define AR_BACKEND_STORE_HPP

// Writing what a driver read into a model's field: one copy of the rules, for every backend's
// statement::read (ar/backend/driver.hpp). Inline where a row is read value by value; the rest
// (messages, text parsing) is compiled once, in src/backend/store.cpp.

#include <ar/detail/erased_tables.hpp>
#include <ar/error.hpp>
#include <ar/export.hpp>
#include <ar/value.hpp>

#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

namespace ar::backend {

// Where one result column goes: its field, its type, whether it is a std::optional.
using detail::column_binding;

// The kind of value a text result spells (PostgreSQL's and MariaDB's results come as text): from
// the result's column types, so that a text column is never read as a number.
enum class value_source : std::uint8_t {
  integer,     // int2/int4/int8/oid, TINYINT ... BIGINT, YEAR
  decimal,     // numeric / DECIMAL
  floating,    // float8, DOUBLE
  floating32,  // PostgreSQL's float4: a float spelled shortest, read as that float (0.1 is 0.1f, widened)
  boolean,     // PostgreSQL's bool: t or f
  bytes,       // a binary string's bytes as they are (MariaDB's BLOB, VARBINARY)
  hex_bytes,   // PostgreSQL's bytea in its text form: `\x` and two hex digits a byte
  text,        // everything else
  unknown,     // the result does not say: numbers are read from their spelling, strictly
};

// Writing what a driver read into a field: one copy of the rules, for the three readers (SQLite's,
// libpq's, MariaDB's). A value is stored exactly or refused: never coerced.
//   integer field (int32, int64): an integer in range; a real or a numeric that is a whole number
//       in range (3.0, SUM's numeric 15); never text, a fraction, a bool.
//   double field: a real, a numeric, an integer a double holds exactly (|v| <= 2^53 and others).
//   bool field: the integer 0 or 1, PostgreSQL's boolean; never 2, a real, text.
//   text field: text (and a BLOB's bytes, a PostgreSQL value of any non-number type: uuid, json,
//       timestamp, ...); never an integer, a real, a numeric or a bool.
//   time field: text that parse_time reads.
//   date field: text that parse_date reads (YYYY-MM-DD; PostgreSQL's and MariaDB's DATE).
//   bytes field: a BLOB / bytea / binary string's bytes; never text.
//   uuid field: text that parse_uuid reads (PostgreSQL's uuid, a CHAR(36)).
//   decimal field: an integer; a numeric (PostgreSQL's numeric, MariaDB's DECIMAL), exactly; a
//       real when it is the double of a decimal of at most 15 significant digits (SQLite's NUMERIC
//       columns hold REALs: 0.99 reads as 0.99), read as that decimal, else refused (the sum
//       0.1 + 0.2 is 0.30000000000000004, no decimal stored); never text or a bool.
//   json field: text that is one JSON value (valid_json); never a number.
//   mapped field (a type with an ar::type_mapping): what its stored type's field takes, then
//       what the mapping's from_stored accepts.
// A NULL goes into a std::optional only.

// Where a value came from and what it was, for ar::conversion_error: a reader throws it (through
// the store_* functions), adds the table and the column it knows of its result, and the execution
// adds the database and the SQL. The table is empty for a computed column.
struct AR_API read_failure : std::exception {
  std::size_t index = 0;  // 0-based result column
  // The value found, with its kind: "text 'abc'", "integer 2", "NULL".
  std::string found;
  // What the field takes: "an integer (std::int64_t)".
  std::string expected;
  // The table the value came from, when the reader knows it; empty for a computed column.
  std::string table;
  // The result column's name, when the reader knows it.
  std::string column;
  // A fixed message: ar::conversion_error carries the one that names the value.
  const char* what() const noexcept override { return "ar: a value read does not fit its field"; }
};

// Throws a read_failure: result column `index`'s value `found` (with its kind) does not fit `c`.
[[noreturn]] AR_API void throw_read_failure(const column_binding& c, std::size_t index, std::string found);
// Throws a read_failure: the value, `text` of kind `kind`, quoted in the message.
[[noreturn]] AR_API void throw_read_failure(const column_binding& c, std::size_t index, std::string_view kind,
                                            std::string_view text);
// Throws a read_failure: the integer v.
[[noreturn]] AR_API void throw_read_failure(const column_binding& c, std::size_t index, long long v);
// Throws a read_failure: the real v.
[[noreturn]] AR_API void throw_read_failure(const column_binding& c, std::size_t index, double v);

// What does not fit a field of the types above: a mapped field's value (read through its stored
// type), else a read_failure. Out of line, so that a mapped type costs the others nothing.
AR_API void store_integer_other(const column_binding& c, long long v, std::size_t index);
// A real that no plain field takes: a mapped field's, else a read_failure.
AR_API void store_real_other(const column_binding& c, double v, std::size_t index);
// A text that no plain field takes: a mapped field's, else a read_failure.
AR_API void store_text_other(const column_binding& c, std::string_view text, std::size_t index);
// Bytes that no plain field takes: a mapped field's, else a read_failure.
AR_API void store_bytes_other(const column_binding& c, std::string_view data, std::size_t index);
// NULL into a mapped std::optional field: resets it.
AR_API void store_null_mapped(const column_binding& c) noexcept;

namespace store_detail {

template <class T, class U>
inline void assign(const column_binding& c, U&& v) {
  if (c.nullable)
    *static_cast<std::optional<T>*>(c.target) = T(std::forward<U>(v));
  else
    *static_cast<T*>(c.target) = T(std::forward<U>(v));
}

}  // namespace store_detail

// A NULL: an empty optional, or an error for a field that is not a std::optional.
inline void store_null(const column_binding& c, std::size_t index) {
  if (!c.nullable) throw_read_failure(c, index, std::string("NULL"));
  switch (c.type) {
    case value_type::int32: static_cast<std::optional<std::int32_t>*>(c.target)->reset(); return;
    case value_type::int64: static_cast<std::optional<std::int64_t>*>(c.target)->reset(); return;
    case value_type::float64: static_cast<std::optional<double>*>(c.target)->reset(); return;
    case value_type::boolean: static_cast<std::optional<bool>*>(c.target)->reset(); return;
    case value_type::text: static_cast<std::optional<std::string>*>(c.target)->reset(); return;
    case value_type::time: static_cast<std::optional<time_point>*>(c.target)->reset(); return;
    case value_type::date: static_cast<std::optional<date>*>(c.target)->reset(); return;
    case value_type::bytes: static_cast<std::optional<bytes>*>(c.target)->reset(); return;
    case value_type::uuid: static_cast<std::optional<uuid>*>(c.target)->reset(); return;
    case value_type::decimal: static_cast<std::optional<decimal>*>(c.target)->reset(); return;
    case value_type::json: static_cast<std::optional<json>*>(c.target)->reset(); return;
  }
  store_null_mapped(c);
}

// An integer value into a field.
inline void store_integer(const column_binding& c, long long v, std::size_t index) {
  switch (c.type) {
    case value_type::int64: store_detail::assign<std::int64_t>(c, static_cast<std::int64_t>(v)); return;
    case value_type::int32:
      if (v < INT32_MIN || v > INT32_MAX) break;
      store_detail::assign<std::int32_t>(c, static_cast<std::int32_t>(v));
      return;
    case value_type::boolean:
      if (v != 0 && v != 1) break;
      store_detail::assign<bool>(c, v == 1);
      return;
    case value_type::float64: {
      // Exactly, or not at all: 2^53 + 1 has no double. (2^63 is past every long long.)
      const auto d = static_cast<double>(v);
      if (d >= 9223372036854775808.0 || static_cast<long long>(d) != v) break;
      store_detail::assign<double>(c, d);
      return;
    }
    case value_type::decimal: store_detail::assign<decimal>(c, decimal(v)); return;
    case value_type::text:
    case value_type::time:
    case value_type::date:
    case value_type::bytes:
    case value_type::uuid:
    case value_type::json: break;
  }
  store_integer_other(c, v, index);
}

// A floating-point value into a field: an integer field takes a whole number in range only.
inline void store_real(const column_binding& c, double v, std::size_t index) {
  switch (c.type) {
    case value_type::float64: store_detail::assign<double>(c, v); return;
    case value_type::int32:
    case value_type::int64:
      // [-2^63, 2^63): every double there converts to a long long without UB.
      if (v >= -9223372036854775808.0 && v < 9223372036854775808.0 && std::trunc(v) == v) {
        const auto n = static_cast<long long>(v);
        if (c.type == value_type::int64 || (n >= INT32_MIN && n <= INT32_MAX)) {
          store_integer(c, n, index);
          return;
        }
      }
      break;
    case value_type::boolean:
    case value_type::text:
    case value_type::time:
    case value_type::date:
    case value_type::bytes:
    case value_type::uuid:
    case value_type::decimal:
    case value_type::json: break;
  }
  store_real_other(c, v, index);
}

// Text into a string field (assigned in place, so its capacity is reused) or a time field; a
// number or bool field never takes text.
AR_API void store_time_text(const column_binding& c, std::string_view text, std::size_t index);
// Stores the text into the field `c` as above; throws a read_failure when the field takes no text.
inline void store_text(const column_binding& c, std::string_view text, std::size_t index) {
  if (c.type == value_type::text) {
    if (c.nullable) {
      auto& field = *static_cast<std::optional<std::string>*>(c.target);
      if (field)
        field->assign(text);
      else
        field.emplace(text);
    } else {
      static_cast<std::string*>(c.target)->assign(text);
    }
    return;
  }
  if (c.type == value_type::time) {
    store_time_text(c, text, index);
    return;
  }
  store_text_other(c, text, index);
}

// A BLOB's bytes into a bytes field (its capacity reused); a text field takes them as text.
inline void store_bytes(const column_binding& c, std::string_view data, std::size_t index) {
  if (c.type == value_type::bytes) {
    const auto* first = reinterpret_cast<const std::byte*>(data.data());
    if (c.nullable) {
      auto& field = *static_cast<std::optional<bytes>*>(c.target);
      if (!field) field.emplace();
      field->assign(first, first + data.size());
    } else {
      static_cast<bytes*>(c.target)->assign(first, first + data.size());
    }
    return;
  }
  store_bytes_other(c, data, index);
}

// A value spelled as text, of the kind its result column says (PostgreSQL, MariaDB): parsed
// strictly, the whole text, then stored by the rules above.
AR_API void store_spelled_number(const column_binding& c, value_source source, std::string_view text,
                                 std::size_t index);
// Stores a value spelled as text (a number parsed strictly); throws a read_failure if it misfits.
inline void store_spelled(const column_binding& c, value_source source, std::string_view text, std::size_t index) {
  if (source == value_source::text) {
    store_text(c, text, index);
    return;
  }
  if (source == value_source::integer && (c.type == value_type::int64 || c.type == value_type::int32)) {
    long long v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec == std::errc() && end == text.data() + text.size()) {
      store_integer(c, v, index);
      return;
    }
  }
  store_spelled_number(c, source, text, index);
}

}  // namespace ar::backend

#endif  // AR_BACKEND_STORE_HPP
