// expect: AR_KEYS: a field of the foreign key cannot hold the key field it refers to
#include <ar/relation.hpp>

#include <cstdint>
#include <string>

struct order_line;

struct sale {
  std::string shop_code;
  std::int32_t order_no = 0;
  AR_MODEL(sale, "sales", AR_FIELDS(shop_code, order_no), AR_PRIMARY_KEY(shop_code, order_no),
           AR_HAS_MANY(lines, order_line, AR_KEYS(shop_code, order_no)));
};

// order_no is text here, where the order's is an integer.
struct order_line {
  std::string shop_code;
  std::string order_no;
  std::int32_t line_no = 0;
  AR_MODEL(order_line, "order_lines", AR_FIELDS(shop_code, order_no, line_no),
           AR_PRIMARY_KEY(shop_code, order_no, line_no));
};

void read(const sale& o) { (void)o.lines(); }
