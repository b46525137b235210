# The mysql backend reads the client connection (MYSQL*) out of SOCI's mysql session
# (mysql_session_handle.cpp, which needs SOCI's mysql header: part of libsoci-dev, and the MariaDB
# client's headers: libmariadb-dev). libmariadb is what SOCI's mysql backend loads anyway; linking
# it privately makes it a link-only dependency of the static library (an absolute path in the
# exported link interface, so the installed package config needs no find module for it).
find_path(AR_MARIADB_INCLUDE_DIR mysql.h PATH_SUFFIXES mariadb mysql REQUIRED)
find_library(AR_MARIADB_LIBRARY NAMES mariadb mysqlclient REQUIRED)
mark_as_advanced(AR_MARIADB_INCLUDE_DIR AR_MARIADB_LIBRARY)
target_include_directories(ar PRIVATE "${AR_MARIADB_INCLUDE_DIR}")
target_link_libraries(ar PRIVATE "${AR_MARIADB_LIBRARY}")
