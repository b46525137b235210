// expect: AR_VALIDATES\(age, \.\.\.\) of member: ar::format of 'age', which is not a text
#include <ar/crud.hpp>

#include <cstdint>
#include <optional>
#include <string>

struct member {
  std::int64_t id = 0;
  std::string name;
  std::int32_t age = 0;
  AR_MODEL(member, "members", AR_FIELDS(id, name, age), AR_VALIDATES(age, ar::format("[0-9]+")));
};

int main() { return ar::valid(member{}) ? 0 : 1; }
