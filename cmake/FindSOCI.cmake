# FindSOCI
# --------
#
# Finds SOCI (https://soci.sourceforge.net/), which ships no CMake package
# configuration and no pkg-config file on Debian.
#
# Components: any SOCI backend library name without the "soci_" prefix, e.g.
#   sqlite3, postgresql, mysql  (odbc, firebird, ... work the same way).
# The core library (soci_core) is always required.
#
# Imported targets:
#   SOCI::core         soci_core + include dir + ${CMAKE_DL_LIBS} (+ Boost::headers
#                      when soci-config.h defines SOCI_HAVE_BOOST, as Debian's does)
#   SOCI::<component>  soci_<component>, links SOCI::core; for postgresql and mysql
#                      the client library's include dir is added when found
#                      (soci-postgresql.h includes <libpq-fe.h>, soci-mysql.h <mysql.h>).
#
# Result variables:
#   SOCI_FOUND, SOCI_VERSION, SOCI_INCLUDE_DIRS,
#   SOCI_LIBRARIES (core + the requested components),
#   SOCI_<component>_FOUND, SOCI_<component>_LIBRARY
#
# Cache variables:
#   SOCI_INCLUDE_DIR, SOCI_CORE_LIBRARY, SOCI_<component>_LIBRARY

include(FindPackageHandleStandardArgs)

find_path(SOCI_INCLUDE_DIR
  NAMES soci/soci.h
  DOC "Directory that contains soci/soci.h")
find_library(SOCI_CORE_LIBRARY
  NAMES soci_core
  DOC "The soci_core library")
mark_as_advanced(SOCI_INCLUDE_DIR SOCI_CORE_LIBRARY)

# Version from soci/version.h: #define SOCI_VERSION 400003  -> 4.0.3
set(SOCI_VERSION "")
if(SOCI_INCLUDE_DIR AND EXISTS "${SOCI_INCLUDE_DIR}/soci/version.h")
  file(STRINGS "${SOCI_INCLUDE_DIR}/soci/version.h" _soci_version_line
       REGEX "^#define[ \t]+SOCI_VERSION[ \t]+[0-9]+")
  if(_soci_version_line MATCHES "SOCI_VERSION[ \t]+([0-9]+)")
    math(EXPR _soci_major "${CMAKE_MATCH_1} / 100000")
    math(EXPR _soci_minor "${CMAKE_MATCH_1} / 100 % 1000")
    math(EXPR _soci_patch "${CMAKE_MATCH_1} % 100")
    set(SOCI_VERSION "${_soci_major}.${_soci_minor}.${_soci_patch}")
  endif()
  unset(_soci_version_line)
endif()

# Does the installed soci-config.h make SOCI's headers depend on Boost?
set(_soci_needs_boost FALSE)
if(SOCI_INCLUDE_DIR AND EXISTS "${SOCI_INCLUDE_DIR}/soci/soci-config.h")
  file(STRINGS "${SOCI_INCLUDE_DIR}/soci/soci-config.h" _soci_boost_line
       REGEX "^#[ \t]*define[ \t]+SOCI_HAVE_BOOST([ \t]|$)")
  if(_soci_boost_line)
    set(_soci_needs_boost TRUE)
  endif()
  unset(_soci_boost_line)
endif()
set(_soci_boost_var "")
if(_soci_needs_boost)
  if(NOT TARGET Boost::headers)
    find_package(Boost QUIET)
  endif()
  if(TARGET Boost::headers)
    set(SOCI_BOOST_HEADERS_FOUND TRUE)
  else()
    set(SOCI_BOOST_HEADERS_FOUND FALSE)
  endif()
  set(_soci_boost_var SOCI_BOOST_HEADERS_FOUND)
endif()

# Components: always look for the usual backends (cheap), enforce only the
# requested ones through HANDLE_COMPONENTS.
set(_soci_components sqlite3 postgresql mysql ${SOCI_FIND_COMPONENTS})
list(REMOVE_DUPLICATES _soci_components)
foreach(_comp IN LISTS _soci_components)
  find_library(SOCI_${_comp}_LIBRARY
    NAMES soci_${_comp}
    DOC "The soci_${_comp} backend library")
  mark_as_advanced(SOCI_${_comp}_LIBRARY)
  if(SOCI_${_comp}_LIBRARY)
    set(SOCI_${_comp}_FOUND TRUE)
  else()
    set(SOCI_${_comp}_FOUND FALSE)
  endif()
endforeach()

find_package_handle_standard_args(SOCI
  REQUIRED_VARS SOCI_CORE_LIBRARY SOCI_INCLUDE_DIR ${_soci_boost_var}
  VERSION_VAR SOCI_VERSION
  HANDLE_COMPONENTS)

if(SOCI_FOUND)
  set(SOCI_INCLUDE_DIRS "${SOCI_INCLUDE_DIR}")
  set(SOCI_LIBRARIES "${SOCI_CORE_LIBRARY}" ${CMAKE_DL_LIBS})

  if(NOT TARGET SOCI::core)
    add_library(SOCI::core UNKNOWN IMPORTED)
    set_target_properties(SOCI::core PROPERTIES
      IMPORTED_LOCATION "${SOCI_CORE_LIBRARY}"
      INTERFACE_INCLUDE_DIRECTORIES "${SOCI_INCLUDE_DIR}")
    if(CMAKE_DL_LIBS)
      set_property(TARGET SOCI::core APPEND PROPERTY
        INTERFACE_LINK_LIBRARIES ${CMAKE_DL_LIBS})
    endif()
    if(_soci_needs_boost)
      set_property(TARGET SOCI::core APPEND PROPERTY
        INTERFACE_LINK_LIBRARIES Boost::headers)
    endif()
  endif()

  foreach(_comp IN LISTS _soci_components)
    if(NOT SOCI_${_comp}_FOUND)
      continue()
    endif()
    if(_comp IN_LIST SOCI_FIND_COMPONENTS)
      list(PREPEND SOCI_LIBRARIES "${SOCI_${_comp}_LIBRARY}")
    endif()
    if(TARGET SOCI::${_comp})
      continue()
    endif()
    add_library(SOCI::${_comp} UNKNOWN IMPORTED)
    set_target_properties(SOCI::${_comp} PROPERTIES
      IMPORTED_LOCATION "${SOCI_${_comp}_LIBRARY}"
      INTERFACE_LINK_LIBRARIES SOCI::core)
    # The backend headers include the client library's headers.
    if(_comp STREQUAL "postgresql")
      find_path(SOCI_postgresql_CLIENT_INCLUDE_DIR libpq-fe.h
        PATH_SUFFIXES postgresql pgsql)
      mark_as_advanced(SOCI_postgresql_CLIENT_INCLUDE_DIR)
      if(SOCI_postgresql_CLIENT_INCLUDE_DIR)
        set_property(TARGET SOCI::postgresql APPEND PROPERTY
          INTERFACE_INCLUDE_DIRECTORIES "${SOCI_postgresql_CLIENT_INCLUDE_DIR}")
      endif()
    elseif(_comp STREQUAL "mysql")
      find_path(SOCI_mysql_CLIENT_INCLUDE_DIR mysql.h
        PATH_SUFFIXES mariadb mysql)
      mark_as_advanced(SOCI_mysql_CLIENT_INCLUDE_DIR)
      if(SOCI_mysql_CLIENT_INCLUDE_DIR)
        set_property(TARGET SOCI::mysql APPEND PROPERTY
          INTERFACE_INCLUDE_DIRECTORIES "${SOCI_mysql_CLIENT_INCLUDE_DIR}")
      endif()
    endif()
  endforeach()
endif()

unset(_comp)
unset(_soci_components)
unset(_soci_needs_boost)
unset(_soci_boost_var)
