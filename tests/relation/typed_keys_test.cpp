// Relations whose key is not an integer or a string: a strong id (a type with an ar::type_mapping
// stored as a BIGINT), an ar::uuid and an ar::date, each as a parent's primary key and its
// children's foreign key. Lazy loads, automatic batching, eager loads both ways and the sharing of
// one parent between its children work as for integer keys, counted in statements at the
// observation point, on every backend.

#include "../support/backends.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tk {

struct shop_id {
  std::int64_t value = 0;
  friend bool operator==(shop_id, shop_id) = default;
};

}  // namespace tk

template <>
struct ar::type_mapping<tk::shop_id> {
  using stored = std::int64_t;
  static stored to_stored(const tk::shop_id& v) { return v.value; }
  static tk::shop_id from_stored(stored s) { return tk::shop_id{s}; }
};

namespace tk {

using namespace std::chrono;

// Each family: a parent with `children`, a child with `parent`, its inverse.
struct item;
struct shop {
  shop_id id;
  std::string name;
  AR_MODEL(shop, "tk_shops", AR_FIELDS(id, name), AR_KEY_SUPPLIED,
           AR_HAS_MANY(children, item, shop_key, AR_INVERSE(parent)));
};
struct item {
  std::int64_t id = 0;
  shop_id shop_key;
  std::string name;
  AR_MODEL(item, "tk_items", AR_FIELDS(id, shop_key, name),
           AR_BELONGS_TO(parent, shop, shop_key, AR_INVERSE(children)));
};

struct reading;
struct device {
  ar::uuid id;
  std::string name;
  AR_MODEL(device, "tk_devices", AR_FIELDS(id, name), AR_KEY_SUPPLIED,
           AR_HAS_MANY(children, reading, device_id, AR_INVERSE(parent)));
};
struct reading {
  std::int64_t id = 0;
  ar::uuid device_id;
  std::string name;
  AR_MODEL(reading, "tk_readings", AR_FIELDS(id, device_id, name),
           AR_BELONGS_TO(parent, device, device_id, AR_INVERSE(children)));
};

struct entry;
struct day_plan {
  ar::date day{};
  std::string name;
  AR_MODEL(day_plan, "tk_days", AR_FIELDS(day, name), AR_PRIMARY_KEY(day), AR_KEY_SUPPLIED,
           AR_HAS_MANY(children, entry, day, AR_INVERSE(parent)));
};
struct entry {
  std::int64_t id = 0;
  ar::date day{};
  std::string name;
  AR_MODEL(entry, "tk_entries", AR_FIELDS(id, day, name), AR_BELONGS_TO(parent, day_plan, day, AR_INVERSE(children)));
};

ar::uuid uuid_of(int n) {
  ar::uuid u;
  for (std::size_t i = 0; i < u.bytes.size(); ++i)
    u.bytes[i] = static_cast<std::byte>((n * 37 + static_cast<int>(i) * 11) % 256);
  u.bytes[0] = std::byte{0};  // one NUL byte in each key
  return u;
}

std::vector<std::string> names_of_children(const auto& children) {
  std::vector<std::string> out;
  for (const auto& c : children) out.push_back(c.name);
  std::sort(out.begin(), out.end());
  return out;
}

class typed_keys : public ar_test::backend_test {
 protected:
  // Three parents (keys from key_of(0..2)); two children each for the first two, none for the third.
  template <class P, class C, class MakeParent, class MakeChild>
  void seed(MakeParent make_parent, MakeChild make_child) {
    ar::create_tables<P, C>(db);
    for (int p = 0; p < 3; ++p) {
      P parent = make_parent(p);
      ar::insert(db, parent);
    }
    for (int c = 0; c < 4; ++c) {
      C child = make_child(c / 2, c);
      ar::insert(db, child);
    }
  }

  // Every way of loading the relation both ways, in statements.
  template <class P, class C, class KeyOf, class ForeignKeyOf>
  void exercise(KeyOf key_of, ForeignKeyOf foreign_key_of) {
    {
      SCOPED_TRACE("lazy belongs_to: one statement, cached");
      const auto children = ar::from<C>(db) | ar::order_by(C::c.id) | ar::no_auto_batching | ar::to_vector;
      ar::statement_counter counter;
      const auto parent = children[0].parent();
      ASSERT_NE(parent, nullptr);
      EXPECT_TRUE(key_of(*parent) == foreign_key_of(children[0]));
      EXPECT_EQ(parent->name, "p0");
      EXPECT_EQ(children[0].parent(), parent);
      EXPECT_EQ(counter.count(), 1u);
    }
    {
      SCOPED_TRACE("lazy has_many: one statement, the key bound as its own type");
      const P parent = ar::find_or_throw<P>(db, key_of(make_key_source<P>(0)));
      ar::statement_counter counter;
      EXPECT_EQ(names_of_children(parent.children()), (std::vector<std::string>{"c0", "c1"}));
      EXPECT_EQ(counter.count(), 1u);
    }
    {
      SCOPED_TRACE("batched belongs_to: one statement for every child, one parent shared by its children");
      ar::statement_counter counter;
      const auto children = ar::from<C>(db) | ar::order_by(C::c.id) | ar::to_vector;
      ASSERT_EQ(children.size(), 4u);
      for (const C& c : children) ASSERT_NE(c.parent(), nullptr);
      EXPECT_EQ(counter.count(), 2u);
      EXPECT_EQ(children[0].parent(), children[1].parent());
      EXPECT_NE(children[1].parent(), children[2].parent());
      EXPECT_EQ(children[2].parent()->name, "p1");
    }
    {
      SCOPED_TRACE("batched has_many: one statement for every parent");
      ar::statement_counter counter;
      const auto parents = ar::from<P>(db) | ar::order_by(P::c.name) | ar::to_vector;
      ASSERT_EQ(parents.size(), 3u);
      EXPECT_EQ(names_of_children(parents[0].children()), (std::vector<std::string>{"c0", "c1"}));
      EXPECT_EQ(names_of_children(parents[1].children()), (std::vector<std::string>{"c2", "c3"}));
      EXPECT_TRUE(parents[2].children().empty());
      EXPECT_EQ(counter.count(), 2u);
    }
    {
      SCOPED_TRACE("eager has_many, its inverse filled in");
      ar::statement_counter counter;
      const auto parents = ar::from<P>(db) | ar::with("children") | ar::order_by(P::c.name) | ar::to_vector;
      EXPECT_EQ(counter.count(), 2u);
      ASSERT_EQ(parents.size(), 3u);
      ASSERT_EQ(parents[1].children().size(), 2u);
      EXPECT_EQ(names_of_children(parents[1].children()), (std::vector<std::string>{"c2", "c3"}));
      EXPECT_EQ(parents[1].children()[0].parent()->name, "p1");
      EXPECT_TRUE(parents[2].children().empty());
      EXPECT_EQ(counter.count(), 2u);
    }
    {
      SCOPED_TRACE("eager belongs_to, one parent shared by its children");
      ar::statement_counter counter;
      const auto children = ar::from<C>(db) | ar::with("parent") | ar::order_by(C::c.id) | ar::to_vector;
      EXPECT_EQ(counter.count(), 2u);
      ASSERT_EQ(children.size(), 4u);
      EXPECT_EQ(children[0].parent(), children[1].parent());
      EXPECT_EQ(children[3].parent()->name, "p1");
      EXPECT_TRUE(key_of(*children[3].parent()) == foreign_key_of(children[3]));
      EXPECT_EQ(counter.count(), 2u);
    }
  }

  template <class P>
  P make_key_source(int n) const;
};

template <>
shop typed_keys::make_key_source<shop>(int n) const {
  return shop{shop_id{1000 + n}, "p" + std::to_string(n)};
}
template <>
device typed_keys::make_key_source<device>(int n) const {
  return device{uuid_of(n), "p" + std::to_string(n)};
}
template <>
day_plan typed_keys::make_key_source<day_plan>(int n) const {
  return day_plan{ar::date{sys_days{2024y / February / 28} + days{n}}, "p" + std::to_string(n)};  // 28, 29, March 1
}

TEST_P(typed_keys, a_strong_id_key_relates_its_models) {
  seed<shop, item>([&](int p) { return make_key_source<shop>(p); },
                   [&](int p, int c) { return item{0, make_key_source<shop>(p).id, "c" + std::to_string(c)}; });
  exercise<shop, item>([](const shop& s) { return s.id; }, [](const item& i) { return i.shop_key; });
}

TEST_P(typed_keys, a_uuid_key_relates_its_models) {
  seed<device, reading>(
      [&](int p) { return make_key_source<device>(p); },
      [&](int p, int c) { return reading{0, make_key_source<device>(p).id, "c" + std::to_string(c)}; });
  exercise<device, reading>([](const device& d) { return d.id; }, [](const reading& r) { return r.device_id; });
}

TEST_P(typed_keys, a_date_key_relates_its_models) {
  seed<day_plan, entry>(
      [&](int p) { return make_key_source<day_plan>(p); },
      [&](int p, int c) { return entry{0, make_key_source<day_plan>(p).day, "c" + std::to_string(c)}; });
  exercise<day_plan, entry>([](const day_plan& d) { return d.day; }, [](const entry& e) { return e.day; });
}

AR_INSTANTIATE_BACKEND_SUITE(typed_keys);

}  // namespace tk
