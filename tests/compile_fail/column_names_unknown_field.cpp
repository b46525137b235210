// expect: AR_COLUMN or AR_PRIMARY_KEY names a field that AR_FIELDS does not list
#include <ar/model.hpp>

#include <cstdint>
#include <string>

struct user {
  std::int64_t id = 0;
  std::string name;
  std::string secret;  // a member, but not a stored field
  AR_MODEL(user, "users", AR_FIELDS(id, name), AR_COLUMN(secret, "user_secret"));
};
