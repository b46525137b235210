// expect: ar: in\(query\) takes a query of one column
#include <ar/ar.hpp>

#include <cstdint>

struct user {
  std::int64_t id = 0;
  std::int64_t boss = 0;
  AR_MODEL(user, "users", AR_FIELDS(id, boss));
};

auto q = ar::from<user>() | ar::filter(user::c.id.in(ar::from<user>() | ar::select(user::c.id, user::c.boss)));
