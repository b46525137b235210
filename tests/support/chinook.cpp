#include "chinook.hpp"

#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

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

}  // namespace

std::string make_chinook_sqlite(const std::string& file_name) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "ar-chinook";
  std::filesystem::create_directories(dir);
  // The process's own file: ctest runs each test as a process, several at once.
  const std::filesystem::path path = dir / (file_name + "-" + std::to_string(::getpid()) + ".db");
  std::filesystem::remove(path);
  static const std::string script = read_file(std::filesystem::path(AR_SOURCE_DIR) / "tests/data/chinook/Chinook_Sqlite.sql");
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
