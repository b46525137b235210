#ifndef AR_TESTS_BACKEND_FAKE_FAKE_BACKEND_HPP
#define AR_TESTS_BACKEND_FAKE_FAKE_BACKEND_HPP

// A test-only backend, "fake://<file or :memory:>", that proves the backend contract
// (ar/backend/dialect.hpp and ar/backend/driver.hpp) is all a backend needs: its driver runs on
// the sqlite3 C API directly, without SOCI, and it is registered exactly as the real backends
// are: ar::backends::register_fake() calls register_dialect and register_driver. It also counts
// what the core asks of it, so that a test can check the core uses the contract as documented.

#include <cstddef>

namespace ar::backends {

void register_fake();

// What the core asked of the fake driver since the program started.
struct fake_calls {
  std::size_t connects = 0;
  std::size_t prepares = 0;
  std::size_t binds = 0;
  std::size_t steps = 0;
  std::size_t resets = 0;
};
const fake_calls& fake_driver_calls();

}  // namespace ar::backends

#endif  // AR_TESTS_BACKEND_FAKE_FAKE_BACKEND_HPP
