// MariaDB's statements: through SOCI's statement layer (SOCI's mysql backend writes each value into
// the statement's text, escaped, and reads the whole result into the client). Values go in and
// come out through staging slots bound once per statement, so that re-running a cached statement
// allocates no new SOCI bindings; every result value is read as text and stored with the rules of
// ar/backend/store.hpp, by the type of its result column (MYSQL_FIELD), so that a text column is
// never read as a number (SOCI's own conversions would read 2 into a bool as true).

#include "backends/mysql/mysql_connection.hpp"

#include <ar/backend/driver.hpp>

#include <mysql.h>
#include <soci/mysql/soci-mysql.h>
#include <soci/soci.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ar::backends::mysql_native {

namespace {

// Where SOCI reads and writes the values of one column or parameter.
enum class slot_kind : std::uint8_t { integer, real, flag, text };

struct staged_value {
  long long integer = 0;
  double real = 0;
  int flag = 0;
  std::string text;
  soci::indicator indicator = soci::i_ok;
};

// The slot a parameter needs; a NULL fits whatever the slot already is.
slot_kind kind_of(const value& v, slot_kind current) noexcept {
  switch (v.index()) {
    case 1:
    case 2: return slot_kind::integer;
    case 3: return slot_kind::real;
    case 4: return slot_kind::flag;
    case 5:
    case 6:
    case 7:
    case 8:
    case 9: return slot_kind::text;
    default: return current;
  }
}

void exchange_slot(soci::statement& st, slot_kind kind, staged_value& s, bool into) {
  switch (kind) {
    case slot_kind::integer:
      into ? st.exchange(soci::into(s.integer, s.indicator)) : st.exchange(soci::use(s.integer, s.indicator));
      return;
    case slot_kind::real:
      into ? st.exchange(soci::into(s.real, s.indicator)) : st.exchange(soci::use(s.real, s.indicator));
      return;
    case slot_kind::flag:
      into ? st.exchange(soci::into(s.flag, s.indicator)) : st.exchange(soci::use(s.flag, s.indicator));
      return;
    case slot_kind::text:
      into ? st.exchange(soci::into(s.text, s.indicator)) : st.exchange(soci::use(s.text, s.indicator));
      return;
  }
}

class statement final : public backend::statement {
 public:
  statement(connection& c, std::string_view sql, bool persistent)
      : conn_(c), sql_(sql), persistent_(persistent) {
    make();
  }

  void bind(std::span<const value> params, std::size_t result_columns) override {
    try {
      if (!st_) make();  // a reset dropped the one that was not read to its end
      bind_slots(params, result_columns);
      stage_params(params);
    } catch (const soci::soci_error& e) {
      conn_.fail(e);
    }
    executed_ = false;
    exhausted_ = false;
    width_mismatch_ = false;
    conn_.statement_begins();
  }

  bool step() override {
    try {
      bool got = false;
      if (!executed_) {
        executed_ = true;
        if (columns_.empty()) {
          got = st_->execute(true);
        } else {
          // Run it, then check the result's width before SOCI reads a row into the slots: it reads
          // each slot's column of the row unchecked, past the row's end when the result is narrower
          // (a SELECT written by hand, ar::sql).
          // A result of another width is left unread: step() says there is a row and read() fails,
          // so that what checks the result's columns between the two (ar::sql) sees them first.
          st_->execute(false);
          if (result_column_count() != columns_.size()) {
            width_mismatch_ = true;
            return true;
          }
          got = st_->fetch();
        }
      } else {
        got = st_->fetch();
      }
      exhausted_ = !got;
      return got;
    } catch (const soci::soci_error& e) {
      conn_.fail(e);
    }
  }

  void read(std::span<const backend::column_binding> columns) override {
    if (width_mismatch_)
      throw backend::driver_error("the statement returns " + std::to_string(result_column_count()) +
                                  " columns, but " + std::to_string(columns_.size()) + " were to be read");
    std::size_t i = 0;
    try {
      for (; i < columns.size(); ++i) {
        const backend::column_binding& c = columns[i];
        const staged_value& s = columns_[i];
        if (s.indicator == soci::i_null)
          backend::store_null(c, i);
        else
          backend::store_spelled(c, source(i), s.text, i);
      }
    } catch (backend::read_failure& f) {
      origin(f);
      throw;
    }
  }

  std::size_t result_column_count() override {
    auto* backend = static_cast<soci::mysql_statement_backend*>(st_ ? st_->get_backend() : nullptr);
    return backend == nullptr || backend->result_ == nullptr ? 0 : mysql_num_fields(backend->result_);
  }
  std::string result_column_name(std::size_t index) override {
    const MYSQL_FIELD* f = field_of(index);
    return f != nullptr && f->name != nullptr ? f->name : "";
  }

  std::uint64_t affected_rows() override {
    try {
      return static_cast<std::uint64_t>(st_->get_affected_rows());
    } catch (const soci::soci_error& e) {
      conn_.fail(e);
    }
  }

  // A SOCI statement cannot be reset half-read: one that was not read to its end is dropped, and
  // the next bind prepares it again (in the client only: SOCI's mysql backend prepares nothing on
  // the server).
  void reset() noexcept override {
    if (executed_ && !exhausted_) {
      try {
        st_.reset();
      } catch (...) {
      }
      bound_ = false;
    }
    executed_ = false;
  }

 private:
  void make() {
    bound_ = false;
    st_ = std::make_unique<soci::statement>(conn_.session());
    st_->alloc();
    st_->prepare(sql_, persistent_ ? soci::details::st_repeatable_query : soci::details::st_one_time_query);
  }

  // Binds the statement's slots for these parameters and columns, unless it is bound already with
  // slots of the same kinds.
  void bind_slots(std::span<const value> params, std::size_t result_columns) {
    bool same = bound_ && param_kinds_.size() == params.size() && columns_.size() == result_columns;
    for (std::size_t i = 0; same && i < params.size(); ++i) same = param_kinds_[i] == kind_of(params[i], param_kinds_[i]);
    if (same) return;
    if (bound_) st_->bind_clean_up();
    bound_ = false;
    param_kinds_.resize(params.size());
    columns_.assign(result_columns, staged_value{});
    params_.assign(params.size(), staged_value{});
    // Every result column is read as text and parsed by read(), strictly.
    for (std::size_t i = 0; i < result_columns; ++i) exchange_slot(*st_, slot_kind::text, columns_[i], true);
    for (std::size_t i = 0; i < params.size(); ++i) {
      param_kinds_[i] = kind_of(params[i], slot_kind::integer);
      exchange_slot(*st_, param_kinds_[i], params_[i], false);
    }
    st_->define_and_bind();
    bound_ = true;
  }

  void stage_params(std::span<const value> params) {
    for (std::size_t i = 0; i < params.size(); ++i) {
      staged_value& s = params_[i];
      const value& v = params[i];
      s.indicator = soci::i_ok;
      switch (v.index()) {
        case 0: s.indicator = soci::i_null; break;
        case 1: s.integer = std::get<std::int32_t>(v); break;
        case 2: s.integer = std::get<std::int64_t>(v); break;
        case 3: s.real = std::get<double>(v); break;
        case 4: s.flag = std::get<bool>(v) ? 1 : 0; break;
        case 5: s.text = std::get<std::string>(v); break;
        case 6: s.text = format_time(std::get<time_point>(v)); break;
        case 7: s.text = format_date(std::get<date>(v)); break;
        case 9: s.text = format_uuid(std::get<uuid>(v)); break;
        case 8: {
          // SOCI's mysql backend writes every value into the statement, escaped by
          // mysql_real_escape_string, which keeps every byte (NUL included) of a binary string.
          const bytes& b = std::get<bytes>(v);
          s.text.assign(reinterpret_cast<const char*>(b.data()), b.size());
          break;
        }
      }
    }
  }

  // The field of result column `index` of the execution that just ran, or nullptr.
  const MYSQL_FIELD* field_of(std::size_t index) const noexcept {
    auto* backend = static_cast<soci::mysql_statement_backend*>(st_->get_backend());
    if (backend == nullptr || backend->result_ == nullptr || index >= mysql_num_fields(backend->result_)) return nullptr;
    return mysql_fetch_field_direct(backend->result_, static_cast<unsigned int>(index));
  }

  // The kind of the values of result column `index`.
  backend::value_source source(std::size_t index) const noexcept {
    const MYSQL_FIELD* f = field_of(index);
    if (f == nullptr) return backend::value_source::unknown;
    switch (f->type) {
      case MYSQL_TYPE_TINY:
      case MYSQL_TYPE_SHORT:
      case MYSQL_TYPE_LONG:
      case MYSQL_TYPE_INT24:
      case MYSQL_TYPE_LONGLONG:
      case MYSQL_TYPE_YEAR: return backend::value_source::integer;
      case MYSQL_TYPE_DECIMAL:
      case MYSQL_TYPE_NEWDECIMAL: return backend::value_source::decimal;  // SUM and AVG give one
      // FLOAT too: MariaDB's text results spell a FLOAT with 6 digits, which is not the float the
      // column holds (-1/3 comes as -0.333333): read as that double, a float field refuses it.
      case MYSQL_TYPE_FLOAT:
      case MYSQL_TYPE_DOUBLE: return backend::value_source::floating;
      case MYSQL_TYPE_TINY_BLOB:
      case MYSQL_TYPE_MEDIUM_BLOB:
      case MYSQL_TYPE_LONG_BLOB:
      case MYSQL_TYPE_BLOB:
      case MYSQL_TYPE_STRING:
      case MYSQL_TYPE_VAR_STRING:
        // The binary character set (63): BLOB, BINARY, VARBINARY; TEXT and CHAR have their own.
        return f->charsetnr == 63 ? backend::value_source::bytes : backend::value_source::text;
      default: return backend::value_source::text;  // strings, blobs, dates and times, enums, ...
    }
  }

  // The table (empty for a computed column) and the column a value that does not fit came from.
  void origin(backend::read_failure& f) const {
    const MYSQL_FIELD* field = field_of(f.index);
    if (field == nullptr) {
      f.column = "#" + std::to_string(f.index + 1);
      return;
    }
    const char* t = field->org_table && *field->org_table ? field->org_table : field->table;
    const char* c = field->org_name && *field->org_name ? field->org_name : field->name;
    f.table = t ? t : "";
    f.column = c ? c : "#" + std::to_string(f.index + 1);
  }

  connection& conn_;
  std::string sql_;
  bool persistent_;
  std::vector<slot_kind> param_kinds_;
  std::vector<staged_value> params_;
  std::vector<staged_value> columns_;
  bool bound_ = false;
  bool executed_ = false;
  bool exhausted_ = false;
  bool width_mismatch_ = false;  // the result is not as wide as the slots: nothing was read into them
  // Last, so that it goes first: its bindings point into the slots above.
  std::unique_ptr<soci::statement> st_;
};

}  // namespace

std::unique_ptr<backend::statement> connection::prepare(std::string_view sql, bool persistent) {
  try {
    return std::make_unique<statement>(*this, sql, persistent);
  } catch (const soci::soci_error& e) {
    fail(e);
  }
}

}  // namespace ar::backends::mysql_native
