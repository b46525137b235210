// expect: the two sides of this comparison have different kinds of values
#include <ar/ar.hpp>

#include <cstdint>

struct user_id {
  std::int64_t value = 0;
};

template <>
struct ar::type_mapping<user_id> {
  using stored = std::int64_t;
  static stored to_stored(const user_id& v) { return v.value; }
  static user_id from_stored(stored s) { return user_id{s}; }
};

struct user {
  user_id id;
  AR_MODEL(user, "users", AR_FIELDS(id));
};

// A strong id is not an integer: compare it with a user_id.
auto condition = user::c.id == std::int64_t{3};
