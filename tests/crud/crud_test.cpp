#include "../support/backends.hpp"
#include "../support/models.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

namespace {

using namespace std::chrono;
using ar_test::country;
using ar_test::everything;
using ar_test::tag;
using ar_test::user;

ar::time_point micros(long long us) {
  return ar::time_point{duration_cast<ar::time_point::duration>(microseconds{us})};
}

class crud : public ar_test::backend_test {
 protected:
  void SetUp() override {
    backend_test::SetUp();
    ar::create_tables<everything, user, country, tag>(db);
  }
};

TEST_P(crud, insert_writes_the_generated_key_back_and_find_reads_the_row) {
  user a{0, "ada", std::nullopt};
  user b{0, "bob", "black"};
  ar::insert(db, a);
  ar::insert(db, b);
  EXPECT_GT(a.id, 0);
  EXPECT_GT(b.id, a.id);
  EXPECT_EQ(ar::find<user>(db, a.id), a);
  EXPECT_EQ(ar::find<user>(db, b.id), b);
}

// A thread keeps the find statement it took last (src/sql/crud_sql.cpp): finds that alternate
// between two databases, and on a database opened where a closed one was, each run their own
// database's statement and read their own rows.
TEST_P(crud, finds_alternating_between_databases_each_read_their_own_database) {
  ar::database other = ar_test::open_backend("sqlite", "crud_other");
  ar::create_tables<tag>(other);
  tag here{0, "here"};
  ar::insert(db, here);
  tag there{0, "there"};
  ar::insert(other, there);
  for (int round = 0; round < 3; ++round) {
    EXPECT_EQ(ar::find_or_throw<tag>(db, here.tag_id).label, "here");
    EXPECT_EQ(ar::find_or_throw<tag>(other, there.tag_id).label, "there");
  }
  other.close();
  ar::database again = ar_test::open_backend("sqlite", "crud_again");
  ar::create_tables<tag>(again);
  tag anew{0, "anew"};
  ar::insert(again, anew);
  EXPECT_EQ(ar::find_or_throw<tag>(again, anew.tag_id).label, "anew");
  EXPECT_EQ(ar::find_or_throw<tag>(db, here.tag_id).label, "here");
}

TEST_P(crud, every_field_type_round_trips_with_values) {
  everything e;
  e.i32 = std::numeric_limits<std::int32_t>::min();
  e.i64 = std::numeric_limits<std::int64_t>::max();
  e.f64 = -1234.5678901234567;
  e.flag = true;
  e.text = "héllo wörld — 日本語 🎉";
  e.at = micros(1'709'210'096'123'456);  // 2024-02-29 12:34:56.123456
  e.opt_i32 = std::numeric_limits<std::int32_t>::max();
  e.opt_i64 = std::numeric_limits<std::int64_t>::min();
  e.opt_f64 = 1e-300;
  e.opt_flag = false;
  e.opt_text = "";
  e.opt_at = micros(-2'208'988'800'000'000 + 1);  // 1900-01-01 00:00:00.000001
  ar::insert(db, e);
  auto back = ar::find<everything>(db, e.id);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, e);
}

TEST_P(crud, string_keys_compare_exactly) {
  // Case, accents and trailing spaces all make a different key, on every backend (MySQL's
  // default collations would call several of these equal).
  const std::vector<std::string> codes{"ab", "AB", "ab ", "áb", "a b"};
  for (const auto& code : codes) {
    country c{code, "n" + code, 1};
    ar::insert(db, c);
  }
  for (const auto& code : codes) EXPECT_EQ(ar::find_or_throw<country>(db, code).name, "n" + code) << code;
  EXPECT_EQ(ar::from<country>(db) | ar::filter(country::c.code == "ab") | ar::count, 1);
  EXPECT_EQ(ar::from<country>(db) | ar::filter(country::c.name.like("nab_")) | ar::count, 1);  // "nab "
  EXPECT_FALSE(ar::find<country>(db, "Ab"));
}

TEST_P(crud, a_string_key_past_the_backends_limit_is_refused_never_cut) {
  const std::size_t limit = ar_test::capabilities_of(GetParam()).string_key_max_chars;
  const std::size_t longest = limit ? limit : 5000;
  country fits{std::string(longest - 1, 'x') + "\xc3\xa9", "fits", 1};  // the last character takes two bytes
  ar::insert(db, fits);
  EXPECT_EQ(ar::find_or_throw<country>(db, fits.code).code, fits.code);
  country longer{std::string(longest, 'y') + "z", "longer", 2};
  if (limit) {
    EXPECT_THROW(ar::insert(db, longer), ar::database_error);
    EXPECT_FALSE(ar::find<country>(db, longer.code.substr(0, limit)));
  } else {
    ar::insert(db, longer);
    EXPECT_EQ(ar::find_or_throw<country>(db, longer.code).name, "longer");
  }
}

TEST_P(crud, non_finite_doubles_round_trip_or_are_refused) {
  const auto caps = ar_test::capabilities_of(GetParam());
  for (double v : {std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                   std::numeric_limits<double>::quiet_NaN()}) {
    everything e;
    e.f64 = v;
    const bool stored = std::isnan(v) ? caps.stores_nan : caps.stores_infinity;
    if (!stored) {
      // Refused, never stored as something else (SQLite would bind NaN as NULL: the NOT NULL
      // column refuses it).
      EXPECT_THROW(ar::insert(db, e), ar::database_error) << v;
      continue;
    }
    ar::insert(db, e);
    const double back = ar::find_or_throw<everything>(db, e.id).f64;
    if (std::isnan(v))
      EXPECT_TRUE(std::isnan(back));
    else
      EXPECT_EQ(back, v);
  }
  EXPECT_EQ(ar::from<everything>(db) | ar::count, (caps.stores_infinity ? 2 : 0) + (caps.stores_nan ? 1 : 0));
}

TEST_P(crud, every_optional_field_round_trips_as_null) {
  everything e;
  e.text = "";
  ar::insert(db, e);
  auto back = ar::find_or_throw<everything>(db, e.id);
  EXPECT_EQ(back, e);
  EXPECT_FALSE(back.opt_i32 || back.opt_i64 || back.opt_f64 || back.opt_flag || back.opt_text || back.opt_at);
}

TEST_P(crud, integer_extremes_round_trip_in_both_directions) {
  for (std::int64_t v : {std::numeric_limits<std::int64_t>::min(), std::int64_t{-1}, std::int64_t{0},
                         std::numeric_limits<std::int64_t>::max()}) {
    everything e;
    e.i64 = v;
    e.opt_i64 = v;
    e.i32 = static_cast<std::int32_t>(v > 0 ? std::numeric_limits<std::int32_t>::max()
                                            : std::numeric_limits<std::int32_t>::min());
    ar::insert(db, e);
    auto back = ar::find_or_throw<everything>(db, e.id);
    EXPECT_EQ(back.i64, v);
    EXPECT_EQ(back.opt_i64, v);
    EXPECT_EQ(back.i32, e.i32);
  }
}

TEST_P(crud, update_writes_every_column_and_a_missing_row_is_an_error) {
  user u{0, "ada", std::nullopt};
  ar::insert(db, u);
  u.name = "ada lovelace";
  u.hair_color = "brown";
  ar::update(db, u);
  EXPECT_EQ(ar::find_or_throw<user>(db, u.id), u);

  u.hair_color.reset();
  ar::update(db, u);
  EXPECT_EQ(ar::find_or_throw<user>(db, u.id).hair_color, std::nullopt);

  user ghost{u.id + 1000, "ghost", std::nullopt};
  EXPECT_THROW(ar::update(db, ghost), ar::record_not_found);
}

TEST_P(crud, updating_a_record_to_the_values_it_has_is_no_missing_row) {
  // The row matches though nothing changes (MySQL counts changed rows unless the client asks for
  // matched ones).
  user u{0, "same", "red"};
  ar::insert(db, u);
  EXPECT_NO_THROW(ar::update(db, u));
  EXPECT_NO_THROW(ar::save(db, u));
  EXPECT_EQ(ar::find_or_throw<user>(db, u.id), u);
}

TEST_P(crud, save_inserts_a_new_record_then_updates_it) {
  user u{0, "ada", std::nullopt};
  ar::statement_counter counter;
  ar::save(db, u);
  ASSERT_GT(u.id, 0);
  u.name = "ada 2";
  ar::save(db, u);
  EXPECT_EQ(counter.count(), 2u);
  const auto sql = counter.statements();
  EXPECT_EQ(sql[0].rfind("INSERT", 0), 0u) << sql[0];
  EXPECT_EQ(sql[1].rfind("UPDATE", 0), 0u) << sql[1];
  EXPECT_EQ(ar::find_or_throw<user>(db, u.id).name, "ada 2");
}

TEST_P(crud, save_with_a_program_supplied_key_inserts_or_updates_in_one_statement) {
  country fr{"FR", "France", 67'000'000};
  ar::statement_counter counter;
  ar::save(db, fr);
  fr.population = 68'000'000;
  ar::save(db, fr);
  EXPECT_EQ(counter.count(), 2u);
  EXPECT_EQ(ar::find_or_throw<country>(db, "FR"), fr);
}

TEST_P(crud, insert_with_an_explicit_key_keeps_it) {
  user u{4242, "chosen", std::nullopt};
  ar::insert(db, u);
  EXPECT_EQ(u.id, 4242);
  EXPECT_EQ(ar::find_or_throw<user>(db, 4242).name, "chosen");
}

TEST_P(crud, a_32_bit_generated_key_in_a_renamed_column_works) {
  tag t{0, "c++"};
  ar::insert(db, t);
  EXPECT_GT(t.tag_id, 0);
  t.label = "c++20";
  ar::save(db, t);
  EXPECT_EQ(ar::find_or_throw<tag>(db, t.tag_id), t);
}

TEST_P(crud, find_returns_nothing_and_find_or_throw_throws_for_a_missing_key) {
  EXPECT_EQ(ar::find<user>(db, 99), std::nullopt);
  try {
    (void)ar::find_or_throw<user>(db, 99);
    FAIL() << "expected ar::record_not_found";
  } catch (const ar::record_not_found& e) {
    EXPECT_EQ(e.table(), "users");
    EXPECT_EQ(e.key(), "99");
    EXPECT_NE(std::string(e.what()).find("users"), std::string::npos);
  }
  EXPECT_THROW((void)ar::find_or_throw<country>(db, "XX"), ar::record_not_found);
}

TEST_P(crud, destroy_deletes_by_key_and_says_whether_a_row_went) {
  user u{0, "ada", std::nullopt};
  ar::insert(db, u);
  EXPECT_TRUE(ar::destroy(db, u));
  EXPECT_EQ(ar::find<user>(db, u.id), std::nullopt);
  EXPECT_FALSE(ar::destroy(db, u));
  country c{"DE", "Germany", 1};
  ar::insert(db, c);
  EXPECT_TRUE(ar::destroy<country>(db, "DE"));
  EXPECT_FALSE(ar::destroy<country>(db, "DE"));
}

TEST_P(crud, insert_all_sends_one_statement_per_batch_and_writes_keys_back) {
  std::vector<user> users;
  for (int i = 0; i < 100; ++i)
    users.push_back({0, "user" + std::to_string(i), i % 2 ? std::optional<std::string>("black") : std::nullopt});
  ar::statement_counter counter;
  ar::insert_all(db, users);
  EXPECT_EQ(counter.count(), 1u);
  for (int i = 0; i < 100; ++i) {
    ASSERT_GT(users[i].id, 0);
    if (i > 0) {
      EXPECT_GT(users[i].id, users[i - 1].id);
    }
  }
  for (const user& u : users) EXPECT_EQ(ar::find_or_throw<user>(db, u.id), u);
}

TEST_P(crud, insert_all_splits_past_the_bind_limit_inside_one_transaction) {
  // Two parameters per row: past the limit, the rows need a second statement.
  const std::size_t rows = db.dialect().max_parameters() / 2 + 10;
  std::vector<user> users(rows);
  for (std::size_t i = 0; i < rows; ++i) users[i].name = "u" + std::to_string(i);
  ar::statement_counter counter;
  ar::insert_all(db, users);
  const auto sql = counter.statements();
  ASSERT_EQ(sql.size(), 4u);  // BEGIN, two INSERTs, COMMIT
  EXPECT_EQ(sql.front(), "BEGIN");
  EXPECT_EQ(sql.back(), "COMMIT");
  EXPECT_EQ(ar::find_or_throw<user>(db, users.back().id).name, "u" + std::to_string(rows - 1));
  EXPECT_EQ(ar::find_or_throw<user>(db, users.front().id).name, "u0");
}

TEST_P(crud, insert_all_of_large_rows_fits_each_statement_to_the_backend) {
  // 24 MiB of text in 3,000 rows: far below the bind limit, but past the size of one MySQL
  // statement (SOCI's mysql backend writes the values into its text; max_allowed_packet is 16 MiB).
  const std::size_t rows = 3000;
  std::vector<user> users(rows);
  for (std::size_t i = 0; i < rows; ++i) users[i].name = std::to_string(i) + std::string(8 * 1024, 'x');
  ar::statement_counter counter;
  ar::insert_all(db, users);
  const auto sql = counter.statements();
  if (db.dialect().max_statement_bytes()) {
    EXPECT_GE(sql.size(), 2u + 6u);  // BEGIN, at least 6 INSERTs of at most 4 MiB, COMMIT
  }
  if (sql.size() > 1) {  // batches split by size go in one transaction, like those split by count
    EXPECT_EQ(sql.front(), "BEGIN");
    EXPECT_EQ(sql.back(), "COMMIT");
  }
  EXPECT_EQ(ar::from<user>(db) | ar::count, static_cast<std::int64_t>(rows));
  for (std::size_t i : {std::size_t{0}, rows / 2, rows - 1})
    EXPECT_EQ(ar::find_or_throw<user>(db, users[i].id).name, users[i].name) << i;
}

TEST_P(crud, insert_all_rolls_back_every_batch_when_one_fails) {
  const std::size_t per_batch = db.dialect().max_parameters() / 3;
  std::vector<country> countries(per_batch + 5);
  for (std::size_t i = 0; i < countries.size(); ++i) countries[i] = {"C" + std::to_string(i), "n", 1};
  countries.back().code = "C0";  // the second batch repeats a key of the first
  EXPECT_THROW(ar::insert_all(db, countries), ar::database_error);
  EXPECT_EQ(ar::find<country>(db, "C1"), std::nullopt);
  EXPECT_FALSE(db.in_transaction());
}

// --- keys are right or absent -------------------------------------------------------------

// Once a table holds the rowid INT64_MAX, SQLite picks each new rowid at random: the keys of one
// multi-row INSERT are then in no order, and only their position says which row is whose.
TEST(crud_sqlite, insert_all_matches_keys_to_records_by_position_when_rowids_are_random) {
  ar::database db = ar_test::open_backend("sqlite");
  ar::create_tables<user>(db);
  db.execute(ar_test::sql_for(db, "INSERT INTO {users} ({id}, {user_name}) VALUES (9223372036854775807, 'max')"));
  std::vector<user> users;
  for (int i = 0; i < 20; ++i) users.push_back({0, "random" + std::to_string(i), std::nullopt});
  ar::insert_all(db, users);
  bool in_order = true;
  for (std::size_t i = 0; i < users.size(); ++i) {
    ASSERT_NE(users[i].id, 0) << i;
    EXPECT_EQ(ar::find_or_throw<user>(db, users[i].id).name, users[i].name) << i;
    if (i > 0 && users[i].id < users[i - 1].id) in_order = false;
  }
  EXPECT_FALSE(in_order) << "the keys came out sorted: the test did not make SQLite pick them at random";
  // save() of a changed record touches its own row and no other.
  users[3].hair_color = "changed";
  ar::save(db, users[3]);
  for (std::size_t i = 0; i < users.size(); ++i) EXPECT_EQ(ar::find_or_throw<user>(db, users[i].id), users[i]) << i;
  EXPECT_EQ(ar::find_or_throw<user>(db, std::numeric_limits<std::int64_t>::max()).name, "max");
  EXPECT_EQ(ar::from<user>(db) | ar::filter(user::c.hair_color == "changed") | ar::count, 1);
  ar_test::close_backends();
}

// The same on every backend, with keys that decrease along the VALUES rows: a sorted match would
// give every record another row's key. PostgreSQL: an identity counting down; MariaDB: a trigger
// that hands out keys downwards from a counter table; SQLite: rowids at random past INT64_MAX.
TEST_P(crud, insert_all_matches_keys_to_records_by_position_when_keys_decrease) {
  const std::string& backend = GetParam();
  if (ar_test::engine_of(backend) == "postgresql") {
    db.execute("ALTER TABLE users ALTER COLUMN id SET INCREMENT BY -1 SET MINVALUE 1 RESTART WITH 100000");
  } else if (backend == "mariadb") {
    db.execute("CREATE TABLE key_counter (n BIGINT NOT NULL)");
    db.execute("INSERT INTO key_counter (n) VALUES (100001)");
    db.execute(
        "CREATE TRIGGER users_keys_down BEFORE INSERT ON users FOR EACH ROW BEGIN "
        "UPDATE key_counter SET n = n - 1; SET NEW.id = (SELECT n FROM key_counter); END");
  } else {
    db.execute(ar_test::sql_for(db, "INSERT INTO {users} ({id}, {user_name}) VALUES (9223372036854775807, 'max')"));
  }
  std::vector<user> users;
  for (int i = 0; i < 20; ++i) users.push_back({0, "down" + std::to_string(i), std::nullopt});
  ar::statement_counter counter;
  ar::insert_all(db, users);
  EXPECT_EQ(counter.count(), 1u);  // one multi-row INSERT ... RETURNING
  bool increasing = true;
  for (std::size_t i = 0; i < users.size(); ++i) {
    ASSERT_NE(users[i].id, 0) << i;
    EXPECT_EQ(ar::find_or_throw<user>(db, users[i].id).name, users[i].name) << i;
    if (i > 0 && users[i].id < users[i - 1].id) increasing = false;
  }
  EXPECT_FALSE(increasing) << "the keys came out increasing: the test did not make them decrease";
  users[7].hair_color = "changed";
  ar::save(db, users[7]);
  for (std::size_t i = 0; i < users.size(); ++i) EXPECT_EQ(ar::find_or_throw<user>(db, users[i].id), users[i]) << i;
  EXPECT_EQ(ar::from<user>(db) | ar::filter(user::c.hair_color == "changed") | ar::count, 1);
}

// A unique index on users.user_name, for the tests that make a row fail.
void make_user_names_unique(const ar::database& db) {
  db.execute(ar_test::sql_for(db, "CREATE UNIQUE INDEX {users_name_unique} ON {users} ({user_name})"));
}

TEST_P(crud, a_failed_insert_all_leaves_every_key_as_it_was_and_a_retry_inserts_everything) {
  make_user_names_unique(db);
  std::vector<user> users;
  for (int i = 0; i < 10; ++i) users.push_back({0, "k" + std::to_string(i), std::nullopt});
  users[8].name = "k2";  // a later row repeats an earlier one
  EXPECT_THROW(ar::insert_all(db, users), ar::database_error);
  for (std::size_t i = 0; i < users.size(); ++i) EXPECT_EQ(users[i].id, 0) << i;
  EXPECT_EQ(ar::from<user>(db) | ar::count, 0);

  users[8].name = "k8";
  ar::insert_all(db, users);
  EXPECT_EQ(ar::from<user>(db) | ar::count, 10);
  for (std::size_t i = 0; i < users.size(); ++i) EXPECT_EQ(ar::find_or_throw<user>(db, users[i].id), users[i]) << i;
}

TEST_P(crud, a_failed_insert_all_of_several_batches_takes_back_the_keys_earlier_batches_wrote) {
  make_user_names_unique(db);
  // Two parameters per row: the first batch is full, the repeat is in the second.
  const std::size_t rows = db.dialect().max_parameters() / 2 + 10;
  std::vector<user> users(rows);
  for (std::size_t i = 0; i < rows; ++i) users[i].name = "b" + std::to_string(i);
  users.back().name = "b0";
  // A record with a key of its own keeps it; one whose key was set keeps that.
  users.push_back({777'777, "keyed", std::nullopt});
  const std::vector<user> before = users;
  ar::statement_counter counter;
  EXPECT_THROW(ar::insert_all(db, users), ar::database_error);
  EXPECT_EQ(counter.statements().back(), "ROLLBACK");
  EXPECT_EQ(users, before);
  EXPECT_EQ(ar::from<user>(db) | ar::count, 0);

  users[rows - 1].name = "b" + std::to_string(rows - 1);
  ar::insert_all(db, users);
  EXPECT_EQ(ar::from<user>(db) | ar::count, static_cast<std::int64_t>(users.size()));
  for (std::size_t i : {std::size_t{0}, rows / 2, rows - 1, rows})
    EXPECT_EQ(ar::find_or_throw<user>(db, users[i].id), users[i]) << i;
  EXPECT_EQ(users.back().id, 777'777);
}

TEST_P(crud, a_failed_insert_all_of_a_32_bit_key_model_leaves_the_keys_as_they_were) {
  std::vector<tag> tags;
  for (int i = 0; i < 5; ++i) tags.push_back({0, "t" + std::to_string(i)});
  tags.push_back({0, std::string()});
  db.execute(ar_test::sql_for(db, "INSERT INTO {tags} ({tag_key}, {label}) VALUES (1000, 'taken')"));
  tags[4].tag_id = 1000;  // a key already taken: the keyed statement fails after the generated ones
  const std::vector<tag> before = tags;
  EXPECT_THROW(ar::insert_all(db, tags), ar::database_error);
  EXPECT_EQ(tags, before);
  EXPECT_EQ(ar::from<tag>(db) | ar::count, 1);
}

// A constraint checked when the statement commits (a deferred foreign key) fails the INSERT after
// its RETURNING row came back: the key that row brought is taken back too. MariaDB has no deferred
// constraints: there the foreign key fails the statement itself.
TEST_P(crud, an_insert_failing_at_its_commit_after_returning_its_key_leaves_the_key_unset) {
  const std::string deferred = GetParam() == "mariadb" ? "" : " DEFERRABLE INITIALLY DEFERRED";
  const std::string key = GetParam() == "sqlite" ? "INTEGER PRIMARY KEY"
                          : ar_test::engine_of(GetParam()) == "postgresql"
                              ? "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
                              : "BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY";
  db.execute(ar_test::sql_for(db, "CREATE TABLE {posts} ({id} " + key +
                                      ", {user_id} BIGINT NOT NULL REFERENCES {users} ({id})" + deferred +
                                      ", {title} VARCHAR(100) NOT NULL, {body} VARCHAR(100))"));
  ar_test::post orphan{0, 424242, "orphan", std::nullopt};  // no user 424242
  EXPECT_THROW(ar::insert(db, orphan), ar::database_error);
  EXPECT_EQ(orphan.id, 0);
  std::vector<ar_test::post> orphans{{0, 424242, "a", std::nullopt}, {0, 424243, "b", std::nullopt}};
  EXPECT_THROW(ar::insert_all(db, orphans), ar::database_error);
  EXPECT_EQ(orphans[0].id, 0);
  EXPECT_EQ(orphans[1].id, 0);
  EXPECT_EQ(ar::from<ar_test::post>(db) | ar::count, 0);
}

TEST_P(crud, a_failed_insert_all_inside_a_transaction_leaves_every_key_as_it_was) {
  make_user_names_unique(db);
  const std::size_t rows = db.dialect().max_parameters() / 2 + 10;
  std::vector<user> users(rows);
  for (std::size_t i = 0; i < rows; ++i) users[i].name = "t" + std::to_string(i);
  users.back().name = "t0";
  {
    ar::transaction tx(db);
    EXPECT_THROW(ar::insert_all(db, users), ar::database_error);
    for (std::size_t i = 0; i < rows; ++i) ASSERT_EQ(users[i].id, 0) << i;
  }  // rolled back: the caller's to end
  EXPECT_EQ(ar::from<user>(db) | ar::count, 0);
}

TEST_P(crud, a_failed_insert_leaves_the_key_as_it_was) {
  make_user_names_unique(db);
  user a{0, "same", std::nullopt};
  ar::insert(db, a);
  user b{0, "same", "b"};
  EXPECT_THROW(ar::insert(db, b), ar::database_error);
  EXPECT_EQ(b, (user{0, "same", "b"}));
  user c{0, "same", "c"};
  EXPECT_THROW(ar::save(db, c), ar::database_error);
  EXPECT_EQ(c.id, 0);
  c.name = "other";
  ar::save(db, c);
  EXPECT_EQ(ar::find_or_throw<user>(db, c.id), c);
  EXPECT_EQ(ar::find_or_throw<user>(db, a.id), a);
}

// --- insert_all(records, ar::without_keys) ---------------------------------------------------

std::vector<user> some_users(std::size_t n, const std::string& prefix) {
  std::vector<user> users(n);
  for (std::size_t i = 0; i < n; ++i) {
    users[i].name = prefix + std::to_string(i);
    if (i % 2) users[i].hair_color = "hair" + std::to_string(i);
  }
  return users;
}

std::vector<user> every_user(const ar::database& db) {
  return ar::from<user>(db) | ar::order_by(user::c.id) | ar::to_vector;
}

TEST_P(crud, insert_all_without_keys_inserts_the_rows_in_one_statement_without_returning) {
  const std::vector<user> users = some_users(3, "nokey");
  const std::vector<user> before = users;
  ar::statement_counter counter;
  const std::size_t inserted = ar::insert_all(db, users, ar::without_keys);
  EXPECT_EQ(inserted, 3u);
  const auto sql = counter.statements();
  ASSERT_EQ(sql.size(), 1u);
  EXPECT_EQ(sql[0],
            ar_test::sql_for(db, "INSERT INTO {users} ({user_name}, {hair_color}) VALUES (?, ?), (?, ?), (?, ?)"));
  EXPECT_EQ(users, before);  // no key written back: every id is still 0
  for (const user& u : users) EXPECT_EQ(u.id, 0);

  const std::vector<user> rows = every_user(db);
  ASSERT_EQ(rows.size(), 3u);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_GT(rows[i].id, 0) << i;
    EXPECT_EQ(rows[i].name, users[i].name) << i;
    EXPECT_EQ(rows[i].hair_color, users[i].hair_color) << i;
  }
  EXPECT_EQ(rows[1].hair_color, "hair1");
  EXPECT_EQ(rows[0].hair_color, std::nullopt);
}

TEST_P(crud, insert_all_without_keys_takes_spans_and_the_models_database) {
  std::vector<user> users = some_users(4, "span");
  EXPECT_EQ(ar::insert_all(db, std::span<const user>(users).first(2), ar::without_keys), 2u);
  EXPECT_EQ(ar::insert_all(std::span<user>(users).last(2), ar::without_keys), 2u);  // the default database
  EXPECT_EQ(ar::insert_all(db, std::vector<user>{}, ar::without_keys), 0u);
  const std::vector<user> rows = every_user(db);
  ASSERT_EQ(rows.size(), 4u);
  for (std::size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(rows[i].name, "span" + std::to_string(i));
  for (const user& u : users) EXPECT_EQ(u.id, 0);
}

TEST_P(crud, insert_all_without_keys_of_nothing_sends_no_statement) {
  ar::statement_counter counter;
  EXPECT_EQ(ar::insert_all(db, std::span<const user>(), ar::without_keys), 0u);
  EXPECT_EQ(ar::insert_all(std::vector<country>{}, ar::without_keys), 0u);
  EXPECT_EQ(counter.count(), 0u);
}

TEST_P(crud, insert_all_without_keys_keeps_the_keys_records_have) {
  std::vector<user> users = some_users(4, "mixed");
  users[1].id = 7001;
  users[3].id = 7003;
  ar::statement_counter counter;
  EXPECT_EQ(ar::insert_all(db, users, ar::without_keys), 4u);
  const auto sql = counter.statements();
  // As insert_all: the rows without a key first, then those with one, in one transaction.
  ASSERT_EQ(sql.size(), 4u);
  EXPECT_EQ(sql[0], "BEGIN");
  EXPECT_EQ(sql[1], ar_test::sql_for(db, "INSERT INTO {users} ({user_name}, {hair_color}) VALUES (?, ?), (?, ?)"));
  EXPECT_EQ(sql[2],
            ar_test::sql_for(db, "INSERT INTO {users} ({id}, {user_name}, {hair_color}) VALUES (?, ?, ?), (?, ?, ?)"));
  EXPECT_EQ(sql[3], "COMMIT");
  EXPECT_EQ(ar::find_or_throw<user>(db, 7001), users[1]);
  EXPECT_EQ(ar::find_or_throw<user>(db, 7003), users[3]);
  EXPECT_EQ(users[0].id, 0);
  EXPECT_EQ(ar::from<user>(db) | ar::filter(user::c.name == "mixed0") | ar::count, 1);
  EXPECT_EQ(ar::from<user>(db) | ar::filter(user::c.name == "mixed2") | ar::count, 1);
  EXPECT_EQ(ar::from<user>(db) | ar::count, 4);

  // A model whose keys the program supplies: every row with its key.
  const std::vector<country> countries{{"FR", "France", 68}, {"JP", "Japan", 125}};
  EXPECT_EQ(ar::insert_all(db, countries, ar::without_keys), 2u);
  EXPECT_EQ(ar::find_or_throw<country>(db, "JP"), countries[1]);
}

TEST_P(crud, insert_all_without_keys_splits_past_the_bind_limit_inside_one_transaction) {
  const std::size_t rows = db.dialect().max_parameters() / 2 + 10;
  const std::vector<user> users = some_users(rows, "u");
  ar::statement_counter counter;
  EXPECT_EQ(ar::insert_all(db, users, ar::without_keys), rows);
  const auto sql = counter.statements();
  ASSERT_EQ(sql.size(), 4u);  // BEGIN, two INSERTs, COMMIT
  EXPECT_EQ(sql.front(), "BEGIN");
  EXPECT_EQ(sql.back(), "COMMIT");
  for (const std::string& s : sql) EXPECT_EQ(s.find("RETURNING"), std::string::npos) << s.substr(0, 80);
  const std::vector<user> back = every_user(db);
  ASSERT_EQ(back.size(), rows);
  for (std::size_t i : {std::size_t{0}, rows / 2, rows - 1}) {
    EXPECT_EQ(back[i].name, users[i].name) << i;
    EXPECT_EQ(back[i].hair_color, users[i].hair_color) << i;
  }
}

TEST_P(crud, insert_all_without_keys_rolls_back_every_batch_when_a_later_one_fails) {
  // Two batches of rows without keys go in, then the rows with keys repeat one: nothing stays.
  std::vector<user> users = some_users(db.dialect().max_parameters() / 2 + 10, "doomed");
  users.push_back({9001, "first 9001", std::nullopt});
  users.push_back({9001, "second 9001", std::nullopt});
  ar::statement_counter counter;
  EXPECT_THROW(ar::insert_all(db, users, ar::without_keys), ar::database_error);
  const auto sql = counter.statements();
  ASSERT_EQ(sql.size(), 5u);  // BEGIN, two INSERTs, the failed INSERT, ROLLBACK
  EXPECT_EQ(sql.front(), "BEGIN");
  EXPECT_EQ(sql.back(), "ROLLBACK");
  EXPECT_FALSE(db.in_transaction());
  EXPECT_EQ(ar::from<user>(db) | ar::count, 0);

  // The same with program-supplied keys, the repeat in the second batch.
  std::vector<country> countries(db.dialect().max_parameters() / 3 + 5);
  for (std::size_t i = 0; i < countries.size(); ++i) countries[i] = {"C" + std::to_string(i), "n", 1};
  countries.back().code = "C0";
  EXPECT_THROW(ar::insert_all(db, countries, ar::without_keys), ar::database_error);
  EXPECT_EQ(ar::from<country>(db) | ar::count, 0);
  EXPECT_FALSE(db.in_transaction());
}

TEST_P(crud, insert_all_without_keys_inside_a_transaction_leaves_it_to_the_caller) {
  const std::vector<user> users = some_users(db.dialect().max_parameters() / 2 + 10, "held");
  {
    ar::transaction tx(db);
    ar::statement_counter counter;
    EXPECT_EQ(ar::insert_all(db, users, ar::without_keys), users.size());
    const auto sql = counter.statements();
    ASSERT_EQ(sql.size(), 2u);  // the two INSERTs: no BEGIN or COMMIT of its own
    for (const std::string& s : sql) EXPECT_EQ(s.rfind("INSERT", 0), 0u) << s.substr(0, 40);
    EXPECT_EQ(ar::from<user>(db) | ar::count, static_cast<std::int64_t>(users.size()));
  }  // rolled back
  EXPECT_EQ(ar::from<user>(db) | ar::count, 0);
}

TEST_P(crud, insert_all_without_keys_sends_insert_alls_statements_without_returning) {
  // Shapes: a few rows; rows with and without keys; past the bind limit; rows too large for one
  // MySQL statement (MariaDB splits them by size, the others do not). insert_all and without_keys
  // get twin records (the keys apart) and must send the same statements, RETURNING aside.
  const std::size_t past_limit = db.dialect().max_parameters() / 2 + 10;
  struct shape {
    std::size_t rows;
    std::size_t keyed_every;  // every k-th record has a key (0: none)
    std::size_t text_bytes;
  };
  const std::string returning = ar_test::sql_for(db, " RETURNING {id}");
  // Negative keys: the generated ones count up from the largest key in the table (SQLite, MariaDB).
  std::int64_t next_key = -1;
  for (const shape& s :
       {shape{5, 0, 4}, shape{7, 3, 4}, shape{past_limit, 0, 4}, shape{past_limit, 2, 4}, shape{600, 0, 8 * 1024}}) {
    auto make = [&] {
      std::vector<user> users(s.rows);
      for (std::size_t i = 0; i < s.rows; ++i) {
        users[i].name = std::to_string(i) + std::string(s.text_bytes, 'x');
        if (s.keyed_every && i % s.keyed_every == 0) users[i].id = next_key--;
      }
      return users;
    };
    std::vector<user> with_keys = make();
    const std::vector<user> without = make();
    ar::statement_counter counter;
    ar::insert_all(db, with_keys);
    std::vector<std::string> expected = counter.statements();
    counter.reset();
    EXPECT_EQ(ar::insert_all(db, without, ar::without_keys), s.rows);
    const std::vector<std::string> got = counter.statements();
    for (std::string& sql : expected)
      if (sql.size() > returning.size() && sql.ends_with(returning)) sql.resize(sql.size() - returning.size());
    EXPECT_EQ(got.size(), expected.size()) << s.rows << " rows, keyed every " << s.keyed_every;
    EXPECT_TRUE(got == expected) << s.rows << " rows, keyed every " << s.keyed_every;
    if (s.text_bytes > 1000 && db.dialect().max_statement_bytes()) {
      EXPECT_GE(got.size(), 2u + 2u);  // BEGIN, INSERTs of at most max_statement_bytes, COMMIT
    }
    for (const std::string& sql : got) EXPECT_EQ(sql.find("RETURNING"), std::string::npos);
  }
}

TEST_P(crud, statements_are_prepared_once_and_reused) {
  user u{0, "a", std::nullopt};
  ar::insert(db, u);
  (void)ar::find<user>(db, u.id);
  // Preparations, not cached statements: with the cache bypassed the cache stays as it is while
  // every statement is prepared again.
  const std::uint64_t prepared = db.statements_prepared();
  ar::statement_counter counter;
  for (int i = 0; i < 5; ++i) {
    user v{0, "b", std::nullopt};
    ar::insert(db, v);
    ASSERT_TRUE(ar::find<user>(db, v.id));
  }
  EXPECT_EQ(counter.count(db), 10u);  // every insert and find ran
  EXPECT_EQ(db.statements_prepared(), prepared);
}

TEST_P(crud, sql_uses_the_column_names_and_bound_placeholders) {
  ar::statement_counter counter;
  user u{0, "x'); DROP TABLE users; --", std::nullopt};
  ar::insert(db, u);
  (void)ar::find<user>(db, u.id);
  const auto sql = counter.statements();
  ASSERT_EQ(sql.size(), 2u);
  EXPECT_EQ(sql[0],
            ar_test::sql_for(db, "INSERT INTO {users} ({user_name}, {hair_color}) VALUES (?, ?) RETURNING {id}"));
  EXPECT_EQ(sql[1], ar_test::sql_for(db, "SELECT {id}, {user_name}, {hair_color} FROM {users} WHERE {id} = ?"));
  EXPECT_EQ(ar::find_or_throw<user>(db, u.id).name, "x'); DROP TABLE users; --");
}

TEST_P(crud, a_refused_statement_is_a_database_error_with_its_sql) {
  user u{0, "ada", std::nullopt};
  ar::insert(db, u);
  user twin{u.id, "twin", std::nullopt};
  try {
    ar::insert(db, twin);
    FAIL() << "expected ar::database_error";
  } catch (const ar::database_error& e) {
    EXPECT_EQ(e.database(), "default");
    EXPECT_EQ(e.sql(), ar_test::sql_for(db, "INSERT INTO {users} ({id}, {user_name}, {hair_color}) VALUES (?, ?, ?)"));
    EXPECT_FALSE(e.backend_message().empty());
    EXPECT_NE(std::string(e.what()).find(e.sql()), std::string::npos);
  }
  EXPECT_EQ(ar::find_or_throw<user>(db, u.id).name, "ada");
}

TEST_P(crud, create_table_makes_non_optional_fields_not_null) {
  EXPECT_THROW(db.execute(ar_test::sql_for(db, "INSERT INTO {users} ({user_name}) VALUES (NULL)")), ar::database_error);
  EXPECT_NO_THROW(
      db.execute(ar_test::sql_for(db, "INSERT INTO {users} ({user_name}, {hair_color}) VALUES ('n', NULL)")));
}

TEST_P(crud, create_table_fails_on_an_existing_table_unless_asked_not_to) {
  EXPECT_THROW(ar::create_table<user>(db), ar::database_error);
  EXPECT_NO_THROW(ar::create_table<user>(db, ar::if_not_exists));
  ar::drop_table<user>(db);
  ar::drop_table<user>(db);  // IF EXISTS
  EXPECT_THROW((void)ar::find<user>(db, 1), ar::database_error);
}

TEST_P(crud, operations_without_a_database_use_the_models_database) {
  user u{0, "implicit", std::nullopt};
  ar::insert(u);  // the default database: the first one opened
  ar::save(u);
  EXPECT_EQ(ar::find_or_throw<user>(u.id).name, "implicit");
  EXPECT_TRUE(ar::destroy(u));
  EXPECT_EQ(ar::find<user>(u.id), std::nullopt);
}

AR_INSTANTIATE_BACKEND_SUITE(crud);

}  // namespace
