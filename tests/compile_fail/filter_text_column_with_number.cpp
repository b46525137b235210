// expect: ar: the two sides of this comparison have different kinds of values
#include <ar/ar.hpp>

#include <cstdint>
#include <string>

struct user {
  std::int64_t id = 0;
  std::string name;
  AR_MODEL(user, "users", AR_FIELDS(id, name));
};

auto q = ar::from<user>() | ar::filter(user::c.name == 42);
