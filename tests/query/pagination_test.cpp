// Pagination on every backend: page(n) reads a page and whether more follow in one statement;
// after(record) pages by keyset, stable when rows are inserted or deleted before the cursor.

#include "../support/backends.hpp"
#include "../support/models.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <tuple>
#include <vector>

namespace {

using ar_test::person;

class pagination : public ar_test::backend_test {
 protected:
  void SetUp() override {
    backend_test::SetUp();
    ar::create_tables<person>(db);
    // 23 people; scores with many ties (0.0 to 4.0 in steps of 0.5, each 2 or 3 times).
    for (int i = 0; i < 23; ++i)
      people.push_back(person{0, "p" + std::to_string(i), std::nullopt, (i * 7 % 9) * 0.5, i % 2 == 0, {}});
    ar::insert_all(db, people);
  }
  auto ordered() const { return ar::from<person>(db) | ar::order_by(person::c.score.desc(), person::c.id); }
  std::vector<std::int64_t> ids(const std::vector<person>& rows) const {
    std::vector<std::int64_t> out;
    for (const auto& p : rows) out.push_back(p.id);
    return out;
  }
  std::vector<person> people;
};

TEST_P(pagination, pages_by_keyset_cover_every_row_once_in_order_one_statement_each) {
  const std::vector<std::int64_t> all = ids(ordered() | ar::to_vector);
  ASSERT_EQ(all.size(), 23u);
  std::vector<std::int64_t> seen;
  ar::statement_counter counter;
  auto page = ordered() | ar::page(5);
  std::size_t pages = 1;
  for (;;) {
    for (const auto& p : page.records) seen.push_back(p.id);
    if (!page.has_more) break;
    page = ordered() | ar::after(page.records.back()) | ar::page(5);
    ++pages;
  }
  EXPECT_EQ(pages, 5u);  // 5 + 5 + 5 + 5 + 3
  EXPECT_EQ(counter.count(), pages);
  EXPECT_EQ(seen, all);
  EXPECT_EQ(page.records.size(), 3u);
}

TEST_P(pagination, a_page_that_ends_the_rows_says_nothing_follows) {
  auto exact = ordered() | ar::drop(18) | ar::page(5);
  EXPECT_EQ(exact.records.size(), 5u);
  EXPECT_FALSE(exact.has_more);
  auto past = ordered() | ar::drop(30) | ar::page(5);
  EXPECT_TRUE(past.records.empty());
  EXPECT_FALSE(past.has_more);
  auto none = ordered() | ar::page(0);
  EXPECT_TRUE(none.records.empty());
  EXPECT_TRUE(none.has_more);
  // drop(k) | page(n): offset pagination, the same rows as drop(k) | take(n).
  EXPECT_EQ(ids((ordered() | ar::drop(7) | ar::page(4)).records),
            ids(ordered() | ar::drop(7) | ar::take(4) | ar::to_vector));
}

TEST_P(pagination, keyset_pages_stay_put_when_rows_are_inserted_before_the_cursor) {
  const auto first = ordered() | ar::page(6);
  const auto second_by_offset = ids((ordered() | ar::drop(6) | ar::page(6)).records);
  const auto second_by_keyset = ids((ordered() | ar::after(first.records.back()) | ar::page(6)).records);
  EXPECT_EQ(second_by_keyset, second_by_offset);
  // A row that sorts before every other: the offset's page now starts one row earlier and repeats
  // the last row of the first page; the keyset's page is the same page.
  person top{0, "top", std::nullopt, 99.0, true, {}};
  ar::insert(db, top);
  const auto shifted = ids((ordered() | ar::drop(6) | ar::page(6)).records);
  EXPECT_EQ(shifted.front(), first.records.back().id);
  EXPECT_EQ(ids((ordered() | ar::after(first.records.back()) | ar::page(6)).records), second_by_keyset);
  // And one deleted from the first page: the offset's page skips a row, the keyset's does not.
  ar::destroy(db, first.records[1]);
  ar::destroy(db, top);
  const auto skipped = ids((ordered() | ar::drop(6) | ar::page(6)).records);
  EXPECT_EQ(skipped.front(), second_by_keyset[1]);
  EXPECT_EQ(ids((ordered() | ar::after(first.records.back()) | ar::page(6)).records), second_by_keyset);
}

TEST_P(pagination, after_works_with_filters_ascending_orders_and_selected_rows) {
  auto active = ar::from<person>(db) | ar::filter(person::c.active) | ar::order_by(person::c.name, person::c.id);
  const auto all = active | ar::to_vector;
  const auto first = active | ar::page(4);
  const auto rest = active | ar::after(first.records.back()) | ar::to_vector;
  ASSERT_EQ(first.records.size() + rest.size(), all.size());
  EXPECT_TRUE(std::equal(rest.begin(), rest.end(), all.begin() + 4));
  // A page of selected columns.
  const auto names = ar::from<person>(db) | ar::order_by(person::c.id) | ar::select(person::c.name) | ar::page(3);
  EXPECT_EQ(names.records, (std::vector<std::tuple<std::string>>{{"p0"}, {"p1"}, {"p2"}}));
  EXPECT_TRUE(names.has_more);
}

TEST_P(pagination, after_refuses_an_order_that_could_skip_or_repeat_rows) {
  const person cursor = (ordered() | ar::first).value();
  auto message = [&](auto&& build) {
    try {
      build();
    } catch (const ar::error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message([&] { return ar::from<person>(db) | ar::after(cursor); }),
            "ar::after on 'people': the query has no order_by; keyset pagination follows an order that ends in the "
            "primary key, as every page must be read in (order_by(..., key))");
  EXPECT_EQ(message([&] { return ar::from<person>(db) | ar::order_by(person::c.score) | ar::after(cursor); }),
            "ar::after on 'people': the order does not hold the key column 'id': rows that tie on the order would be "
            "skipped or repeated between pages; add it as the last order key, and read every page in that order");
  EXPECT_NE(message([&] {
              return ar::from<person>(db) | ar::order_by(person::c.age, person::c.id) | ar::after(cursor);
            }).find("ordered by 'age', which may be NULL"),
            std::string::npos);
  EXPECT_EQ(message([&] { return ar::from<person>(db) | ar::order_by(person::c.id) | ar::take(3) | ar::page(2); }),
            "ar::page(n) sets the query's LIMIT itself (n + 1 rows, to know whether more follow): write the page size "
            "there, not in take(...)");
  EXPECT_THROW(ar::page(-1), ar::error);
}

AR_INSTANTIATE_BACKEND_SUITE(pagination);

TEST(pagination_sql, after_is_one_condition_on_the_ordered_columns) {
  const person cursor{7, "x", std::nullopt, 2.5, true, {}};
  const auto r =
      (ar::from<person>() | ar::order_by(person::c.score.desc(), person::c.name, person::c.id) | ar::after(cursor))
          .render(*ar::find_dialect("sqlite3"));
  EXPECT_EQ(r.sql.substr(r.sql.find(" WHERE ")),
            R"( WHERE "score" < ? OR "score" = ? AND "name" > ? OR "score" = ? AND "name" = ? AND "id" > ?)"
            R"( ORDER BY "score" DESC, "name", "id")");
  std::string params;
  for (const auto& v : r.parameters) params += (params.empty() ? "" : ", ") + ar::to_string(v);
  EXPECT_EQ(params, "2.5, 2.5, 'x', 2.5, 'x', 7");
}

}  // namespace
