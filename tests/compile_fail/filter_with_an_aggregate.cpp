// expect: ar::filter: the condition uses an aggregate \(count, sum, avg, min, max\), which WHERE cannot
#include <ar/ar.hpp>

#include <cstdint>

struct user {
  std::int64_t id = 0;
  double karma = 0;
  AR_MODEL(user, "users", AR_FIELDS(id, karma));
};

auto q = ar::from<user>() | ar::filter(user::c.karma.sum() > 10.0);
