// expect: AR_HAS_ONE / AR_HAS_MANY: a field of AR_KEYS is not a field of the target model
#include <ar/relation.hpp>

#include <cstdint>
#include <string>

struct stub;

struct sale {
  std::string shop;
  std::int32_t number = 0;
  AR_MODEL(sale, "sales", AR_FIELDS(shop, number), AR_PRIMARY_KEY(shop, number),
           AR_HAS_MANY(stubs, stub, AR_KEYS(shop, sale_number)));
};

struct stub {
  std::int64_t id = 0;
  std::string shop;
  std::int32_t number = 0;
  AR_MODEL(stub, "stubs", AR_FIELDS(id, shop, number));
};

void read(const sale& s) { (void)s.stubs(); }
