// The SQL a dialect cannot change would be hard-coded in the core: every piece of spelling on which
// databases disagree is a hook of ar::dialect (include/ar/backend/dialect.hpp). A dialect that
// spells each of them another way SQLite also accepts must see its own spelling in every
// statement the core sends, and the statements must still do their job (values bound in the order
// its LIMIT clause names them, transactions that commit and roll back).

#include "../support/forwarding_dialect.hpp"
#include "../support/models.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace {

using ar_test::user;

struct node {
  std::int64_t id = 0;
  std::optional<std::int64_t> parent_id;
  std::string name;

  AR_MODEL(node, "nodes", AR_FIELDS(id, parent_id, name), AR_BELONGS_TO(parent, node, parent_id));
};

// SQLite's dialect, with every hook the core's statements go through spelled otherwise.
class respelled final : public ar_test::forwarding_dialect {
 public:
  explicit respelled(const ar::dialect& base) : forwarding_dialect(base, "respelled") {}

  // SQLite's LIMIT <offset>, <limit>: the offset's placeholder comes first.
  void limit_clause(std::string& out, bool limit, bool offset, limit_binder& bind) const override {
    out += " LIMIT ";
    if (offset) {
      bind(out, row_limit::offset);
      out += ", ";
    }
    if (limit)
      bind(out, row_limit::limit);
    else
      out += "-1";
  }
  void first_row_only(std::string& out) const override { out += " LIMIT (1)"; }
  void returning_clause(std::string& out, std::string_view key) const override {
    out += " RETURNING ";
    quote_identifier(out, key);
    out += " AS ";
    quote_identifier(out, key);
  }
  std::string_view with_recursive() const override { return "WITH RECURSIVE /* tree */ "; }
  void create_table_head(std::string& out, std::string_view table, bool if_not_exists) const override {
    out += if_not_exists ? "CREATE TABLE IF NOT EXISTS main." : "CREATE TABLE main.";
    quote_identifier(out, table);
  }
  void drop_table(std::string& out, std::string_view table, bool if_exists) const override {
    out += if_exists ? "DROP TABLE IF EXISTS main." : "DROP TABLE main.";
    quote_identifier(out, table);
  }
  std::string_view begin_transaction() const override { return "BEGIN TRANSACTION"; }
  std::string_view commit_transaction() const override { return "COMMIT TRANSACTION"; }
  std::string_view rollback_transaction() const override { return "ROLLBACK TRANSACTION"; }
  std::string savepoint(std::string_view name) const override { return "SAVEPOINT \"" + std::string(name) + '"'; }
  std::string release_savepoint(std::string_view name) const override { return "RELEASE \"" + std::string(name) + '"'; }
  std::string rollback_to_savepoint(std::string_view name) const override {
    return "ROLLBACK TRANSACTION TO \"" + std::string(name) + '"';
  }
};

class dialect_hooks : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!ar::find_dialect("respelled")) ar::register_dialect(std::make_shared<respelled>(*ar::find_dialect("sqlite3")));
  }
  void SetUp() override { db = ar::open("respelled://db=:memory:", "respelled"); }
  void TearDown() override { ar::close_all(); }

  bool sent(const ar::statement_counter& counter, const std::string& sql) const {
    const auto all = counter.statements();
    return std::find(all.begin(), all.end(), sql) != all.end();
  }

  ar::database db;
};

TEST_F(dialect_hooks, ddl_and_returning_are_the_dialects) {
  ar::statement_counter counter;
  ar::create_table<user>(db);
  ar::create_table<user>(db, ar::if_not_exists);
  user ada{0, "ada", std::nullopt};
  ar::insert(db, ada);
  EXPECT_EQ(ada.id, 1);
  ar::drop_table<user>(db);
  const auto all = counter.statements();
  ASSERT_EQ(all.size(), 4u);
  EXPECT_TRUE(all[0].starts_with(R"(CREATE TABLE main."users" ()")) << all[0];
  EXPECT_TRUE(all[1].starts_with(R"(CREATE TABLE IF NOT EXISTS main."users" ()")) << all[1];
  EXPECT_EQ(all[2], R"(INSERT INTO "users" ("user_name", "hair_color") VALUES (?, ?) RETURNING "id" AS "id")");
  EXPECT_EQ(all[3], R"(DROP TABLE IF EXISTS main."users")");
}

TEST_F(dialect_hooks, limit_and_offset_bind_their_values_in_the_order_the_clause_names_them) {
  ar::create_table<user>(db);
  for (int i = 1; i <= 10; ++i) {
    user u{0, "u" + std::to_string(i), std::nullopt};
    ar::insert(db, u);
  }
  const auto q = ar::from<user>(db) | ar::order_by(user::c.id) | ar::drop(2) | ar::take(3);
  const auto r = q.render();
  EXPECT_EQ(r.sql, R"(SELECT "id", "user_name", "hair_color" FROM "users" ORDER BY "id" LIMIT ?, ?)");
  ASSERT_EQ(r.parameters.size(), 2u);
  EXPECT_EQ(ar::to_string(r.parameters[0]), "2");  // the offset first, as the text names it
  EXPECT_EQ(ar::to_string(r.parameters[1]), "3");
  std::vector<std::int64_t> ids;
  for (const user& u : q | ar::to_vector) ids.push_back(u.id);
  EXPECT_EQ(ids, (std::vector<std::int64_t>{3, 4, 5}));

  const auto rest = ar::from<user>(db) | ar::order_by(user::c.id) | ar::drop(8);
  EXPECT_TRUE(rest.to_sql().ends_with(" LIMIT ?, -1")) << rest.to_sql();
  EXPECT_EQ((rest | ar::to_vector).size(), 2u);

  ar::statement_counter counter;
  EXPECT_TRUE(ar::from<user>(db) | ar::filter(user::c.id == 4) | ar::exists);
  ASSERT_EQ(counter.statements().size(), 1u);
  EXPECT_TRUE(counter.statements()[0].ends_with(" LIMIT (1)")) << counter.statements()[0];
}

TEST_F(dialect_hooks, a_recursive_walk_opens_with_the_dialects_with_recursive) {
  ar::bind<node>("respelled");
  ar::create_table<node>(db);
  node root{0, std::nullopt, "root"};
  ar::insert(db, root);
  node child{0, root.id, "child"};
  ar::insert(db, child);
  ar::statement_counter counter;
  const auto up = ar::ancestors(child, "parent");
  ASSERT_EQ(up.size(), 1u);
  EXPECT_EQ(up[0].name, "root");
  ASSERT_EQ(counter.statements().size(), 1u);
  EXPECT_TRUE(counter.statements()[0].starts_with(R"(WITH RECURSIVE /* tree */ "ar_tree" ()"))
      << counter.statements()[0];
}

TEST_F(dialect_hooks, transactions_and_savepoints_are_the_dialects) {
  ar::create_table<user>(db);
  ar::statement_counter counter;
  {
    ar::transaction tx(db);
    user kept{0, "kept", std::nullopt};
    ar::insert(db, kept);
    {
      ar::transaction inner(db);
      user undone{0, "undone", std::nullopt};
      ar::insert(db, undone);
      inner.rollback();
    }
    {
      ar::transaction inner(db);
      user also{0, "also", std::nullopt};
      ar::insert(db, also);
      inner.commit();
    }
    tx.commit();
  }
  {
    ar::transaction tx(db);
    user dropped{0, "dropped", std::nullopt};
    ar::insert(db, dropped);
    tx.rollback();
  }
  EXPECT_EQ(ar::from<user>(db) | ar::count, 2);
  for (const std::string sql :
       {"BEGIN TRANSACTION", R"(SAVEPOINT "ar_savepoint_1")", R"(ROLLBACK TRANSACTION TO "ar_savepoint_1")",
        R"(RELEASE "ar_savepoint_1")", "COMMIT TRANSACTION", "ROLLBACK TRANSACTION"})
    EXPECT_TRUE(sent(counter, sql)) << sql;
  for (const auto& sql : counter.statements()) {
    EXPECT_EQ(sql.find("BEGIN") == 0 && sql != "BEGIN TRANSACTION", false) << sql;
    EXPECT_EQ(sql == "COMMIT" || sql == "ROLLBACK", false) << sql;
    EXPECT_EQ(sql.find("SAVEPOINT ar_"), std::string::npos) << sql;
  }
}

}  // namespace
