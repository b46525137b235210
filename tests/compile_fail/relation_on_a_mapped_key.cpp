// expect: ar relation: a relation joins on an integer or std::string key
#include <ar/ar.hpp>

#include <cstdint>

struct buyer_id {
  std::int64_t value = 0;
  friend bool operator==(buyer_id, buyer_id) = default;
};

template <>
struct ar::type_mapping<buyer_id> {
  using stored = std::int64_t;
  static stored to_stored(const buyer_id& v) { return v.value; }
  static buyer_id from_stored(stored s) { return buyer_id{s}; }
};

struct order;

struct customer {
  buyer_id id;
  AR_MODEL(customer, "customers", AR_FIELDS(id), AR_HAS_MANY(orders, order, customer_id));
};

struct order {
  std::int64_t id = 0;
  buyer_id customer_id;
  AR_MODEL(order, "orders", AR_FIELDS(id, customer_id));
};

auto orders = ar::from<customer>() | ar::with("orders") | ar::to_vector;
