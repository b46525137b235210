// expect: AR_LOCK_VERSION\(revision\) of account: 'revision' is not an integer
#include <ar/model.hpp>

#include <cstdint>
#include <string>

struct account {
  std::int64_t id = 0;
  std::string owner;
  std::string revision;
  AR_MODEL(account, "accounts", AR_FIELDS(id, owner, revision), AR_LOCK_VERSION(revision));
};

int main() { return static_cast<int>(ar::table_meta_v<account>.lock_version); }
