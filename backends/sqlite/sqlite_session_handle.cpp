// The sqlite3 handle of a SOCI session. Alone in its file: SOCI's header wraps <sqlite3.h> in
// namespace sqlite_api, which cannot meet the plain <sqlite3.h> that sqlite_native.cpp uses.

#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

struct sqlite3;

namespace ar::backends::sqlite_native {

::sqlite3* session_handle(soci::session& session) {
  // Only SOCI's own sqlite3 backend has this layout.
  if (session.get_backend() == nullptr || session.get_backend_name() != "sqlite3") return nullptr;
  auto* backend = static_cast<soci::sqlite3_session_backend*>(session.get_backend());
  return reinterpret_cast<::sqlite3*>(backend->conn_);
}

}  // namespace ar::backends::sqlite_native
