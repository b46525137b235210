// expect: ar: / of an exact decimal has no exact result
#include <ar/ar.hpp>

#include <cstdint>

struct line {
  std::int64_t id = 0;
  ar::numeric<10, 2> price;
  std::int32_t quantity = 0;
  AR_MODEL(line, "lines", AR_FIELDS(id, price, quantity));
};

auto q = ar::from<line>() | ar::select(line::c.price / line::c.quantity);
