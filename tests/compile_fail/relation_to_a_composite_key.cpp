// expect: has a composite primary key .AR_PRIMARY_KEY.a, b..: a foreign key of one field cannot refer to it; name one field for each of the key's
#include <ar/relation.hpp>

#include <cstdint>
#include <string>

struct order_line;

struct shipment {
  std::int64_t id = 0;
  std::int64_t order_id = 0;
  AR_MODEL(shipment, "shipments", AR_FIELDS(id, order_id), AR_BELONGS_TO(line, order_line, order_id));
};

struct order_line {
  std::int64_t order_id = 0;
  std::int32_t line = 0;
  AR_MODEL(order_line, "order_lines", AR_FIELDS(order_id, line), AR_PRIMARY_KEY(order_id, line));
};

void read(const shipment& s) { (void)s.line(); }
