// expect: AR_LOCK_VERSION\(lock_vresion\) of account: 'lock_vresion' is not a field that AR_FIELDS lists
#include <ar/model.hpp>

#include <cstdint>
#include <string>

struct account {
  std::int64_t id = 0;
  std::string owner;
  std::int32_t lock_version = 0;
  AR_MODEL(account, "accounts", AR_FIELDS(id, owner, lock_version), AR_LOCK_VERSION(lock_vresion));
};

int main() { return static_cast<int>(ar::table_meta_v<account>.lock_version); }
