#ifndef AR_SRC_NATIVE_HPP
#define AR_SRC_NATIVE_HPP

// Native execution: a backend may run statements through its driver's own API instead of SOCI's
// statement layer, on the connection SOCI opened. SOCI still connects (and runs each connection's
// setup statements); src/database.cpp runs every later statement of a connection through its native
// side when the backend registered a native driver, else through SOCI. Internal: no public header
// includes this, and the core finds a driver by the SOCI backend's name, never by naming a backend.

#include <ar/detail/execute.hpp>
#include <ar/error.hpp>
#include <ar/value.hpp>

#include <chrono>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <exception>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace soci {
class session;
class soci_error;
class statement;
}

namespace ar::detail {

// A driver refused something (prepare, bind, step): its message. The cursor turns it into an
// ar::database_error that carries the SQL and the database's name.
class native_error : public std::runtime_error {
 public:
  explicit native_error(const std::string& message, bool connection_lost = false, std::string code = {},
                        error_kind kind = error_kind::other, bool timed_out = false)
      : std::runtime_error(message),
        connection_lost_(connection_lost),
        timed_out_(timed_out),
        code_(std::move(code)),
        kind_(kind) {}
  // The connection is gone: it is dropped instead of going back to the pool.
  bool connection_lost() const noexcept { return connection_lost_; }
  // The statement ran past its timeout (set_statement_timeout): an ar::timeout_error.
  bool timed_out() const noexcept { return timed_out_; }
  // The driver's code for the failure and its kind (see ar::database_error::code and kind).
  const std::string& code() const noexcept { return code_; }
  error_kind kind() const noexcept { return kind_; }

 private:
  bool connection_lost_;
  bool timed_out_;
  std::string code_;
  error_kind kind_;
};

// A failure the driver classified: its code and kind (ar::database_error::code, kind).
struct failure_class {
  std::string code;
  error_kind kind = error_kind::other;
};

// What the server holds on a connection that had a transaction open, once a statement in it failed.
enum class server_transaction : std::uint8_t {
  open,     // the transaction is open and takes more statements
  refused,  // open, but the server refuses every statement until a rollback (PostgreSQL)
  none,     // no transaction: the server rolled it back, or the connection is gone
  unknown,  // the driver cannot tell
};

// One prepared statement on one connection. It runs many times (when cached): bind, then step
// until it says there is no row left (or stop early), then reset. The cursor resets it after every
// execution, read to the end or not, so that a cached statement holds nothing of the database (no
// read transaction, no lock) between executions.
class native_statement {
 public:
  virtual ~native_statement() = default;
  // Binds the values of the next execution. They outlive the execution (the cursor's contract),
  // so a driver may point at text instead of copying it. The statement is reset.
  virtual void bind(std::span<const value> params) = 0;
  // Runs the statement to its next row (the first call executes it): true when there is a row.
  virtual bool step() = 0;
  // Writes the current row into the bound fields, with the conversions and checks of the store_*
  // functions below.
  virtual void read(std::span<const column_binding> columns) = 0;
  // The rows the execution that just ended inserted, updated or deleted.
  virtual std::uint64_t affected_rows() = 0;
  // Ready to run again; ends an execution that was not read to the end.
  virtual void reset() noexcept = 0;
};

// The native side of one connection.
class native_connection {
 public:
  virtual ~native_connection() = default;
  // `persistent`: it goes to the statement cache and runs again and again.
  virtual std::unique_ptr<native_statement> prepare(std::string_view sql, bool persistent) = 0;
  // The longest each next execution may run (0: no limit); past it, step() throws a native_error
  // that says timed_out(). Called when it changes, before the statement is bound.
  virtual void set_statement_timeout(std::chrono::milliseconds timeout) = 0;
};

// A backend's native driver. A backend whose statements all go through SOCI may register one too,
// whose attach gives nullptr, for what the driver can tell about a session (the questions below).
class native_driver {
 public:
  virtual ~native_driver() = default;
  // The native side of a session SOCI opened for this driver's backend, or nullptr when this
  // session cannot have one (then its statements go through SOCI).
  virtual std::unique_ptr<native_connection> attach(soci::session& session) const = 0;
  // After a statement failed on `session` inside a transaction: whether the server still holds the
  // transaction, and takes statements in it. Asked on that error path only (and before COMMIT, with
  // `after_failure` false, where the answer must cost no round trip); a driver may ask the server
  // after a failure, outside the observation point.
  virtual server_transaction transaction_status(soci::session& /*session*/, bool /*after_failure*/) const noexcept {
    return server_transaction::unknown;
  }
  // The code and kind of a failure SOCI's statement layer reported on `session` (native statements
  // say them in their native_error).
  virtual failure_class classify(soci::session& /*session*/, const soci::soci_error& /*e*/) const {
    return {};
  }
};

// How a backend bounds the time of connecting and of statements (open_options::connect_timeout,
// statement_timeout), besides what its native connection does.
class timeout_driver {
 public:
  virtual ~timeout_driver() = default;
  // key=value pairs for the SOCI connection string (a key the URL names already keeps the URL's).
  virtual std::vector<std::pair<std::string, std::string>> connect_parameters(
      std::chrono::milliseconds connect_timeout, std::chrono::milliseconds statement_timeout) const = 0;
  // A session whose statements run through SOCI: sets the server's limit of its next statements (0:
  // none).
  virtual void set_statement_timeout(soci::session& session, std::chrono::milliseconds timeout) const = 0;
  // What a SOCI error of a statement on `session` says about time: the server stopped the statement
  // at its limit (the connection is usable), or the connection was lost (which a client read
  // timeout also does).
  enum class verdict : std::uint8_t { other, server_timeout, connection_lost };
  virtual verdict classify(soci::session& session, const soci::soci_error& error) const = 0;
  // A driver whose client cannot change how long it waits for the server once connected (MariaDB
  // Connector/C fixes its read and write timeouts at connect) gives the socket of a session: while
  // a statement with a timeout is sent and executed, ar shuts the socket down once the timeout
  // plus watch_grace() has passed (src/socket_watch.hpp), and the client reports its connection
  // lost. -1: the driver bounds its waits itself.
  virtual int watched_socket(soci::session& /*session*/) const { return -1; }
  // How much longer than the statement's timeout the watch waits: a server that is alive stops the
  // statement at its own limit first, and the connection stays.
  virtual std::chrono::milliseconds watch_grace() const { return std::chrono::milliseconds{500}; }
};

void register_timeout_driver(std::string_view soci_backend, std::shared_ptr<const timeout_driver> driver);
const timeout_driver* find_timeout_driver(std::string_view soci_backend);

// The kind of value a text result spells (PostgreSQL's and MariaDB's results come as text): from
// the result's column types, so that a text column is never read as a number.
enum class value_source : std::uint8_t {
  integer,   // int2/int4/int8/oid, TINYINT ... BIGINT, YEAR
  decimal,   // numeric / DECIMAL
  floating,  // float4/float8, FLOAT/DOUBLE
  boolean,   // PostgreSQL's bool: t or f
  text,      // everything else
  unknown,   // the result does not say: numbers are read from their spelling, strictly
};

// What a backend's SOCI statement tells of its result, for the SOCI path (src/database.cpp), which
// reads every value as text and stores it with store_spelled: the kind of value each column holds,
// and, for an error, the table and column it came from. A backend without one is read by spelling
// alone (value_source::unknown) and its errors name the column by position.
class soci_result_reader {
 public:
  virtual ~soci_result_reader() = default;
  // After the statement executed: the kind of the values of result column `index` (0-based).
  virtual value_source source(soci::statement& st, std::size_t index) const = 0;
  // The table (empty for a computed column) and the name of result column `index`.
  virtual void origin(soci::statement& st, std::size_t index, std::string& table, std::string& column) const = 0;
};
void register_soci_result_reader(std::string_view soci_backend, std::shared_ptr<const soci_result_reader> reader);
const soci_result_reader* find_soci_result_reader(std::string_view soci_backend);

// Backends register their driver next to their dialect, under the SOCI backend's name ("sqlite3").
void register_native_driver(std::string_view soci_backend, std::shared_ptr<const native_driver> driver);
const native_driver* find_native_driver(std::string_view soci_backend);

// What the pool asks a backend about a connection's session, on either path (native or SOCI),
// without a round trip to the server. A backend with a server registers them next to its dialect,
// under the SOCI backend's name; a backend without (SQLite) has none: its connections are always
// alive and never lost.
struct session_checks {
  // Whether an idle session still has its server: false when the server closed it while it sat in
  // the pool (a restart, an idle timeout, a pooler). Must not block: a poll of the socket, never a
  // statement. The pool drops a session that is not alive and opens another in its place.
  bool (*alive)(soci::session& session) noexcept = nullptr;
  // After a statement failed on a session that lost its server: true only when the driver knows
  // the statement never reached the server (so that sending it again cannot apply it twice).
  bool (*never_sent)(soci::session& session) noexcept = nullptr;
};
void register_session_checks(std::string_view soci_backend, session_checks checks);
const session_checks* find_session_checks(std::string_view soci_backend);

// Writing what a driver read into a field: one copy of the rules, for the three readers (SQLite's,
// libpq's, and the SOCI path MariaDB takes). A value is stored exactly or refused: never coerced.
//   integer field (int32, int64): an integer in range; a real or a numeric that is a whole number
//       in range (3.0, SUM's numeric 15); never text, a fraction, a bool.
//   double field: a real, a numeric, an integer a double holds exactly (|v| <= 2^53 and others).
//   bool field: the integer 0 or 1, PostgreSQL's boolean; never 2, a real, text.
//   text field: text (and a BLOB's bytes, a PostgreSQL value of any non-number type: uuid, json,
//       timestamp, ...); never an integer, a real, a numeric or a bool.
//   time field: text that parse_time reads.
// A NULL goes into a std::optional only.

// Where a value came from and what it was, for ar::conversion_error: a reader throws it (through
// the store_* functions), adds the table and the column it knows of its result, and the execution
// adds the database and the SQL. The table is empty for a computed column.
struct read_failure : std::exception {
  std::size_t index = 0;  // 0-based result column
  std::string found;
  std::string expected;
  std::string table;
  std::string column;
  const char* what() const noexcept override { return "ar: a value read does not fit its field"; }
};

[[noreturn]] void throw_read_failure(const column_binding& c, std::size_t index, std::string found);
[[noreturn]] void throw_read_failure(const column_binding& c, std::size_t index, std::string_view kind,
                                     std::string_view text);
[[noreturn]] void throw_read_failure(const column_binding& c, std::size_t index, long long v);
[[noreturn]] void throw_read_failure(const column_binding& c, std::size_t index, double v);

namespace native_store {

template <class T, class U>
inline void assign(const column_binding& c, U&& v) {
  if (c.nullable)
    *static_cast<std::optional<T>*>(c.target) = T(std::forward<U>(v));
  else
    *static_cast<T*>(c.target) = T(std::forward<U>(v));
}

}  // namespace native_store

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
  }
}

// An integer value into a field.
inline void store_integer(const column_binding& c, long long v, std::size_t index) {
  switch (c.type) {
    case value_type::int64: native_store::assign<std::int64_t>(c, static_cast<std::int64_t>(v)); return;
    case value_type::int32:
      if (v < INT32_MIN || v > INT32_MAX) break;
      native_store::assign<std::int32_t>(c, static_cast<std::int32_t>(v));
      return;
    case value_type::boolean:
      if (v != 0 && v != 1) break;
      native_store::assign<bool>(c, v == 1);
      return;
    case value_type::float64: {
      // Exactly, or not at all: 2^53 + 1 has no double. (2^63 is past every long long.)
      const auto d = static_cast<double>(v);
      if (d >= 9223372036854775808.0 || static_cast<long long>(d) != v) break;
      native_store::assign<double>(c, d);
      return;
    }
    case value_type::text:
    case value_type::time: break;
  }
  throw_read_failure(c, index, v);
}

// A floating-point value into a field: an integer field takes a whole number in range only.
inline void store_real(const column_binding& c, double v, std::size_t index) {
  switch (c.type) {
    case value_type::float64: native_store::assign<double>(c, v); return;
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
    case value_type::time: break;
  }
  throw_read_failure(c, index, v);
}

// Text into a string field (assigned in place, so its capacity is reused) or a time field; a
// number or bool field never takes text.
void store_time_text(const column_binding& c, std::string_view text, std::size_t index);
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
  throw_read_failure(c, index, "text", text);
}

// A value spelled as text, of the kind its result column says (PostgreSQL, MariaDB): parsed
// strictly, the whole text, then stored by the rules above.
void store_spelled_number(const column_binding& c, value_source source, std::string_view text, std::size_t index);
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

}  // namespace ar::detail

#endif  // AR_SRC_NATIVE_HPP
