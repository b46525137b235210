// expect: the primary key cannot be a std::optional
#include <ar/model.hpp>

#include <cstdint>
#include <optional>
#include <string>

struct user {
  std::optional<std::int64_t> id;
  std::string name;
  AR_MODEL(user, "users", AR_FIELDS(id, name));
};
