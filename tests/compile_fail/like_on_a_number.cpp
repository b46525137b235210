// expect: ar: like\(\) matches text: use it on a std::string column
#include <ar/ar.hpp>

#include <cstdint>

struct user {
  std::int64_t id = 0;
  AR_MODEL(user, "users", AR_FIELDS(id));
};

auto condition = user::c.id.like("1%");
