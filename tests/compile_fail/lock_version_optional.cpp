// expect: AR_LOCK_VERSION\(lock_version\) of account: 'lock_version' is not an integer: a lock version is a std::int32_t or std::int64_t field \(not optional\)
#include <ar/model.hpp>

#include <cstdint>
#include <optional>
#include <string>

struct account {
  std::int64_t id = 0;
  std::string owner;
  std::optional<std::int32_t> lock_version;
  AR_MODEL(account, "accounts", AR_FIELDS(id, owner, lock_version), AR_LOCK_VERSION(lock_version));
};

int main() { return static_cast<int>(ar::table_meta_v<account>.lock_version); }
