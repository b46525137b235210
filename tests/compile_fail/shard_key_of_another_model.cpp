// expect: the shard key must be a field of M, the model being sharded
#include <ar/ar.hpp>

#include <cstdint>

struct tenant {
  std::int64_t id = 0;
  AR_MODEL(tenant, "tenants", AR_FIELDS(id));
};

struct account {
  std::int64_t id = 0;
  std::int64_t tenant_id = 0;
  AR_MODEL(account, "accounts", AR_FIELDS(id, tenant_id));
};

void declare() { ar::shard<account>(&tenant::id, {"shard0", "shard1"}); }
