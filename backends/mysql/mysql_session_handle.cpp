// The MariaDB/MySQL client connection (MYSQL*) of a SOCI session, for what SOCI's statement layer
// does not offer: the server's transaction status, the socket, client-side timeouts. In its own
// file, as for sqlite and postgresql: SOCI's backend header brings SOCI's backend interfaces along.

#include <soci/mysql/soci-mysql.h>
#include <soci/soci.h>

namespace ar::backends::mysql_native {

MYSQL* session_handle(soci::session& session) {
  // Only SOCI's own mysql backend has this layout.
  if (session.get_backend() == nullptr || session.get_backend_name() != "mysql") return nullptr;
  return static_cast<soci::mysql_session_backend*>(session.get_backend())->conn_;
}

}  // namespace ar::backends::mysql_native
