// Setting a has_one when the owner already has one retires the old child, in one transaction with
// the save, as Rails' has_one assignment does: destroyed or deleted per AR_DEPENDENT, else its
// foreign key set to NULL; refused with nothing written when the key cannot be NULL or the relation
// is AR_DEPENDENT(restrict). Counted in statements at the observation point, on every backend.

#include "../support/backends.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace {

struct hs_owner;

// Nullable key, no AR_DEPENDENT: the old one is let go (its key set to NULL).
struct hs_badge {
  std::int64_t id = 0;
  std::optional<std::int64_t> owner_id;
  std::string label;
  AR_MODEL(hs_badge, "hs_badges", AR_FIELDS(id, owner_id, label));
};

// Key that cannot be NULL, no AR_DEPENDENT: a second one is refused.
struct hs_seat {
  std::int64_t id = 0;
  std::int64_t owner_id = 0;
  std::string row;
  AR_MODEL(hs_seat, "hs_seats", AR_FIELDS(id, owner_id, row));
};

// AR_DEPENDENT(restrict): kept, so a second one is refused.
struct hs_locker {
  std::int64_t id = 0;
  std::optional<std::int64_t> owner_id;
  std::string code;
  AR_MODEL(hs_locker, "hs_lockers", AR_FIELDS(id, owner_id, code));
};

// AR_DEPENDENT(destroy): the old card is destroyed, with its own dependents (its stamps).
struct hs_stamp {
  std::int64_t id = 0;
  std::int64_t card_id = 0;
  AR_MODEL(hs_stamp, "hs_stamps", AR_FIELDS(id, card_id));
};

struct hs_card {
  std::int64_t id = 0;
  std::int64_t owner_id = 0;
  std::string number;
  AR_MODEL(hs_card, "hs_cards", AR_FIELDS(id, owner_id, number),
           AR_HAS_MANY(stamps, hs_stamp, card_id, AR_DEPENDENT(delete)));
};

struct hs_owner {
  std::int64_t id = 0;
  std::string name;
  AR_MODEL(hs_owner, "hs_owners", AR_FIELDS(id, name), AR_HAS_ONE(badge, hs_badge, owner_id),
           AR_HAS_ONE(seat, hs_seat, owner_id), AR_HAS_ONE(locker, hs_locker, owner_id, AR_DEPENDENT(restrict)),
           AR_HAS_ONE(card, hs_card, owner_id, AR_DEPENDENT(destroy)));
};

class has_one_set : public ar_test::backend_test {
 protected:
  void SetUp() override {
    backend_test::SetUp();
    ar::create_tables<hs_owner, hs_badge, hs_seat, hs_locker, hs_stamp, hs_card>(db);
    ar::insert(db, ada);
  }
  hs_owner ada{0, "ada"};
};

// The statements other than BEGIN / COMMIT / ROLLBACK (which dialects spell differently).
std::vector<std::string> writes_and_reads(const ar::statement_counter& counter) {
  std::vector<std::string> out;
  for (const std::string& sql : counter.statements())
    if (sql.rfind("SELECT", 0) == 0 || sql.rfind("INSERT", 0) == 0 || sql.rfind("UPDATE", 0) == 0 ||
        sql.rfind("DELETE", 0) == 0)
      out.push_back(sql.substr(0, sql.find(' ')));
  return out;
}

TEST_P(has_one_set, the_first_costs_one_look_for_an_old_one_and_the_insert) {
  hs_badge first{0, std::nullopt, "first"};
  ar::statement_counter counter;
  ada.badge_set(first);  // not loaded: looked for; none, so no transaction
  EXPECT_EQ(writes_and_reads(counter), (std::vector<std::string>{"SELECT", "INSERT"}));
  EXPECT_EQ(counter.count(), 2u);
  EXPECT_EQ(ar::find_or_throw<hs_badge>(db, first.id).owner_id, ada.id);
}

TEST_P(has_one_set, a_loaded_none_costs_only_the_insert) {
  ASSERT_EQ(ada.seat(), nullptr);
  hs_seat seat{0, 0, "A"};
  ar::statement_counter counter;
  ada.seat_set(seat);
  EXPECT_EQ(writes_and_reads(counter), (std::vector<std::string>{"INSERT"}));
  EXPECT_EQ(counter.count(), 1u);
}

TEST_P(has_one_set, a_second_lets_the_first_go_when_its_key_may_be_null) {
  hs_badge first{0, std::nullopt, "first"};
  hs_badge second{0, std::nullopt, "second"};
  ada.badge_set(first);
  ar::statement_counter counter;
  ada.badge_set(second);  // the loaded first is let go: BEGIN, UPDATE, INSERT, COMMIT
  EXPECT_EQ(writes_and_reads(counter), (std::vector<std::string>{"UPDATE", "INSERT"}));
  EXPECT_EQ(counter.count(), 4u);
  EXPECT_EQ(ar::find_or_throw<hs_badge>(db, first.id).owner_id, std::nullopt);  // kept, let go
  EXPECT_EQ((ar::from<hs_badge>(db) | ar::filter(hs_badge::c.owner_id == ada.id) | ar::count), 1);
  ASSERT_NE(ada.badge(), nullptr);
  EXPECT_EQ(ada.badge()->label, "second");
  // Setting the one it has again changes nothing: its save has nothing to write (dirty tracking),
  // so no statement at all.
  counter.reset();
  ada.badge_set(second);
  EXPECT_EQ(writes_and_reads(counter), (std::vector<std::string>{}));
  EXPECT_EQ(counter.count(), 0u) << ::testing::PrintToString(counter.statements());
  // Read again, the owner does not know its badge: it is looked for.
  hs_owner fresh = ar::find_or_throw<hs_owner>(db, ada.id);
  hs_badge third{0, std::nullopt, "third"};
  counter.reset();
  fresh.badge_set(third);
  EXPECT_EQ(writes_and_reads(counter), (std::vector<std::string>{"SELECT", "UPDATE", "INSERT"}));
  EXPECT_EQ((ar::from<hs_badge>(db) | ar::filter(hs_badge::c.owner_id == ada.id) | ar::count), 1);
  EXPECT_EQ((ar::from<hs_badge>(db) | ar::filter(hs_badge::c.owner_id == ada.id) | ar::count), 1);
}

TEST_P(has_one_set, a_second_is_refused_with_nothing_written_when_the_old_key_cannot_be_null) {
  hs_seat first{0, 0, "A"};
  ada.seat_set(first);
  hs_seat second{0, 0, "B"};
  try {
    ada.seat_set(second);
    FAIL() << "a second seat was set";
  } catch (const ar::error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("'hs_owners' record already has a 'seat'"), std::string::npos) << what;
    EXPECT_NE(what.find("'owner_id' cannot be set to NULL"), std::string::npos) << what;
  }
  EXPECT_EQ(second.id, 0);
  EXPECT_EQ(second.owner_id, 0);
  EXPECT_EQ((ar::from<hs_seat>(db) | ar::count), 1);
  EXPECT_EQ(ar::find_or_throw<hs_seat>(db, first.id).owner_id, ada.id);
}

TEST_P(has_one_set, restrict_keeps_the_old_one_and_refuses_the_new) {
  hs_locker first{0, std::nullopt, "L1"};
  ada.locker_set(first);
  hs_locker second{0, std::nullopt, "L2"};
  EXPECT_THROW(ada.locker_set(second), ar::restrict_error);
  EXPECT_EQ(second.owner_id, std::nullopt);
  EXPECT_EQ((ar::from<hs_locker>(db) | ar::count), 1);
}

TEST_P(has_one_set, destroy_destroys_the_old_one_with_its_own_dependents) {
  hs_card first{0, 0, "C1"};
  ada.card_set(first);
  hs_stamp stamp{0, first.id};
  ar::insert(db, stamp);
  hs_card second{0, 0, "C2"};
  ada.card_set(second);
  // (by its number: SQLite may give the new card the old one's id)
  EXPECT_EQ((ar::from<hs_card>(db) | ar::filter(hs_card::c.number == "C1") | ar::count), 0);
  EXPECT_EQ((ar::from<hs_stamp>(db) | ar::count), 0);  // the old card's dependents went with it
  EXPECT_EQ(ar::find_or_throw<hs_card>(db, second.id).owner_id, ada.id);
}

TEST_P(has_one_set, a_failed_save_brings_the_retired_one_back) {
  // A unique number: the new card's insert fails after the old card was destroyed; the transaction
  // puts it back.
  db.execute(ar_test::sql_for(db, "CREATE UNIQUE INDEX {hs_cards_number} ON {hs_cards} ({number})"));
  hs_owner bob{0, "bob"};
  ar::insert(db, bob);
  hs_card bobs{0, 0, "TAKEN"};
  bob.card_set(bobs);
  hs_card first{0, 0, "C1"};
  ada.card_set(first);
  hs_card clash{0, 0, "TAKEN"};
  const hs_card before = clash;
  EXPECT_THROW(ada.card_set(clash), ar::database_error);
  EXPECT_EQ(clash.owner_id, before.owner_id);
  EXPECT_EQ(clash.id, 0);
  ASSERT_TRUE(ar::find<hs_card>(db, first.id).has_value());  // rolled back: still there
  EXPECT_EQ(ar::find_or_throw<hs_card>(db, first.id).owner_id, ada.id);
}

TEST_P(has_one_set, inside_an_open_transaction_the_retirement_is_part_of_it) {
  hs_badge first{0, std::nullopt, "first"};
  ada.badge_set(first);
  {
    ar::transaction tx(db);
    hs_badge second{0, std::nullopt, "second"};
    ada.badge_set(second);
    tx.rollback();
  }
  EXPECT_EQ(ar::find_or_throw<hs_badge>(db, first.id).owner_id, ada.id);
  EXPECT_EQ((ar::from<hs_badge>(db) | ar::count), 1);
}

AR_INSTANTIATE_BACKEND_SUITE(has_one_set);

}  // namespace
