// expect: ar::after takes a record of the query's own model
#include <ar/ar.hpp>

#include <cstdint>

struct user {
  std::int64_t id = 0;
  AR_MODEL(user, "users", AR_FIELDS(id));
};
struct post {
  std::int64_t id = 0;
  AR_MODEL(post, "posts", AR_FIELDS(id));
};

auto next_page(const post& last) { return ar::from<user>() | ar::order_by(user::c.id) | ar::after(last); }
