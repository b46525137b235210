// MariaDB's driver and connection (mysql_connection.hpp). The timeouts: the server's
// max_statement_time stops a statement at its limit (error 1969, ER_STATEMENT_TIMEOUT: the
// connection stays usable), and a frozen server, which never answers, is given up on by ar's socket
// watch (src/exec/socket_watch.hpp, on watched_socket()): at the statement's timeout plus a grace
// of 500 ms (so that a server that is alive answers with its own error first), the socket is shut
// down, the client reports the connection lost (error 2013, CR_SERVER_LOST) and ar drops it.
//
// Not the client's own read and write timeouts (MYSQL_OPT_READ_TIMEOUT): Connector/C fixes them
// when a connection opens, in whole seconds, and offers no way to change them after; a timeout set
// by ar::statement_timeout_scope, shorter or longer than the database's, would not hold.

#include "backends/mysql/mysql_connection.hpp"
#include "backends/soci_common/soci_session.hpp"

#include <errmsg.h>
#include <mysql.h>
#include <mysqld_error.h>
#include <poll.h>
#include <soci/mysql/soci-mysql.h>
#include <soci/soci.h>

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace ar::backends {

namespace mysql_native {

namespace {

error_kind kind_of(unsigned int error_number) noexcept {
  switch (error_number) {
    case 1213: return error_kind::deadlock;               // ER_LOCK_DEADLOCK
    case 1205: return error_kind::lock_timeout;           // ER_LOCK_WAIT_TIMEOUT
    case 1020: return error_kind::serialization_failure;  // ER_CHECKREAD: the record changed since it was read
    case 1451:                                            // ER_ROW_IS_REFERENCED_2: a child row refers to it
    case 1452: return error_kind::foreign_key_violation;  // ER_NO_REFERENCED_ROW_2: no parent row
    case 1062: return error_kind::unique_violation;       // ER_DUP_ENTRY
    case 4025: return error_kind::check_violation;        // ER_CONSTRAINT_FAILED
    case 1048: return error_kind::not_null_violation;     // ER_BAD_NULL_ERROR
    default: return error_kind::other;
  }
}

}  // namespace

connection::connection(std::unique_ptr<soci::session> session)
    : session_(std::move(session)), conn_(session_handle(*session_)) {
  if (conn_ == nullptr) throw backend::driver_error("SOCI's mysql session holds no MariaDB client connection");
}

connection::~connection() = default;

// max_statement_time is in seconds, with a fraction (MariaDB 10.1+): 0.2 for 200 ms; 0 is no limit.
void connection::set_statement_timeout(std::chrono::milliseconds timeout) {
  const long long ms = timeout.count();
  std::string fraction = std::to_string(ms % 1000);
  fraction.insert(0, 3 - fraction.size(), '0');
  // The SET is sent under the timeout of the statement that follows it (the socket watch is on): a
  // frozen server that never answers it makes it a statement that ran past its timeout.
  timeout_ = timeout;
  statement_begins();
  try {
    session_->once << "SET SESSION max_statement_time = " + std::to_string(ms / 1000) + "." + fraction;
  } catch (const soci::soci_error& e) {
    fail(e);
  }
}

backend::server_transaction connection::transaction_status(bool after_failure) noexcept {
  // The client keeps the status flags of the server's last OK packet; an error packet carries
  // none, so after a failure a statement that does nothing brings them up to date.
  if (after_failure && mysql_real_query(conn_, "DO 0", 4) != 0) return backend::server_transaction::none;
  return (conn_->server_status & SERVER_STATUS_IN_TRANS) != 0 ? backend::server_transaction::open
                                                              : backend::server_transaction::none;
}

// The server never speaks to an idle client unasked, except to say it is closing the connection
// (then it closes it): an idle connection whose socket is readable (data, an EOF or an error) has
// lost its server.
bool connection::alive() noexcept {
  pollfd socket{static_cast<int>(mysql_get_socket(conn_)), POLLIN, 0};
  if (socket.fd < 0) return false;
  return ::poll(&socket, 1, 0) <= 0;  // nothing to read (or poll cannot tell: the statement will)
}

int connection::watched_socket() noexcept { return static_cast<int>(mysql_get_socket(conn_)); }

void connection::fail(const soci::soci_error& e) {
  // The server's error number, which SOCI's mysql backend keeps in its exception. (Not
  // mysql_errno: an error SOCI raises itself, before any call to the client, would get the code of
  // an older failure, and a ping since may have replaced it.)
  const auto* own = dynamic_cast<const soci::mysql_soci_error*>(&e);
  fail(own ? own->err_num_ : 0, e.get_error_message(), e.get_error_category() == soci::soci_error::connection_error);
}

void connection::fail_statement(MYSQL_STMT* stmt) { fail(mysql_stmt_errno(stmt), mysql_stmt_error(stmt), false); }

void connection::fail_client() { fail(mysql_errno(conn_), mysql_error(conn_), false); }

void connection::fail(unsigned int number, const std::string& message, bool connection_error) {
  if (number == 0) number = mysql_errno(conn_);
  const bool server_timeout = number == ER_STATEMENT_TIMEOUT;
  const bool lost_by_code = number == CR_SERVER_LOST || number == CR_SERVER_GONE_ERROR || connection_error;
  // The MariaDB client reports CR_SERVER_GONE_ERROR (2006) when it could not write the command (the
  // connection was closed before, or the write failed): the server never received a whole
  // statement to run. CR_SERVER_LOST (2013) means the statement was sent and the answer never
  // came: it may have run. Asked before the ping below, which replaces the client's last error.
  const bool never_sent = number == CR_SERVER_GONE_ERROR || mysql_errno(conn_) == CR_SERVER_GONE_ERROR;
  // The server stopped the statement at its limit, or the connection was lost once the statement's
  // timeout had passed (the socket watch shuts it down).
  const bool timed_out =
      server_timeout || (lost_by_code && timeout_.count() > 0 && std::chrono::steady_clock::now() - begun_ >= timeout_);
  const bool lost = lost_by_code || (!server_timeout && !session_->is_connected());
  std::string code;
  error_kind kind = error_kind::other;
  if (number != 0) {
    code = std::to_string(number);
    kind = kind_of(number);
  }
  throw backend::driver_error(message, lost, std::move(code), kind, timed_out, never_sent);
}

namespace {

class driver final : public backend::driver {
 public:
  std::unique_ptr<backend::connection> connect(
      std::string_view connection_string, std::chrono::milliseconds connect_timeout,
      std::chrono::milliseconds /*statement_timeout: bounded per statement, watched_socket*/) const override {
    std::vector<std::pair<std::string, std::string>> parameters;
    if (connect_timeout.count() > 0)
      parameters.emplace_back("connect_timeout",
                              std::to_string(std::chrono::ceil<std::chrono::seconds>(connect_timeout).count()));
    return std::make_unique<connection>(soci_common::open_session("mysql", connection_string, parameters));
  }
};

}  // namespace

}  // namespace mysql_native

void register_mysql_driver() { register_driver("mysql", std::make_shared<mysql_native::driver>()); }

}  // namespace ar::backends
