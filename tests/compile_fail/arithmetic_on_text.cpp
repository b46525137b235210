// expect: ar: \+, -, \* and / compute with numbers
#include <ar/ar.hpp>

#include <cstdint>
#include <string>

struct user {
  std::int64_t id = 0;
  std::string name;
  AR_MODEL(user, "users", AR_FIELDS(id, name));
};

auto x = user::c.name + 1;
