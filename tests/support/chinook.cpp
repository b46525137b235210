#include "chinook.hpp"

#include <soci/soci.h>
#include <sqlite3.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include <unistd.h>

namespace ar_test {

namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

struct sqlite_file {
  ::sqlite3* db = nullptr;
  explicit sqlite_file(const std::string& path) {
    if (sqlite3_open(path.c_str(), &db) != SQLITE_OK)
      throw std::runtime_error("cannot open " + path + ": " + sqlite3_errmsg(db));
  }
  ~sqlite_file() { sqlite3_close(db); }
  sqlite_file(const sqlite_file&) = delete;
  sqlite_file& operator=(const sqlite_file&) = delete;
};

std::string environment(const char* name) {
  const char* value = std::getenv(name);
  if (!value || !*value)
    throw std::runtime_error(std::string(name) +
                             " is not set (scripts/test.sh sets it): a missing server fails the test, never skips it");
  return value;
}

std::string unique_name() {
  static std::atomic<int> counter{0};
  return "ar_chinook_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
}

// The connection string of a MariaDB URL with its db= replaced by `database` (`key`: dbname= for
// PostgreSQL's).
std::string with_database(const std::string& url, const std::string& database, const std::string& key = "db=") {
  std::istringstream words(url.substr(url.find("://") + 3));
  std::string out = url.substr(0, url.find("://") + 3) + key + database, word;
  while (words >> word)
    if (word.rfind("db=", 0) != 0 && word.rfind("dbname=", 0) != 0) out += " " + word;
  return out;
}

// What `command` writes to its standard output; throws when it fails.
std::string output_of(const std::string& command) {
  std::FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) throw std::runtime_error("cannot run " + command);
  std::string out;
  char buffer[65536];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, n);
  if (::pclose(pipe) != 0) throw std::runtime_error("failed: " + command);
  return out;
}

// The statements of a dump, one each: lines up to one that ends with ';', without the comment
// blocks (lines from one starting with /* to one ending with */) and, for the PostgreSQL dump run
// into a schema, without its DROP / CREATE DATABASE and \c lines.
std::vector<std::string> statements_of(const std::string& script) {
  std::vector<std::string> out;
  std::istringstream lines(script);
  std::string line, current;
  bool in_comment = false;
  const auto ends_with = [](const std::string& s, std::string_view end) {
    return s.size() >= end.size() && s.compare(s.size() - end.size(), end.size(), end) == 0;
  };
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (in_comment || line.rfind("/*", 0) == 0) {
      in_comment = !ends_with(line, "*/");
      continue;
    }
    if (line.rfind("DROP DATABASE", 0) == 0 || line.rfind("CREATE DATABASE", 0) == 0 || line.rfind("\\c ", 0) == 0)
      continue;
    if (current.empty() && line.find_first_not_of(" \t") == std::string::npos) continue;
    current += line;
    current += '\n';
    if (ends_with(line, ";")) out.push_back(std::exchange(current, {}));
  }
  if (current.find_first_not_of(" \t\n") != std::string::npos)
    throw std::runtime_error("the dump ends inside a statement: " + current.substr(0, 200));
  return out;
}

std::string to_text(const soci::row& row, std::size_t i) {
  if (row.get_indicator(i) == soci::i_null) return "NULL";
  switch (row.get_properties(i).get_data_type()) {
    case soci::dt_string: return row.get<std::string>(i);
    case soci::dt_integer: return std::to_string(row.get<int>(i));
    case soci::dt_long_long: return std::to_string(row.get<long long>(i));
    case soci::dt_unsigned_long_long: return std::to_string(row.get<unsigned long long>(i));
    case soci::dt_double: return std::to_string(row.get<double>(i));
    case soci::dt_date:
    case soci::dt_blob:
    case soci::dt_xml: break;
  }
  throw std::runtime_error("raw_connection::column reads text and numbers: cast column " +
                           row.get_properties(i).get_name() + " to text in the SQL");
}

}  // namespace

raw_connection::raw_connection(const std::string& url) {
  std::string connect = url;
  // The client's character set is the server's default otherwise: Chinook has names in UTF-8.
  if (connect.rfind("mysql://", 0) == 0 && connect.find("charset=") == std::string::npos) connect += " charset=utf8mb4";
  try {
    session_ = std::make_unique<soci::session>(connect);
  } catch (const soci::soci_error& e) {
    throw std::runtime_error("raw_connection: cannot connect to " + url + ": " + e.get_error_message());
  }
}
raw_connection::~raw_connection() = default;
raw_connection::raw_connection(raw_connection&&) noexcept = default;
raw_connection& raw_connection::operator=(raw_connection&&) noexcept = default;

std::vector<std::string> raw_connection::column(const std::string& sql) {
  std::vector<std::string> out;
  try {
    soci::rowset<soci::row> rows = session_->prepare << sql;
    for (const soci::row& row : rows) out.push_back(to_text(row, 0));
  } catch (const soci::soci_error& e) {
    throw std::runtime_error("raw_connection: " + std::string(e.what()) + " in: " + sql);
  }
  return out;
}

std::int64_t raw_connection::count(const std::string& sql) {
  const std::vector<std::string> rows = column(sql);
  if (rows.size() != 1) throw std::runtime_error("raw_connection::count: not one row from: " + sql);
  return std::stoll(rows[0]);
}

void raw_connection::run(const std::string& sql) {
  try {
    *session_ << sql;
  } catch (const soci::soci_error& e) {
    throw std::runtime_error("raw_connection: " + std::string(e.what()) + " in: " + sql.substr(0, 300));
  }
}

std::string chinook_sql(const ar::database& db, std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '{') {
      out += text[i];
      continue;
    }
    const std::size_t end = text.find('}', i);
    if (end == std::string_view::npos) throw std::invalid_argument("chinook_sql: unclosed { in " + std::string(text));
    db.dialect().quote_identifier(out, ar::apply_name_style(text.substr(i + 1, end - i - 1), db.naming().style));
    i = end;
  }
  return out;
}

chinook_database::chinook_database(const std::string& backend) : backend_(backend) {
  const std::filesystem::path source(AR_SOURCE_DIR);
  const std::string name = unique_name();
  if (backend == "sqlite") {
    file_ = make_chinook_sqlite(name);
    url_ = "sqlite3://db=" + file_;
    raw_.emplace(url_);
  } else if (backend == "postgresql") {
    drop_url_ = environment("AR_TEST_POSTGRESQL");
    drop_sql_ = "DROP SCHEMA IF EXISTS " + name + " CASCADE";
    raw_connection(drop_url_).run("CREATE SCHEMA " + name);
    url_ = drop_url_ + " options='-c search_path=" + name + "'";
    raw_.emplace(url_);
    raw_->run("SET client_min_messages TO WARNING");
    for (const std::string& s : statements_of(read_file(source / "tests/data/chinook/Chinook_PostgreSql.sql")))
      raw_->run(s);
  } else if (backend == "postgresql_pgbouncer") {
    // A pooler passes no startup options (search_path): a database of its own, loaded directly,
    // read by ar through pgbouncer.
    drop_url_ = environment("AR_TEST_POSTGRESQL");
    drop_sql_ = "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)";
    raw_connection(drop_url_).run("CREATE DATABASE " + name);
    url_ = with_database(environment("AR_TEST_PGBOUNCER"), name, "dbname=");
    raw_.emplace(with_database(drop_url_, name, "dbname="));
    raw_->run("SET client_min_messages TO WARNING");
    for (const std::string& s : statements_of(read_file(source / "tests/data/chinook/Chinook_PostgreSql.sql")))
      raw_->run(s);
  } else if (backend == "mariadb") {
    drop_url_ = environment("AR_TEST_MARIADB");
    drop_sql_ = "DROP DATABASE IF EXISTS " + name;
    raw_connection(drop_url_).run("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin");
    url_ = with_database(drop_url_, name);
    raw_.emplace(url_);
    const std::string converted =
        output_of("sed -f '" + (source / "tests/support/chinook_mariadb.sed").string() + "' '" +
                  (source / "tests/data/chinook/Chinook_PostgreSql.sql").string() + "'");
    for (const std::string& s : statements_of(converted)) raw_->run(s);
  } else {
    throw std::invalid_argument("chinook_database: no Chinook load for the backend " + backend);
  }
}

chinook_database::~chinook_database() {
  raw_.reset();
  if (!file_.empty()) std::filesystem::remove(file_);
  if (drop_sql_.empty()) return;
  try {
    raw_connection(drop_url_).run(drop_sql_);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "could not drop Chinook's copy: %s\n", e.what());
  }
}

ar::open_options chinook_database::options() const {
  ar::open_options options;
  if (backend_ == "sqlite") options.naming.style = ar::name_style::pascal_case;  // InvoiceLine.InvoiceLineId
  return options;
}

std::string make_chinook_sqlite(const std::string& file_name) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "ar-chinook";
  std::filesystem::create_directories(dir);
  // The process's own file: ctest runs each test as a process, several at once.
  const std::filesystem::path path = dir / (file_name + "-" + std::to_string(::getpid()) + ".db");
  std::filesystem::remove(path);
  static const std::string script =
      read_file(std::filesystem::path(AR_SOURCE_DIR) / "tests/data/chinook/Chinook_Sqlite.sql");
  sqlite_file file(path.string());
  char* message = nullptr;
  // One transaction: the script's 15,000 inserts in a fraction of a second.
  const std::string sql = "BEGIN;\n" + script + "\nCOMMIT;";
  if (sqlite3_exec(file.db, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    const std::string what = message ? message : "unknown error";
    sqlite3_free(message);
    throw std::runtime_error("loading Chinook failed: " + what);
  }
  return path.string();
}

std::vector<std::string> sqlite_column(const std::string& path, const std::string& sql) {
  sqlite_file file(path);
  ::sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(file.db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK)
    throw std::runtime_error(std::string("cannot prepare: ") + sqlite3_errmsg(file.db));
  std::vector<std::string> out;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    const unsigned char* text = sqlite3_column_text(st, 0);
    out.emplace_back(text ? reinterpret_cast<const char*>(text) : "NULL");
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) throw std::runtime_error(std::string("query failed: ") + sqlite3_errmsg(file.db));
  return out;
}

}  // namespace ar_test
