// expect: ar: avg\(\) averages numbers: use it on an integer or floating-point column
#include <ar/ar.hpp>

#include <cstdint>
#include <string>

struct user {
  std::int64_t id = 0;
  std::string name;
  AR_MODEL(user, "users", AR_FIELDS(id, name));
};

auto a = user::c.name.avg();
