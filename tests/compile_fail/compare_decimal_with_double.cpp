// expect: a time column with an ar::time_point, a decimal column with an ar::decimal
#include <ar/ar.hpp>

#include <cstdint>

struct line {
  std::int64_t id = 0;
  ar::numeric<10, 2> price;
  AR_MODEL(line, "lines", AR_FIELDS(id, price));
};

// 0.99 has no exact double: a decimal column compares with ar::decimal("0.99").
auto condition = line::c.price > 0.99;
