// ar_latency_proxy (benchmarks/latency_proxy/latency_proxy.cpp) in front of the test PostgreSQL
// server (AR_TEST_POSTGRESQL): what goes through it comes back the same, a round trip through it
// costs at least twice its one-way delay, and it outlives a client that disconnects. The proxy
// is started as a process, as the benchmark scripts start it, and stopped with SIGTERM.

#include "../support/models.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

extern char** environ;

namespace {

using ar_test::user;

std::string postgresql_url() {
  const char* url = std::getenv("AR_TEST_POSTGRESQL");
  if (!url || !*url)
    throw std::runtime_error(
        "AR_TEST_POSTGRESQL is not set: run the suite through scripts/test.sh, or point it at a server, "
        "e.g. AR_TEST_POSTGRESQL='postgresql://host=127.0.0.1 port=55433 dbname=ar_test user=postgres'");
  return url;
}

// The value of `key=` in a libpq connection string ("" when absent).
std::string setting(const std::string& url, const std::string& key) {
  std::smatch m;
  if (std::regex_search(url, m, std::regex("(^|[ /])" + key + "=([^ ]+)"))) return m[2];
  return "";
}

// The same connection string with `key=` set to `value`.
std::string with_setting(const std::string& url, const std::string& key, const std::string& value) {
  std::regex re("(^|[ /])" + key + "=[^ ]+");
  if (std::regex_search(url, re)) return std::regex_replace(url, re, "$1" + key + "=" + value);
  return url + " " + key + "=" + value;
}

// One ar_latency_proxy process: started in the constructor, stopped with SIGTERM by stop().
class proxy {
 public:
  proxy(const std::string& target, long delay_us) {
    int out[2];
    if (::pipe(out) != 0) throw std::runtime_error("pipe failed");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    const std::string delay = std::to_string(delay_us);
    std::vector<std::string> args = {AR_LATENCY_PROXY, "--listen",   "127.0.0.1:0", "--target",
                                     target,           "--delay-us", delay};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const int rc = ::posix_spawn(&pid_, AR_LATENCY_PROXY, &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(out[1]);
    if (rc != 0) throw std::runtime_error(std::string("cannot start ") + AR_LATENCY_PROXY);
    // Its first line is the port it listens on.
    std::string line;
    char c = 0;
    while (::read(out[0], &c, 1) == 1 && c != '\n') line += c;
    ::close(out[0]);
    port_ = std::atoi(line.c_str());
    if (port_ <= 0) throw std::runtime_error("ar_latency_proxy printed no port: '" + line + "'");
  }
  proxy(const proxy&) = delete;
  proxy& operator=(const proxy&) = delete;
  ~proxy() {
    if (pid_ > 0) (void)stop();
  }
  int port() const { return port_; }
  // Sends SIGTERM and returns the exit status (0: a clean exit).
  int stop() {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = 0;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

 private:
  pid_t pid_ = 0;
  int port_ = 0;
};

class latency_proxy : public ::testing::Test {
 protected:
  void SetUp() override {
    url = postgresql_url();
    target = setting(url, "host") + ":" + setting(url, "port");
    schema = "ar_proxy_test_" + std::to_string(::getpid());
    options.on_connect.push_back("SET search_path TO " + schema);
    direct = ar::open(url, "direct", options);
    direct.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    direct.execute("CREATE SCHEMA " + schema);
    ar::create_table<user>(direct);
    for (int i = 0; i < 2000; ++i) {  // enough rows that an answer spans many reads
      user u{0, "user " + std::to_string(i) + std::string(static_cast<std::size_t>(i % 97), 'x'),
             i % 3 ? std::optional<std::string>("brown") : std::nullopt};
      ar::insert(direct, u);
    }
  }
  void TearDown() override {
    if (direct.is_open()) direct.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    ar::close_all();
  }

  ar::database through(const proxy& p, const std::string& name) {
    return ar::open(with_setting(url, "port", std::to_string(p.port())), name, options);
  }

  // The shortest of `n` runs of one statement (its prepared statement cached by a first run).
  static std::chrono::microseconds one_statement(ar::database& db, int n) {
    (void)ar::find<user>(db, 1);
    auto best = std::chrono::microseconds::max();
    for (int i = 0; i < n; ++i) {
      const auto start = std::chrono::steady_clock::now();
      EXPECT_EQ(ar::find<user>(db, 1).value().name, "user 0");
      best = std::min(best,
                      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start));
    }
    return best;
  }

  std::string url, target, schema;
  ar::open_options options;
  ar::database direct;
};

TEST_F(latency_proxy, queries_through_it_return_what_they_return_directly) {
  proxy p(target, 500);
  ar::database proxied = through(p, "proxied");
  const auto expected = ar::from<user>(direct) | ar::order_by(user::c.id) | ar::to_vector;
  ASSERT_EQ(expected.size(), 2000u);
  EXPECT_EQ(ar::from<user>(proxied) | ar::order_by(user::c.id) | ar::to_vector, expected);
  // A write through it is read back directly.
  user u{0, "through the proxy", std::nullopt};
  ar::insert(proxied, u);
  EXPECT_EQ(ar::find<user>(direct, u.id), u);
  proxied.close();
  EXPECT_EQ(p.stop(), 0);  // SIGTERM: a clean exit
}

TEST_F(latency_proxy, a_round_trip_costs_at_least_twice_the_one_way_delay) {
  proxy slow(target, 2000);
  proxy fast(target, 0);
  ar::database slow_db = through(slow, "slow");
  ar::database fast_db = through(fast, "fast");
  const auto with_delay = one_statement(slow_db, 5);
  const auto without = one_statement(fast_db, 20);
  // A lower bound only: the delay is held each way, whatever the machine's load.
  std::printf("one statement: %lld us at 2 ms each way, %lld us at 0\n", static_cast<long long>(with_delay.count()),
              static_cast<long long>(without.count()));
  EXPECT_GE(with_delay.count(), 4000) << "2 ms each way, one statement took " << with_delay.count() << " us";
  // At 0 the proxy passes bytes through: the fastest of 20 statements stays well under one
  // delayed round trip (the server on this machine answers in a fraction of a millisecond).
  EXPECT_LT(without.count(), 2000) << "no delay, one statement took " << without.count() << " us at best";
  slow_db.close();
  fast_db.close();
  EXPECT_EQ(slow.stop(), 0);
  EXPECT_EQ(fast.stop(), 0);
}

TEST_F(latency_proxy, it_serves_the_next_connection_after_a_client_disconnects) {
  proxy p(target, 200);
  {
    ar::database first = through(p, "first");
    EXPECT_EQ(ar::find<user>(first, 2).value().name, "user 1x");
    first.close();  // an orderly goodbye
  }
  {
    // A client that vanishes mid-handshake: half a startup message, then a reset (SO_LINGER 0).
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(p.port()));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    const char partial[] = {0, 0, 0, 40, 0, 3};
    ASSERT_EQ(::send(fd, partial, sizeof partial, MSG_NOSIGNAL), static_cast<ssize_t>(sizeof partial));
    linger reset{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
    ::close(fd);
  }
  ar::database next = through(p, "next");
  EXPECT_EQ(ar::find<user>(next, 3).value().name, "user 2xx");
  EXPECT_EQ(ar::from<user>(next) | ar::count, 2000);
  next.close();
  EXPECT_EQ(p.stop(), 0);
}

}  // namespace
