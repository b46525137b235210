// What the fuzz targets (tests/fuzz/, docs/fuzzing.md) found, kept as plain tests. No database is
// needed: each renders or validates only.

#include "../support/models.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace {

using ar_test::user;

constexpr std::int64_t most = std::numeric_limits<std::int64_t>::max();

const ar::dialect& sqlite() { return *ar::find_dialect("sqlite3"); }

// A self-referential model, whose paths can be as long as one likes.
struct node {
  std::int64_t id = 0;
  std::optional<std::int64_t> parent_id;

  AR_MODEL(node, "nodes", AR_FIELDS(id, parent_id), AR_BELONGS_TO(parent, node, parent_id, AR_INVERSE(children)),
           AR_HAS_MANY(children, node, parent_id, AR_INVERSE(parent)));
};

std::string path_of(const char* name, std::size_t names) {
  std::string path = name;
  for (std::size_t i = 1; i < names; ++i) path += std::string(".") + name;
  return path;
}

// drop(n) | drop(m) with n + m past INT64_MAX overflowed (undefined behaviour); it skips INT64_MAX rows.
TEST(fuzz_findings, drops_past_int64_max_skip_int64_max_rows) {
  const auto q = ar::from<user>() | ar::drop(most) | ar::drop(most) | ar::drop(1);
  EXPECT_EQ(q.state().offset, most);
  const auto r = q.render(sqlite());
  ASSERT_EQ(r.parameters.size(), 1u);
  EXPECT_EQ(std::get<std::int64_t>(r.parameters[0]), most);
  EXPECT_EQ((ar::from<user>() | ar::take(most) | ar::drop(most)).state().limit, 0);
}

// An eager load's per-parent window, drop(n) | take(m) in a modifier, ranks rows up to n + m:
// past INT64_MAX that overflowed; it is INT64_MAX.
TEST(fuzz_findings, a_per_parent_window_past_int64_max_ends_at_int64_max) {
  const auto q = (ar::from<user>() | ar::drop(most) | ar::take(most)).transformed([](ar::detail::query_state& s) {
    s.partition = 0;
  });
  const auto r = q.render(sqlite());
  ASSERT_EQ(r.parameters.size(), 2u) << r.sql;
  EXPECT_EQ(std::get<std::int64_t>(r.parameters[0]), most);
  EXPECT_EQ(std::get<std::int64_t>(r.parameters[1]), most);
  const auto small =
      (ar::from<user>() | ar::drop(2) | ar::take(3)).transformed([](ar::detail::query_state& s) { s.partition = 0; });
  const auto rs = small.render(sqlite());
  ASSERT_EQ(rs.parameters.size(), 2u);
  EXPECT_EQ(std::get<std::int64_t>(rs.parameters[1]), 5);  // ranks 3 to 5
}

// A path of a self-referential relation 20,000 names long overflowed the stack while it loaded;
// a path names at most ar::detail::max_relation_path_names relations.
TEST(fuzz_findings, relation_paths_have_a_bounded_depth) {
  const std::size_t most_names = ar::detail::max_relation_path_names;
  EXPECT_NO_THROW((void)(ar::from<node>() | ar::with(path_of("children", most_names))));
  EXPECT_THROW((void)(ar::from<node>() | ar::with(path_of("children", most_names + 1))), ar::invalid_relation_path);
  EXPECT_THROW(ar::load(std::vector<node>{}, path_of("parent", 100000)), ar::invalid_relation_path);
  // The message shows the start of a long path, not all of it.
  try {
    (void)(ar::from<node>() | ar::with(path_of("children", 100000)));
    FAIL() << "expected ar::invalid_relation_path";
  } catch (const ar::invalid_relation_path& e) {
    const std::string what = e.what();
    EXPECT_LT(what.size(), 400u);
    EXPECT_NE(what.find("children.children"), std::string::npos) << what;
    EXPECT_NE(what.find("(899999 bytes)"), std::string::npos) << what;
    EXPECT_NE(what.find("more than 64 relations"), std::string::npos) << what;
  }
}

// with_count in an eager load's modifier with a per-parent window (take / drop) read one column
// more than the statement had: the window's query left the counts out.
TEST(fuzz_findings, with_count_in_a_modifier_with_a_window_counts) {
  auto db = ar::open("sqlite3://db=:memory:", "fuzz_findings");
  ar::bind<node>("fuzz_findings");
  ar::create_table<node>(db);
  node root{};
  ar::insert(root);
  std::vector<node> children(3, node{0, root.id});
  ar::insert_all(children);
  node grandchild{0, children[0].id};
  ar::insert(grandchild);

  const auto q = ar::from<node>() | ar::filter(node::c.id == root.id) |
                 ar::with("children", [](ar::query<node> c) { return c | ar::with_count("children") | ar::take(2); });
  const auto roots = q | ar::to_vector;
  ASSERT_EQ(roots.size(), 1u);
  ASSERT_EQ(roots[0].children().size(), 2u);
  EXPECT_EQ(roots[0].children()[0].children_count(), 1);
  EXPECT_EQ(roots[0].children()[1].children_count(), 0);
  db.close();
}

}  // namespace
