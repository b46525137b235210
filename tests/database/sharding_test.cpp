// Horizontal sharding (ar::shard): a model spread over three databases of one backend by a shard
// key. Each write lands on exactly the shard the function names (checked by reading every shard
// directly), a query whose filter fixes the key reads only its shards, any other reads every
// shard once and merges to what one database holding every row answers (order, take, drop,
// aggregates), and every mistake in a declaration is refused.

#include "../support/backends.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

namespace {

struct account {
  std::int64_t id = 0;
  std::int64_t tenant_id = 0;
  std::string name;
  std::int64_t score = 0;
  AR_MODEL(account, "shard_accounts", AR_FIELDS(id, tenant_id, name, score));
};

// Sharded by its primary key, given by the program.
struct tenant {
  std::int64_t id = 0;
  std::string name;
  AR_MODEL(tenant, "shard_tenants", AR_FIELDS(id, name));
};

// Sharded by a text key through the program's own function: "eu..." on shard 0, the rest on 1.
struct region_row {
  std::int64_t id = 0;
  std::string region;
  AR_MODEL(region_row, "shard_regions", AR_FIELDS(id, region));
};

std::size_t by_continent(const std::string& region) { return region.rfind("eu", 0) == 0 ? 0 : 1; }

// Never sharded successfully: the declarations the tests refuse.
struct refused {
  std::int64_t id = 0;
  std::int64_t owner = 0;
  std::int64_t scratch = 0;
  AR_MODEL(refused, "shard_refused", AR_FIELDS(id, owner), AR_TRANSIENT(scratch));
};

const std::vector<std::string> shard_names{"shard0", "shard1", "shard2"};

using row = std::tuple<std::int64_t, std::int64_t, std::string, std::int64_t>;
std::vector<row> rows_of(const std::vector<account>& accounts) {
  std::vector<row> out;
  for (const account& a : accounts) out.emplace_back(a.id, a.tenant_id, a.name, a.score);
  return out;
}

class sharding : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    // On PostgreSQL, each shard on a server of its own when AR_TEST_POSTGRESQL_SHARDS names three
    // (scripts/test.sh); else three schemas of the one test server.
    for (std::size_t i = 0; i < shard_names.size(); ++i) {
      shards.push_back(ar_test::open_shard_backend(GetParam(), i, shard_names[i]));
      ar::create_tables<account, tenant>(shards.back());
    }
    if (GetParam() == "postgresql" && !ar_test::postgresql_shard_servers().empty()) {
      std::vector<std::int64_t> ports;
      for (const ar::database& s : shards)
        ports.push_back(ar::sql<std::int64_t>(s, "SELECT inet_server_port()::bigint").at(0));
      ASSERT_TRUE(ports[0] != ports[1] && ports[1] != ports[2] && ports[0] != ports[2])
          << "AR_TEST_POSTGRESQL_SHARDS must name three servers; the shards answer on ports " << ports[0] << ", "
          << ports[1] << ", " << ports[2];
    }
    // One database holding every row, for the answers a fan-out must equal.
    whole = ar_test::open_backend(GetParam(), "whole");
    ar::create_table<account>(whole);
    ar::shard<account>(&account::tenant_id, shard_names);
    ar::shard<tenant>(&tenant::id, shard_names);
  }
  void TearDown() override { ar_test::close_backends(); }

  // Twelve accounts over tenants 1..6, ids given (unique over the shards), scores with ties; the
  // same rows on `whole`.
  void insert_accounts() {
    for (std::int64_t i = 1; i <= 12; ++i) {
      account a{100 + i, 1 + (i % 6), "n" + std::to_string(i), (i * 7) % 5};
      ar::insert(a);
      account copy{a.id, a.tenant_id, a.name, a.score};
      ar::insert(whole, copy);
    }
  }

  std::vector<ar::database> shards;
  ar::database whole;
};

TEST_P(sharding, the_default_shard_function_is_a_stable_hash_of_the_key) {
  EXPECT_EQ(ar::shard_hash(std::int64_t{0}), 0U);
  EXPECT_EQ(ar::shard_hash(std::int64_t{1}), 0x5692161d100b05e5ULL);
  EXPECT_EQ(ar::shard_hash(std::int64_t{42}), 0xa759ea27d4727622ULL);
  EXPECT_EQ(ar::shard_hash(std::int64_t{-1}), 0xb4d055fcf2cbbd7bULL);
  EXPECT_EQ(ar::shard_hash(std::int32_t{42}), ar::shard_hash(std::int64_t{42}));
  EXPECT_EQ(ar::shard_hash(std::string("acme")), 0x724d383f4f6de0fULL);
  EXPECT_EQ(ar::shard_hash(std::string()), 0xcbf29ce484222325ULL);
  EXPECT_THROW((void)ar::shard_hash(1.5), ar::configuration_error);
  EXPECT_EQ(ar::shard_for<account>(std::int64_t{42}), shards[2]);  // 0xa759...22 % 3 == 2
}

TEST_P(sharding, insert_puts_each_row_on_the_shard_its_key_names_with_one_statement_there) {
  for (std::int64_t t = 1; t <= 9; ++t) {
    account a{0, t, "t" + std::to_string(t), 0};
    const std::size_t expected = ar::shard_hash(t) % 3;
    ar::statement_counter counter;
    ar::insert(a);
    EXPECT_EQ(counter.count(), 1U);
    EXPECT_EQ(counter.count(shards[expected]), 1U);
  }
  std::size_t total = 0;
  for (std::size_t i = 0; i < shards.size(); ++i) {
    for (const account& a : ar::from<account>(shards[i]) | ar::to_vector) {
      EXPECT_EQ(ar::shard_hash(a.tenant_id) % 3, i) << "tenant " << a.tenant_id;
      ++total;
    }
  }
  EXPECT_EQ(total, 9U);
}

TEST_P(sharding, insert_all_sends_one_statement_per_shard_and_keeps_the_records_order) {
  std::vector<account> batch;
  for (std::int64_t t = 1; t <= 9; ++t) batch.push_back(account{0, t, "b" + std::to_string(t), t});
  ar::statement_counter counter;
  ar::insert_all(batch);
  EXPECT_EQ(counter.count(), 3U);
  for (const ar::database& s : shards) EXPECT_EQ(counter.count(s), 1U);
  for (std::int64_t t = 1; t <= 9; ++t) {
    const account& a = batch[static_cast<std::size_t>(t - 1)];
    EXPECT_EQ(a.name, "b" + std::to_string(t));
    EXPECT_NE(a.id, 0);  // its shard's generated key, written back
    const auto there = ar::find<account>(ar::shard_for<account>(t), a.id);
    ASSERT_TRUE(there.has_value());
    EXPECT_EQ(there->name, a.name);
  }
}

TEST_P(sharding, update_save_and_destroy_go_to_the_records_shard) {
  account a{0, 5, "five", 1};
  ar::insert(a);
  const ar::database home = ar::shard_for<account>(std::int64_t{5});
  a.name = "five!";
  {
    ar::statement_counter counter;
    ar::update(a);
    EXPECT_EQ(counter.count(), 1U);
    EXPECT_EQ(counter.count(home), 1U);
  }
  a.score = 9;
  {
    ar::statement_counter counter;
    ar::save(a);
    EXPECT_EQ(counter.count(home), 1U);
    EXPECT_EQ(counter.count(), 1U);
  }
  const auto stored = ar::find<account>(home, a.id);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->name, "five!");
  EXPECT_EQ(stored->score, 9);
  {
    ar::statement_counter counter;
    EXPECT_TRUE(ar::destroy(a));
    EXPECT_EQ(counter.count(home), 1U);
    EXPECT_EQ(counter.count(), 1U);
  }
  for (const ar::database& s : shards) EXPECT_EQ(ar::from<account>(s) | ar::count, 0);
}

TEST_P(sharding, changing_the_shard_key_by_update_is_refused_and_sends_nothing) {
  account a{0, 1, "one", 0};
  ar::insert(a);
  account moved = ar::find_or_throw<account>(ar::shard_for<account>(std::int64_t{1}), a.id);
  moved.tenant_id = 3;  // shard 1 -> shard 2
  ar::statement_counter counter;
  EXPECT_THROW(ar::update(moved), ar::shard_key_error);
  EXPECT_THROW(ar::save(moved), ar::shard_key_error);
  EXPECT_EQ(counter.count(), 0U);
  EXPECT_EQ(ar::find_or_throw<account>(ar::shard_for<account>(std::int64_t{1}), a.id).tenant_id, 1);
}

TEST_P(sharding, a_record_moves_by_inserting_a_copy_on_the_new_shard_and_destroying_the_old) {
  const ar::database from = ar::shard_for<account>(std::int64_t{1});
  const ar::database to = ar::shard_for<account>(std::int64_t{3});
  ASSERT_NE(from, to);
  account a{0, 1, "one", 0};
  ar::insert(a);
  const account old = ar::find_or_throw<account>(from, a.id);
  account copy = old;
  copy.tenant_id = 3;
  copy.id = 0;
  ar::insert(copy);  // the copy's shard, though it was read from another
  EXPECT_TRUE(ar::destroy(old));
  EXPECT_EQ(ar::from<account>(from) | ar::count, 0);
  EXPECT_EQ(ar::from<account>(to) | ar::filter(account::c.name == "one") | ar::count, 1);
}

TEST_P(sharding, find_by_a_key_that_is_not_the_shard_key_asks_every_shard_once) {
  insert_accounts();
  ar::statement_counter counter;
  const auto found = ar::find<account>(std::int64_t{107});
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->name, "n7");
  EXPECT_EQ(counter.count(), 3U);
  for (const ar::database& s : shards) EXPECT_EQ(counter.count(s), 1U);
  EXPECT_FALSE(ar::find<account>(std::int64_t{999}).has_value());
  EXPECT_THROW((void)ar::find_or_throw<account>(std::int64_t{999}), ar::record_not_found);
}

TEST_P(sharding, find_and_destroy_by_a_primary_key_that_is_the_shard_key_use_its_shard_only) {
  for (std::int64_t id = 1; id <= 6; ++id) {
    tenant t{id, "t" + std::to_string(id)};
    ar::insert(t);
  }
  const ar::database home = ar::shard_for<tenant>(std::int64_t{4});
  EXPECT_EQ(ar::from<tenant>(home) | ar::filter(tenant::c.id == 4) | ar::count, 1);
  ar::statement_counter counter;
  const auto found = ar::find<tenant>(std::int64_t{4});
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->name, "t4");
  EXPECT_TRUE(ar::destroy<tenant>(std::int64_t{4}));
  EXPECT_EQ(counter.count(), 2U);
  EXPECT_EQ(counter.count(home), 2U);
}

TEST_P(sharding, a_generated_key_that_is_the_shard_key_is_refused_before_it_is_generated) {
  tenant t{0, "nobody"};
  ar::statement_counter counter;
  EXPECT_THROW(ar::insert(t), ar::configuration_error);
  EXPECT_EQ(counter.count(), 0U);
}

TEST_P(sharding, a_filter_that_fixes_the_shard_key_reads_only_its_shards) {
  insert_accounts();
  {
    ar::statement_counter counter;
    const auto got =
        ar::from<account>() | ar::filter(account::c.tenant_id == 3) | ar::order_by(account::c.id) | ar::to_vector;
    EXPECT_EQ(counter.count(), 1U);
    EXPECT_EQ(counter.count(ar::shard_for<account>(std::int64_t{3})), 1U);
    EXPECT_EQ(rows_of(got), rows_of(ar::from<account>(whole) | ar::filter(account::c.tenant_id == 3) |
                                    ar::order_by(account::c.id) | ar::to_vector));
    EXPECT_EQ(got.size(), 2U);
  }
  {
    // AND-ed with another condition, on either side: still the one shard.
    ar::statement_counter counter;
    const auto n = ar::from<account>() | ar::filter(account::c.score >= 0 && account::c.tenant_id == 3) | ar::count;
    EXPECT_EQ(n, 2);
    EXPECT_EQ(counter.count(), 1U);
  }
  {
    // in(values): the shards of those values, each once. Tenants 1 and 42 hash to shards 1 and 2.
    const auto expected = ar::from<account>(whole) | ar::filter(account::c.tenant_id == 1) | ar::count;
    ar::statement_counter counter;
    const auto n =
        ar::from<account>() | ar::filter(account::c.tenant_id.in({std::int64_t{1}, std::int64_t{42}})) | ar::count;
    EXPECT_EQ(n, expected);
    EXPECT_EQ(counter.count(), 2U);
    EXPECT_EQ(counter.count(shards[0]), 0U);
  }
}

TEST_P(sharding, a_query_that_does_not_fix_the_key_reads_every_shard_once_and_merges_by_order_by) {
  insert_accounts();
  ar::statement_counter counter;
  const auto got = ar::from<account>() | ar::filter(account::c.score < 4) |
                   ar::order_by(account::c.score.desc(), account::c.id) | ar::to_vector;
  EXPECT_EQ(counter.count(), 3U);
  for (const ar::database& s : shards) EXPECT_EQ(counter.count(s), 1U);
  EXPECT_EQ(rows_of(got), rows_of(ar::from<account>(whole) | ar::filter(account::c.score < 4) |
                                  ar::order_by(account::c.score.desc(), account::c.id) | ar::to_vector));
}

TEST_P(sharding, take_and_drop_apply_after_the_merge) {
  insert_accounts();
  ar::statement_counter counter;
  const auto got =
      ar::from<account>() | ar::order_by(account::c.score, account::c.id) | ar::drop(3) | ar::take(5) | ar::to_vector;
  EXPECT_EQ(counter.count(), 3U);
  const auto expected = ar::from<account>(whole) | ar::order_by(account::c.score, account::c.id) | ar::drop(3) |
                        ar::take(5) | ar::to_vector;
  ASSERT_EQ(expected.size(), 5U);
  EXPECT_EQ(rows_of(got), rows_of(expected));
  const auto first = ar::from<account>() | ar::order_by(account::c.name.desc()) | ar::first;
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->name, "n9");
}

TEST_P(sharding, without_order_by_the_rows_come_in_shard_order) {
  insert_accounts();
  std::vector<row> expected;
  for (const ar::database& s : shards)
    for (const row& r : rows_of(ar::from<account>(s) | ar::order_by(account::c.id) | ar::to_vector))
      expected.push_back(r);
  // Each shard's rows in its own order: compare as sets within a shard, in shard order across.
  std::vector<row> got = rows_of(ar::from<account>() | ar::to_vector);
  ASSERT_EQ(got.size(), expected.size());
  std::size_t at = 0;
  for (const ar::database& s : shards) {
    const auto n = static_cast<std::size_t>(ar::from<account>(s) | ar::count);
    std::vector<row> part(got.begin() + static_cast<std::ptrdiff_t>(at),
                          got.begin() + static_cast<std::ptrdiff_t>(at + n));
    std::sort(part.begin(), part.end());
    EXPECT_EQ(part, std::vector<row>(expected.begin() + static_cast<std::ptrdiff_t>(at),
                                     expected.begin() + static_cast<std::ptrdiff_t>(at + n)));
    at += n;
  }
}

TEST_P(sharding, count_sum_min_max_and_exists_combine_over_the_shards) {
  insert_accounts();
  const auto rows = ar::from<account>(whole) | ar::count;
  ar::statement_counter counter;
  EXPECT_EQ(ar::from<account>() | ar::count, rows);
  EXPECT_EQ(counter.count(), 3U);
  for (const ar::database& s : shards) EXPECT_EQ(counter.count(s), 1U);
  EXPECT_EQ(ar::from<account>() | ar::sum(account::c.score), ar::from<account>(whole) | ar::sum(account::c.score));
  EXPECT_EQ(ar::from<account>() | ar::minimum(account::c.name),
            ar::from<account>(whole) | ar::minimum(account::c.name));
  EXPECT_EQ(ar::from<account>() | ar::maximum(account::c.score),
            ar::from<account>(whole) | ar::maximum(account::c.score));
  EXPECT_TRUE(ar::from<account>() | ar::filter(account::c.name == "n12") | ar::exists);
  EXPECT_FALSE(ar::from<account>() | ar::filter(account::c.name == "none") | ar::exists);
  EXPECT_EQ(ar::from<account>() | ar::filter(account::c.name == "none") | ar::maximum(account::c.score), std::nullopt);
}

TEST_P(sharding, an_average_over_the_shards_is_refused_rather_than_averaged_wrong) {
  insert_accounts();
  ar::statement_counter counter;
  EXPECT_THROW((void)(ar::from<account>() | ar::average(account::c.score)), ar::configuration_error);
  EXPECT_EQ(counter.count(), 0U);
}

// stream over the shards: a cursor on each, their rows merged one at a time by the order_by, drop
// and take after the merge; the same rows in the same order as one database holding every row.
TEST_P(sharding, a_stream_reads_a_cursor_on_each_shard_and_merges_them_by_order_by) {
  insert_accounts();
  const auto ordered = [](auto q) {
    return std::move(q) | ar::order_by(account::c.score.desc(), account::c.id) | ar::drop(2) | ar::take(7);
  };
  std::vector<account> got;
  {
    ar::statement_counter counter;
    for (account& a : ar::stream(ordered(ar::from<account>()))) got.push_back(std::move(a));
    for (const ar::database& s : shards) EXPECT_GE(counter.count(s), 1U) << s.name();
    EXPECT_EQ(counter.count(whole), 0U);
  }
  const auto expected = ordered(ar::from<account>(whole)) | ar::to_vector;
  ASSERT_EQ(expected.size(), 7U);
  EXPECT_EQ(rows_of(got), rows_of(expected));

  // Without order_by: every row once, each shard's rows after the one before's.
  std::vector<row> all;
  for (account& a : ar::stream(ar::from<account>())) all.emplace_back(a.id, a.tenant_id, a.name, a.score);
  std::vector<row> everything = rows_of(ar::from<account>(whole) | ar::to_vector);
  std::sort(all.begin(), all.end());
  std::sort(everything.begin(), everything.end());
  EXPECT_EQ(all, everything);
}

TEST_P(sharding, a_stream_whose_filter_fixes_the_key_reads_only_that_shard) {
  insert_accounts();
  const ar::database home = ar::shard_for<account>(std::int64_t{3});
  ar::statement_counter counter;
  std::vector<account> got;
  for (account& a :
       ar::stream(ar::from<account>() | ar::filter(account::c.tenant_id == 3) | ar::order_by(account::c.id)))
    got.push_back(std::move(a));
  EXPECT_EQ(counter.count(), counter.count(home));
  EXPECT_EQ(rows_of(got), rows_of(ar::from<account>(whole) | ar::filter(account::c.tenant_id == 3) |
                                  ar::order_by(account::c.id) | ar::to_vector));
}

TEST_P(sharding, a_stream_of_selected_columns_over_several_shards_is_refused_before_any_statement) {
  insert_accounts();
  ar::statement_counter counter;
  try {
    auto rows = ar::stream(ar::from<account>() | ar::select(account::c.id, account::c.name));
    FAIL() << "a stream of tuples over three shards was made";
  } catch (const ar::configuration_error& e) {
    EXPECT_NE(std::string(e.what()).find("shard_accounts"), std::string::npos) << e.what();
  }
  EXPECT_EQ(counter.count(), 0U);
}

TEST_P(sharding, what_does_not_route_by_shard_yet_says_so_instead_of_using_one_database) {
  try {
    (void)ar::database_for<account>();
    FAIL() << "database_for of a sharded model answered one database";
  } catch (const ar::configuration_error& e) {
    EXPECT_NE(std::string(e.what()).find("shard_accounts"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("sharded"), std::string::npos) << e.what();
  }
}

TEST_P(sharding, the_programs_own_shard_function_names_the_shard) {
  ar::shard<region_row>(&region_row::region, {"shard0", "shard1"}, &by_continent);
  ar::create_table<region_row>(shards[0]);
  ar::create_table<region_row>(shards[1]);
  region_row paris{0, "eu-west"};
  region_row ohio{0, "us-east"};
  ar::insert(paris);
  ar::insert(ohio);
  EXPECT_EQ(ar::from<region_row>(shards[0]) | ar::filter(region_row::c.region == "eu-west") | ar::count, 1);
  EXPECT_EQ(ar::from<region_row>(shards[1]) | ar::filter(region_row::c.region == "us-east") | ar::count, 1);
  EXPECT_EQ(ar::from<region_row>(shards[0]) | ar::count, 1);
  ar::statement_counter counter;
  EXPECT_EQ(ar::from<region_row>() | ar::filter(region_row::c.region == "us-east") | ar::count, 1);
  EXPECT_EQ(counter.count(shards[1]), 1U);
  EXPECT_EQ(counter.count(), 1U);
}

TEST_P(sharding, a_shard_function_that_names_no_shard_is_refused) {
  ar::shard<refused>(&refused::owner, {"shard0", "shard1"}, [](std::int64_t owner) { return owner; });
  ar::create_table<refused>(shards[0]);
  refused r{0, 7, 0};
  ar::statement_counter counter;
  try {
    ar::insert(r);
    FAIL() << "a record was written for shard 7 of 2";
  } catch (const ar::configuration_error& e) {
    EXPECT_NE(std::string(e.what()).find("index 7"), std::string::npos) << e.what();
  }
  EXPECT_EQ(counter.count(), 0U);
}

TEST_P(sharding, declaring_a_model_again_differently_is_refused) {
  EXPECT_NO_THROW(ar::shard<account>(&account::tenant_id, shard_names));  // the same again
  EXPECT_THROW(ar::shard<account>(&account::tenant_id, {"shard0", "shard1"}), ar::configuration_error);
  EXPECT_THROW(ar::shard<account>(&account::score, shard_names), ar::configuration_error);
  EXPECT_THROW(ar::shard<account>(&account::tenant_id, shard_names, [](std::int64_t) { return 0; }),
               ar::configuration_error);
}

TEST_P(sharding, an_empty_list_a_repeated_database_or_a_member_that_is_no_field_is_refused) {
  EXPECT_THROW(ar::shard<refused>(&refused::id, {}), ar::configuration_error);
  EXPECT_THROW(ar::shard<refused>(&refused::id, {"shard0", "shard0"}), ar::configuration_error);
  try {
    ar::shard<refused>(&refused::scratch, {"shard0"});
    FAIL() << "a transient member was taken for a shard key";
  } catch (const ar::configuration_error& e) {
    EXPECT_NE(std::string(e.what()).find("not a field"), std::string::npos) << e.what();
  }
}

AR_INSTANTIATE_BACKEND_SUITE(sharding);

}  // namespace
