// expect: ar::set: the expression may be NULL
#include <ar/ar.hpp>

#include <cstdint>
#include <optional>

struct member {
  std::int64_t id = 0;
  std::int32_t karma = 0;
  std::optional<std::int32_t> bonus;
  AR_MODEL(member, "members", AR_FIELDS(id, karma, bonus));
};

auto add = ar::from<member>() | ar::update_all(ar::set(member::c.karma, member::c.karma + member::c.bonus));
