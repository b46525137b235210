// The libpq connection of a SOCI session. In its own file, as for sqlite: SOCI's backend header
// brings SOCI's backend interfaces along, which postgresql_native.cpp has no use for.

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>

namespace ar::backends::postgresql_native {

PGconn* session_handle(soci::session& session) {
  // Only SOCI's own postgresql backend has this layout.
  if (session.get_backend() == nullptr || session.get_backend_name() != "postgresql") return nullptr;
  return static_cast<soci::postgresql_session_backend*>(session.get_backend())->conn_;
}

}  // namespace ar::backends::postgresql_native
