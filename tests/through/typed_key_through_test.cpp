// has_many_through between models keyed on a strong id (an ar::type_mapping stored as a BIGINT),
// an ar::uuid and an ar::date: lazy and eager loads, automatic batching, attach / detach / sync /
// toggle, and the join model on another database, with the statement counts of integer keys, on
// every backend. (The relation grouped and hashed the keys by their own type, which has no
// std::hash: it did not compile.)

#include "../support/backends.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace tkth {

struct shop_id {
  std::int64_t value = 0;
  friend bool operator==(shop_id, shop_id) = default;
};

}  // namespace tkth

template <>
struct ar::type_mapping<tkth::shop_id> {
  using stored = std::int64_t;
  static stored to_stored(const tkth::shop_id& v) { return v.value; }
  static tkth::shop_id from_stored(stored s) { return tkth::shop_id{s}; }
};

namespace tkth {

using namespace std::chrono;

struct label;
struct shop_label;
struct open_day;
struct day_shop;

// A shop (strong id) has labels (uuid keys); a day (date key) has shops open on it.
struct shop {
  shop_id id;
  std::string name;
  AR_MODEL(shop, "tkth_shops", AR_FIELDS(id, name), AR_KEY_SUPPLIED,
           AR_HAS_MANY_THROUGH(labels, label, shop_label, shop_key, label_key),
           AR_HAS_MANY_THROUGH(days, open_day, day_shop, shop_key, day));
};
struct label {
  ar::uuid id;
  std::string name;
  AR_MODEL(label, "tkth_labels", AR_FIELDS(id, name), AR_KEY_SUPPLIED,
           AR_HAS_MANY_THROUGH(shops, shop, shop_label, label_key, shop_key));
};
struct shop_label {
  std::int64_t id = 0;
  shop_id shop_key;
  ar::uuid label_key;
  AR_MODEL(shop_label, "tkth_shop_labels", AR_FIELDS(id, shop_key, label_key));
};
struct open_day {
  ar::date day{};
  std::string name;
  AR_MODEL(open_day, "tkth_days", AR_FIELDS(day, name), AR_PRIMARY_KEY(day), AR_KEY_SUPPLIED,
           AR_HAS_MANY_THROUGH(shops, shop, day_shop, day, shop_key));
};
struct day_shop {
  std::int64_t id = 0;
  ar::date day{};
  shop_id shop_key;
  AR_MODEL(day_shop, "tkth_day_shops", AR_FIELDS(id, day, shop_key));
};

ar::uuid uuid_of(int n) {
  ar::uuid u;
  u.bytes[0] = static_cast<std::byte>(0xf0 - n);  // the bytes' order is the reverse of n's
  u.bytes[15] = static_cast<std::byte>(n);
  return u;
}

template <class Rows>
std::vector<std::string> names(const Rows& v) {
  std::vector<std::string> out;
  for (const auto& m : v) out.push_back(m.name);
  return out;
}

class typed_key_through : public ar_test::backend_test {
 protected:
  void SetUp() override {
    backend_test::SetUp();
    ar::create_tables<shop, label, shop_label, open_day, day_shop>(db);
    for (auto* s : {&s1, &s2, &s3}) ar::insert(db, *s);
    for (auto* l : {&red, &green, &blue}) ar::insert(db, *l);
    for (auto* d : {&leap, &march}) ar::insert(db, *d);
    s1.labels_attach(red);
    s1.labels_attach(blue);
    s2.labels_attach(green);
    leap.shops_attach(s1);
    leap.shops_attach(s3);
    march.shops_attach(s2);
  }
  shop s1{shop_id{101}, "one"}, s2{shop_id{102}, "two"}, s3{shop_id{103}, "three"};
  label red{uuid_of(1), "red"}, green{uuid_of(2), "green"}, blue{uuid_of(3), "blue"};
  open_day leap{ar::date{2024y / February / 29}, "leap"}, march{ar::date{2024y / March / 1}, "march"};
};

TEST_P(typed_key_through, lazy_eager_and_batched_loads_count_as_for_integer_keys) {
  shop one = ar::find_or_throw<shop>(db, shop_id{101});
  ar::statement_counter counter;
  // In the target key's order: a uuid by its bytes (blue's first byte is the smallest).
  EXPECT_EQ(names(one.labels()), (std::vector<std::string>{"blue", "red"}));
  EXPECT_EQ(counter.count(), 1u);
  counter.reset();
  const auto shops = ar::from<shop>(db) | ar::order_by(shop::c.id) | ar::with("labels", "days") | ar::to_vector;
  EXPECT_EQ(counter.count(), 3u);
  ASSERT_EQ(shops.size(), 3u);
  EXPECT_EQ(names(shops[0].labels()), (std::vector<std::string>{"blue", "red"}));
  EXPECT_EQ(names(shops[1].labels()), (std::vector<std::string>{"green"}));
  EXPECT_TRUE(shops[2].labels().empty());
  EXPECT_EQ(names(shops[0].days()), (std::vector<std::string>{"leap"}));
  EXPECT_EQ(names(shops[2].days()), (std::vector<std::string>{"leap"}));
  EXPECT_EQ(counter.count(), 3u);
  // The other directions, batched: one statement for all the records read together.
  const auto days = ar::from<open_day>(db) | ar::order_by(open_day::c.day) | ar::to_vector;
  counter.reset();
  ASSERT_EQ(days.size(), 2u);
  EXPECT_EQ(names(days[0].shops()), (std::vector<std::string>{"one", "three"}));
  EXPECT_EQ(names(days[1].shops()), (std::vector<std::string>{"two"}));
  EXPECT_EQ(counter.count(), 1u);
  const auto labels = ar::from<label>(db) | ar::to_vector;
  counter.reset();
  std::size_t linked = 0;
  for (const label& l : labels) linked += l.shops().size();
  EXPECT_EQ(linked, 3u);
  EXPECT_EQ(counter.count(), 1u);
}

TEST_P(typed_key_through, attach_detach_sync_and_toggle_write_the_join_rows) {
  EXPECT_EQ(names(s3.labels()), std::vector<std::string>{});
  s3.labels_attach(green);
  EXPECT_EQ(names(s3.labels()), (std::vector<std::string>{"green"}));  // the loaded cache kept true
  EXPECT_TRUE(s1.labels_detach(red));
  EXPECT_FALSE(s1.labels_detach(red));
  EXPECT_EQ(names(s1.labels()), (std::vector<std::string>{"blue"}));
  s2.labels_sync(std::vector<ar::uuid>{red.id, blue.id, red.id});
  EXPECT_EQ(names(ar::find_or_throw<shop>(db, s2.id).labels()), (std::vector<std::string>{"blue", "red"}));
  EXPECT_FALSE(s2.labels_toggle(red));
  EXPECT_TRUE(s2.labels_toggle(green));
  EXPECT_EQ(names(ar::find_or_throw<shop>(db, s2.id).labels()), (std::vector<std::string>{"blue", "green"}));
  march.shops_sync(std::vector<shop_id>{s1.id, s3.id});
  EXPECT_EQ(names(ar::find_or_throw<open_day>(db, march.day).shops()), (std::vector<std::string>{"one", "three"}));
  EXPECT_EQ(ar::from<shop_label>(db) | ar::count, 4);  // s1: blue; s2: blue, green; s3: green
}

TEST_P(typed_key_through, a_join_model_on_another_database_groups_by_the_same_keys) {
  auto other = ar_test::open_backend(GetParam(), "other");
  ar::create_table<shop_label>(other);
  ar::bind<shop_label>("other");
  shop_label a{0, s1.id, green.id}, b{0, s1.id, red.id}, c{0, s3.id, red.id};
  for (auto* l : {&a, &b, &c}) ar::insert(*l);
  ar::statement_counter counter;
  const auto shops = ar::from<shop>(db) | ar::order_by(shop::c.id) | ar::with("labels") | ar::to_vector;
  EXPECT_EQ(counter.count(), 3u);  // the shops, the join rows there, the labels here
  ASSERT_EQ(shops.size(), 3u);
  EXPECT_EQ(names(shops[0].labels()), (std::vector<std::string>{"green", "red"}));
  EXPECT_TRUE(shops[1].labels().empty());
  EXPECT_EQ(names(shops[2].labels()), (std::vector<std::string>{"red"}));
  ar::bind<shop_label>("default");
}

AR_INSTANTIATE_BACKEND_SUITE(typed_key_through);

}  // namespace tkth
