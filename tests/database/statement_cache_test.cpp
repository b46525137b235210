// The statement cache on real connections, on every backend: each connection keeps at most
// open_options::statement_cache_size prepared statements, drops the least recently used first,
// reuses the ones it keeps (database::statements_prepared() does not move on a hit), never drops
// the statement a stream reads from, and with a size of 0 prepares every statement for its run.
// The policy alone, with statements that record their end: statement_cache_policy_test.cpp.

#include "../support/backends.hpp"
#include "../support/models.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace {

using ar_test::user;

// The users whose id is one of 1..n: a statement of its own for every n (one placeholder per key).
std::int64_t count_among_first(const ar::database& db, std::int64_t n) {
  std::vector<std::int64_t> keys;
  for (std::int64_t k = 1; k <= n; ++k) keys.push_back(k);
  return ar::from<user>(db) | ar::filter(user::c.id.in(keys)) | ar::count;
}

class statement_cache : public ar_test::backend_test {
 protected:
  // A database of one connection (so that every statement meets the same cache) with `users`
  // holding `rows` rows, ids 1..rows.
  ar::database open_small(std::size_t cache_size, std::int64_t rows = 10) {
    auto small = ar_test::open_backend(GetParam(), "small", {.pool_size = 1, .statement_cache_size = cache_size});
    ar::create_table<user>(small);
    std::vector<user> users;
    for (std::int64_t i = 1; i <= rows; ++i) users.push_back({0, "u" + std::to_string(i), std::nullopt});
    ar::insert_all(small, users);
    return small;
  }
};

TEST_P(statement_cache, the_default_size_is_256) {
  EXPECT_EQ(db.statement_cache_size(), 256u);
  EXPECT_EQ(ar::open_options{}.statement_cache_size, 256u);
}

TEST_P(statement_cache, distinct_statements_past_the_size_keep_the_cache_at_its_size) {
  auto small = open_small(4);
  EXPECT_EQ(small.statement_cache_size(), 4u);
  const std::uint64_t prepared = small.statements_prepared();
  for (std::int64_t n = 1; n <= 40; ++n) {
    EXPECT_EQ(count_among_first(small, n), std::min<std::int64_t>(n, 10));
    EXPECT_LE(small.cached_statements(), 4u);
  }
  EXPECT_EQ(small.cached_statements(), 4u);
  EXPECT_EQ(small.statements_prepared() - prepared, 40u);  // 40 texts, each prepared once
  // The four most recent are the ones kept: running them again prepares nothing.
  for (std::int64_t n = 37; n <= 40; ++n) EXPECT_EQ(count_among_first(small, n), 10);
  EXPECT_EQ(small.statements_prepared() - prepared, 40u);
  // An older one was finalized: it is prepared again, and one of the four makes room for it.
  EXPECT_EQ(count_among_first(small, 3), 3);
  EXPECT_EQ(small.statements_prepared() - prepared, 41u);
  EXPECT_EQ(small.cached_statements(), 4u);
}

TEST_P(statement_cache, the_least_recently_used_statement_goes_first) {
  auto small = open_small(3);
  const std::uint64_t base = small.statements_prepared();
  auto prepared = [&] { return small.statements_prepared() - base; };
  for (std::int64_t n = 1; n <= 3; ++n) EXPECT_EQ(count_among_first(small, n), n);
  EXPECT_EQ(prepared(), 3u);
  EXPECT_EQ(count_among_first(small, 1), 1);  // a hit: 1 is now the most recently used
  EXPECT_EQ(prepared(), 3u);
  EXPECT_EQ(count_among_first(small, 4), 4);  // 2 is the least recently used: it goes
  EXPECT_EQ(prepared(), 4u);
  for (std::int64_t n : {1, 3, 4}) EXPECT_EQ(count_among_first(small, n), n);  // all kept
  EXPECT_EQ(prepared(), 4u);
  EXPECT_EQ(count_among_first(small, 2), 2);  // prepared again; 1 (used before 3 and 4) goes
  EXPECT_EQ(prepared(), 5u);
  for (std::int64_t n : {3, 4, 2}) EXPECT_EQ(count_among_first(small, n), n);
  EXPECT_EQ(prepared(), 5u);
  EXPECT_EQ(count_among_first(small, 1), 1);
  EXPECT_EQ(prepared(), 6u);
  EXPECT_EQ(small.cached_statements(), 3u);
}

TEST_P(statement_cache, a_stream_reads_every_row_while_other_statements_churn_the_cache) {
  // On SQLite and MariaDB a stream holds its connection (and its cached statement) until its
  // last row, so the thread's other statements take the pool's second connection; on PostgreSQL
  // they run on the stream's own connection between its batches (a pool of one).
  const bool holds = ar_test::capabilities_of(GetParam()).stream_holds_the_connection;
  const std::string backend = GetParam() == "sqlite" ? "sqlite_file" : GetParam();
  auto small = ar_test::open_backend(backend, "small", {.pool_size = holds ? 2u : 1u, .statement_cache_size = 2});
  ar::create_table<user>(small);
  const std::int64_t rows = 2500;  // PostgreSQL: three batches
  std::vector<user> users;
  for (std::int64_t i = 1; i <= rows; ++i) users.push_back({0, "u" + std::to_string(i), std::nullopt});
  ar::insert_all(small, users);

  auto streamed = ar::from<user>(small) | ar::order_by(user::c.id);
  std::int64_t expected = 1;
  std::int64_t other = 1;
  for (const user& u : streamed | ar::stream) {
    ASSERT_EQ(u.id, expected);
    ASSERT_EQ(u.name, "u" + std::to_string(expected));
    ++expected;
    if (u.id % 50 == 0) {  // a new statement every 50 rows: 50 distinct texts in all
      ASSERT_EQ(count_among_first(small, other), other);
      ++other;
      ASSERT_LE(small.cached_statements(), 2u * small.open_connections());
    }
  }
  EXPECT_EQ(expected, rows + 1);
  EXPECT_EQ(other, 51);
  EXPECT_LE(small.cached_statements(), 2u * small.open_connections());
  if (holds) {
    // The stream's statement stayed cached on its connection the whole time (the churn was on the
    // other): read again, the query is not prepared again.
    const std::uint64_t prepared = small.statements_prepared();
    EXPECT_EQ((streamed | ar::to_vector).size(), static_cast<std::size_t>(rows));
    EXPECT_EQ(small.statements_prepared(), prepared);
  }
}

TEST_P(statement_cache, size_zero_prepares_every_statement_for_its_run_and_keeps_none) {
  auto uncached = ar_test::open_backend(GetParam(), "uncached", {.statement_cache_size = 0});
  EXPECT_EQ(uncached.statement_cache_size(), 0u);
  ar::statement_counter counter;
  const std::uint64_t prepared = uncached.statements_prepared();
  ar::create_table<user>(uncached);
  std::vector<user> users;
  for (int i = 1; i <= 20; ++i) users.push_back({0, "u" + std::to_string(i), std::nullopt});
  ar::insert_all(uncached, users);
  user one{0, "one", std::string("red")};
  ar::insert(uncached, one);
  one.name = "uno";
  ar::update(uncached, one);
  for (int round = 0; round < 3; ++round) {  // the same statements again: prepared again
    auto found = ar::find<user>(uncached, one.id);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->name, "uno");
    EXPECT_EQ(ar::from<user>(uncached) | ar::filter(user::c.hair_color == "red") | ar::count, 1);
  }
  std::int64_t streamed = 0;
  for (const user& u : ar::from<user>(uncached) | ar::order_by(user::c.id) | ar::stream) {
    ++streamed;
    EXPECT_EQ(u.id, streamed);
  }
  EXPECT_EQ(streamed, 21);
  {
    ar::transaction tx(uncached);
    user two{0, "two", std::nullopt};
    ar::insert(uncached, two);
    tx.commit();
  }
  {
    ar::transaction tx(uncached);
    EXPECT_TRUE(ar::destroy(uncached, one));
  }  // rolled back
  EXPECT_EQ(ar::from<user>(uncached) | ar::count, 22);
  EXPECT_EQ(uncached.cached_statements(), 0u);
  // Every statement sent was prepared for its run, and nothing else was.
  EXPECT_GE(counter.count(uncached), 18u);
  EXPECT_EQ(uncached.statements_prepared() - prepared, counter.count(uncached));
}

TEST_P(statement_cache, clearing_it_prepares_again_within_the_size) {
  auto small = open_small(2);
  EXPECT_EQ(count_among_first(small, 1), 1);
  EXPECT_EQ(count_among_first(small, 2), 2);
  small.clear_statement_cache();
  EXPECT_EQ(small.cached_statements(), 0u);
  const std::uint64_t prepared = small.statements_prepared();
  for (int round = 0; round < 2; ++round)
    for (std::int64_t n = 1; n <= 2; ++n) EXPECT_EQ(count_among_first(small, n), n);
  EXPECT_EQ(small.statements_prepared() - prepared, 2u);
  EXPECT_EQ(small.cached_statements(), 2u);
}

AR_INSTANTIATE_BACKEND_SUITE(statement_cache);

TEST(statement_cache_option, a_size_that_is_a_negative_number_made_unsigned_is_refused) {
  const ar::open_options bad{.statement_cache_size = static_cast<std::size_t>(-1)};
  try {
    (void)ar::open("sqlite3://db=:memory:", "bad", bad);
    FAIL() << "expected ar::configuration_error";
  } catch (const ar::configuration_error& e) {
    EXPECT_NE(std::string(e.what()).find("open_options::statement_cache_size"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)ar::get_database("bad"), ar::configuration_error);  // not registered
  const auto largest = static_cast<std::size_t>(std::numeric_limits<std::ptrdiff_t>::max());
  auto ok = ar::open("sqlite3://db=:memory:", "bad", {.statement_cache_size = largest});
  EXPECT_EQ(ok.statement_cache_size(), largest);
  EXPECT_EQ(ok.execute("CREATE TABLE t (x INTEGER)"), 0u);
  ar::close_all();
}

// PostgreSQL keeps a prepared statement on the server until the client deallocates it: a
// statement the cache drops is gone from the server too.
TEST(statement_cache_on_postgresql, a_dropped_statement_is_deallocated_on_the_server) {
  auto small = ar_test::open_backend("postgresql", "small", {.pool_size = 1, .statement_cache_size = 3});
  ar::create_table<user>(small);
  for (std::int64_t n = 1; n <= 30; ++n) EXPECT_EQ(count_among_first(small, n), 0);
  std::int64_t on_server = -1;
  {
    std::array<ar::detail::column_binding, 1> out{ar::detail::bind_column(on_server)};
    // Uncached, so that it is not one of them.
    ar::detail::run(ar::detail::state_of(small), "SELECT COUNT(*) FROM pg_prepared_statements", {}, out, {},
                    ar::detail::cache_policy::once);
  }
  EXPECT_EQ(small.cached_statements(), 3u);
  EXPECT_EQ(on_server, 3);
  ar_test::close_backends();
}

}  // namespace
