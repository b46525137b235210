// The databases a program opened, by name (ar::open, get_database, default_database, close_all),
// the database a model is bound to, and the ar::database handle's own calls.

#include "exec/connection_string.hpp"
#include "exec/database_state.hpp"
#include "exec/quoted_names.hpp"

#include <ar/backend/dialect.hpp>
#include <ar/backend/driver.hpp>
#include <ar/database.hpp>
#include <ar/detail/execute.hpp>
#include <ar/detail/placeholders.hpp>
#include <ar/error.hpp>

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace ar {

namespace detail {

namespace {

struct registry {
  std::mutex mutex;
  std::vector<std::shared_ptr<database_state>> open;  // in the order they were opened
  std::unordered_map<const table_meta*, std::string> bindings;
  // Counts the changes to `open` and `bindings` (made under the mutex): an answer of database_for
  // a thread remembers holds while it is unchanged.
  std::atomic<std::uint64_t> generation{1};
};

registry& the_registry() {
  static registry r;
  return r;
}

// The database named "default" if one is open, else the first opened. Caller holds the lock.
std::shared_ptr<database_state> default_state(registry& r) {
  for (const auto& s : r.open)
    if (s->name == "default") return s;
  return r.open.empty() ? nullptr : r.open.front();
}

// A URL with its secrets masked, for messages about a URL that opened no database.
std::string redact(std::string_view url) { return mask_spans(url, find_secrets(url)); }

}  // namespace

std::uint64_t registry_generation() noexcept { return the_registry().generation.load(std::memory_order_acquire); }

void bind_model(const table_meta* model, std::string_view database_name) {
  auto& r = the_registry();
  std::lock_guard lock(r.mutex);
  r.bindings[model] = std::string(database_name);
  r.generation.fetch_add(1, std::memory_order_release);
}

database database_for(const table_meta* model) {
  auto& r = the_registry();
  // Every query of a model asks for its database (and a join for each table's): a thread keeps
  // its last answers for a few models, good while no database was opened or closed and no model
  // bound since, and gives them without the registry's lock.
  struct remembered {
    const table_meta* model = nullptr;
    std::uint64_t generation = 0;
    std::weak_ptr<database_state> state;
  };
  thread_local std::array<remembered, 8> memo;
  remembered& slot = memo[(reinterpret_cast<std::uintptr_t>(model) / alignof(table_meta)) % memo.size()];
  const std::uint64_t generation = r.generation.load(std::memory_order_acquire);
  if (slot.model == model && slot.generation == generation)
    if (std::shared_ptr<database_state> state = slot.state.lock()) return database(std::move(state));
  if (const shard_declaration* s = sharding_of(model)) {
    throw configuration_error("ar: table '" + std::string(model->table) + "' is sharded over " +
                              quoted_names(s->databases) +
                              " (ar::shard), and this operation does not go to a shard yet; run it on one "
                              "shard's database (ar::shard_databases<Model>())");
  }
  std::shared_ptr<database_state> state;
  {
    std::lock_guard lock(r.mutex);
    auto it = r.bindings.find(model);
    if (it == r.bindings.end()) {
      state = default_state(r);
      if (!state)
        throw configuration_error("ar: no database is open for table '" + std::string(model->table) +
                                  "'; call ar::open(url) first");
    } else {
      for (const auto& s : r.open)
        if (s->name == it->second) {
          state = s;
          break;
        }
      if (!state) throw configuration_error("ar: no database named '" + it->second + "' is open");
    }
  }
  slot = remembered{model, generation, state};
  return database(std::move(state));
}

}  // namespace detail

const std::string& database::name() const { return state().name; }
const std::string& database::url() const { return state().shown_url; }
const ar::dialect& database::dialect() const { return state().dialect; }
const ar::naming& database::naming() const { return state().naming; }
bool database::is_open() const noexcept { return state_ && !state_->closed(); }
std::vector<std::string> database::readers() const {
  std::vector<std::string> urls;
  for (const auto& r : state().readers) urls.push_back(r->shown_url);
  return urls;
}

detail::database_state& database::state() const {
  if (!state_) throw configuration_error("ar: this ar::database handle refers to no database");
  return *state_;
}

std::uint64_t database::execute(std::string_view sql, std::initializer_list<value> params) const {
  const std::string text = detail::hand_written_text(dialect(), name(), sql, params.size(), true);
  return detail::run(state(), text, std::span<const value>(params.begin(), params.size())).rows_affected;
}

std::size_t database::cached_statements() const { return state().cached_statements(); }
void database::clear_statement_cache() const {
  state().clear_statement_cache();
  for (const auto& reader : state().readers) reader->clear_statement_cache();
}
std::size_t database::statement_cache_size() const { return state().statement_cache_size; }
std::uint64_t database::statements_prepared() const {
  return state().statements_prepared.load(std::memory_order_relaxed);
}
std::size_t database::pool_size() const { return state().pool_size; }
std::size_t database::open_connections() const { return state().open_connections(); }
bool database::in_transaction() const { return detail::transaction_connection(state()) != nullptr; }

void database::close() {
  if (!state_) return;
  {
    auto& r = detail::the_registry();
    std::lock_guard lock(r.mutex);
    std::erase(r.open, state_);
    r.generation.fetch_add(1, std::memory_order_release);
  }
  state_->close();
}

namespace {
// The dialect of a URL that ar::open accepts (`what` says which URL, in messages), else
// configuration_error.
const dialect& dialect_of_url(std::string_view url, const std::string& what) {
  // Drivers take C strings: a NUL would cut the URL there and open something else.
  if (const auto nul = url.find('\0'); nul != std::string_view::npos)
    throw configuration_error("ar::open: " + what + "'" + detail::redact(url.substr(0, nul)) +
                              "...' has a NUL byte at offset " + std::to_string(nul) +
                              "; a connection string cannot contain one");
  const auto split = detail::split_url(url);
  const dialect* d = split ? find_dialect(split->scheme) : nullptr;
  if (!split || (!d && url.find("://") == std::string_view::npos))
    throw configuration_error("ar::open: " + what + "'" + detail::redact(url) +
                              "' names no backend; write it as <backend>://<connection string>, e.g. "
                              "sqlite3://db=:memory:, sqlite:app.db or postgresql://user@host/app");
  const std::string_view scheme = split->scheme;
  if (!d) throw configuration_error("ar::open: no backend is registered for '" + std::string(scheme) + "://'");
  if (std::string why = d->refuse_connection_string(split->connection); !why.empty())
    throw configuration_error("ar::open: " + what + "'" + detail::redact(url) + "' " + why);
  return *d;
}

// A database's state, its options set, not connected yet.
std::shared_ptr<detail::database_state> make_state(std::string_view url, std::string_view name, const dialect& d,
                                                   const open_options& options, std::vector<std::string> on_connect) {
  auto state =
      std::make_shared<detail::database_state>(std::string(name), std::string(url), d, options.pool_size, options.wait,
                                               std::move(on_connect), options.statement_cache_size);
  state->statement_timeout = options.statement_timeout;
  state->connect_timeout = options.connect_timeout;
  state->naming = options.naming;
  state->read_your_writes = options.read_your_writes;
  state->reader_retry = options.reader_retry;
  state->reader_max_lag = options.reader_max_lag;
  state->knows_positions = !d.write_position_sql().empty() && !d.replay_position_sql().empty();
  state->driver = find_driver(d.driver_name());
  if (!state->driver)
    throw configuration_error("ar::open: the backend for '" + std::string(d.driver_name()) +
                              "' registered its dialect but no driver named '" + std::string(d.driver_name()) +
                              "' (ar::register_driver)");
  state->transaction_pooled = state->driver->transaction_pooled(state->driver_connection);
  return state;
}

// What a database through a transaction pooler cannot have: every statement needing the session a
// pooler does not keep (a SET of on_connect, a reader's read-only session, its replay position).
void refuse_for_pooler(const detail::database_state& state, const open_options& options, std::string_view what) {
  if (!state.transaction_pooled) return;
  const std::string head =
      "ar::open: " + std::string(what) + "'" + state.shown_url + "' goes through a transaction pooler";
  if (!options.on_connect.empty())
    throw configuration_error(head +
                              ", and open_options::on_connect is set: a statement run when a connection opens "
                              "changes one server connection's session, which the pooler gives to any client's "
                              "next transaction, and the next transaction of this connection may run on another; "
                              "name the schema in the tables' names, or set the role's defaults on the server "
                              "(ALTER ROLE ... SET)");
  if (!options.readers.empty())
    throw configuration_error(head +
                              ", and open_options::readers is set: a reader's read-only session and the "
                              "replication position ar reads there need a session, which the pooler does not "
                              "keep; open the readers directly, and the writer through the pooler if you wish, as "
                              "two databases");
}

// The readers of `writer` (open_options::readers): of its backend, each with a read-only session.
// One that cannot be reached now is left out for reader_retry, and tried again after it.
void add_readers(detail::database_state& writer, const open_options& options) {
  for (std::size_t i = 0; i < options.readers.size(); ++i) {
    const std::string& url = options.readers[i];
    const std::string what = "reader " + std::to_string(i + 1) + " ";
    const dialect& d = dialect_of_url(url, what);
    if (&d != &writer.dialect)
      throw configuration_error("ar::open: " + what + "'" + detail::redact(url) + "' is a " +
                                std::string(d.driver_name()) + " database, and the writer a " +
                                std::string(writer.dialect.driver_name()) +
                                " one: a reader replicates its writer, on the same backend");
    std::vector<std::string> on_connect = options.on_connect;
    for (std::string& sql : d.read_only_session()) on_connect.push_back(std::move(sql));
    auto reader = make_state(url, writer.name, d, options, std::move(on_connect));
    if (reader->transaction_pooled)
      throw configuration_error("ar::open: " + what + "'" + reader->shown_url +
                                "' goes through a transaction pooler: a reader's read-only session (" +
                                "a SET when its connections open) and the replication position ar reads there need "
                                "a session, which the pooler does not keep; open each reader directly");
    reader->is_reader = true;
    writer.readers.push_back(std::move(reader));
  }
  for (const auto& reader : writer.readers) {
    try {
      reader->release(reader->acquire().first);
    } catch (const detail::unreachable_server&) {
      detail::leave_out(*reader, options.reader_retry);
    }
  }
}
}  // namespace

database open(std::string_view url, std::string_view name, const open_options& options) {
  const dialect& d = dialect_of_url(url, "the URL ");
  if (name.empty()) throw configuration_error("ar::open: a database name cannot be empty");
  if (options.wait.count() < 0) throw configuration_error("ar::open: open_options::wait cannot be negative");
  if (options.statement_timeout.count() < 0)
    throw configuration_error("ar::open: open_options::statement_timeout cannot be negative (0: no limit)");
  if (options.connect_timeout.count() < 0)
    throw configuration_error("ar::open: open_options::connect_timeout cannot be negative (0: no limit)");
  if (options.statement_cache_size > static_cast<std::size_t>(PTRDIFF_MAX))
    throw configuration_error("ar::open: open_options::statement_cache_size is " +
                              std::to_string(options.statement_cache_size) +
                              ", a negative number made a std::size_t; it is the most prepared statements each "
                              "connection keeps (0 keeps none)");

  if (options.read_your_writes.count() < 0)
    throw configuration_error(
        "ar::open: open_options::read_your_writes cannot be negative (0: reads go to a reader "
        "at once)");
  if (options.reader_retry.count() < 0)
    throw configuration_error("ar::open: open_options::reader_retry cannot be negative");
  if (options.reader_max_lag && options.reader_max_lag->count() < 0)
    throw configuration_error("ar::open: open_options::reader_max_lag cannot be negative (std::nullopt: no bound)");

  auto state = make_state(url, name, d, options, options.on_connect);
  refuse_for_pooler(*state, options, "the URL ");
  {
    auto& r = detail::the_registry();
    std::lock_guard lock(r.mutex);
    for (const auto& s : r.open)
      if (s->name == name)
        throw configuration_error("ar::open: a database named '" + std::string(name) +
                                  "' is already open; close it or choose another name");
  }
  // The first connection opens now, so that a wrong URL fails here.
  state->release(state->acquire().first);
  add_readers(*state, options);
  {
    auto& r = detail::the_registry();
    std::lock_guard lock(r.mutex);
    for (const auto& s : r.open)
      if (s->name == name)
        throw configuration_error("ar::open: a database named '" + std::string(name) + "' is already open");
    r.open.push_back(state);
    r.generation.fetch_add(1, std::memory_order_release);
  }
  database db(std::move(state));
  if (options.verify) {
    try {
      options.verify(db);
    } catch (...) {
      db.close();
      throw;
    }
  }
  return db;
}

database open_env(std::string_view variable, std::string_view name, const open_options& options) {
  const std::string key(variable);
  const char* url = key.empty() || key.find('=') != std::string::npos ? nullptr : std::getenv(key.c_str());
  if (url == nullptr || *url == '\0')
    throw configuration_error("ar::open_env: the environment variable '" + key + "' is " +
                              (url == nullptr ? "not set" : "empty") +
                              "; set it to a database URL such as "
                              "postgresql://user:secret@host/app or sqlite:app.db");
  return open(url, name, options);
}

database get_database(std::string_view name) {
  auto& r = detail::the_registry();
  std::lock_guard lock(r.mutex);
  for (const auto& s : r.open)
    if (s->name == name) return database(s);
  throw configuration_error("ar: no database named '" + std::string(name) + "' is open");
}

database default_database() {
  auto& r = detail::the_registry();
  std::lock_guard lock(r.mutex);
  auto state = detail::default_state(r);
  if (!state) throw configuration_error("ar: no database is open; call ar::open(url) first");
  return database(std::move(state));
}

void close_all() {
  std::vector<std::shared_ptr<detail::database_state>> all;
  {
    auto& r = detail::the_registry();
    std::lock_guard lock(r.mutex);
    all.swap(r.open);
    r.generation.fetch_add(1, std::memory_order_release);
  }
  for (auto& s : all) s->close();
}

}  // namespace ar
