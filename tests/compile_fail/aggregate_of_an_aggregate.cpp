// expect: ar: aggregates do not nest
#include <ar/ar.hpp>

#include <cstdint>

struct user {
  std::int64_t id = 0;
  double karma = 0;
  AR_MODEL(user, "users", AR_FIELDS(id, karma));
};

auto a = user::c.karma.sum().max();
