// The registry of drivers (ar/backend/driver.hpp), by the dialect's driver_name(): the latest
// registration wins (as for dialects); an earlier one is kept, so that a database opened with it
// still connects. A list, so that a pointer into it stays valid while more are registered.

#include <ar/backend/driver.hpp>

#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

namespace ar {

namespace {

struct driver_registry {
  std::mutex mutex;
  std::list<std::pair<std::string, std::shared_ptr<const backend::driver>>> entries;
};

driver_registry& drivers() {
  static driver_registry r;
  return r;
}

}  // namespace

void register_driver(std::string_view name, std::shared_ptr<const backend::driver> driver) {
  auto& r = drivers();
  std::lock_guard lock(r.mutex);
  r.entries.emplace_back(std::string(name), std::move(driver));
}

const backend::driver* find_driver(std::string_view name) {
  auto& r = drivers();
  std::lock_guard lock(r.mutex);
  for (auto it = r.entries.rbegin(); it != r.entries.rend(); ++it)
    if (it->first == name) return it->second.get();
  return nullptr;
}

}  // namespace ar
