// expect: ar: a comparison with std::nullopt is never true in SQL: use .is_null\(\)
#include <ar/ar.hpp>

#include <cstdint>
#include <optional>

struct user {
  std::int64_t id = 0;
  std::optional<int> age;
  AR_MODEL(user, "users", AR_FIELDS(id, age));
};

auto condition = user::c.age == std::nullopt;
