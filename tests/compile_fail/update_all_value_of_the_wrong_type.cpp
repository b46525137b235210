// expect: ar::set: the value is not of this column.s kind
#include <ar/ar.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

struct user {
  std::int64_t id = 0;
  std::string name;
  std::int32_t karma = 0;
  std::optional<std::string> status;
  AR_MODEL(user, "users", AR_FIELDS(id, name, karma, status));
};

struct post {
  std::int64_t id = 0;
  std::string title;
  AR_MODEL(post, "posts", AR_FIELDS(id, title));
};

auto a = ar::set(user::c.name, 42);
