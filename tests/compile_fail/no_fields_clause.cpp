// expect: AR_MODEL needs exactly one AR_FIELDS\(\.\.\.\) clause
#include <ar/model.hpp>

#include <cstdint>

struct user {
  std::int64_t id = 0;
  AR_MODEL(user, "users", AR_PRIMARY_KEY(id));
};
