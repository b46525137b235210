// expect: AR_VALIDATES\(nmae, \.\.\.\) of member: 'nmae' is not a field that AR_FIELDS lists
#include <ar/crud.hpp>

#include <cstdint>
#include <optional>
#include <string>

struct member {
  std::int64_t id = 0;
  std::string name;
  std::int32_t age = 0;
  AR_MODEL(member, "members", AR_FIELDS(id, name, age), AR_VALIDATES(nmae, ar::presence));
};

int main() { return ar::valid(member{}) ? 0 : 1; }
