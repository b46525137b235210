// expect: the shard function takes the key's value \(const F&\) and returns the shard's index
#include <ar/ar.hpp>

#include <cstdint>
#include <string>

struct account {
  std::int64_t id = 0;
  std::int64_t tenant_id = 0;
  AR_MODEL(account, "accounts", AR_FIELDS(id, tenant_id));
};

void declare() {
  ar::shard<account>(&account::tenant_id, {"shard0", "shard1"}, [](const std::string& name) { return name.size(); });
}
