// Bulk writes (issue 18 item 5): query | update_all(set(...)) and delete_all with the rows they
// touched, and upserts, insert_all(records, on_conflict(...).update(...) / .ignore()), for generated
// and supplied keys, their statements counted through the observation hook.

#include "../support/backends.hpp"
#include "../support/models.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace {

using ar_test::country;
using ar_test::everything;

struct member {
  std::int64_t id = 0;
  std::int32_t badge = 0;
  std::string name;
  std::int32_t karma = 0;
  std::optional<std::string> status;

  AR_MODEL(member, "members", AR_FIELDS(id, badge, name, karma, status));

  friend bool operator==(const member&, const member&) = default;
};

// A model with a text and a double column: one of them takes a value each backend refuses.
struct rated {
  std::int64_t id = 0;
  std::int32_t badge = 0;
  std::string label;
  double score = 0;

  AR_MODEL(rated, "rateds", AR_FIELDS(id, badge, label, score));

  friend bool operator==(const rated&, const rated&) = default;
};

class bulk_write : public ar_test::backend_test {
 protected:
  void SetUp() override {
    backend_test::SetUp();
    ar::create_tables<member, country, rated, everything>(db);
    db.execute(ar_test::sql_for(db, "CREATE UNIQUE INDEX {members_badge} ON {members} ({badge})"));
    db.execute(ar_test::sql_for(db, "CREATE UNIQUE INDEX {rateds_badge} ON {rateds} ({badge})"));
  }

  // Members with badges 1..n, karma = badge, status "new".
  std::vector<member> seed(int n) {
    std::vector<member> out;
    for (int i = 1; i <= n; ++i) out.push_back({0, i, "m" + std::to_string(i), i, "new"});
    ar::insert_all(db, out);
    return out;
  }

  std::vector<member> by_badge() { return ar::from<member>(db) | ar::order_by(member::c.badge) | ar::to_vector; }
};

// --- update_all ----------------------------------------------------------------------------------

TEST_P(bulk_write, update_all_sets_the_filtered_rows_in_one_statement_and_returns_their_count) {
  const std::vector<member> before = seed(5);
  ar::statement_counter counter;
  const std::uint64_t changed = ar::from<member>(db) | ar::filter(member::c.karma < 3) |
                                ar::update_all(ar::set(member::c.status, "minor"), ar::set(member::c.karma, 10));
  EXPECT_EQ(changed, 2u);
  EXPECT_EQ(counter.count(), 1u);
  const std::vector<member> after = by_badge();
  ASSERT_EQ(after.size(), 5u);
  for (const member& m : after) {
    if (m.badge < 3) {
      EXPECT_EQ(m.status, "minor");
      EXPECT_EQ(m.karma, 10);
    } else {
      EXPECT_EQ(m.status, "new");
      EXPECT_EQ(m.karma, m.badge);
    }
    EXPECT_EQ(m.name, "m" + std::to_string(m.badge));
  }
  // The records in memory are not changed.
  EXPECT_EQ(before[0].status, "new");
  EXPECT_EQ(before[0].karma, 1);
}

TEST_P(bulk_write, update_all_sets_columns_to_expressions_of_their_own_row) {
  seed(4);
  ar::statement_counter counter;
  const std::uint64_t changed = ar::from<member>(db) | ar::filter(member::c.badge > 2) |
                                ar::update_all(ar::set(member::c.karma, member::c.karma * 10 + member::c.badge),
                                               ar::set(member::c.name, ar::upper(member::c.name)),
                                               ar::set(member::c.status, ar::coalesce(member::c.status, "none")));
  EXPECT_EQ(changed, 2u);
  EXPECT_EQ(counter.count(), 1u);
  const std::vector<member> after = by_badge();
  ASSERT_EQ(after.size(), 4u);
  EXPECT_EQ(after[1], (member{after[1].id, 2, "m2", 2, "new"}));
  EXPECT_EQ(after[2], (member{after[2].id, 3, "M3", 33, "new"}));
  EXPECT_EQ(after[3], (member{after[3].id, 4, "M4", 44, "new"}));
}

TEST_P(bulk_write, update_all_binds_its_values) {
  seed(2);
  ar::statement_counter counter;
  const std::uint64_t changed = ar::from<member>(db) | ar::filter(member::c.name == "m1") |
                                ar::update_all(ar::set(member::c.name, "it's; DROP TABLE members"));
  EXPECT_EQ(changed, 1u);
  const auto sql = counter.statements();
  ASSERT_EQ(sql.size(), 1u);
  EXPECT_EQ(sql[0].find("DROP"), std::string::npos) << sql[0];
  EXPECT_EQ(by_badge()[0].name, "it's; DROP TABLE members");
}

TEST_P(bulk_write, update_all_sets_an_optional_column_to_null_and_back) {
  seed(3);
  EXPECT_EQ(
      ar::from<member>(db) | ar::filter(member::c.badge >= 2) | ar::update_all(ar::set(member::c.status, std::nullopt)),
      2u);
  std::vector<member> rows = by_badge();
  EXPECT_EQ(rows[0].status, "new");
  EXPECT_EQ(rows[1].status, std::nullopt);
  EXPECT_EQ(rows[2].status, std::nullopt);
  const std::optional<std::string> back = "back";
  EXPECT_EQ(
      ar::from<member>(db) | ar::filter(member::c.status.is_null()) | ar::update_all(ar::set(member::c.status, back)),
      2u);
  const std::optional<std::string> none;
  EXPECT_EQ(ar::from<member>(db) | ar::filter(member::c.badge == 1) | ar::update_all(ar::set(member::c.status, none)),
            1u);
  rows = by_badge();
  EXPECT_EQ(rows[0].status, std::nullopt);
  EXPECT_EQ(rows[1].status, "back");
  EXPECT_EQ(rows[2].status, "back");
}

TEST_P(bulk_write, update_all_counts_the_rows_it_matched_even_when_they_already_had_the_values) {
  seed(3);
  EXPECT_EQ(ar::from<member>(db) | ar::update_all(ar::set(member::c.status, "new")), 3u);
  EXPECT_EQ(ar::from<member>(db) | ar::filter(member::c.badge > 100) | ar::update_all(ar::set(member::c.karma, 1)), 0u);
}

TEST_P(bulk_write, update_all_refuses_order_take_drop_and_changes_nothing) {
  seed(3);
  ar::statement_counter counter;
  EXPECT_THROW(
      (void)(ar::from<member>(db) | ar::order_by(member::c.badge) | ar::update_all(ar::set(member::c.karma, 0))),
      ar::error);
  EXPECT_THROW((void)(ar::from<member>(db) | ar::take(1) | ar::update_all(ar::set(member::c.karma, 0))), ar::error);
  EXPECT_THROW((void)(ar::from<member>(db) | ar::drop(1) | ar::update_all(ar::set(member::c.karma, 0))), ar::error);
  EXPECT_EQ(counter.count(), 0u);
  for (const member& m : by_badge()) EXPECT_EQ(m.karma, m.badge);
}

TEST_P(bulk_write, update_all_sets_a_column_of_every_kind_and_reads_back_what_it_set) {
  everything a;
  a.text = "a";
  everything b;
  b.text = "b";
  b.opt_i32 = 5;
  b.opt_text = "there";
  ar::insert(db, a);
  ar::insert(db, b);
  const ar::time_point at = ar::parse_time("2024-02-29 12:34:56");
  const std::uint64_t changed =
      ar::from<everything>(db) | ar::filter(everything::c.text == "b") |
      ar::update_all(ar::set(everything::c.i32, -7), ar::set(everything::c.i64, std::int64_t{1} << 40),
                     ar::set(everything::c.f64, 2.5), ar::set(everything::c.flag, true), ar::set(everything::c.at, at),
                     ar::set(everything::c.opt_i32, std::nullopt), ar::set(everything::c.opt_i64, std::int64_t{9}),
                     ar::set(everything::c.opt_flag, false), ar::set(everything::c.opt_text, std::nullopt),
                     ar::set(everything::c.opt_at, at));
  EXPECT_EQ(changed, 1u);
  everything want = b;
  want.i32 = -7;
  want.i64 = std::int64_t{1} << 40;
  want.f64 = 2.5;
  want.flag = true;
  want.at = at;
  want.opt_i32 = std::nullopt;
  want.opt_i64 = 9;
  want.opt_flag = false;
  want.opt_text = std::nullopt;
  want.opt_at = at;
  EXPECT_EQ(ar::find_or_throw<everything>(db, b.id), want);
  EXPECT_EQ(ar::find_or_throw<everything>(db, a.id), a);  // not selected by the filter
}

TEST_P(bulk_write, delete_all_returns_the_number_of_rows_it_deleted) {
  seed(5);
  ar::statement_counter counter;
  EXPECT_EQ(ar::from<member>(db) | ar::filter(member::c.badge <= 2) | ar::delete_all, 2u);
  EXPECT_EQ(ar::from<member>(db) | ar::filter(member::c.badge <= 2) | ar::delete_all, 0u);
  EXPECT_EQ(counter.count(), 2u);
  EXPECT_EQ(ar::from<member>(db) | ar::count, 3u);
}

// --- upserts ------------------------------------------------------------------------------------

TEST_P(bulk_write, upsert_updates_the_named_columns_and_writes_every_key_back_in_one_statement) {
  const std::vector<member> old = seed(3);
  std::vector<member> batch{{0, 2, "two", 20, "x"}, {0, 9, "nine", 90, "x"}, {0, 1, "one", 10, "x"}};
  ar::statement_counter counter;
  ar::insert_all(db, batch, ar::on_conflict(member::c.badge).update(member::c.name, member::c.karma));
  EXPECT_EQ(counter.count(), 1u);
  // The updated rows' keys are the rows' own; the inserted one's is new.
  EXPECT_EQ(batch[0].id, old[1].id);
  EXPECT_EQ(batch[2].id, old[0].id);
  EXPECT_GT(batch[1].id, old[2].id);
  const std::vector<member> rows = by_badge();
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0], (member{old[0].id, 1, "one", 10, "new"}));  // status is not among the columns updated
  EXPECT_EQ(rows[1], (member{old[1].id, 2, "two", 20, "new"}));
  EXPECT_EQ(rows[2], old[2]);
  EXPECT_EQ(rows[3], (member{batch[1].id, 9, "nine", 90, "x"}));
}

TEST_P(bulk_write, upsert_ignore_keeps_the_rows_there_inserts_the_others_and_reads_no_key) {
  const std::vector<member> old = seed(2);
  std::vector<member> batch{{0, 2, "two", 20, "x"}, {0, 7, "seven", 70, "x"}};
  ar::statement_counter counter;
  ar::insert_all(db, batch, ar::on_conflict(member::c.badge).ignore());
  EXPECT_EQ(counter.count(), 1u);
  EXPECT_EQ(batch[0].id, 0);  // ignore reads no key back
  EXPECT_EQ(batch[1].id, 0);
  const std::vector<member> rows = by_badge();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], old[0]);
  EXPECT_EQ(rows[1], old[1]);
  EXPECT_EQ(rows[2].name, "seven");
}

TEST_P(bulk_write, upsert_ignore_without_columns_skips_a_conflict_on_any_unique_key) {
  const std::vector<member> old = seed(2);
  // A conflict on the badge, one on the primary key, and a new row.
  std::vector<member> batch{{0, 1, "dup badge", 0, std::nullopt},
                            {old[1].id, 50, "dup key", 0, std::nullopt},
                            {0, 60, "sixty", 0, std::nullopt}};
  ar::insert_all(db, batch, ar::on_conflict().ignore());
  const std::vector<member> rows = by_badge();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], old[0]);
  EXPECT_EQ(rows[1], old[1]);
  EXPECT_EQ(rows[2].name, "sixty");
  EXPECT_EQ(batch[1].id, old[1].id);  // a supplied key stays as it was
}

TEST_P(bulk_write, upsert_of_supplied_keys_updates_or_ignores_by_key) {
  std::vector<country> first{{"FR", "France", 1}, {"DE", "Germany", 2}};
  ar::insert_all(db, first);
  std::vector<country> update{{"FR", "République française", 3}, {"IT", "Italy", 4}};
  ar::statement_counter counter;
  ar::insert_all(db, update, ar::on_conflict(country::c.code).update(country::c.name));
  std::vector<country> ignore{{"DE", "Deutschland", 5}, {"ES", "Spain", 6}};
  ar::insert_all(db, ignore, ar::on_conflict(country::c.code).ignore());
  EXPECT_EQ(counter.count(), 2u);
  EXPECT_EQ(ar::find_or_throw<country>(db, "FR"), (country{"FR", "République française", 1}));
  EXPECT_EQ(ar::find_or_throw<country>(db, "IT"), (country{"IT", "Italy", 4}));
  EXPECT_EQ(ar::find_or_throw<country>(db, "DE"), (country{"DE", "Germany", 2}));
  EXPECT_EQ(ar::find_or_throw<country>(db, "ES"), (country{"ES", "Spain", 6}));
}

TEST_P(bulk_write, upsert_splits_past_the_bind_limit_inside_one_transaction_and_writes_every_key_back) {
  // Four parameters per row without the key: past the limit, a second statement.
  const std::size_t rows = db.dialect().max_parameters() / 4 + 10;
  const std::vector<member> old = seed(2);
  std::vector<member> batch(rows);
  for (std::size_t i = 0; i < rows; ++i) {
    batch[i].badge = static_cast<std::int32_t>(i + 1);  // badges 1 and 2 are there already
    batch[i].name = "b" + std::to_string(i + 1);
  }
  ar::statement_counter counter;
  ar::insert_all(db, batch, ar::on_conflict(member::c.badge).update(member::c.name));
  const auto sql = counter.statements();
  ASSERT_EQ(sql.size(), 4u);  // BEGIN, two INSERTs, COMMIT
  EXPECT_EQ(sql.front(), "BEGIN");
  EXPECT_EQ(sql.back(), "COMMIT");
  EXPECT_EQ(batch[0].id, old[0].id);
  EXPECT_EQ(batch[1].id, old[1].id);
  EXPECT_EQ(ar::from<member>(db) | ar::count, rows);
  for (const std::size_t i : {std::size_t{0}, std::size_t{1}, rows / 2, rows - 1}) {
    const member m = ar::find_or_throw<member>(db, batch[i].id);
    EXPECT_EQ(m.badge, batch[i].badge);
    EXPECT_EQ(m.name, batch[i].name);
  }
}

TEST_P(bulk_write, a_failed_upsert_rolls_back_every_batch_and_takes_back_the_keys_it_wrote) {
  std::vector<rated> old{{0, 1, "one", 1.0}, {0, 2, "two", 2.0}};
  ar::insert_all(db, old);
  // Three parameters per row: the first batch is full and runs; the last record, in the second,
  // holds a value this backend refuses (NaN, or a NUL inside text where NaN is stored).
  const std::size_t rows = db.dialect().max_parameters() / 3 + 10;
  std::vector<rated> batch(rows);
  for (std::size_t i = 0; i < rows; ++i) batch[i] = {0, static_cast<std::int32_t>(i + 1), "new", 0.5};
  const ar_test::capabilities caps = ar_test::capabilities_of(GetParam());
  ASSERT_TRUE(!caps.stores_nan || !caps.text_holds_nul);
  if (!caps.stores_nan)
    batch.back().score = std::numeric_limits<double>::quiet_NaN();
  else
    batch.back().label = std::string("a\0b", 3);
  ar::statement_counter counter;
  EXPECT_THROW(ar::insert_all(db, batch, ar::on_conflict(rated::c.badge).update(rated::c.label)), ar::database_error);
  const auto sql = counter.statements();
  ASSERT_EQ(sql.size(), 4u);  // BEGIN, the first batch, the second (refused before it is sent), ROLLBACK
  EXPECT_EQ(sql.front(), "BEGIN");
  EXPECT_TRUE(sql[1].starts_with("INSERT") && sql[2].starts_with("INSERT")) << sql[1] << sql[2];
  EXPECT_EQ(sql.back(), "ROLLBACK");
  for (std::size_t i = 0; i < rows; ++i) ASSERT_EQ(batch[i].id, 0) << i;
  EXPECT_EQ(ar::from<rated>(db) | ar::order_by(rated::c.badge) | ar::to_vector, old);
}

AR_INSTANTIATE_BACKEND_SUITE(bulk_write);

}  // namespace
