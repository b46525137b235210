// expect: AR_KEYS refers to the primary key of the other model, all its fields in order: AR_OWNER_KEY cannot be combined with it
#include <ar/relation.hpp>

#include <cstdint>
#include <string>

struct sale;

struct stub {
  std::int64_t id = 0;
  std::string shop;
  std::int32_t number = 0;
  AR_MODEL(stub, "stubs", AR_FIELDS(id, shop, number),
           AR_BELONGS_TO(sale, ::sale, AR_KEYS(shop, number), AR_OWNER_KEY(shop)));
};

struct sale {
  std::string shop;
  std::int32_t number = 0;
  AR_MODEL(sale, "sales", AR_FIELDS(shop, number), AR_PRIMARY_KEY(shop, number));
};

void read(const stub& s) { (void)s.sale(); }
