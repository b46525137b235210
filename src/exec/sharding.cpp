// Horizontal sharding, the registry's part: which models are spread over which databases by which
// key (ar::shard), the default shard function (ar::shard_hash), and running one call per shard
// concurrently (on_each_shard). Routing writes and queries to the shards is src/query/sharded.cpp.

#include "exec/quoted_names.hpp"

#include <ar/database.hpp>
#include <ar/error.hpp>
#include <ar/model_traits.hpp>
#include <ar/value.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <future>
#include <memory>
#include <mutex>
#include <string>
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

void on_each_shard(std::size_t n, void (*run)(void* context, std::size_t i), void* context) {
  if (n == 0) return;
  std::vector<std::exception_ptr> failed(n);
  std::vector<std::future<void>> others;
  others.reserve(n - 1);
  try {
    for (std::size_t i = 0; i + 1 < n; ++i) others.push_back(std::async(std::launch::async, run, context, i));
    run(context, n - 1);
  } catch (...) {
    failed[others.size()] = std::current_exception();
  }
  for (std::size_t i = 0; i < others.size(); ++i) {
    try {
      others[i].get();
    } catch (...) {
      failed[i] = std::current_exception();
    }
  }
  for (const std::exception_ptr& e : failed)
    if (e) std::rethrow_exception(e);
}

}  // namespace detail
}  // namespace ar
