// expect: AR_VALIDATES: include <ar/validators.hpp> \(or <ar/crud.hpp>, <ar/ar.hpp>\) before the model's definition
#include <ar/model.hpp>

#include <cstdint>
#include <string>

struct member {
  std::int64_t id = 0;
  std::string name;
  AR_MODEL(member, "members", AR_FIELDS(id, name), AR_VALIDATES(name, ar::presence));
};

int main() {}
