// expect: ar: case_when\(\) and .when\(\) take a condition first
#include <ar/ar.hpp>

#include <cstdint>
#include <string>

struct invoice {
  std::int64_t id = 0;
  std::string country;
  double total = 0;
  AR_MODEL(invoice, "invoices", AR_FIELDS(id, country, total));
};

// The total is a number, not a condition.
auto label = ar::case_when(invoice::c.total, 1).otherwise(0);
