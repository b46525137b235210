// Whether a pooled MariaDB/MySQL connection still has its server, and whether a statement that
// failed with the connection lost was ever sent, asked of the MariaDB client without a round trip
// (see session_checks in src/native.hpp). The statements themselves go through SOCI.

#include "native.hpp"

#include <errmsg.h>
#include <mysql.h>
#include <poll.h>

namespace ar::backends {

namespace mysql_native {

MYSQL* session_handle(soci::session& session);  // mysql_session_handle.cpp

namespace {

// The server never speaks to an idle client unasked, except to say it is closing the connection
// (then it closes it): an idle connection whose socket is readable (data, an EOF or an error) has
// lost its server.
bool alive(soci::session& session) noexcept {
  MYSQL* conn = session_handle(session);
  if (conn == nullptr) return true;
  pollfd socket{static_cast<int>(mysql_get_socket(conn)), POLLIN, 0};
  if (socket.fd < 0) return false;
  return ::poll(&socket, 1, 0) <= 0;  // nothing to read (or poll cannot tell: the statement will)
}

// The MariaDB client reports CR_SERVER_GONE_ERROR (2006) when it could not write the command (the
// connection was closed before, or the write failed): the server never received a whole statement
// to run. CR_SERVER_LOST (2013) means the statement was sent and the answer never came: it may have
// run.
bool never_sent(soci::session& session) noexcept {
  MYSQL* conn = session_handle(session);
  return conn != nullptr && mysql_errno(conn) == CR_SERVER_GONE_ERROR;
}

}  // namespace

}  // namespace mysql_native

void register_mysql_session_checks() {
  detail::register_session_checks("mysql", {&mysql_native::alive, &mysql_native::never_sent});
}

}  // namespace ar::backends
