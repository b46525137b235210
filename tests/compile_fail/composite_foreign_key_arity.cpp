// expect: AR_KEYS: the foreign key lists a different number of fields than the primary key it refers to
#include <ar/relation.hpp>

#include <cstdint>
#include <string>

struct sale;

struct order_line {
  std::string shop_code;
  std::int32_t order_no = 0;
  std::int32_t line_no = 0;
  AR_MODEL(order_line, "order_lines", AR_FIELDS(shop_code, order_no, line_no),
           AR_PRIMARY_KEY(shop_code, order_no, line_no),
           AR_BELONGS_TO(order, sale, AR_KEYS(shop_code, order_no, line_no)));
};

struct sale {
  std::string shop_code;
  std::int32_t order_no = 0;
  AR_MODEL(sale, "sales", AR_FIELDS(shop_code, order_no), AR_PRIMARY_KEY(shop_code, order_no));
};

void read(const order_line& l) { (void)l.order(); }
