// A restarted server costs no failed statement: after PostgreSQL or MariaDB restarts (a server of
// the test's own, shut down cleanly and started again on the same data and port), the pool's idle
// connections, whose server is gone, are found dead when taken and replaced, so every statement
// after the restart succeeds. A transaction open across the restart fails typed at its next
// statement, stays failed until its scope ends, and its writes are gone.

#include "own_server.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <barrier>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

struct guest {
  std::int64_t id = 0;
  std::string name;

  AR_MODEL(guest, "restart_guests", AR_FIELDS(id, name));
};

// Every statement the observation hook sees, and whether it succeeded.
struct statement_log {
  std::vector<std::string> sql;
  std::size_t failed = 0;
  ar::observer_handle handle = ar::observe([this](const ar::statement_event& e) {
    sql.emplace_back(e.sql);
    if (!e.succeeded) ++failed;
  });
};

class server_restart : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    // A server for this test alone, on a port of its own (not the fault tests' 55437).
    server = std::make_unique<ar_test::own_server>(GetParam(), GetParam() == "postgresql" ? "55441" : "53311");
    ar::open_options options;
    options.pool_size = 4;
    db = ar::open(server->url(), "default", options);
    db.execute("DROP TABLE IF EXISTS restart_guests");
    ar::create_tables<guest>(db);
  }
  void TearDown() override {
    ar::close_all();
    server.reset();
  }

  // Holds every connection of the pool at once (a transaction per thread), so that all of them
  // are open, and idle in the pool afterwards.
  void use_every_connection() {
    std::barrier all_held(static_cast<std::ptrdiff_t>(db.pool_size()));
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < db.pool_size(); ++i)
      threads.emplace_back([&] {
        ar::transaction tx(db);
        (void)(ar::from<guest>(db) | ar::count);
        all_held.arrive_and_wait();
        tx.commit();
      });
    for (auto& t : threads) t.join();
  }

  std::vector<std::string> names() {
    std::vector<std::string> out;
    for (const guest& g : ar::from<guest>(db) | ar::order_by(guest::c.name) | ar::to_vector) out.push_back(g.name);
    return out;
  }

  std::unique_ptr<ar_test::own_server> server;
  ar::database db;
};

TEST_P(server_restart, every_statement_after_a_restart_succeeds_and_only_the_open_transaction_fails) {
  guest ada{0, "ada"};
  ar::insert(db, ada);
  use_every_connection();
  ASSERT_EQ(db.open_connections(), 4u);

  {
    // A transaction open across the restart: its write is not committed.
    ar::transaction tx(db);
    guest lost{0, "lost"};
    ar::insert(db, lost);
    server->restart();

    // Its next statement fails, typed; the transaction is over, so the one after is refused unsent
    // (never runs in autocommit on another connection), and so is its commit.
    statement_log in_transaction;
    guest after{0, "after"};
    EXPECT_THROW(ar::insert(db, after), ar::database_error);
    EXPECT_THROW((void)(ar::from<guest>(db) | ar::count), ar::transaction_aborted);
    EXPECT_THROW(tx.commit(), ar::transaction_aborted);
    EXPECT_FALSE(db.in_transaction());
  }

  // Eight statements, reads and writes, from the pool whose four idle connections lost their
  // server: every one succeeds, and none is sent twice.
  statement_log log;
  EXPECT_EQ(ar::from<guest>(db) | ar::count, 1);  // the transaction's write is gone
  guest bea{0, "bea"};
  ar::insert(db, bea);
  EXPECT_EQ(ar::find<guest>(db, ada.id)->name, "ada");
  ada.name = "ada2";
  ar::update(db, ada);
  EXPECT_EQ(ar::from<guest>(db) | ar::count, 2);
  guest cy{0, "cy"};
  ar::insert(db, cy);
  EXPECT_TRUE(ar::destroy(db, bea));  // no dependents: one DELETE
  EXPECT_EQ(names(), (std::vector<std::string>{"ada2", "cy"}));
  EXPECT_EQ(log.failed, 0u);
  EXPECT_EQ(log.sql.size(), 8u);
  // The dead connections were dropped when taken, and one new connection ran all eight.
  EXPECT_EQ(db.open_connections(), 1u);
}

INSTANTIATE_TEST_SUITE_P(servers, server_restart, ::testing::Values(std::string("postgresql"), std::string("mariadb")),
                         [](const auto& info) { return info.param; });

}  // namespace
