# cmake -P driver for the consumer tests (see tests/infra/CMakeLists.txt).
#
# Inputs (-D):
#   MODE                 find_package | add_subdirectory
#   AR_SOURCE_DIR        ar's source tree
#   AR_BINARY_DIR        ar's (already built) build tree
#   CONSUMER_SOURCE_DIR  tests/consumer
#   WORK_DIR             scratch directory (wiped first)
#   GENERATOR, GENERATOR_PLATFORM, GENERATOR_TOOLSET, MAKE_PROGRAM,
#   CXX_COMPILER, CXX_COMPILER_LAUNCHER, BUILD_TYPE   copied from the main build
#   BACKENDS             '|'-separated AR_BACKENDS of the main build
#   PREFIX_PATH          '|'-separated CMAKE_PREFIX_PATH of the main build
#   SANITIZE             AR_SANITIZE of the main build (find_package: the consumer links its runtime)
#   EXTRA_CONFIGURE_ARGS '|'-separated extra arguments for the consumer's configure step

cmake_minimum_required(VERSION 3.25)

foreach(var MODE AR_SOURCE_DIR AR_BINARY_DIR CONSUMER_SOURCE_DIR WORK_DIR GENERATOR)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "consumer_driver: ${var} is not set")
  endif()
endforeach()

# run_step(<name> <variable holding the command line>): a variable rather than
# arguments so that "\;"-escaped list values (-DCMAKE_PREFIX_PATH=a\;b) stay
# one argument. Build such variables with list(APPEND/PREPEND) only: set(x ${y})
# would drop the escapes.
function(run_step name command_var)
  list(JOIN ${command_var} " " _text)
  message(STATUS "[consumer.${MODE}] ${name}: ${_text}")
  execute_process(COMMAND ${${command_var}}
    RESULT_VARIABLE _result
    OUTPUT_VARIABLE _output
    ERROR_VARIABLE _output)
  message("${_output}")
  if(NOT _result EQUAL 0)
    message(FATAL_ERROR "[consumer.${MODE}] ${name} failed (${_result})")
  endif()
endfunction()

# ccache: with -g, ccache hashes the working directory unless told not to.
# Without it the subdirectory build could never reuse the main build's objects
# (scripts/test.sh exports the same setting for the main build).
set(ENV{CCACHE_NOHASHDIR} true)

file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
set(_build_dir "${WORK_DIR}/build")

string(REPLACE "|" ";" _prefix_path "${PREFIX_PATH}")
set(_configure_args
  -S "${CONSUMER_SOURCE_DIR}"
  -B "${_build_dir}"
  -G "${GENERATOR}")
if(GENERATOR_PLATFORM)
  list(APPEND _configure_args -A "${GENERATOR_PLATFORM}")
endif()
if(GENERATOR_TOOLSET)
  list(APPEND _configure_args -T "${GENERATOR_TOOLSET}")
endif()
if(MAKE_PROGRAM)
  list(APPEND _configure_args "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}")
endif()
if(CXX_COMPILER)
  list(APPEND _configure_args "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}")
endif()
if(CXX_COMPILER_LAUNCHER)
  list(APPEND _configure_args "-DCMAKE_CXX_COMPILER_LAUNCHER=${CXX_COMPILER_LAUNCHER}")
endif()
if(BUILD_TYPE)
  list(APPEND _configure_args "-DCMAKE_BUILD_TYPE=${BUILD_TYPE}")
endif()

if(MODE STREQUAL "find_package")
  # The installed library is this build's: built with sanitizers, its consumer links their runtime.
  if(SANITIZE)
    list(APPEND _configure_args "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=${SANITIZE}")
  endif()
  set(_prefix "${WORK_DIR}/prefix")
  set(_install_args --install "${AR_BINARY_DIR}" --prefix "${_prefix}")
  if(BUILD_TYPE)
    list(APPEND _install_args --config "${BUILD_TYPE}")
  endif()
  list(PREPEND _install_args "${CMAKE_COMMAND}")
  run_step("install ar" _install_args)
  list(PREPEND _prefix_path "${_prefix}")
  list(JOIN _prefix_path "\\;" _prefix_path_arg)
  list(APPEND _configure_args
    -DAR_CONSUMER_MODE=package
    "-DCMAKE_PREFIX_PATH=${_prefix_path_arg}"
    # Only the fresh prefix may provide ar: never a system-wide or registry copy.
    -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
    -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF)
elseif(MODE STREQUAL "add_subdirectory")
  list(APPEND _configure_args
    -DAR_CONSUMER_MODE=subdirectory
    "-DAR_SOURCE_DIR=${AR_SOURCE_DIR}")
  if(BACKENDS)
    string(REPLACE "|" "\\;" _backends_arg "${BACKENDS}")
    list(APPEND _configure_args "-DAR_BACKENDS=${_backends_arg}")
  endif()
  if(_prefix_path)
    list(JOIN _prefix_path "\\;" _prefix_path_arg)
    list(APPEND _configure_args "-DCMAKE_PREFIX_PATH=${_prefix_path_arg}")
  endif()
else()
  message(FATAL_ERROR "consumer_driver: MODE must be find_package or add_subdirectory, not '${MODE}'")
endif()

if(EXTRA_CONFIGURE_ARGS)
  string(REPLACE "|" ";" _extra "${EXTRA_CONFIGURE_ARGS}")
  list(APPEND _configure_args ${_extra})
endif()

list(PREPEND _configure_args "${CMAKE_COMMAND}")
run_step("configure" _configure_args)

set(_build_args --build "${_build_dir}")
if(BUILD_TYPE)
  list(APPEND _build_args --config "${BUILD_TYPE}")
endif()
list(PREPEND _build_args "${CMAKE_COMMAND}")
run_step("build" _build_args)

# Single-config generators put the program in the build dir, multi-config
# ones in a per-config subdirectory.
set(_exe "")
foreach(candidate
    "${_build_dir}/consumer${CMAKE_EXECUTABLE_SUFFIX}"
    "${_build_dir}/${BUILD_TYPE}/consumer${CMAKE_EXECUTABLE_SUFFIX}"
    "${_build_dir}/consumer.exe"
    "${_build_dir}/${BUILD_TYPE}/consumer.exe")
  if(EXISTS "${candidate}" AND NOT IS_DIRECTORY "${candidate}")
    set(_exe "${candidate}")
    break()
  endif()
endforeach()
if(NOT _exe)
  message(FATAL_ERROR "[consumer.${MODE}] the consumer program was not found in ${_build_dir}")
endif()
set(_run_cmd "${_exe}")
run_step("run" _run_cmd)
message(STATUS "[consumer.${MODE}] PASSED")
