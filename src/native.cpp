#include "native.hpp"

#include <ar/error.hpp>

#include <list>
#include <mutex>
#include <string>
#include <vector>

namespace ar::detail {

namespace {

struct driver_registry {
  std::mutex mutex;
  std::vector<std::pair<std::string, std::shared_ptr<const native_driver>>> drivers;
};

driver_registry& the_drivers() {
  static driver_registry r;
  return r;
}

struct checks_registry {
  std::mutex mutex;
  // A list, so that a pointer into it stays valid while more are registered.
  std::list<std::pair<std::string, session_checks>> checks;
};

checks_registry& the_checks() {
  static checks_registry r;
  return r;
}

}  // namespace

void register_native_driver(std::string_view soci_backend, std::shared_ptr<const native_driver> driver) {
  auto& r = the_drivers();
  std::lock_guard lock(r.mutex);
  r.drivers.emplace_back(std::string(soci_backend), std::move(driver));
}

const native_driver* find_native_driver(std::string_view soci_backend) {
  auto& r = the_drivers();
  std::lock_guard lock(r.mutex);
  // The latest registration wins, as for dialects.
  for (auto it = r.drivers.rbegin(); it != r.drivers.rend(); ++it)
    if (it->first == soci_backend) return it->second.get();
  return nullptr;
}

void register_session_checks(std::string_view soci_backend, session_checks checks) {
  auto& r = the_checks();
  std::lock_guard lock(r.mutex);
  r.checks.emplace_back(std::string(soci_backend), checks);
}

const session_checks* find_session_checks(std::string_view soci_backend) {
  auto& r = the_checks();
  std::lock_guard lock(r.mutex);
  for (auto it = r.checks.rbegin(); it != r.checks.rend(); ++it)
    if (it->first == soci_backend) return &it->second;
  return nullptr;
}

namespace {

struct timeout_registry {
  std::mutex mutex;
  std::vector<std::pair<std::string, std::shared_ptr<const timeout_driver>>> drivers;
};

timeout_registry& the_timeout_drivers() {
  static timeout_registry r;
  return r;
}

}  // namespace

void register_timeout_driver(std::string_view soci_backend, std::shared_ptr<const timeout_driver> driver) {
  auto& r = the_timeout_drivers();
  std::lock_guard lock(r.mutex);
  r.drivers.emplace_back(std::string(soci_backend), std::move(driver));
}

const timeout_driver* find_timeout_driver(std::string_view soci_backend) {
  auto& r = the_timeout_drivers();
  std::lock_guard lock(r.mutex);
  for (auto it = r.drivers.rbegin(); it != r.drivers.rend(); ++it)
    if (it->first == soci_backend) return it->second.get();
  return nullptr;
}

void throw_null_into_required(std::size_t index) {
  throw error("ar: result column " + std::to_string(index + 1) +
              " is NULL, but the field it belongs to is not a std::optional");
}

void throw_out_of_int32(long long v) {
  throw error("ar: a value read from the database does not fit the std::int32_t field it belongs to: " +
              std::to_string(v));
}

}  // namespace ar::detail
