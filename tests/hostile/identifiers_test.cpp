// Names that are hard to quote: a table and columns whose names hold a single quote and a colon
// (AR_COLUMN maps fields to them). They work where the backend can send them, and are refused with
// an ar::configuration_error naming the identifier where it cannot (MariaDB, through SOCI's mysql
// driver), before any statement reaches the server: never a std::out_of_range from the driver,
// never a table that can be created but not read.

#include "../support/backends.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace identifiers {

struct odd {
  std::int64_t id = 0;
  std::string quoted;
  std::string coloned;
  std::int64_t plain = 0;

  AR_MODEL(odd, "odd'names", AR_FIELDS(id, quoted, coloned, plain), AR_COLUMN(quoted, "it's"),
           AR_COLUMN(coloned, "a:b"));
};

// Only the columns are odd: the table's name is plain.
struct odd_columns {
  std::int64_t id = 0;
  std::string coloned;

  AR_MODEL(odd_columns, "odd_columns", AR_FIELDS(id, coloned), AR_COLUMN(coloned, "x:1"));
};

class identifiers : public ar_test::backend_test {};

TEST_P(identifiers, quotes_and_colons_in_names_round_trip_or_are_refused_before_the_server_sees_them) {
  const bool works = ar_test::capabilities_of(GetParam()).identifiers_hold_quotes_and_colons;
  if (works) {
    ar::create_table<odd>(db);
    odd a{0, "q'1", "c:1", 1};
    odd b{0, "q:2", "c'2", 2};
    ar::insert(a);
    ar::insert(b);
    auto found = ar::find<odd>(b.id);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->quoted, "q:2");
    EXPECT_EQ(found->coloned, "c'2");
    auto rows = ar::from<odd>() | ar::filter(odd::c.quoted == "q'1" && odd::c.coloned == "c:1") | ar::to_vector;
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].id, a.id);
    a.coloned = "changed";
    ar::save(a);
    EXPECT_EQ(ar::find_or_throw<odd>(a.id).coloned, "changed");
    ar::destroy(b);
    EXPECT_EQ(ar::from<odd>() | ar::count, 1u);
    return;
  }
  ar::statement_counter counter;
  for (int attempt = 0; attempt < 2; ++attempt) {  // the refusal is not cached away
    try {
      ar::create_table<odd>(db);
      FAIL() << "expected ar::configuration_error";
    } catch (const ar::configuration_error& e) {
      EXPECT_NE(std::string(e.what()).find("odd'names"), std::string::npos) << e.what();
    }
  }
  try {
    ar::create_table<odd_columns>(db);
    FAIL() << "expected ar::configuration_error";
  } catch (const ar::configuration_error& e) {
    EXPECT_NE(std::string(e.what()).find("'x:1'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("colon"), std::string::npos) << e.what();
  }
  // Reads, writes and finds of such a model are refused the same way (the table is not there, but
  // the refusal comes first: no statement at all).
  odd o{0, "q", "c", 0};
  EXPECT_THROW(ar::insert(o), ar::configuration_error);
  EXPECT_THROW((void)ar::find<odd>(1), ar::configuration_error);
  EXPECT_THROW((void)(ar::from<odd>() | ar::filter(odd::c.plain == 1) | ar::to_vector), ar::configuration_error);
  EXPECT_THROW((void)(ar::from<odd_columns>() | ar::filter(odd_columns::c.coloned == "x") | ar::count),
               ar::configuration_error);
  EXPECT_EQ(counter.count(), 0u);
}

AR_INSTANTIATE_BACKEND_SUITE(identifiers);

}  // namespace identifiers
