// expect: ar: compare a column with a plain value, not a std::optional
#include <ar/ar.hpp>

#include <cstdint>
#include <optional>

struct user {
  std::int64_t id = 0;
  std::optional<int> age;
  AR_MODEL(user, "users", AR_FIELDS(id, age));
};

std::optional<int> wanted = 3;
auto condition = user::c.age == wanted;
