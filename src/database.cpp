#include "database_state.hpp"

#include <ar/database.hpp>
#include <ar/detail/execute.hpp>
#include <ar/error.hpp>
#include <ar/observe.hpp>

#include <algorithm>
#include <chrono>
#include <thread>
#include <string>
#include <utility>
#include <vector>

namespace ar {

namespace detail {

database_state::database_state(std::string n, std::string u, const ar::dialect& d)
    : name(std::move(n)), url(std::move(u)), dialect(d) {}

database_state::~database_state() { close_connection(); }

void database_state::close_connection() noexcept {
  statements.clear();  // statements must go before the session they were prepared on
  session.reset();
  in_transaction = false;
}

namespace {

struct registry {
  std::mutex mutex;
  std::vector<std::shared_ptr<database_state>> open;  // in the order they were opened
  std::unordered_map<const table_meta*, std::string> bindings;
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

// Keeps passwords out of error messages.
std::string redact(std::string_view url) {
  std::string out(url);
  for (std::string_view key : {"password=", "pass="}) {
    std::size_t pos = 0;
    while ((pos = out.find(key, pos)) != std::string::npos) {
      std::size_t start = pos + key.size();
      std::size_t end = out.find(' ', start);
      out.replace(start, (end == std::string::npos ? out.size() : end) - start, "***");
      pos = start;
    }
  }
  return out;
}

// Staging for the columns and parameters SOCI cannot exchange with our field types directly.
struct staged_value {
  long long integer = 0;
  double real = 0;
  int flag = 0;
  std::string text;
  soci::indicator indicator = soci::i_ok;
};

class binder {
 public:
  binder(std::span<const value> params, std::span<const column_binding> columns)
      : params_(params), columns_(columns), param_stage_(params.size()), column_stage_(columns.size()) {}

  void exchange(soci::statement& st) {
    for (std::size_t i = 0; i < columns_.size(); ++i) bind_column(st, columns_[i], column_stage_[i]);
    for (std::size_t i = 0; i < params_.size(); ++i) bind_param(st, params_[i], param_stage_[i]);
  }

  // Moves the staged values of the row just fetched into the fields.
  void finish_row() {
    for (std::size_t i = 0; i < columns_.size(); ++i) finish_column(columns_[i], column_stage_[i]);
  }

 private:
  static void bind_column(soci::statement& st, const column_binding& c, staged_value& s) {
    if (!c.nullable) {
      switch (c.type) {
        case value_type::int32: st.exchange(soci::into(*static_cast<std::int32_t*>(c.target))); return;
        case value_type::int64: st.exchange(soci::into(*static_cast<std::int64_t*>(c.target))); return;
        case value_type::float64: st.exchange(soci::into(*static_cast<double*>(c.target))); return;
        case value_type::text: st.exchange(soci::into(*static_cast<std::string*>(c.target))); return;
        case value_type::boolean: st.exchange(soci::into(s.flag)); return;
        case value_type::time: st.exchange(soci::into(s.text)); return;
      }
    }
    switch (c.type) {
      case value_type::int32:
      case value_type::int64: st.exchange(soci::into(s.integer, s.indicator)); return;
      case value_type::float64: st.exchange(soci::into(s.real, s.indicator)); return;
      case value_type::boolean: st.exchange(soci::into(s.flag, s.indicator)); return;
      case value_type::text:
      case value_type::time: st.exchange(soci::into(s.text, s.indicator)); return;
    }
  }

  template <class T, class U>
  static void assign(void* target, bool nullable, bool is_null, U&& v) {
    if (nullable) {
      auto& field = *static_cast<std::optional<T>*>(target);
      if (is_null)
        field.reset();
      else
        field = T(std::forward<U>(v));
    } else {
      *static_cast<T*>(target) = T(std::forward<U>(v));
    }
  }

  static void finish_column(const column_binding& c, staged_value& s) {
    if (!c.nullable && c.type != value_type::boolean && c.type != value_type::time) return;  // bound directly
    const bool is_null = c.nullable && s.indicator == soci::i_null;
    switch (c.type) {
      case value_type::int32: {
        if (!is_null && (s.integer < INT32_MIN || s.integer > INT32_MAX))
          throw error("ar: a value read from the database does not fit the std::int32_t field it belongs to: " +
                      std::to_string(s.integer));
        assign<std::int32_t>(c.target, c.nullable, is_null, static_cast<std::int32_t>(s.integer));
        return;
      }
      case value_type::int64: assign<std::int64_t>(c.target, c.nullable, is_null, s.integer); return;
      case value_type::float64: assign<double>(c.target, c.nullable, is_null, s.real); return;
      case value_type::boolean: assign<bool>(c.target, c.nullable, is_null, s.flag != 0); return;
      case value_type::text: assign<std::string>(c.target, c.nullable, is_null, std::move(s.text)); return;
      case value_type::time:
        assign<time_point>(c.target, c.nullable, is_null, is_null ? time_point{} : parse_time(s.text));
        return;
    }
  }

  static void bind_param(soci::statement& st, const value& v, staged_value& s) {
    switch (v.index()) {
      case 0:
        s.indicator = soci::i_null;
        st.exchange(soci::use(s.integer, s.indicator));
        return;
      case 1: st.exchange(soci::use(std::get<std::int32_t>(v))); return;
      case 2: st.exchange(soci::use(std::get<std::int64_t>(v))); return;
      case 3: st.exchange(soci::use(std::get<double>(v))); return;
      case 4:
        s.flag = std::get<bool>(v) ? 1 : 0;
        st.exchange(soci::use(s.flag));
        return;
      case 5: st.exchange(soci::use(std::get<std::string>(v))); return;
      case 6:
        s.text = format_time(std::get<time_point>(v));
        st.exchange(soci::use(s.text));
        return;
    }
  }

  std::span<const value> params_;
  std::span<const column_binding> columns_;
  std::vector<staged_value> param_stage_;
  std::vector<staged_value> column_stage_;
};

soci::statement& prepared(database_state& db, std::string_view sql) {
  if (auto it = db.statements.find(sql); it != db.statements.end()) return *it->second;
  auto st = std::make_unique<soci::statement>(*db.session);
  st->alloc();
  st->prepare(std::string(sql), soci::details::st_repeatable_query);
  return *db.statements.emplace(std::string(sql), std::move(st)).first->second;
}

}  // namespace

struct cursor::impl {
  impl(database_state& d, std::string_view s, std::span<const value> p, std::span<const column_binding> c)
      : db(d), sql(s), params(p), columns(c), b(p, c) {}

  database_state& db;
  std::unique_lock<std::mutex> lock;
  std::string_view sql;
  std::span<const value> params;
  std::span<const column_binding> columns;
  binder b;
  bool observing = false;
  std::chrono::steady_clock::time_point start;
  std::unique_ptr<soci::statement> once;
  soci::statement* st = nullptr;
  bool executed = false;
  bool done = false;
  std::uint64_t rows = 0;
  std::uint64_t affected = 0;

  void report(bool succeeded) {
    if (observing)
      notify(statement_event{sql, params, db.name, std::chrono::steady_clock::now() - start, succeeded});
  }

  // Ends the statement: its bindings point into the caller's memory, and the connection is free.
  void finish(bool succeeded, bool evict) noexcept {
    if (done) return;
    done = true;
    try {
      if (evict || !once) {
        if (evict) db.statements.erase(std::string(sql));
        else if (st) st->bind_clean_up();
      }
    } catch (...) {
    }
    try {
      report(succeeded);
    } catch (...) {
    }
    db.reader.store(std::thread::id{});
    if (lock.owns_lock()) lock.unlock();
  }

  [[noreturn]] void fail() {
    try {
      throw;
    } catch (const soci::soci_error& e) {
      finish(false, true);
      throw database_error(db.name, std::string(sql), e.get_error_message());
    } catch (...) {
      finish(false, true);
      throw;
    }
  }
};

cursor::cursor(database_state& db, std::string_view sql, std::span<const value> params,
               std::span<const column_binding> columns, cache_policy policy)
    : impl_(std::make_unique<impl>(db, sql, params, columns)) {
  if (db.reader.load() == std::this_thread::get_id())
    throw error("ar: database '" + db.name +
                "' is still reading a stream on this thread; finish or destroy the stream before running "
                "another statement on that database");
  impl& i = *impl_;
  i.lock = std::unique_lock(db.mutex);
  if (!db.session) {
    i.lock.unlock();
    throw configuration_error("ar: database '" + db.name + "' is closed");
  }
  db.reader.store(std::this_thread::get_id());
  i.observing = observed();
  if (i.observing) i.start = std::chrono::steady_clock::now();
  try {
    if (policy == cache_policy::cache) {
      i.st = &prepared(db, sql);
    } else {
      i.once = std::make_unique<soci::statement>(*db.session);
      i.once->alloc();
      i.once->prepare(std::string(sql), soci::details::st_one_time_query);
      i.st = i.once.get();
    }
    i.st->bind_clean_up();
    i.b.exchange(*i.st);
    i.st->define_and_bind();
  } catch (...) {
    i.fail();
  }
}

cursor::~cursor() {
  if (!impl_) return;
  // A cursor left before its last row: drop the statement rather than keep it half-read.
  impl_->finish(true, !impl_->done && impl_->executed && !impl_->columns.empty());
}

bool cursor::next() {
  impl& i = *impl_;
  if (i.done) return false;
  try {
    bool got = false;
    if (!i.executed) {
      i.executed = true;
      got = i.st->execute(true);
    } else {
      got = i.st->fetch();
    }
    if (got && !i.columns.empty()) {
      i.b.finish_row();
      ++i.rows;
      return true;
    }
    if (i.columns.empty()) {
      i.affected = static_cast<std::uint64_t>(i.st->get_affected_rows());
      // A statement that returned rows nobody reads (PRAGMA ..., SELECT through execute) is still
      // open on SQLite and would keep its transaction: drop it rather than leave it half-read.
      if (got) {
        i.finish(true, true);
        return false;
      }
    }
  } catch (...) {
    i.fail();
  }
  i.finish(true, false);
  return false;
}

std::uint64_t cursor::rows_fetched() const noexcept { return impl_->rows; }
std::uint64_t cursor::rows_affected() const noexcept { return impl_->affected; }

run_result run(database_state& db, std::string_view sql, std::span<const value> params,
               std::span<const column_binding> columns, row_callback on_row, cache_policy policy) {
  cursor c(db, sql, params, columns, policy);
  while (c.next())
    if (on_row.call) on_row.call(on_row.context);
  return {c.rows_fetched(), c.rows_affected()};
}

void bind_model(const table_meta* model, std::string_view database_name) {
  auto& r = the_registry();
  std::lock_guard lock(r.mutex);
  r.bindings[model] = std::string(database_name);
}

database database_for(const table_meta* model) {
  std::string name;
  {
    auto& r = the_registry();
    std::lock_guard lock(r.mutex);
    auto it = r.bindings.find(model);
    if (it == r.bindings.end()) {
      auto state = default_state(r);
      if (!state)
        throw configuration_error("ar: no database is open for table '" + std::string(model->table) +
                                  "'; call ar::open(url) first");
      return database(std::move(state));
    }
    name = it->second;
  }
  return get_database(name);
}

}  // namespace detail

const std::string& database::name() const { return state().name; }
const std::string& database::url() const { return state().url; }
const ar::dialect& database::dialect() const { return state().dialect; }
bool database::is_open() const noexcept {
  if (!state_) return false;
  std::lock_guard lock(state_->mutex);
  return state_->session != nullptr;
}

detail::database_state& database::state() const {
  if (!state_) throw configuration_error("ar: this ar::database handle refers to no database");
  return *state_;
}

std::uint64_t database::execute(std::string_view sql, std::initializer_list<value> params) const {
  return detail::run(state(), sql, std::span<const value>(params.begin(), params.size())).rows_affected;
}

std::size_t database::cached_statements() const {
  std::lock_guard lock(state().mutex);
  return state_->statements.size();
}

void database::clear_statement_cache() const {
  std::lock_guard lock(state().mutex);
  state_->statements.clear();
}

bool database::in_transaction() const {
  std::lock_guard lock(state().mutex);
  return state_->in_transaction;
}

void database::close() {
  if (!state_) return;
  {
    auto& r = detail::the_registry();
    std::lock_guard lock(r.mutex);
    std::erase(r.open, state_);
  }
  std::lock_guard lock(state_->mutex);
  state_->close_connection();
}

database open(std::string_view url, std::string_view name) {
  const auto sep = url.find("://");
  if (sep == std::string_view::npos)
    throw configuration_error("ar::open: '" + detail::redact(url) +
                              "' names no backend; write it as <backend>://<connection string>, e.g. "
                              "sqlite3://db=:memory:");
  const std::string_view scheme = url.substr(0, sep);
  const dialect* d = find_dialect(scheme);
  if (!d) throw configuration_error("ar::open: no backend is registered for '" + std::string(scheme) + "://'");
  if (name.empty()) throw configuration_error("ar::open: a database name cannot be empty");

  auto state = std::make_shared<detail::database_state>(std::string(name), std::string(url), *d);
  {
    auto& r = detail::the_registry();
    std::lock_guard lock(r.mutex);
    for (const auto& s : r.open)
      if (s->name == name)
        throw configuration_error("ar::open: a database named '" + std::string(name) +
                                  "' is already open; close it or choose another name");
  }
  try {
    state->session = std::make_unique<soci::session>(std::string(d->soci_backend()), std::string(url.substr(sep + 3)));
  } catch (const soci::soci_error& e) {
    throw connection_error("ar::open: cannot connect to " + detail::redact(url) + ": " + e.get_error_message());
  }
  for (const std::string& setup : d->session_setup()) detail::run(*state, setup, {}, {}, {}, detail::cache_policy::once);
  {
    auto& r = detail::the_registry();
    std::lock_guard lock(r.mutex);
    for (const auto& s : r.open)
      if (s->name == name)
        throw configuration_error("ar::open: a database named '" + std::string(name) + "' is already open");
    r.open.push_back(state);
  }
  return database(std::move(state));
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
  }
  for (auto& s : all) {
    std::lock_guard lock(s->mutex);
    s->close_connection();
  }
}

}  // namespace ar
