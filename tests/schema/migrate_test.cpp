// Migrations (ar/migrate.hpp): versioned schema changes recorded in schema_migrations, applied in
// order and reverted newest first, each whole or not at all where DDL is transactional (SQLite,
// PostgreSQL) and step by step on MariaDB, never applied twice by two processes; verify_schema
// passes on the tables they made.

#include "../support/backends.hpp"

#include <ar/ar.hpp>
#include <ar/catalog.hpp>
#include <ar/migrate.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

namespace {

struct Author {
  std::int64_t id = 0;
  std::string name;
  std::optional<std::string> email;

  AR_MODEL(Author, "authors", AR_FIELDS(id, name, email));
};

struct Book {
  std::int64_t id = 0;
  std::int64_t author_id = 0;
  std::string title;
  std::int32_t pages = 0;

  AR_MODEL(Book, "books", AR_FIELDS(id, author_id, title, pages), AR_BELONGS_TO(author, Author, author_id));
};

// authors, then books referring to them, then the authors' columns as the model has them now.
std::vector<ar::migration> library() {
  return {
      {20261201, "create authors",
       [](ar::schema& s) {
         s.create_table("authors",
                        {ar::column_def<std::int64_t>("id").primary_key(), ar::column_def<std::string>("full_name")});
       },
       [](ar::schema& s) { s.drop_table("authors"); }},
      {20261202, "create books",
       [](ar::schema& s) {
         s.create_table("books", {ar::column_def<std::int64_t>("id").primary_key(),
                                  ar::column_def<std::int64_t>("author_id").references("authors"),
                                  ar::column_def<std::string>("title").unique()});
       },
       [](ar::schema& s) { s.drop_table("books"); }},
      {20261203, "authors: name, email",
       [](ar::schema& s) {
         s.rename_column("authors", "full_name", "name");
         s.add_column("authors", ar::column_def<std::optional<std::string>>("email"));
         s.add_index("authors", {"name"});
       },
       [](ar::schema& s) {
         s.drop_index("authors", "index_authors_on_name");
         s.drop_column("authors", "email");
         s.rename_column("authors", "name", "full_name");
       }},
      {20261204, "books.pages",
       // NOT NULL on a table with rows: the default fills them.
       [](ar::schema& s) { s.add_column("books", ar::column_def<std::int32_t>("pages").default_to(0)); },
       [](ar::schema& s) { s.drop_column("books", "pages"); }},
  };
}

std::vector<std::int64_t> versions(const std::vector<ar::migration_status>& status, bool applied) {
  std::vector<std::int64_t> out;
  for (const auto& s : status)
    if (s.applied == applied) out.push_back(s.version);
  return out;
}

bool has_table(const ar::database& db, const std::string& table) {
  const auto tables = ar::catalog_table_names(db);
  return std::find(tables.begin(), tables.end(), table) != tables.end();
}

class migrations : public ar_test::backend_test {};

TEST_P(migrations, up_applies_each_pending_migration_in_order_and_verify_schema_passes) {
  ar::migrator m(db, library());
  EXPECT_TRUE(m.pending());
  EXPECT_EQ(m.current_version(), std::nullopt);
  EXPECT_EQ(m.up(), (std::vector<std::int64_t>{20261201, 20261202, 20261203, 20261204}));
  EXPECT_FALSE(m.pending());
  EXPECT_EQ(m.current_version(), 20261204);
  EXPECT_EQ(versions(m.status(), true), (std::vector<std::int64_t>{20261201, 20261202, 20261203, 20261204}));
  EXPECT_EQ(m.status()[2].name, "authors: name, email");

  // The tables are the models' own: verify_schema finds nothing wrong, and records go in and out.
  EXPECT_NO_THROW((ar::verify_schema<Author, Book>(db)));
  Author ada{0, "Ada", "ada@example.org"};
  ar::insert(db, ada);
  Book notes{0, ada.id, "Notes", 40};
  ar::insert(db, notes);
  EXPECT_EQ(ar::find_or_throw<Book>(db, notes.id).pages, 40);

  // Declared constraints hold: the unique title, and (where ar declared it) the foreign key.
  Book again{0, ada.id, "Notes", 1};
  EXPECT_THROW(ar::insert(db, again), ar::database_error);
  Book orphan{0, 999, "Orphan", 1};
  EXPECT_THROW(ar::insert(db, orphan), ar::database_error);

  // Nothing pending: up runs no DDL (its statements read schema_migrations only).
  ar::statement_counter counter;
  EXPECT_TRUE(m.up().empty());
  for (const std::string& sql : counter.statements()) {
    EXPECT_EQ(sql.find("ALTER"), std::string::npos) << sql;
    EXPECT_EQ(sql.find("books"), std::string::npos) << sql;
  }
}

TEST_P(migrations, a_column_added_not_null_with_a_default_fills_the_rows_already_there) {
  ar::migrator m(db, library());
  m.up(20261203);
  EXPECT_EQ(m.current_version(), 20261203);
  db.execute(ar_test::sql_for(db, "INSERT INTO {authors} ({id}, {name}) VALUES (1, 'Ada')"));
  db.execute(ar_test::sql_for(db, "INSERT INTO {books} ({id}, {author_id}, {title}) VALUES (1, 1, 'Notes')"));
  EXPECT_EQ(m.up(), (std::vector<std::int64_t>{20261204}));
  EXPECT_EQ(ar::find_or_throw<Book>(db, 1).pages, 0);
}

TEST_P(migrations, down_reverts_newest_first_to_a_version_and_to_nothing) {
  ar::migrator m(db, library());
  m.up();
  EXPECT_EQ(m.down(20261202), (std::vector<std::int64_t>{20261204, 20261203}));
  EXPECT_EQ(m.current_version(), 20261202);
  EXPECT_EQ(versions(m.status(), false), (std::vector<std::int64_t>{20261203, 20261204}));
  // The column is full_name again, and the model that reads name no longer fits.
  EXPECT_THROW(ar::verify_schema<Author>(db), ar::schema_mismatch_error);
  EXPECT_EQ(m.up(), (std::vector<std::int64_t>{20261203, 20261204}));  // and forward again
  EXPECT_NO_THROW((ar::verify_schema<Author, Book>(db)));

  EXPECT_EQ(m.down(0), (std::vector<std::int64_t>{20261204, 20261203, 20261202, 20261201}));
  EXPECT_FALSE(has_table(db, "authors"));
  EXPECT_FALSE(has_table(db, "books"));
  EXPECT_TRUE(has_table(db, "schema_migrations"));
  EXPECT_EQ(m.current_version(), std::nullopt);
}

TEST_P(migrations, a_failing_migration_is_not_recorded_and_is_undone_where_ddl_is_transactional) {
  auto list = library();
  list.push_back({20261205, "broken",
                  [](ar::schema& s) {
                    s.create_table("shelves", {ar::column_def<std::int64_t>("id").primary_key()});
                    s.execute("ALTER TABLE no_such_table ADD COLUMN x INTEGER");
                  },
                  [](ar::schema& s) { s.drop_table("shelves"); }});
  ar::migrator m(db, list);
  try {
    m.up();
    FAIL() << "expected ar::migration_error";
  } catch (const ar::migration_error& e) {
    const std::string what = e.what();
    EXPECT_EQ(e.version(), 20261205);
    EXPECT_EQ(e.name(), "broken");
    EXPECT_NE(what.find("migration 20261205 'broken'"), std::string::npos) << what;
    EXPECT_NE(what.find("no_such_table"), std::string::npos) << "the failing SQL is named: " << what;
    ASSERT_EQ(e.statements_done().size(), 1u);
    EXPECT_NE(e.statements_done()[0].find("shelves"), std::string::npos);
    if (ar_test::capabilities_of(GetParam()).ddl_commits_transaction) {
      EXPECT_NE(what.find("stay done"), std::string::npos) << what;
      EXPECT_TRUE(has_table(db, "shelves"));  // MariaDB committed the CREATE TABLE
    } else {
      EXPECT_NE(what.find("rolled back whole"), std::string::npos) << what;
      EXPECT_FALSE(has_table(db, "shelves"));
    }
  }
  // The migrations before it stay applied; it is still pending.
  EXPECT_EQ(m.current_version(), 20261204);
  EXPECT_TRUE(m.pending());
}

TEST_P(migrations, down_refuses_before_reverting_anything_what_it_cannot_revert) {
  auto list = library();
  list[3].down = nullptr;  // books.pages cannot be reverted
  ar::migrator m(db, list);
  m.up();
  try {
    m.down(20261201);
    FAIL() << "expected ar::configuration_error";
  } catch (const ar::configuration_error& e) {
    EXPECT_NE(std::string(e.what()).find("20261204 'books.pages', which has no down"), std::string::npos) << e.what();
  }
  EXPECT_EQ(m.current_version(), 20261204);  // nothing reverted

  // A version the database recorded that the program does not know.
  ar::migrator shorter(db, {library()[0], library()[1]});
  EXPECT_THROW(shorter.down(0), ar::configuration_error);
  const auto status = shorter.status();
  ASSERT_EQ(status.size(), 4u);
  EXPECT_FALSE(status[3].known);
  EXPECT_TRUE(status[3].applied);
  EXPECT_EQ(status[3].name, "books.pages");  // as recorded
  EXPECT_EQ(m.current_version(), 20261204);
}

TEST_P(migrations, two_migrators_at_once_apply_each_migration_once) {
  // Two processes: two handles on one database, each migrating from its own thread.
  const std::string backend = GetParam() == "sqlite" ? "sqlite_file" : GetParam();
  ar::database first = backend == GetParam() ? db : ar_test::open_backend(backend, "first");
  ar::database second = ar_test::open_backend_again(first, "second");
  std::atomic<int> applied{0};
  auto counted = [&] {
    auto list = library();
    for (auto& m : list) {
      auto up = m.up;
      m.up = [up, &applied](ar::schema& s) {
        ++applied;
        up(s);
      };
    }
    return list;
  };
  ar::migrator a(first, counted()), b(second, counted());
  std::vector<std::int64_t> by_a, by_b;
  std::string error_a, error_b;
  auto run = [](ar::migrator& m, std::vector<std::int64_t>& done, std::string& error) {
    try {
      done = m.up();
    } catch (const std::exception& e) {
      error = e.what();
    }
  };
  std::thread ta([&] { run(a, by_a, error_a); });
  std::thread tb([&] { run(b, by_b, error_b); });
  ta.join();
  tb.join();
  EXPECT_EQ(error_a, "");
  EXPECT_EQ(error_b, "");
  EXPECT_EQ(by_a.size() + by_b.size(), 4u);
  // A migration whose version another process wrote first rolls back without running (SQLite,
  // PostgreSQL), or waits for the lock and finds it applied (MariaDB): each ran once.
  EXPECT_EQ(applied.load(), 4);
  EXPECT_EQ(a.current_version(), 20261204);
  EXPECT_NO_THROW((ar::verify_schema<Author, Book>(first)));
}

TEST_P(migrations, foreign_keys_are_added_to_and_dropped_from_existing_tables) {
  ar::migrator m(db, {library()[0]});
  m.up();
  ar::schema s(db);
  s.create_table("reviews",
                 {ar::column_def<std::int64_t>("id").primary_key(), ar::column_def<std::int64_t>("author_id")});
  const std::size_t made = s.statements().size();
  s.add_foreign_key("reviews", {"author_id"}, "authors");
  try {
    db.execute(ar_test::sql_for(db, "INSERT INTO {reviews} ({id}, {author_id}) VALUES (1, 7)"));
    FAIL() << "the new foreign key let a review of no author in";
  } catch (const ar::database_error& e) {
    EXPECT_EQ(e.kind(), ar::error_kind::foreign_key_violation) << e.what();
  }
  s.drop_foreign_key("reviews", {"author_id"});
  EXPECT_EQ(db.execute(ar_test::sql_for(db, "INSERT INTO {reviews} ({id}, {author_id}) VALUES (1, 7)")), 1u);
  // ALTER TABLE where the database can; SQLite rebuilds the table (5 statements each: the rows
  // parked in a temporary table, the table dropped and made again, the rows back, the parking dropped).
  const std::vector<std::string> changes(s.statements().begin() + static_cast<std::ptrdiff_t>(made),
                                         s.statements().end());
  if (GetParam() == "sqlite") {
    ASSERT_EQ(changes.size(), 10u);
    EXPECT_EQ(changes[0], R"(CREATE TEMP TABLE temp."ar_rebuild" AS SELECT * FROM "reviews")");
    EXPECT_NE(changes[2].find(
                  R"(CONSTRAINT "fk_reviews_on_author_id" FOREIGN KEY ("author_id") REFERENCES "authors" ("id"))"),
              std::string::npos)
        << changes[2];
    EXPECT_EQ(changes[7].find("fk_reviews_on_author_id"), std::string::npos) << changes[7];
  } else {
    ASSERT_EQ(changes.size(), 2u);
    EXPECT_NE(changes[0].find("ADD CONSTRAINT"), std::string::npos) << changes[0];
  }
}

// references(...).without_index() (Rails' index: false): the constraint, no index; add_column too.
TEST_P(migrations, a_reference_without_index_is_constrained_and_not_indexed) {
  ar::migrator m(db, {library()[0]});
  m.up();
  ar::schema s(db);
  s.create_table("quotes", {ar::column_def<std::int64_t>("id").primary_key(),
                            ar::column_def<std::int64_t>("author_id").references("authors").without_index()});
  s.add_column("quotes", ar::column_def<std::optional<std::int64_t>>("editor_id").references("authors"));
  for (const std::string& sql : s.statements())
    EXPECT_EQ(sql.find("index_quotes_on_author_id"), std::string::npos) << sql;
  const std::vector<ar::catalog_index> indexes = ar::catalog_indexes(db, "quotes");
  const auto leads = [&](const std::string& column) {
    return std::any_of(indexes.begin(), indexes.end(),
                       [&](const ar::catalog_index& i) { return !i.columns.empty() && i.columns.front() == column; });
  };
  EXPECT_EQ(leads("author_id"), GetParam() == "mariadb");  // InnoDB indexes a FOREIGN KEY itself
  EXPECT_TRUE(leads("editor_id"));                         // references() indexes by default
  EXPECT_EQ(ar::read_catalog_table(db, "quotes").foreign_keys.size(), 2u);
  try {
    db.execute(ar_test::sql_for(db, "INSERT INTO {quotes} ({id}, {author_id}) VALUES (1, 7)"));
    FAIL() << "the foreign key declared without an index let a quote of no author in";
  } catch (const ar::database_error& e) {
    EXPECT_EQ(e.kind(), ar::error_kind::foreign_key_violation) << e.what();
  }
}

TEST_P(migrations, two_migrations_of_one_version_are_refused) {
  auto list = library();
  list[1].version = list[0].version;
  try {
    ar::migrator m(db, list);
    FAIL() << "expected ar::configuration_error";
  } catch (const ar::configuration_error& e) {
    EXPECT_NE(std::string(e.what()).find("two migrations have the version 20261201"), std::string::npos) << e.what();
  }
}

// --- SQLite: constraints changed by rebuilding the table ----------------------------------------

class sqlite_rebuild : public ::testing::Test {
 protected:
  void SetUp() override {
    db = ar::open("sqlite::memory:", "rebuild");
    for (const char* sql : {
             "CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT)",
             "CREATE TABLE reviews (id INTEGER PRIMARY KEY, author_id INTEGER, body TEXT -- the text\n)",
             "CREATE INDEX reviews_by_author ON reviews (author_id)",
             "CREATE TABLE review_log (review_id INTEGER)",
             "CREATE TRIGGER log_reviews AFTER INSERT ON reviews BEGIN INSERT INTO review_log VALUES (new.id); END",
             "CREATE VIEW long_reviews AS SELECT id FROM reviews WHERE length(body) > 3",
             "CREATE TABLE replies (id INTEGER PRIMARY KEY, review_id INTEGER REFERENCES reviews (id) ON DELETE "
             "CASCADE)",
             "INSERT INTO authors VALUES (1, 'Ada')",
             "INSERT INTO reviews VALUES (10, 1, 'good'), (11, 1, 'ok')",
             "INSERT INTO replies VALUES (100, 10), (101, 11)",
         })
      db.execute(sql);
  }
  void TearDown() override { ar::close_all(); }

  std::int64_t count(const std::string& table) {
    return std::get<0>(ar::sql<std::tuple<std::int64_t>>(db, "SELECT COUNT(*) FROM " + table).at(0));
  }
  std::string definition(const std::string& name) {
    return std::get<0>(
        ar::sql<std::tuple<std::string>>(db, "SELECT sql FROM sqlite_master WHERE name = ?", name).at(0));
  }
  // Whether SQLite enforces foreign keys on the connection the next statement takes.
  bool enforced() { return std::get<0>(ar::sql<std::tuple<std::int64_t>>(db, "PRAGMA foreign_keys").at(0)) == 1; }
  static ar::migration add_key() {
    return {1, "reviews belong to authors",
            [](ar::schema& s) { s.add_foreign_key("reviews", {"author_id"}, "authors"); },
            [](ar::schema& s) { s.drop_foreign_key("reviews", {"author_id"}); }};
  }
  ar::database db;
};

TEST_F(sqlite_rebuild, keeps_the_rows_indexes_triggers_views_and_the_tables_that_refer_to_it) {
  ar::migrator m(db, {add_key()});
  m.up();
  EXPECT_NE(definition("reviews").find("FOREIGN KEY"), std::string::npos) << definition("reviews");
  EXPECT_EQ(count("reviews"), 2);
  EXPECT_EQ(count("replies"), 2);  // dropping the old table fired no ON DELETE CASCADE
  EXPECT_EQ(definition("reviews_by_author"), "CREATE INDEX reviews_by_author ON reviews (author_id)");
  EXPECT_EQ(count("long_reviews"), 1);
  EXPECT_EQ(count("review_log"), 2);  // the two rows of the setup: copying the rows back fired nothing
  db.execute("INSERT INTO reviews VALUES (12, 1, 'great')");
  EXPECT_EQ(count("review_log"), 3);  // the trigger was made again
  EXPECT_TRUE(enforced());            // switched back on after the migration's transaction
  try {
    db.execute("INSERT INTO reviews VALUES (13, 7, 'by nobody')");
    FAIL() << "the added foreign key let a review of no author in";
  } catch (const ar::database_error& e) {
    EXPECT_EQ(e.kind(), ar::error_kind::foreign_key_violation) << e.what();
  }
  EXPECT_THROW(db.execute("INSERT INTO replies VALUES (102, 99)"), ar::database_error);  // and still enforced
  m.down(0);
  EXPECT_EQ(definition("reviews").find("FOREIGN KEY"), std::string::npos) << definition("reviews");
  EXPECT_EQ(count("replies"), 2);
  EXPECT_EQ(db.execute("INSERT INTO reviews VALUES (13, 7, 'by nobody')"), 1u);
  EXPECT_TRUE(enforced());
}

TEST_F(sqlite_rebuild, rows_the_new_key_refuses_fail_the_migration_and_nothing_changes) {
  db.execute("INSERT INTO reviews VALUES (12, 7, 'by nobody')");
  const std::string before = definition("reviews");
  ar::migrator m(db, {add_key()});
  try {
    m.up();
    FAIL() << "expected ar::migration_error";
  } catch (const ar::migration_error& e) {
    EXPECT_NE(std::string(e.what()).find("refers to no row of 'authors'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("rowid 12"), std::string::npos) << e.what();
  }
  EXPECT_EQ(definition("reviews"), before);
  EXPECT_EQ(count("reviews"), 3);
  EXPECT_EQ(count("replies"), 2);
  EXPECT_EQ(m.current_version(), std::nullopt);
  EXPECT_TRUE(enforced());
}

TEST_F(sqlite_rebuild, outside_a_migrator_runs_in_its_own_transaction_and_refuses_inside_one) {
  ar::schema s(db);
  {
    ar::transaction tx(db);
    try {
      s.add_foreign_key("reviews", {"author_id"}, "authors");
      FAIL() << "expected ar::configuration_error";
    } catch (const ar::configuration_error& e) {
      EXPECT_NE(std::string(e.what()).find("outside the transaction"), std::string::npos) << e.what();
    }
  }
  ar::statement_counter counter;
  s.add_foreign_key("reviews", {"author_id"}, "authors");
  const auto& sent = counter.statements();
  ASSERT_GE(sent.size(), 4u);
  EXPECT_EQ(sent[0], "PRAGMA foreign_keys = OFF");
  EXPECT_EQ(sent[1], "BEGIN");
  EXPECT_EQ(sent[sent.size() - 2], "COMMIT");
  EXPECT_EQ(sent.back(), "PRAGMA foreign_keys = ON");
  EXPECT_NE(definition("reviews").find("FOREIGN KEY"), std::string::npos);
  EXPECT_THROW(s.add_foreign_key("reviews", {"author_id"}, "authors"), ar::configuration_error);  // there already
  EXPECT_TRUE(enforced());
}

TEST_F(sqlite_rebuild, drops_a_foreign_key_written_without_a_name_and_refuses_one_that_is_not_there) {
  db.execute(
      "CREATE TABLE notes (id INTEGER PRIMARY KEY, [author_id] INTEGER, FOREIGN KEY ([author_id]) "
      "REFERENCES authors (id))");
  ar::schema s(db);
  s.drop_foreign_key("notes", {"author_id"});
  EXPECT_EQ(definition("notes"), "CREATE TABLE notes (id INTEGER PRIMARY KEY, [author_id] INTEGER)");
  try {
    s.drop_foreign_key("notes", {"author_id"});
    FAIL() << "expected ar::configuration_error";
  } catch (const ar::configuration_error& e) {
    EXPECT_NE(std::string(e.what()).find("no foreign key named 'fk_notes_on_author_id'"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(s.add_foreign_key("nowhere", {"author_id"}, "authors"), ar::configuration_error);
}

TEST(migrations_naming, a_database_with_a_naming_convention_is_refused) {
  ar::database db = ar::open("sqlite::memory:", "named", {.naming = {.style = ar::name_style::snake_case}});
  EXPECT_THROW(ar::migrator(db, library()), ar::configuration_error);
  EXPECT_THROW(ar::schema{db}, ar::configuration_error);
  ar::close_all();
}

AR_INSTANTIATE_BACKEND_SUITE(migrations);

}  // namespace
