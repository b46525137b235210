// The fake backend (fake_backend.hpp): a dialect that spells SQL as SQLite reads it, and a driver
// on the sqlite3 C API, with no SOCI. The whole of what a backend implements, kept short: no
// statement timeout (a timeout other than 0 is refused), no server to lose.

#include "fake_backend.hpp"

#include <ar/backend/dialect.hpp>
#include <ar/backend/driver.hpp>
#include <ar/backend/store.hpp>

#include <sqlite3.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace ar::backends {

namespace {

fake_calls calls;

// ---- the dialect: only what the standard spelling does not cover --------------------------------

class fake_dialect final : public dialect {
 public:
  std::span<const std::string_view> schemes() const override {
    static constexpr std::array<std::string_view, 1> names{"fake"};
    return names;
  }
  std::string_view driver_name() const override { return "fake"; }
  void placeholder(std::string& out, std::size_t) const override { out += '?'; }
  std::string_view column_type(value_type type) const override {
    switch (type) {
      case value_type::float64: return "REAL";
      case value_type::text:
      case value_type::time: return "TEXT";
      default: return "INTEGER";
    }
  }
  std::string_view generated_key_definition(value_type) const override { return "INTEGER PRIMARY KEY"; }
  std::string_view no_limit() const override { return "-1"; }
  bool stores_nan() const override { return false; }
  std::size_t max_parameters() const override { return 32766; }
  std::size_t default_pool_size() const override { return 1; }
};

// ---- the driver ------------------------------------------------------------------------------

[[noreturn]] void fail(::sqlite3* db) {
  throw backend::driver_error(sqlite3_errmsg(db), false, std::to_string(sqlite3_extended_errcode(db)));
}

class fake_statement final : public backend::statement {
 public:
  fake_statement(::sqlite3* db, sqlite3_stmt* st) noexcept : db_(db), st_(st) {}
  fake_statement(const fake_statement&) = delete;
  fake_statement& operator=(const fake_statement&) = delete;
  ~fake_statement() override { sqlite3_finalize(st_); }

  void bind(std::span<const value> params, std::size_t) override {
    ++calls.binds;
    sqlite3_clear_bindings(st_);
    for (std::size_t i = 0; i < params.size(); ++i) {
      const int at = static_cast<int>(i) + 1;
      const value& v = params[i];
      int rc = SQLITE_OK;
      if (const auto* n32 = std::get_if<std::int32_t>(&v))
        rc = sqlite3_bind_int64(st_, at, *n32);
      else if (const auto* n64 = std::get_if<std::int64_t>(&v))
        rc = sqlite3_bind_int64(st_, at, *n64);
      else if (const auto* d = std::get_if<double>(&v))
        rc = sqlite3_bind_double(st_, at, *d);
      else if (const auto* b = std::get_if<bool>(&v))
        rc = sqlite3_bind_int(st_, at, *b ? 1 : 0);
      else if (const auto* s = std::get_if<std::string>(&v))
        rc = sqlite3_bind_text64(st_, at, s->data(), s->size(), SQLITE_STATIC, SQLITE_UTF8);
      else if (const auto* t = std::get_if<time_point>(&v))
        rc = sqlite3_bind_text(st_, at, format_time(*t).c_str(), -1, SQLITE_TRANSIENT);
      else
        rc = sqlite3_bind_null(st_, at);
      if (rc != SQLITE_OK) fail(db_);
    }
  }

  bool step() override {
    ++calls.steps;
    const int rc = sqlite3_step(st_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    fail(db_);
  }

  void read(std::span<const backend::column_binding> columns) override {
    for (std::size_t i = 0; i < columns.size(); ++i) {
      const int col = static_cast<int>(i);
      switch (sqlite3_column_type(st_, col)) {
        case SQLITE_NULL: backend::store_null(columns[i], i); break;
        case SQLITE_INTEGER: backend::store_integer(columns[i], sqlite3_column_int64(st_, col), i); break;
        case SQLITE_FLOAT: backend::store_real(columns[i], sqlite3_column_double(st_, col), i); break;
        default: {
          const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(st_, col));
          backend::store_text(
              columns[i], std::string_view(text ? text : "", static_cast<std::size_t>(sqlite3_column_bytes(st_, col))),
              i);
        }
      }
    }
  }

  std::uint64_t affected_rows() override { return static_cast<std::uint64_t>(sqlite3_changes(db_)); }

  void reset() noexcept override {
    ++calls.resets;
    sqlite3_reset(st_);
  }

 private:
  ::sqlite3* db_;
  sqlite3_stmt* st_;
};

class fake_connection final : public backend::connection {
 public:
  explicit fake_connection(::sqlite3* db) noexcept : db_(db) {}
  fake_connection(const fake_connection&) = delete;
  fake_connection& operator=(const fake_connection&) = delete;
  ~fake_connection() override { sqlite3_close(db_); }

  std::unique_ptr<backend::statement> prepare(std::string_view sql, bool) override {
    ++calls.prepares;
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &st, nullptr) != SQLITE_OK) {
      sqlite3_finalize(st);
      fail(db_);
    }
    if (st == nullptr) throw backend::driver_error("the fake backend runs no empty statement");
    return std::make_unique<fake_statement>(db_, st);
  }

  void set_statement_timeout(std::chrono::milliseconds timeout) override {
    if (timeout.count() != 0) throw backend::driver_error("the fake backend bounds no statement's time");
  }

  backend::server_transaction transaction_status(bool) noexcept override {
    return sqlite3_get_autocommit(db_) ? backend::server_transaction::none : backend::server_transaction::open;
  }

 private:
  ::sqlite3* db_;
};

class fake_driver final : public backend::driver {
 public:
  std::unique_ptr<backend::connection> connect(std::string_view connection_string, std::chrono::milliseconds,
                                               std::chrono::milliseconds) const override {
    ++calls.connects;
    ::sqlite3* db = nullptr;
    const std::string file(connection_string);
    if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
      const std::string why = db ? sqlite3_errmsg(db) : "out of memory";
      sqlite3_close(db);
      throw backend::driver_error(why, true);
    }
    return std::make_unique<fake_connection>(db);
  }
};

}  // namespace

const fake_calls& fake_driver_calls() { return calls; }

// The one registration line a backend adds: its dialect and its driver, under the dialect's
// driver_name().
void register_fake() {
  register_dialect(std::make_shared<fake_dialect>());
  register_driver("fake", std::make_shared<fake_driver>());
}

}  // namespace ar::backends
