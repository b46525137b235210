// expect: AR_TRANSIENT names a member that AR_FIELDS lists
#include <ar/model.hpp>

#include <cstdint>
#include <string>

struct user {
  std::int64_t id = 0;
  std::string name;
  AR_MODEL(user, "users", AR_FIELDS(id, name), AR_TRANSIENT(name));
};
