# Included by the top-level CMakeLists.txt when AR_BUILD_FUZZERS is ON, before the library is
# defined: every target of this build directory, libar included, is compiled with AddressSanitizer,
# UndefinedBehaviorSanitizer (every finding fatal) and libFuzzer's coverage instrumentation, and
# linked with the two sanitizers' runtimes. The fuzz targets (tests/fuzz/) add -fsanitize=fuzzer,
# which links libFuzzer and its main().
#
# Use a build directory of its own configured with clang (scripts/fuzz.sh does: build-fuzz/):
# the flags are directory-scoped, so a parent project that add_subdirectory()s ar is unaffected,
# but the library of such a build is not one to install.

if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR
    "AR_BUILD_FUZZERS needs clang (libFuzzer is part of clang's compiler-rt), not "
    "${CMAKE_CXX_COMPILER_ID}: configure a build directory of its own with "
    "-DCMAKE_CXX_COMPILER=clang++-14, or run scripts/fuzz.sh")
endif()

# Not UBSan's vptr check: it needs the type_info of every class a static_cast goes down to, and the
# classes of SOCI's backends are defined in libraries loaded at run time (never linked).
set(AR_FUZZ_SANITIZERS -fsanitize=address,undefined -fno-sanitize=vptr -fno-sanitize-recover=all)
add_compile_options(${AR_FUZZ_SANITIZERS} -fsanitize=fuzzer-no-link -fno-omit-frame-pointer)
add_link_options(${AR_FUZZ_SANITIZERS})
