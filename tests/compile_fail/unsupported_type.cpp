// expect: AR_FIELDS of user: the type of 'scores' is not one ar can store
#include <ar/model.hpp>

#include <cstdint>
#include <vector>

struct user {
  std::int64_t id = 0;
  std::vector<int> scores;
  AR_MODEL(user, "users", AR_FIELDS(id, scores));
};
