// expect: ar::update_all: the same column is set twice
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

auto n = ar::from<user>() | ar::update_all(ar::set(user::c.karma, 1), ar::set(user::c.karma, 2));
