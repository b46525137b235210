// Callbacks (issue 20 item 5; ar/callbacks.hpp, docs/records.md). AR_CALLBACK declares them in
// the model, ar::on registers them at run time for a model with AR_REGISTERED_CALLBACKS. Each
// write runs its hooks in Rails' order inside one transaction (its own, or the program's, joined);
// a before_ callback returning false vetoes the write (ar::callback_vetoed, nothing written, the
// record as it was); an after_ callback that throws rolls the write back; after_commit and
// after_rollback run when the transaction the write ran in ends; AR_DEPENDENT(destroy) runs each
// child's destroy callbacks. A model without callbacks sends what it sent before.

#include "../support/backends.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

// What the callbacks saw, in order: "hook title".
std::vector<std::string>& journal() {
  static std::vector<std::string> lines;
  return lines;
}

struct story;
void note(const std::string& hook, const story& s);

struct story {
  std::int64_t id = 0;
  std::string title{};
  std::string slug{};

  // A before_ callback returning bool: false vetoes.
  static bool check_save(story& s) {
    note("before_save", s);
    return s.title != "veto";
  }
  // A before_ callback may change the record: what it changes is written.
  static void make_slug(story& s) {
    note("before_create", s);
    s.slug = "slug-" + s.title;
  }
  void noted_update() { note("before_update", *this); }
  static void after_create(const ar::database&, story& s) { note("after_create", s); }
  static void after_update(story& s) { note("after_update", s); }
  static void after_save(story& s) {
    note("after_save", s);
    if (s.title == "boom") throw std::runtime_error("after_save failed");
  }
  static bool check_destroy(const story& s) {
    note("before_destroy", s);
    return s.title != "keep";
  }
  void noted_destroy() const { note("after_destroy", *this); }
  static void committed(const story& s) {
    note("after_commit", s);
    if (s.title == "commit boom") throw std::runtime_error("after_commit failed");
  }
  static void rolled_back(const story& s) { note("after_rollback", s); }

  AR_MODEL(story, "cb_stories", AR_FIELDS(id, title, slug), AR_CALLBACK(before_save, check_save),
           AR_CALLBACK(before_create, make_slug), AR_CALLBACK(before_update, &story::noted_update),
           AR_CALLBACK(after_create, after_create), AR_CALLBACK(after_update, after_update),
           AR_CALLBACK(after_save, after_save), AR_CALLBACK(before_destroy, check_destroy),
           AR_CALLBACK(after_destroy, &story::noted_destroy), AR_CALLBACK(after_commit, committed),
           AR_CALLBACK(after_rollback, rolled_back));
};

void note(const std::string& hook, const story& s) { journal().push_back(hook + " " + s.title); }

// The same table without callbacks: what a write sends without them.
struct plain_story {
  std::int64_t id = 0;
  std::string title{};
  std::string slug{};
  AR_MODEL(plain_story, "cb_stories", AR_FIELDS(id, title, slug));
};

// Registered at run time.
struct tag {
  std::int64_t id = 0;
  std::string name{};
  AR_MODEL(tag, "cb_tags", AR_FIELDS(id, name), AR_REGISTERED_CALLBACKS);
};

// AR_DEPENDENT(destroy): a shelf's books are destroyed one by one, their callbacks running.
struct book {
  std::int64_t id = 0;
  std::int64_t shelf_id = 0;
  std::string title{};
  static void before(const book& b) { journal().push_back("before_destroy book " + b.title); }
  static void after(const book& b) { journal().push_back("after_destroy book " + b.title); }
  AR_MODEL(book, "cb_books", AR_FIELDS(id, shelf_id, title), AR_CALLBACK(before_destroy, before),
           AR_CALLBACK(after_destroy, after));
};
struct shelf {
  std::int64_t id = 0;
  std::string name{};
  static void before(const shelf& s) { journal().push_back("before_destroy shelf " + s.name); }
  static void after(const shelf& s) { journal().push_back("after_destroy shelf " + s.name); }
  AR_MODEL(shelf, "cb_shelves", AR_FIELDS(id, name), AR_HAS_MANY(books, book, shelf_id, AR_DEPENDENT(destroy)),
           AR_CALLBACK(before_destroy, before), AR_CALLBACK(after_destroy, after));
};

static_assert(!ar::detail::create_callbacks_v<plain_story> && !ar::detail::update_callbacks_v<plain_story> &&
              !ar::detail::destroy_callbacks_v<plain_story>);
static_assert(ar::detail::create_callbacks_v<story> && ar::detail::destroy_callbacks_v<story>);
static_assert(ar::detail::destroy_callbacks_v<book> && !ar::detail::create_callbacks_v<book>);

using lines = std::vector<std::string>;

class callbacks : public ar_test::backend_test {
 protected:
  void SetUp() override {
    backend_test::SetUp();
    ar::create_tables<story, tag, shelf, book>(db);
    journal().clear();
  }
  std::string sql(std::string_view text) const { return ar_test::sql_for(db, text); }
  std::string begin() const { return std::string(db.dialect().begin_transaction()); }
  std::string commit() const { return std::string(db.dialect().commit_transaction()); }
  std::string rollback() const { return std::string(db.dialect().rollback_transaction()); }
  std::vector<std::string> insert_statements() const {
    std::vector<std::string> out{sql("INSERT INTO {cb_stories} ({title}, {slug}) VALUES (?, ?)")};
    if (db.dialect().supports_returning()) out[0] += sql(" RETURNING {id}");
    return out;
  }
};

TEST_P(callbacks, insert_runs_save_and_create_hooks_in_order_in_one_transaction) {
  story s{.title = "one"};
  ar::statement_counter counter;
  ar::insert(db, s);
  EXPECT_EQ(journal(),
            (lines{"before_save one", "before_create one", "after_create one", "after_save one", "after_commit one"}));
  const auto sent = counter.statements();
  ASSERT_GE(sent.size(), 3u);
  EXPECT_EQ(sent.front(), begin());
  EXPECT_EQ(sent.back(), commit());
  EXPECT_EQ(sent[1].rfind("INSERT", 0), 0u);
  EXPECT_NE(s.id, 0);
  EXPECT_EQ(s.slug, "slug-one");  // what before_create set was written
  EXPECT_EQ(ar::find_or_throw<story>(db, s.id).slug, "slug-one");
  EXPECT_FALSE(ar::changed(s));
}

TEST_P(callbacks, update_runs_save_and_update_hooks_and_nothing_when_nothing_changed) {
  story s{.title = "one"};
  ar::insert(db, s);
  journal().clear();
  ar::statement_counter counter;
  ar::update(db, s);  // nothing changed: no callback, no statement
  EXPECT_TRUE(journal().empty());
  EXPECT_EQ(counter.count(), 0u);
  s.title = "two";
  ar::update(db, s);
  EXPECT_EQ(journal(),
            (lines{"before_save two", "before_update two", "after_update two", "after_save two", "after_commit two"}));
  EXPECT_EQ(counter.statements(),
            (lines{begin(), sql("UPDATE {cb_stories} SET {title} = ? WHERE {id} = ?"), commit()}));
}

TEST_P(callbacks, save_runs_the_create_hooks_when_new_and_the_update_hooks_after) {
  story s{.title = "new"};
  ar::save(db, s);
  s.title = "old";
  ar::save(db, s);
  EXPECT_EQ(journal(),
            (lines{"before_save new", "before_create new", "after_create new", "after_save new", "after_commit new",
                   "before_save old", "before_update old", "after_update old", "after_save old", "after_commit old"}));
}

TEST_P(callbacks, destroy_runs_its_hooks_around_the_delete) {
  story s{.title = "gone"};
  ar::insert(db, s);
  journal().clear();
  ar::statement_counter counter;
  EXPECT_TRUE(ar::destroy(db, s));
  EXPECT_EQ(journal(), (lines{"before_destroy gone", "after_destroy gone", "after_commit gone"}));
  EXPECT_EQ(counter.statements(), (lines{begin(), sql("DELETE FROM {cb_stories} WHERE {id} = ?"), commit()}));
  EXPECT_FALSE(ar::find<story>(db, s.id).has_value());
  // By key: the record is read first, for its callbacks to see it.
  story t{.title = "by key"};
  ar::insert(db, t);
  journal().clear();
  EXPECT_TRUE(ar::destroy<story>(db, t.id));
  EXPECT_EQ(journal(), (lines{"before_destroy by key", "after_destroy by key", "after_commit by key"}));
  // Nothing deleted: no after_destroy.
  journal().clear();
  EXPECT_FALSE(ar::destroy(db, t));
  EXPECT_EQ(journal(), (lines{"before_destroy by key"}));
}

TEST_P(callbacks, a_before_callback_returning_false_vetoes_and_nothing_is_written) {
  story s{.title = "veto"};
  ar::statement_counter counter;
  try {
    ar::insert(db, s);
    FAIL() << "the veto did not throw";
  } catch (const ar::callback_vetoed& e) {
    EXPECT_EQ(e.table(), "cb_stories");
    EXPECT_EQ(e.hook(), "before_save");
    EXPECT_EQ(e.callback(), "check_save");
    EXPECT_NE(std::string(e.what()).find("before_save callback 'check_save' of 'cb_stories'"), std::string::npos);
  }
  // The write's transaction opened and rolled back; no INSERT. No after_rollback: nothing was written.
  EXPECT_EQ(counter.statements(), (lines{begin(), rollback()}));
  EXPECT_EQ(journal(), (lines{"before_save veto"}));
  EXPECT_EQ(s.id, 0);
  EXPECT_EQ(ar::from<story>(db) | ar::count, 0);

  // Inside a transaction of the program's: no statement at all.
  ar::transaction tx(db);
  counter.reset();
  EXPECT_THROW(ar::insert(db, s), ar::callback_vetoed);
  EXPECT_EQ(counter.count(), 0u);
  tx.rollback();

  // A vetoed destroy deletes nothing.
  story keep{.title = "keep"};
  ar::insert(db, keep);
  EXPECT_THROW(ar::destroy(db, keep), ar::callback_vetoed);
  EXPECT_TRUE(ar::find<story>(db, keep.id).has_value());
}

TEST_P(callbacks, a_veto_leaves_the_record_as_it_was_with_what_before_callbacks_changed_undone) {
  story s{.title = "draft"};
  ar::insert(db, s);
  const story stored = s;
  s.title = "veto";
  EXPECT_THROW(ar::update(db, s), ar::callback_vetoed);
  EXPECT_EQ(s.title, "veto");  // the program's change stays pending
  EXPECT_TRUE(ar::changed(s));
  EXPECT_EQ(ar::find_or_throw<story>(db, s.id).title, "draft");
}

TEST_P(callbacks, an_after_callback_that_throws_rolls_the_write_back) {
  story s{.title = "boom"};
  ar::statement_counter counter;
  EXPECT_THROW(ar::insert(db, s), std::runtime_error);
  const auto sent = counter.statements();
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent[0], begin());
  EXPECT_EQ(sent[1].rfind("INSERT", 0), 0u);
  EXPECT_EQ(sent[2], rollback());
  EXPECT_EQ(ar::from<story>(db) | ar::count, 0);
  EXPECT_EQ(s.id, 0);  // the record is as it was: no key, no slug
  EXPECT_EQ(s.slug, "");
  EXPECT_TRUE(ar::changed(s));
  // The INSERT was made and rolled back: after_rollback ran, after_commit did not.
  EXPECT_EQ(journal(), (lines{"before_save boom", "before_create boom", "after_create boom", "after_save boom",
                              "after_rollback boom"}));
}

TEST_P(callbacks, an_after_commit_that_throws_is_thrown_by_the_write_which_stands) {
  story s{.title = "commit boom"};
  EXPECT_THROW(ar::insert(db, s), std::runtime_error);
  EXPECT_NE(s.id, 0);  // committed: the record is its row
  EXPECT_FALSE(ar::changed(s));
  EXPECT_EQ(ar::find_or_throw<story>(db, s.id).slug, "slug-commit boom");
  EXPECT_EQ(journal().back(), "after_commit commit boom");
}

TEST_P(callbacks, after_commit_waits_for_the_outer_commit_and_after_rollback_runs_on_rollback) {
  {
    ar::transaction tx(db);
    story s{.title = "kept"};
    ar::statement_counter counter;
    ar::insert(db, s);  // joins the transaction: no BEGIN of its own
    EXPECT_EQ(counter.count(), 1u);
    EXPECT_EQ(journal(), (lines{"before_save kept", "before_create kept", "after_create kept", "after_save kept"}));
    {
      ar::transaction inner(db);  // a savepoint released: its write's after_commit waits for the outer commit
      s.title = "kept again";
      ar::update(db, s);
      inner.commit();
    }
    EXPECT_EQ(journal().size(), 8u);
    tx.commit();
    ASSERT_EQ(journal().size(), 10u);
    EXPECT_EQ(journal()[8], "after_commit kept");
    EXPECT_EQ(journal()[9], "after_commit kept again");
  }
  journal().clear();
  {
    ar::transaction tx(db);
    story s{.title = "undone"};
    ar::insert(db, s);
    tx.rollback();
    EXPECT_EQ(journal().back(), "after_rollback undone");
  }
  journal().clear();
  {
    // A savepoint rolled back runs its writes' after_rollback; the outer commit runs the rest's after_commit.
    ar::transaction tx(db);
    story a{.title = "outer"};
    ar::insert(db, a);
    {
      ar::transaction inner(db);
      story b{.title = "inner"};
      ar::insert(db, b);
    }  // rolled back to the savepoint
    EXPECT_EQ(journal().back(), "after_rollback inner");
    tx.commit();
    EXPECT_EQ(journal().back(), "after_commit outer");
    EXPECT_EQ(std::count(journal().begin(), journal().end(), "after_commit inner"), 0);
  }
  EXPECT_EQ(ar::from<story>(db) | ar::count, 2);  // kept again, outer
}

TEST_P(callbacks, dependent_destroy_runs_each_childs_callbacks) {
  shelf s{.name = "top"};
  ar::insert(db, s);
  book a{.shelf_id = s.id, .title = "a"};
  book b{.shelf_id = s.id, .title = "b"};
  ar::insert(db, a);
  ar::insert(db, b);
  ar::statement_counter counter;
  ar::destroy(db, s);
  EXPECT_EQ(journal(), (lines{"before_destroy shelf top", "before_destroy book a", "after_destroy book a",
                              "before_destroy book b", "after_destroy book b", "after_destroy shelf top"}));
  // BEGIN, the children's SELECT, one DELETE per child, the shelf's DELETE, COMMIT.
  const auto sent = counter.statements();
  ASSERT_EQ(sent.size(), 6u);
  EXPECT_EQ(sent[0], begin());
  EXPECT_EQ(sent[1].rfind("SELECT", 0), 0u);
  EXPECT_EQ(sent[2], sql("DELETE FROM {cb_books} WHERE {id} = ?"));
  EXPECT_EQ(sent[3], sql("DELETE FROM {cb_books} WHERE {id} = ?"));
  EXPECT_EQ(sent[4], sql("DELETE FROM {cb_shelves} WHERE {id} = ?"));
  EXPECT_EQ(sent[5], commit());
  EXPECT_EQ(ar::from<book>(db) | ar::count, 0);
}

TEST_P(callbacks, registered_callbacks_run_after_their_hook_and_unregister_with_their_handle) {
  std::vector<std::string> seen;
  tag t{.name = "red"};
  {
    auto upper = ar::on<tag>(ar::before_save, [&](tag& x) { seen.push_back("before_save " + x.name); });
    auto refuse = ar::on<tag>(
        ar::before_create, [](const ar::database&, tag& x) { return x.name != "forbidden"; }, "refuse_forbidden");
    auto done = ar::on<tag>(ar::after_commit, [&](const tag& x) { seen.push_back("after_commit " + x.name); });
    ar::insert(db, t);
    EXPECT_EQ(seen, (lines{"before_save red", "after_commit red"}));
    tag bad{.name = "forbidden"};
    try {
      ar::insert(db, bad);
      FAIL() << "the registered veto did not throw";
    } catch (const ar::callback_vetoed& e) {
      EXPECT_EQ(e.hook(), "before_create");
      EXPECT_EQ(e.callback(), "refuse_forbidden");
    }
    EXPECT_EQ(ar::from<tag>(db) | ar::count, 1);
  }
  // Every handle is gone: the writes send what a model without callbacks sends.
  seen.clear();
  tag u{.name = "blue"};
  ar::statement_counter counter;
  ar::insert(db, u);
  EXPECT_TRUE(seen.empty());
  EXPECT_EQ(counter.count(), 1u);
}

TEST_P(callbacks, a_model_without_callbacks_sends_only_its_statements) {
  plain_story p{.title = "plain", .slug = "s"};
  ar::statement_counter counter;
  ar::insert(db, p);
  p.title = "plainer";
  ar::update(db, p);
  ar::destroy(db, p);
  ar::destroy<plain_story>(db, p.id);
  auto expected = insert_statements();
  expected.push_back(sql("UPDATE {cb_stories} SET {title} = ? WHERE {id} = ?"));
  expected.push_back(sql("DELETE FROM {cb_stories} WHERE {id} = ?"));
  expected.push_back(sql("DELETE FROM {cb_stories} WHERE {id} = ?"));
  if (!db.dialect().supports_returning())
    expected.insert(expected.begin() + 1, std::string(db.dialect().last_insert_id_sql()));
  EXPECT_EQ(counter.statements(), expected);
  EXPECT_TRUE(journal().empty());
}

AR_INSTANTIATE_BACKEND_SUITE(callbacks);

}  // namespace
