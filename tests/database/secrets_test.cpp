// No secret in any message: a password never appears in an error's what(), in database::url() or
// in the query log, whatever the connection string's syntax (password = x, quoted values with
// spaces, unquoted values with spaces, escapes, libpq URIs with user:password@, URI query
// parameters, MySQL's pass=). And connection strings that would open something other than what
// they say are errors: sqlite3:// with no database file, a NUL byte in a URL.

#include "../support/backends.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace {

class secrets : public ::testing::Test {
 protected:
  void TearDown() override { ar::close_all(); }
};

// What ar::open says about a URL it cannot open (any ar::error), or "" when it opened.
std::string open_failure(const std::string& url) {
  try {
    ar::open(url, "secretive");
  } catch (const ar::error& e) {
    return e.what();
  }
  return "";
}

struct case_ {
  std::string url;
  std::vector<std::string> secret_parts;  // none of them may appear
  bool shows_url = true;                  // the message shows the URL, masked
};

TEST_F(secrets, no_password_syntax_reaches_an_error_message) {
  // Port 1 refuses at once: every one of these fails to connect, or to parse.
  const std::vector<case_> cases{
      {"postgresql://host=127.0.0.1 port=1 dbname=x user=x password = spacedsecret connect_timeout=2",
       {"spacedsecret"}},
      {"postgresql://host=127.0.0.1 port=1 dbname=x user=x password='two wordsecret' connect_timeout=2",
       {"wordsecret"}},
      {"postgresql://host=127.0.0.1 port=1 dbname=x user=x password='esc\\'apedsecret' connect_timeout=2",
       {"apedsecret", "esc"}},
      // Unquoted with a space: libpq cannot parse it and quotes the word after the space.
      {"postgresql://host=127.0.0.1 port=1 dbname=x user=x password=brokenfirst brokensecond connect_timeout=2",
       {"brokenfirst", "brokensecond"}},
      // Unterminated quote.
      {"postgresql://host=127.0.0.1 port=1 dbname=x user=x password='unterminatedsecret", {"unterminatedsecret"}},
      {"postgresql://user:urisecret@127.0.0.1:1/x?connect_timeout=2", {"urisecret"}},
      {"postgres://user:percent%40secret@127.0.0.1:1/x?connect_timeout=2", {"percent%40secret", "percent"}},
      {"postgresql://user@127.0.0.1:1/x?password=querysecret&connect_timeout=2", {"querysecret"}},
      {"postgresql://host=127.0.0.1 port=1 dbname=x user=x PASSWORD=uppersecret", {"uppersecret"}},
      {"mysql://host=127.0.0.1 port=1 db=x user=x pass=mysqlsecret", {"mysqlsecret"}},
      {"mysql://host=127.0.0.1 port=1 db=x user=x password=mysqlpwsecret", {"mysqlpwsecret"}},
      {"mariadb://host=127.0.0.1 port=1 db=x user=x pass='maria secret'", {"maria secret", "secret'"}},
      {"nosuchbackend://user:schemesecret@host/x", {"schemesecret"}, false},
      {"no-scheme password=bare-secret", {"bare-secret"}},
  };
  for (const case_& c : cases) {
    const std::string message = open_failure(c.url);
    ASSERT_FALSE(message.empty()) << "opened: " << c.url;
    for (const std::string& part : c.secret_parts)
      EXPECT_EQ(message.find(part), std::string::npos) << "'" << part << "' in: " << message;
    if (c.shows_url) {
      EXPECT_NE(message.find("***"), std::string::npos) << "the URL is not shown masked: " << message;
    }
  }
}

// The test server trusts every local connection, so a password in its URL is accepted and ignored:
// the database opens, and its URL, its errors and its query log show no password.
TEST_F(secrets, an_open_database_shows_its_url_masked_everywhere) {
  const char* pg = std::getenv("AR_TEST_POSTGRESQL");
  ASSERT_NE(pg, nullptr) << "AR_TEST_POSTGRESQL is not set (scripts/test.sh sets it)";
  // (SOCI's postgresql backend cannot pass a quoted value with a space on to libpq.)
  auto db = ar::open(std::string(pg) + " password=opensesame", "masked");
  EXPECT_EQ(db.url().find("sesame"), std::string::npos) << db.url();
  EXPECT_NE(db.url().find("password=***"), std::string::npos) << db.url();
  std::ostringstream log;
  ar::set_query_log(ar::log_to(log));
  try {
    db.execute("SELECT no_such_column FROM no_such_table");
    FAIL() << "expected ar::database_error";
  } catch (const ar::database_error& e) {
    EXPECT_EQ(std::string(e.what()).find("sesame"), std::string::npos) << e.what();
  }
  ar::set_query_log({});
  EXPECT_EQ(log.str().find("sesame"), std::string::npos) << log.str();
}

// A libpq URI (postgresql://user@host:port/db) is a connection string of its own, given to libpq
// whole; it opens the same server as the keyword form.
TEST_F(secrets, a_postgresql_uri_opens_the_database_it_names) {
  const char* pg = std::getenv("AR_TEST_POSTGRESQL");
  ASSERT_NE(pg, nullptr) << "AR_TEST_POSTGRESQL is not set (scripts/test.sh sets it)";
  std::map<std::string, std::string> parts;
  std::istringstream words(std::string(pg).substr(std::string(pg).find("://") + 3));
  for (std::string word; words >> word;)
    if (auto eq = word.find('='); eq != std::string::npos) parts[word.substr(0, eq)] = word.substr(eq + 1);
  const std::string uri = "postgresql://" + parts["user"] + ":urisecret@" + parts["host"] + ":" + parts["port"] + "/" +
                          parts["dbname"] + "?application_name=ar_uri";
  auto db = ar::open(uri, "uri");
  EXPECT_NO_THROW(db.execute("CREATE TEMPORARY TABLE uri_check (x INTEGER)"));
  EXPECT_EQ(db.execute("INSERT INTO uri_check (x) VALUES (1), (2)"), 2u);
  EXPECT_EQ(db.url().find("urisecret"), std::string::npos) << db.url();
  EXPECT_NE(db.url().find(parts["host"]), std::string::npos) << db.url();
}

TEST_F(secrets, a_sqlite_url_that_names_no_database_file_is_an_error_not_a_temporary_database) {
  for (const std::string url : {"sqlite3://", "sqlite3://  ", "sqlite3://db=", "sqlite3://dbname=",
                                "sqlite3://timeout=5", "sqlite://db= timeout=5"}) {
    try {
      ar::open(url);
      FAIL() << "opened " << url;
    } catch (const ar::configuration_error& e) {
      EXPECT_NE(std::string(e.what()).find("no database file"), std::string::npos) << url << ": " << e.what();
    }
  }
  EXPECT_NO_THROW(ar::open("sqlite3://:memory:", "bare"));
  EXPECT_NO_THROW(ar::open("sqlite3://db=:memory: timeout=5", "with_settings"));
}

TEST_F(secrets, a_nul_byte_in_a_url_is_an_error) {
  const auto dir = std::filesystem::temp_directory_path() / "ar_nul_url_test";
  std::filesystem::create_directories(dir);
  const std::string file = (dir / "a.db").string();
  const std::string url = "sqlite3://db=" + file + std::string(1, '\0') + "b.db";
  try {
    ar::open(url);
    FAIL() << "opened a URL with a NUL byte";
  } catch (const ar::configuration_error& e) {
    EXPECT_NE(std::string(e.what()).find("NUL"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(std::filesystem::exists(file)) << "the part before the NUL was opened";
  const std::string pg = std::string("postgresql://host=127.0.0.1 port=1 password=nul") + '\0' + "secret";
  try {
    ar::open(pg);
    FAIL() << "opened a URL with a NUL byte";
  } catch (const ar::configuration_error& e) {
    EXPECT_EQ(std::string(e.what()).find("secret"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("=nul"), std::string::npos) << e.what();
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
