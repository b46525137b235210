# cmake -P driver for the consumer tests (see tests/infra/CMakeLists.txt).
#
# Inputs (-D):
#   MODE                 find_package | add_subdirectory | shared_package
#                        (shared_package: builds ar's library alone with BUILD_SHARED_LIBS=ON in
#                        <WORK_DIR>-ar, kept between runs so a second run rebuilds nothing that
#                        did not change, installs it into a fresh prefix, then as find_package)
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
#   PROGRAMS             '|'-separated programs of the consumer to run (default: consumer)

cmake_minimum_required(VERSION 3.25)
include("${CMAKE_CURRENT_LIST_DIR}/consumer_common.cmake")

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
ar_append_tool_args(_configure_args)
if(BUILD_TYPE)
  list(APPEND _configure_args "-DCMAKE_BUILD_TYPE=${BUILD_TYPE}")
endif()

if(MODE STREQUAL "shared_package")
  # The library alone, shared, no sanitizers, -O0 without debug information: the quickest build
  # that shows what a shared libar.so exports. Its own directory is kept between runs.
  set(_ar_build_dir "${WORK_DIR}-ar")
  set(_ar_configure_args
    -S "${AR_SOURCE_DIR}"
    -B "${_ar_build_dir}"
    -G "${GENERATOR}"
    -DBUILD_SHARED_LIBS=ON
    -DCMAKE_BUILD_TYPE=Debug
    -DCMAKE_CXX_FLAGS_DEBUG=-O0
    -DAR_SANITIZE=
    -DAR_BUILD_TESTS=OFF -DAR_BUILD_DOCS=OFF -DAR_BUILD_BENCHMARKS=OFF -DAR_BUILD_TOOLS=OFF)
  ar_append_tool_args(_ar_configure_args)
  ar_append_backends_arg(_ar_configure_args)
  ar_append_prefix_path_arg(_ar_configure_args "${PREFIX_PATH}")
  list(PREPEND _ar_configure_args "${CMAKE_COMMAND}")
  run_step("configure shared ar" _ar_configure_args)
  set(_ar_build_args "${CMAKE_COMMAND}" --build "${_ar_build_dir}" --target ar)
  run_step("build shared ar" _ar_build_args)
  set(AR_BINARY_DIR "${_ar_build_dir}")
  set(BUILD_TYPE_FOR_INSTALL "Debug")
  set(SANITIZE "")
else()
  set(BUILD_TYPE_FOR_INSTALL "${BUILD_TYPE}")
endif()

if(MODE STREQUAL "find_package" OR MODE STREQUAL "shared_package")
  # The installed library is this build's: built with sanitizers, its consumer (programs and
  # shared libraries) links their runtime.
  if(SANITIZE)
    list(APPEND _configure_args
      "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=${SANITIZE}"
      "-DCMAKE_SHARED_LINKER_FLAGS=-fsanitize=${SANITIZE}")
  endif()
  set(_prefix "${WORK_DIR}/prefix")
  set(_install_args --install "${AR_BINARY_DIR}" --prefix "${_prefix}")
  if(BUILD_TYPE_FOR_INSTALL)
    list(APPEND _install_args --config "${BUILD_TYPE_FOR_INSTALL}")
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
  # Every backend the library was built with, asked for as a component.
  if(BACKENDS)
    string(REPLACE "|" "\\;" _components_arg "${BACKENDS}")
    list(APPEND _configure_args "-DAR_CONSUMER_COMPONENTS=${_components_arg}")
  endif()
elseif(MODE STREQUAL "add_subdirectory")
  list(APPEND _configure_args
    -DAR_CONSUMER_MODE=subdirectory
    "-DAR_SOURCE_DIR=${AR_SOURCE_DIR}")
  # ar is compiled again here, from source: without debug information (the test builds and runs a
  # program; nobody debugs it), which compiles in about a quarter less time than -g.
  if(BUILD_TYPE STREQUAL "Debug")
    list(APPEND _configure_args -DCMAKE_CXX_FLAGS_DEBUG=-O0)
  endif()
  ar_append_backends_arg(_configure_args)
  ar_append_prefix_path_arg(_configure_args "${PREFIX_PATH}")
else()
  message(FATAL_ERROR "consumer_driver: MODE must be find_package, add_subdirectory or shared_package, not '${MODE}'")
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

# Single-config generators put the programs in the build dir, multi-config
# ones in a per-config subdirectory.
if(NOT PROGRAMS)
  set(PROGRAMS consumer)
endif()
string(REPLACE "|" ";" _programs "${PROGRAMS}")
foreach(program IN LISTS _programs)
  set(_exe "")
  foreach(candidate
      "${_build_dir}/${program}${CMAKE_EXECUTABLE_SUFFIX}"
      "${_build_dir}/${BUILD_TYPE}/${program}${CMAKE_EXECUTABLE_SUFFIX}"
      "${_build_dir}/${program}.exe"
      "${_build_dir}/${BUILD_TYPE}/${program}.exe")
    if(EXISTS "${candidate}" AND NOT IS_DIRECTORY "${candidate}")
      set(_exe "${candidate}")
      break()
    endif()
  endforeach()
  if(NOT _exe)
    message(FATAL_ERROR "[consumer.${MODE}] the program '${program}' was not found in ${_build_dir}")
  endif()
  set(_run_cmd "${_exe}")
  run_step("run ${program}" _run_cmd)
endforeach()
message(STATUS "[consumer.${MODE}] PASSED")
