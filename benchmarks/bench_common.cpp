#include "bench_common.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <stdexcept>
#include <unistd.h>

namespace bench {

namespace {

struct registry {
  std::vector<std::string> schemas;
  std::vector<std::filesystem::path> files;  // the SQLite database files (sqlite_uri), deleted at exit
  std::map<std::string, std::unique_ptr<raw_sqlite_connection>> raw;
  std::map<std::string, std::unique_ptr<soci_connection>> soci;
  std::map<std::string, std::unique_ptr<soci_connection>> soci_pg;
#ifdef AR_BENCH_SQLITECPP
  std::map<std::string, std::unique_ptr<sqlitecpp_connection>> sqlitecpp;
#endif
};

registry& the_registry() {
  static registry r;
  return r;
}

std::string schema_of(std::string_view name) { return "ar_bench_" + std::string(name); }

}  // namespace

bool is_sqlite_file(std::string_view name) { return name.starts_with("file_"); }

namespace {
std::filesystem::path sqlite_file_path(std::string_view name) {
  return std::filesystem::temp_directory_path() /
         ("ar_bench_" + std::to_string(::getpid()) + "_" + std::string(name) + ".db");
}
}  // namespace

std::string sqlite_uri(std::string_view name) {
  if (is_sqlite_file(name)) {
    const std::filesystem::path path = sqlite_file_path(name);
    auto& files = the_registry().files;
    if (std::find(files.begin(), files.end(), path) == files.end()) {
      std::filesystem::remove(path);  // a file left by a process of the same pid: start empty
      files.push_back(path);
    }
    return "file:" + path.string();
  }
  return "file:ar_bench_" + std::to_string(::getpid()) + "_" + std::string(name) + "?mode=memory&cache=shared";
}

ar::database open_sqlite(std::string_view name) { return ar::open("sqlite3://db=" + sqlite_uri(name), name); }

void after_seeding(const ar::database& db) {
  // SQLite: nothing to do, the database is in memory. PostgreSQL: fresh statistics for the planner.
  if (db.dialect().driver_name() != "sqlite3") db.execute("ANALYZE");
}

raw_sqlite_connection& raw_sqlite(std::string_view name) {
  auto& slot = the_registry().raw[std::string(name)];
  if (!slot) {
    slot = std::make_unique<raw_sqlite_connection>();
    if (sqlite3_open_v2(sqlite_uri(name).c_str(), &slot->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_URI, nullptr) !=
        SQLITE_OK)
      throw std::runtime_error("sqlite3_open failed for " + sqlite_uri(name));
    slot->statements = std::make_unique<sqlite_statements>(slot->db);
  }
  return *slot;
}

soci_connection& soci_sqlite(std::string_view name) {
  auto& slot = the_registry().soci[std::string(name)];
  if (!slot) {
    slot = std::make_unique<soci_connection>();
    slot->session = std::make_unique<soci::session>("sqlite3", "db=" + sqlite_uri(name));
  }
  return *slot;
}

#ifdef AR_BENCH_SQLITECPP
sqlitecpp_connection& sqlitecpp(std::string_view name) {
  auto& slot = the_registry().sqlitecpp[std::string(name)];
  if (!slot) {
    slot = std::make_unique<sqlitecpp_connection>();
    slot->db = std::make_unique<SQLite::Database>(sqlite_uri(name), SQLite::OPEN_READWRITE | SQLite::OPEN_URI);
  }
  return *slot;
}
#endif

const char* postgresql_url() {
  const char* url = std::getenv("AR_BENCH_POSTGRESQL");
  return url && *url ? url : nullptr;
}

namespace {
std::string soci_postgresql_connect_string() {
  std::string url = postgresql_url();
  const auto sep = url.find("://");
  return sep == std::string::npos ? url : url.substr(sep + 3);
}
}  // namespace

ar::database open_postgresql(std::string_view name) {
  std::string url = postgresql_url();
  if (url.find("://") == std::string::npos) url = "postgresql://" + url;
  const std::string schema = schema_of(name);
  auto db = ar::open(url, name);
  db.execute("SET client_min_messages TO warning");
  db.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
  db.execute("CREATE SCHEMA " + schema);
  db.execute("SET search_path TO " + schema);
  the_registry().schemas.push_back(schema);
  return db;
}

soci_connection& soci_postgresql(std::string_view name) {
  auto& slot = the_registry().soci_pg[std::string(name)];
  if (!slot) {
    slot = std::make_unique<soci_connection>();
    slot->session = std::make_unique<soci::session>("postgresql", soci_postgresql_connect_string());
    *slot->session << ("SET search_path TO " + schema_of(name));
  }
  return *slot;
}

void cleanup() {
  auto& r = the_registry();
  for (auto* connections : {&r.soci, &r.soci_pg})
    for (auto& [name, c] : *connections) {
      c->extras.clear();  // statements before their session
      c->session.reset();
    }
#ifdef AR_BENCH_SQLITECPP
  for (auto& [name, c] : r.sqlitecpp) {
    c->extras.clear();  // statements before their connection
    c->db.reset();
  }
  r.sqlitecpp.clear();
#endif
  for (auto& [name, c] : r.raw) {
    c->statements.reset();
    sqlite3_close(c->db);
  }
  r.raw.clear();
  ar::close_all();
  for (const std::filesystem::path& file : r.files) {
    std::error_code ignored;
    for (const char* suffix : {"", "-journal", "-wal", "-shm"})
      std::filesystem::remove(file.string() + suffix, ignored);
  }
  if (!r.schemas.empty()) {
    try {
      soci::session s("postgresql", soci_postgresql_connect_string());
      s << "SET client_min_messages TO warning";
      for (const std::string& schema : r.schemas) s << ("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    } catch (const std::exception& e) {
      std::cerr << "ar_bench: could not drop the PostgreSQL schemas: " << e.what() << '\n';
    }
  }
}

void show_statements(const benchmark::State& /*state*/, const ar::statement_counter& counter) {
  static const bool show = std::getenv("AR_BENCH_SHOW_SQL") != nullptr;
  if (!show) return;
  std::map<std::string, std::size_t> seen;
  std::vector<std::string> order;
  for (std::string sql : counter.statements()) {
    if (sql.size() > 400) sql = sql.substr(0, 300) + " ... " + sql.substr(sql.size() - 60);
    if (seen[sql]++ == 0) order.push_back(sql);
  }
  std::cerr << "-- the next benchmark sends " << counter.count() << " statements per iteration:\n";
  for (const std::string& sql : order) std::cerr << "   " << seen[sql] << " x " << sql << '\n';
}

namespace {
int failed = 0;
}

int failures() { return failed; }

void expect_rows(benchmark::State& state, std::size_t got, std::size_t expected) {
  if (got == expected) return;
  ++failed;
  state.SkipWithError(("read " + std::to_string(got) + " records, expected " + std::to_string(expected)).c_str());
}

void expect_statements(benchmark::State& state, std::size_t got, std::size_t expected) {
  if (got == expected) return;
  ++failed;
  state.SkipWithError(("sent " + std::to_string(got) + " statements, expected " + std::to_string(expected)).c_str());
}

void expect_counts(benchmark::State& state, const ar::statement_counter& counter, counts expected) {
  const std::size_t statements = counter.count();
  const std::size_t round_trips = counter.round_trips();
  if (statements == expected.statements && round_trips == expected.round_trips) return;
  ++failed;
  state.SkipWithError(("sent " + std::to_string(statements) + " statements in " + std::to_string(round_trips) +
                       " round trips, expected " + std::to_string(expected.statements) + " statements in " +
                       std::to_string(expected.round_trips) + " round trips")
                          .c_str());
}

void expect_same(benchmark::State& state, bool same, std::string_view what) {
  if (same) return;
  ++failed;
  state.SkipWithError(("read other data than the raw sqlite3 twin: " + std::string(what)).c_str());
}

sqlite_statements::~sqlite_statements() {
  for (auto& [sql, st] : cache_) sqlite3_finalize(st);
}

sqlite3_stmt* sqlite_statements::get(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &st, nullptr) !=
        SQLITE_OK)
      throw std::runtime_error(std::string("sqlite3_prepare: ") + sqlite3_errmsg(db_) + " in " + sql);
    it = cache_.emplace(sql, st).first;
  }
  sqlite3_reset(it->second);
  return it->second;
}

std::string sqlite_in(std::string_view prefix, std::size_t n, std::string_view suffix) {
  std::string sql(prefix);
  sql.reserve(sql.size() + 3 * n + suffix.size() + 2);
  sql += " (";
  for (std::size_t i = 0; i < n; ++i) sql += i ? ", ?" : "?";
  sql += ')';
  sql += suffix;
  return sql;
}

std::string soci_in(std::string_view prefix, std::size_t n, std::string_view suffix) {
  std::string sql(prefix);
  sql += " (";
  for (std::size_t i = 0; i < n; ++i) {
    if (i) sql += ", ";
    sql += ":k" + std::to_string(i);
  }
  sql += ')';
  sql += suffix;
  return sql;
}

}  // namespace bench
