// expect: AR_FIELDS lists a member whose type ar cannot store
#include <ar/model.hpp>

#include <cstdint>
#include <vector>

struct user {
  std::int64_t id = 0;
  std::vector<int> scores;
  AR_MODEL(user, "users", AR_FIELDS(id, scores));
};
