// update_all and upserts as the documentation writes them: every form compiles cleanly.
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

void writes(std::vector<user>& users, std::vector<post>& posts) {
  const std::optional<std::string> none;
  [[maybe_unused]] std::uint64_t n = ar::from<user>() | ar::filter(user::c.karma < 0) |
                                     ar::update_all(ar::set(user::c.status, "minor"), ar::set(user::c.karma, 0),
                                                    ar::set(user::c.name, std::string("x")));
  n = ar::from<user>() | ar::update_all(ar::set(user::c.status, std::nullopt));
  n = ar::from<user>() | ar::update_all(ar::set(user::c.status, none));
  ar::insert_all(users, ar::on_conflict(user::c.name).update(user::c.karma, user::c.status));
  ar::insert_all(users, ar::on_conflict(user::c.name).ignore());
  ar::insert_all(posts, ar::on_conflict().ignore());
  const ar::database db = ar::database_for<post>();
  ar::insert_all(db, posts, ar::on_conflict(post::c.title).update(post::c.title));
}
