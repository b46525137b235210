# ar_discover_test_groups(<target> [PROPERTIES <ctest property> <value> ...]): registers a GoogleTest
# binary with ctest as one test per suite and backend rather than one per test.
#
# After each build of <target>, tests/infra/gtest_groups.cmake lists its tests (--gtest_list_tests)
# and writes one ctest test per group, which runs the binary once with a filter:
#   a suite of parameterised tests, per parameter:  backends/crud/sqlite   --gtest_filter=backends/crud.*/sqlite
#   any other suite:                                 crud_sqlite           --gtest_filter=crud_sqlite.*
# The backend stays in the name, so `ctest -R postgresql` and `ctest -E 'postgresql|mariadb'` select
# as before. A process per group rather than per test: under the sanitizers a process costs about
# half a second before its first test, and there are some 2000 tests.
#
# One test alone: the binary with --gtest_filter (e.g. build/tests/test_crud --gtest_filter='backends/crud.insert*').
set(_AR_TEST_GROUPS_SCRIPT "${CMAKE_CURRENT_LIST_DIR}/../tests/infra/gtest_groups.cmake")

function(ar_discover_test_groups target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "PROPERTIES")
  set(groups_file "${CMAKE_CURRENT_BINARY_DIR}/${target}_groups.cmake")
  set(include_file "${CMAKE_CURRENT_BINARY_DIR}/${target}_groups_include.cmake")
  # Properties are passed joined with '|' (add_custom_command would split a ';' list).
  list(JOIN arg_PROPERTIES "|" properties)
  add_custom_command(TARGET ${target} POST_BUILD
    BYPRODUCTS "${groups_file}"
    COMMAND "${CMAKE_COMMAND}"
      "-DBINARY=$<TARGET_FILE:${target}>"
      "-DTARGET=${target}"
      "-DOUTPUT=${groups_file}"
      "-DWORKING_DIRECTORY=${CMAKE_CURRENT_BINARY_DIR}"
      "-DPROPERTIES=${properties}"
      -P "${_AR_TEST_GROUPS_SCRIPT}"
    VERBATIM)
  # ctest reads the groups at test time; a binary not built yet shows as one failing test.
  file(WRITE "${include_file}"
"if(EXISTS \"${groups_file}\")
  include(\"${groups_file}\")
else()
  add_test(${target}_NOT_BUILT ${target}_NOT_BUILT)
endif()
")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${include_file}")
endfunction()
