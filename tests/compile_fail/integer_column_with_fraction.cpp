// expect: ar: an integer column is compared with a floating-point value, whose fraction would be lost
#include <ar/ar.hpp>

#include <cstdint>
#include <optional>

struct user {
  std::int64_t id = 0;
  std::optional<int> age;
  AR_MODEL(user, "users", AR_FIELDS(id, age));
};

auto condition = user::c.age >= 17.5;
