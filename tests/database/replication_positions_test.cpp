// Read-your-writes by log position and the lag bound of readers (open_options::readers,
// read_your_writes, reader_max_lag; src/exec/readers.cpp), with positions the test sets: SQLite's
// dialect, whose write_position_sql and replay_position_sql read a table of the database itself.
// The reader is a second read-only pool onto the same file, so what it "replayed" is whatever the
// test wrote there; tests/faults/replication_test.cpp runs the same rules on real replicas.
// Below, the dialects of PostgreSQL and MariaDB compare their own positions.

#include "../support/positioned_dialect.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

struct entry {
  std::int64_t id = 0;
  std::string text;
  AR_MODEL(entry, "position_entries", AR_FIELDS(id, text));
};

constexpr std::string_view written_sql = "SELECT CAST(position AS TEXT) FROM positions WHERE server = 'writer'";
constexpr std::string_view replayed_sql = "SELECT CAST(position AS TEXT) FROM positions WHERE server = 'reader'";

// Where each statement of `run` ran: "writer", "reader", or, for the position statements,
// "written@writer" / "replayed@reader".
template <class F>
std::vector<std::string> where(F&& run) {
  std::vector<std::string> out;
  const ar::observer_handle handle = ar::observe([&](const ar::statement_event& e) {
    const std::string server = e.on_reader ? "reader" : "writer";
    if (e.sql == written_sql)
      out.push_back("written@" + server);
    else if (e.sql == replayed_sql)
      out.push_back("replayed@" + server);
    else
      out.push_back(server);
  });
  run();
  return out;
}

using list = std::vector<std::string>;

class replication_positions : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!ar::find_dialect("positioned"))
      ar::register_dialect(
          std::make_shared<ar_test::positioned_dialect>(*ar::find_dialect("sqlite3"), "positioned", "positions"));
  }
  void SetUp() override {
    path = "/tmp/ar_positions_" + std::to_string(::getpid()) + ".sqlite3";
    std::remove(path.c_str());
    url = "positioned://db=" + path + " timeout=10";
    // The test's own handle: it plays the replication (nobody's reads wait for its writes).
    control = ar::open(url, "control");
    ar::execute(control, "CREATE TABLE positions (server TEXT PRIMARY KEY, position INTEGER)");
    ar::execute(control, "INSERT INTO positions VALUES ('writer', 1), ('reader', 1)");
    ar::create_table<entry>(control);
  }
  void TearDown() override {
    ar::close_all();
    std::remove(path.c_str());
  }

  ar::database cluster(std::chrono::milliseconds read_your_writes,
                       std::optional<std::chrono::milliseconds> max_lag = std::nullopt) {
    ar::open_options options;
    options.readers = {url};
    options.read_your_writes = read_your_writes;
    options.reader_max_lag = max_lag;
    return ar::open(url, "cluster", options);
  }
  // The writer's position moves on (what the write just made it), the reader's is set.
  void set(std::string_view server, std::int64_t position) {
    ar::execute(control, "UPDATE positions SET position = ? WHERE server = ?", position, std::string(server));
  }
  void unset_reader() { ar::execute(control, "UPDATE positions SET position = NULL WHERE server = 'reader'"); }
  static void past_refresh() { std::this_thread::sleep_for(std::chrono::milliseconds(25)); }

  std::string path;
  std::string url;
  ar::database control;
};

TEST_F(replication_positions, a_thread_reads_from_the_writer_until_the_reader_replayed_its_write_not_for_a_window) {
  ar::database db = cluster(std::chrono::minutes(10));
  EXPECT_EQ(where([&] { (void)(ar::from<entry>(db) | ar::count); }), list{"reader"}) << "nothing written yet";

  entry e{0, "first"};
  ar::insert(db, e);
  set("writer", 2);  // the write's position: the reader still has 1
  // The first read after the write: the reader's position, then the writer's (once), the read on
  // the writer.
  EXPECT_EQ(where([&] { (void)(ar::from<entry>(db) | ar::count); }),
            (list{"replayed@reader", "written@writer", "writer"}));
  // The writer's position is not asked again for the same write (the reader's is, once 20 ms
  // have passed since it was last read).
  const list again = where([&] { (void)(ar::from<entry>(db) | ar::count); });
  EXPECT_EQ(std::count(again.begin(), again.end(), "written@writer"), 0);
  EXPECT_EQ(again.back(), "writer");
  past_refresh();
  EXPECT_EQ(where([&] { (void)(ar::from<entry>(db) | ar::count); }), (list{"replayed@reader", "writer"}));

  // Another thread's reads are not held back.
  list theirs;
  std::thread other([&] { theirs = where([&] { (void)(ar::from<entry>(db) | ar::count); }); });
  other.join();
  EXPECT_EQ(theirs, list{"reader"});

  // The reader replays the write: the thread's reads go to it, ten minutes' window or not.
  set("reader", 2);
  past_refresh();
  EXPECT_EQ(where([&] { EXPECT_EQ(ar::from<entry>(db) | ar::count, 1); }), (list{"replayed@reader", "reader"}));
  // The note is spent: no position is asked again.
  EXPECT_EQ(where([&] { (void)ar::find<entry>(db, e.id); }), list{"reader"});
}

TEST_F(replication_positions, each_write_asks_for_the_writers_position_again_at_the_next_read) {
  ar::database db = cluster(std::chrono::minutes(10));
  entry e{0, "a"};
  ar::insert(db, e);
  set("writer", 2);
  set("reader", 2);
  EXPECT_EQ(where([&] { (void)(ar::from<entry>(db) | ar::count); }),
            (list{"replayed@reader", "written@writer", "reader"}));

  // Two writes, then a read: one question to the writer for both.
  e.text = "b";
  ar::update(db, e);
  entry f{0, "c"};
  ar::insert(db, f);
  set("writer", 3);
  past_refresh();
  EXPECT_EQ(where([&] { (void)(ar::from<entry>(db) | ar::count); }),
            (list{"replayed@reader", "written@writer", "writer"}));
  // The reader replays both: the next read goes to it.
  set("reader", 3);
  past_refresh();
  EXPECT_EQ(where([&] { EXPECT_EQ(ar::from<entry>(db) | ar::count, 2); }), (list{"replayed@reader", "reader"}));
}

TEST_F(replication_positions, a_reader_whose_position_is_not_known_follows_the_window) {
  unset_reader();  // not a replica: NULL
  ar::database db = cluster(std::chrono::milliseconds(500));
  entry e{0, "x"};
  ar::insert(db, e);
  // Its position is NULL: the window rules, and the writer's position is not asked for.
  EXPECT_EQ(where([&] { (void)(ar::from<entry>(db) | ar::count); }), (list{"replayed@reader", "writer"}));
  // Not known stays not known for reader_retry: not asked at every read.
  past_refresh();
  EXPECT_EQ(where([&] { (void)(ar::from<entry>(db) | ar::count); }), list{"writer"});
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(where([&] { (void)(ar::from<entry>(db) | ar::count); }), list{"reader"}) << "the window passed";
}

TEST_F(replication_positions, read_your_writes_of_zero_reads_from_the_reader_at_once_and_asks_nothing) {
  ar::database db = cluster(std::chrono::milliseconds(0));
  entry e{0, "x"};
  ar::insert(db, e);
  set("writer", 5);
  EXPECT_EQ(where([&] { (void)(ar::from<entry>(db) | ar::count); }), list{"reader"});
}

TEST_F(replication_positions, a_reader_that_may_have_missed_a_write_older_than_the_bound_is_skipped) {
  ar::database db = cluster(std::chrono::milliseconds(0), std::chrono::milliseconds(400));
  // Caught up: the reader serves; the writer's position is read to measure the lag by.
  EXPECT_EQ(where([&] { (void)(ar::from<entry>(db) | ar::count); }),
            (list{"written@writer", "replayed@reader", "reader"}));
  // The writer moves on (another program's write); the reader is short of it. Past half the bound
  // the writer's position is read again: the reader may have missed writes made since the read
  // before, a little over 200 ms ago, within the bound.
  set("writer", 2);
  std::this_thread::sleep_for(std::chrono::milliseconds(210));
  EXPECT_EQ(where([&] { (void)(ar::from<entry>(db) | ar::count); }),
            (list{"written@writer", "replayed@reader", "reader"}));
  // Still short of position 2, now over 500 ms after the writer was seen short of it: skipped,
  // the read goes to the writer.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const list late = where([&] { (void)(ar::from<entry>(db) | ar::count); });
  ASSERT_FALSE(late.empty());
  EXPECT_EQ(late.back(), "writer");
  EXPECT_EQ(std::count(late.begin(), late.end(), "reader"), 0);
  // It catches up: it serves again.
  set("reader", 2);
  past_refresh();
  const list caught_up = where([&] { (void)(ar::from<entry>(db) | ar::count); });
  ASSERT_FALSE(caught_up.empty());
  EXPECT_EQ(caught_up.back(), "reader");
}

TEST_F(replication_positions, under_a_lag_bound_a_reader_whose_position_is_not_known_is_skipped) {
  unset_reader();
  ar::database db = cluster(std::chrono::milliseconds(0), std::chrono::seconds(10));
  const list w = where([&] { (void)(ar::from<entry>(db) | ar::count); });
  ASSERT_FALSE(w.empty());
  EXPECT_EQ(w.back(), "writer");
  EXPECT_EQ(std::count(w.begin(), w.end(), "reader"), 0);
}

TEST_F(replication_positions, a_negative_lag_bound_is_refused_when_the_database_opens) {
  EXPECT_THROW(cluster(std::chrono::milliseconds(0), std::chrono::milliseconds(-1)), ar::configuration_error);
}

// The dialects' own positions.
TEST(replication_position_compare, postgresql_compares_wal_positions_and_skips_a_page_header) {
  const ar::dialect* d = ar::find_dialect("postgresql");
  if (d == nullptr) GTEST_SKIP() << "this build has no PostgreSQL backend";
  EXPECT_TRUE(d->position_reached("0/3001128", "0/3001128"));
  EXPECT_TRUE(d->position_reached("1/0", "0/FFFFFFFF"));
  EXPECT_FALSE(d->position_reached("0/3001127", "0/3001128"));
  EXPECT_FALSE(d->position_reached("0/FFFFFFFF", "1/0"));
  EXPECT_TRUE(d->position_reached("0/3001a28", "0/3001A28")) << "either case of hexadecimal digits";
  // An insert position just past a page's header (24 bytes; 40 at a 16 MiB segment's first page):
  // a standby that replayed everything stands at the page's start.
  EXPECT_TRUE(d->position_reached("0/3002000", "0/3002018"));
  EXPECT_FALSE(d->position_reached("0/3001FF8", "0/3002018"));
  EXPECT_TRUE(d->position_reached("0/4000000", "0/4000028"));
  EXPECT_FALSE(d->position_reached("0/4000000", "0/4000029"));
  // What is not a position is never reached.
  EXPECT_FALSE(d->position_reached("", "0/1"));
  EXPECT_FALSE(d->position_reached("0/2", "garbage"));
  EXPECT_FALSE(d->position_reached("0/2", "0/"));
  EXPECT_FALSE(d->position_reached("123456789/0", "0/1"));
}

TEST(replication_position_compare, mariadb_compares_each_gtid_domain) {
  const ar::dialect* d = ar::find_dialect("mariadb");
  if (d == nullptr) GTEST_SKIP() << "this build has no MariaDB backend";
  EXPECT_TRUE(d->position_reached("0-1-5", "0-1-5"));
  EXPECT_TRUE(d->position_reached("0-1-6", "0-1-5"));
  EXPECT_FALSE(d->position_reached("0-1-4", "0-1-5"));
  EXPECT_TRUE(d->position_reached("0-2-5", "0-1-5")) << "the server that wrote it does not order a GTID";
  // Every domain the writer has must be reached.
  EXPECT_TRUE(d->position_reached("0-1-9,1-1-3", "0-1-9,1-1-3"));
  EXPECT_TRUE(d->position_reached("1-1-3, 0-1-10", "0-1-9,1-1-3")) << "any order, blanks";
  EXPECT_FALSE(d->position_reached("0-1-9", "0-1-9,1-1-3"));
  EXPECT_FALSE(d->position_reached("0-1-9,1-1-2", "0-1-9,1-1-3"));
  EXPECT_FALSE(d->position_reached("0-1-x", "0-1-1"));
  EXPECT_FALSE(d->position_reached("0-1-2", "0-1"));
}

}  // namespace
