// expect: the shard key is not a field of the model: no field in AR_FIELDS has its type
#include <ar/ar.hpp>

#include <cstdint>
#include <string>

struct account {
  std::int64_t id = 0;
  std::string scratch;
  AR_MODEL(account, "accounts", AR_FIELDS(id), AR_TRANSIENT(scratch));
};

void declare() { ar::shard<account>(&account::scratch, {"shard0", "shard1"}); }
