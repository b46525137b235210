// expect: AR_COLUMN or AR_PRIMARY_KEY names a field that AR_FIELDS does not list
#include <ar/model.hpp>

#include <string>

struct country {
  std::string code;
  std::string name;
  AR_MODEL(country, "countries", AR_FIELDS(code, name), AR_PRIMARY_KEY(iso_code));
};
