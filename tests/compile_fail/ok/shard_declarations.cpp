// The declarations ar::shard takes: an integer or text field of the model, with the default
// function or the program's own.
#include <ar/ar.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

struct account {
  std::int64_t id = 0;
  std::int32_t tenant_id = 0;
  std::string region;
  AR_MODEL(account, "accounts", AR_FIELDS(id, tenant_id, region));
};

std::size_t by_region(const std::string& region) { return region.empty() ? 0 : 1; }

void declare() {
  ar::shard<account>(&account::tenant_id, {"shard0", "shard1"});
  ar::shard<account>(&account::region, {"eu", "us"}, &by_region);
  ar::shard<account>(&account::tenant_id, {"a", "b"}, [](std::int32_t t) { return t % 2; });
}
