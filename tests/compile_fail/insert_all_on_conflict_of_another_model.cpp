// expect: ar::insert_all: on_conflict names columns of another model than the records.
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

void f(std::vector<user>& users) { ar::insert_all(users, ar::on_conflict(post::c.title).ignore()); }
