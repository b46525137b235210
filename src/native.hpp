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
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace soci {
class session;
class soci_error;
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
};

void register_timeout_driver(std::string_view soci_backend, std::shared_ptr<const timeout_driver> driver);
const timeout_driver* find_timeout_driver(std::string_view soci_backend);

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

// Writing what a driver read into a field: the same conversions and errors on every path.
[[noreturn]] void throw_null_into_required(std::size_t index);  // 0-based column index
[[noreturn]] void throw_out_of_int32(long long v);

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
  if (!c.nullable) throw_null_into_required(index);
  switch (c.type) {
    case value_type::int32: static_cast<std::optional<std::int32_t>*>(c.target)->reset(); return;
    case value_type::int64: static_cast<std::optional<std::int64_t>*>(c.target)->reset(); return;
    case value_type::float64: static_cast<std::optional<double>*>(c.target)->reset(); return;
    case value_type::boolean: static_cast<std::optional<bool>*>(c.target)->reset(); return;
    case value_type::text: static_cast<std::optional<std::string>*>(c.target)->reset(); return;
    case value_type::time: static_cast<std::optional<time_point>*>(c.target)->reset(); return;
  }
}

// An integer into an int32 (range-checked), int64 or boolean (non-zero) field.
inline void store_integer(const column_binding& c, long long v) {
  switch (c.type) {
    case value_type::int32:
      if (v < INT32_MIN || v > INT32_MAX) throw_out_of_int32(v);
      native_store::assign<std::int32_t>(c, static_cast<std::int32_t>(v));
      return;
    case value_type::int64: native_store::assign<std::int64_t>(c, static_cast<std::int64_t>(v)); return;
    case value_type::boolean: native_store::assign<bool>(c, v != 0); return;
    default: return;
  }
}

inline void store_real(const column_binding& c, double v) { native_store::assign<double>(c, v); }

// Text into a string field (assigned in place, so its capacity is reused) or a time field.
inline void store_text(const column_binding& c, std::string_view text) {
  if (c.type == value_type::time) {
    native_store::assign<time_point>(c, parse_time(text));
    return;
  }
  if (c.nullable) {
    auto& field = *static_cast<std::optional<std::string>*>(c.target);
    if (field)
      field->assign(text);
    else
      field.emplace(text);
  } else {
    static_cast<std::string*>(c.target)->assign(text);
  }
}

}  // namespace ar::detail

#endif  // AR_SRC_NATIVE_HPP
