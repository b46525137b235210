# cmake -P driver for ctest consumer.pkg_config (see tests/infra/CMakeLists.txt): installs this
# build tree into a fresh prefix and builds tests/consumer/main.cpp with tests/pkgconfig/Makefile,
# which knows of ar only what `pkg-config ar` says (ar.pc found through PKG_CONFIG_PATH), then
# runs it.
#
# Inputs (-D): AR_BINARY_DIR, WORK_DIR (wiped first), MAKEFILE, MAKE, PKG_CONFIG, CXX_COMPILER,
#   BUILD_TYPE, VERSION (the project's: pkg-config --modversion must say it), SANITIZE (AR_SANITIZE
#   of the build: the consumer links the sanitizers' runtime).
cmake_minimum_required(VERSION 3.25)

foreach(var AR_BINARY_DIR WORK_DIR MAKEFILE MAKE PKG_CONFIG CXX_COMPILER VERSION)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "pkgconfig_driver: ${var} is not set")
  endif()
endforeach()

function(run_step name)
  list(JOIN ARGN " " _text)
  message(STATUS "[consumer.pkg_config] ${name}: ${_text}")
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE _result OUTPUT_VARIABLE _output ERROR_VARIABLE _output)
  message("${_output}")
  if(NOT _result EQUAL 0)
    message(FATAL_ERROR "[consumer.pkg_config] ${name} failed (${_result})")
  endif()
  set(step_output "${_output}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
set(_prefix "${WORK_DIR}/prefix")
set(_install "${CMAKE_COMMAND}" --install "${AR_BINARY_DIR}" --prefix "${_prefix}")
if(BUILD_TYPE)
  list(APPEND _install --config "${BUILD_TYPE}")
endif()
run_step("install ar" ${_install})

file(GLOB_RECURSE _pc "${_prefix}/*/ar.pc")
if(NOT _pc)
  message(FATAL_ERROR "[consumer.pkg_config] ar.pc was not installed under ${_prefix}")
endif()
get_filename_component(_pc_dir "${_pc}" DIRECTORY)
# Only the fresh prefix: never a system-wide ar.pc.
set(ENV{PKG_CONFIG_PATH} "${_pc_dir}")
run_step("pkg-config --modversion ar" "${PKG_CONFIG}" --modversion ar)
string(STRIP "${step_output}" _modversion)
if(NOT _modversion STREQUAL VERSION)
  message(FATAL_ERROR "[consumer.pkg_config] pkg-config says ar ${_modversion}, the project is ${VERSION}")
endif()
# The include directory it gives is the prefix's (ar.pc is relocatable).
run_step("pkg-config --cflags ar" "${PKG_CONFIG}" --cflags ar)
if(NOT step_output MATCHES "-I${_prefix}/")
  message(FATAL_ERROR "[consumer.pkg_config] --cflags does not point into ${_prefix}: ${step_output}")
endif()

set(_make "${MAKE}" -f "${MAKEFILE}" "OUT=${WORK_DIR}" "CXX=${CXX_COMPILER}" check)
if(SANITIZE)
  list(APPEND _make "LDFLAGS=-fsanitize=${SANITIZE}")
endif()
run_step("make" ${_make})
message(STATUS "[consumer.pkg_config] PASSED")
