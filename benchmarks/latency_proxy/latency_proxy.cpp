// ar_latency_proxy: a TCP proxy that adds a one-way delay to each direction, so that benchmarks
// and tests can put a network's round trip between ar and a database server on one machine.
//
//   ar_latency_proxy --listen 127.0.0.1:0 --target 127.0.0.1:55433 --delay-us 500
//
// It listens on --listen (port 0: the kernel picks one), prints the port it listens on as the
// first line of stdout, and forwards every connection to --target. Bytes read from one side are
// written to the other only once --delay-us microseconds have passed since they were read, in
// the order they were read; a round trip through it therefore costs at least twice the delay.
// Delay 0 forwards at once. SIGTERM or SIGINT closes every connection and exits with status 0.
//
// Each connection has two threads, one per direction: the thread reads what arrives, stamps it
// with its release time, and writes what is due (ppoll waits for whichever comes first).
// No dependency beyond POSIX and the C++ standard library.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;

int stop_pipe[2] = {-1, -1};  // SIGTERM / SIGINT write a byte here: the accept loop wakes and stops

extern "C" void on_stop_signal(int) {
  const char c = 's';
  const ssize_t n = ::write(stop_pipe[1], &c, 1);
  (void)n;
}

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "ar_latency_proxy: %s\n", what.c_str());
  std::exit(2);
}

struct endpoint {
  std::string host;
  std::string port;
};

endpoint parse_endpoint(const std::string& s, const char* option) {
  const auto colon = s.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == s.size())
    die(std::string(option) + " wants HOST:PORT, got '" + s + "'");
  return {s.substr(0, colon), s.substr(colon + 1)};
}

void no_delay(int fd) {
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // Nagle would add its own delay
}

int connect_to(const endpoint& target) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (::getaddrinfo(target.host.c_str(), target.port.c_str(), &hints, &found) != 0) return -1;
  int fd = -1;
  for (addrinfo* a = found; a; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0) break;
    ::close(fd);
    fd = -1;
  }
  ::freeaddrinfo(found);
  if (fd >= 0) no_delay(fd);
  return fd;
}

int listen_on(const endpoint& where) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  if (const int rc = ::getaddrinfo(where.host.c_str(), where.port.c_str(), &hints, &found); rc != 0)
    die("cannot resolve " + where.host + ": " + ::gai_strerror(rc));
  int fd = -1;
  for (addrinfo* a = found; a; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, a->ai_addr, a->ai_addrlen) == 0 && ::listen(fd, 64) == 0) break;
    ::close(fd);
    fd = -1;
  }
  ::freeaddrinfo(found);
  if (fd < 0) die("cannot listen on " + where.host + ":" + where.port + ": " + std::strerror(errno));
  return fd;
}

int port_of(int fd) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) die("getsockname failed");
  if (addr.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
  return ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
}

// Writes all of `data` (blocking); false when the peer is gone.
bool write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

struct chunk {
  clock_type::time_point due;
  std::vector<char> bytes;
};

// One direction of one connection: from `from` to `to`, each chunk held until its release time.
void pump(int from, int to, std::chrono::microseconds delay) {
  std::deque<chunk> held;
  bool eof = false;
  std::vector<char> buffer(64 * 1024);
  for (;;) {
    // Release everything that is due, in order.
    const auto now = clock_type::now();
    while (!held.empty() && held.front().due <= now) {
      if (!write_all(to, held.front().bytes.data(), held.front().bytes.size())) {
        ::shutdown(from, SHUT_RDWR);  // the other side is gone: so is this connection
        ::shutdown(to, SHUT_RDWR);
        return;
      }
      held.pop_front();
    }
    if (eof && held.empty()) {
      ::shutdown(to, SHUT_WR);  // pass the end of the stream on, once everything before it is out
      return;
    }
    pollfd p{from, static_cast<short>(eof ? 0 : POLLIN), 0};
    timespec timeout{};
    timespec* wait = nullptr;  // nothing held: wait for bytes only
    if (!held.empty()) {
      const auto left = std::chrono::duration_cast<std::chrono::nanoseconds>(held.front().due - clock_type::now());
      const long long ns = left.count() > 0 ? left.count() : 0;
      timeout.tv_sec = static_cast<time_t>(ns / 1'000'000'000);
      timeout.tv_nsec = static_cast<long>(ns % 1'000'000'000);
      wait = &timeout;
    }
    const int ready = ::ppoll(&p, 1, wait, nullptr);
    if (ready < 0 && errno != EINTR) return;
    if (ready <= 0 || eof) continue;
    const ssize_t n = ::recv(from, buffer.data(), buffer.size(), 0);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      ::shutdown(from, SHUT_RDWR);  // reset by the peer: end both directions
      ::shutdown(to, SHUT_RDWR);
      return;
    }
    if (n == 0) {
      eof = true;
      continue;
    }
    const auto read_at = clock_type::now();
    if (delay.count() == 0 && held.empty()) {  // pass-through
      if (!write_all(to, buffer.data(), static_cast<std::size_t>(n))) {
        ::shutdown(from, SHUT_RDWR);
        ::shutdown(to, SHUT_RDWR);
        return;
      }
      continue;
    }
    held.push_back(chunk{read_at + delay, std::vector<char>(buffer.data(), buffer.data() + n)});
  }
}

struct connection {
  int client;
  int server;
  std::thread up;    // client -> server
  std::thread down;  // server -> client
  std::atomic<int> finished{0};
};

}  // namespace

int main(int argc, char** argv) {
  endpoint listen_at{"127.0.0.1", "0"};
  endpoint target{};
  long long delay_us = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) die(arg + " wants a value");
      return argv[++i];
    };
    if (arg == "--listen") {
      listen_at = parse_endpoint(value(), "--listen");
    } else if (arg == "--target") {
      target = parse_endpoint(value(), "--target");
    } else if (arg == "--delay-us") {
      const std::string v = value();
      char* end = nullptr;
      delay_us = std::strtoll(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0' || delay_us < 0) die("--delay-us wants a whole number >= 0, got '" + v + "'");
    } else if (arg == "--help" || arg == "-h") {
      std::printf("usage: ar_latency_proxy [--listen HOST:PORT] --target HOST:PORT [--delay-us N]\n");
      return 0;
    } else {
      die("unknown argument '" + arg + "' (try --help)");
    }
  }
  if (target.host.empty()) die("--target HOST:PORT is required");
  const std::chrono::microseconds delay(delay_us);

  if (::pipe2(stop_pipe, O_CLOEXEC) != 0) die("pipe failed");
  struct sigaction sa{};
  sa.sa_handler = on_stop_signal;
  ::sigemptyset(&sa.sa_mask);
  ::sigaction(SIGTERM, &sa, nullptr);
  ::sigaction(SIGINT, &sa, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  const int listener = listen_on(listen_at);
  std::printf("%d\n", port_of(listener));
  std::fflush(stdout);

  std::list<std::unique_ptr<connection>> connections;
  auto reap = [&](bool all) {
    for (auto it = connections.begin(); it != connections.end();) {
      connection& c = **it;
      if (!all && c.finished.load() < 2) {
        ++it;
        continue;
      }
      c.up.join();
      c.down.join();
      ::close(c.client);
      ::close(c.server);
      it = connections.erase(it);
    }
  };

  for (;;) {
    pollfd p[2] = {{listener, POLLIN, 0}, {stop_pipe[0], POLLIN, 0}};
    const int ready = ::poll(p, 2, 1000);  // wakes each second to reap finished connections
    reap(false);
    if (ready < 0) {
      if (errno == EINTR) continue;
      die(std::string("poll failed: ") + std::strerror(errno));
    }
    if (p[1].revents) break;
    if (!(p[0].revents & POLLIN)) continue;
    const int client = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    no_delay(client);
    const int server = connect_to(target);
    if (server < 0) {
      std::fprintf(stderr, "ar_latency_proxy: cannot connect to %s:%s: %s\n", target.host.c_str(), target.port.c_str(),
                   std::strerror(errno));
      ::close(client);
      continue;
    }
    auto c = std::make_unique<connection>();
    c->client = client;
    c->server = server;
    connection* raw = c.get();
    c->up = std::thread([raw, delay] {
      pump(raw->client, raw->server, delay);
      ++raw->finished;
    });
    c->down = std::thread([raw, delay] {
      pump(raw->server, raw->client, delay);
      ++raw->finished;
    });
    connections.push_back(std::move(c));
  }

  // Stopping: end every connection (both pumps wake on the shutdown), then wait for them.
  ::close(listener);
  for (auto& c : connections) {
    ::shutdown(c->client, SHUT_RDWR);
    ::shutdown(c->server, SHUT_RDWR);
  }
  reap(true);
  return 0;
}
