// MariaDB's statements: server-side prepared statements of the MariaDB client (Connector/C's
// mysql_stmt_* calls), on the connection of the SOCI session. Every value is bound as a parameter of
// its own type (an ar::bytes as a BLOB, byte for byte), never written into the statement's text:
// SOCI's mysql backend does that (its "use" escapes each value into the SQL), so ar's statements
// do not go through it. The result comes in MariaDB's binary protocol, read whole into the client
// (mysql_stmt_store_result, so that another statement can run on the connection while a result is
// read), and each value is stored by the type of its result column (MYSQL_FIELD) with the rules of
// ar/backend/store.hpp: integers as integers, a DOUBLE as its double, a FLOAT as the float the
// column holds (the text protocol spells it with 6 digits, which is another float), DECIMAL as its
// text, dates and times spelled as the text protocol spells them, strings as text, BLOB, BINARY and
// VARBINARY as bytes.

#include "backends/mysql/mysql_connection.hpp"

#include <ar/backend/driver.hpp>
#include <ar/backend/store.hpp>

#include <mysql.h>

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ar::backends::mysql_native {

namespace {

// How a result column is read: the buffer type it is bound with.
enum class column_kind : std::uint8_t { integer, real, real32, temporal, characters };

struct result_slot {
  column_kind kind = column_kind::characters;
  backend::value_source source = backend::value_source::text;
  long long integer = 0;
  double real = 0;
  float real32 = 0;
  MYSQL_TIME time{};
  std::vector<char> data;
  unsigned long length = 0;
  my_bool is_null = 0;
  my_bool error = 0;
};

// The value_source of a character or binary column: BLOB, BINARY, VARBINARY have the binary
// character set (63); TEXT and CHAR have their own.
backend::value_source characters_source(const MYSQL_FIELD& f) noexcept {
  switch (f.type) {
    case MYSQL_TYPE_TINY_BLOB:
    case MYSQL_TYPE_MEDIUM_BLOB:
    case MYSQL_TYPE_LONG_BLOB:
    case MYSQL_TYPE_BLOB:
    case MYSQL_TYPE_STRING:
    case MYSQL_TYPE_VAR_STRING:
    case MYSQL_TYPE_VARCHAR: return f.charsetnr == 63 ? backend::value_source::bytes : backend::value_source::text;
    case MYSQL_TYPE_DECIMAL:
    case MYSQL_TYPE_NEWDECIMAL: return backend::value_source::decimal;  // SUM and AVG give one
    default: return backend::value_source::text;                        // enums, sets, JSON, TIME, BIT, geometry, ...
  }
}

// A DECIMAL's text without the zeros the server pads a 38-digit fraction with: a plain
// ar::decimal's DECIMAL(65, 38) column (mysql_dialect.cpp) spells 12.5 with 38 digits after the
// point, 40 in all, more than an ar::decimal holds; it reads as 12.5. (An ar::numeric<P, 38> takes
// its scale back as it reads.) Any other text as it is.
std::string_view decimal_text(std::string_view text, const MYSQL_FIELD& f) noexcept {
  if ((f.type != MYSQL_TYPE_NEWDECIMAL && f.type != MYSQL_TYPE_DECIMAL) || f.decimals != 38) return text;
  if (text.find('.') == std::string_view::npos) return text;
  while (!text.empty() && text.back() == '0') text.remove_suffix(1);
  if (!text.empty() && text.back() == '.') text.remove_suffix(1);
  return text;
}

column_kind kind_of(const MYSQL_FIELD& f) noexcept {
  switch (f.type) {
    case MYSQL_TYPE_TINY:
    case MYSQL_TYPE_SHORT:
    case MYSQL_TYPE_LONG:
    case MYSQL_TYPE_INT24:
    case MYSQL_TYPE_LONGLONG:
    case MYSQL_TYPE_YEAR: return column_kind::integer;
    case MYSQL_TYPE_DOUBLE: return column_kind::real;
    case MYSQL_TYPE_FLOAT: return column_kind::real32;
    case MYSQL_TYPE_DATE:
    case MYSQL_TYPE_DATETIME:
    case MYSQL_TYPE_TIMESTAMP: return column_kind::temporal;
    default: return column_kind::characters;
  }
}

// A DATE, DATETIME or TIMESTAMP as the text protocol spells it: YYYY-MM-DD, then HH:MM:SS and as
// many digits of the fraction as the column keeps.
std::string spell_time(const MYSQL_TIME& t, const MYSQL_FIELD& f) {
  char out[48];
  int n = std::snprintf(out, sizeof out, "%04u-%02u-%02u", t.year, t.month, t.day);
  if (f.type != MYSQL_TYPE_DATE) {
    n +=
        std::snprintf(out + n, sizeof out - static_cast<std::size_t>(n), " %02u:%02u:%02u", t.hour, t.minute, t.second);
    if (f.decimals > 0 && f.decimals <= 6) {
      unsigned long fraction = t.second_part;
      for (unsigned int d = 6; d > f.decimals; --d) fraction /= 10;
      n += std::snprintf(out + n, sizeof out - static_cast<std::size_t>(n), ".%0*lu", static_cast<int>(f.decimals),
                         fraction);
    }
  }
  return std::string(out, static_cast<std::size_t>(n));
}

// The smallest buffer a character column starts with, less its NUL: a longer value grows it (once
// per statement, not per run), so the buffer is not sized from the column's declared length
// (LONGTEXT: 4 GiB) nor from the longest value of each result (STMT_ATTR_UPDATE_MAX_LENGTH, which
// the client pays for on every row of every column).
constexpr std::size_t first_buffer = 256;
// What a statement keeps between runs: a value buffer grown past this is let go at the end of its
// run, so that a cached statement does not hold the largest value it ever read.
constexpr std::size_t kept_buffer = std::size_t{1} << 20;
// A string or bytes parameter up to this long is copied into the statement's own buffer, whose
// address stays the same from one run to the next (no new binding); a longer one is bound where
// it is, which costs a new binding each run but no copy.
constexpr std::size_t copied_parameter = 4096;

// What a bound result column's buffer depends on: a column whose type, sign or character set
// changed between runs (the server prepared the statement again, or "SELECT ?" was given a value of
// another type) is bound again.
struct column_signature {
  enum_field_types type = MYSQL_TYPE_NULL;
  bool is_unsigned = false;
  bool binary = false;
  unsigned int decimals = 0;

  static column_signature of(const MYSQL_FIELD& f) noexcept {
    return {f.type, (f.flags & UNSIGNED_FLAG) != 0, f.charsetnr == 63, f.decimals};
  }
  bool operator==(const column_signature&) const = default;
};

// A prepared statement of the MariaDB client, bound once and run many times (it is kept in the
// statement cache): its parameters' buffers are its own and bound again only when a parameter's
// type or buffer changed; its result's buffers are bound at its first run and again only when the
// result's columns changed (see step()).
class statement final : public backend::statement {
 public:
  statement(connection& c, std::string_view sql) : conn_(c), stmt_(mysql_stmt_init(c.handle())) {
    if (stmt_ == nullptr) conn_.fail_client();
    if (mysql_stmt_prepare(stmt_, sql.data(), static_cast<unsigned long>(sql.size())) != 0) {
      try {
        fail();  // reads the statement's error: closed after
      } catch (...) {
        mysql_stmt_close(stmt_);
        throw;
      }
    }
    prepared_fields_ = mysql_stmt_field_count(stmt_);
  }
  ~statement() override {
    free_result();
    if (metadata_ != nullptr) mysql_free_result(metadata_);
    mysql_stmt_close(stmt_);
  }
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;

  void bind(std::span<const value> params, std::size_t /*result_columns: read from the result*/) override {
    free_result();
    const unsigned long expected = mysql_stmt_param_count(stmt_);
    if (expected != params.size())
      throw backend::driver_error("the statement has " + std::to_string(expected) + " placeholders and " +
                                  std::to_string(params.size()) + " values were bound");
    if (param_binds_.size() != params.size()) {  // the first run: sized once, never moved after
      param_binds_.assign(params.size(), MYSQL_BIND{});
      param_length_.assign(params.size(), 0);
      param_null_.assign(params.size(), 0);
      param_values_.assign(params.size(), param_value{});
      param_text_.assign(params.size(), std::string());
      for (std::size_t i = 0; i < params.size(); ++i) {
        param_binds_[i].buffer_type = MYSQL_TYPE_NULL;
        param_binds_[i].length = &param_length_[i];
        param_binds_[i].is_null = &param_null_[i];
      }
      params_bound_ = false;
    }
    bool changed = !params_bound_;
    for (std::size_t i = 0; i < params.size(); ++i) changed |= stage_param(i, params[i]);
    if (!params.empty() && changed) {
      if (mysql_stmt_bind_param(stmt_, param_binds_.data()) != 0) fail();
      params_bound_ = true;
    }
    executed_ = false;
    conn_.statement_begins();
  }

  bool step() override {
    if (!executed_) {
      executed_ = true;
      if (mysql_stmt_execute(stmt_) != 0) {
        // CR_NEW_STMT_METADATA: the result has another number of columns than the statement was
        // prepared with (its table changed behind ar's back); the client kept the old columns, and
        // the result waits unread, so that the connection answers nothing else (the failure is
        // taken for a lost connection, and a SELECT is sent again on another). Nothing bound is
        // trusted after a failure.
        results_bound_ = false;
        fail();
      }
      if (mysql_stmt_field_count(stmt_) == 0) return false;
      // The client keeps the binding across runs, and updates its columns' types in place, except
      // for a statement whose prepare told no columns (a CALL) or that has more results: there it
      // reads new columns, unbound.
      const bool unbound = !results_bound_ || prepared_fields_ == 0 || mysql_stmt_more_results(stmt_) != 0;
      if (mysql_stmt_store_result(stmt_) != 0) fail();
      has_result_ = true;
      if (unbound || columns_changed()) bind_result();
    }
    const int got = mysql_stmt_fetch(stmt_);
    if (got == MYSQL_NO_DATA) return false;
    if (got == 1) fail();
    if (got == MYSQL_DATA_TRUNCATED) fetch_truncated();
    return true;
  }

  void read(std::span<const backend::column_binding> columns) override {
    std::size_t i = 0;
    try {
      for (; i < columns.size(); ++i) {
        const backend::column_binding& c = columns[i];
        if (i >= slots_.size()) {
          backend::throw_read_failure(c, i, std::string("no such result column"));
        }
        const result_slot& s = slots_[i];
        if (s.is_null != 0) {
          backend::store_null(c, i);
          continue;
        }
        switch (s.kind) {
          case column_kind::integer:
            if ((fields_[i].flags & UNSIGNED_FLAG) != 0 && s.integer < 0)  // past INT64_MAX
              backend::store_spelled(c, backend::value_source::integer,
                                     std::to_string(static_cast<unsigned long long>(s.integer)), i);
            else
              backend::store_integer(c, s.integer, i);
            break;
          case column_kind::real: backend::store_real(c, s.real, i); break;
          case column_kind::real32: store_float(c, s.real32, i); break;
          case column_kind::temporal:
            backend::store_spelled(c, backend::value_source::text, spell_time(s.time, fields_[i]), i);
            break;
          case column_kind::characters:
            backend::store_spelled(c, s.source, decimal_text(std::string_view(s.data.data(), s.length), fields_[i]), i);
            break;
        }
      }
    } catch (backend::read_failure& f) {
      origin(f);
      throw;
    }
  }

  std::uint64_t affected_rows() override { return static_cast<std::uint64_t>(mysql_stmt_affected_rows(stmt_)); }

  // The result's columns, once step() has run the statement and bound its result.
  std::size_t result_column_count() override { return has_result_ ? slots_.size() : 0; }
  std::string result_column_name(std::size_t index) override {
    if (!has_result_ || index >= slots_.size() || fields_[index].name == nullptr) return {};
    return fields_[index].name;
  }

  void reset() noexcept override {
    free_result();
    executed_ = false;
    // A buffer a very long value grew is not kept for the next run (bound again then).
    for (result_slot& s : slots_) {
      if (s.data.size() > kept_buffer) {
        s.data = std::vector<char>();
        results_bound_ = false;
      }
    }
  }

 private:
  // A FLOAT's value: the float, spelled shortest and read back as that float by the rules for
  // PostgreSQL's float4 (a float field takes it exactly; a double field the float widened).
  static void store_float(const backend::column_binding& c, float v, std::size_t index) {
    char text[32];
    const auto [end, ec] = std::to_chars(text, text + sizeof text, v);
    backend::store_spelled(c, backend::value_source::floating32,
                           std::string_view(text, ec == std::errc() ? static_cast<std::size_t>(end - text) : 0), index);
  }

  // Sets parameter i to v, in the statement's own buffers where it fits them. True when its binding
  // changed (its type or its buffer's address), so that the client must be given the binding again
  // (which also sends the types to the server again). A NULL keeps the type bound before it.
  bool stage_param(std::size_t i, const value& v) {
    param_value& p = param_values_[i];
    param_null_[i] = 0;
    switch (v.index()) {
      case 0: param_null_[i] = 1; return false;
      case 1: p.integer = std::get<std::int32_t>(v); return set_param(i, MYSQL_TYPE_LONGLONG, &p.integer);
      case 2: p.integer = std::get<std::int64_t>(v); return set_param(i, MYSQL_TYPE_LONGLONG, &p.integer);
      case 3: p.real = std::get<double>(v); return set_param(i, MYSQL_TYPE_DOUBLE, &p.real);
      case 4: p.flag = std::get<bool>(v) ? 1 : 0; return set_param(i, MYSQL_TYPE_TINY, &p.flag);
      case 5: return set_characters(i, MYSQL_TYPE_STRING, std::get<std::string>(v), true);
      // Text made here: always copied (it does not outlive this call).
      case 6: return set_characters(i, MYSQL_TYPE_STRING, format_time(std::get<time_point>(v)), false);
      case 7: return set_characters(i, MYSQL_TYPE_STRING, format_date(std::get<date>(v)), false);
      case 9: return set_characters(i, MYSQL_TYPE_STRING, format_uuid(std::get<uuid>(v)), false);
      case 10: return set_characters(i, MYSQL_TYPE_STRING, std::get<decimal>(v).to_string(), false);  // a DECIMAL
      case 8: {
        const bytes& data = std::get<bytes>(v);
        return set_characters(i, MYSQL_TYPE_BLOB,
                              std::string_view(reinterpret_cast<const char*>(data.data()), data.size()), true);
      }
      default: param_null_[i] = 1; return false;
    }
  }

  bool set_param(std::size_t i, enum_field_types type, void* buffer) noexcept {
    MYSQL_BIND& b = param_binds_[i];
    const bool changed = b.buffer_type != type || b.buffer != buffer;
    b.buffer_type = type;
    b.buffer = buffer;
    return changed;
  }

  // A string or bytes parameter: copied into the statement's buffer for it (its address does not
  // move while the value fits), or, when long and `lasting` (the caller's value, which outlives the
  // run), bound where it is.
  bool set_characters(std::size_t i, enum_field_types type, std::string_view data, bool lasting) {
    static char empty = 0;  // an empty value still needs a buffer (NULL is the null flag, not this)
    param_length_[i] = static_cast<unsigned long>(data.size());
    if (data.empty()) return set_param(i, type, &empty);
    if (lasting && data.size() > copied_parameter)
      return set_param(i, type, const_cast<char*>(data.data()));  // only read
    std::string& own = param_text_[i];
    own.assign(data.data(), data.size());  // a copy into its capacity, never a move
    return set_param(i, type, own.data());
  }

  // Whether the columns of the result that just came differ from the ones bound (same number, the
  // client updated their types in place).
  bool columns_changed() const noexcept {
    if (mysql_stmt_field_count(stmt_) != slots_.size()) return true;
    for (std::size_t i = 0; i < slots_.size(); ++i)
      if (!(column_signature::of(fields_[i]) == signatures_[i])) return true;
    return false;
  }

  // Binds a buffer for each column of the result, keeping the buffers grown before.
  void bind_result() {
    if (metadata_ != nullptr) {
      mysql_free_result(metadata_);
      metadata_ = nullptr;
      fields_ = nullptr;
    }
    results_bound_ = false;
    metadata_ = mysql_stmt_result_metadata(stmt_);
    if (metadata_ == nullptr) fail();
    const unsigned int count = mysql_num_fields(metadata_);
    fields_ = mysql_fetch_fields(metadata_);
    slots_.resize(count);
    signatures_.resize(count);
    result_binds_.assign(count, MYSQL_BIND{});
    for (unsigned int i = 0; i < count; ++i) {
      const MYSQL_FIELD& f = fields_[i];
      result_slot& s = slots_[i];
      MYSQL_BIND& b = result_binds_[i];
      signatures_[i] = column_signature::of(f);
      s.kind = kind_of(f);
      s.source = characters_source(f);
      b.is_null = &s.is_null;
      b.error = &s.error;
      b.length = &s.length;
      switch (s.kind) {
        case column_kind::integer:
          b.buffer_type = MYSQL_TYPE_LONGLONG;
          b.buffer = &s.integer;
          b.is_unsigned = (f.flags & UNSIGNED_FLAG) != 0 ? 1 : 0;
          break;
        case column_kind::real:
          b.buffer_type = MYSQL_TYPE_DOUBLE;
          b.buffer = &s.real;
          break;
        case column_kind::real32:
          b.buffer_type = MYSQL_TYPE_FLOAT;
          b.buffer = &s.real32;
          break;
        case column_kind::temporal:
          b.buffer_type = MYSQL_TYPE_DATETIME;
          b.buffer = &s.time;
          b.buffer_length = sizeof s.time;
          break;
        case column_kind::characters: {
          const std::size_t first = std::min<std::size_t>(f.length, first_buffer) + 1;
          if (s.data.size() < first) s.data.resize(first);
          b.buffer_type = s.source == backend::value_source::bytes ? MYSQL_TYPE_BLOB : MYSQL_TYPE_STRING;
          b.buffer = s.data.data();
          b.buffer_length = static_cast<unsigned long>(s.data.size());
          break;
        }
      }
    }
    if (mysql_stmt_bind_result(stmt_, result_binds_.data()) != 0) fail();
    results_bound_ = true;
  }

  // Values longer than their buffers: each read again into a larger buffer, then the buffers bound
  // once for the next rows. (Binding between two reads of the same row would lose the row's place
  // for the next column: the client then reads it as NULL.)
  void fetch_truncated() {
    bool grown = false;
    for (std::size_t i = 0; i < slots_.size(); ++i) {
      result_slot& s = slots_[i];
      if (s.kind != column_kind::characters || s.is_null != 0 || s.length <= s.data.size()) continue;
      s.data.resize(s.length);
      MYSQL_BIND b = result_binds_[i];
      b.buffer = s.data.data();
      b.buffer_length = static_cast<unsigned long>(s.data.size());
      if (mysql_stmt_fetch_column(stmt_, &b, static_cast<unsigned int>(i), 0) != 0) fail();
      result_binds_[i].buffer = s.data.data();  // the next row's fetch writes here, with room
      result_binds_[i].buffer_length = b.buffer_length;
      grown = true;
    }
    if (grown && mysql_stmt_bind_result(stmt_, result_binds_.data()) != 0) fail();
  }

  void free_result() noexcept {
    has_result_ = false;
    if (executed_) mysql_stmt_free_result(stmt_);
  }

  // The table (empty for a computed column) and the column a value that does not fit came from.
  void origin(backend::read_failure& f) const {
    if (!has_result_ || f.index >= slots_.size()) {
      f.column = "#" + std::to_string(f.index + 1);
      return;
    }
    const MYSQL_FIELD& field = fields_[f.index];
    const char* t = field.org_table && *field.org_table ? field.org_table : field.table;
    const char* c = field.org_name && *field.org_name ? field.org_name : field.name;
    f.table = t ? t : "";
    f.column = c ? c : "#" + std::to_string(f.index + 1);
  }

  [[noreturn]] void fail() { conn_.fail_statement(stmt_); }

  struct param_value {
    long long integer = 0;
    double real = 0;
    signed char flag = 0;
  };

  connection& conn_;
  MYSQL_STMT* stmt_;
  unsigned int prepared_fields_ = 0;  // the columns its prepare told: 0 for a CALL
  // The parameters: the binding and what it points to, sized at the first run and never moved.
  std::vector<MYSQL_BIND> param_binds_;
  std::vector<unsigned long> param_length_;
  std::vector<my_bool> param_null_;
  std::vector<param_value> param_values_;
  std::vector<std::string> param_text_;
  bool params_bound_ = false;
  // The result: its columns (the client's, kept up to date by it), their buffers and binding.
  MYSQL_RES* metadata_ = nullptr;
  MYSQL_FIELD* fields_ = nullptr;
  std::vector<result_slot> slots_;
  std::vector<column_signature> signatures_;
  std::vector<MYSQL_BIND> result_binds_;
  bool results_bound_ = false;
  bool has_result_ = false;  // this run has a result, stored in the client
  bool executed_ = false;
};

}  // namespace

std::unique_ptr<backend::statement> connection::prepare(std::string_view sql, bool /*persistent*/) {
  return std::make_unique<statement>(*this, sql);
}

}  // namespace ar::backends::mysql_native
