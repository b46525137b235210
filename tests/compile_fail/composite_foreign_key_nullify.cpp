// expect: AR_DEPENDENT.nullify. over AR_KEYS is not supported
#include <ar/relation.hpp>

#include <cstdint>
#include <optional>
#include <string>

struct stub;

struct sale {
  std::string shop;
  std::int32_t number = 0;
  AR_MODEL(sale, "sales", AR_FIELDS(shop, number), AR_PRIMARY_KEY(shop, number),
           AR_HAS_MANY(stubs, stub, AR_KEYS(shop, number), AR_DEPENDENT(nullify)));
};

struct stub {
  std::int64_t id = 0;
  std::optional<std::string> shop;
  std::optional<std::int32_t> number;
  AR_MODEL(stub, "stubs", AR_FIELDS(id, shop, number));
};

void read(const sale& s) { (void)s.stubs(); }
