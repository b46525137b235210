// expect: ar: && and \|\| combine conditions
#include <ar/ar.hpp>

#include <cstdint>
#include <string>

struct user {
  std::int64_t id = 0;
  std::string name;
  AR_MODEL(user, "users", AR_FIELDS(id, name));
};

auto condition = user::c.name && user::c.id > 3;
