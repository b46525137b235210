// expect: AR_MODEL\(user, \.\.\.\): the struct has a data member that neither AR_FIELDS nor AR_TRANSIENT lists
#include <ar/model.hpp>

#include <cstdint>
#include <string>

struct user {
  std::int64_t id = 0;
  std::string name;
  std::string email;  // forgotten in AR_FIELDS: it would never be stored
  AR_MODEL(user, "users", AR_FIELDS(id, name));
};
