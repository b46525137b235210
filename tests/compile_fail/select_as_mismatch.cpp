// expect: ar::select_as<S>: S cannot be built from the selected columns
#include <ar/ar.hpp>

#include <cstdint>
#include <string>

struct user {
  std::int64_t id = 0;
  std::string name;
  AR_MODEL(user, "users", AR_FIELDS(id, name));
};

struct id_only {
  std::int64_t id;
};

auto q = ar::from<user>() | ar::select_as<id_only>(user::c.name, user::c.id);
