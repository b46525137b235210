// ar::uuid on every backend: UUID on PostgreSQL, CHAR(36) on MariaDB, TEXT on SQLite, as a field, a
// primary key the program supplies and a filter value; order is byte order everywhere (the text is
// lower case); stored text that is not a UUID is an ar::conversion_error naming the value.

#include "../support/backends.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace {

struct device {
  ar::uuid id;
  std::string name;
  std::optional<ar::uuid> parent;
  AR_MODEL(device, "uuid_devices", AR_FIELDS(id, name, parent));
};

struct name_as_uuid {
  ar::uuid id;
  ar::uuid name;
  AR_MODEL(name_as_uuid, "uuid_devices", AR_FIELDS(id, name));
};

static_assert(!ar::model_of<device>::generated_key);

class uuids : public ar_test::backend_test {
 protected:
  void SetUp() override {
    backend_test::SetUp();
    ar::create_tables<device>(db);
  }
};

TEST(uuid_text, formats_lower_case_and_parses_either_case) {
  const ar::uuid u = ar::parse_uuid("123E4567-e89b-12d3-A456-426614174000");
  EXPECT_EQ(ar::format_uuid(u), "123e4567-e89b-12d3-a456-426614174000");
  EXPECT_EQ(u.bytes[0], std::byte{0x12});
  EXPECT_EQ(u.bytes[15], std::byte{0x00});
  for (const char* bad : {"", "123e4567e89b12d3a456426614174000", "{123e4567-e89b-12d3-a456-426614174000}",
                          "123e4567-e89b-12d3-a456-42661417400g", "123e4567-e89b-12d3-a456_426614174000"})
    EXPECT_THROW(ar::parse_uuid(bad), ar::error) << bad;
}

TEST_P(uuids, round_trip_key_filter_and_order) {
  const ar::uuid a = ar::parse_uuid("00000000-0000-0000-0000-000000000000");
  const ar::uuid b = ar::parse_uuid("7fffffff-ffff-ffff-ffff-ffffffffffff");
  const ar::uuid c = ar::parse_uuid("ffffffff-ffff-ffff-ffff-fffffffffffe");
  const ar::uuid d = ar::parse_uuid("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
  std::vector<device> rows{{c, "c", a}, {a, "a", std::nullopt}, {d, "d", c}, {b, "b", std::nullopt}};
  ar::insert_all(db, rows);
  EXPECT_EQ(ar::find_or_throw<device>(db, d).parent, c);
  EXPECT_FALSE(ar::find_or_throw<device>(db, b).parent.has_value());
  std::string order;
  for (const device& x : ar::from<device>(db) | ar::order_by(device::c.id) | ar::to_vector) order += x.name;
  EXPECT_EQ(order, "abdc");
  EXPECT_EQ((ar::from<device>(db) | ar::filter(device::c.parent == c) | ar::count), 1);
  EXPECT_EQ((ar::from<device>(db) | ar::filter(device::c.id > b) | ar::count), 2);
  device renamed = ar::find_or_throw<device>(db, d);
  renamed.name = "renamed";
  ar::update(db, renamed);
  EXPECT_EQ(ar::find_or_throw<device>(db, d).name, "renamed");
  EXPECT_TRUE(ar::destroy<device>(db, d));
  EXPECT_FALSE(ar::find<device>(db, d).has_value());
  EXPECT_TRUE(ar::verify_schema<device>(db).warnings.empty());
}

TEST_P(uuids, stored_text_that_is_not_a_uuid_is_refused) {
  const ar::uuid a = ar::parse_uuid("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
  device x{a, "not a uuid", std::nullopt};
  ar::insert(db, x);
  try {
    (void)(ar::from<name_as_uuid>(db) | ar::to_vector);
    ADD_FAILURE() << "read";
  } catch (const ar::conversion_error& e) {
    EXPECT_EQ(e.table(), "uuid_devices");
    EXPECT_EQ(e.column(), "name");
    EXPECT_EQ(e.found(), "text 'not a uuid'");
    EXPECT_NE(e.expected().find("ar::uuid"), std::string::npos) << e.expected();
  }
}

AR_INSTANTIATE_BACKEND_SUITE(uuids);

}  // namespace
