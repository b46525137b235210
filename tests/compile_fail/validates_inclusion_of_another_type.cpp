// expect: AR_VALIDATES\(age, \.\.\.\) of member: ar::inclusion lists values that 'age' cannot be compared with
#include <ar/crud.hpp>

#include <cstdint>
#include <optional>
#include <string>

struct member {
  std::int64_t id = 0;
  std::string name;
  std::int32_t age = 0;
  AR_MODEL(member, "members", AR_FIELDS(id, name, age), AR_VALIDATES(age, ar::inclusion{"young", "old"}));
};

int main() { return ar::valid(member{}) ? 0 : 1; }
