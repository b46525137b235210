// expect: ar: this value has a type a column cannot hold
#include <ar/ar.hpp>

#include <cstdint>

struct user {
  std::int64_t id = 0;
  int level = 0;
  AR_MODEL(user, "users", AR_FIELDS(id, level));
};

enum class color { red, green };
auto condition = user::c.level == color::red;
