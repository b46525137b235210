# cmake -P driver for compile-fail tests (see tests/infra/CMakeLists.txt).
#
# Inputs (-D):
#   MODE                 "fail": the file must NOT compile and the compiler's
#                                output must match the regular expression on
#                                its first line: // expect: <regex>
#                        "ok":   the file must compile cleanly
#                        "pch":  precompiles SOURCE (<ar/ar.hpp>) into OUTPUT
#                                with the same flags, and writes OUTPUT.d
#   PCH_DIR              (fail, ok; optional) a directory searched first that
#                        holds ar/ar.hpp.gch: GCC uses it for a file whose
#                        first include is <ar/ar.hpp>, and reads the header
#                        itself otherwise (another first include, a macro
#                        defined before it, flags that differ)
#   SOURCE               the .cpp file
#   COMPILER             the C++ compiler
#   FLAGS                '|'-separated compiler flags (std, -fsyntax-only, warnings)
#   PROJECT_INCLUDE_DIR  ar's include/ (passed with -I; other dirs use -isystem)
#   INCLUDE_DIRS         '|'-separated include directories of ar_headers
#   IMPLICIT_INCLUDE_DIRS '|'-separated compiler built-in include directories
#                        (skipped: -isystem /usr/include breaks #include_next)
#   DEFINITIONS          '|'-separated compile definitions of ar_headers

cmake_minimum_required(VERSION 3.25)

foreach(var MODE SOURCE COMPILER)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "compile_fail_driver: ${var} is not set")
  endif()
endforeach()
if(NOT MODE STREQUAL "fail" AND NOT MODE STREQUAL "ok" AND NOT MODE STREQUAL "pch")
  message(FATAL_ERROR "compile_fail_driver: MODE must be 'fail', 'ok' or 'pch', not '${MODE}'")
endif()
if(NOT EXISTS "${SOURCE}")
  message(FATAL_ERROR "compile_fail_driver: ${SOURCE} does not exist")
endif()

# The expectation, read at test time so editing it needs no re-configure.
if(MODE STREQUAL "fail")
  # file(READ) rather than file(STRINGS): a ';' in the regex must survive.
  file(READ "${SOURCE}" _head LIMIT 4096)
  string(REGEX MATCH "^[^\n]*" _first_line "${_head}")
  string(REGEX REPLACE "\r$" "" _first_line "${_first_line}")
  if(NOT _first_line MATCHES "^//[ \t]*expect:[ \t]*(.*[^ \t])[ \t]*$")
    message(FATAL_ERROR
      "compile_fail_driver: the first line of ${SOURCE} must be\n"
      "  // expect: <regular expression>\n"
      "but it is:\n  ${_first_line}")
  endif()
  set(EXPECT "${CMAKE_MATCH_1}")
endif()

string(REPLACE "|" ";" _flags "${FLAGS}")
string(REPLACE "|" ";" _include_dirs "${INCLUDE_DIRS}")
string(REPLACE "|" ";" _implicit_dirs "${IMPLICIT_INCLUDE_DIRS}")
string(REPLACE "|" ";" _definitions "${DEFINITIONS}")

set(_args ${_flags})
if(PCH_DIR AND NOT MODE STREQUAL "pch")
  list(APPEND _args "-I${PCH_DIR}")
endif()
list(REMOVE_DUPLICATES _include_dirs)
foreach(dir IN LISTS _include_dirs)
  if(dir STREQUAL "" OR dir IN_LIST _implicit_dirs)
    continue()
  endif()
  if(dir STREQUAL PROJECT_INCLUDE_DIR)
    list(APPEND _args "-I${dir}")
  else()
    list(APPEND _args -isystem "${dir}")
  endif()
endforeach()
foreach(def IN LISTS _definitions)
  if(NOT def STREQUAL "")
    list(APPEND _args "-D${def}")
  endif()
endforeach()

# Plain ASCII quotes and English messages so that expectations are stable.
set(ENV{LC_ALL} C)
set(ENV{LANG} C)
unset(ENV{GCC_COLORS})

if(MODE STREQUAL "pch")
  list(REMOVE_ITEM _args -fsyntax-only)
  get_filename_component(_pch_dir "${OUTPUT}" DIRECTORY)
  file(MAKE_DIRECTORY "${_pch_dir}")
  execute_process(
    COMMAND "${COMPILER}" ${_args} -x c++-header "${SOURCE}" -o "${OUTPUT}" -MD -MF "${OUTPUT}.d" -MT "${OUTPUT}"
    RESULT_VARIABLE _result
    OUTPUT_VARIABLE _output
    ERROR_VARIABLE _output)
  if(NOT _result EQUAL 0)
    file(REMOVE "${OUTPUT}")
    message(FATAL_ERROR "compile_fail_driver: precompiling ${SOURCE} failed (${_result}):\n${_output}")
  endif()
  return()
endif()

list(JOIN _args " " _args_text)
message(STATUS "Compiling (${MODE} mode): ${COMPILER} ${_args_text} ${SOURCE}")

execute_process(
  COMMAND "${COMPILER}" ${_args} "${SOURCE}"
  RESULT_VARIABLE _result
  OUTPUT_VARIABLE _output
  ERROR_VARIABLE _output)

message("----- compiler output (exit status ${_result}) -----\n${_output}"
        "----- end of compiler output -----")

if(MODE STREQUAL "ok")
  if(NOT _result EQUAL 0)
    message(FATAL_ERROR "FAILED: ${SOURCE} must compile but the compiler failed (${_result})")
  endif()
  message(STATUS "PASSED: ${SOURCE} compiles")
  return()
endif()

if(_result EQUAL 0)
  message(FATAL_ERROR "FAILED: ${SOURCE} compiled, but it must not compile")
endif()
if(NOT _result MATCHES "^[0-9]+$")
  message(FATAL_ERROR "FAILED: could not run the compiler: ${_result}")
endif()
if(NOT _output MATCHES "${EXPECT}")
  message(FATAL_ERROR
    "FAILED: ${SOURCE} failed to compile as it must, but the output does not "
    "match the expected regular expression:\n  ${EXPECT}")
endif()
message(STATUS "PASSED: ${SOURCE} fails to compile with a diagnostic matching: ${EXPECT}")
