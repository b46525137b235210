// expect: ar::set: the expression is a fraction and this column an integer
#include <ar/ar.hpp>

#include <cstdint>

struct member {
  std::int64_t id = 0;
  std::int32_t karma = 0;
  AR_MODEL(member, "members", AR_FIELDS(id, karma));
};

auto halve = ar::from<member>() | ar::update_all(ar::set(member::c.karma, member::c.karma / 2));
