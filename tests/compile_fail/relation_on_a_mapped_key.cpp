// expect: ar relation: a relation joins on an integer, std::string, ar::date or ar::uuid key
#include <ar/ar.hpp>

#include <cstdint>

// A key stored as a double: a relation joins on no floating-point key (a strong id stored as an
// integer, an ar::uuid or an ar::date does: tests/relation/typed_keys_test.cpp).
struct price_key {
  double value = 0;
  friend bool operator==(price_key, price_key) = default;
};

template <>
struct ar::type_mapping<price_key> {
  using stored = double;
  static stored to_stored(const price_key& v) { return v.value; }
  static price_key from_stored(stored s) { return price_key{s}; }
};

struct order;

struct customer {
  price_key id;
  AR_MODEL(customer, "customers", AR_FIELDS(id), AR_KEY_SUPPLIED, AR_HAS_MANY(orders, order, customer_id));
};

struct order {
  std::int64_t id = 0;
  price_key customer_id;
  AR_MODEL(order, "orders", AR_FIELDS(id, customer_id));
};

auto orders = ar::from<customer>() | ar::with("orders") | ar::to_vector;
