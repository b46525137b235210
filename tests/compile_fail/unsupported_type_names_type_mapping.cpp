// expect: for a type of your own, specialize ar::type_mapping<T> \(an enum: AR_ENUM_STRINGS or AR_ENUM_VALUES\)
#include <ar/model.hpp>

#include <cstdint>

struct money {
  std::int64_t cents = 0;
};

struct invoice {
  std::int64_t id = 0;
  money total;
  AR_MODEL(invoice, "invoices", AR_FIELDS(id, total));
};
