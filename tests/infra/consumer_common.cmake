# What the cmake -P drivers that configure another project with this build's tools share
# (consumer_driver.cmake, no_test_frameworks_driver.cmake). Macros, so that they append to the
# caller's list in place: each value goes in with list(APPEND), which keeps a "\;"-escaped list
# value (-DCMAKE_PREFIX_PATH=a\;b) one argument.

# ar_append_tool_args(<list>): the make program, the C++ compiler and its launcher of the main build
# (the inputs MAKE_PROGRAM, CXX_COMPILER, CXX_COMPILER_LAUNCHER), those that are set.
macro(ar_append_tool_args list_var)
  if(MAKE_PROGRAM)
    list(APPEND ${list_var} "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}")
  endif()
  if(CXX_COMPILER)
    list(APPEND ${list_var} "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}")
  endif()
  if(CXX_COMPILER_LAUNCHER)
    list(APPEND ${list_var} "-DCMAKE_CXX_COMPILER_LAUNCHER=${CXX_COMPILER_LAUNCHER}")
  endif()
endmacro()

# ar_append_prefix_path_arg(<list> <'|'-separated paths>): -DCMAKE_PREFIX_PATH with those paths,
# when there are any.
macro(ar_append_prefix_path_arg list_var paths)
  if(NOT "${paths}" STREQUAL "")
    string(REPLACE "|" "\\;" _ar_prefix_path_arg "${paths}")
    list(APPEND ${list_var} "-DCMAKE_PREFIX_PATH=${_ar_prefix_path_arg}")
  endif()
endmacro()

# ar_append_backends_arg(<list>): -DAR_BACKENDS with the main build's backends (the input BACKENDS,
# '|'-separated), when set.
macro(ar_append_backends_arg list_var)
  if(BACKENDS)
    string(REPLACE "|" "\\;" _ar_backends_arg "${BACKENDS}")
    list(APPEND ${list_var} "-DAR_BACKENDS=${_ar_backends_arg}")
  endif()
endmacro()
