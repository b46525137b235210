// The sharding registry is read without a lock (every database-less call asks whether its model is
// sharded): threads asking while another declares models sharded see, for each model, either no
// declaration or the whole of it, and every declaration once it is made. Run under
// ThreadSanitizer by scripts/test.sh, which reports a publication without ordering as a race.

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace {

template <int N>
struct sharded_row {
  std::int64_t id = 0;
  std::int64_t owner = 0;
  AR_MODEL(sharded_row, "shard_registry_rows", AR_FIELDS(id, owner));
};

struct never_sharded {
  std::int64_t id = 0;
  AR_MODEL(never_sharded, "shard_registry_plain", AR_FIELDS(id));
};

template <int... N>
std::vector<const ar::table_meta*> metas(std::integer_sequence<int, N...> /*unused*/) {
  return {&ar::table_meta_v<sharded_row<N>>...};
}

TEST(shard_registry, readers_see_no_declaration_or_all_of_it_while_models_are_declared) {
  const std::vector<const ar::table_meta*> models = metas(std::make_integer_sequence<int, 16>{});
  std::atomic<bool> done{false};
  std::atomic<int> torn{0};
  std::atomic<int> plain_sharded{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      while (!done.load(std::memory_order_acquire)) {
        for (std::size_t i = 0; i < models.size(); ++i) {
          const ar::detail::shard_declaration* s = ar::detail::sharding_of(models[i]);
          if (s == nullptr) continue;
          const std::string first = "registry" + std::to_string(i) + "_a";
          if (s->key_column != 1 || s->databases.size() != 2 || s->databases[0] != first) torn.fetch_add(1);
        }
        if (ar::detail::sharding_of(&ar::table_meta_v<never_sharded>) != nullptr) plain_sharded.fetch_add(1);
      }
    });
  }
  for (std::size_t i = 0; i < models.size(); ++i) {
    ar::detail::shard_declaration d;
    d.key_column = 1;
    d.databases = {"registry" + std::to_string(i) + "_a", "registry" + std::to_string(i) + "_b"};
    ar::detail::shard_model(models[i], std::move(d));
    std::this_thread::yield();
  }
  done.store(true, std::memory_order_release);
  for (std::thread& r : readers) r.join();
  EXPECT_EQ(torn.load(), 0);
  EXPECT_EQ(plain_sharded.load(), 0);
  for (std::size_t i = 0; i < models.size(); ++i) {
    const ar::detail::shard_declaration* s = ar::detail::sharding_of(models[i]);
    ASSERT_NE(s, nullptr) << "model " << i;
    EXPECT_EQ(s->databases[1], "registry" + std::to_string(i) + "_b");
  }
  EXPECT_EQ(ar::detail::sharding_of(&ar::table_meta_v<never_sharded>), nullptr);
}

}  // namespace
