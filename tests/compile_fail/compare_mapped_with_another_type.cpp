// expect: compare it with a value of the column's own type
#include <ar/ar.hpp>

#include <cstdint>

struct user_id {
  std::int64_t value = 0;
};
struct order_id {
  std::int64_t value = 0;
};

template <>
struct ar::type_mapping<user_id> {
  using stored = std::int64_t;
  static stored to_stored(const user_id& v) { return v.value; }
  static user_id from_stored(stored s) { return user_id{s}; }
};
template <>
struct ar::type_mapping<order_id> {
  using stored = std::int64_t;
  static stored to_stored(const order_id& v) { return v.value; }
  static order_id from_stored(stored s) { return order_id{s}; }
};

struct user {
  user_id id;
  AR_MODEL(user, "users", AR_FIELDS(id));
};

auto condition = user::c.id == order_id{3};
