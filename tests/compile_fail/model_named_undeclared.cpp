// expect: error: 'usr' does not name a type
#include <ar/model.hpp>

#include <cstdint>
#include <string>

struct user {
  std::int64_t id = 0;
  std::string name;
  AR_MODEL(usr, "users", AR_FIELDS(id, name));
};
