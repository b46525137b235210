// A connection lost between the pool's check and the answer to a statement (the server going away
// at that moment): a relay between ar and the test server cuts the connection the moment ar sends
// its statement, so that the statement never reaches the server and ar finds its connection gone
// while it waits for the answer. A SELECT is sent again, once, on a new connection; a write,
// which ar cannot know did not run, fails typed and is not sent again (docs/reliability.md, "A
// restarted server"). A write whose connection was gone before it was written (MariaDB: 2006) is
// sent again.

#include "../support/backends.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

struct guest {
  std::int64_t id = 0;
  std::string name;

  AR_MODEL(guest, "lost_guests", AR_FIELDS(id, name));
};

// Relays TCP connections from a port of its own to 127.0.0.1:`upstream`. After cut_next(), the
// next bytes a client sends are dropped and both sides of that connection closed. After
// reset_after_next_answer(), the next bytes the server sends are passed on, and then the
// connection is reset (an RST to the client); await_resets(n) returns once n resets were sent, so
// that the client's next write meets it (a client quick enough would write before it otherwise).
class cutting_relay {
 public:
  explicit cutting_relay(int upstream) : upstream_(upstream) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof a;
    if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&a), size) != 0 ||
        ::listen(listener_, 16) != 0 || ::getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &size) != 0 ||
        ::pipe(wake_) != 0)
      throw std::runtime_error("cutting_relay: cannot listen");
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { run(); });
  }
  cutting_relay(const cutting_relay&) = delete;
  cutting_relay& operator=(const cutting_relay&) = delete;
  ~cutting_relay() {
    stop_ = true;
    (void)!::write(wake_[1], "x", 1);
    thread_.join();
    for (const auto& p : pairs_) {
      ::close(p.client);
      ::close(p.server);
    }
    ::close(listener_);
    ::close(wake_[0]);
    ::close(wake_[1]);
  }
  int port() const { return port_; }
  void cut_next() { cut_ = true; }
  void reset_after_next_answer() { reset_ = true; }
  int cuts() const { return cuts_; }
  // Waits (at most a second) until `n` connections were reset in all.
  void await_resets(int n) const {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    while (resets_.load() < n && std::chrono::steady_clock::now() < until) std::this_thread::yield();
  }

 private:
  struct pair {
    int client;
    int server;
  };

  static bool send_all(int fd, const char* data, ssize_t n) {
    while (n > 0) {
      const ssize_t w = ::send(fd, data, static_cast<std::size_t>(n), MSG_NOSIGNAL);
      if (w <= 0) return false;
      data += w;
      n -= w;
    }
    return true;
  }

  void run() {
    char buffer[65536];
    while (!stop_) {
      std::vector<pollfd> fds{{wake_[0], POLLIN, 0}, {listener_, POLLIN, 0}};
      for (const auto& p : pairs_) {
        fds.push_back({p.client, POLLIN, 0});
        fds.push_back({p.server, POLLIN, 0});
      }
      if (::poll(fds.data(), fds.size(), -1) <= 0) continue;
      if (fds[1].revents & POLLIN) {
        const int client = ::accept(listener_, nullptr, nullptr);
        const int server = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = htons(static_cast<std::uint16_t>(upstream_));
        if (::connect(server, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
          pairs_.push_back({client, server});
        } else {
          ::close(client);
          ::close(server);
        }
        continue;  // the list of descriptors changed
      }
      std::vector<std::size_t> closed;
      bool reset = false;
      for (std::size_t i = 0; i < pairs_.size(); ++i) {
        const pair& p = pairs_[i];
        const short from_client = fds[2 + 2 * i].revents;
        const short from_server = fds[3 + 2 * i].revents;
        bool open = true;
        if (from_client) {
          const ssize_t n = ::recv(p.client, buffer, sizeof buffer, 0);
          if (n <= 0 || cut_.exchange(false)) {
            if (n > 0) ++cuts_;
            open = false;
          } else {
            open = send_all(p.server, buffer, n);
          }
        }
        if (open && from_server) {
          const ssize_t n = ::recv(p.server, buffer, sizeof buffer, 0);
          open = n > 0 && send_all(p.client, buffer, n);
          if (open && reset_.exchange(false)) {
            // Closed with a zero linger time: an RST, not a FIN.
            const linger now{1, 0};
            ::setsockopt(p.client, SOL_SOCKET, SO_LINGER, &now, sizeof now);
            ++cuts_;
            reset = true;
            open = false;
          }
        }
        if (!open) closed.push_back(i);
      }
      for (auto it = closed.rbegin(); it != closed.rend(); ++it) {
        ::close(pairs_[*it].client);
        ::close(pairs_[*it].server);
        pairs_.erase(pairs_.begin() + static_cast<std::ptrdiff_t>(*it));
      }
      if (reset) ++resets_;  // the RST is sent
    }
  }

  int upstream_;
  int listener_ = -1;
  int port_ = 0;
  int wake_[2] = {-1, -1};
  std::atomic<bool> stop_{false};
  std::atomic<bool> cut_{false};
  std::atomic<bool> reset_{false};
  std::atomic<int> cuts_{0};
  std::atomic<int> resets_{0};
  std::vector<pair> pairs_;  // the relay thread's
  std::thread thread_;
};

// The test server's URL variable, with its port replaced by the relay's while the test runs.
class relayed_backend {
 public:
  explicit relayed_backend(const std::string& backend)
      : variable_(backend == "postgresql" ? "AR_TEST_POSTGRESQL" : "AR_TEST_MARIADB") {
    const char* value = std::getenv(variable_);
    if (!value) throw std::runtime_error(std::string(variable_) + " is not set");
    original_ = value;
    const std::size_t at = original_.find("port=");
    if (at == std::string::npos) throw std::runtime_error(std::string(variable_) + " names no port=");
    const std::size_t digits = at + 5;
    std::size_t end = digits;
    while (end < original_.size() && original_[end] >= '0' && original_[end] <= '9') ++end;
    relay_ = std::make_unique<cutting_relay>(std::stoi(original_.substr(digits, end - digits)));
    const std::string relayed = original_.substr(0, digits) + std::to_string(relay_->port()) + original_.substr(end);
    ::setenv(variable_, relayed.c_str(), 1);
  }
  relayed_backend(const relayed_backend&) = delete;
  relayed_backend& operator=(const relayed_backend&) = delete;
  ~relayed_backend() { ::setenv(variable_, original_.c_str(), 1); }
  cutting_relay& relay() { return *relay_; }

 private:
  const char* variable_;
  std::string original_;
  std::unique_ptr<cutting_relay> relay_;
};

struct observed {
  std::string sql;
  bool succeeded;
  bool resent;
};

struct statement_log {
  std::mutex mutex;
  std::vector<observed> events;
  ar::observer_handle handle = ar::observe([this](const ar::statement_event& e) {
    std::lock_guard lock(mutex);
    events.push_back({std::string(e.sql), e.succeeded, e.resent});
  });
};

class lost_connection : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    relayed = std::make_unique<relayed_backend>(GetParam());
    ar::open_options options;
    options.pool_size = 1;  // one connection: the one cut, then its replacement
    db = ar_test::open_backend(GetParam(), "default", options);
    ar::create_tables<guest>(db);
    guest ada{0, "ada"};
    ar::insert(db, ada);
  }
  void TearDown() override {
    ar_test::close_backends();
    relayed.reset();
  }

  std::unique_ptr<relayed_backend> relayed;
  ar::database db;
};

TEST_P(lost_connection, a_select_whose_connection_is_lost_is_sent_again_once_on_a_new_connection) {
  EXPECT_EQ(ar::from<guest>(db) | ar::count, 1);  // prepared on the connection (PostgreSQL), cached
  statement_log log;
  relayed->relay().cut_next();
  EXPECT_EQ(ar::from<guest>(db) | ar::count, 1);
  EXPECT_EQ(relayed->relay().cuts(), 1);
  ASSERT_EQ(log.events.size(), 2u);
  EXPECT_FALSE(log.events[0].succeeded);
  EXPECT_FALSE(log.events[0].resent);
  EXPECT_TRUE(log.events[1].succeeded);
  EXPECT_TRUE(log.events[1].resent);
  EXPECT_EQ(log.events[0].sql, log.events[1].sql);
  EXPECT_EQ(db.open_connections(), 1u);
}

TEST_P(lost_connection, a_write_whose_connection_is_lost_after_it_was_sent_fails_and_is_not_sent_again) {
  guest bea{0, "bea"};
  ar::insert(db, bea);  // the INSERT is prepared on the connection (PostgreSQL), cached
  statement_log log;
  relayed->relay().cut_next();
  guest cy{0, "cy"};
  EXPECT_THROW(ar::insert(db, cy), ar::database_error);
  EXPECT_EQ(relayed->relay().cuts(), 1);
  ASSERT_EQ(log.events.size(), 1u);  // sent once, never again
  EXPECT_FALSE(log.events[0].succeeded);
  EXPECT_EQ(cy.id, 0);
  // The next statements run on a new connection; the cut INSERT never reached the server.
  EXPECT_EQ(ar::from<guest>(db) | ar::count, 2);
  EXPECT_EQ(ar::from<guest>(db) | ar::filter(guest::c.name == "cy") | ar::count, 0);
}

// The server goes away between two statements of one connection, so soon after the first that the
// pool takes the connection back without polling its socket (connection::checked_after, 10 ms):
// the write of the next statement fails. Where the driver knows the statement never reached the
// server (MariaDB's "server has gone away", 2006: the command could not be written; on PostgreSQL,
// where the INSERT is new on the connection, its preparation), it is sent again on a new
// connection and runs once. (Should the machine be so slow that the pool polls the
// socket first, the dead connection is replaced before anything is sent: no failure to observe, so
// the scenario runs again. On PostgreSQL that happens to one attempt in five or six on a loaded
// machine of 2 cores, so it runs up to 50 times, until the path was taken once.)
TEST_P(lost_connection, a_write_whose_connection_was_gone_before_it_was_written_is_sent_again_once) {
  int exercised = 0;
  for (int attempt = 0; attempt < 50 && exercised == 0; ++attempt) {
    const std::string name = "gone" + std::to_string(attempt);
    relayed->relay().reset_after_next_answer();
    EXPECT_EQ(ar::from<guest>(db) | ar::count, 1 + attempt);  // its answer, then the reset
    // MariaDB: a client quick enough writes the INSERT before the reset reaches it, and then loses
    // the connection after its write (2013), an attempt that does not count; waiting until the
    // reset was sent makes the write meet it (2006), the path under test. PostgreSQL keeps the
    // order as it comes: with the reset already there, the INSERT was seen to run once on a new
    // connection, without a failure to observe.
    if (GetParam() == "mariadb") relayed->relay().await_resets(attempt + 1);
    statement_log log;
    guest g{0, name};
    try {
      ar::insert(db, g);
    } catch (const ar::database_error& e) {
      // PostgreSQL's libpq cannot tell whether a write it could not finish reached the server: once
      // prepared, it fails, and is not sent again (as after a cut once sent, above). MariaDB's client
      // can, when its write fails (2006); but when the write went out before the reset arrived, the
      // read fails instead (2013, "Lost connection ... during query": it may have run), and it is not
      // sent again either. That race is TCP's: the attempt does not count, the next one runs.
      const bool lost_after_sending = GetParam() == "mariadb" && e.code() == "2013";
      ASSERT_TRUE(GetParam() == "postgresql" || lost_after_sending) << e.what();
      ASSERT_EQ(log.events.size(), 1u);
      EXPECT_FALSE(log.events[0].succeeded);
      EXPECT_EQ(ar::from<guest>(db) | ar::filter(guest::c.name == name) | ar::count, 0);
      guest again{0, name};
      ar::insert(db, again);  // the program's own retry, on a new connection
      if (!lost_after_sending) ++exercised;
      continue;
    }
    EXPECT_NE(g.id, 0);
    EXPECT_EQ(relayed->relay().cuts(), attempt + 1);
    // The write failed unsent (observed as failed) and was sent again (observed as resent), or the
    // pool replaced the connection first (observed once, succeeded).
    ASSERT_FALSE(log.events.empty());
    if (log.events.size() == 2u) {
      EXPECT_FALSE(log.events[0].succeeded);
      EXPECT_TRUE(log.events[1].succeeded);
      EXPECT_TRUE(log.events[1].resent);
      EXPECT_EQ(log.events[0].sql, log.events[1].sql);
      ++exercised;
    } else {
      EXPECT_EQ(log.events.size(), 1u);
      EXPECT_TRUE(log.events[0].succeeded);
    }
    EXPECT_EQ(ar::from<guest>(db) | ar::filter(guest::c.name == name) | ar::count, 1);  // once
  }
  EXPECT_EQ(exercised, 1) << "the pool polled the socket before every attempt: the path was never taken";
}

TEST_P(lost_connection, a_write_lost_while_being_prepared_is_sent_again_where_preparing_reaches_the_server) {
  guest ada = *ar::find<guest>(db, 1);
  ada.name = "ada2";
  statement_log log;
  relayed->relay().cut_next();
  // The UPDATE is new on the connection: the cut hits its preparation (PostgreSQL's Parse,
  // MariaDB's COM_STMT_PREPARE, which change nothing), so it is sent again and runs once.
  ar::update(db, ada);
  ASSERT_EQ(log.events.size(), 2u);
  EXPECT_FALSE(log.events[0].succeeded);
  EXPECT_TRUE(log.events[1].succeeded);
  EXPECT_TRUE(log.events[1].resent);
  EXPECT_EQ(ar::find<guest>(db, 1)->name, "ada2");
  EXPECT_EQ(relayed->relay().cuts(), 1);
}

TEST_P(lost_connection, a_transaction_whose_connection_is_lost_fails_every_statement_until_its_scope_ends) {
  statement_log log;
  {
    ar::transaction tx(db);
    guest bea{0, "bea"};
    ar::insert(db, bea);
    relayed->relay().cut_next();
    EXPECT_THROW((void)(ar::from<guest>(db) | ar::count), ar::database_error);  // a SELECT, not sent again
    // The transaction is over: refused unsent, commit too.
    EXPECT_THROW((void)(ar::from<guest>(db) | ar::count), ar::transaction_aborted);
    EXPECT_THROW(tx.commit(), ar::transaction_aborted);
  }
  ASSERT_FALSE(log.events.empty());  // the loop below would check no statement
  for (const observed& e : log.events) EXPECT_FALSE(e.resent) << e.sql;
  EXPECT_EQ(ar::from<guest>(db) | ar::count, 1);  // bea was rolled back by the server
}

INSTANTIATE_TEST_SUITE_P(servers, lost_connection, ::testing::Values(std::string("postgresql"), std::string("mariadb")),
                         [](const auto& info) { return info.param; });

}  // namespace
