#ifndef AR_BACKEND_DRIVER_HPP
#define AR_BACKEND_DRIVER_HPP

// The driver: how ar connects to one kind of database and runs statements on it. Each backend
// (`backends/<name>/`) implements one next to its dialect (ar/backend/dialect.hpp) and registers
// both in its `ar::backends::register_<name>()`; the core finds the driver by the dialect's
// driver_name() and never names a backend, nor the library a backend drives its database with
// (SOCI, for ar's three: it appears only under backends/). Not included by any header a program
// uses for its models: only backends and the core's execution layer include it.
//
// The core's side of the contract (src/exec/): it connects through driver::connect, runs the
// dialect's and the program's setup statements, then every statement of the connection through
// connection::prepare and the statement's bind / step / read / reset, on one thread at a time.
// Failures are driver_error (or read_failure for a value that does not fit its field); the core
// turns them into ar::database_error, ar::timeout_error, ar::conversion_error.

#include <ar/backend/store.hpp>
#include <ar/error.hpp>
#include <ar/export.hpp>
#include <ar/value.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace ar::backend {

// A driver refused something (connect, prepare, bind, step): its message, and what it knows about
// the failure. The core turns it into an ar::database_error that carries the SQL and the
// database's name (an ar::timeout_error when timed_out(), an ar::connection_error on connect).
class AR_API driver_error : public std::runtime_error {
 public:
  // The driver's message and what it knows: connection lost, code, kind, timed out, never sent.
  explicit driver_error(const std::string& message, bool connection_lost = false, std::string code = {},
                        error_kind kind = error_kind::other, bool timed_out = false, bool never_sent = false)
      : std::runtime_error(message),
        connection_lost_(connection_lost),
        timed_out_(timed_out),
        never_sent_(never_sent),
        code_(std::move(code)),
        kind_(kind) {}
  // The connection is gone: it is dropped instead of going back to the pool.
  bool connection_lost() const noexcept { return connection_lost_; }
  // The statement ran past its timeout (connection::set_statement_timeout): an ar::timeout_error.
  bool timed_out() const noexcept { return timed_out_; }
  // With connection_lost(): the driver knows the statement never reached the server (so that
  // sending it again cannot apply it twice; MariaDB's "server has gone away").
  bool never_sent() const noexcept { return never_sent_; }
  // The driver's code for the failure and its kind (see ar::database_error::code and kind).
  const std::string& code() const noexcept { return code_; }
  // The failure's kind, as ar::database_error::kind.
  error_kind kind() const noexcept { return kind_; }

 private:
  bool connection_lost_;
  bool timed_out_;
  bool never_sent_;
  std::string code_;
  error_kind kind_;
};

// What the server holds on a connection that had a transaction open, once a statement in it failed.
enum class server_transaction : std::uint8_t {
  open,     // the transaction is open and takes more statements
  refused,  // open, but the server refuses every statement until a rollback (PostgreSQL)
  none,     // no transaction: the server rolled it back, or the connection is gone
  unknown,  // the driver cannot tell
};

// One prepared statement on one connection. It runs many times (when cached): bind, then step
// until it says there is no row left (or stop early), then reset. The core resets it after every
// execution, read to the end or not, so that a cached statement holds nothing of the database (no
// read transaction, no lock) between executions.
class AR_API statement {
 public:
  virtual ~statement() = default;
  // Binds the values of the next execution, which reads `result_columns` columns of each row (a
  // driver that must say where each goes before it runs, like SOCI's, needs the number). The
  // values outlive the execution, so a driver may point at text instead of copying it. The
  // statement is reset.
  virtual void bind(std::span<const value> params, std::size_t result_columns) = 0;
  // Runs the statement to its next row (the first call executes it): true when there is a row.
  virtual bool step() = 0;
  // Writes the current row into the bound fields, with the rules of ar/backend/store.hpp.
  virtual void read(std::span<const column_binding> columns) = 0;
  // The rows the execution that just ended inserted, updated or deleted.
  virtual std::uint64_t affected_rows() = 0;
  // The result's columns, once step() has run the statement (whether or not it gave a row): how
  // many, and each one's name as the database gives it (the SELECT's alias, else the column's
  // name). A SELECT written by hand (ar::sql) reads them to match its columns to a model's or a
  // tuple's before the first read(). A driver that reads a row ahead of read() (into slots bound
  // for `result_columns`) reads nothing of a result of another width: step() says there is a row
  // and read() throws a driver_error, so that such a check sees the columns first. The defaults
  // say nothing is known: ar::sql then refuses the result.
  virtual std::size_t result_column_count() { return 0; }
  // The name of result column `index` (0-based), once the statement ran; empty when unknown.
  virtual std::string result_column_name(std::size_t /*index*/) { return {}; }
  // Ready to run again; ends an execution that was not read to the end.
  virtual void reset() noexcept = 0;
};

// One open connection. The core's pool owns it; it owns whatever the driver connected with (for
// ar's three, a SOCI session), and outlives the statements prepared on it.
class AR_API connection {
 public:
  virtual ~connection() = default;
  // `persistent`: it goes to the statement cache and runs again and again.
  virtual std::unique_ptr<statement> prepare(std::string_view sql, bool persistent) = 0;
  // The longest each next execution may run (0: no limit); past it, step() throws a driver_error
  // that says timed_out(). Called when it changes, before the statement is bound.
  virtual void set_statement_timeout(std::chrono::milliseconds timeout) = 0;

  // After a statement failed inside a transaction: whether the server still holds the transaction,
  // and takes statements in it. Asked on that error path (`after_failure`: a driver may ask the
  // server, outside the observation point), and after a statement that succeeded in a transaction
  // and before COMMIT (`after_failure` false: the answer must cost no round trip).
  virtual server_transaction transaction_status(bool /*after_failure*/) noexcept { return server_transaction::unknown; }

  // Whether the connection has a server it can lose (a restart, an idle timeout, a pooler): then
  // the pool asks alive() of an idle connection before handing it out. False (SQLite): never asked.
  virtual bool has_server() const noexcept { return false; }
  // Whether an idle connection still has its server. Must not block: a poll of the socket, never
  // a statement. The pool drops a connection that is not alive and opens another in its place.
  virtual bool alive() noexcept { return true; }

  // A driver whose client cannot change how long it waits for the server once connected (MariaDB
  // Connector/C fixes its read and write timeouts at connect) gives its socket: while a statement
  // with a timeout is sent and executed (up to its first step), ar shuts the socket down once the
  // timeout plus watch_grace() has passed (src/exec/socket_watch.hpp), and the client reports its
  // connection lost. -1: the driver bounds its waits itself.
  virtual int watched_socket() noexcept { return -1; }
  // How much longer than the statement's timeout the watch waits: a server that is alive stops the
  // statement at its own limit first, and the connection stays.
  virtual std::chrono::milliseconds watch_grace() const noexcept { return std::chrono::milliseconds{500}; }
};

// A backend's driver: opens its connections.
class AR_API driver {
 public:
  virtual ~driver() = default;
  // A new connection, with what the dialect read of the URL (dialect::driver_connection_string).
  // `connect_timeout` bounds connecting, `statement_timeout` is the database's (0: none; the core
  // also calls set_statement_timeout once connected). Throws driver_error when it cannot connect
  // (its message may quote the connection string: the core masks the secrets in it).
  virtual std::unique_ptr<connection> connect(std::string_view connection_string,
                                              std::chrono::milliseconds connect_timeout,
                                              std::chrono::milliseconds statement_timeout) const = 0;
  // Whether connections made with this connection string go through a transaction pooler (such as
  // pgbouncer's pool_mode = transaction, which PostgreSQL's driver is told by pooler=transaction):
  // each transaction, and each statement outside one, may then run on another server connection,
  // so nothing of a session survives from one to the next. The driver then keeps nothing on the
  // server between transactions (no named prepared statements, no SET), and the core refuses what
  // needs a session (open_options::on_connect, readers), runs no session setup of the dialect's,
  // and reads a stream's cursor inside a transaction. Default: false.
  virtual bool transaction_pooled(std::string_view /*connection_string*/) const { return false; }
};

}  // namespace ar::backend

namespace ar {

// Backends register their driver next to their dialect, under the dialect's driver_name().
AR_API void register_driver(std::string_view name, std::shared_ptr<const backend::driver> driver);
// The driver registered under `name`, or null.
AR_API const backend::driver* find_driver(std::string_view name);

}  // namespace ar

#endif  // AR_BACKEND_DRIVER_HPP
