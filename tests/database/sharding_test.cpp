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
#include <optional>
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

// Nullable order columns, and a text whose column orders in a collation that is not byte order
// (case-insensitive, or a locale's): the table is made by hand (labeled_table).
struct labeled {
  std::int64_t id = 0;
  std::int64_t tenant_id = 0;
  std::optional<std::string> label;
  std::optional<std::int64_t> points;
  AR_MODEL(labeled, "shard_labeled", AR_FIELDS(id, tenant_id, label, points));
};

// shard_labeled with its label in a collation of the engine's that is not byte order.
std::string labeled_table(const std::string& engine) {
  if (engine == "postgresql")
    return "CREATE TABLE shard_labeled (id BIGINT PRIMARY KEY, tenant_id BIGINT NOT NULL, label TEXT COLLATE "
           "\"en-x-icu\", points BIGINT)";
  if (engine == "mariadb")
    return "CREATE TABLE shard_labeled (id BIGINT PRIMARY KEY, tenant_id BIGINT NOT NULL, label VARCHAR(100) "
           "CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci, points BIGINT)";
  return "CREATE TABLE shard_labeled (id INTEGER PRIMARY KEY, tenant_id INTEGER NOT NULL, label TEXT COLLATE NOCASE, "
         "points INTEGER)";
}

// The label in code point order, written by hand for one database of the engine.
std::string label_by_code_points(const std::string& engine) {
  if (engine == "postgresql") return "label COLLATE \"C\"";
  if (engine == "mariadb") return "CAST(label AS BINARY)";
  return "label COLLATE BINARY";
}

std::vector<std::int64_t> ids_of(const std::vector<labeled>& rows) {
  std::vector<std::int64_t> out;
  for (const labeled& r : rows) out.push_back(r.id);
  return out;
}

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

// Fourteen labeled rows over tenants 1..6 on the shards, and the same on `whole`: texts that differ
// in case and a punctuation mark (whose places differ between byte order and a locale's), NULL
// labels and NULL points, ties broken by id.
void insert_labeled(const std::string& backend, const std::vector<ar::database>& shards, const ar::database& whole) {
  const std::string engine = ar_test::engine_of(backend);
  for (const ar::database& db : shards) ar::execute(db, labeled_table(engine));
  ar::execute(whole, labeled_table(engine));
  ar::shard<labeled>(&labeled::tenant_id, shard_names);
  const std::vector<std::optional<std::string>> labels{"b",  "B",  "a",          "A", "_x", std::nullopt, "a",
                                                       "Ab", "aB", std::nullopt, "b", "_",  "Z",          "z"};
  for (std::int64_t i = 0; i < static_cast<std::int64_t>(labels.size()); ++i) {
    const std::optional<std::int64_t> points = i % 3 == 0 ? std::nullopt : std::optional<std::int64_t>((i * 5) % 4);
    labeled r{200 + i, 1 + (i % 6), labels[static_cast<std::size_t>(i)], points};
    ar::insert(r);
    labeled copy = r;
    ar::insert(whole, copy);
  }
}

TEST_P(sharding, each_dialect_says_where_null_sorts_and_how_a_text_is_ordered_by_its_bytes) {
  const ar::dialect& d = shards[0].dialect();
  const std::string engine = ar_test::engine_of(GetParam());
  const auto [before, after] = d.text_byte_order();
  if (engine == "postgresql") {
    EXPECT_FALSE(d.nulls_sort_first());
    EXPECT_EQ(std::string(before) + "x" + std::string(after), "x COLLATE \"C\"");
  } else if (engine == "mariadb") {
    EXPECT_TRUE(d.nulls_sort_first());
    EXPECT_EQ(std::string(before) + "x" + std::string(after), "CAST(x AS BINARY)");
  } else {
    EXPECT_TRUE(d.nulls_sort_first());
    EXPECT_EQ(std::string(before) + "x" + std::string(after), "x COLLATE BINARY");
  }
}

TEST_P(sharding, a_fan_out_ordered_by_a_nullable_column_puts_null_where_one_server_does) {
  insert_labeled(GetParam(), shards, whole);
  for (const bool descending : {false, true}) {
    SCOPED_TRACE(descending ? "descending" : "ascending");
    const auto order = [&](auto q) {
      return descending ? (q | ar::order_by(labeled::c.points.desc(), labeled::c.id))
                        : (q | ar::order_by(labeled::c.points, labeled::c.id));
    };
    ar::statement_counter counter;
    const auto got = order(ar::from<labeled>()) | ar::to_vector;
    EXPECT_EQ(counter.count(), 3U);
    EXPECT_EQ(ids_of(got), ids_of(order(ar::from<labeled>(whole)) | ar::to_vector));
    EXPECT_EQ(ids_of(order(ar::from<labeled>()) | ar::drop(2) | ar::take(5) | ar::to_vector),
              ids_of(order(ar::from<labeled>(whole)) | ar::drop(2) | ar::take(5) | ar::to_vector));
    EXPECT_EQ(ids_of(order(ar::from<labeled>()) | ar::take(3) | ar::to_vector),
              ids_of(order(ar::from<labeled>(whole)) | ar::take(3) | ar::to_vector));
    // A second key that is NULL where the first ties.
    EXPECT_EQ(ids_of(ar::from<labeled>() | ar::order_by(labeled::c.tenant_id, labeled::c.points.desc(), labeled::c.id) |
                     ar::to_vector),
              ids_of(ar::from<labeled>(whole) |
                     ar::order_by(labeled::c.tenant_id, labeled::c.points.desc(), labeled::c.id) | ar::to_vector));
  }
}

TEST_P(sharding, a_fan_out_ordered_by_a_text_orders_it_by_code_points_whatever_the_columns_collation) {
  insert_labeled(GetParam(), shards, whole);
  const std::string engine = ar_test::engine_of(GetParam());
  const std::string columns = "SELECT id, tenant_id, label, points FROM shard_labeled ORDER BY ";
  for (const bool descending : {false, true}) {
    SCOPED_TRACE(descending ? "descending" : "ascending");
    const std::string by_bytes = columns + label_by_code_points(engine) + (descending ? " DESC" : "") + ", id";
    const auto order = [&](auto q) {
      return descending ? (q | ar::order_by(labeled::c.label.desc(), labeled::c.id))
                        : (q | ar::order_by(labeled::c.label, labeled::c.id));
    };
    ar::statement_counter counter;
    const auto got = order(ar::from<labeled>()) | ar::to_vector;
    EXPECT_EQ(counter.count(), 3U);
    for (const ar::database& s : shards) EXPECT_EQ(counter.count(s), 1U);
    // One server holding every row, asked for the same order by code points.
    EXPECT_EQ(ids_of(got), ids_of(ar::sql<labeled>(whole, by_bytes)));
    EXPECT_EQ(ids_of(order(ar::from<labeled>()) | ar::drop(2) | ar::take(6) | ar::to_vector),
              ids_of(ar::sql<labeled>(whole, by_bytes + " LIMIT 6 OFFSET 2")));
    EXPECT_EQ(ids_of(order(ar::from<labeled>()) | ar::take(4) | ar::to_vector),
              ids_of(ar::sql<labeled>(whole, by_bytes + " LIMIT 4")));
    // Which is not the column's own collation's order, which one server gives the same pipeline.
    EXPECT_NE(ids_of(got), ids_of(order(ar::from<labeled>(whole)) | ar::to_vector));
  }
  // The texts as they come, ascending: NULL where the dialect puts it, then "A" < "Ab" < "B" < "Z" < "_" < "_x" < "a".
  std::vector<std::string> texts;
  for (const labeled& r : ar::from<labeled>() | ar::filter(labeled::c.label.is_not_null()) |
                              ar::order_by(labeled::c.label, labeled::c.id) | ar::to_vector)
    texts.push_back(*r.label);
  EXPECT_EQ(texts, (std::vector<std::string>{"A", "Ab", "B", "Z", "_", "_x", "a", "a", "aB", "b", "b", "z"}));
}

// An average over the shards against one server's AVG: equal, but for MariaDB, whose AVG of
// integers is a DECIMAL rounded to div_precision_increment (4) places, where the fan-out's is the
// quotient itself: there, within half a unit of the fourth place. Either way exactly the one
// server's SUM over its COUNT.
void expect_average(const std::string& backend, double got, double one_server, double sum, double count) {
  if (ar_test::engine_of(backend) == "mariadb")
    EXPECT_NEAR(got, one_server, 0.5e-4);
  else
    EXPECT_DOUBLE_EQ(got, one_server);
  EXPECT_DOUBLE_EQ(got, sum / count);
}

TEST_P(sharding, an_average_over_the_shards_is_one_servers_from_one_statement_per_shard) {
  insert_accounts();
  {
    ar::statement_counter counter;
    const std::optional<double> got = ar::from<account>() | ar::average(account::c.score);
    EXPECT_EQ(counter.count(), 3U);
    for (const ar::database& s : shards) EXPECT_EQ(counter.count(s), 1U);
    const std::optional<double> expected = ar::from<account>(whole) | ar::average(account::c.score);
    ASSERT_TRUE(got.has_value());
    ASSERT_TRUE(expected.has_value());
    expect_average(GetParam(), *got, *expected,
                   static_cast<double>(ar::from<account>(whole) | ar::sum(account::c.score)),
                   static_cast<double>(ar::from<account>(whole) | ar::count));
    EXPECT_NE(*got, static_cast<double>(static_cast<std::int64_t>(*got))) << "not a whole number: no integer division";
  }
  {
    const auto got = ar::from<account>() | ar::filter(account::c.score >= 2) | ar::average(account::c.id);
    const auto expected = ar::from<account>(whole) | ar::filter(account::c.score >= 2) | ar::average(account::c.id);
    ASSERT_TRUE(got.has_value());
    ASSERT_TRUE(expected.has_value());
    expect_average(
        GetParam(), *got, *expected,
        static_cast<double>(ar::from<account>(whole) | ar::filter(account::c.score >= 2) | ar::sum(account::c.id)),
        static_cast<double>(ar::from<account>(whole) | ar::filter(account::c.score >= 2) | ar::count));
  }
  {
    // A filter that names one shard: that shard's AVG.
    ar::statement_counter counter;
    const auto got = ar::from<account>() | ar::filter(account::c.tenant_id == 3) | ar::average(account::c.score);
    EXPECT_EQ(counter.count(), 1U);
    const auto expected =
        ar::from<account>(whole) | ar::filter(account::c.tenant_id == 3) | ar::average(account::c.score);
    ASSERT_TRUE(got.has_value());
    ASSERT_TRUE(expected.has_value());
    EXPECT_DOUBLE_EQ(*got, *expected);  // that shard's own AVG
  }
  // No rows: no average, as one server answers.
  EXPECT_EQ(ar::from<account>() | ar::filter(account::c.name == "none") | ar::average(account::c.score), std::nullopt);
  EXPECT_EQ(ar::from<account>(whole) | ar::filter(account::c.name == "none") | ar::average(account::c.score),
            std::nullopt);
}

TEST_P(sharding, an_average_over_the_shards_leaves_out_nulls_as_one_server_does) {
  insert_labeled(GetParam(), shards, whole);
  const auto got = ar::from<labeled>() | ar::average(labeled::c.points);
  const auto expected = ar::from<labeled>(whole) | ar::average(labeled::c.points);
  ASSERT_TRUE(got.has_value());
  ASSERT_TRUE(expected.has_value());
  expect_average(
      GetParam(), *got, *expected, static_cast<double>(ar::from<labeled>(whole) | ar::sum(labeled::c.points)),
      static_cast<double>(ar::from<labeled>(whole) | ar::filter(labeled::c.points.is_not_null()) | ar::count));
  EXPECT_EQ(ar::from<labeled>() | ar::filter(labeled::c.points.is_null()) | ar::average(labeled::c.points),
            std::nullopt);
}

TEST_P(sharding, an_aggregate_over_several_shards_with_take_drop_or_distinct_is_refused_before_any_statement) {
  insert_accounts();
  ar::statement_counter counter;
  EXPECT_THROW((void)(ar::from<account>() | ar::take(5) | ar::count), ar::configuration_error);
  EXPECT_THROW((void)(ar::from<account>() | ar::drop(2) | ar::sum(account::c.score)), ar::configuration_error);
  EXPECT_THROW((void)(ar::from<account>() | ar::take(3) | ar::average(account::c.score)), ar::configuration_error);
  EXPECT_THROW((void)(ar::from<account>() | ar::distinct | ar::count), ar::configuration_error);
  EXPECT_EQ(counter.count(), 0U);
  // On the one shard a filter names, it is that database's answer.
  EXPECT_EQ(ar::from<account>() | ar::filter(account::c.tenant_id == 3) | ar::take(1) | ar::count, 1);
}

TEST_P(sharding, update_all_runs_on_every_shard_at_once_and_adds_up_the_rows_it_matched) {
  insert_accounts();
  const auto expected =
      static_cast<std::uint64_t>(ar::from<account>(whole) | ar::filter(account::c.score >= 2) | ar::count);
  ASSERT_GT(expected, 0U);
  {
    ar::statement_counter counter;
    const std::uint64_t n =
        ar::from<account>() | ar::filter(account::c.score >= 2) | ar::update_all(ar::set(account::c.name, "high"));
    EXPECT_EQ(n, expected);
    EXPECT_EQ(counter.count(), 3U);
    for (const ar::database& s : shards) EXPECT_EQ(counter.count(s), 1U);
  }
  std::uint64_t high = 0;
  for (const ar::database& s : shards) {
    for (const account& a : ar::from<account>(s) | ar::to_vector) {
      EXPECT_EQ(a.name == "high", a.score >= 2) << a.id;
      high += a.name == "high" ? 1U : 0U;
    }
  }
  EXPECT_EQ(high, expected);
  {
    // A filter that names one shard: one statement, there.
    const ar::database home = ar::shard_for<account>(std::int64_t{3});
    ar::statement_counter counter;
    const std::uint64_t n =
        ar::from<account>() | ar::filter(account::c.tenant_id == 3) | ar::update_all(ar::set(account::c.score, 40));
    EXPECT_EQ(n, 2U);
    EXPECT_EQ(counter.count(), 1U);
    EXPECT_EQ(counter.count(home), 1U);
    EXPECT_EQ(ar::from<account>(home) | ar::filter(account::c.score == 40) | ar::count, 2);
  }
}

TEST_P(sharding, update_all_that_sets_the_shard_key_is_refused_before_any_statement) {
  insert_accounts();
  ar::statement_counter counter;
  try {
    (void)(ar::from<account>() | ar::filter(account::c.score == 1) | ar::update_all(ar::set(account::c.tenant_id, 1)));
    FAIL() << "update_all moved rows between shards";
  } catch (const ar::shard_key_error& e) {
    EXPECT_NE(std::string(e.what()).find("shard_accounts"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("tenant_id"), std::string::npos) << e.what();
  }
  EXPECT_EQ(counter.count(), 0U);
}

TEST_P(sharding, update_all_inside_a_transaction_on_a_shard_runs_in_that_transaction) {
  insert_accounts();
  {
    ar::transaction tx(shards[0]);
    (void)(ar::from<account>() | ar::update_all(ar::set(account::c.name, "t")));
    EXPECT_EQ(ar::from<account>(shards[0]) | ar::filter(account::c.name != "t") | ar::count, 0);
  }  // rolled back on shard 0 only
  EXPECT_EQ(ar::from<account>(shards[0]) | ar::filter(account::c.name == "t") | ar::count, 0);
  for (std::size_t i = 1; i < shards.size(); ++i)
    EXPECT_EQ(ar::from<account>(shards[i]) | ar::filter(account::c.name != "t") | ar::count, 0);
}

TEST_P(sharding, delete_all_runs_on_the_shards_the_filter_names_and_adds_up_the_rows_deleted) {
  insert_accounts();
  const auto expected =
      static_cast<std::uint64_t>(ar::from<account>(whole) | ar::filter(account::c.score < 2) | ar::count);
  ASSERT_GT(expected, 0U);
  {
    ar::statement_counter counter;
    EXPECT_EQ(ar::from<account>() | ar::filter(account::c.score < 2) | ar::delete_all, expected);
    EXPECT_EQ(counter.count(), 3U);
    for (const ar::database& s : shards) EXPECT_EQ(counter.count(s), 1U);
  }
  std::int64_t left = 0;
  for (const ar::database& s : shards) {
    EXPECT_EQ(ar::from<account>(s) | ar::filter(account::c.score < 2) | ar::count, 0);
    left += ar::from<account>(s) | ar::count;
  }
  EXPECT_EQ(static_cast<std::uint64_t>(left), 12U - expected);
  {
    const ar::database home = ar::shard_for<account>(std::int64_t{4});
    const auto there = ar::from<account>(home) | ar::filter(account::c.tenant_id == 4) | ar::count;
    ar::statement_counter counter;
    EXPECT_EQ(ar::from<account>() | ar::filter(account::c.tenant_id == 4) | ar::delete_all,
              static_cast<std::uint64_t>(there));
    EXPECT_EQ(counter.count(), 1U);
    EXPECT_EQ(counter.count(home), 1U);
    EXPECT_EQ(ar::from<account>(home) | ar::filter(account::c.tenant_id == 4) | ar::count, 0);
  }
}

TEST_P(sharding, an_upsert_sends_one_statement_to_each_shard_that_gets_records) {
  insert_accounts();
  // Ids 101..106 again, renamed, on their tenants' shards; 113..115 new.
  std::vector<account> batch;
  for (std::int64_t i = 1; i <= 6; ++i) batch.push_back(account{100 + i, 1 + (i % 6), "up" + std::to_string(i), i});
  for (std::int64_t i = 13; i <= 15; ++i) batch.push_back(account{100 + i, 1 + (i % 6), "new" + std::to_string(i), i});
  std::vector<bool> used(shards.size(), false);
  for (const account& a : batch)
    for (std::size_t s = 0; s < shards.size(); ++s)
      if (ar::shard_for<account>(a.tenant_id) == shards[s]) used[s] = true;
  {
    ar::statement_counter counter;
    ar::insert_all(batch, ar::on_conflict(account::c.id).update(account::c.name, account::c.score));
    std::size_t expected = 0;
    for (std::size_t s = 0; s < shards.size(); ++s) {
      EXPECT_EQ(counter.count(shards[s]), used[s] ? 1U : 0U) << "shard " << s;
      expected += used[s] ? 1U : 0U;
    }
    EXPECT_EQ(counter.count(), expected);
  }
  std::int64_t total = 0;
  for (const ar::database& s : shards) total += ar::from<account>(s) | ar::count;
  EXPECT_EQ(total, 15);
  for (const account& a : batch) {
    const auto there = ar::find<account>(ar::shard_for<account>(a.tenant_id), a.id);
    ASSERT_TRUE(there.has_value()) << a.id;
    EXPECT_EQ(there->name, a.name);
    EXPECT_EQ(there->score, a.score);
  }
}

TEST_P(sharding, a_select_over_the_shards_merges_its_rows_by_order_by_as_one_server_does) {
  insert_accounts();
  const auto query = [](ar::query<account> q) {
    return q | ar::filter(account::c.score < 4) | ar::order_by(account::c.score.desc(), account::c.id) |
           ar::select(account::c.id, account::c.score, account::c.name);
  };
  {
    ar::statement_counter counter;
    const auto got = query(ar::from<account>()) | ar::to_vector;
    EXPECT_EQ(counter.count(), 3U);
    for (const ar::database& s : shards) EXPECT_EQ(counter.count(s), 1U);
    EXPECT_EQ(got, query(ar::from<account>(whole)) | ar::to_vector);
    EXPECT_FALSE(got.empty());
  }
  EXPECT_EQ(query(ar::from<account>()) | ar::drop(2) | ar::take(4) | ar::to_vector,
            query(ar::from<account>(whole)) | ar::drop(2) | ar::take(4) | ar::to_vector);
  {
    // A filter that names one shard: the select as it is, there.
    ar::statement_counter counter;
    const auto got = ar::from<account>() | ar::filter(account::c.tenant_id == 3) | ar::order_by(account::c.id) |
                     ar::select(account::c.id, account::c.name) | ar::to_vector;
    EXPECT_EQ(counter.count(), 1U);
    EXPECT_EQ(got, ar::from<account>(whole) | ar::filter(account::c.tenant_id == 3) | ar::order_by(account::c.id) |
                       ar::select(account::c.id, account::c.name) | ar::to_vector);
  }
}

TEST_P(sharding, a_select_over_the_shards_orders_texts_by_code_points_and_nulls_as_the_dialect) {
  insert_labeled(GetParam(), shards, whole);
  const std::string engine = ar_test::engine_of(GetParam());
  std::vector<std::int64_t> got;
  for (const auto& [id, label] : ar::from<labeled>() | ar::order_by(labeled::c.label.desc(), labeled::c.id) |
                                     ar::select(labeled::c.id, labeled::c.label) | ar::to_vector)
    got.push_back(id);
  EXPECT_EQ(got, ids_of(ar::sql<labeled>(whole, "SELECT id, tenant_id, label, points FROM shard_labeled ORDER BY " +
                                                    label_by_code_points(engine) + " DESC, id")));
}

TEST_P(sharding, a_select_over_the_shards_that_cannot_merge_is_refused_before_any_statement) {
  insert_accounts();
  ar::statement_counter counter;
  // Ordered by a column it does not select.
  EXPECT_THROW((void)(ar::from<account>() | ar::order_by(account::c.score) | ar::select(account::c.id) | ar::to_vector),
               ar::configuration_error);
  // An aggregate, a distinct: each shard's alone.
  EXPECT_THROW((void)(ar::from<account>() | ar::select(account::c.score.sum()) | ar::to_vector),
               ar::configuration_error);
  EXPECT_THROW((void)(ar::from<account>() | ar::distinct | ar::select(account::c.score) | ar::to_vector),
               ar::configuration_error);
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

// Grouped by the shard key, each group lives on one shard: every shard's groups are whole, and the
// fan-out merges them by the order_by (a selected column or a number aggregate), as one server
// would answer; having and distinct likewise.
TEST_P(sharding, a_select_grouped_by_the_shard_key_runs_on_every_shard_and_merges_whole_groups) {
  insert_accounts();
  const auto by_tenant = [](auto q) {
    return std::move(q) | ar::group_by(account::c.tenant_id) | ar::order_by(account::c.tenant_id) |
           ar::select(account::c.tenant_id, ar::count_all(), account::c.score.sum());
  };
  {
    ar::statement_counter counter;
    const auto got = by_tenant(ar::from<account>()) | ar::to_vector;
    EXPECT_EQ(counter.count(), 3U);
    for (const ar::database& s : shards) EXPECT_EQ(counter.count(s), 1U);
    const auto expected = by_tenant(ar::from<account>(whole)) | ar::to_vector;
    ASSERT_EQ(expected.size(), 6U);
    EXPECT_EQ(got, expected);
  }
  // Ordered by an aggregate, then the key; having; drop and take after the merge.
  const auto busiest = [](auto q) {
    return std::move(q) | ar::group_by(account::c.tenant_id) | ar::having(ar::count_all() >= 2) |
           ar::order_by(account::c.score.sum().desc(), account::c.tenant_id) | ar::drop(1) | ar::take(3) |
           ar::select(account::c.tenant_id, account::c.score.sum());
  };
  const auto expected = busiest(ar::from<account>(whole)) | ar::to_vector;
  ASSERT_EQ(expected.size(), 3U);
  EXPECT_EQ(busiest(ar::from<account>()) | ar::to_vector, expected);
  // first of groups: by the grouped columns, over every shard.
  EXPECT_EQ(by_tenant(ar::from<account>()) | ar::first, by_tenant(ar::from<account>(whole)) | ar::first);
  // distinct rows that hold the shard key: no two shards hold the same.
  const auto pairs = [](auto q) {
    return std::move(q) | ar::distinct | ar::order_by(account::c.tenant_id, account::c.score) |
           ar::select(account::c.tenant_id, account::c.score);
  };
  EXPECT_EQ(pairs(ar::from<account>()) | ar::to_vector, pairs(ar::from<account>(whole)) | ar::to_vector);
}

TEST_P(sharding, a_select_grouped_otherwise_or_ordered_by_a_text_aggregate_is_refused_before_any_statement) {
  insert_accounts();
  ar::statement_counter counter;
  try {
    (void)(ar::from<account>() | ar::group_by(account::c.score) | ar::select(account::c.score, ar::count_all()) |
           ar::to_vector);
    FAIL() << "a select grouped by another column than the shard key ran over three shards";
  } catch (const ar::configuration_error& e) {
    EXPECT_NE(std::string(e.what()).find("'tenant_id'"), std::string::npos) << e.what();
  }
  // A text aggregate orders by the column's collation on each shard, which the merge cannot follow.
  EXPECT_THROW((void)(ar::from<account>() | ar::group_by(account::c.tenant_id) | ar::order_by(account::c.name.max()) |
                      ar::select(account::c.tenant_id, account::c.name.max()) | ar::to_vector),
               ar::configuration_error);
  // Ordered by an aggregate it does not select.
  EXPECT_THROW((void)(ar::from<account>() | ar::group_by(account::c.tenant_id) | ar::order_by(ar::count_all()) |
                      ar::select(account::c.tenant_id) | ar::to_vector),
               ar::configuration_error);
  EXPECT_EQ(counter.count(), 0U);
  // A filter that names one shard runs any grouping there, as written.
  const auto one = [](auto q) {
    return std::move(q) | ar::filter(account::c.tenant_id == 3) | ar::group_by(account::c.score) |
           ar::order_by(account::c.score) | ar::select(account::c.score, ar::count_all());
  };
  EXPECT_EQ(one(ar::from<account>()) | ar::to_vector, one(ar::from<account>(whole)) | ar::to_vector);
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
