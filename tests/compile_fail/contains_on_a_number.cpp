// expect: ar: contains\(\), starts_with\(\) and ends_with\(\) find text: use them on a std::string column
#include <ar/ar.hpp>

#include <cstdint>

struct user {
  std::int64_t id = 0;
  AR_MODEL(user, "users", AR_FIELDS(id));
};

auto condition = user::c.id.istarts_with("1");
