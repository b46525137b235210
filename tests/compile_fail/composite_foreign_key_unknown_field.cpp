// expect: AR_BELONGS_TO: a field of AR_KEYS is not a field of the model declaring the relation
#include <ar/relation.hpp>

#include <cstdint>
#include <string>

struct sale;

struct order_line {
  std::string shop_code;
  std::int32_t order_no = 0;
  std::int32_t line_no = 0;
  AR_MODEL(order_line, "order_lines", AR_FIELDS(shop_code, order_no, line_no),
           AR_PRIMARY_KEY(shop_code, order_no, line_no), AR_BELONGS_TO(order, sale, AR_KEYS(shop_code, order_number)));
};

struct sale {
  std::string shop_code;
  std::int32_t order_no = 0;
  AR_MODEL(sale, "sales", AR_FIELDS(shop_code, order_no), AR_PRIMARY_KEY(shop_code, order_no));
};

void read(const order_line& l) { (void)l.order(); }
