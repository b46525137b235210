// Connection URLs as users have them: postgresql://user:pass@host:port/db?sslmode=...,
// mysql://user:pass@host:port/db, sqlite:///absolute/path, sqlite:relative.db, sqlite::memory:, and
// ar::open_env("DATABASE_URL"); percent-encoding decoded; secrets never shown.

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace {

// The key=value words of a test server's SOCI-form URL (AR_TEST_POSTGRESQL / AR_TEST_MARIADB).
std::map<std::string, std::string> server_parts(const char* variable) {
  const char* url = std::getenv(variable);
  if (url == nullptr) return {};
  std::map<std::string, std::string> parts;
  const std::string text(url);
  std::istringstream words(text.substr(text.find("://") + 3));
  for (std::string word; words >> word;)
    if (auto eq = word.find('='); eq != std::string::npos) parts[word.substr(0, eq)] = word.substr(eq + 1);
  return parts;
}

// The message of the ar::configuration_error `open` throws, or "" when it opened.
std::string refusal(const std::string& url) {
  try {
    ar::open(url, "refused");
  } catch (const ar::configuration_error& e) {
    return e.what();
  }
  ar::close_all();
  return "";
}

// Percent-encodes every byte of `text` (what a program building a URL may do to any part).
std::string encode_all(const std::string& text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    out += '%';
    out += hex[c >> 4];
    out += hex[c & 15];
  }
  return out;
}

class urls : public ::testing::Test {
 protected:
  void TearDown() override { ar::close_all(); }
  std::filesystem::path scratch() {
    const auto dir = std::filesystem::temp_directory_path() /
                     ("ar_url_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
                      ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
  }
};

TEST_F(urls, a_mysql_url_opens_the_mariadb_database_it_names) {
  auto parts = server_parts("AR_TEST_MARIADB");
  ASSERT_FALSE(parts.empty()) << "AR_TEST_MARIADB is not set (scripts/test.sh sets it)";
  for (const std::string scheme : {"mysql", "mariadb"}) {
    // The database name percent-encoded whole: decoded before it reaches the client library.
    const std::string url = scheme + "://" + parts["user"] + "@" + parts["host"] + ":" + parts["port"] + "/" +
                            encode_all(parts["db"]) + "?charset=utf8mb4";
    auto db = ar::open(url, "mysql_url");
    EXPECT_EQ(ar::sql<std::string>(db, "SELECT DATABASE()"), (std::vector<std::string>{parts["db"]})) << url;
    EXPECT_EQ(ar::sql<std::string>(db, "SELECT @@character_set_client"), (std::vector<std::string>{"utf8mb4"}));
    EXPECT_EQ(db.url(), url);  // no password: shown as written
    db.close();
  }
}

TEST_F(urls, a_mysql_url_hides_its_percent_encoded_password_in_every_form) {
  // Port 1 refuses at once. The password is "p@ss word'\": each character that needs care in a URL
  // or in SOCI's connection string.
  const std::string url = "mysql://someone:p%40ss%20word%27%5C@127.0.0.1:1/x";
  try {
    ar::open(url, "masked");
    FAIL() << "opened " << url;
  } catch (const ar::connection_error& e) {
    const std::string message = e.what();
    for (const std::string part : {"p%40ss", "p@ss", "word", "%27%5C"})
      EXPECT_EQ(message.find(part), std::string::npos) << "'" << part << "' in: " << message;
    EXPECT_NE(message.find("someone:***@127.0.0.1:1"), std::string::npos) << message;
  }
}

TEST_F(urls, a_mysql_url_with_an_unknown_setting_or_a_bad_port_is_refused_before_connecting) {
  std::string message = refusal("mysql://root:hidden@127.0.0.1:1/x?sslmode=require");
  EXPECT_NE(message.find("'sslmode'"), std::string::npos) << message;
  EXPECT_NE(message.find("charset"), std::string::npos) << "the settings it takes are listed: " << message;
  EXPECT_EQ(message.find("hidden"), std::string::npos) << message;

  message = refusal("mysql://root@127.0.0.1:port/x");
  EXPECT_NE(message.find("port"), std::string::npos) << message;
  message = refusal("mysql://root@127.0.0.1:3306/x%zz");
  EXPECT_NE(message.find("percent"), std::string::npos) << message;
}

TEST_F(urls, a_postgresql_url_with_percent_encoding_and_settings_opens) {
  auto parts = server_parts("AR_TEST_POSTGRESQL");
  ASSERT_FALSE(parts.empty()) << "AR_TEST_POSTGRESQL is not set (scripts/test.sh sets it)";
  for (const std::string scheme : {"postgresql", "postgres"}) {
    const std::string url = scheme + "://" + parts["user"] + "@" + parts["host"] + ":" + parts["port"] + "/" +
                            encode_all(parts["dbname"]) + "?sslmode=disable&application_name=ar%20url";
    auto db = ar::open(url, "pg_url");
    EXPECT_EQ(ar::sql<std::string>(db, "SELECT current_database()"), (std::vector<std::string>{parts["dbname"]}));
    EXPECT_EQ(ar::sql<std::string>(db, "SELECT current_setting('application_name')"),
              (std::vector<std::string>{"ar url"}));
    db.close();
  }
}

TEST_F(urls, sqlite_urls_name_a_file_by_absolute_path_relative_path_or_memory) {
  const auto dir = scratch();
  // sqlite:///absolute/path: a percent-encoded space in the file's name.
  const auto absolute = dir / "with space.db";
  {
    auto db = ar::open("sqlite://" + (dir / "with%20space.db").string(), "absolute");
    db.execute("CREATE TABLE t (x INTEGER)");
    db.close();
  }
  EXPECT_TRUE(std::filesystem::exists(absolute)) << absolute;

  // sqlite:relative.db: relative to the working directory.
  const auto before = std::filesystem::current_path();
  std::filesystem::current_path(dir);
  try {
    auto db = ar::open("sqlite:relative.db", "relative");
    db.execute("CREATE TABLE t (x INTEGER)");
    db.close();
  } catch (...) {
    std::filesystem::current_path(before);
    throw;
  }
  std::filesystem::current_path(before);
  EXPECT_TRUE(std::filesystem::exists(dir / "relative.db"));

  // sqlite::memory: a database in memory (no file named ":memory:" anywhere).
  std::filesystem::current_path(dir);
  auto memory = ar::open("sqlite::memory:", "memory");
  std::filesystem::current_path(before);
  memory.execute("CREATE TABLE t (x INTEGER)");
  EXPECT_EQ(memory.execute("INSERT INTO t (x) VALUES (1), (2)"), 2u);
  EXPECT_FALSE(std::filesystem::exists(dir / ":memory:"));
  EXPECT_EQ(memory.url(), "sqlite::memory:");  // shown as written
  std::filesystem::remove_all(dir);
}

TEST_F(urls, a_sqlite_url_it_cannot_pass_on_is_refused_not_opened_as_another_file) {
  EXPECT_NE(refusal("sqlite:").find("no database file"), std::string::npos);
  EXPECT_NE(refusal("sqlite:///tmp/a.db?mode=ro").find("sqlite3://db="), std::string::npos);
  EXPECT_NE(refusal("sqlite:///tmp/a%3Db.db").find("'='"), std::string::npos);
  EXPECT_NE(refusal("sqlite:///tmp/a%2.db").find("percent"), std::string::npos);
  // An unknown scheme without "//" is still an unknown backend, named.
  EXPECT_NE(refusal("nosuch:thing").find("names no backend"), std::string::npos);
}

TEST_F(urls, open_env_opens_the_url_a_variable_holds_and_never_shows_it) {
  ::setenv("AR_URL_TEST_DATABASE_URL", "sqlite::memory:", 1);
  auto db = ar::open_env("AR_URL_TEST_DATABASE_URL", "from_env");
  EXPECT_EQ(db.name(), "from_env");
  EXPECT_EQ(db.execute("CREATE TABLE t (x INTEGER)"), 0u);
  db.close();

  ::unsetenv("AR_URL_TEST_DATABASE_URL");
  try {
    ar::open_env("AR_URL_TEST_DATABASE_URL");
    FAIL() << "opened an unset variable";
  } catch (const ar::configuration_error& e) {
    EXPECT_NE(std::string(e.what()).find("AR_URL_TEST_DATABASE_URL"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("not set"), std::string::npos) << e.what();
  }
  ::setenv("AR_URL_TEST_DATABASE_URL", "", 1);
  EXPECT_THROW(ar::open_env("AR_URL_TEST_DATABASE_URL"), ar::configuration_error);

  // A URL that cannot open: the error shows it masked.
  ::setenv("AR_URL_TEST_DATABASE_URL", "postgresql://u:envsecret@127.0.0.1:1/x?connect_timeout=2", 1);
  try {
    ar::open_env("AR_URL_TEST_DATABASE_URL");
    FAIL() << "opened port 1";
  } catch (const ar::error& e) {
    EXPECT_EQ(std::string(e.what()).find("envsecret"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("u:***@"), std::string::npos) << e.what();
  }
  ::unsetenv("AR_URL_TEST_DATABASE_URL");
}

}  // namespace
