#include "backends.hpp"
#include "streams.hpp"
#include "url_list.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <unistd.h>
#include <vector>

#ifndef AR_TEST_BACKENDS
#error "tests/CMakeLists.txt defines AR_TEST_BACKENDS: the backends libar is built with (AR_BACKENDS), comma-separated"
#endif

namespace ar_test {

namespace {

struct opened {
  ar::database db;
  std::string schema;            // PostgreSQL only
  std::string mariadb_database;  // MariaDB only: dropped after the connections are closed
  std::string file;              // SQLite files: removed after the connections are closed
  std::string pooled_database;   // PostgreSQL through pgbouncer: emptied after the test
  std::string url;               // what ar::open was given, for open_backend_again
};

std::vector<opened>& opened_databases() {
  static std::vector<opened> all;
  return all;
}

// The server URL in the environment variable `variable`; else an error that says how to get one.
std::string server_url(const char* variable, const std::string& how) {
  const char* url = std::getenv(variable);
  if (!url || !*url) throw std::runtime_error(std::string(variable) + " is not set: " + how);
  return url;
}

std::string postgresql_url() {
  return server_url("AR_TEST_POSTGRESQL",
                    "run the suite through scripts/test.sh, or point it at a server, e.g. "
                    "AR_TEST_POSTGRESQL='postgresql://host=127.0.0.1 port=55433 dbname=ar_test user=postgres'");
}

std::string pgbouncer_url() {
  return server_url("AR_TEST_PGBOUNCER",
                    "run the suite through scripts/test.sh, or start pgbouncer in front of the AR_TEST_POSTGRESQL "
                    "server (scripts/pgbouncer-test-server.sh start) and export "
                    "\"$(scripts/pgbouncer-test-server.sh env)\"");
}

std::string mariadb_url() {
  const char* url = std::getenv("AR_TEST_MARIADB");
  if (!url || !*url)
    throw std::runtime_error(
        "AR_TEST_MARIADB is not set: run the suite through scripts/test.sh, or point it at a server, "
        "e.g. AR_TEST_MARIADB='mysql://host=127.0.0.1 port=53306 db=ar_test user=root' "
        "(scripts/mariadb-test-server.sh start starts one)");
  std::string s = url;
  if (s.rfind("mysql://", 0) != 0 && s.rfind("mariadb://", 0) != 0)
    throw std::runtime_error("AR_TEST_MARIADB must start with mysql:// (or mariadb://), not: " + s);
  return s;
}

// The connection string of a SOCI URL (what follows "scheme://").
std::string connection_string(const std::string& url) { return url.substr(url.find("://") + 3); }

// The connection string with its database (db= or dbname=) replaced by `database`.
std::string with_database(const std::string& conn, const std::string& database) {
  std::vector<std::string> parts;
  std::string current;
  bool quoted = false;
  for (char c : conn) {
    if (c == '\'') quoted = !quoted;
    if (c == ' ' && !quoted) {
      if (!current.empty()) parts.push_back(std::move(current));
      current.clear();
      continue;
    }
    current += c;
  }
  if (!current.empty()) parts.push_back(std::move(current));
  std::string out;
  for (const std::string& p : parts) {
    if (p.rfind("db=", 0) == 0 || p.rfind("dbname=", 0) == 0) continue;
    out += p;
    out += ' ';
  }
  return out + "dbname=" + database;
}

// One connection per test process, outside ar (no query log, no statement counters, no registry
// entry): it creates and drops the databases the tests work in.
soci::session& mariadb_bootstrap(bool reconnect = false) {
  static std::unique_ptr<soci::session> session;
  if (!session || reconnect) {
    session.reset();
    try {
      session = std::make_unique<soci::session>("mysql", connection_string(mariadb_url()));
    } catch (const soci::soci_error& e) {
      throw std::runtime_error(
          "cannot connect to the MariaDB server that AR_TEST_MARIADB names: " + e.get_error_message() +
          " (scripts/mariadb-test-server.sh start starts one on 127.0.0.1:53306)");
    }
  }
  return *session;
}

void mariadb_bootstrap_run(const std::string& sql) {
  try {
    mariadb_bootstrap() << sql;
  } catch (const soci::soci_error&) {
    mariadb_bootstrap(true) << sql;  // the connection may have timed out between tests: once more
  }
}

// The databases the postgresql_pgbouncer backend works in, made by this process through the
// PostgreSQL server directly (not through the pooler): the n-th open_backend of a test gets the
// n-th, so that two databases a test opens are apart as two schemas are on "postgresql". Emptied
// after each test (close_backends), dropped when the process ends.
struct pooled_databases {
  std::vector<std::string> names;
  std::size_t in_use = 0;

  std::string direct(const std::string& database) const {
    return with_database(connection_string(postgresql_url()), database);
  }
  std::string next() {
    if (in_use == names.size()) {
      const std::string name = "ar_pgb_" + std::to_string(::getpid()) + "_" + std::to_string(names.size());
      soci::session admin("postgresql", connection_string(postgresql_url()));
      admin << "SET client_min_messages TO WARNING";
      admin << "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)";
      admin << "CREATE DATABASE " + name;
      names.push_back(name);
    }
    return names[in_use++];
  }
  // Every table, type and sequence the test made, gone: the public schema made anew.
  void empty_all() {
    for (std::size_t i = 0; i < in_use; ++i) {
      soci::session cleanup("postgresql", direct(names[i]));
      cleanup << "SET client_min_messages TO WARNING";
      cleanup << "DROP SCHEMA IF EXISTS public CASCADE";
      cleanup << "CREATE SCHEMA public";
    }
    in_use = 0;
  }
  pooled_databases() = default;
  pooled_databases(const pooled_databases&) = delete;
  pooled_databases& operator=(const pooled_databases&) = delete;
  ~pooled_databases() {
    try {
      if (names.empty()) return;
      soci::session admin("postgresql", connection_string(postgresql_url()));
      admin << "SET client_min_messages TO WARNING";
      // FORCE: pgbouncer keeps its server connections to them open.
      for (const std::string& name : names) admin << "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)";
    } catch (...) {
    }
  }
};

pooled_databases& pooled() {
  static pooled_databases all;
  return all;
}

std::string unique_suffix() {
  static std::atomic<int> counter{0};
  return std::to_string(::getpid()) + "_" + std::to_string(counter++);
}

// The dialect of a backend these helpers have no opener of their own for: the one registered under
// the backend's name as a URL scheme.
const ar::dialect& dialect_of_backend(const std::string& backend) {
  const ar::dialect* d = ar::find_dialect(backend);
  if (!d)
    throw std::invalid_argument("test backend '" + backend + "' registers no dialect under the scheme '" + backend +
                                "': tests/support/backends.cpp opens a backend through that scheme");
  return *d;
}

// A fresh schema on the PostgreSQL server at `url`, on every connection's search path.
ar::database open_postgresql_schema(const std::string& url, const std::string& name, ar::open_options options) {
  const std::string schema = "ar_test_" + unique_suffix();
  // Every pooled connection works in the schema (it may not exist yet when the first connects).
  options.on_connect.push_back("SET search_path TO " + schema);
  auto db = ar::open(url, name, options);
  db.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
  db.execute("CREATE SCHEMA " + schema);
  opened_databases().push_back({db, schema, {}, {}, {}, url});
  return db;
}

}  // namespace

std::vector<std::string> postgresql_shard_servers() { return url_list("AR_TEST_POSTGRESQL_SHARDS"); }

ar::database open_shard_backend(const std::string& backend, std::size_t index, const std::string& name,
                                ar::open_options options) {
  if (backend == "postgresql") {
    const std::vector<std::string> servers = postgresql_shard_servers();
    if (!servers.empty()) {
      if (index >= servers.size())
        throw std::invalid_argument("AR_TEST_POSTGRESQL_SHARDS names " + std::to_string(servers.size()) +
                                    " servers; the test needs shard " + std::to_string(index) +
                                    " (scripts/test.sh starts three)");
      return open_postgresql_schema(servers[index], name, std::move(options));
    }
  }
  return open_backend(backend, name, std::move(options));
}

std::string engine_of(const std::string& backend) {
  if (backend == "postgresql_pgbouncer") return "postgresql";
  return backend;
}

const std::vector<std::string>& registered_backends() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    const std::string_view list = AR_TEST_BACKENDS;
    for (std::size_t at = 0; at < list.size();) {
      const std::size_t comma = std::min(list.find(',', at), list.size());
      const std::string backend(list.substr(at, comma - at));
      if (!backend.empty()) out.push_back(backend == "mysql" ? "mariadb" : backend);
      // The PostgreSQL server again, through pgbouncer in transaction pooling mode.
      if (backend == "postgresql") out.emplace_back("postgresql_pgbouncer");
      at = comma + 1;
    }
    return out;
  }();
  return names;
}

ar::database open_backend(const std::string& backend, const std::string& name, ar::open_options options) {
  if (backend == "sqlite") {
    auto db = ar::open("sqlite3://db=:memory:", name, options);
    opened_databases().push_back({db, {}, {}, {}, {}, {}});
    return db;
  }
  if (backend == "sqlite_file") {
    // A file of its own, for pools of more than one connection (each connection to ":memory:" is
    // a database of its own). Removed by close_backends.
    const std::string path = "/tmp/ar_test_" + unique_suffix() + ".sqlite3";
    std::remove(path.c_str());
    const std::string url = "sqlite3://db=" + path + " timeout=10";
    auto db = ar::open(url, name, options);
    opened_databases().push_back({db, {}, {}, path, {}, url});
    return db;
  }
  if (backend == "postgresql") return open_postgresql_schema(postgresql_url(), name, std::move(options));
  if (backend == "postgresql_pgbouncer") {
    // A database of its own (a pooler keeps no search_path: no schema per test), named in the URL.
    const std::string url = pgbouncer_url();
    const std::string database = pooled().next();
    const std::string own_url = url.substr(0, url.find("://") + 3) + with_database(connection_string(url), database);
    auto db = ar::open(own_url, name, options);
    opened_databases().push_back({db, {}, {}, {}, database, own_url});
    return db;
  }
  if (backend == "mariadb") {
    // A database of its own, named in the connection string: every connection of the pool works
    // there, with no per-connection USE.
    const std::string url = mariadb_url();
    const std::string database = "ar_test_" + unique_suffix();
    mariadb_bootstrap_run("DROP DATABASE IF EXISTS `" + database + "`");
    mariadb_bootstrap_run("CREATE DATABASE `" + database + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin");
    opened_databases().push_back({{}, {}, database, {}, {}, {}});
    const std::string own_url = url.substr(0, url.find("://") + 3) + with_database(connection_string(url), database);
    auto db = ar::open(own_url, name, options);
    opened_databases().back().db = db;
    opened_databases().back().url = own_url;
    return db;
  }
  // A backend added since: one built on SQLite opens in memory under its own scheme; one with a
  // server needs an opener above that gives each test a fresh namespace, as the three above do.
  const ar::dialect& d = dialect_of_backend(backend);
  if (d.driver_name() == "sqlite3") {
    auto db = ar::open(backend + "://db=:memory:", name, options);
    opened_databases().push_back({db, {}, {}, {}, {}, {}});
    return db;
  }
  throw std::invalid_argument("test backend '" + backend +
                              "' needs a server: add to open_backend in tests/support/backends.cpp how a test opens "
                              "a fresh database on it (and the environment variable that names its server)");
}

ar::database open_backend_again(const ar::database& first, const std::string& name, ar::open_options options) {
  for (const opened& o : opened_databases()) {
    if (!(o.db == first)) continue;
    if (o.url.empty())
      throw std::invalid_argument("open_backend_again: '" + first.name() +
                                  "' cannot be opened twice (a database in memory is one connection's own)");
    if (!o.schema.empty()) options.on_connect.push_back("SET search_path TO " + o.schema);
    auto db = ar::open(o.url, name, options);
    // Cleaned up through the first handle: this one only needs closing.
    opened_databases().push_back({db, {}, {}, {}, {}, {}});
    return db;
  }
  throw std::invalid_argument("open_backend_again: '" + first.name() + "' was not opened by open_backend");
}

void close_backends() {
  for (auto& o : opened_databases()) {
    if (o.schema.empty()) continue;
    try {
      if (o.db.is_open()) {
        o.db.execute("DROP SCHEMA IF EXISTS " + o.schema + " CASCADE");
      } else {
        // The test closed it (or closed them all): a connection of its own drops the schema.
        soci::session cleanup("postgresql", connection_string(o.url));
        cleanup << "SET client_min_messages TO WARNING";
        cleanup << "DROP SCHEMA IF EXISTS " + o.schema + " CASCADE";
      }
    } catch (const std::exception& e) {
      ADD_FAILURE() << "could not drop test schema " << o.schema << ": " << e.what();
    }
  }
  std::vector<std::string> mariadb_databases;
  std::vector<std::string> files;
  for (const auto& o : opened_databases()) {
    if (!o.mariadb_database.empty()) mariadb_databases.push_back(o.mariadb_database);
    if (!o.file.empty()) files.push_back(o.file);
  }
  const bool pooled_used = std::any_of(opened_databases().begin(), opened_databases().end(),
                                       [](const opened& o) { return !o.pooled_database.empty(); });
  opened_databases().clear();
  ar::close_all();
  if (pooled_used) {
    try {
      pooled().empty_all();
    } catch (const std::exception& e) {
      ADD_FAILURE() << "could not empty the test databases through pgbouncer: " << e.what();
    }
  }
  // After the connections are gone: a transaction left open would hold locks DROP waits for.
  for (const std::string& database : mariadb_databases) {
    try {
      mariadb_bootstrap_run("DROP DATABASE IF EXISTS `" + database + "`");
    } catch (const std::exception& e) {
      ADD_FAILURE() << "could not drop test database " << database << ": " << e.what();
    }
  }
  for (const std::string& f : files) {
    std::remove(f.c_str());
    std::remove((f + "-journal").c_str());
    std::remove((f + "-wal").c_str());
  }
}

std::vector<std::string> stream_statements(const std::string& backend, std::vector<std::string> sent) {
  const bool own_transaction = backend == "postgresql_pgbouncer";
  const bool has = sent.size() >= 2 && sent.front() == "BEGIN" && sent.back() == "COMMIT";
  EXPECT_EQ(has, own_transaction) << "a stream on " << backend << " sent " << sent.size() << " statements, "
                                  << (sent.empty() ? std::string("none") : "the first " + sent.front());
  if (has) sent = std::vector<std::string>(sent.begin() + 1, sent.end() - 1);
  return sent;
}

std::string sql_for(const ar::dialect& d, std::string_view text) {
  std::string out;
  std::size_t placeholders = 0;
  bool in_literal = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_literal) {
      out += c;
      if (c == '\'') in_literal = false;
    } else if (c == '\'') {
      out += c;
      in_literal = true;
    } else if (c == '?') {
      d.placeholder(out, ++placeholders);
    } else if (c == '{') {
      const std::size_t end = text.find('}', i);
      if (end == std::string_view::npos) throw std::invalid_argument("sql_for: unclosed { in " + std::string(text));
      d.quote_identifier(out, text.substr(i + 1, end - i - 1));
      i = end;
    } else {
      out += c;
    }
  }
  return out;
}

capabilities capabilities_of(const std::string& backend) {
  if (backend == "postgresql_pgbouncer") return capabilities_of("postgresql");
  if (backend != "sqlite" && backend != "sqlite_file" && backend != "postgresql" && backend != "mariadb") {
    // A backend added since has the capabilities of the database under it.
    const std::string_view under = dialect_of_backend(backend).driver_name();
    if (under == "sqlite3") return capabilities_of("sqlite");
    if (under == "postgresql") return capabilities_of("postgresql");
    if (under == "mysql") return capabilities_of("mariadb");
    return {};
  }
  capabilities c;
  if (backend == "sqlite") {
    c.stream_holds_the_connection = true;
    c.stores_nan = false;
    c.keeps_negative_zero = false;
    c.like_pattern_max_bytes = 50000;
  }
  if (backend == "mariadb") {
    c.streams_in_constant_memory = false;
    c.stream_holds_the_connection = true;
    c.stores_nan = false;
    c.stores_infinity = false;
    c.string_key_max_chars = 768;
    c.text_holds_invalid_utf8 = false;
    c.keeps_negative_zero = false;
    c.ddl_commits_transaction = true;
  }
  if (backend == "postgresql") {
    c.text_holds_nul = false;
    c.text_holds_invalid_utf8 = false;
    c.text_holds_utf8_surrogates = false;
    c.failed_statement_aborts_transaction = true;
  }
  return c;
}

}  // namespace ar_test
