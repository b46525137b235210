// Timestamps and validations (issue 20 items 3 and 4; docs/records.md).
// AR_TIMESTAMPS fields are filled from the program's clock, one reading per statement (per
// insert_all call): insert fills both (keeping a value the program set), update sets the updated
// one in its partial UPDATE (nothing changed: no statement), touch writes it alone; a failed write
// leaves the record as it was. AR_VALIDATES runs before any statement: a failure throws
// ar::validation_error listing every failing field, nothing written (uniqueness's SELECT is the only
// statement), ar::errors_of / ar::valid say the same without throwing, ar::skip_validation writes
// without checking.

#include "../support/backends.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <regex>
#include <string>
#include <vector>

namespace {

using namespace std::chrono_literals;

struct note {
  std::int64_t id = 0;
  std::string body;
  ar::time_point created_at{};
  std::optional<ar::time_point> updated_at{};

  AR_MODEL(note, "stamped_notes", AR_FIELDS(id, body, created_at, updated_at), AR_TIMESTAMPS(created_at, updated_at),
           AR_UNIQUE(body));
};

struct document {
  std::int64_t id = 0;
  std::string title;
  std::int32_t lock_version = 0;
  ar::time_point changed_at{};

  AR_MODEL(document, "stamped_documents", AR_FIELDS(id, title, lock_version, changed_at), AR_LOCK_VERSION(lock_version),
           AR_UPDATED_AT(changed_at));
};

struct entry {
  std::int64_t id = 0;
  std::string text;
  ar::time_point written_at{};

  AR_MODEL(entry, "stamped_entries", AR_FIELDS(id, text, written_at), AR_CREATED_AT(written_at));
};

static_assert(ar::model_of<note>::created_at_index == 2 && ar::model_of<note>::updated_at_index == 3);
static_assert(ar::model_of<document>::created_at_index == ar::detail::npos);
static_assert(ar::model_of<document>::updated_at_index == 3);
static_assert(ar::model_of<entry>::updated_at_index == ar::detail::npos);

// A time as every backend keeps it (microseconds): a reading taken around a write compares with it.
ar::time_point now_floor() { return ar::detail::stamp_now(); }
const ar::time_point long_ago = ar::time_point{std::chrono::sys_days{std::chrono::year{2001} / 2 / 3}} + 4h + 5min;

class timestamps : public ar_test::backend_test {
 protected:
  void SetUp() override {
    db = ar_test::open_backend(GetParam() == "sqlite" ? "sqlite_file" : GetParam());
    other = ar_test::open_backend_again(db, "other");
    ar::create_table<note>(db);
    ar::create_table<document>(db);
    ar::create_table<entry>(db);
  }
  std::string sql(std::string_view text) const { return ar_test::sql_for(db, text); }
  ar::database other;
};

TEST_P(timestamps, insert_fills_both_from_one_clock_reading_and_the_record_is_its_row) {
  note n{.body = "first"};
  const ar::time_point before = now_floor();
  ar::statement_counter counter;
  ar::insert(db, n);
  const ar::time_point after = now_floor();
  EXPECT_EQ(counter.count(), 1u);
  ASSERT_TRUE(n.updated_at.has_value());
  EXPECT_EQ(n.created_at, *n.updated_at);
  EXPECT_GE(n.created_at, before);
  EXPECT_LE(n.created_at, after);
  EXPECT_FALSE(ar::changed(n));
  const note stored = ar::find_or_throw<note>(db, n.id);
  EXPECT_EQ(stored.created_at, n.created_at);  // to the microsecond: what the record holds is the row
  EXPECT_EQ(stored.updated_at, n.updated_at);
}

TEST_P(timestamps, insert_keeps_a_created_at_the_program_set) {
  note n{.body = "imported", .created_at = long_ago};
  ar::insert(db, n);
  EXPECT_EQ(n.created_at, long_ago);
  ASSERT_TRUE(n.updated_at.has_value());
  EXPECT_GT(*n.updated_at, long_ago);
  EXPECT_EQ(ar::find_or_throw<note>(db, n.id).created_at, long_ago);
}

TEST_P(timestamps, update_writes_updated_at_with_the_changed_columns_and_nothing_when_none_changed) {
  note n{.body = "draft", .created_at = long_ago, .updated_at = long_ago};
  ar::insert(db, n);
  note read = ar::find_or_throw<note>(db, n.id);
  ar::statement_counter counter;
  ar::update(db, read);
  ar::save(db, read);
  EXPECT_EQ(counter.count(), 0u);  // nothing changed: no statement, updated_at as it was
  EXPECT_EQ(read.updated_at, long_ago);
  read.body = "final";
  const ar::time_point before = now_floor();
  ar::update(db, read);
  EXPECT_EQ(counter.statements(),
            (std::vector<std::string>{sql("UPDATE {stamped_notes} SET {body} = ?, {updated_at} = ? WHERE {id} = ?")}));
  ASSERT_TRUE(read.updated_at.has_value());
  EXPECT_GE(*read.updated_at, before);
  EXPECT_EQ(read.created_at, long_ago);
  EXPECT_FALSE(ar::changed(read));
  const note stored = ar::find_or_throw<note>(other, n.id);
  EXPECT_EQ(stored.body, "final");
  EXPECT_EQ(stored.updated_at, read.updated_at);
  EXPECT_EQ(stored.created_at, long_ago);
}

TEST_P(timestamps, update_keeps_an_updated_at_the_program_changed) {
  note n{.body = "a"};
  ar::insert(db, n);
  n.body = "b";
  n.updated_at = long_ago;
  ar::statement_counter counter;
  ar::update(db, n);
  EXPECT_EQ(counter.statements(),
            (std::vector<std::string>{sql("UPDATE {stamped_notes} SET {body} = ?, {updated_at} = ? WHERE {id} = ?")}));
  EXPECT_EQ(n.updated_at, long_ago);
  EXPECT_EQ(ar::find_or_throw<note>(db, n.id).updated_at, long_ago);
}

TEST_P(timestamps, touch_writes_updated_at_alone_and_other_changes_stay_pending) {
  note n{.body = "kept", .created_at = long_ago, .updated_at = long_ago};
  ar::insert(db, n);
  n.body = "pending";
  ar::statement_counter counter;
  ar::touch(db, n);
  EXPECT_EQ(counter.statements(),
            (std::vector<std::string>{sql("UPDATE {stamped_notes} SET {updated_at} = ? WHERE {id} = ?")}));
  ASSERT_TRUE(n.updated_at.has_value());
  EXPECT_GT(*n.updated_at, long_ago);
  EXPECT_TRUE(ar::changed(n, note::c.body));
  EXPECT_FALSE(ar::changed(n, note::c.updated_at));
  const note stored = ar::find_or_throw<note>(db, n.id);
  EXPECT_EQ(stored.body, "kept");
  EXPECT_EQ(stored.updated_at, n.updated_at);
  EXPECT_EQ(stored.created_at, long_ago);
}

TEST_P(timestamps, insert_all_gives_every_row_of_the_call_one_reading) {
  std::vector<note> notes{note{.body = "x"}, note{.body = "y"}, note{.body = "z", .created_at = long_ago}};
  ar::statement_counter counter;
  ar::insert_all(db, notes);
  EXPECT_EQ(counter.count(), 1u);
  EXPECT_EQ(notes[0].created_at, notes[1].created_at);
  EXPECT_EQ(notes[0].updated_at, notes[1].updated_at);
  EXPECT_EQ(notes[2].updated_at, notes[0].updated_at);
  EXPECT_EQ(notes[0].created_at, *notes[0].updated_at);
  EXPECT_EQ(notes[2].created_at, long_ago);  // set by the program: kept
  const note stored = ar::find_or_throw<note>(db, notes[1].id);
  EXPECT_EQ(stored.created_at, notes[1].created_at);
  std::vector<note> more{note{.body = "w"}};
  ar::insert_all(db, std::span<note>(more), ar::without_keys);
  EXPECT_NE(more[0].created_at, ar::time_point{});
}

TEST_P(timestamps, a_failed_write_leaves_the_record_unchanged) {
  note first{.body = "taken"};
  ar::insert(db, first);
  note clash{.body = "taken"};  // AR_UNIQUE(body): the database refuses it
  EXPECT_THROW(ar::insert(db, clash), ar::database_error);
  EXPECT_EQ(clash.created_at, ar::time_point{});
  EXPECT_FALSE(clash.updated_at.has_value());
  EXPECT_EQ(clash.id, 0);

  std::vector<note> batch{note{.body = "fresh"}, note{.body = "taken"}};
  EXPECT_THROW(ar::insert_all(db, batch), ar::database_error);
  for (const note& n : batch) {
    EXPECT_EQ(n.created_at, ar::time_point{});
    EXPECT_FALSE(n.updated_at.has_value());
  }

  note gone{.body = "gone", .created_at = long_ago, .updated_at = long_ago};
  ar::insert(db, gone);
  EXPECT_TRUE(ar::destroy<note>(other, gone.id));
  gone.body = "too late";
  EXPECT_THROW(ar::update(db, gone), ar::record_not_found);
  EXPECT_EQ(gone.updated_at, long_ago);
  EXPECT_THROW(ar::touch(db, gone), ar::record_not_found);
  EXPECT_EQ(gone.updated_at, long_ago);
}

TEST_P(timestamps, created_at_alone_is_filled_by_insert_and_left_by_update) {
  entry e{.text = "one"};
  ar::insert(db, e);
  const ar::time_point written = e.written_at;
  EXPECT_NE(written, ar::time_point{});
  e.text = "two";
  ar::statement_counter counter;
  ar::update(db, e);
  EXPECT_EQ(counter.statements(),
            (std::vector<std::string>{sql("UPDATE {stamped_entries} SET {text} = ? WHERE {id} = ?")}));
  EXPECT_EQ(e.written_at, written);
}

TEST_P(timestamps, with_a_lock_version_updated_at_joins_the_locked_update_and_a_stale_one_changes_nothing) {
  document d{.title = "spec"};
  ar::insert(db, d);
  const ar::time_point inserted = d.changed_at;
  EXPECT_NE(inserted, ar::time_point{});
  document mine = ar::find_or_throw<document>(db, d.id);
  document theirs = ar::find_or_throw<document>(other, d.id);
  theirs.title = "spec v2";
  ar::statement_counter counter;
  ar::save(other, theirs);
  EXPECT_EQ(
      counter.statements(),
      (std::vector<std::string>{sql("UPDATE {stamped_documents} SET {title} = ?, {changed_at} = ?, "
                                    "{lock_version} = {lock_version} + 1 WHERE {id} = ? AND {lock_version} = ?")}));
  EXPECT_EQ(theirs.lock_version, 1);
  mine.title = "spec v1.1";
  EXPECT_THROW(ar::save(db, mine), ar::stale_record_error);
  EXPECT_EQ(mine.changed_at, inserted);  // as it was
  EXPECT_EQ(mine.lock_version, 0);
  EXPECT_THROW(ar::touch(db, mine), ar::stale_record_error);
  EXPECT_EQ(mine.changed_at, inserted);
  counter.reset();
  ar::touch(other, theirs);
  EXPECT_EQ(counter.statements(),
            (std::vector<std::string>{sql("UPDATE {stamped_documents} SET {changed_at} = ?, {lock_version} = "
                                          "{lock_version} + 1 WHERE {id} = ? AND {lock_version} = ?")}));
  EXPECT_EQ(theirs.lock_version, 2);
  EXPECT_FALSE(ar::changed(theirs));
  const document stored = ar::find_or_throw<document>(db, d.id);
  EXPECT_EQ(stored.lock_version, 2);
  EXPECT_EQ(stored.changed_at, theirs.changed_at);
  EXPECT_EQ(stored.title, "spec v2");
}

AR_INSTANTIATE_BACKEND_SUITE(timestamps);

// --- validations ------------------------------------------------------------------------------

struct member {
  std::int64_t id = 0;
  std::string name{};
  std::optional<std::string> email{};
  std::int32_t age = 0;
  std::string role = "user";
  std::string nickname{};

  AR_MODEL(member, "validated_members", AR_FIELDS(id, name, email, age, role, nickname),
           AR_VALIDATES(name, ar::presence, ar::length{.max = 10}),
           AR_VALIDATES(email, ar::format("[^@ ]+@[^@ ]+"), ar::uniqueness),
           AR_VALIDATES(age, ar::range{.min = 0, .max = 150}), AR_VALIDATES(role, ar::inclusion{"admin", "user"}),
           AR_VALIDATES(nickname, ar::check{[](const std::string& s) { return s != "root"; }, "is reserved"}),
           AR_VALIDATES(nickname, ar::format(std::regex("[a-z]*"), "is not lowercase")));
};

class validations : public ar_test::backend_test {
 protected:
  void SetUp() override {
    db = ar_test::open_backend(GetParam() == "sqlite" ? "sqlite_file" : GetParam());
    ar::create_table<member>(db);
  }
  std::string sql(std::string_view text) const { return ar_test::sql_for(db, text); }
  std::int64_t rows() const { return ar::from<member>(db) | ar::count; }
};

TEST_P(validations, a_valid_record_is_written_after_one_uniqueness_select) {
  member m{.name = "Ada", .email = "ada@example.org", .age = 36};
  ar::statement_counter counter;
  ar::insert(db, m);
  ASSERT_EQ(counter.count(), 2u);
  EXPECT_EQ(counter.statements()[0], sql("SELECT COUNT(*) FROM {validated_members} WHERE {email} = ?"));
  EXPECT_NE(m.id, 0);
  member no_email{.name = "Bob", .age = 1};
  counter.reset();
  ar::insert(db, no_email);
  EXPECT_EQ(counter.count(), 1u);  // a NULL is never taken: no SELECT
}

TEST_P(validations, an_invalid_record_throws_every_error_and_nothing_is_written) {
  member m{.name = "  ", .email = std::nullopt, .age = 151, .role = "owner", .nickname = "root"};
  ar::statement_counter counter;
  try {
    ar::insert(db, m);
    FAIL() << "an invalid record was inserted";
  } catch (const ar::validation_error& e) {
    EXPECT_EQ(e.table(), "validated_members");
    const std::vector<ar::field_error> expected{
        {"name", "can't be blank"},
        {"age", "must be less than or equal to 150"},
        {"role", "is not included in the list"},
        {"nickname", "is reserved"},
    };
    EXPECT_EQ(e.errors(), expected);
    EXPECT_STREQ(e.what(),
                 "ar: a record of 'validated_members' is not valid, nothing was written: name can't be blank; age must "
                 "be less than or equal to 150; role is not included in the list; nickname is reserved");
  }
  EXPECT_EQ(counter.count(), 0u);
  EXPECT_EQ(m.id, 0);
  EXPECT_EQ(rows(), 0);
  counter.reset();
  EXPECT_THROW(ar::save(db, m), ar::validation_error);
  EXPECT_EQ(counter.count(), 0u);
}

TEST_P(validations, each_validator_says_why) {
  member m{.name = "Ada Lovelace!", .email = "not an address", .age = -1, .nickname = "Ada"};
  const std::vector<ar::field_error> expected{
      {"name", "is too long (maximum is 10 characters)"},
      {"email", "is invalid"},
      {"age", "must be greater than or equal to 0"},
      {"nickname", "is not lowercase"},
  };
  ar::statement_counter counter;
  EXPECT_EQ(ar::errors_of(db, m), expected);
  EXPECT_EQ(counter.count(), 1u);  // uniqueness asked (a SELECT), nothing written
  EXPECT_FALSE(ar::valid(db, m));
  EXPECT_EQ(rows(), 0);
  // Length counts characters, not bytes: ten two-byte letters fit.
  m = member{.name = "\xc3\x85\xc3\x85\xc3\x85\xc3\x85\xc3\x85\xc3\x85\xc3\x85\xc3\x85\xc3\x85\xc3\x85", .age = 3};
  EXPECT_TRUE(ar::valid(db, m));
  m.name += "\xc3\x85";
  EXPECT_EQ(ar::errors_of(db, m), (std::vector<ar::field_error>{{"name", "is too long (maximum is 10 characters)"}}));
}

TEST_P(validations, uniqueness_asks_the_database_and_excludes_the_record_itself_on_update) {
  member ada{.name = "Ada", .email = "ada@example.org", .age = 36};
  member bob{.name = "Bob", .email = "bob@example.org", .age = 40};
  ar::insert(db, ada);
  ar::insert(db, bob);
  member copycat{.name = "Eve", .email = "ada@example.org", .age = 20};
  ar::statement_counter counter;
  try {
    ar::insert(db, copycat);
    FAIL() << "a taken email was inserted";
  } catch (const ar::validation_error& e) {
    EXPECT_EQ(e.errors(), (std::vector<ar::field_error>{{"email", "has already been taken"}}));
  }
  EXPECT_EQ(counter.statements(),
            (std::vector<std::string>{sql("SELECT COUNT(*) FROM {validated_members} WHERE {email} = ?")}));

  member read = ar::find_or_throw<member>(db, ada.id);
  counter.reset();
  read.age = 37;  // the email is not written: no SELECT
  ar::update(db, read);
  EXPECT_EQ(counter.statements(),
            (std::vector<std::string>{sql("UPDATE {validated_members} SET {age} = ? WHERE {id} = ?")}));
  counter.reset();
  read.email = "countess@example.org";
  ar::update(db, read);
  EXPECT_EQ(
      counter.statements(),
      (std::vector<std::string>{sql("SELECT COUNT(*) FROM {validated_members} WHERE {email} = ? AND NOT ({id} = ?)"),
                                sql("UPDATE {validated_members} SET {email} = ? WHERE {id} = ?")}));
  counter.reset();
  read.email = "bob@example.org";
  EXPECT_THROW(ar::save(db, read), ar::validation_error);
  EXPECT_EQ(counter.count(), 1u);  // the SELECT alone
  EXPECT_EQ(read.email, "bob@example.org");
  EXPECT_TRUE(ar::changed(read, member::c.email));
  EXPECT_EQ(ar::find_or_throw<member>(db, ada.id).email, "countess@example.org");
  // A record's own value is not taken by itself.
  read.email = "countess@example.org";
  EXPECT_TRUE(ar::valid(db, read));
}

TEST_P(validations, uniqueness_asks_the_database_the_record_is_checked_against) {
  member ada{.name = "Ada", .email = "ada@example.org", .age = 36};
  ar::insert(db, ada);
  ar::database elsewhere = ar::open("sqlite3://db=:memory:", "elsewhere");
  ar::create_table<member>(elsewhere);
  member twin{.name = "Twin", .email = "ada@example.org", .age = 36};
  ar::statement_counter counter;
  EXPECT_TRUE(ar::valid(elsewhere, twin));
  EXPECT_EQ(counter.count(elsewhere), 1u);
  EXPECT_EQ(counter.count(db), 0u);
  EXPECT_FALSE(ar::valid(db, twin));
  ar::insert(elsewhere, twin);
  EXPECT_EQ(ar::from<member>(elsewhere) | ar::count, 1);
  elsewhere.close();
}

TEST_P(validations, skip_validation_writes_without_checking) {
  member bad{.name = "", .age = 500};
  ar::statement_counter counter;
  ar::insert(db, bad, ar::skip_validation);
  EXPECT_EQ(counter.count(), 1u);
  EXPECT_NE(bad.id, 0);
  bad.role = "nobody";
  EXPECT_THROW(ar::update(db, bad), ar::validation_error);
  ar::update(db, bad, ar::skip_validation);
  bad.age = 600;
  ar::save(db, bad, ar::skip_validation);
  const member stored = ar::find_or_throw<member>(db, bad.id);
  EXPECT_EQ(stored.role, "nobody");
  EXPECT_EQ(stored.age, 600);
  // An update that changes nothing validates nothing: no statement.
  counter.reset();
  ar::update(db, bad);
  EXPECT_EQ(counter.count(), 0u);
}

AR_INSTANTIATE_BACKEND_SUITE(validations);

}  // namespace
