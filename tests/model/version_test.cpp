// <ar/version.hpp> is generated from the CMake project's VERSION: its macros must say the same
// version as the project (AR_EXPECTED_VERSION, passed by tests/CMakeLists.txt from PROJECT_VERSION).
#include <ar/version.hpp>

#include <gtest/gtest.h>

#include <string>

namespace {

TEST(version, macros_match_the_project_version) {
  const std::string parts = std::to_string(AR_VERSION_MAJOR) + "." + std::to_string(AR_VERSION_MINOR) + "." +
                            std::to_string(AR_VERSION_PATCH);
  EXPECT_EQ(parts, AR_EXPECTED_VERSION);
  EXPECT_EQ(std::string(AR_VERSION_STRING), AR_EXPECTED_VERSION);
  EXPECT_EQ(AR_VERSION, AR_VERSION_MAJOR * 10000 + AR_VERSION_MINOR * 100 + AR_VERSION_PATCH);
}

// Usable in #if, as a version macro is meant to be.
#if AR_VERSION_MAJOR < 0 || AR_VERSION < 0
#error "AR_VERSION_MAJOR / AR_VERSION are not preprocessor numbers"
#endif

}  // namespace
