// SQLite's driver (ar/backend/driver.hpp): SOCI opens and holds the connection; statements are
// prepared, bound, stepped and read with the sqlite3 C API on it, without SOCI's statement layer
// (its into/use machinery costs 1.3-1.4x raw sqlite3 per row).

#include "backends/soci_common/soci_session.hpp"
#include "backends/sqlite/sqlite_decimal.hpp"

#include <ar/backend/driver.hpp>
#include <ar/error.hpp>

#include <soci/soci.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

namespace ar::backends {

namespace sqlite_native {

::sqlite3* session_handle(soci::session& session);  // sqlite_session_handle.cpp

namespace {

using backend::column_binding;

// SQLite's extended result code, as the error's code; SQLITE_BUSY (the busy timeout ran out while
// another connection held a lock) is a lock timeout, SQLITE_BUSY_SNAPSHOT (a WAL read transaction
// that cannot become a write one) a serialization failure; the constraints' codes say which refused.
[[noreturn]] void fail(::sqlite3* db, bool timed_out = false) {
  const int code = sqlite3_extended_errcode(db);
  error_kind kind = error_kind::other;
  if (code == SQLITE_BUSY_SNAPSHOT)
    kind = error_kind::serialization_failure;
  else if ((code & 0xff) == SQLITE_BUSY)
    kind = error_kind::lock_timeout;
  else if (code == SQLITE_CONSTRAINT_FOREIGNKEY)
    kind = error_kind::foreign_key_violation;
  else if (code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY)
    kind = error_kind::unique_violation;
  else if (code == SQLITE_CONSTRAINT_CHECK)
    kind = error_kind::check_violation;
  else if (code == SQLITE_CONSTRAINT_NOTNULL)
    kind = error_kind::not_null_violation;
  throw backend::driver_error(sqlite3_errmsg(db), false, std::to_string(code), kind, timed_out);
}

// A connection's statement timeout (set_statement_timeout), for each step of a statement (its
// first row, then each next one: a stream's statement is not stopped because its reader is slow).
// A progress handler interrupts a step that runs past the timeout, and a busy handler gives up
// waiting for another connection's lock when it has waited that long. Both are installed only while
// a timeout is set, so statements without one run as before.
struct limits {
  explicit limits(::sqlite3* d) noexcept : db(d) {}

  ::sqlite3* db;
  std::chrono::milliseconds timeout{0};
  // From bind to reset: the handlers leave prepares and other statements alone.
  bool running = false;
  // A step began: the progress handler's next call sets its deadline. So the clock is read only
  // when the handler runs (every `instructions_per_check` instructions), never per row.
  bool fresh = false;
  std::chrono::steady_clock::time_point deadline;
  // The busy handler gave up: the step's SQLITE_BUSY is a timeout.
  bool gave_up_waiting = false;
  std::chrono::steady_clock::time_point waiting_since;
  // The busy timeout the connection had before a statement timeout replaced it (PRAGMA
  // busy_timeout, read once: the URL's timeout=), restored when the timeout is lifted.
  int own_busy_timeout = -1;

  // A clock read (about 20 ns) every 1000 virtual machine instructions: a fraction of a percent of
  // the instructions' own time.
  static constexpr int instructions_per_check = 1000;

  static int past_deadline(void* self) noexcept {
    auto& l = *static_cast<limits*>(self);
    if (!l.running) return 0;
    const auto now = std::chrono::steady_clock::now();
    if (l.fresh) {
      l.fresh = false;
      l.deadline = now + l.timeout;
      return 0;
    }
    return now >= l.deadline ? 1 : 0;
  }

  static int keep_waiting(void* self, int attempts) noexcept {
    auto& l = *static_cast<limits*>(self);
    const auto now = std::chrono::steady_clock::now();
    if (attempts == 0) l.waiting_since = now;
    const auto left = l.waiting_since + l.timeout - now;
    if (left <= std::chrono::steady_clock::duration::zero()) {
      l.gave_up_waiting = l.running;
      return 0;
    }
    // SQLite's own busy timeout sleeps 1, 2, 5, ... up to 100 ms between attempts; this stays finer.
    const auto pause = std::chrono::milliseconds(std::min(25, 1 << std::min(attempts, 5)));
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(pause, left));
    return 1;
  }

  void set(std::chrono::milliseconds t) {
    if (t.count() > 0 && own_busy_timeout < 0) own_busy_timeout = read_busy_timeout();
    timeout = t;
    if (t.count() > 0) {
      sqlite3_busy_handler(db, &limits::keep_waiting, this);
      sqlite3_progress_handler(db, instructions_per_check, &limits::past_deadline, this);
    } else {
      sqlite3_progress_handler(db, 0, nullptr, nullptr);
      if (own_busy_timeout >= 0) sqlite3_busy_timeout(db, own_busy_timeout);
    }
  }

  void begin() noexcept { running = timeout.count() > 0; }
  void next_step() noexcept {
    fresh = true;
    gave_up_waiting = false;
  }
  void end() noexcept { running = false; }

  // A step that failed: under a timeout, SQLITE_INTERRUPT (the progress handler) and SQLITE_BUSY
  // after the busy handler gave up are timeouts (SQLite also answers BUSY at once where waiting
  // could not help: that stays a database_error).
  [[noreturn]] void fail(int rc) const {
    const int primary = rc & 0xff;
    const bool timed_out = running && (primary == SQLITE_INTERRUPT || (primary == SQLITE_BUSY && gave_up_waiting));
    sqlite_native::fail(db, timed_out);
  }

 private:
  int read_busy_timeout() const {
    sqlite3_stmt* st = nullptr;
    int ms = 0;
    if (sqlite3_prepare_v2(db, "PRAGMA busy_timeout", -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
      ms = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return ms;
  }
};

class statement final : public backend::statement {
 public:
  statement(limits& l, sqlite3_stmt* st) noexcept
      : db_(l.db), limits_(&l), st_(st), parameters_(st ? sqlite3_bind_parameter_count(st) : 0) {}
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;
  ~statement() override { sqlite3_finalize(st_); }

  void bind(std::span<const value> params, std::size_t) override {
    limits_->begin();
    if (!st_) {
      if (!params.empty())
        throw backend::driver_error("the statement is empty, but " + std::to_string(params.size()) +
                                    " values were given for it");
      return;
    }
    // Placeholders left without a value are NULL, never the value of a previous execution.
    if (params.size() < static_cast<std::size_t>(parameters_)) sqlite3_clear_bindings(st_);
    for (std::size_t i = 0; i < params.size(); ++i) {
      const int at = static_cast<int>(i) + 1;
      const value& v = params[i];
      int rc = SQLITE_OK;
      switch (v.index()) {
        case 0: rc = sqlite3_bind_null(st_, at); break;
        case 1: rc = sqlite3_bind_int64(st_, at, *std::get_if<std::int32_t>(&v)); break;
        case 2: rc = sqlite3_bind_int64(st_, at, *std::get_if<std::int64_t>(&v)); break;
        case 3: {
          const double x = *std::get_if<double>(&v);
          // sqlite3_bind_double stores NaN as NULL: refused, never a NULL in its place.
          if (std::isnan(x))
            throw backend::driver_error(
                "parameter " + std::to_string(at) +
                " is NaN, which a sqlite3 database does not store: ar refuses it rather than store "
                "NULL in its place");
          rc = sqlite3_bind_double(st_, at, x);
          break;
        }
        case 4: rc = sqlite3_bind_int(st_, at, *std::get_if<bool>(&v) ? 1 : 0); break;
        case 5: {
          // The value outlives the execution, and every execution binds again: no copy.
          const std::string& s = *std::get_if<std::string>(&v);
          rc = sqlite3_bind_text64(st_, at, s.data(), s.size(), SQLITE_STATIC, SQLITE_UTF8);
          break;
        }
        case 6: {
          const std::string s = format_time(*std::get_if<time_point>(&v));
          rc = sqlite3_bind_text64(st_, at, s.data(), s.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
          break;
        }
        case 7: {
          const std::string s = format_date(*std::get_if<date>(&v));
          rc = sqlite3_bind_text64(st_, at, s.data(), s.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
          break;
        }
        case 9: {
          const std::string s = format_uuid(*std::get_if<uuid>(&v));
          rc = sqlite3_bind_text64(st_, at, s.data(), s.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
          break;
        }
        case 10: {
          // A decimal as the INTEGER or REAL a NUMERIC column keeps, exactly: a whole number within
          // 64 bits as an integer; else one of at most 15 significant digits as its double, which
          // reads back as the same decimal. A longer one would be stored rounded: refused.
          const decimal& d = *std::get_if<decimal>(&v);
          if (const auto whole = sqlite_decimal::whole_int64(d)) {
            rc = sqlite3_bind_int64(st_, at, *whole);
          } else if (const std::string why = sqlite_decimal::refusal(d); why.empty()) {
            rc = sqlite3_bind_double(st_, at, d.to_double_lossy());
          } else {
            throw backend::driver_error("parameter " + std::to_string(at) + ": " + why);
          }
          break;
        }
        case 8: {
          // A BLOB, never text; an empty one too (a null pointer would bind NULL).
          const bytes& b = *std::get_if<bytes>(&v);
          rc = b.empty() ? sqlite3_bind_zeroblob(st_, at, 0)
                         : sqlite3_bind_blob64(st_, at, b.data(), b.size(), SQLITE_STATIC);
          break;
        }
        default: break;
      }
      if (rc != SQLITE_OK)
        throw backend::driver_error("cannot bind parameter " + std::to_string(at) + ": " + sqlite3_errmsg(db_));
    }
  }

  bool step() override {
    if (!st_) return false;
    limits_->next_step();
    const int rc = sqlite3_step(st_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    limits_->fail(rc);
  }

  std::size_t result_column_count() override { return st_ ? static_cast<std::size_t>(sqlite3_column_count(st_)) : 0; }
  std::string result_column_name(std::size_t index) override {
    const char* name = st_ ? sqlite3_column_name(st_, static_cast<int>(index)) : nullptr;
    return name ? name : "";
  }

  void read(std::span<const column_binding> columns) override {
    const auto available = static_cast<std::size_t>(sqlite3_column_count(st_));
    if (columns.size() > available)
      throw backend::driver_error("the statement returns " + std::to_string(available) + " columns, but " +
                                  std::to_string(columns.size()) + " were to be read");
    std::size_t i = 0;
    try {
      for (; i < columns.size(); ++i) {
        const column_binding& c = columns[i];
        const int col = static_cast<int>(i);
        // The value's own type, then the value as that type: SQLite converts nothing, the store_*
        // rules decide. Read through its sqlite3_value: one call that takes the connection's mutex
        // per value (each sqlite3_column_* call takes it), and the type costs no second one. The
        // value is unprotected, which is safe: one thread at a time holds a connection.
        sqlite3_value* v = sqlite3_column_value(st_, col);
        switch (sqlite3_value_type(v)) {
          case SQLITE_INTEGER: backend::store_integer(c, sqlite3_value_int64(v), i); break;
          case SQLITE_FLOAT: backend::store_real(c, sqlite3_value_double(v), i); break;
          case SQLITE_NULL: backend::store_null(c, i); break;
          case SQLITE_BLOB: {
            const void* data = sqlite3_value_blob(v);
            const auto size = static_cast<std::size_t>(sqlite3_value_bytes(v));
            if (data == nullptr && size != 0)
              throw backend::driver_error("out of memory reading result column " + std::to_string(i + 1));
            backend::store_bytes(c, std::string_view(static_cast<const char*>(data), size), i);
            break;
          }
          default: {
            // TEXT.
            const unsigned char* text = sqlite3_value_text(v);
            if (text == nullptr) {
              // No bytes but some: out of memory.
              if (sqlite3_value_bytes(v) != 0 || sqlite3_errcode(db_) == SQLITE_NOMEM)
                throw backend::driver_error("out of memory reading result column " + std::to_string(i + 1));
              backend::store_text(c, {}, i);  // an empty BLOB
              break;
            }
            const auto size = static_cast<std::size_t>(sqlite3_value_bytes(v));
            backend::store_text(c, std::string_view(reinterpret_cast<const char*>(text), size), i);
            break;
          }
        }
      }
    } catch (backend::read_failure& f) {
      // Where the value came from: the table and column of the schema (this build of SQLite has
      // its column metadata), else the result column's name.
      const int col = static_cast<int>(f.index);
      const char* table = sqlite3_column_table_name(st_, col);
      const char* origin = sqlite3_column_origin_name(st_, col);
      const char* name = origin ? origin : sqlite3_column_name(st_, col);
      f.table = table ? table : "";
      f.column = name ? name : "#" + std::to_string(f.index + 1);
      throw;
    }
  }

  std::uint64_t affected_rows() override { return static_cast<std::uint64_t>(sqlite3_changes(db_)); }

  void reset() noexcept override {
    limits_->end();
    sqlite3_reset(st_);
  }

 private:
  ::sqlite3* db_;
  limits* limits_;  // the connection's, which outlives its statements
  sqlite3_stmt* st_;
  int parameters_;
};

class connection final : public backend::connection {
 public:
  connection(std::unique_ptr<soci::session> session, ::sqlite3* db) noexcept
      : session_(std::move(session)), limits_(db) {}

  std::unique_ptr<backend::statement> prepare(std::string_view sql, bool persistent) override {
    sqlite3_stmt* st = nullptr;
    // Only the first statement of the text runs, as through SOCI.
    ::sqlite3* db = limits_.db;
    const int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                                      persistent ? SQLITE_PREPARE_PERSISTENT : 0, &st, nullptr);
    if (rc != SQLITE_OK) {
      sqlite3_finalize(st);  // leaves the connection's error as it is
      fail(db);
    }
    try {
      return std::make_unique<statement>(limits_, st);
    } catch (...) {
      sqlite3_finalize(st);
      throw;
    }
  }

  void set_statement_timeout(std::chrono::milliseconds timeout) override { limits_.set(timeout); }

  // SQLite rolls a transaction back by itself for some errors (SQLITE_FULL, SQLITE_IOERR,
  // SQLITE_NOMEM, SQLITE_BUSY, SQLITE_INTERRUPT, a trigger's RAISE(ROLLBACK)): it is then back in
  // autocommit mode.
  backend::server_transaction transaction_status(bool) noexcept override {
    return sqlite3_get_autocommit(limits_.db) ? backend::server_transaction::none : backend::server_transaction::open;
  }

 private:
  std::unique_ptr<soci::session> session_;  // holds the sqlite3 handle
  limits limits_;
};

class driver final : public backend::driver {
 public:
  std::unique_ptr<backend::connection> connect(std::string_view connection_string, std::chrono::milliseconds,
                                               std::chrono::milliseconds) const override {
    auto session = soci_common::open_session("sqlite3", connection_string);
    ::sqlite3* db = session_handle(*session);
    if (db == nullptr) throw backend::driver_error("SOCI's sqlite3 session holds no sqlite3 connection");
    // An unknown double-quoted identifier is an error, never a string literal: else a column the
    // table does not have reads as its own name, and `WHERE "col" != ?` matches every row. Every
    // connection of a pool is set so before any statement runs on it.
    for (const int option : {SQLITE_DBCONFIG_DQS_DML, SQLITE_DBCONFIG_DQS_DDL})
      if (sqlite3_db_config(db, option, 0, nullptr) != SQLITE_OK)
        throw backend::driver_error("a new sqlite3 connection refused to turn off double-quoted string literals: " +
                                    std::string(sqlite3_errmsg(db)));
    return std::make_unique<connection>(std::move(session), db);
  }
};

}  // namespace

}  // namespace sqlite_native

void register_sqlite_driver() { register_driver("sqlite3", std::make_shared<sqlite_native::driver>()); }

}  // namespace ar::backends
