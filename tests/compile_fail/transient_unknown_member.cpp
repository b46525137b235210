// expect: 'nmae' is not a member of 'user
#include <ar/model.hpp>

#include <cstdint>
#include <string>

struct user {
  std::int64_t id = 0;
  std::string name;
  AR_MODEL(user, "users", AR_FIELDS(id), AR_TRANSIENT(nmae));
};
