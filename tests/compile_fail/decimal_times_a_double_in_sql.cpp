// expect: ar: an exact decimal computes with decimals and integers
#include <ar/ar.hpp>

#include <cstdint>

struct line {
  std::int64_t id = 0;
  ar::numeric<10, 2> price;
  double weight = 0;
  AR_MODEL(line, "lines", AR_FIELDS(id, price, weight));
};

auto q = ar::from<line>() | ar::select(line::c.price * line::c.weight);
