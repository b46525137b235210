# cmake -P driver for ctest configure.without_test_frameworks (see tests/infra/CMakeLists.txt):
# configures ar where GoogleTest and Google Benchmark are not found (CMAKE_DISABLE_FIND_PACKAGE_*)
# with tests and benchmarks asked for. The configure must succeed, warn about each, and leave the
# tests and the benchmarks out.
#
# Inputs (-D): AR_SOURCE_DIR, WORK_DIR (wiped first), GENERATOR, MAKE_PROGRAM, CXX_COMPILER,
#   PREFIX_PATH ('|'-separated)
cmake_minimum_required(VERSION 3.25)
include("${CMAKE_CURRENT_LIST_DIR}/consumer_common.cmake")

file(REMOVE_RECURSE "${WORK_DIR}")
set(_args "${CMAKE_COMMAND}" -S "${AR_SOURCE_DIR}" -B "${WORK_DIR}" -G "${GENERATOR}"
  -DCMAKE_DISABLE_FIND_PACKAGE_GTest=ON
  -DCMAKE_DISABLE_FIND_PACKAGE_benchmark=ON
  -DAR_BUILD_TESTS=ON -DAR_BUILD_BENCHMARKS=ON -DAR_BUILD_DOCS=OFF -DAR_BUILD_TOOLS=OFF)
ar_append_tool_args(_args)
ar_append_prefix_path_arg(_args "${PREFIX_PATH}")
execute_process(COMMAND ${_args} RESULT_VARIABLE _result OUTPUT_VARIABLE _output ERROR_VARIABLE _output)
message("${_output}")
if(NOT _result EQUAL 0)
  message(FATAL_ERROR "the configure without GoogleTest and Google Benchmark failed (${_result})")
endif()
foreach(_expected "GoogleTest was not found" "AR_BUILD_TESTS is OFF" "Google Benchmark was not found"
                  "AR_BUILD_BENCHMARKS is OFF")
  string(FIND "${_output}" "${_expected}" _at)
  if(_at EQUAL -1)
    message(FATAL_ERROR "the configure did not say '${_expected}'")
  endif()
endforeach()
if(EXISTS "${WORK_DIR}/tests" OR EXISTS "${WORK_DIR}/benchmarks")
  message(FATAL_ERROR "the tests or the benchmarks were configured although their framework is missing")
endif()
file(REMOVE_RECURSE "${WORK_DIR}")
message(STATUS "configure.without_test_frameworks: PASSED")
