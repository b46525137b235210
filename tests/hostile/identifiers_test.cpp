// Names that are hard to quote: a table and columns whose names hold a single quote and a colon
// (AR_COLUMN maps fields to them). They work on every backend: the placeholders are the server's
// own and the values are bound, so nothing in a statement's text is taken for a placeholder or a
// literal (MariaDB once refused them, when SOCI's mysql driver wrote the values into the text).

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

TEST_P(identifiers, quotes_and_colons_in_names_round_trip) {
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
  ar::create_table<odd_columns>(db);
  odd_columns c{0, "x"};
  ar::insert(c);
  EXPECT_EQ(ar::from<odd_columns>() | ar::filter(odd_columns::c.coloned == "x") | ar::count, 1u);
}

AR_INSTANTIATE_BACKEND_SUITE(identifiers);

}  // namespace identifiers
