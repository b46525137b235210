// Keys the program supplies (AR_KEY_SUPPLIED): an integer key that the database does not generate,
// as in tables whose key is a plain INT (Chinook's on PostgreSQL). insert binds the key and reads
// nothing back; save() of a record whose key is not stored inserts it (an upsert); the table ar
// creates has no identity or AUTO_INCREMENT on the key.

#include "../support/backends.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace {

struct artist {
  std::int64_t id = 0;
  std::string name;

  AR_MODEL(artist, "supplied_artists", AR_FIELDS(id, name), AR_KEY_SUPPLIED);
};

// The same table, declared without AR_KEY_SUPPLIED: its integer key is taken as generated.
struct generated_artist {
  std::int64_t id = 0;
  std::string name;

  AR_MODEL(generated_artist, "supplied_artists", AR_FIELDS(id, name));
};

static_assert(ar::model_of<artist>::generated_key == false);
static_assert(ar::model_of<generated_artist>::generated_key == true);

class supplied_keys : public ar_test::backend_test {
 protected:
  // A table whose key is a plain integer column, with no default: as a schema a program did not
  // create has it.
  void create_plain_table() {
    db.execute(ar_test::sql_for(db, "CREATE TABLE {supplied_artists} ({id} INTEGER NOT NULL PRIMARY KEY, {name} " +
                                        std::string(GetParam() == "mariadb" ? "VARCHAR(200)" : "TEXT") + " NOT NULL)"));
  }
  std::vector<std::string> names() {
    std::vector<std::string> out;
    for (const artist& a : ar::from<artist>(db) | ar::order_by(artist::c.id) | ar::to_vector)
      out.push_back(std::to_string(a.id) + ":" + a.name);
    return out;
  }
};

TEST_P(supplied_keys, insert_binds_the_key_and_reads_nothing_back) {
  create_plain_table();
  ar::statement_counter counter;
  artist ac{42, "AC/DC"};
  ar::insert(db, ac);
  std::vector<artist> more{{7, "Accept"}, {9, "Aerosmith"}};
  ar::insert_all(db, more);
  EXPECT_EQ(ac.id, 42);
  EXPECT_EQ(more[0].id, 7);
  // The key is bound like any column, and nothing is read back (no RETURNING, no last insert id).
  EXPECT_EQ(counter.statements(),
            (std::vector<std::string>{
                ar_test::sql_for(db, "INSERT INTO {supplied_artists} ({id}, {name}) VALUES (?, ?)"),
                ar_test::sql_for(db, "INSERT INTO {supplied_artists} ({id}, {name}) VALUES (?, ?), (?, ?)")}));
  EXPECT_EQ(names(), (std::vector<std::string>{"7:Accept", "9:Aerosmith", "42:AC/DC"}));
  EXPECT_EQ(ar::find_or_throw<artist>(db, std::int64_t{42}).name, "AC/DC");
}

TEST_P(supplied_keys, without_the_clause_save_takes_a_record_with_a_key_for_a_stored_one) {
  create_plain_table();
  generated_artist ac{42, "AC/DC"};
  // A generated key that is set means the record was stored: save() updates it, and finds nothing.
  EXPECT_THROW(ar::save(db, ac), ar::record_not_found);
  EXPECT_FALSE(ar::find<artist>(db, std::int64_t{42}).has_value());
  artist supplied{42, "AC/DC"};
  ar::save(db, supplied);
  EXPECT_EQ(names(), (std::vector<std::string>{"42:AC/DC"}));
}

TEST_P(supplied_keys, save_inserts_a_record_whose_key_is_not_stored_and_updates_one_that_is) {
  create_plain_table();
  artist a{5, "Alanis"};
  ar::save(db, a);  // a new key: inserted
  EXPECT_EQ(names(), (std::vector<std::string>{"5:Alanis"}));
  a.name = "Alanis Morissette";
  ar::save(db, a);  // the same key: updated
  artist b{6, "Alice In Chains"};
  ar::save(db, b);
  EXPECT_EQ(names(), (std::vector<std::string>{"5:Alanis Morissette", "6:Alice In Chains"}));
}

TEST_P(supplied_keys, a_key_taken_already_fails_and_leaves_the_record_and_table_as_they_were) {
  create_plain_table();
  artist a{1, "first"};
  ar::insert(db, a);
  artist again{1, "second"};
  EXPECT_THROW(ar::insert(db, again), ar::database_error);
  EXPECT_EQ(again.id, 1);
  EXPECT_EQ(again.name, "second");
  EXPECT_EQ(names(), (std::vector<std::string>{"1:first"}));
}

TEST_P(supplied_keys, update_and_destroy_address_the_supplied_key) {
  create_plain_table();
  std::vector<artist> all{{1, "a"}, {2, "b"}, {3, "c"}};
  ar::insert_all(db, all);
  all[1].name = "B";
  ar::update(db, all[1]);
  ar::destroy(db, all[0]);
  EXPECT_EQ(names(), (std::vector<std::string>{"2:B", "3:c"}));
}

TEST_P(supplied_keys, the_table_ar_creates_does_not_generate_the_key) {
  ar::statement_counter counter;
  ar::create_table<artist>(db);
  ASSERT_EQ(counter.statements().size(), 1u);
  const std::string ddl = counter.statements()[0];
  for (const char* generated : {"IDENTITY", "AUTO_INCREMENT", "AUTOINCREMENT"})
    EXPECT_EQ(ddl.find(generated), std::string::npos) << ddl;
  // (On SQLite an INTEGER key is the rowid, which a bound key sets.)
  artist a{0, "zero is a key like any other"};
  ar::insert(db, a);
  EXPECT_EQ(ar::find_or_throw<artist>(db, std::int64_t{0}).name, "zero is a key like any other");
}

AR_INSTANTIATE_BACKEND_SUITE(supplied_keys);

}  // namespace
