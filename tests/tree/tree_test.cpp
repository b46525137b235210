// Self-referential relations: parent / children, nested eager paths over them, ancestors and
// descendants in one statement each, and the cycle check.

#include "../support/backends.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

struct category {
  std::int64_t id = 0;
  std::optional<std::int64_t> parent_id;
  std::string name;

  AR_MODEL(category, "categories", AR_FIELDS(id, parent_id, name),
           AR_BELONGS_TO(parent, category, parent_id, AR_INVERSE(children)),
           AR_HAS_MANY(children, category, parent_id, AR_INVERSE(parent)));
};

// The same table without its foreign key constraint, for rows written before their parent.
struct loose_category {
  std::int64_t id = 0;
  std::optional<std::int64_t> parent_id;
  std::string name;

  AR_MODEL(loose_category, "categories", AR_FIELDS(id, parent_id, name),
           AR_BELONGS_TO(parent, loose_category, parent_id, AR_NO_FOREIGN_KEY));
};

std::vector<std::string> names(const std::vector<category>& v) {
  std::vector<std::string> out;
  for (const auto& c : v) out.push_back(c.name);
  return out;
}

class trees : public ar_test::backend_test {
 protected:
  void SetUp() override {
    backend_test::SetUp();
    ar::create_table<category>(db);
    // root -> a -> a1 -> a1x ; root -> b
    add(root, std::nullopt, "root");
    add(a, root.id, "a");
    add(b, root.id, "b");
    add(a1, a.id, "a1");
    add(a1x, a1.id, "a1x");
  }
  void add(category& c, std::optional<std::int64_t> parent, std::string name) {
    c = category{0, parent, std::move(name)};
    ar::insert(db, c);
  }
  category root, a, b, a1, a1x;
};

TEST_P(trees, children_children_is_three_statements) {
  ar::statement_counter counter;
  auto roots = ar::from<category>(db) | ar::filter(category::c.parent_id.is_null()) | ar::with("children.children") |
               ar::to_vector;
  ASSERT_EQ(roots.size(), 1u);
  EXPECT_EQ(counter.count(), 3u);
  std::vector<std::string> grandchildren;
  for (const auto& child : roots[0].children())
    for (const auto& g : child.children()) grandchildren.push_back(g.name);
  EXPECT_EQ(grandchildren, (std::vector<std::string>{"a1"}));
  EXPECT_EQ(counter.count(), 3u);
}

TEST_P(trees, parent_parent_is_three_statements) {
  ar::statement_counter counter;
  auto leaves =
      ar::from<category>(db) | ar::filter(category::c.name == "a1x") | ar::with("parent.parent") | ar::to_vector;
  EXPECT_EQ(leaves[0].parent()->name, "a1");
  EXPECT_EQ(leaves[0].parent()->parent()->name, "a");
  EXPECT_EQ(counter.count(), 3u);
}

TEST_P(trees, ancestors_and_descendants_are_one_statement_each) {
  ar::statement_counter counter;
  EXPECT_EQ(names(ar::ancestors(a1x, "parent")), (std::vector<std::string>{"a1", "a", "root"}));
  EXPECT_EQ(counter.count(), 1u);
  EXPECT_EQ(names(ar::descendants(root, "parent")), (std::vector<std::string>{"a", "b", "a1", "a1x"}));
  EXPECT_EQ(counter.count(), 2u);
  EXPECT_TRUE(ar::ancestors(root, "parent").empty());
  EXPECT_TRUE(ar::descendants(a1x, "parent").empty());
  EXPECT_THROW((void)ar::ancestors(root, "children"), ar::error);  // not a parent relation
  EXPECT_THROW((void)ar::ancestors(root, "nope"), ar::relation_not_found);
}

TEST_P(trees, a_record_cannot_become_its_own_ancestor) {
  a.parent_id = a1x.id;  // a's great-grandchild as its parent: a cycle
  try {
    ar::update(db, a);
    FAIL() << "expected ar::error";
  } catch (const ar::error& e) {
    EXPECT_NE(std::string(e.what()).find("its own ancestor"), std::string::npos) << e.what();
  }
  b.parent_id = b.id;  // its own parent
  EXPECT_THROW(ar::save(db, b), ar::error);
  EXPECT_EQ(ar::find_or_throw<category>(db, a.id).parent_id, root.id);  // nothing was saved
  b.parent_id = a1x.id;                                                 // a legal move
  EXPECT_NO_THROW(ar::save(db, b));
  EXPECT_EQ(names(ar::ancestors(b, "parent")), (std::vector<std::string>{"a1x", "a1", "a", "root"}));
}

// The cycle check walks the subtree (one statement): only when the parent key is being changed.
TEST_P(trees, an_update_that_keeps_the_parent_runs_no_cycle_check) {
  a.name = "a renamed";
  ar::statement_counter counter;
  ar::update(db, a);  // read and saved by insert: only the name changed
  ASSERT_EQ(counter.count(), 1u) << ::testing::PrintToString(counter.statements());
  EXPECT_NE(counter.statements()[0].find("UPDATE"), std::string::npos) << counter.statements()[0];

  a.parent_id = b.id;  // a new parent: the check runs (the walk, then the UPDATE)
  counter.reset();
  ar::update(db, a);
  EXPECT_EQ(counter.count(), 2u) << ::testing::PrintToString(counter.statements());

  // A record ar never read or wrote has no snapshot: every column is written, so the check runs.
  category copy{a.id, a.parent_id, "a again"};
  counter.reset();
  ar::update(db, copy);
  EXPECT_EQ(counter.count(), 2u) << ::testing::PrintToString(counter.statements());

  // A loaded record whose parent changes to one of its descendants is still refused.
  category loaded = ar::find_or_throw<category>(db, a.id);
  loaded.name = "only the name";
  counter.reset();
  ar::save(db, loaded);
  EXPECT_EQ(counter.count(), 1u);
  loaded.parent_id = a1x.id;
  EXPECT_THROW(ar::save(db, loaded), ar::error);
  EXPECT_EQ(ar::find_or_throw<category>(db, a.id).parent_id, b.id);
}

TEST_P(trees, insert_with_a_chosen_key_refuses_a_self_parent_without_a_statement) {
  category self{1000, 1000, "self"};
  ar::statement_counter counter;
  try {
    ar::insert(db, self);
    FAIL() << "expected ar::error";
  } catch (const ar::error& e) {
    EXPECT_NE(std::string(e.what()).find("its own ancestor"), std::string::npos) << e.what();
  }
  EXPECT_EQ(counter.count(), 0u);
  EXPECT_FALSE(ar::find<category>(db, 1000));
  EXPECT_EQ(self.id, 1000);
}

TEST_P(trees, insert_with_a_chosen_key_refuses_to_close_a_cycle_with_existing_rows) {
  // Rows written before their parent need a table whose parent_id no constraint checks: the same
  // table made from loose_category (AR_NO_FOREIGN_KEY), with its root again.
  ar::drop_table<category>(db);
  ar::create_table<loose_category>(db);
  add(root, std::nullopt, "root");
  // Rows already point at key 2000 (written before their parent): inserting 2000 under one of them
  // would close a cycle.
  category orphan{0, 2000, "orphan"};
  ar::insert(db, orphan);
  category grandchild{0, orphan.id, "grandchild"};
  ar::insert(db, grandchild);
  category closing{2000, grandchild.id, "closing"};
  ar::statement_counter counter;
  try {
    ar::insert(db, closing);
    FAIL() << "expected ar::error";
  } catch (const ar::error& e) {
    EXPECT_NE(std::string(e.what()).find("its own ancestor"), std::string::npos) << e.what();
  }
  for (const std::string& sql : counter.statements()) EXPECT_EQ(sql.find("INSERT"), std::string::npos) << sql;
  EXPECT_FALSE(ar::find<category>(db, 2000));
  // Under a row outside its subtree, the same record goes in.
  closing.parent_id = root.id;
  ar::insert(db, closing);
  EXPECT_EQ(names(ar::ancestors(grandchild, "parent")), (std::vector<std::string>{"orphan", "closing", "root"}));
}

TEST_P(trees, delete_and_nullify_may_filter_through_the_same_table) {
  // The subquery reads the table the statement changes (MySQL refuses that with error 1093;
  // MariaDB, from 10.3, allows it).
  EXPECT_EQ(ar::from<category>(db) | ar::where_has("children") | ar::count, 3);
  category lone{0, b.id, "b1"};
  ar::insert(db, lone);
  // Parents of nobody whose parent is b: only b1.
  EXPECT_EQ(ar::from<category>(db) | ar::where_doesnt_have("children") | ar::filter(category::c.parent_id == b.id) |
                ar::delete_all,
            1u);
  EXPECT_FALSE(ar::find<category>(db, lone.id));
  // Every leaf loses its parent.
  EXPECT_EQ(ar::detail::nullify_all(ar::from<category>(db) | ar::where_doesnt_have("children"), category::c.parent_id),
            2u);
  EXPECT_FALSE(ar::find_or_throw<category>(db, a1x.id).parent_id);
  EXPECT_FALSE(ar::find_or_throw<category>(db, b.id).parent_id);
  EXPECT_EQ(ar::find_or_throw<category>(db, a1.id).parent_id, a.id);
}

TEST_P(trees, a_cycle_already_in_the_data_cannot_run_forever) {
  // Written behind ar's back: root's parent is a1x.
  db.execute(ar_test::sql_for(db, "UPDATE {categories} SET {parent_id} = ? WHERE {id} = ?"), {a1x.id, root.id});
  // The walk stops at the depth bound, and each record is kept once: a's chain comes back to a.
  EXPECT_EQ(names(ar::ancestors(a, "parent")), (std::vector<std::string>{"root", "a1x", "a1", "a"}));
}

AR_INSTANTIATE_BACKEND_SUITE(trees);

}  // namespace
