# ar_precompile_test_headers(<target>): compiles <gtest/gtest.h> once for a test binary of three
# sources or more, and <ar/ar.hpp> with it where every source of the binary includes it anyway.
#
# A test source spends about 4.5 s of its 15 s (ASan) parsing those two headers: precompiled, the
# build of the tests takes minutes less. A binary with a source that includes less than <ar/ar.hpp>
# on purpose (tests/loading/loading_header_alone_test.cpp: the relation headers are not needed)
# gets <gtest/gtest.h> alone, so that source still proves what it is there for. Off with
# -DAR_PRECOMPILE_HEADERS=OFF. With ccache, set CCACHE_SLOPPINESS=pch_defines,time_macros or
# ccache compiles every source that uses the header again.
#
# CMake starts the precompiled header with "#pragma GCC system_header", which would silence every
# warning in ar's headers (templates instantiated by the tests included): ar's own targets compile
# with warnings as errors, its headers included, so the pragma is dropped (CMAKE_PCH_PROLOGUE, in
# the directory that includes this file). CMake also adds -Winvalid-pch: a header that cannot be
# used is an error, never a silent slow build.
set(CMAKE_PCH_PROLOGUE "")
option(AR_PRECOMPILE_HEADERS "Precompile <gtest/gtest.h> (and <ar/ar.hpp>) for ar's test binaries" ON)

function(ar_precompile_test_headers target)
  if(NOT AR_PRECOMPILE_HEADERS)
    return()
  endif()
  get_target_property(sources ${target} SOURCES)
  get_target_property(source_dir ${target} SOURCE_DIR)
  set(count 0)
  set(all_include_ar TRUE)
  foreach(source IN LISTS sources)
    if(NOT source MATCHES "\\.cpp$")
      continue()
    endif()
    if(NOT IS_ABSOLUTE "${source}")
      set(source "${source_dir}/${source}")
    endif()
    if(source MATCHES "/tests/support/")
      continue()  # helpers shared by the binaries, not tests: what they include proves nothing
    endif()
    math(EXPR count "${count} + 1")
    set(includes_ar "")
    if(EXISTS "${source}")
      file(STRINGS "${source}" includes_ar REGEX "^#include <ar/ar\\.hpp>")
    endif()
    if(NOT includes_ar)
      set(all_include_ar FALSE)
    endif()
  endforeach()
  if(count LESS 3)
    return()  # the header would be compiled for as few sources as it saves
  endif()
  set(headers "<gtest/gtest.h>")
  if(all_include_ar)
    list(APPEND headers "<ar/ar.hpp>")
  endif()
  target_precompile_headers(${target} PRIVATE ${headers})
endfunction()
