// expect: two fields of the model map to the same column
#include <ar/model.hpp>

#include <cstdint>
#include <string>

struct user {
  std::int64_t id = 0;
  std::string name;
  std::string nick;
  AR_MODEL(user, "users", AR_FIELDS(id, name, nick), AR_COLUMN(nick, "name"));
};
