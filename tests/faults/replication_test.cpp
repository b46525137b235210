// Real replication for the tests (issue 23): the test server scripts make a replica of a primary
// (start-replica): PostgreSQL a streaming hot standby (pg_basebackup), MariaDB a GTID replica of a
// primary that writes a binary log (AR_MARIADB_ROLE=primary); both pause and resume its replay.
// This checks that what the scripts make is a replica, through ar: it says so, it refuses writes
// (MariaDB: in a read-only session, as root passes read_only), what the primary commits reaches it,
// and a paused replay holds it back (lag on purpose). Servers of this test's own: PostgreSQL on
// 55457 and its replica on 55459, MariaDB on 53327 and its replica on 53329.

#include "own_server.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace {

struct reading {
  std::int64_t id = 0;
  std::string sensor;
  AR_MODEL(reading, "replicated_readings", AR_FIELDS(id, sensor));
};

class replication : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    const bool pg = GetParam() == "postgresql";
    if (pg) {
      primary_server = std::make_unique<ar_test::own_server>("postgresql", "55457");
      replica_server =
          std::make_unique<ar_test::own_server>("postgresql", "55459", "AR_PG_PRIMARY_PORT=55457", "start-replica");
    } else {
      primary_server = std::make_unique<ar_test::own_server>("mariadb", "53327", "AR_MARIADB_ROLE=primary");
      replica_server =
          std::make_unique<ar_test::own_server>("mariadb", "53329", "AR_MARIADB_PRIMARY_PORT=53327", "start-replica");
    }
    primary = ar::open(primary_server->url(), "primary");
    ar::open_options read_only;
    if (!pg) read_only.on_connect.push_back("SET SESSION TRANSACTION READ ONLY");
    replica = ar::open(replica_server->url(), "replica", read_only);
    ar::create_table<reading>(primary);
  }
  void TearDown() override {
    ar::close_all();
    replica_server.reset();
    primary_server.reset();
  }

  // Whether the replica holds `count` readings within `limit` (it applies the primary's WAL soon).
  bool replica_reaches(std::int64_t count, std::chrono::milliseconds limit) {
    const auto until = std::chrono::steady_clock::now() + limit;
    do {
      try {
        if ((ar::from<reading>(replica) | ar::count) == count) return true;
      } catch (const ar::database_error&) {
        // the table itself has not reached it yet
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    } while (std::chrono::steady_clock::now() < until);
    return false;
  }

  std::unique_ptr<ar_test::own_server> primary_server;
  std::unique_ptr<ar_test::own_server> replica_server;
  ar::database primary;
  ar::database replica;
};

TEST_P(replication, the_replica_says_it_is_one_and_refuses_writes) {
  if (GetParam() == "postgresql") {
    EXPECT_EQ(ar::sql<bool>(replica, "SELECT pg_is_in_recovery()"), std::vector<bool>{true});
    EXPECT_EQ(ar::sql<bool>(primary, "SELECT pg_is_in_recovery()"), std::vector<bool>{false});
    // The same cluster: a physical standby has its primary's system identifier.
    const std::string identity = "SELECT system_identifier::text FROM pg_control_system()";
    EXPECT_EQ(ar::sql<std::string>(replica, identity), ar::sql<std::string>(primary, identity));
  } else {
    EXPECT_EQ(ar::sql<bool>(replica, "SELECT @@GLOBAL.read_only"), std::vector<bool>{true});
    EXPECT_EQ(ar::sql<bool>(primary, "SELECT @@GLOBAL.read_only"), std::vector<bool>{false});
    // The replica's applied position is the primary's written one once it caught up.
    ASSERT_TRUE(replica_reaches(0, std::chrono::seconds(10)));
    EXPECT_EQ(ar::sql<std::string>(replica, "SELECT @@GLOBAL.gtid_slave_pos"),
              ar::sql<std::string>(primary, "SELECT @@GLOBAL.gtid_binlog_pos"));
  }
  ASSERT_TRUE(replica_reaches(0, std::chrono::seconds(10)));
  reading r{0, "on the replica"};
  try {
    ar::insert(replica, r);
    FAIL() << "the replica took a write";
  } catch (const ar::database_error& e) {
    // PostgreSQL: read_only_sql_transaction; MariaDB: ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION.
    EXPECT_EQ(e.code(), GetParam() == "postgresql" ? "25006" : "1792") << e.what();
  }
}

TEST_P(replication, what_the_primary_commits_reaches_the_replica_unless_replay_is_paused) {
  reading first{0, "first"};
  ar::insert(primary, first);
  ASSERT_TRUE(replica_reaches(1, std::chrono::seconds(10)));

  replica_server->pause_replay();
  reading second{0, "second"};
  ar::insert(primary, second);
  // Received, not applied: the replica still shows one reading while the primary has two.
  EXPECT_FALSE(replica_reaches(2, std::chrono::milliseconds(500)));
  EXPECT_EQ(ar::from<reading>(primary) | ar::count, 2);

  replica_server->resume_replay();
  EXPECT_TRUE(replica_reaches(2, std::chrono::seconds(10)));
  EXPECT_EQ(ar::find_or_throw<reading>(replica, second.id).sensor, "second");
}

// open_options::readers on real replication: reads on the replica, writes on the primary, a thread
// reading its own write from the primary while the replica lags, and reads moving to the primary
// when the replica is down, failing only when no server is left.
class replicated_cluster : public replication {
 protected:
  ar::database open_cluster(std::chrono::milliseconds read_your_writes,
                            std::optional<std::chrono::milliseconds> max_lag = std::nullopt) {
    ar::open_options options;
    options.readers = {replica_server->url()};
    options.read_your_writes = read_your_writes;
    options.reader_max_lag = max_lag;
    options.reader_retry = std::chrono::milliseconds(100);
    options.connect_timeout = std::chrono::seconds(2);
    return ar::open(primary_server->url(), "cluster", options);
  }
  // The servers that ran the statements of `run`, but for those reading replication positions.
  template <class F>
  std::vector<std::string> servers_of(F&& run) const {
    const std::string written = primary.dialect().write_position_sql();
    const std::string replayed = primary.dialect().replay_position_sql();
    std::vector<std::string> out;
    const ar::observer_handle handle = ar::observe([&](const ar::statement_event& e) {
      if (e.sql != written && e.sql != replayed) out.emplace_back(e.on_reader ? "reader" : "writer");
    });
    run();
    return out;
  }
  // Whether a count of `cluster` runs on the replica within `limit`, asked every 25 ms.
  bool counts_on_the_replica(const ar::database& cluster, std::chrono::milliseconds limit) const {
    const auto until = std::chrono::steady_clock::now() + limit;
    do {
      if (servers_of([&] { (void)(ar::from<reading>(cluster) | ar::count); }) == std::vector<std::string>{"reader"})
        return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    } while (std::chrono::steady_clock::now() < until);
    return false;
  }
};

TEST_P(replicated_cluster, reads_run_on_the_replica_and_writes_on_the_primary) {
  ar::database cluster = open_cluster(std::chrono::milliseconds(0));
  EXPECT_EQ(cluster.readers(), std::vector<std::string>{replica_server->url()});
  reading r{0, "north"};
  EXPECT_EQ(servers_of([&] { ar::insert(cluster, r); }), std::vector<std::string>(1, "writer"));
  ASSERT_TRUE(replica_reaches(1, std::chrono::seconds(10)));
  std::vector<std::string> where;
  ar::statement_counter counter;
  where = servers_of([&] {
    EXPECT_EQ(ar::find_or_throw<reading>(cluster, r.id).sensor, "north");
    EXPECT_EQ(ar::from<reading>(cluster) | ar::count, 1);
  });
  EXPECT_EQ(where, std::vector<std::string>(2, "reader"));
  EXPECT_EQ(counter.count_on(replica_server->url()), 2u);
  EXPECT_EQ(counter.count_on(primary_server->url()), 0u);
}

TEST_P(replicated_cluster, a_thread_reads_its_own_write_from_the_primary_while_the_replica_lags) {
  ar::database cluster = open_cluster(std::chrono::minutes(10));
  ASSERT_TRUE(replica_reaches(0, std::chrono::seconds(10)));
  replica_server->pause_replay();
  reading r{0, "south"};
  ar::insert(cluster, r);
  // This thread wrote: its reads go to the primary, which has the row.
  std::int64_t mine = -1;
  EXPECT_EQ(servers_of([&] { mine = ar::from<reading>(cluster) | ar::count; }), std::vector<std::string>(1, "writer"));
  EXPECT_EQ(mine, 1);
  // Another thread's reads go to the replica, which has not replayed it.
  std::int64_t theirs = -1;
  std::vector<std::string> where;
  std::thread other([&] { where = servers_of([&] { theirs = ar::from<reading>(cluster) | ar::count; }); });
  other.join();
  EXPECT_EQ(where, std::vector<std::string>(1, "reader"));
  EXPECT_EQ(theirs, 0);

  // Replayed: by log position, this thread's reads go to the replica again, although its
  // read_your_writes window (ten minutes) has not passed.
  replica_server->resume_replay();
  ASSERT_TRUE(replica_reaches(1, std::chrono::seconds(10)));
  EXPECT_TRUE(counts_on_the_replica(cluster, std::chrono::seconds(10)));
  EXPECT_EQ(ar::from<reading>(cluster) | ar::count, 1);
}

// open_options::reader_max_lag: a replica short of a position of the primary for longer than the
// bound is skipped, and serves again once it caught up.
TEST_P(replicated_cluster, a_replica_lagging_beyond_the_bound_is_skipped) {
  ar::database cluster = open_cluster(std::chrono::milliseconds(0), std::chrono::milliseconds(300));
  ASSERT_TRUE(replica_reaches(0, std::chrono::seconds(10)));
  EXPECT_TRUE(counts_on_the_replica(cluster, std::chrono::seconds(10)));

  replica_server->pause_replay();
  reading r{0, "west"};
  ar::insert(cluster, r);
  // The primary's new position is seen at this read; the replica is not behind it for long yet.
  (void)(ar::from<reading>(cluster) | ar::count);
  std::this_thread::sleep_for(std::chrono::milliseconds(450));
  std::int64_t n = -1;
  EXPECT_EQ(servers_of([&] { n = ar::from<reading>(cluster) | ar::count; }), std::vector<std::string>{"writer"});
  EXPECT_EQ(n, 1) << "the primary's rows";

  replica_server->resume_replay();
  ASSERT_TRUE(replica_reaches(1, std::chrono::seconds(10)));
  EXPECT_TRUE(counts_on_the_replica(cluster, std::chrono::seconds(10)));
}

TEST_P(replicated_cluster,
       reads_move_to_the_primary_when_the_replica_is_down_come_back_with_it_and_fail_when_no_server_is_left) {
  ar::database cluster = open_cluster(std::chrono::milliseconds(0));
  reading r{0, "east"};
  ar::insert(cluster, r);
  ASSERT_TRUE(replica_reaches(1, std::chrono::seconds(10)));
  EXPECT_EQ(servers_of([&] { (void)(ar::from<reading>(cluster) | ar::count); }), std::vector<std::string>(1, "reader"));

  replica_server->halt();
  // The replica's connection is lost: the count moves to the primary, and the replica is left out.
  std::int64_t n = -1;
  const std::vector<std::string> where = servers_of([&] { n = ar::from<reading>(cluster) | ar::count; });
  EXPECT_EQ(n, 1);
  ASSERT_FALSE(where.empty());
  EXPECT_EQ(where.back(), "writer");
  EXPECT_EQ(servers_of([&] { EXPECT_EQ(ar::find_or_throw<reading>(cluster, r.id).sensor, "east"); }),
            std::vector<std::string>(1, "writer"));

  // Back, and past reader_retry: the replica serves reads again.
  replica_server->resume();
  ASSERT_TRUE(replica_reaches(1, std::chrono::seconds(10)));
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  EXPECT_EQ(servers_of([&] { EXPECT_EQ(ar::from<reading>(cluster) | ar::count, 1); }),
            std::vector<std::string>(1, "reader"));

  replica_server->halt();
  (void)(ar::from<reading>(cluster) | ar::count);  // its connection lost: left out again
  primary_server->halt();
  std::this_thread::sleep_for(std::chrono::milliseconds(150));  // past reader_retry: both are tried
  try {
    (void)(ar::from<reading>(cluster) | ar::count);
    FAIL() << "a read succeeded with every server down";
  } catch (const ar::no_server_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("no server could serve the read"), std::string::npos) << what;
    EXPECT_NE(what.find("reader " + replica_server->url()), std::string::npos) << what;
    EXPECT_NE(what.find("writer " + primary_server->url()), std::string::npos) << what;
  }
  primary_server->resume();
  replica_server->resume();
}

INSTANTIATE_TEST_SUITE_P(servers, replicated_cluster,
                         ::testing::Values(std::string("postgresql"), std::string("mariadb")),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

INSTANTIATE_TEST_SUITE_P(servers, replication, ::testing::Values(std::string("postgresql"), std::string("mariadb")),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
