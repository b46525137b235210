#ifndef AR_TESTS_SUPPORT_BACKENDS_HPP
#define AR_TESTS_SUPPORT_BACKENDS_HPP

// The backends every suite runs on. SQLite is in memory; PostgreSQL is the server named by
// AR_TEST_POSTGRESQL (scripts/test.sh starts one). A missing server fails the test: never skipped.

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <string>

namespace ar_test {

// Opens the backend under `name` in a fresh namespace (a new in-memory database, or a new
// PostgreSQL schema first on the search path).
ar::database open_backend(const std::string& backend, const std::string& name = "default");
// Drops what open_backend created and closes every database.
void close_backends();

// What differs between backends, for the few tests that must know.
struct capabilities {
  bool returning = true;
};
capabilities capabilities_of(const std::string& backend);

// A suite parameterised by backend name: GetParam() is "sqlite" or "postgresql".
class backend_test : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { db = open_backend(GetParam()); }
  void TearDown() override { close_backends(); }
  ar::database db;
};

inline std::string backend_name(const ::testing::TestParamInfo<std::string>& info) { return info.param; }

}  // namespace ar_test

#define AR_INSTANTIATE_BACKEND_SUITE(suite) \
  INSTANTIATE_TEST_SUITE_P(backends, suite, ::testing::Values("sqlite", "postgresql"), ::ar_test::backend_name)

#endif  // AR_TESTS_SUPPORT_BACKENDS_HPP
