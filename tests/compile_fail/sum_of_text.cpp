// expect: ar: sum and average add numbers: use them on a number column
#include <ar/ar.hpp>

#include <cstdint>
#include <string>

struct user {
  std::int64_t id = 0;
  std::string name;
  AR_MODEL(user, "users", AR_FIELDS(id, name));
};

auto total = ar::sum(user::c.name);
