// Dirty tracking, partial updates and optimistic locking (issue 20 items 1 and 2; docs/records.md).
// ar remembers each record's row as it read or last wrote it: ar::changed / ar::changes compare the
// fields with it, update and save write only the columns that differ (no statement when none
// does), so two writers of different columns of one row keep each other's change; a model with
// AR_LOCK_VERSION finds its row by key and version, and a record whose row moved on throws
// ar::stale_record_error, writing nothing. Two writers are two ar::database handles on one database.

#include "../support/backends.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace {

struct person {
  std::int64_t id = 0;
  std::string name;
  std::optional<std::string> email;
  std::int32_t age = 0;

  AR_MODEL(person, "dirty_people", AR_FIELDS(id, name, email, age));
};

struct account {
  std::int64_t id = 0;
  std::string owner;
  std::int64_t balance = 0;
  std::int32_t lock_version = 0;

  AR_MODEL(account, "locked_accounts", AR_FIELDS(id, owner, balance, lock_version), AR_LOCK_VERSION(lock_version));
};

static_assert(ar::table_meta_v<account>.lock_version == 3);
static_assert(!ar::table_meta_v<person>.locked());

class dirty_tracking : public ar_test::backend_test {
 protected:
  void SetUp() override {
    // Two handles on one database: SQLite in a file (an in-memory one is private to its connection).
    db = ar_test::open_backend(GetParam() == "sqlite" ? "sqlite_file" : GetParam());
    other = ar_test::open_backend_again(db, "other");
    ar::create_table<person>(db);
    ar::create_table<account>(db);
    ada = person{0, "Ada", "ada@example.org", 36};
    ar::insert(db, ada);
  }
  std::string sql(std::string_view text) const { return ar_test::sql_for(db, text); }
  ar::database other;
  person ada;
};

TEST_P(dirty_tracking, a_record_read_or_written_has_not_changed) {
  EXPECT_FALSE(ar::changed(ada));  // inserted: its row is what it holds
  person found = ar::find_or_throw<person>(db, ada.id);
  EXPECT_FALSE(ar::changed(found));
  EXPECT_TRUE(ar::changes(found).empty());
  const std::vector<person> all = ar::from<person>(db) | ar::to_vector;
  ASSERT_EQ(all.size(), 1u);
  EXPECT_FALSE(ar::changed(all[0]));
  const std::optional<person> first = ar::from<person>(db) | ar::first;
  ASSERT_TRUE(first.has_value());
  EXPECT_FALSE(ar::changed(*first));
  const auto page = ar::from<person>(db) | ar::order_by(person::c.id) | ar::page(10);
  ASSERT_EQ(page.records.size(), 1u);
  EXPECT_FALSE(ar::changed(page.records[0]));
}

TEST_P(dirty_tracking, changes_lists_each_changed_field_with_its_value_before_and_after) {
  person p = ar::find_or_throw<person>(db, ada.id);
  p.name = "Ada Lovelace";
  p.email = std::nullopt;
  EXPECT_TRUE(ar::changed(p));
  EXPECT_TRUE(ar::changed(p, person::c.name));
  EXPECT_TRUE(ar::changed(p, person::c.email));
  EXPECT_FALSE(ar::changed(p, person::c.age));
  const std::vector<ar::change> c = ar::changes(p);
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].field, "name");
  EXPECT_EQ(c[0].before, ar::value(std::string("Ada")));
  EXPECT_EQ(c[0].after, ar::value(std::string("Ada Lovelace")));
  EXPECT_EQ(c[1].field, "email");
  EXPECT_EQ(c[1].before, ar::value(std::string("ada@example.org")));
  EXPECT_EQ(c[1].after, ar::value());  // NULL
  // Setting a field back to what was read is no change.
  p.name = "Ada";
  p.email = "ada@example.org";
  EXPECT_FALSE(ar::changed(p));
}

TEST_P(dirty_tracking, a_record_the_program_built_has_every_field_changed) {
  const person built{0, "Grace", std::nullopt, 85};
  EXPECT_TRUE(ar::changed(built));
  EXPECT_TRUE(ar::changed(built, person::c.age));
  const std::vector<ar::change> c = ar::changes(built);
  ASSERT_EQ(c.size(), 4u);
  EXPECT_EQ(c[1].field, "name");
  EXPECT_EQ(c[1].before, ar::value());
  EXPECT_EQ(c[1].after, ar::value(std::string("Grace")));
}

TEST_P(dirty_tracking, update_writes_only_the_changed_columns_and_nothing_when_none_changed) {
  person p = ar::find_or_throw<person>(db, ada.id);
  ar::statement_counter counter;
  ar::update(db, p);
  ar::save(db, p);
  EXPECT_EQ(counter.count(), 0u);  // nothing changed: no statement at all
  p.age = 37;
  ar::update(db, p);
  EXPECT_EQ(counter.statements(),
            (std::vector<std::string>{sql("UPDATE {dirty_people} SET {age} = ? WHERE {id} = ?")}));
  EXPECT_FALSE(ar::changed(p));  // the update is the new row as stored
  ar::update(db, p);
  EXPECT_EQ(counter.count(), 1u);
  p.name = "A. Lovelace";
  p.email = "ada@lovelace.org";
  ar::save(db, p);
  EXPECT_EQ(counter.statements().back(), sql("UPDATE {dirty_people} SET {name} = ?, {email} = ? WHERE {id} = ?"));
  const person stored = ar::find_or_throw<person>(db, ada.id);
  EXPECT_EQ(stored.name, "A. Lovelace");
  EXPECT_EQ(stored.email, "ada@lovelace.org");
  EXPECT_EQ(stored.age, 37);
}

TEST_P(dirty_tracking, a_record_the_program_built_with_a_key_updates_every_column) {
  person built{ada.id, "Ada B.", std::nullopt, 1};
  ar::statement_counter counter;
  ar::update(db, built);
  EXPECT_EQ(
      counter.statements(),
      (std::vector<std::string>{sql("UPDATE {dirty_people} SET {name} = ?, {email} = ?, {age} = ? WHERE {id} = ?")}));
  EXPECT_FALSE(ar::changed(built));
}

TEST_P(dirty_tracking, records_of_one_query_keep_their_own_rows_and_a_copy_keeps_its_own) {
  person grace{0, "Grace", std::nullopt, 85};
  ar::insert(db, grace);
  std::vector<person> all = ar::from<person>(db) | ar::order_by(person::c.id) | ar::to_vector;
  ASSERT_EQ(all.size(), 2u);
  all[1].age = 86;
  EXPECT_FALSE(ar::changed(all[0]));
  EXPECT_TRUE(ar::changed(all[1], person::c.age));
  const person copy = all[1];
  ar::update(db, all[1]);
  EXPECT_FALSE(ar::changed(all[1]));
  EXPECT_TRUE(ar::changed(copy));  // the copy still compares with the row it was read from
  EXPECT_EQ(ar::find_or_throw<person>(db, grace.id).age, 86);
}

TEST_P(dirty_tracking, refresh_reads_the_row_again_and_nothing_has_changed) {
  person p = ar::find_or_throw<person>(db, ada.id);
  p.name = "changed here";
  person theirs = ar::find_or_throw<person>(other, ada.id);
  theirs.age = 40;
  ar::update(other, theirs);
  ar::refresh(db, p);
  EXPECT_EQ(p.name, "Ada");
  EXPECT_EQ(p.age, 40);
  EXPECT_FALSE(ar::changed(p));
}

// The lost update: two writers read the same row, each changes a different column and saves. Each
// writes only its own column, so both changes stand (writing every column, the second writer put
// back the first one's column as it had read it).
TEST_P(dirty_tracking, two_writers_of_different_columns_keep_both_changes) {
  person mine = ar::find_or_throw<person>(db, ada.id);
  person theirs = ar::find_or_throw<person>(other, ada.id);
  mine.email = "countess@example.org";
  theirs.age = 37;
  ar::save(db, mine);
  ar::save(other, theirs);
  const person stored = ar::find_or_throw<person>(db, ada.id);
  EXPECT_EQ(stored.email, "countess@example.org");
  EXPECT_EQ(stored.age, 37);
  EXPECT_EQ(stored.name, "Ada");
}

// The second writer sets a column to the value the first one already stored: the row is there (a
// client that counts changed rows would say 0, which is not a missing row); a missing row is still
// an error.
TEST_P(dirty_tracking, an_update_to_what_the_row_already_holds_is_no_missing_row) {
  person mine = ar::find_or_throw<person>(db, ada.id);
  person theirs = ar::find_or_throw<person>(other, ada.id);
  mine.age = 50;
  theirs.age = 50;
  ar::update(db, mine);
  EXPECT_NO_THROW(ar::update(other, theirs));
  EXPECT_FALSE(ar::changed(theirs));
  EXPECT_TRUE(ar::destroy(db, mine));
  theirs.age = 51;
  EXPECT_THROW(ar::update(other, theirs), ar::record_not_found);
}

// A double compares bit for bit: -0.0 after 0.0 is a change (a database may keep the sign), the
// same NaN is not.
struct reading {
  std::int64_t id = 0;
  double value = 0.0;
  AR_MODEL(reading, "dirty_readings", AR_FIELDS(id, value));
};

TEST_P(dirty_tracking, doubles_compare_bit_for_bit) {
  ar::create_table<reading>(db);
  reading r{0, 0.0};
  ar::insert(db, r);
  r.value = -0.0;
  EXPECT_TRUE(ar::changed(r));
  r.value = 0.0;
  EXPECT_FALSE(ar::changed(r));
}

// --- optimistic locking -------------------------------------------------------------------------

TEST_P(dirty_tracking, a_locked_update_raises_the_version_and_checks_it) {
  account a{0, "Ada", 100, 0};
  ar::insert(db, a);
  ar::statement_counter counter;
  a.balance = 150;
  ar::update(db, a);
  EXPECT_EQ(
      counter.statements(),
      (std::vector<std::string>{sql("UPDATE {locked_accounts} SET {balance} = ?, {lock_version} = {lock_version} + 1 "
                                    "WHERE {id} = ? AND {lock_version} = ?")}));
  EXPECT_EQ(a.lock_version, 1);
  EXPECT_FALSE(ar::changed(a));
  ar::save(db, a);  // nothing changed: no statement, the version stays
  EXPECT_EQ(counter.count(), 1u);
  const account stored = ar::find_or_throw<account>(db, a.id);
  EXPECT_EQ(stored.balance, 150);
  EXPECT_EQ(stored.lock_version, 1);
}

TEST_P(dirty_tracking, a_stale_update_throws_and_changes_nothing) {
  account a{0, "Ada", 100, 0};
  ar::insert(db, a);
  account mine = ar::find_or_throw<account>(db, a.id);
  account theirs = ar::find_or_throw<account>(other, a.id);
  theirs.balance = 90;
  ar::save(other, theirs);  // version 1 now
  mine.owner = "Ada L.";    // another column: without the lock this would merge
  try {
    ar::save(db, mine);
    FAIL() << "a stale save went through";
  } catch (const ar::stale_record_error& e) {
    EXPECT_EQ(e.database(), "default");
    EXPECT_EQ(e.table(), "locked_accounts");
    EXPECT_EQ(e.key(), std::to_string(a.id));
    EXPECT_EQ(e.expected_version(), 0);
    const std::string what = e.what();
    EXPECT_NE(what.find("'default'"), std::string::npos) << what;
    EXPECT_NE(what.find("'locked_accounts'"), std::string::npos) << what;
    EXPECT_NE(what.find("lock version 0"), std::string::npos) << what;
  }
  // The record is as it was: its change still pending, its version the one it read.
  EXPECT_EQ(mine.lock_version, 0);
  EXPECT_EQ(mine.owner, "Ada L.");
  EXPECT_TRUE(ar::changed(mine, account::c.owner));
  const account stored = ar::find_or_throw<account>(db, a.id);
  EXPECT_EQ(stored.owner, "Ada");
  EXPECT_EQ(stored.balance, 90);
  EXPECT_EQ(stored.lock_version, 1);
  // Read again, the change goes through.
  ar::refresh(db, mine);
  mine.owner = "Ada L.";
  ar::save(db, mine);
  EXPECT_EQ(mine.lock_version, 2);
  EXPECT_EQ(ar::find_or_throw<account>(other, a.id).owner, "Ada L.");
}

TEST_P(dirty_tracking, a_stale_destroy_throws_and_deletes_nothing) {
  account a{0, "Ada", 100, 0};
  ar::insert(db, a);
  account theirs = ar::find_or_throw<account>(other, a.id);
  theirs.balance = 1;
  ar::save(other, theirs);
  EXPECT_THROW(ar::destroy(db, a), ar::stale_record_error);
  EXPECT_TRUE(ar::find<account>(db, a.id).has_value());
  ar::refresh(db, a);
  ar::statement_counter counter;
  EXPECT_TRUE(ar::destroy(db, a));
  EXPECT_EQ(counter.statements(),
            (std::vector<std::string>{sql("DELETE FROM {locked_accounts} WHERE {id} = ? AND {lock_version} = ?")}));
  EXPECT_FALSE(ar::find<account>(db, a.id).has_value());
}

TEST_P(dirty_tracking, a_locked_update_of_a_deleted_row_is_stale) {
  account a{0, "Ada", 100, 0};
  ar::insert(db, a);
  EXPECT_TRUE(ar::destroy<account>(other, a.id));
  a.balance = 5;
  EXPECT_THROW(ar::update(db, a), ar::stale_record_error);
  EXPECT_EQ(a.lock_version, 0);
}

AR_INSTANTIATE_BACKEND_SUITE(dirty_tracking);

}  // namespace
