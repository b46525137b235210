// expect: AR_UNIQUE of user: 'emial' is not a field that AR_FIELDS lists
#include <ar/model.hpp>

#include <cstdint>
#include <string>

struct user {
  std::int64_t id = 0;
  std::string email;
  AR_MODEL(user, "users", AR_FIELDS(id, email), AR_UNIQUE(emial));
};
