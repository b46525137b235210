// The SELECT statements a database keeps by the shape of their query (src/sql/select_shapes.hpp):
// a query built again with other values takes the statement written for its shape and binds its
// own values. What is sent must be, text and values, what the renderer writes for that query
// itself, run after run; a query whose text depends on a value (a text search, a pattern) or that
// holds parts the shape does not (groups) is written each time; the cache stays bounded.

#include "../support/backends.hpp"

#include <ar/ar.hpp>

#include "exec/database_state.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace shapes {

struct book;

struct author {
  std::int64_t id = 0;
  std::string name;
  std::int32_t karma = 0;
  AR_MODEL(author, "shape_authors", AR_FIELDS(id, name, karma), AR_HAS_MANY(books, book, author_id));
};

struct book {
  std::int64_t id = 0;
  std::int64_t author_id = 0;
  std::string title;
  AR_MODEL(book, "shape_books", AR_FIELDS(id, author_id, title));
};

class select_shapes : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    db = ar_test::open_backend(GetParam());
    ar::create_table<author>(db);
    ar::create_table<book>(db);
    for (auto [name, karma] : {std::pair{"ann", 3}, std::pair{"bob", 5}, std::pair{"cy", 7}}) {
      author a{0, name, karma};
      ar::insert(db, a);
      ids.push_back(a.id);
    }
    for (auto [owner, title] : {std::pair{0, "a1"}, std::pair{0, "a2"}, std::pair{1, "b1"}}) {
      book b{0, ids[static_cast<std::size_t>(owner)], title};
      ar::insert(db, b);
    }
  }
  void TearDown() override { ar_test::close_backends(); }

  std::size_t kept() const { return ar::detail::state_of(db).selects.size(); }

  // Runs the query, and checks that the one statement sent is the one the renderer writes for it,
  // with its values.
  template <class Q>
  auto run_as_rendered(const Q& q) {
    std::vector<std::string> sent;
    std::vector<std::vector<ar::value>> bound;
    auto rows = [&] {
      const ar::observer_handle handle = ar::observe([&](const ar::statement_event& e) {
        sent.emplace_back(e.sql);
        bound.emplace_back(e.params.begin(), e.params.end());
      });
      return q | ar::to_vector;
    }();
    const auto rendered = q.render();
    EXPECT_EQ(sent, std::vector<std::string>{rendered.sql});
    EXPECT_EQ(bound, std::vector<std::vector<ar::value>>{rendered.parameters});
    return rows;
  }

  static std::vector<std::string> names(const std::vector<author>& rows) {
    std::vector<std::string> out;
    for (const author& a : rows) out.push_back(a.name);
    return out;
  }

  ar::database db;
  std::vector<std::int64_t> ids;
};

TEST_P(select_shapes, a_query_built_again_with_other_values_takes_its_kept_statement_and_binds_them) {
  using names_t = std::vector<std::string>;
  const std::size_t before = kept();
  auto by_name = [&](const std::string& name, std::int32_t karma, std::int64_t n, std::int64_t skip) {
    return names(run_as_rendered(ar::from<author>(db) | ar::filter(author::c.name == name || author::c.karma >= karma) |
                                 ar::order_by(author::c.id) | ar::take(n) | ar::drop(skip)));
  };
  EXPECT_EQ(by_name("ann", 100, 10, 0), names_t{"ann"});
  EXPECT_EQ(kept(), before + 1);
  // The same shape: its statement, with these values.
  EXPECT_EQ(by_name("bob", 7, 10, 0), (names_t{"bob", "cy"}));
  EXPECT_EQ(by_name("zed", 0, 2, 1), names_t{"bob"});  // the first two, then the first dropped
  EXPECT_EQ(by_name("zed", 100, 10, 0), names_t{});
  EXPECT_EQ(kept(), before + 1);
}

TEST_P(select_shapes, a_join_with_selected_columns_binds_each_runs_values) {
  auto titles = [&](std::int32_t karma) {
    return run_as_rendered(ar::from<author>(db) | ar::left_joins<"books"> | ar::filter(author::c.karma > karma) |
                           ar::order_by(author::c.id) | ar::order_by(book::c.title) |
                           ar::select(author::c.name, book::c.title));
  };
  using row = std::tuple<std::string, std::optional<std::string>>;
  const std::size_t before = kept();
  EXPECT_EQ(titles(4), (std::vector<row>{{"bob", "b1"}, {"cy", std::nullopt}}));
  EXPECT_EQ(titles(0), (std::vector<row>{{"ann", "a1"}, {"ann", "a2"}, {"bob", "b1"}, {"cy", std::nullopt}}));
  EXPECT_EQ(titles(6), (std::vector<row>{{"cy", std::nullopt}}));
  EXPECT_EQ(kept(), before + 1);
}

// A select of plain columns is named in the shape by its trees' address (they live as long as the
// program): selects of other columns, taken in turn, are other shapes, each sending its own text.
TEST_P(select_shapes, selects_of_other_columns_taken_in_turn_are_other_shapes) {
  const std::size_t before = kept();
  for (int round = 0; round < 2; ++round) {
    EXPECT_EQ(run_as_rendered(ar::from<author>(db) | ar::filter(author::c.karma > 4) | ar::order_by(author::c.id) |
                              ar::select(author::c.name)),
              (std::vector<std::tuple<std::string>>{{"bob"}, {"cy"}}));
    EXPECT_EQ(run_as_rendered(ar::from<author>(db) | ar::filter(author::c.karma > 4) | ar::order_by(author::c.id) |
                              ar::select(author::c.karma)),
              (std::vector<std::tuple<std::int32_t>>{{5}, {7}}));
    EXPECT_EQ(run_as_rendered(ar::from<author>(db) | ar::filter(author::c.karma > 4) | ar::order_by(author::c.id) |
                              ar::select(author::c.karma, author::c.name)),
              (std::vector<std::tuple<std::int32_t, std::string>>{{5, "bob"}, {7, "cy"}}));
  }
  EXPECT_EQ(kept(), before + 3);
}

// A select with values is made again by each query: it is named by its contents, so the queries
// built again share one shape, and each binds its own values.
TEST_P(select_shapes, a_select_with_values_built_again_is_one_shape_binding_each_runs_values) {
  const std::size_t before = kept();
  for (const std::int32_t more : {1, 10, 100}) {
    EXPECT_EQ(
        run_as_rendered(ar::from<author>(db) | ar::order_by(author::c.id) |
                        ar::select(author::c.name, author::c.karma + more)),
        (std::vector<std::tuple<std::string, std::int64_t>>{{"ann", 3 + more}, {"bob", 5 + more}, {"cy", 7 + more}}));
  }
  EXPECT_EQ(kept(), before + 1);
}

TEST_P(select_shapes, in_lists_of_other_lengths_are_other_shapes) {
  using names_t = std::vector<std::string>;
  auto among = [&](std::vector<std::int64_t> keys) {
    return names(
        run_as_rendered(ar::from<author>(db) | ar::filter(author::c.id.in(keys)) | ar::order_by(author::c.id)));
  };
  const std::size_t before = kept();
  EXPECT_EQ(among({ids[0]}), names_t{"ann"});
  EXPECT_EQ(among({ids[2]}), names_t{"cy"});
  EXPECT_EQ(among({ids[1], ids[2]}), (names_t{"bob", "cy"}));
  EXPECT_EQ(among({ids[0], ids[1]}), (names_t{"ann", "bob"}));
  EXPECT_EQ(kept(), before + 2);
}

TEST_P(select_shapes, a_query_whose_text_depends_on_a_value_is_written_each_time) {
  using names_t = std::vector<std::string>;
  const std::size_t before = kept();
  // A text search and a pattern: the dialect writes them from the text (escaping it, or not).
  EXPECT_EQ(names(run_as_rendered(ar::from<author>(db) | ar::filter(author::c.name.contains("n")))), names_t{"ann"});
  EXPECT_EQ(names(run_as_rendered(ar::from<author>(db) | ar::filter(author::c.name.contains("%")))), names_t{});
  EXPECT_EQ(names(run_as_rendered(ar::from<author>(db) | ar::filter(author::c.name.like("b%")))), names_t{"bob"});
  // Groups: a GROUP BY key is found among the selected by comparing values.
  const auto groups =
      run_as_rendered(ar::from<author>(db) | ar::filter(author::c.karma > 4) | ar::group_by(author::c.karma) |
                      ar::select(author::c.karma, ar::count_all()) | ar::order_by(author::c.karma));
  EXPECT_EQ(groups.size(), 2u);
  EXPECT_EQ(kept(), before);
}

TEST_P(select_shapes, the_kept_statements_stay_bounded) {
  // Shapes made from data (IN lists of 1 to 64 keys, each with or without an order, a limit and an
  // offset: 768 shapes): the cache empties when full rather than growing with them.
  std::size_t largest = 0;
  std::size_t made = 0;
  std::vector<std::int64_t> keys;
  for (std::int64_t k = 1; k <= 64; ++k) {
    keys.push_back(k <= 3 ? ids[static_cast<std::size_t>(k - 1)] : 1000 + k);
    for (int order = 0; order < 3; ++order)
      for (bool limited : {false, true})
        for (bool offset : {false, true}) {
          auto q = ar::from<author>(db) | ar::filter(author::c.id.in(keys));
          if (order == 1) q = std::move(q) | ar::order_by(author::c.id);
          if (order == 2) q = std::move(q) | ar::order_by(author::c.id.desc());
          if (limited) q = std::move(q) | ar::take(5);
          if (offset) q = std::move(q) | ar::drop(0);
          EXPECT_EQ(run_as_rendered(q).size(), std::min<std::size_t>(keys.size(), 3));  // 3 authors exist
          ++made;
          largest = std::max(largest, kept());
        }
  }
  EXPECT_GT(made, ar::detail::select_shapes::capacity);
  EXPECT_EQ(largest, ar::detail::select_shapes::capacity);
  EXPECT_EQ(kept(), made - ar::detail::select_shapes::capacity);  // emptied once, at the 513th
}

INSTANTIATE_TEST_SUITE_P(backends, select_shapes, ::testing::ValuesIn(ar_test::registered_backends()),
                         ::ar_test::backend_name);

}  // namespace shapes
