// Horizontal sharding, the registry's part: which models are spread over which databases by which
// key (ar::shard), the default shard function (ar::shard_hash), and running one call per shard
// concurrently (on_each_shard, on a pool of worker threads kept between fan-outs). Routing writes
// and queries to the shards is src/query/sharded.cpp.

#include "exec/quoted_names.hpp"

#include <ar/database.hpp>
#include <ar/error.hpp>
#include <ar/model_traits.hpp>
#include <ar/value.hpp>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <variant>
#include <vector>

namespace ar {

std::uint64_t shard_hash(const value& key) {
  if (const auto* text = std::get_if<std::string>(&key)) {
    std::uint64_t h = 14695981039346656037ULL;  // FNV-1a, 64 bits
    for (const char c : *text) {
      h ^= static_cast<std::uint8_t>(c);
      h *= 1099511628211ULL;
    }
    return h;
  }
  std::uint64_t x = 0;
  if (const auto* i64 = std::get_if<std::int64_t>(&key))
    x = static_cast<std::uint64_t>(*i64);
  else if (const auto* i32 = std::get_if<std::int32_t>(&key))
    x = static_cast<std::uint64_t>(static_cast<std::int64_t>(*i32));
  else
    throw configuration_error("ar::shard_hash: a shard key is an integer or a text, not " + to_string(key));
  // SplitMix64's finalizer.
  x ^= x >> 30U;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27U;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31U;
  return x;
}

namespace detail {

namespace {
// The declarations, newest first, in a list that only grows: sharding_of walks it without a lock (a
// program shards a few models, and asks for every model's declaration on each database-less call).
struct declared_model {
  const table_meta* model;
  std::unique_ptr<const shard_declaration> declaration;
  std::unique_ptr<const declared_model> next;
};
struct shard_registry {
  std::mutex mutex;  // serialises declarations
  std::unique_ptr<const declared_model> owned;
  std::atomic<const declared_model*> head{nullptr};  // == owned.get(), published after it is built
};

shard_registry& the_shards() {
  static shard_registry r;
  return r;
}

const shard_declaration* find_declaration(const declared_model* at, const table_meta* model) {
  for (; at != nullptr; at = at->next.get())
    if (at->model == model) return at->declaration.get();
  return nullptr;
}
}  // namespace

void shard_model(const table_meta* model, shard_declaration declaration) {
  const std::string table(model->table);
  if (declaration.key_column >= model->columns.size())
    throw configuration_error("ar::shard: table '" + table +
                              "': the shard key is not a field of the model (not listed in AR_FIELDS)");
  if (declaration.databases.empty())
    throw configuration_error("ar::shard: table '" + table + "' needs at least one database to be sharded over");
  for (std::size_t i = 0; i < declaration.databases.size(); ++i) {
    if (declaration.databases[i].empty())
      throw configuration_error("ar::shard: table '" + table + "': a shard's database name cannot be empty");
    for (std::size_t j = 0; j < i; ++j)
      if (declaration.databases[i] == declaration.databases[j])
        throw configuration_error("ar::shard: table '" + table + "': database '" + declaration.databases[i] +
                                  "' is named twice; each shard is a database of its own");
  }
  auto& r = the_shards();
  std::lock_guard lock(r.mutex);
  if (const shard_declaration* was = find_declaration(r.owned.get(), model)) {
    if (was->key_column == declaration.key_column && was->databases == declaration.databases &&
        was->identity == declaration.identity)
      return;  // the same declaration again
    throw configuration_error("ar::shard: table '" + table + "' is sharded already, by field '" +
                              std::string(model->columns[was->key_column].field) + "' over " +
                              quoted_names(was->databases) + (was->pick ? " with its own function" : "") +
                              "; a model is sharded once, and this declaration differs");
  }
  r.owned = std::make_unique<const declared_model>(
      declared_model{model, std::make_unique<const shard_declaration>(std::move(declaration)), std::move(r.owned)});
  r.head.store(r.owned.get(), std::memory_order_release);
}

const shard_declaration* sharding_of(const table_meta* model) {
  return find_declaration(the_shards().head.load(std::memory_order_acquire), model);
}

std::size_t shard_index(const table_meta* model, const shard_declaration& s, const value& key) {
  const std::size_t n = s.databases.size();
  if (std::holds_alternative<std::monostate>(key))
    throw configuration_error("ar: table '" + std::string(model->table) + "': a NULL shard key names no shard");
  const std::size_t at = s.pick ? s.pick(key) : static_cast<std::size_t>(shard_hash(key) % n);
  if (at >= n)
    throw configuration_error(
        "ar: table '" + std::string(model->table) + "': the shard function gave " +
        (at == static_cast<std::size_t>(-1) ? std::string("a negative index") : "index " + std::to_string(at)) +
        " for key " + to_string(key) + ", and there are " + std::to_string(n) + " shards");
  return at;
}

std::vector<database> shard_databases(const table_meta* model) {
  const shard_declaration* s = sharding_of(model);
  if (s == nullptr) throw configuration_error("ar: table '" + std::string(model->table) + "' is not sharded");
  std::vector<database> out;
  out.reserve(s->databases.size());
  for (const std::string& name : s->databases) out.push_back(get_database(name));
  return out;
}

namespace {

// The threads a fan-out runs its calls on (on_each_shard): started when first needed, kept for
// the next fan-out (rather than a thread started per shard per query), and joined when the
// program exits. A fan-out is a batch of n calls that anyone may claim, one at a time, under the
// pool's mutex: idle workers (from the first call) and the fan-out's caller itself (from the last
// back). The caller runs every call nobody has claimed yet before it waits, so it only ever waits
// for calls that are running; a fan-out from inside a call (a worker) or while every worker is
// busy makes progress on the caller's thread, never deadlocks.
class fan_out_pool {
 public:
  fan_out_pool() = default;
  fan_out_pool(const fan_out_pool&) = delete;
  fan_out_pool& operator=(const fan_out_pool&) = delete;
  ~fan_out_pool() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    work_.notify_all();
    for (std::thread& t : threads_) t.join();
  }

  void run(std::size_t n, void (*fn)(void* context, std::size_t i), void* context) {
    batch b{fn, context, n, n, 0, n, std::vector<std::exception_ptr>(n)};
    std::size_t wake = 0;
    {
      std::unique_lock lock(mutex_);
      queue_.push_back(&b);
      // Enough idle workers for every call but the one the caller takes, up to the limit.
      const std::size_t wanted = n - 1;
      while (idle_ + starting_ < wanted && threads_.size() < max_threads) {
        ++starting_;
        try {
          threads_.emplace_back([this] { work(); });
        } catch (const std::system_error&) {
          --starting_;  // no thread to be had now: the caller runs what the workers do not
          break;
        }
      }
      wake = std::min(wanted, idle_ + starting_);
    }
    for (std::size_t i = 0; i < wake; ++i) work_.notify_one();
    // The caller's share: whatever nobody else has claimed, from the last call back (the last is
    // the caller's, as the workers take them from the first).
    for (;;) {
      std::size_t i = 0;
      {
        std::lock_guard lock(mutex_);
        if (!claim(b, i, true)) break;
      }
      call(b, i);
    }
    {
      std::unique_lock lock(mutex_);
      done_.wait(lock, [&] { return b.unfinished == 0; });
    }
    for (const std::exception_ptr& e : b.failed)
      if (e) std::rethrow_exception(e);
  }

 private:
  // At most this many workers: a fan-out wider than that, or fan-outs beyond them at the same
  // time, run their remaining calls on their callers' threads.
  static constexpr std::size_t max_threads = 64;

  struct batch {
    void (*run)(void* context, std::size_t i);
    void* context;
    std::size_t n;
    std::size_t unfinished;  // calls not yet returned; the caller waits for 0
    std::size_t next;        // the next call a worker claims
    std::size_t end;         // one past the next call the caller claims (calls [next, end) are unclaimed)
    std::vector<std::exception_ptr> failed;
  };

  // Under mutex_: the next unclaimed call of `b` into i (the first for a worker, the last for the
  // caller), false when none is left; the batch leaves the queue with its last call.
  bool claim(batch& b, std::size_t& i, bool from_the_end = false) {
    if (b.next == b.end) return false;
    i = from_the_end ? --b.end : b.next++;
    if (b.next == b.end) queue_.erase(std::find(queue_.begin(), queue_.end(), &b));
    return true;
  }

  // Outside mutex_: runs call i, keeps its exception, and counts it done.
  void call(batch& b, std::size_t i) {
    try {
      b.run(b.context, i);
    } catch (...) {
      b.failed[i] = std::current_exception();
    }
    bool last = false;
    {
      std::lock_guard lock(mutex_);
      last = --b.unfinished == 0;
    }
    // The batch lives on its caller's stack until unfinished is 0 and the caller has seen it under
    // the mutex: after the unlock above, only the pool's own members are touched.
    if (last) done_.notify_all();
  }

  void work() {
    std::unique_lock lock(mutex_);
    --starting_;
    for (;;) {
      ++idle_;
      work_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      --idle_;
      if (queue_.empty()) return;  // stopping, and nothing left to do
      batch& b = *queue_.front();
      std::size_t i = 0;
      if (!claim(b, i)) continue;
      lock.unlock();
      call(b, i);
      lock.lock();
    }
  }

  std::mutex mutex_;
  std::condition_variable work_;  // a batch was queued, or the pool stops
  std::condition_variable done_;  // a batch's last call returned
  std::deque<batch*> queue_;      // the batches with calls left to claim, oldest first
  std::vector<std::thread> threads_;
  std::size_t idle_ = 0;      // workers waiting for work
  std::size_t starting_ = 0;  // workers started but not yet waiting
  bool stopping_ = false;
};

fan_out_pool& the_fan_out_pool() {
  static fan_out_pool pool;
  return pool;
}

}  // namespace

void on_each_shard(std::size_t n, void (*run)(void* context, std::size_t i), void* context) {
  if (n == 0) return;
  if (n == 1) {
    run(context, 0);
    return;
  }
  the_fan_out_pool().run(n, run, context);
}

}  // namespace detail
}  // namespace ar
