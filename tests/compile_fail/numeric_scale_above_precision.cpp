// expect: ar::numeric<Precision, Scale>: Scale is the digits after the point, from 0 to Precision
#include <ar/ar.hpp>

#include <cstdint>

struct line {
  std::int64_t id = 0;
  ar::numeric<4, 6> price;  // six digits after the point of four in all
  AR_MODEL(line, "lines", AR_FIELDS(id, price));
};

line l;
