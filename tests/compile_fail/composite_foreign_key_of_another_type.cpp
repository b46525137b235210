// expect: ar relation: a relation joins on integer or std::string key fields
#include <ar/relation.hpp>

#include <cstdint>
#include <string>

struct stub;

// A key part of a type relations do not load (an ar::date) is refused with its own sentence.
struct sale {
  std::string shop;
  ar::date day{};
  AR_MODEL(sale, "sales", AR_FIELDS(shop, day), AR_PRIMARY_KEY(shop, day),
           AR_HAS_MANY(stubs, stub, AR_KEYS(shop, day)));
};

struct stub {
  std::int64_t id = 0;
  std::string shop;
  ar::date day{};
  AR_MODEL(stub, "stubs", AR_FIELDS(id, shop, day));
};

void read(const sale& s) { (void)s.stubs(); }
