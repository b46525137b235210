// PostgreSQL runs its statements through libpq on the connection SOCI opened (ar/backend/driver.hpp,
// backends/postgresql/postgresql_native.cpp). What that path must keep: ar's $N placeholders as they
// are and SOCI's :name ones in a text written by hand, no
// prepared statement left on the server once the cache drops it (even when a failed transaction
// refused DEALLOCATE at the time), and a connection free for the next statement after an error.

#include "../support/backends.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace {

// The prepared statements of ar's on the server, on the connection this runs on.
std::int64_t prepared_on_server(const ar::database& db) {
  std::int64_t n = -1;
  std::array<ar::detail::column_binding, 1> out{ar::detail::bind_column(n)};
  // Uncached, so that it is not one of them.
  ar::detail::run(ar::detail::state_of(db), "SELECT COUNT(*) FROM pg_prepared_statements WHERE left(name, 3) = 'ar_'",
                  {}, out, {}, ar::detail::cache_policy::once);
  return n;
}

TEST(postgresql_native, placeholders_become_numbered_parameters_outside_quotes_and_casts) {
  auto db = ar_test::open_backend("postgresql", "native", {.pool_size = 1});
  for (auto policy : {ar::detail::cache_policy::cache, ar::detail::cache_policy::once}) {
    std::string text;
    std::int64_t sum = 0;
    std::array<ar::detail::column_binding, 2> out{ar::detail::bind_column(text), ar::detail::bind_column(sum)};
    const std::vector<ar::value> params{std::string("x"), std::int64_t{40}, std::int32_t{2}};
    ar::detail::run(ar::detail::state_of(db),
                    "SELECT ':1' || :1::text || \"q:x\".c, :2::bigint + :3 FROM (SELECT '' AS c) AS \"q:x\"", params,
                    out, {}, policy);
    EXPECT_EQ(text, ":1x");
    EXPECT_EQ(sum, 42);
  }
  ar_test::close_backends();
}

// ar's own statements carry libpq's $N placeholders (the dialect writes them): sent as they are,
// next to a :: cast and a colon in a literal, cached or not.
TEST(postgresql_native, dollar_placeholders_are_sent_as_they_are) {
  auto db = ar_test::open_backend("postgresql", "native", {.pool_size = 1});
  std::string placeholder;
  db.dialect().placeholder(placeholder, 2);
  EXPECT_EQ(placeholder, "$2");
  for (auto policy : {ar::detail::cache_policy::cache, ar::detail::cache_policy::once}) {
    std::string text;
    std::int64_t sum = 0;
    std::array<ar::detail::column_binding, 2> out{ar::detail::bind_column(text), ar::detail::bind_column(sum)};
    const std::vector<ar::value> params{std::string("x"), std::int64_t{40}, std::int32_t{2}};
    ar::detail::run(ar::detail::state_of(db), "SELECT ':1' || $1::text, $2::bigint + $3", params, out, {}, policy);
    EXPECT_EQ(text, ":1x");
    EXPECT_EQ(sum, 42);
  }
  ar_test::close_backends();
}

TEST(postgresql_native, a_statement_dropped_in_a_failed_transaction_is_deallocated_after_it) {
  auto db = ar_test::open_backend("postgresql", "native", {.pool_size = 1, .statement_cache_size = 8});
  db.execute("CREATE TABLE codes (code INTEGER PRIMARY KEY)");
  EXPECT_EQ(prepared_on_server(db), static_cast<std::int64_t>(db.cached_statements()));
  {
    ar::transaction tx(db);
    const std::vector<ar::value> one{std::int32_t{1}};
    ar::detail::run(ar::detail::state_of(db), "INSERT INTO codes (code) VALUES (:1)", one);
    // The second one fails: the statement is dropped while the transaction refuses DEALLOCATE.
    EXPECT_THROW(ar::detail::run(ar::detail::state_of(db), "INSERT INTO codes (code) VALUES (:1)", one),
                 ar::database_error);
    tx.rollback();
  }
  EXPECT_EQ(db.execute("INSERT INTO codes (code) VALUES (7)"), 1u);
  EXPECT_EQ(prepared_on_server(db), static_cast<std::int64_t>(db.cached_statements()));
  db.clear_statement_cache();
  EXPECT_EQ(prepared_on_server(db), 0);
  ar_test::close_backends();
}

}  // namespace
