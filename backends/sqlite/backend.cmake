# The sqlite backend runs statements through the sqlite3 C API on the connections SOCI opens
# (sqlite_native.cpp), and reads the handle out of SOCI's sqlite3 session (sqlite_session_handle.cpp,
# which needs SOCI's sqlite3 header: part of libsoci-dev). libsqlite3 is what SOCI's sqlite3 backend
# loads anyway; linking it privately makes it a link-only dependency of the static library.
find_package(SQLite3 REQUIRED)
target_link_libraries(ar PRIVATE SQLite::SQLite3)
list(APPEND AR_PACKAGE_DEPENDENCIES SQLite3)
