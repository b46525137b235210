// expect: AR_FIELDS of user: 'display_name' is not a non-static data member
#include <ar/model.hpp>

#include <cstdint>
#include <string>

struct user {
  std::int64_t id = 0;
  std::string name;
  std::string display_name() const { return name; }
  AR_MODEL(user, "users", AR_FIELDS(id, display_name));
};
