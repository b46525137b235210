# The postgresql backend runs statements through libpq on the connections SOCI opens
# (postgresql_native.cpp), and reads the PGconn out of SOCI's postgresql session
# (postgresql_session_handle.cpp, which needs SOCI's postgresql header: part of libsoci-dev, and
# libpq's headers: libpq-dev). libpq is what SOCI's postgresql backend loads anyway; linking it
# privately makes it a link-only dependency of the static library.
find_package(PostgreSQL REQUIRED)
target_link_libraries(ar PRIVATE PostgreSQL::PostgreSQL)
list(APPEND AR_PACKAGE_DEPENDENCIES PostgreSQL)
