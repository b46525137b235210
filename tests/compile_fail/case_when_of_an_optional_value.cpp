// expect: ar: case_when gives a value a column cannot hold
#include <ar/ar.hpp>

#include <cstdint>
#include <optional>
#include <string>

struct invoice {
  std::int64_t id = 0;
  std::string country;
  double total = 0;
  AR_MODEL(invoice, "invoices", AR_FIELDS(id, country, total));
};

// A std::optional is not a value to bind: a CASE without otherwise() is NULL where no condition holds.
auto maybe = ar::case_when(invoice::c.total > 10.0, std::optional<int>(1));
