// expect: dissociate sets the foreign key to NULL: every field of AR_KEYS must be a std::optional
#include <ar/relation.hpp>

#include <cstdint>
#include <optional>
#include <string>

struct sale;

// number may be NULL, shop may not: the pair cannot be set to NULL.
struct stub {
  std::int64_t id = 0;
  std::string shop;
  std::optional<std::int32_t> number;
  AR_MODEL(stub, "stubs", AR_FIELDS(id, shop, number), AR_BELONGS_TO(sale, ::sale, AR_KEYS(shop, number)));
};

struct sale {
  std::string shop;
  std::int32_t number = 0;
  AR_MODEL(sale, "sales", AR_FIELDS(shop, number), AR_PRIMARY_KEY(shop, number));
};

void drop(stub& s) { s.sale_dissociate(); }
