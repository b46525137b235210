// expect: ar: the values of a case_when differ in type
#include <ar/ar.hpp>

#include <cstdint>
#include <string>

struct invoice {
  std::int64_t id = 0;
  std::string country;
  double total = 0;
  AR_MODEL(invoice, "invoices", AR_FIELDS(id, country, total));
};

// A number when the total is large, a text otherwise: a CASE gives one type.
auto label = ar::case_when(invoice::c.total > 10.0, 1).otherwise("small");
