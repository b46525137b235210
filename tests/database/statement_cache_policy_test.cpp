// The statement cache's policy alone (src/exec/statement_cache.hpp), on statements that record when
// they are finalized: least recently used first, never one in use, no room when every statement
// is in use, nothing cached at size 0, and a hit that allocates nothing. The same cache on real
// connections, on every backend: statement_cache_test.cpp.

#include "exec/statement_cache.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <optional>

#include <cstddef>
#include <cstdlib>
#include <memory>
#include <new>
#include <string>
#include <vector>

// Counts the allocations of the calling thread while `counting` is on. Every replaceable form
// that malloc serves is replaced, so that new and delete always pair (AddressSanitizer checks).
namespace {
thread_local bool counting = false;
thread_local std::size_t allocations = 0;

void* allocate(std::size_t n) {
  if (counting) ++allocations;
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
}  // namespace

void* operator new(std::size_t n) { return allocate(n); }
void* operator new[](std::size_t n) { return allocate(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  try {
    return allocate(n);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  try {
    return allocate(n);
  } catch (...) {
    return nullptr;
  }
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

namespace {

// A statement that writes its SQL to `finalized` when it is destroyed.
struct fake_statement {
  std::string sql;
  std::vector<std::string>* finalized;
  ~fake_statement() { finalized->push_back(sql); }
};

using cache_t = ar::detail::statement_cache<fake_statement>;

class statement_cache_policy : public ::testing::Test {
 protected:
  // What the connection does for one execution: the cached statement if it is free, else a new
  // one if there is room; nullptr: it would run uncached.
  cache_t::entry* take(cache_t& cache, const std::string& sql) {
    if (cache_t::entry* e = cache.find(sql)) {
      if (e->in_use()) return nullptr;
      cache.acquire(*e);
      return e;
    }
    if (!cache.make_room()) return nullptr;
    ++prepared;
    return &cache.insert(sql, std::unique_ptr<fake_statement>(new fake_statement{sql, &finalized}));
  }
  // One execution from start to end.
  void run(cache_t& cache, const std::string& sql) {
    cache_t::entry* e = take(cache, sql);
    ASSERT_NE(e, nullptr) << sql;
    EXPECT_EQ(e->statement().sql, sql);
    cache.release(*e, false);
  }

  std::vector<std::string> finalized;
  std::size_t prepared = 0;
};

TEST_F(statement_cache_policy, keeps_the_bound_and_finalizes_the_least_recently_used_first) {
  cache_t cache(3);
  for (const char* sql : {"a", "b", "c"}) run(cache, sql);
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_TRUE(finalized.empty());
  run(cache, "a");  // a hit: now the most recently used
  EXPECT_EQ(prepared, 3u);
  run(cache, "d");  // b is the least recently used
  EXPECT_EQ(finalized, std::vector<std::string>{"b"});
  run(cache, "c");
  run(cache, "e");  // a, then d, then c were used after b: a goes
  EXPECT_EQ(finalized, (std::vector<std::string>{"b", "a"}));
  EXPECT_EQ(prepared, 5u);
  for (int i = 0; i < 100; ++i) {
    run(cache, "x" + std::to_string(i));
    EXPECT_LE(cache.size(), 3u);
    EXPECT_EQ(cache.count(), cache.size());
  }
  EXPECT_EQ(finalized.size(), 102u);
  EXPECT_EQ(finalized[2], "d");
  EXPECT_EQ(finalized.back(), "x96");
}

TEST_F(statement_cache_policy, a_statement_in_use_is_never_finalized) {
  cache_t cache(2);
  cache_t::entry* reading = take(cache, "streamed");  // a cursor still reading from it
  ASSERT_NE(reading, nullptr);
  // Many other statements go through the cache meanwhile: each takes the one free place.
  for (int i = 0; i < 50; ++i) run(cache, "other " + std::to_string(i));
  EXPECT_EQ(cache.size(), 2u);
  for (const std::string& sql : finalized) EXPECT_NE(sql, "streamed");
  EXPECT_EQ(&reading->statement(), &cache.find("streamed")->statement());
  EXPECT_EQ(reading->statement().sql, "streamed");
  cache.release(*reading, false);
  // Free again, it stays cached and is the next to go once it is the least recently used.
  run(cache, "other 49");
  run(cache, "last");
  EXPECT_EQ(finalized.back(), "streamed");
  EXPECT_EQ(cache.size(), 2u);
}

TEST_F(statement_cache_policy, when_every_statement_is_in_use_a_new_one_runs_uncached) {
  cache_t cache(2);
  cache_t::entry* first = take(cache, "first");
  cache_t::entry* second = take(cache, "second");
  ASSERT_TRUE(first && second);
  EXPECT_FALSE(cache.make_room());
  EXPECT_EQ(take(cache, "third"), nullptr);
  EXPECT_EQ(take(cache, "first"), nullptr);  // cached, but busy: a nested execution runs its own
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_TRUE(finalized.empty());
  cache.release(*second, false);
  EXPECT_NE(take(cache, "third"), nullptr);  // second made room
  EXPECT_EQ(finalized, std::vector<std::string>{"second"});
}

TEST_F(statement_cache_policy, size_zero_caches_nothing) {
  cache_t cache(0);
  EXPECT_FALSE(cache.make_room());
  EXPECT_EQ(take(cache, "a"), nullptr);
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.count(), 0u);
}

TEST_F(statement_cache_policy, a_dropped_or_cleared_statement_in_use_goes_when_released) {
  cache_t cache(4);
  run(cache, "idle");
  cache_t::entry* busy = take(cache, "busy");
  ASSERT_NE(busy, nullptr);
  cache.clear();
  EXPECT_EQ(finalized, std::vector<std::string>{"idle"});
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(busy->statement().sql, "busy");  // still usable by its execution
  cache.release(*busy, false);
  EXPECT_EQ(finalized, (std::vector<std::string>{"idle", "busy"}));
  EXPECT_EQ(cache.size(), 0u);

  cache_t::entry* failed = take(cache, "failed");
  ASSERT_NE(failed, nullptr);
  cache.release(*failed, true);  // it failed: not kept
  EXPECT_EQ(finalized.back(), "failed");
  EXPECT_EQ(cache.count(), 0u);
  run(cache, "failed");  // prepared again
  EXPECT_EQ(cache.size(), 1u);
}

TEST_F(statement_cache_policy, a_hit_allocates_nothing) {
  cache_t cache(8);
  std::vector<std::string> texts;
  for (int i = 0; i < 8; ++i)
    texts.push_back("SELECT \"id\" FROM \"users\" WHERE \"id\" IN (" + std::to_string(i) + ")");
  for (const std::string& sql : texts) run(cache, sql);
  std::vector<std::string> probe;
  allocations = 0;
  counting = true;
  probe.emplace_back(100, 'x');  // the counter sees allocations
  counting = false;
  ASSERT_EQ(allocations, 2u);  // the vector's buffer and the string's
  ASSERT_EQ(probe.size(), 1u);
  allocations = 0;
  counting = true;
  for (int round = 0; round < 10; ++round)
    for (const std::string& sql : texts) {  // every order of use: each hit relinks the list
      cache_t::entry* e = cache.find(sql);
      if (!e) break;
      cache.acquire(*e);
      cache.release(*e, false);
    }
  counting = false;
  EXPECT_EQ(allocations, 0u);
  EXPECT_EQ(prepared, 8u);
}

// A statement whose SQL keeps its hash (ar::detail::hashed_sql, a CRUD statement's) is found by
// text and hash as by text alone: the same entry, made the most recently used, and still compared
// by text.
TEST_F(statement_cache_policy, a_lookup_with_the_kept_hash_finds_what_the_text_finds) {
  cache_t cache(2);
  const std::string a = "SELECT \"id\" FROM \"users\" WHERE \"id\" = ?";
  const std::string b = "SELECT \"id\" FROM \"posts\" WHERE \"id\" = ?";
  run(cache, a);
  run(cache, b);
  cache_t::entry* by_text = cache.find(a);
  ASSERT_NE(by_text, nullptr);
  EXPECT_EQ(cache.find(a, ar::detail::statement_hash(a)), by_text);
  EXPECT_EQ(cache.find(b, ar::detail::statement_hash(b))->statement().sql, b);
  EXPECT_EQ(cache.find("SELECT 1", ar::detail::statement_hash("SELECT 1")), nullptr);
  run(cache, a);  // a was found by its hash last: b is now the least recently used
  run(cache, "SELECT 2");
  EXPECT_EQ(finalized, std::vector<std::string>{b});
}

// The same on a real connection: running a cached statement again (a 1-row read by key, the
// benchmarks' W5) allocates nothing, cache lookup included.
TEST(statement_cache_hot_path, a_cached_statement_runs_again_without_allocating_on_sqlite) {
  auto db = ar::open("sqlite3://db=:memory:", "hot", {.statement_cache_size = 4});
  db.execute(R"(CREATE TABLE "users" ("id" INTEGER PRIMARY KEY, "user_name" TEXT NOT NULL, "hair_color" TEXT))");
  for (int i = 1; i <= 3; ++i)
    db.execute(R"(INSERT INTO "users" ("user_name") VALUES (?))", {"user " + std::to_string(i)});
  const std::string sql = R"(SELECT "id", "user_name", "hair_color" FROM "users" WHERE "id" = ?)";
  std::int64_t id = 0;
  std::string name;
  std::optional<std::string> hair;
  std::array<ar::detail::column_binding, 3> out{ar::detail::bind_column(id), ar::detail::bind_column(name),
                                                ar::detail::bind_column(hair)};
  std::array<ar::value, 1> key{ar::value(std::int64_t{2})};
  ar::detail::run(ar::detail::state_of(db), sql, key, out);  // prepared and cached
  const std::uint64_t prepared = db.statements_prepared();
  allocations = 0;
  counting = true;
  for (int i = 0; i < 100; ++i) ar::detail::run(ar::detail::state_of(db), sql, key, out);
  counting = false;
  EXPECT_EQ(allocations, 0u);
  EXPECT_EQ(db.statements_prepared(), prepared);
  EXPECT_EQ(id, 2);
  EXPECT_EQ(name, "user 2");
  EXPECT_FALSE(hair);
  ar::close_all();
}

}  // namespace
