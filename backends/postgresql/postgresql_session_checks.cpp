// Whether a pooled PostgreSQL connection still has its server, asked without a round trip (see
// session_checks in src/native.hpp).

#include "native.hpp"

#include <libpq-fe.h>
#include <poll.h>

namespace ar::backends {

namespace postgresql_native {

PGconn* session_handle(soci::session& session);  // postgresql_session_handle.cpp

namespace {

// An idle connection has nothing to read. When its socket is readable, the server sent something
// unasked: an EOF (it closed the connection: a restart, an idle timeout, a pooler), usually after
// an error saying why ("terminating connection due to administrator command"), or a notice or
// notification. libpq reads it and says which: the connection is bad once it has read the EOF. A
// few rounds, since the error and the EOF may come apart.
bool alive(soci::session& session) noexcept {
  PGconn* conn = session_handle(session);
  if (conn == nullptr) return true;
  for (int round = 0; round < 4; ++round) {
    if (PQstatus(conn) == CONNECTION_BAD) return false;
    pollfd socket{PQsocket(conn), POLLIN, 0};
    if (socket.fd < 0) return false;
    if (::poll(&socket, 1, 0) <= 0) return true;  // nothing to read (or poll cannot tell: the statement will)
    if (PQconsumeInput(conn) == 0) return false;
  }
  return PQstatus(conn) != CONNECTION_BAD;
}

// libpq cannot tell whether a statement reached the server before the connection went: never.
bool never_sent(soci::session&) noexcept { return false; }

}  // namespace

}  // namespace postgresql_native

void register_postgresql_session_checks() {
  detail::register_session_checks("postgresql", {&postgresql_native::alive, &postgresql_native::never_sent});
}

}  // namespace ar::backends
