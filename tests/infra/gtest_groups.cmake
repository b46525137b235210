# cmake -P script run after each build of a GoogleTest binary (cmake/ArTestGroups.cmake): lists its
# tests and writes OUTPUT, a ctest file with one test per suite (and per parameter for a suite of
# parameterised tests).
#
# Inputs (-D): BINARY, TARGET, OUTPUT, WORKING_DIRECTORY, PROPERTIES ('|'-separated ctest properties
# and values, set on every group).
cmake_minimum_required(VERSION 3.25)

execute_process(COMMAND "${BINARY}" --gtest_list_tests
  WORKING_DIRECTORY "${WORKING_DIRECTORY}"
  TIMEOUT 120
  RESULT_VARIABLE result
  OUTPUT_VARIABLE listing
  ERROR_VARIABLE errors)
if(NOT result EQUAL 0)
  file(REMOVE "${OUTPUT}")
  message(FATAL_ERROR "gtest_groups: ${BINARY} --gtest_list_tests failed (${result}):\n${listing}${errors}")
endif()

# The listing: a suite per line ("backends/crud." or "crud_sqlite."), then its tests indented by two
# spaces ("  insert_writes_the_key/sqlite  # GetParam() = ..."); comments after "  #" are dropped.
string(REPLACE ";" "\\;" listing "${listing}")
string(REPLACE "\n" ";" lines "${listing}")
set(groups "")
set(suite "")
foreach(line IN LISTS lines)
  string(REGEX REPLACE "  #.*$" "" line "${line}")
  if(line MATCHES "^  ([^ ]+)$")
    set(test "${CMAKE_MATCH_1}")
    if(suite STREQUAL "")
      message(FATAL_ERROR "gtest_groups: ${BINARY} listed the test ${test} before any suite")
    endif()
    if(test MATCHES "/([^/]+)$")
      set(name "${suite}/${CMAKE_MATCH_1}")
      set(filter "${suite}.*/${CMAKE_MATCH_1}")
    else()
      set(name "${suite}")
      set(filter "${suite}.*")
    endif()
    if(NOT name IN_LIST groups)
      list(APPEND groups "${name}")
      set("filter_${name}" "${filter}")
    endif()
  elseif(line MATCHES "^([^ ]+)\\.$")
    set(suite "${CMAKE_MATCH_1}")
  elseif(NOT line STREQUAL "" AND NOT line MATCHES "^Running main")
    message(FATAL_ERROR "gtest_groups: ${BINARY} --gtest_list_tests printed a line this script cannot read: '${line}'")
  endif()
endforeach()
if(groups STREQUAL "")
  message(FATAL_ERROR "gtest_groups: ${BINARY} lists no tests")
endif()

string(REPLACE "|" ";" properties "${PROPERTIES}")
set(bracket_properties "")
foreach(p IN LISTS properties)
  string(APPEND bracket_properties " [==[${p}]==]")
endforeach()
set(content "# Written by tests/infra/gtest_groups.cmake after ${TARGET} was built: one test per group.\n")
foreach(name IN LISTS groups)
  string(APPEND content
    "add_test([==[${name}]==] [==[${BINARY}]==] [==[--gtest_filter=${filter_${name}}]==] --gtest_brief=1)\n"
    "set_tests_properties([==[${name}]==] PROPERTIES WORKING_DIRECTORY [==[${WORKING_DIRECTORY}]==]"
    " LABELS [==[${TARGET}]==]${bracket_properties})\n")
endforeach()
file(WRITE "${OUTPUT}" "${content}")
