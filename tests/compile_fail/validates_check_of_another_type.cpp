// expect: AR_VALIDATES\(name, \.\.\.\) of member: ar::check's function cannot be called with 'name'
#include <ar/crud.hpp>

#include <cstdint>
#include <optional>
#include <string>

struct member {
  std::int64_t id = 0;
  std::string name;
  std::int32_t age = 0;
  AR_MODEL(member, "members", AR_FIELDS(id, name, age),
           AR_VALIDATES(name, ar::check{[](int n) { return n > 0; }, "is negative"}));
};

int main() { return ar::valid(member{}) ? 0 : 1; }
