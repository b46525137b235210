// Streaming: rows come one at a time from a live cursor, in constant memory, and compose with
// range-v3 and std::ranges views.

#include "../support/backends.hpp"
#include "../support/models.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>
#include <range/v3/view/filter.hpp>
#include <range/v3/view/take.hpp>
#include <range/v3/view/transform.hpp>

#if defined(__SANITIZE_ADDRESS__)
#define AR_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define AR_TEST_ASAN 1
#endif
#endif
#ifndef AR_TEST_ASAN
#define AR_TEST_ASAN 0
#endif
#if AR_TEST_ASAN
// From the sanitizer runtime (its header, sanitizer/allocator_interface.h, ships with clang only).
extern "C" std::size_t __sanitizer_get_current_allocated_bytes();
#endif

#include <cstddef>
#include <fstream>
#include <ranges>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

using ar_test::user;

class streams : public ar_test::backend_test {
 protected:
  void SetUp() override {
    backend_test::SetUp();
    ar::create_table<user>(db);
  }

  void seed(int n) {
    std::vector<user> users(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) users[i].name = "user" + std::to_string(i);
    ar::insert_all(db, users);
  }
};

TEST_P(streams, a_stream_yields_the_same_rows_as_to_vector) {
  seed(2500);  // more than one batch where the backend reads in batches
  auto q = ar::from<user>(db) | ar::filter(user::c.id > 10) | ar::order_by(user::c.id);
  const auto expected = q | ar::to_vector;
  std::vector<user> streamed;
  for (const user& u : q | ar::stream) streamed.push_back(u);
  EXPECT_EQ(streamed, expected);
  EXPECT_EQ(streamed.size(), 2490u);
}

TEST_P(streams, range_v3_and_std_views_compose_with_a_stream) {
  seed(20);
  std::vector<std::string> names;
  {
    auto rows = ar::from<user>(db) | ar::order_by(user::c.id) | ar::stream;
    for (const std::string& n : rows | ranges::views::filter([](const user& u) { return u.id % 2 == 0; }) |
                                    ranges::views::transform([](const user& u) { return u.name; }) |
                                    ranges::views::take(3))
      names.push_back(n);
  }  // left before its end: destroying it frees the connection
  EXPECT_EQ(names, (std::vector<std::string>{"user1", "user3", "user5"}));

  auto again = ar::from<user>(db) | ar::order_by(user::c.id) | ar::take(4) | ar::stream;
  static_assert(std::ranges::input_range<decltype(again)>);
  std::vector<std::int64_t> ids;
  for (std::int64_t id : again | std::views::transform([](const user& u) { return u.id; })) ids.push_back(id);
  EXPECT_EQ(ids, (std::vector<std::int64_t>{1, 2, 3, 4}));
}

TEST_P(streams, a_stream_is_a_view_that_pipes_straight_into_range_v3) {
  seed(5);
  static_assert(ranges::view_<decltype(ar::from<user>(db) | ar::stream)>);
  static_assert(std::ranges::view<decltype(ar::from<user>(db) | ar::stream)>);
  std::vector<std::int64_t> ids;
  for (std::int64_t id : ar::from<user>(db) | ar::order_by(ar::desc(user::c.id)) | ar::stream |
                             ranges::views::transform([](const user& u) { return u.id; }))
    ids.push_back(id);
  EXPECT_EQ(ids, (std::vector<std::int64_t>{5, 4, 3, 2, 1}));
}

TEST_P(streams, selected_columns_stream_too) {
  seed(3);
  std::vector<std::string> names;
  for (auto [name] : ar::from<user>(db) | ar::select(user::c.name) | ar::order_by(user::c.id) | ar::stream)
    names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"user0", "user1", "user2"}));
}

TEST_P(streams, an_empty_result_is_an_empty_range) {
  // Counts the rows a stream yields, and whether begin() == end() says it is empty.
  auto rows_of = [](auto&& stream) {
    const bool empty = stream.begin() == stream.end();
    std::size_t n = 0;
    for (const user& u : stream) n += u.name.empty() ? 0 : 1;  // begin() again: the stream is read once
    return std::pair{empty, n};
  };
  EXPECT_EQ(rows_of(ar::from<user>(db) | ar::stream), (std::pair{true, std::size_t{0}}));  // an empty table
  seed(3);
  // A filter that matches nothing, on a table that has rows.
  EXPECT_EQ(rows_of(ar::from<user>(db) | ar::filter(user::c.name == "nobody") | ar::stream),
            (std::pair{true, std::size_t{0}}));
  // The same reading of a result that has rows sees them.
  EXPECT_EQ(rows_of(ar::from<user>(db) | ar::stream), (std::pair{false, std::size_t{3}}));
}

TEST_P(streams, leaving_a_stream_early_frees_the_connection) {
  seed(3000);
  {
    auto rows = ar::from<user>(db) | ar::stream;
    auto it = rows.begin();
    ASSERT_NE(it, rows.end());
    EXPECT_EQ(it->name.rfind("user", 0), 0u);  // the stream still reads
  }
  EXPECT_EQ(ar::from<user>(db) | ar::count, 3000);
}

// The memory the process holds, in KiB: its resident set; under AddressSanitizer, whose quarantine
// keeps freed memory resident on purpose, the heap bytes still allocated instead.
std::size_t resident_kib() {
#if AR_TEST_ASAN
  return __sanitizer_get_current_allocated_bytes() / 1024;
#else
  std::ifstream statm("/proc/self/statm");
  std::size_t pages_total = 0, pages_resident = 0;
  statm >> pages_total >> pages_resident;
  return pages_resident * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE)) / 1024;
#endif
}

TEST_P(streams, memory_stays_flat_over_a_million_rows) {
  constexpr std::int64_t rows = 1'000'000;
  if (ar_test::engine_of(GetParam()) == "postgresql")
    db.execute(R"(INSERT INTO "users" ("user_name") SELECT 'user' || g FROM generate_series(1, 1000000) AS g)");
  else if (GetParam() == "mariadb")
    db.execute("INSERT INTO `users` (`user_name`) SELECT CONCAT('user', seq) FROM seq_1_to_1000000");
  else
    db.execute(R"(WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000)
                  INSERT INTO "users" ("user_name") SELECT 'user' || i FROM n)");
  std::int64_t seen = 0;
  std::size_t total_length = 0;
  std::size_t after_warmup = 0;
  std::size_t peak = 0;
  for (const user& u : ar::from<user>(db) | ar::stream) {
    ++seen;
    total_length += u.name.size();
    if (seen == 20'000) after_warmup = resident_kib();
    if (seen % 50'000 == 0) peak = std::max(peak, resident_kib());
  }
  EXPECT_EQ(seen, rows);
  EXPECT_GT(total_length, 0u);
  // SOCI's mysql backend receives the whole result before the first row: there a stream still
  // reads row by row, but not in constant memory (see capabilities).
  if (!ar_test::capabilities_of(GetParam()).streams_in_constant_memory) return;
  // Materialising the rows would take well over 50 MiB; the stream's growth past its first batches
  // must stay within a few MiB whatever the number of rows.
  EXPECT_LT(peak - std::min(peak, after_warmup), 8u * 1024)
      << "resident KiB after 20k rows: " << after_warmup << ", peak: " << peak;
}

TEST_P(streams, another_statement_while_a_stream_is_open_is_an_error_or_works) {
  seed(5);
  auto rows = ar::from<user>(db) | ar::stream;
  auto it = rows.begin();
  ASSERT_NE(it, rows.end());
  if (ar_test::capabilities_of(GetParam()).stream_holds_the_connection && db.pool_size() == 1) {
    // The stream holds the pool's only connection: a second statement on this thread would wait
    // for itself.
    try {
      (void)(ar::from<user>(db) | ar::count);
      FAIL() << "expected ar::error";
    } catch (const ar::error& e) {
      EXPECT_NE(std::string(e.what()).find("stream"), std::string::npos) << e.what();
    }
  } else {
    // Another connection of the pool runs it (or, on a server-side cursor, the stream's own
    // connection is free between batches).
    EXPECT_EQ(ar::from<user>(db) | ar::count, 5);
  }
  EXPECT_EQ(it->name.rfind("user", 0), 0u);  // the stream still reads
}

TEST_P(streams, a_stream_on_a_pool_of_one_refuses_a_second_statement_rather_than_deadlock) {
  auto single = ar_test::open_backend(GetParam(), "single", {.pool_size = 1});
  ar::create_table<user>(single);
  for (int i = 0; i < 3; ++i) {
    user u{0, "u" + std::to_string(i), std::nullopt};
    ar::insert(single, u);
  }
  auto rows = ar::from<user>(single) | ar::stream;
  auto it = rows.begin();
  ASSERT_NE(it, rows.end());
  if (ar_test::capabilities_of(GetParam()).stream_holds_the_connection) {
    EXPECT_THROW((void)(ar::from<user>(single) | ar::count), ar::error);
  } else {
    EXPECT_EQ(ar::from<user>(single) | ar::count, 3);  // free between batches
  }
  int seen = 0;
  for (; it != rows.end(); ++it) ++seen;
  EXPECT_EQ(seen, 3);
  EXPECT_EQ(ar::from<user>(single) | ar::count, 3);  // the stream gave its connection back
}

AR_INSTANTIATE_BACKEND_SUITE(streams);

}  // namespace
