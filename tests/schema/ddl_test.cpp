// create_table's DDL beyond columns: foreign key constraints for belongs_to (AR_NO_FOREIGN_KEY to
// leave one out), an index on every foreign key, AR_UNIQUE / AR_INDEX, AR_DEFAULT, CHECK for enum
// columns, and create_tables / drop_tables in dependency order. The statements per dialect, then
// each constraint proven real on every backend: what it should refuse is refused with a typed error.

#include "../support/backends.hpp"

#include <ar/ar.hpp>
#include <ar/catalog.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

enum class ddl_status { draft, published };
AR_ENUM_STRINGS(ddl_status, (draft, "draft"), (published, "published"));
enum class ddl_level : int { low = 1, high = 5 };
AR_ENUM_VALUES(ddl_level, low, high);

namespace {

struct ddl_author {
  std::int64_t id = 0;
  std::string email;
  std::string name;
  AR_MODEL(ddl_author, "ddl_authors", AR_FIELDS(id, email, name), AR_UNIQUE(email));
};

// The text default holds a quote and a backslash: a literal that is not escaped would end early.
struct ddl_post {
  std::int64_t id = 0;
  std::int64_t author_id = 0;
  std::optional<std::int64_t> editor_id;
  std::string title;
  ddl_status status = ddl_status::draft;
  std::int32_t views = 0;
  bool pinned = false;
  std::string note = "it's a 'quote' \\ here";
  ddl_level level = ddl_level::low;
  double score = 0.5;
  AR_MODEL(ddl_post, "ddl_posts", AR_FIELDS(id, author_id, editor_id, title, status, views, pinned, note, level, score),
           AR_BELONGS_TO(author, ddl_author, author_id),
           AR_BELONGS_TO(editor, ddl_author, editor_id, AR_NO_FOREIGN_KEY),  // an editor may be gone
           AR_UNIQUE(author_id, title), AR_INDEX(title), AR_DEFAULT(status, ddl_status::draft), AR_DEFAULT(views, 0),
           AR_DEFAULT(pinned, false), AR_DEFAULT(note, "it's a 'quote' \\ here"), AR_DEFAULT(level, ddl_level::low),
           AR_DEFAULT(score, 0.5));
};

// A tree: the foreign key to its own table.
struct ddl_node {
  std::int64_t id = 0;
  std::optional<std::int64_t> parent_id;
  std::string name;
  AR_MODEL(ddl_node, "ddl_nodes", AR_FIELDS(id, parent_id, name), AR_BELONGS_TO(parent, ddl_node, parent_id));
};

// A composite foreign key to a composite primary key.
struct ddl_order {
  std::int64_t shop_id = 0;
  std::int64_t order_no = 0;
  std::string customer;
  AR_MODEL(ddl_order, "ddl_orders", AR_FIELDS(shop_id, order_no, customer), AR_PRIMARY_KEY(shop_id, order_no));
};
struct ddl_line {
  std::int64_t id = 0;
  std::int64_t shop_id = 0;
  std::int64_t order_no = 0;
  std::string item;
  AR_MODEL(ddl_line, "ddl_lines", AR_FIELDS(id, shop_id, order_no, item),
           AR_BELONGS_TO(order, ddl_order, AR_KEYS(shop_id, order_no)));
};

// Polymorphic: (type, id) is indexed, never constrained.
struct ddl_note {
  std::int64_t id = 0;
  std::string notable_type;
  std::int64_t notable_id = 0;
  std::string body;
  AR_MODEL(ddl_note, "ddl_notes", AR_FIELDS(id, notable_type, notable_id, body),
           AR_MORPH_TO(notable, notable_type, notable_id));
};

// Two tables that refer to each other: no order creates both with their constraints.
struct ddl_cycle_b;
struct ddl_cycle_a {
  std::int64_t id = 0;
  std::int64_t b_id = 0;
  AR_MODEL(ddl_cycle_a, "ddl_cycle_as", AR_FIELDS(id, b_id), AR_BELONGS_TO(b, ddl_cycle_b, b_id));
};
struct ddl_cycle_b {
  std::int64_t id = 0;
  std::int64_t a_id = 0;
  AR_MODEL(ddl_cycle_b, "ddl_cycle_bs", AR_FIELDS(id, a_id), AR_BELONGS_TO(a, ddl_cycle_a, a_id));
};

// Names past PostgreSQL's 63 and MariaDB's 64 bytes.
struct ddl_long {
  std::int64_t id = 0;
  std::int64_t a_rather_long_foreign_key_column_name_for_an_author_id = 0;
  AR_MODEL(ddl_long, "ddl_a_table_whose_name_alone_takes_up_most_of_the_limit",
           AR_FIELDS(id, a_rather_long_foreign_key_column_name_for_an_author_id),
           AR_BELONGS_TO(author, ddl_author, a_rather_long_foreign_key_column_name_for_an_author_id));
};

// An int32 foreign key to an int64 key: ar's relations need only the values to agree.
struct ddl_vote {
  std::int64_t id = 0;
  std::int32_t author_id = 0;
  AR_MODEL(ddl_vote, "ddl_votes", AR_FIELDS(id, author_id), AR_BELONGS_TO(author, ddl_author, author_id));
};

// AR_NO_INDEX (Rails' index: false): a log written far more than it is read by author. The
// reviewer's key is neither constrained nor indexed; the author's is constrained, not indexed by ar.
struct ddl_log {
  std::int64_t id = 0;
  std::int64_t author_id = 0;
  std::optional<std::int64_t> reviewer_id;
  std::string line;
  AR_MODEL(ddl_log, "ddl_logs", AR_FIELDS(id, author_id, reviewer_id, line),
           AR_BELONGS_TO(author, ddl_author, author_id, AR_NO_INDEX),
           AR_BELONGS_TO(reviewer, ddl_author, reviewer_id, AR_NO_INDEX, AR_NO_FOREIGN_KEY));
};
// The same table declared without the option: what verify_schema warns about.
struct ddl_log_indexed {
  std::int64_t id = 0;
  std::int64_t author_id = 0;
  std::optional<std::int64_t> reviewer_id;
  std::string line;
  AR_MODEL(ddl_log_indexed, "ddl_logs", AR_FIELDS(id, author_id, reviewer_id, line),
           AR_BELONGS_TO(author, ddl_author, author_id), AR_BELONGS_TO(reviewer, ddl_author, reviewer_id));
};

class ddl : public ar_test::backend_test {};

const std::vector<std::string>& expected_post_ddl(const std::string& backend);

TEST_P(ddl, create_table_spells_constraints_indexes_defaults_and_checks) {
  const std::vector<std::string> got = ar::create_table_sql<ddl_post>(db);
  const std::vector<std::string>& want = expected_post_ddl(GetParam());
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], want[i]) << "statement " << i;
}

TEST_P(ddl, create_table_sends_the_statements_create_table_sql_shows) {
  ar::create_table<ddl_author>(db);
  const std::vector<std::string> shown = ar::create_table_sql<ddl_post>(db);
  ar::statement_counter counter;
  ar::create_table<ddl_post>(db);
  EXPECT_EQ(counter.statements(), shown);
}

TEST_P(ddl, create_tables_creates_parents_before_children_whatever_the_order_given) {
  ar::statement_counter counter;
  ar::create_tables<ddl_line, ddl_post, ddl_node, ddl_order, ddl_author, ddl_note>(db);
  std::vector<std::string> creates;
  for (const std::string& s : counter.statements())
    if (s.rfind("CREATE TABLE", 0) == 0) creates.push_back(s);
  ASSERT_EQ(creates.size(), 6u);
  const auto position = [&](std::string_view table) {
    for (std::size_t i = 0; i < creates.size(); ++i)
      if (creates[i].find(std::string(table) + (GetParam() == "mariadb" ? "` (" : "\" (")) != std::string::npos)
        return i;
    return creates.size();
  };
  EXPECT_LT(position("ddl_orders"), position("ddl_lines"));
  EXPECT_LT(position("ddl_authors"), position("ddl_posts"));
  // Where nothing decides, the order given.
  EXPECT_LT(position("ddl_nodes"), position("ddl_orders"));
  EXPECT_LT(position("ddl_orders"), position("ddl_authors"));
  EXPECT_EQ(position("ddl_notes"), 5u);
}

TEST_P(ddl, drop_tables_drops_children_before_parents) {
  ar::create_tables<ddl_author, ddl_post, ddl_order, ddl_line>(db);
  ddl_author ada{0, "ada@example.com", "Ada"};
  ar::insert(db, ada);
  ddl_post post;
  post.author_id = ada.id;
  post.title = "Notes";
  ar::insert(db, post);
  ar::statement_counter counter;
  ar::drop_tables<ddl_author, ddl_order, ddl_post, ddl_line>(db);  // parents first: the wrong way round
  const std::vector<std::string> dropped = counter.statements();
  ASSERT_EQ(dropped.size(), 4u);
  const auto position = [&](std::string_view table) {
    for (std::size_t i = 0; i < dropped.size(); ++i)
      if (dropped[i].find(table) != std::string::npos) return i;
    return dropped.size();
  };
  EXPECT_LT(position("ddl_posts"), position("ddl_authors"));
  EXPECT_LT(position("ddl_lines"), position("ddl_orders"));
  EXPECT_TRUE(ar::catalog_table_names(db).empty());
}

TEST_P(ddl, create_tables_refuses_a_cycle_of_foreign_keys_before_any_statement) {
  ar::statement_counter counter;
  try {
    ar::create_tables<ddl_cycle_a, ddl_cycle_b>(db);
    FAIL() << "expected ar::configuration_error";
  } catch (const ar::configuration_error& e) {
    EXPECT_NE(std::string(e.what()).find("'ddl_cycle_as', 'ddl_cycle_bs'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("AR_NO_FOREIGN_KEY"), std::string::npos) << e.what();
  }
  EXPECT_EQ(counter.count(), 0u);
}

TEST_P(ddl, an_orphan_is_refused_with_a_foreign_key_violation) {
  ar::create_tables<ddl_author, ddl_post>(db);
  ddl_post orphan;
  orphan.author_id = 999;
  orphan.title = "Nobody's";
  try {
    ar::insert(db, orphan);
    FAIL() << "expected ar::database_error";
  } catch (const ar::database_error& e) {
    EXPECT_EQ(e.kind(), ar::error_kind::foreign_key_violation) << e.what();
    EXPECT_FALSE(e.retryable());
    EXPECT_NE(e.sql().find("ddl_posts"), std::string::npos);
  }
  EXPECT_EQ(ar::from<ddl_post>(db) | ar::count, 0);
}

TEST_P(ddl, a_parent_with_children_cannot_be_deleted_under_the_constraint) {
  ar::create_tables<ddl_author, ddl_post>(db);
  ddl_author ada{0, "ada@example.com", "Ada"};
  ar::insert(db, ada);
  ddl_post post;
  post.author_id = ada.id;
  post.title = "Notes";
  ar::insert(db, post);
  try {
    ar::execute(db, "DELETE FROM ddl_authors");
    FAIL() << "expected ar::database_error";
  } catch (const ar::database_error& e) {
    EXPECT_EQ(e.kind(), ar::error_kind::foreign_key_violation) << e.what();
  }
  EXPECT_EQ(ar::from<ddl_author>(db) | ar::count, 1);
}

TEST_P(ddl, a_belongs_to_declared_without_a_foreign_key_takes_an_orphan) {
  ar::create_tables<ddl_author, ddl_post>(db);
  ddl_author ada{0, "ada@example.com", "Ada"};
  ar::insert(db, ada);
  ddl_post post;
  post.author_id = ada.id;
  post.editor_id = 424242;  // AR_NO_FOREIGN_KEY: no constraint refuses it
  post.title = "Edited by someone gone";
  ar::insert(db, post);
  EXPECT_EQ(ar::find<ddl_post>(db, post.id)->editor_id, 424242);
}

TEST_P(ddl, a_duplicate_on_a_unique_key_is_refused_with_a_unique_violation) {
  ar::create_tables<ddl_author, ddl_post>(db);
  ddl_author ada{0, "ada@example.com", "Ada"};
  ar::insert(db, ada);
  ddl_author twin{0, "ada@example.com", "Twin"};
  try {
    ar::insert(db, twin);
    FAIL() << "expected ar::database_error";
  } catch (const ar::database_error& e) {
    EXPECT_EQ(e.kind(), ar::error_kind::unique_violation) << e.what();
  }
  // AR_UNIQUE(author_id, title): the pair, not each column.
  ddl_post first;
  first.author_id = ada.id;
  first.title = "Notes";
  ar::insert(db, first);
  ddl_post other_title = first;
  other_title.id = 0;
  other_title.title = "More notes";
  ar::insert(db, other_title);
  ddl_post same_pair = first;
  same_pair.id = 0;
  try {
    ar::insert(db, same_pair);
    FAIL() << "expected ar::database_error";
  } catch (const ar::database_error& e) {
    EXPECT_EQ(e.kind(), ar::error_kind::unique_violation) << e.what();
  }
  EXPECT_EQ(ar::from<ddl_post>(db) | ar::count, 2);
}

TEST_P(ddl, the_defaults_apply_to_a_row_written_without_those_columns) {
  ar::create_tables<ddl_author, ddl_post>(db);
  ddl_author ada{0, "ada@example.com", "Ada"};
  ar::insert(db, ada);
  // Hand-written SQL: ar::execute takes ? on every backend (the names need no quotes).
  ar::execute(db, "INSERT INTO ddl_posts (author_id, title) VALUES (?, ?)", ada.id, std::string("Raw"));
  const std::vector<ddl_post> posts = ar::from<ddl_post>(db) | ar::to_vector;
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0].status, ddl_status::draft);
  EXPECT_EQ(posts[0].views, 0);
  EXPECT_FALSE(posts[0].pinned);
  EXPECT_EQ(posts[0].note, "it's a 'quote' \\ here");
  EXPECT_EQ(posts[0].level, ddl_level::low);
  EXPECT_EQ(posts[0].score, 0.5);
  EXPECT_FALSE(posts[0].editor_id.has_value());
}

TEST_P(ddl, an_enum_column_refuses_a_value_outside_its_enumerators) {
  ar::create_tables<ddl_author, ddl_post>(db);
  ddl_author ada{0, "ada@example.com", "Ada"};
  ar::insert(db, ada);
  ddl_post post;
  post.author_id = ada.id;
  post.title = "Notes";
  ar::insert(db, post);
  try {
    ar::execute(db, "UPDATE ddl_posts SET status = ?", std::string("archived"));
    FAIL() << "expected ar::database_error";
  } catch (const ar::database_error& e) {
    EXPECT_EQ(e.kind(), ar::error_kind::check_violation) << e.what();
  }
  try {
    ar::execute(db, "UPDATE ddl_posts SET level = ?", 3);
    FAIL() << "expected ar::database_error";
  } catch (const ar::database_error& e) {
    EXPECT_EQ(e.kind(), ar::error_kind::check_violation) << e.what();
  }
  ar::execute(db, "UPDATE ddl_posts SET status = ?, level = ?", std::string("published"), 5);
  EXPECT_EQ(ar::find<ddl_post>(db, post.id)->status, ddl_status::published);
  EXPECT_EQ(ar::find<ddl_post>(db, post.id)->level, ddl_level::high);
}

TEST_P(ddl, a_tree_refers_to_its_own_table) {
  ar::create_table<ddl_node>(db);
  ddl_node root{0, std::nullopt, "root"};
  ar::insert(db, root);
  ddl_node child{0, root.id, "child"};
  ar::insert(db, child);
  ddl_node lost{0, 777, "lost"};
  try {
    ar::insert(db, lost);
    FAIL() << "expected ar::database_error";
  } catch (const ar::database_error& e) {
    EXPECT_EQ(e.kind(), ar::error_kind::foreign_key_violation) << e.what();
  }
  EXPECT_EQ(ar::from<ddl_node>(db) | ar::count, 2);
}

TEST_P(ddl, a_composite_belongs_to_gets_a_composite_foreign_key) {
  ar::create_tables<ddl_line, ddl_order>(db);
  ddl_order order{1, 10, "ada"};
  ar::insert(db, order);
  ddl_line line{0, 1, 10, "tea"};
  ar::insert(db, line);
  ddl_line half_right{0, 1, 11, "cake"};  // shop 1 exists, its order 11 does not
  try {
    ar::insert(db, half_right);
    FAIL() << "expected ar::database_error";
  } catch (const ar::database_error& e) {
    EXPECT_EQ(e.kind(), ar::error_kind::foreign_key_violation) << e.what();
  }
  const ar::catalog_table lines = ar::read_catalog_table(db, "ddl_lines");
  ASSERT_EQ(lines.foreign_keys.size(), 1u);
  EXPECT_EQ(lines.foreign_keys[0].target_table, "ddl_orders");
  EXPECT_EQ(lines.foreign_keys[0].columns, (std::vector<std::string>{"shop_id", "order_no"}));
}

TEST_P(ddl, the_catalog_lists_the_constraints_and_the_indexes) {
  ar::create_tables<ddl_author, ddl_post, ddl_note>(db);
  const ar::catalog_table posts = ar::read_catalog_table(db, "ddl_posts");
  ASSERT_EQ(posts.foreign_keys.size(), 1u);  // the editor's is declared AR_NO_FOREIGN_KEY
  EXPECT_EQ(posts.foreign_keys[0].target_table, "ddl_authors");
  EXPECT_EQ(posts.foreign_keys[0].columns, std::vector<std::string>{"author_id"});
  const auto has_unique = [](const ar::catalog_table& t, const std::vector<std::string>& columns) {
    return std::find(t.unique_keys.begin(), t.unique_keys.end(), columns) != t.unique_keys.end();
  };
  EXPECT_TRUE(has_unique(posts, {"author_id", "title"}));
  EXPECT_TRUE(has_unique(ar::read_catalog_table(db, "ddl_authors"), {"email"}));
  const auto has_index = [&](std::string_view table, std::string_view name, const std::vector<std::string>& c) {
    const std::vector<ar::catalog_index> all = ar::catalog_indexes(db, table);
    return std::any_of(all.begin(), all.end(),
                       [&](const ar::catalog_index& i) { return i.name == name && i.columns == c && !i.unique; });
  };
  EXPECT_TRUE(has_index("ddl_posts", "index_ddl_posts_on_title", {"title"}));
  // A foreign key without a constraint is indexed too.
  EXPECT_TRUE(has_index("ddl_posts", "index_ddl_posts_on_editor_id", {"editor_id"}));
  EXPECT_TRUE(has_index("ddl_notes", "index_ddl_notes_on_notable_type_and_notable_id", {"notable_type", "notable_id"}));
  // author_id leads the unique key, which serves it: no index of its own.
  for (const ar::catalog_index& i : ar::catalog_indexes(db, "ddl_posts"))
    EXPECT_NE(i.columns, std::vector<std::string>{"author_id"}) << i.name;
  // verify_schema passes, and finds every foreign key indexed.
  const ar::schema_report report = ar::verify_schema<ddl_author, ddl_post, ddl_note>(db);
  EXPECT_TRUE(report.warnings.empty());
}

TEST_P(ddl, long_names_are_cut_to_the_backends_limit_and_stay_unique) {
  ar::create_tables<ddl_author, ddl_long>(db);
  const std::vector<std::string> sql = ar::create_table_sql<ddl_long>(db);
  const std::string full_fk = "fk_ddl_a_table_whose_name_alone_takes_up_most_of_the_limit_on_a_rather_long";
  if (GetParam() == "sqlite") {
    EXPECT_NE(sql[0].find(full_fk), std::string::npos) << sql[0];  // SQLite keeps any length
  } else {
    EXPECT_EQ(sql[0].find(full_fk), std::string::npos) << sql[0];
    const std::size_t limit = ar_test::engine_of(GetParam()) == "postgresql" ? 63 : 64;
    const std::size_t at = sql[0].find("fk_ddl_a_table");
    ASSERT_NE(at, std::string::npos);
    const std::size_t end = sql[0].find_first_of("`\"", at);
    EXPECT_EQ(end - at, limit) << sql[0];
  }
  ddl_long orphan{0, 31337};
  EXPECT_THROW(ar::insert(db, orphan), ar::database_error);
}

// InnoDB ties only columns of one type: MariaDB gets no constraint there, and the key is still
// indexed. PostgreSQL and SQLite constrain it.
TEST_P(ddl, a_foreign_key_of_another_integer_width_is_constrained_where_the_database_can) {
  ar::create_tables<ddl_author, ddl_vote>(db);
  const bool constrained = GetParam() != "mariadb";
  EXPECT_EQ(ar::create_table_sql<ddl_vote>(db)[0].find("FOREIGN KEY") != std::string::npos, constrained);
  EXPECT_EQ(ar::read_catalog_table(db, "ddl_votes").foreign_keys.size(), constrained ? 1u : 0u);
  const std::vector<ar::catalog_index> indexes = ar::catalog_indexes(db, "ddl_votes");
  EXPECT_TRUE(std::any_of(indexes.begin(), indexes.end(), [](const ar::catalog_index& i) {
    return i.columns == std::vector<std::string>{"author_id"};
  }));
  ddl_vote orphan{0, 77};
  if (constrained)
    EXPECT_THROW(ar::insert(db, orphan), ar::database_error);
  else
    EXPECT_NO_THROW(ar::insert(db, orphan));
}

TEST_P(ddl, a_belongs_to_declared_no_index_gets_no_index_and_no_warning) {
  ar::create_tables<ddl_author, ddl_log>(db);
  const std::vector<std::string> sql = ar::create_table_sql<ddl_log>(db);
  for (const std::string& statement : sql) {
    EXPECT_EQ(statement.find("index_ddl_logs_on_author_id"), std::string::npos) << statement;
    EXPECT_EQ(statement.find("index_ddl_logs_on_reviewer_id"), std::string::npos) << statement;
  }
  // The constraint is kept: AR_NO_INDEX leaves only the index out.
  EXPECT_NE(sql[0].find("FOREIGN KEY (" + std::string(GetParam() == "mariadb" ? "`author_id`" : "\"author_id\"")),
            std::string::npos)
      << sql[0];
  const ar::catalog_table logs = ar::read_catalog_table(db, "ddl_logs");
  ASSERT_EQ(logs.foreign_keys.size(), 1u);
  EXPECT_EQ(logs.foreign_keys[0].columns, std::vector<std::string>{"author_id"});
  const std::vector<ar::catalog_index> indexes = ar::catalog_indexes(db, "ddl_logs");
  const auto leads = [&](const std::string& column) {
    return std::any_of(indexes.begin(), indexes.end(),
                       [&](const ar::catalog_index& i) { return !i.columns.empty() && i.columns.front() == column; });
  };
  // InnoDB makes an index of its own for a FOREIGN KEY constraint; the other two make none.
  EXPECT_EQ(leads("author_id"), GetParam() == "mariadb");
  EXPECT_FALSE(leads("reviewer_id"));
  // verify_schema does not warn about a key declared without an index; the same table read by a
  // model that did not declare it is warned about.
  EXPECT_TRUE((ar::verify_schema<ddl_author, ddl_log>(db).warnings.empty()));
  const ar::schema_report report = ar::verify_schema<ddl_log_indexed>(db);
  std::vector<std::string> warned;
  for (const ar::schema_problem& p : report.warnings) {
    EXPECT_EQ(p.kind, ar::schema_problem_kind::unindexed_foreign_key) << p.message;
    warned.push_back(p.column);
  }
  EXPECT_EQ(warned, GetParam() == "mariadb" ? std::vector<std::string>{"reviewer_id"}
                                            : (std::vector<std::string>{"author_id", "reviewer_id"}));
  // The relation still loads, and the constraint still refuses an orphan.
  ddl_author author{0, "log@example.com", "Log"};
  ar::insert(db, author);
  ddl_log entry{0, author.id, std::nullopt, "started"};
  ar::insert(db, entry);
  const auto logs_read = ar::from<ddl_log>(db) | ar::with("author") | ar::to_vector;
  ASSERT_EQ(logs_read.size(), 1u);
  ASSERT_TRUE(logs_read[0].author());
  EXPECT_EQ(logs_read[0].author()->email, "log@example.com");
  ddl_log orphan{0, 424242, std::nullopt, "nobody"};
  EXPECT_THROW(ar::insert(db, orphan), ar::database_error);
}

AR_INSTANTIATE_BACKEND_SUITE(ddl);

const std::vector<std::string>& expected_post_ddl(const std::string& backend) {
  static const std::vector<std::string> sqlite{
      R"sql(CREATE TABLE "ddl_posts" ("id" INTEGER PRIMARY KEY, "author_id" INTEGER NOT NULL, )sql"
      R"sql("editor_id" INTEGER, "title" TEXT NOT NULL, "status" TEXT DEFAULT 'draft' NOT NULL, )sql"
      R"sql("views" INTEGER DEFAULT 0 NOT NULL, "pinned" INTEGER DEFAULT FALSE NOT NULL, )sql"
      R"sql("note" TEXT DEFAULT 'it''s a ''quote'' \ here' NOT NULL, "level" INTEGER DEFAULT 1 NOT NULL, )sql"
      R"sql("score" REAL DEFAULT 0.5 NOT NULL, )sql"
      R"sql(CONSTRAINT "index_ddl_posts_on_author_id_and_title" UNIQUE ("author_id", "title"), )sql"
      R"sql(CONSTRAINT "fk_ddl_posts_on_author_id" FOREIGN KEY ("author_id") REFERENCES "ddl_authors" ("id"), )sql"
      R"sql(CONSTRAINT "check_ddl_posts_on_status" CHECK ("status" IN ('draft', 'published')), )sql"
      R"sql(CONSTRAINT "check_ddl_posts_on_level" CHECK ("level" IN (1, 5))))sql",
      R"sql(CREATE INDEX "index_ddl_posts_on_title" ON "ddl_posts" ("title"))sql",
      R"sql(CREATE INDEX "index_ddl_posts_on_editor_id" ON "ddl_posts" ("editor_id"))sql"};
  static const std::vector<std::string> postgresql{
      R"sql(CREATE TABLE "ddl_posts" ("id" BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, )sql"
      R"sql("author_id" BIGINT NOT NULL, "editor_id" BIGINT, "title" TEXT NOT NULL, )sql"
      R"sql("status" TEXT DEFAULT 'draft' NOT NULL, "views" INTEGER DEFAULT 0 NOT NULL, )sql"
      R"sql("pinned" BOOLEAN DEFAULT FALSE NOT NULL, "note" TEXT DEFAULT 'it''s a ''quote'' \ here' NOT NULL, )sql"
      R"sql("level" INTEGER DEFAULT 1 NOT NULL, "score" DOUBLE PRECISION DEFAULT 0.5 NOT NULL, )sql"
      R"sql(CONSTRAINT "index_ddl_posts_on_author_id_and_title" UNIQUE ("author_id", "title"), )sql"
      R"sql(CONSTRAINT "fk_ddl_posts_on_author_id" FOREIGN KEY ("author_id") REFERENCES "ddl_authors" ("id"), )sql"
      R"sql(CONSTRAINT "check_ddl_posts_on_status" CHECK ("status" IN ('draft', 'published')), )sql"
      R"sql(CONSTRAINT "check_ddl_posts_on_level" CHECK ("level" IN (1, 5))))sql",
      R"sql(CREATE INDEX "index_ddl_posts_on_title" ON "ddl_posts" ("title"))sql",
      R"sql(CREATE INDEX "index_ddl_posts_on_editor_id" ON "ddl_posts" ("editor_id"))sql"};
  static const std::vector<std::string> mariadb{
      R"sql(CREATE TABLE `ddl_posts` (`id` BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, )sql"
      R"sql(`author_id` BIGINT NOT NULL, `editor_id` BIGINT, )sql"
      R"sql(`title` VARCHAR(766) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL, )sql"
      R"sql(`status` LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin DEFAULT 'draft' NOT NULL, )sql"
      R"sql(`views` INT DEFAULT 0 NOT NULL, `pinned` BOOLEAN DEFAULT FALSE NOT NULL, )sql"
      R"sql(`note` LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin DEFAULT 'it''s a ''quote'' \\ here' NOT NULL, )sql"
      R"sql(`level` INT DEFAULT 1 NOT NULL, `score` DOUBLE DEFAULT 0.5 NOT NULL, )sql"
      R"sql(CONSTRAINT `index_ddl_posts_on_author_id_and_title` UNIQUE (`author_id`, `title`), )sql"
      R"sql(CONSTRAINT `fk_ddl_posts_on_author_id` FOREIGN KEY (`author_id`) REFERENCES `ddl_authors` (`id`), )sql"
      R"sql(CONSTRAINT `check_ddl_posts_on_status` CHECK (`status` IN ('draft', 'published')), )sql"
      R"sql(CONSTRAINT `check_ddl_posts_on_level` CHECK (`level` IN (1, 5)), )sql"
      R"sql(INDEX `index_ddl_posts_on_title` (`title`), )sql"
      R"sql(INDEX `index_ddl_posts_on_editor_id` (`editor_id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin)sql"};
  return backend == "sqlite" ? sqlite : ar_test::engine_of(backend) == "postgresql" ? postgresql : mariadb;
}

}  // namespace
