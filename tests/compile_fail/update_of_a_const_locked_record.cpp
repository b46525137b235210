// expect: ar::update of a const record of a model with AR_LOCK_VERSION
#include <ar/crud.hpp>

#include <cstdint>
#include <string>

struct account {
  std::int64_t id = 0;
  std::string owner;
  std::int32_t lock_version = 0;
  AR_MODEL(account, "accounts", AR_FIELDS(id, owner, lock_version), AR_LOCK_VERSION(lock_version));
};

void write(const ar::database& db, const account& a) { ar::update(db, a); }

int main() {}
