#include "exec/connection_string.hpp"

#include <ar/detail/names.hpp>
#include <ar/backend/dialect.hpp>
#include <ar/model.hpp>

#include <charconv>
#include <cmath>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

namespace ar {

using detail::column_name;
using detail::table_name;

namespace detail {
void register_builtin_backends();  // generated from the list of backends the library is built with
}

namespace {

struct dialect_registry {
  std::mutex mutex;
  std::vector<std::shared_ptr<const dialect>> dialects;
};

dialect_registry& the_registry() {
  static dialect_registry r;
  return r;
}

void ensure_builtins() {
  static std::once_flag once;
  std::call_once(once, [] { detail::register_builtin_backends(); });
}

}  // namespace

void dialect::quote_identifier(std::string& out, std::string_view identifier) const {
  quote_with(out, identifier, '"');
}

void dialect::quote_with(std::string& out, std::string_view identifier, char quote) {
  out += quote;
  // A statement quotes every table and column it names: the name is appended whole unless it holds
  // the quote character (no model's name does), rather than a character at a time.
  if (identifier.find(quote) == std::string_view::npos) {
    out += identifier;
  } else {
    for (char c : identifier) {
      if (c == quote) out += quote;
      out += c;
    }
  }
  out += quote;
}

void dialect::returning_clause(std::string& out, std::string_view key_column) const {
  out += " RETURNING ";
  quote_identifier(out, key_column);
}

void dialect::limit_clause(std::string& out, bool limit, bool offset, limit_binder& bind) const {
  if (limit) {
    out += " LIMIT ";
    bind(out, row_limit::limit);
  } else if (offset && !no_limit().empty()) {
    out += " LIMIT ";
    out += no_limit();
  }
  if (offset) {
    out += " OFFSET ";
    bind(out, row_limit::offset);
  }
}

void dialect::create_table_head(std::string& out, std::string_view table, bool if_not_exists) const {
  out += if_not_exists ? "CREATE TABLE IF NOT EXISTS " : "CREATE TABLE ";
  quote_identifier(out, table);
}

void dialect::drop_table(std::string& out, std::string_view table, bool if_exists) const {
  out += if_exists ? "DROP TABLE IF EXISTS " : "DROP TABLE ";
  quote_identifier(out, table);
}

bool dialect::literal(std::string& out, const value& v) const {
  if (std::holds_alternative<std::monostate>(v)) {
    out += "NULL";
  } else if (const auto* i = std::get_if<std::int32_t>(&v)) {
    out += std::to_string(*i);
  } else if (const auto* l = std::get_if<std::int64_t>(&v)) {
    out += std::to_string(*l);
  } else if (const auto* d = std::get_if<double>(&v)) {
    if (!std::isfinite(*d)) return false;
    char digits[32];
    const auto end = std::to_chars(digits, digits + sizeof digits, *d).ptr;  // the shortest that reads back exactly
    out.append(digits, end);
  } else if (const auto* b = std::get_if<bool>(&v)) {
    out += *b ? "TRUE" : "FALSE";
  } else if (const auto* t = std::get_if<std::string>(&v)) {
    if (t->find('\0') != std::string::npos) return false;
    out += '\'';
    for (const char c : *t) {
      if (c == '\'' || (c == '\\' && backslash_escapes())) out += c;
      out += c;
    }
    out += '\'';
  } else if (const auto* m = std::get_if<decimal>(&v)) {
    out += m->to_string();
  } else {
    return false;
  }
  return true;
}

bool dialect::index_in_create_table(std::string&, std::string_view, std::span<const std::string>) const {
  return false;
}

void dialect::drop_index(std::string& out, std::string_view name, std::string_view) const {
  out += "DROP INDEX ";
  quote_identifier(out, name);
}

bool dialect::add_foreign_key(std::string& out, std::string_view table, std::string_view name,
                              std::string_view definition) const {
  out += "ALTER TABLE ";
  quote_identifier(out, table);
  out += " ADD CONSTRAINT ";
  quote_identifier(out, name);
  out += ' ';
  out += definition;
  return true;
}

bool dialect::drop_foreign_key(std::string& out, std::string_view table, std::string_view name) const {
  out += "ALTER TABLE ";
  quote_identifier(out, table);
  out += " DROP CONSTRAINT ";
  quote_identifier(out, name);
  return true;
}

void dialect::create_index(std::string& out, std::string_view name, std::string_view table,
                           std::span<const std::string> columns, bool if_not_exists) const {
  out += if_not_exists ? "CREATE INDEX IF NOT EXISTS " : "CREATE INDEX ";
  quote_identifier(out, name);
  out += " ON ";
  quote_identifier(out, table);
  out += " (";
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i) out += ", ";
    out += columns[i];
  }
  out += ')';
}

std::string dialect::indexed_column_definition(const table_meta& table, std::size_t column,
                                               std::span<const std::span<const std::size_t>>) const {
  const column_meta& c = table.columns[column];
  if (c.type == value_type::decimal) return decimal_column_type(c.precision, c.scale);
  return std::string(column_type(c.type));
}

std::string dialect::savepoint(std::string_view name) const { return "SAVEPOINT " + std::string(name); }

std::string dialect::release_savepoint(std::string_view name) const { return "RELEASE SAVEPOINT " + std::string(name); }

std::string dialect::rollback_to_savepoint(std::string_view name) const {
  return "ROLLBACK TO SAVEPOINT " + std::string(name);
}

// No two-phase commit unless a backend's dialect spells it.
std::string dialect::prepare_transaction_sql(std::string_view) const { return {}; }
std::string dialect::commit_prepared_sql(std::string_view) const { return {}; }
std::string dialect::rollback_prepared_sql(std::string_view) const { return {}; }

std::string dialect::driver_connection_string(std::string_view connection, std::string_view /*url*/) const {
  return std::string(connection);
}

std::vector<std::string> dialect::connection_secrets(std::string_view connection) const {
  return detail::secret_texts(connection);
}

std::string dialect::decimal_column_type(int precision, int scale) const {
  if (precision == 0) return "NUMERIC";
  return "NUMERIC(" + std::to_string(precision) + ", " + std::to_string(scale) + ")";
}

std::pair<std::string, std::string> dialect::decimal_sum(int) const { return {"COALESCE(SUM(", "), 0)"}; }

std::string dialect::decimal_refusal(const decimal&, int, int) const { return {}; }

std::string dialect::key_column_definition(const table_meta& table, std::size_t column) const {
  const column_meta& c = table.columns[column];
  if (c.type == value_type::decimal) return decimal_column_type(c.precision, c.scale);
  return std::string(key_column_type(c.type));
}

void dialect::upsert_clause(std::string& out, const table_meta& table) const {
  out += " ON CONFLICT (";
  for (std::size_t k = 0; k < table.key_columns.size(); ++k) {
    if (k) out += ", ";
    quote_identifier(out, column_name(table, table.key_columns[k]));
  }
  out += ") DO ";
  if (table.columns.size() == table.key_columns.size()) {
    out += "NOTHING";
    return;
  }
  out += "UPDATE SET ";
  assign_non_key_columns(out, table, "excluded.", "");
}

void dialect::on_conflict_clause(std::string& out, const table_meta& table, std::span<const std::size_t> target,
                                 std::span<const std::size_t> update) const {
  out += " ON CONFLICT ";
  if (!target.empty()) {
    out += '(';
    for (std::size_t k = 0; k < target.size(); ++k) {
      if (k) out += ", ";
      quote_identifier(out, column_name(table, target[k]));
    }
    out += ") ";
  }
  if (update.empty()) {
    out += "DO NOTHING";
    return;
  }
  out += "DO UPDATE SET ";
  assign_columns(out, table, update, "excluded.", "");
}

void dialect::assign_columns(std::string& out, const table_meta& table, std::span<const std::size_t> columns,
                             std::string_view before, std::string_view after) const {
  for (std::size_t k = 0; k < columns.size(); ++k) {
    if (k) out += ", ";
    quote_identifier(out, column_name(table, columns[k]));
    out += " = ";
    out += before;
    quote_identifier(out, column_name(table, columns[k]));
    out += after;
  }
}

void dialect::assign_non_key_columns(std::string& out, const table_meta& table, std::string_view before,
                                     std::string_view after) const {
  bool first = true;
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    if (table.is_key(i)) continue;
    if (!first) out += ", ";
    first = false;
    quote_identifier(out, column_name(table, i));
    out += " = ";
    out += before;
    quote_identifier(out, column_name(table, i));
    out += after;
  }
}

void dialect::pattern_match(std::string& out, match_writer& w, std::string_view pattern, bool ignore_case,
                            bool negated) const {
  const std::string_view op = negated ? " NOT LIKE " : " LIKE ";
  if (!ignore_case) {
    w.operand(out);
    out += op;
    w.parameter(out, value{std::string(pattern)});
    return;
  }
  out += "LOWER(";
  w.operand(out);
  out += ')';
  out += op;
  out += "LOWER(";
  w.parameter(out, value{std::string(pattern)});
  out += ')';
}

void dialect::text_match(std::string& out, match_writer& w, std::string_view text, text_position where,
                         bool ignore_case) const {
  pattern_match(out, w, like_pattern(text, where), ignore_case, false);
  out += like_escape;
}

std::string dialect::like_pattern(std::string_view text, text_position where) {
  std::string pattern;
  pattern.reserve(text.size() + 2);
  if (where != text_position::start) pattern += '%';
  for (char c : text) {
    if (c == '%' || c == '_' || c == '!') pattern += '!';
    pattern += c;
  }
  if (where != text_position::end) pattern += '%';
  return pattern;
}

std::string dialect::normal_type_name(std::string_view type) {
  std::string out;
  int depth = 0;
  for (char c : type) {
    if (c == '(') ++depth;
    if (depth == 0) {
      const bool space = c == ' ' || c == '\t' || c == '\n';
      if (space) {
        if (!out.empty() && out.back() != ' ') out += ' ';
      } else {
        out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
      }
    }
    if (c == ')' && depth > 0) --depth;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

bool dialect::column_type_holds(std::string_view type, value_type field) const {
  const std::string t = normal_type_name(type);
  switch (field) {
    case value_type::int32: return t == "integer" || t == "int" || t == "bigint";
    case value_type::int64: return t == "bigint";
    case value_type::float64: return t == "double precision" || t == "double" || t == "numeric" || t == "decimal";
    case value_type::boolean: return t == "boolean";
    case value_type::text:
      return t == "text" || t == "character varying" || t == "varchar" || t == "character" || t == "char" ||
             t == "clob" || t == "national character varying" || t == "nvarchar";
    case value_type::time: return t == "timestamp" || t == "timestamp without time zone";
    case value_type::date: return t == "date";
    case value_type::bytes: return t == "blob" || t == "bytea" || t == "binary large object";
    case value_type::uuid:
      return t == "uuid" || ((t == "character" || t == "char") && type.find("(36)") != std::string_view::npos);
    // Exact decimals only: a double is not one.
    case value_type::decimal: return t == "numeric" || t == "decimal";
    case value_type::json: return t == "json" || t == "jsonb" || t == "text" || t == "clob";
  }
  return false;
}

bool dialect::column_holds_range(std::string_view type, value_type field, value_range range) const {
  if (column_type_holds(type, field)) return true;
  const std::string t = normal_type_name(type);
  switch (range) {
    case value_range::stored: return false;
    case value_range::float32: return t == "real";
    case value_range::uint8:
    case value_range::uint16:
    case value_range::uint32:
    case value_range::uint64: {
      const unsigned bits = t == "smallint" ? 16 : (t == "integer" || t == "int") ? 32 : t == "bigint" ? 64 : 0;
      return bits != 0 && integer_holds(bits, false, range);
    }
  }
  return false;
}

bool dialect::integer_holds(unsigned bits, bool is_unsigned, value_range range) noexcept {
  unsigned long long needed = 0;
  switch (range) {
    case value_range::stored:
    case value_range::float32: return false;
    case value_range::uint8: needed = 255; break;
    case value_range::uint16: needed = 65535; break;
    case value_range::uint32: needed = 4294967295ULL; break;
    case value_range::uint64: needed = 9223372036854775807ULL; break;  // what ar writes of one
  }
  if (bits == 0) return false;
  if (bits >= 64) return true;  // 2^63 - 1 at least
  const unsigned long long largest = is_unsigned ? (1ULL << bits) - 1 : (1ULL << (bits - 1)) - 1;
  return largest >= needed;
}

std::optional<dialect::column_field> dialect::field_for_column(std::string_view type) const {
  const std::string t = normal_type_name(type);
  if (t == "integer" || t == "int") return column_field{value_type::int32};
  if (t == "bigint") return column_field{value_type::int64};
  if (t == "real") return column_field{value_type::float64, value_range::float32};
  if (t == "double precision" || t == "double") return column_field{value_type::float64};
  if (t == "boolean") return column_field{value_type::boolean};
  if (t == "text" || t == "character varying" || t == "varchar" || t == "character" || t == "char" || t == "clob" ||
      t == "national character varying" || t == "nvarchar")
    return column_field{value_type::text};
  if (t == "timestamp" || t == "timestamp without time zone") return column_field{value_type::time};
  if (t == "date") return column_field{value_type::date};
  if (t == "blob" || t == "bytea" || t == "binary large object") return column_field{value_type::bytes};
  if (t == "uuid") return column_field{value_type::uuid};
  return std::nullopt;
}

namespace detail {

std::string refused_parameters(const dialect& d, std::span<const value> params) {
  // A driver past the limit fails with its own words, or none (SOCI's postgresql backend says
  // "Cannot prepare statement"), or, where it has a larger one, runs what another backend refuses.
  if (params.size() > d.max_parameters())
    return "the statement binds " + std::to_string(params.size()) + " values, more than the " +
           std::to_string(d.max_parameters()) + " one " + std::string(d.driver_name()) +
           " statement takes (dialect().max_parameters()): split the list into several statements";
  const bool nul = !d.text_holds_nul(), nan = !d.stores_nan(), inf = !d.stores_infinity();
  if (!nul && !nan && !inf) return {};
  for (std::size_t i = 0; i < params.size(); ++i) {
    const value& v = params[i];
    // Spelled only for the message: this loop runs for every statement.
    auto which = [i] { return "parameter " + std::to_string(i + 1); };
    if (const auto* s = std::get_if<std::string>(&v); s && nul) {
      // NOLINTNEXTLINE(bugprone-not-null-terminated-result): a search for the NUL byte, not a copy
      if (const void* at = std::memchr(s->data(), '\0', s->size()))
        return which() + " is text with a NUL byte (at byte " +
               std::to_string(static_cast<const char*>(at) - s->data()) + " of " + std::to_string(s->size()) +
               "), which a " + std::string(d.driver_name()) +
               " text column cannot hold: ar refuses it rather than let the text be cut at the NUL";
    } else if (const auto* x = std::get_if<double>(&v)) {
      if (nan && std::isnan(*x))
        return which() + " is NaN, which a " + std::string(d.driver_name()) +
               " database does not store: ar refuses it rather than store something else";
      if (inf && std::isinf(*x))
        return which() + " is " + (*x < 0 ? "-" : "") + "infinity, which a " + std::string(d.driver_name()) +
               " database does not store: ar refuses it rather than store something else";
    }
  }
  return {};
}

}  // namespace detail

void register_dialect(std::shared_ptr<const dialect> d) {
  auto& r = the_registry();
  std::lock_guard lock(r.mutex);
  r.dialects.push_back(std::move(d));
}

const dialect* find_dialect(std::string_view scheme) {
  ensure_builtins();
  auto& r = the_registry();
  std::lock_guard lock(r.mutex);
  // The latest registration wins, so a program can replace a built-in dialect.
  for (auto it = r.dialects.rbegin(); it != r.dialects.rend(); ++it)
    for (std::string_view s : (*it)->schemes())
      if (s == scheme) return it->get();
  return nullptr;
}

}  // namespace ar
