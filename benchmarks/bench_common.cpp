#include "bench_common.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <sstream>
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
  std::vector<std::string> mariadb_databases;
  std::vector<std::string> pgbouncer_databases;  // made on the PostgreSQL server directly
  std::map<std::string, std::unique_ptr<soci_connection>> soci_my;
#ifdef AR_BENCH_HAVE_MARIADB
  std::map<std::string, std::unique_ptr<raw_mariadb_connection>> raw_my;
#endif
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

namespace {
void analyze_mariadb(std::string_view name);
}

void after_seeding(const ar::database& db) {
  // SQLite: nothing to do, the database is in memory. PostgreSQL and MariaDB: fresh statistics for
  // the planner before any timing starts (InnoDB recomputes them on its own in the background, at a
  // moment of its choosing, once a tenth of a table changed).
  const std::string_view driver = db.dialect().driver_name();
  if (driver == "postgresql")
    db.execute("ANALYZE");
  else if (driver == "mysql")
    analyze_mariadb(db.name());
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

// --- PostgreSQL through pgbouncer ---------------------------------------------------------------

const char* pgbouncer_url() {
  const char* url = std::getenv("AR_BENCH_PGBOUNCER");
  return url && *url ? url : nullptr;
}

ar::database open_pgbouncer(std::string_view name) {
  if (postgresql_url() == nullptr)
    throw std::runtime_error("AR_BENCH_PGBOUNCER needs AR_BENCH_POSTGRESQL, the server behind it, to create databases");
  const std::string database = schema_of(name);
  {
    soci::session s("postgresql", soci_postgresql_connect_string());
    s << "SET client_min_messages TO warning";
    s << ("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    s << ("CREATE DATABASE " + database);
  }
  the_registry().pgbouncer_databases.push_back(database);
  // The keyword form (host=... dbname=... pooler=transaction) with dbname= replaced.
  std::string url = pgbouncer_url();
  if (url.find("://") == std::string::npos) url = "postgresql://" + url;
  std::string out = url.substr(0, url.find("://") + 3);
  std::istringstream words(url.substr(url.find("://") + 3));
  for (std::string word; words >> word;)
    if (word.rfind("dbname=", 0) != 0) out += word + " ";
  return ar::open(out + "dbname=" + database, name);
}

// --- MariaDB ---------------------------------------------------------------------------------

const char* mariadb_url() {
  const char* url = std::getenv("AR_BENCH_MARIADB");
  return url && *url ? url : nullptr;
}

namespace {

// The key=value words of AR_BENCH_MARIADB after its scheme (host=... port=... db=... user=...).
std::vector<std::pair<std::string, std::string>> mariadb_parameters() {
  std::string url = mariadb_url();
  if (const auto sep = url.find("://"); sep != std::string::npos) url = url.substr(sep + 3);
  std::vector<std::pair<std::string, std::string>> out;
  std::istringstream words(url);
  for (std::string word; words >> word;) {
    const auto eq = word.find('=');
    if (eq == std::string::npos) throw std::runtime_error("AR_BENCH_MARIADB: not key=value: " + word);
    out.emplace_back(word.substr(0, eq), word.substr(eq + 1));
  }
  return out;
}

// The connection string of AR_BENCH_MARIADB with its database replaced by `database` (empty: kept).
std::string mariadb_connect_string(const std::string& database) {
  std::string out;
  bool replaced = false;
  for (auto [key, value] : mariadb_parameters()) {
    if ((key == "db" || key == "dbname") && !database.empty()) {
      value = database;
      replaced = true;
    }
    out += (out.empty() ? "" : " ") + key + "=" + value;
  }
  if (!replaced && !database.empty()) out += " db=" + database;
  return out;
}

#ifdef AR_BENCH_HAVE_MARIADB
// A MariaDB C API connection with the parameters of AR_BENCH_MARIADB, to `database`.
MYSQL* connect_mariadb(const std::string& database) {
  std::string host = "127.0.0.1", user, password, socket;
  unsigned int port = 0;
  for (const auto& [key, value] : mariadb_parameters()) {
    if (key == "host")
      host = value;
    else if (key == "port")
      port = static_cast<unsigned int>(std::stoul(value));
    else if (key == "user")
      user = value;
    else if (key == "password" || key == "pass")
      password = value;
    else if (key == "unix_socket")
      socket = value;
  }
  MYSQL* conn = mysql_init(nullptr);
  if (conn == nullptr) throw std::runtime_error("mysql_init failed");
  if (mysql_real_connect(conn, host.c_str(), user.c_str(), password.empty() ? nullptr : password.c_str(),
                         database.c_str(), port, socket.empty() ? nullptr : socket.c_str(), 0) == nullptr) {
    const std::string error = mysql_error(conn);
    mysql_close(conn);
    throw std::runtime_error("mysql_real_connect: " + error);
  }
  return conn;
}
#endif

// The databases are made, analysed and dropped through SOCI's mysql backend (which ar's mysql
// backend uses too), so that only the raw twins need the MariaDB client's headers.
void analyze_mariadb(std::string_view name) {
  soci::session s("mysql", mariadb_connect_string(schema_of(name)));
  std::string tables;
  soci::rowset<std::string> rows = s.prepare << "SHOW TABLES";
  for (const std::string& table : rows) tables += (tables.empty() ? "" : ", ") + table;
  // ANALYZE TABLE answers with a result set: read (and dropped) by a rowset.
  if (!tables.empty()) {
    soci::rowset<soci::row> report = s.prepare << ("ANALYZE TABLE " + tables);
    for (auto it = report.begin(); it != report.end(); ++it) {
    }
  }
}

}  // namespace

ar::database open_mariadb(std::string_view name) {
  const std::string database = schema_of(name);
  {
    soci::session s("mysql", mariadb_connect_string({}));
    s << ("DROP DATABASE IF EXISTS " + database);
    s << ("CREATE DATABASE " + database);
  }
  the_registry().mariadb_databases.push_back(database);
  return ar::open("mysql://" + mariadb_connect_string(database), name);
}

soci_connection& soci_mariadb(std::string_view name) {
  auto& slot = the_registry().soci_my[std::string(name)];
  if (!slot) {
    slot = std::make_unique<soci_connection>();
    slot->session = std::make_unique<soci::session>("mysql", mariadb_connect_string(schema_of(name)));
  }
  return *slot;
}

const char* prefix(server at) {
  switch (at) {
    case server::sqlite: return "";
    case server::postgresql: return "pg_";
    case server::mariadb: return "my_";
    case server::pgbouncer: return "pgb_";
  }
  return "";
}

ar::database open_on(server at, std::string_view name) {
  switch (at) {
    case server::sqlite: return open_sqlite(name);
    case server::postgresql: return open_postgresql(name);
    case server::mariadb: return open_mariadb(name);
    case server::pgbouncer: return open_pgbouncer(name);
  }
  throw std::logic_error("no such server");
}

soci_connection& soci_on(server at, std::string_view name) {
  switch (at) {
    case server::sqlite: return soci_sqlite(name);
    case server::postgresql: return soci_postgresql(name);
    case server::mariadb: return soci_mariadb(name);
    case server::pgbouncer:
      throw std::logic_error(
          "no SOCI twin through pgbouncer: SOCI names its prepared statements, which a "
          "transaction pooler does not keep");
  }
  throw std::logic_error("no such server");
}

#ifdef AR_BENCH_HAVE_MARIADB
raw_mariadb_connection& raw_mariadb(std::string_view name) {
  auto& slot = the_registry().raw_my[std::string(name)];
  if (!slot) {
    slot = std::make_unique<raw_mariadb_connection>();
    slot->db = connect_mariadb(schema_of(name));
  }
  return *slot;
}

mariadb_statement::~mariadb_statement() {
  if (stmt_ != nullptr) {
    free_result();
    mysql_stmt_close(stmt_);
  }
}

void mariadb_statement::fail(const char* what) const {
  throw std::runtime_error(std::string(what) + ": " + mysql_stmt_error(stmt_));
}

bool mariadb_statement::prepare(MYSQL* db, const std::string& sql) {
  if (stmt_ != nullptr) return false;
  stmt_ = mysql_stmt_init(db);
  if (stmt_ == nullptr) throw std::runtime_error(std::string("mysql_stmt_init: ") + mysql_error(db));
  if (mysql_stmt_prepare(stmt_, sql.c_str(), static_cast<unsigned long>(sql.size())) != 0)
    throw std::runtime_error(std::string("mysql_stmt_prepare: ") + mysql_stmt_error(stmt_) + " in " + sql);
  return true;
}

void mariadb_statement::bind_params(MYSQL_BIND* binds) {
  if (mysql_stmt_bind_param(stmt_, binds) != 0) fail("mysql_stmt_bind_param");
}

void mariadb_statement::bind_result(MYSQL_BIND* binds) {
  if (mysql_stmt_bind_result(stmt_, binds) != 0) fail("mysql_stmt_bind_result");
}

void mariadb_statement::execute() {
  if (mysql_stmt_execute(stmt_) != 0) fail("mysql_stmt_execute");
  if (mysql_stmt_field_count(stmt_) != 0 && mysql_stmt_store_result(stmt_) != 0) fail("mysql_stmt_store_result");
}

bool mariadb_statement::fetch() {
  const int got = mysql_stmt_fetch(stmt_);
  if (got == 0 || got == MYSQL_DATA_TRUNCATED) return true;
  if (got == MYSQL_NO_DATA) return false;
  fail("mysql_stmt_fetch");
}

void mariadb_statement::free_result() noexcept { mysql_stmt_free_result(stmt_); }

void mariadb_integer::bind(MYSQL_BIND& b) noexcept {
  std::memset(&b, 0, sizeof b);
  b.buffer_type = MYSQL_TYPE_LONGLONG;
  b.buffer = &value;
  b.is_null = &is_null;
}

void mariadb_text::bind(MYSQL_BIND& b) noexcept {
  std::memset(&b, 0, sizeof b);
  b.buffer_type = MYSQL_TYPE_STRING;
  b.buffer = buffer;
  b.buffer_length = sizeof buffer;
  b.length = &length;
  b.is_null = &is_null;
  b.error = &error;
}

std::string mariadb_text::value(const mariadb_statement& st, unsigned int index) const {
  if (length <= sizeof buffer) return std::string(buffer, length);
  // Longer than the buffer: the client kept the whole row (store_result), read the column again.
  std::string out(length, '\0');
  MYSQL_BIND b;
  std::memset(&b, 0, sizeof b);
  unsigned long got = 0;
  b.buffer_type = MYSQL_TYPE_STRING;
  b.buffer = out.data();
  b.buffer_length = static_cast<unsigned long>(out.size());
  b.length = &got;
  if (mysql_stmt_fetch_column(st.get(), &b, index, 0) != 0)
    throw std::runtime_error(std::string("mysql_stmt_fetch_column: ") + mysql_stmt_error(st.get()));
  return out;
}

#endif  // AR_BENCH_HAVE_MARIADB

void cleanup() {
  auto& r = the_registry();
  for (auto* connections : {&r.soci, &r.soci_pg, &r.soci_my})
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
#ifdef AR_BENCH_HAVE_MARIADB
  for (auto& [name, c] : r.raw_my) {
    c->extras.clear();  // statements before their connection
    mysql_close(c->db);
  }
  r.raw_my.clear();
#endif
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
  if (!r.pgbouncer_databases.empty()) {
    try {
      soci::session s("postgresql", soci_postgresql_connect_string());
      s << "SET client_min_messages TO warning";
      // FORCE: pgbouncer keeps its server connections to them open.
      for (const std::string& database : r.pgbouncer_databases)
        s << ("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    } catch (const std::exception& e) {
      std::cerr << "ar_bench: could not drop the databases made for pgbouncer: " << e.what() << '\n';
    }
  }
  if (!r.mariadb_databases.empty()) {
    try {
      soci::session s("mysql", mariadb_connect_string({}));
      for (const std::string& database : r.mariadb_databases) s << ("DROP DATABASE IF EXISTS " + database);
    } catch (const std::exception& e) {
      std::cerr << "ar_bench: could not drop the MariaDB databases: " << e.what() << '\n';
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
