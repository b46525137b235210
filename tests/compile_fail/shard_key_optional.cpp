// expect: the shard key must be a std::int32_t, std::int64_t or std::string field \(not a std::optional
#include <ar/ar.hpp>

#include <cstdint>
#include <optional>

struct account {
  std::int64_t id = 0;
  std::optional<std::int64_t> tenant_id;
  AR_MODEL(account, "accounts", AR_FIELDS(id, tenant_id));
};

void declare() { ar::shard<account>(&account::tenant_id, {"shard0", "shard1"}); }
