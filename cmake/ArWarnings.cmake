# ar_set_warnings(<target>...)
#
# Turns on the project's warnings, as errors, for targets that this project
# builds itself (the library, tests, docs, benchmarks, header checks).
# The flags are always PRIVATE: they never reach INTERFACE/PUBLIC properties,
# so nothing leaks into a consumer's build.
#
# AR_WARNING_FLAGS holds the same flags as a plain list (GCC/Clang spelling);
# the compile-fail harness passes it to the compiler it runs by hand.

# -Werror is for ar's own development: when ar is a subdirectory of someone else's project, a
# newer compiler's new warning must not break their build.
option(AR_WARNINGS_AS_ERRORS "Build ar's own targets with -Werror" ${PROJECT_IS_TOP_LEVEL})

set(AR_WARNING_FLAGS -Wall -Wextra -Wpedantic)
if(AR_WARNINGS_AS_ERRORS)
  list(APPEND AR_WARNING_FLAGS -Werror)
endif()
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # GCC 12 false positive on "literal" + std::string at -O2 (GCC PR105329).
  list(APPEND AR_WARNING_FLAGS -Wno-restrict)
  # GCC 12 at -O2 and above: a false positive inside std::variant's move (a value in a query's
  # parameters), seen in Release builds of the docs' examples.
  list(APPEND AR_WARNING_FLAGS -Wno-maybe-uninitialized)
endif()

function(ar_set_warnings)
  if(ARGC EQUAL 0)
    message(FATAL_ERROR "ar_set_warnings: expected at least one target")
  endif()
  foreach(target IN LISTS ARGV)
    if(NOT TARGET ${target})
      message(FATAL_ERROR "ar_set_warnings: '${target}' is not a target")
    endif()
    get_target_property(_type ${target} TYPE)
    if(_type STREQUAL "INTERFACE_LIBRARY")
      message(FATAL_ERROR
        "ar_set_warnings: '${target}' is an INTERFACE library; warning flags "
        "must never be put in INTERFACE properties")
    endif()
    if(MSVC)
      target_compile_options(${target} PRIVATE /W4 $<$<BOOL:${AR_WARNINGS_AS_ERRORS}>:/WX>)
    else()
      target_compile_options(${target} PRIVATE ${AR_WARNING_FLAGS})
    endif()
  endforeach()
endfunction()
