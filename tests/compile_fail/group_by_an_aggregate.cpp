// expect: ar::group_by takes column handles \(Model::c.field\) and values computed from them .*not aggregates
#include <ar/ar.hpp>

#include <cstdint>

struct user {
  std::int64_t id = 0;
  double karma = 0;
  AR_MODEL(user, "users", AR_FIELDS(id, karma));
};

auto q = ar::from<user>() | ar::group_by(user::c.karma.sum());
