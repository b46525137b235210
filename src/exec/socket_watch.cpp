#include "exec/socket_watch.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace ar::detail {

namespace {

using clock_type = std::chrono::steady_clock;

class socket_watchdog {
 public:
  socket_watchdog() : thread_([this] { run(); }) {}
  ~socket_watchdog() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    woken_.notify_one();
    thread_.join();
  }
  socket_watchdog(const socket_watchdog&) = delete;
  socket_watchdog& operator=(const socket_watchdog&) = delete;

  std::uint64_t watch(int socket, clock_type::time_point deadline) {
    bool sooner = false;
    std::uint64_t ticket = 0;
    {
      std::lock_guard lock(mutex_);
      ticket = ++last_ticket_;
      watches_.push_back({ticket, socket, deadline, false});
      sooner = deadline < wake_at_;
    }
    if (sooner) woken_.notify_one();
    return ticket;
  }

  bool unwatch(std::uint64_t ticket) noexcept {
    std::lock_guard lock(mutex_);
    const auto it =
        std::find_if(watches_.begin(), watches_.end(), [&](const watch_entry& w) { return w.ticket == ticket; });
    if (it == watches_.end()) return false;
    const bool fired = it->fired;
    *it = watches_.back();
    watches_.pop_back();
    return fired;
  }

 private:
  struct watch_entry {
    std::uint64_t ticket;
    int socket;
    clock_type::time_point deadline;
    bool fired;
  };

  void run() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      const auto now = clock_type::now();
      wake_at_ = clock_type::time_point::max();
      for (auto& w : watches_) {
        if (w.fired) continue;
        if (w.deadline <= now) {
          // Both ways: a read waiting for the answer ends (end of file), and so does a write
          // blocked on a full socket buffer. The watch stays until its statement ends, to say so.
          ::shutdown(w.socket, SHUT_RDWR);
          w.fired = true;
        } else {
          wake_at_ = std::min(wake_at_, w.deadline);
        }
      }
      if (wake_at_ == clock_type::time_point::max())
        woken_.wait(lock);
      else
        woken_.wait_until(lock, wake_at_);
    }
  }

  std::mutex mutex_;
  std::condition_variable woken_;
  std::vector<watch_entry> watches_;
  std::uint64_t last_ticket_ = 0;
  clock_type::time_point wake_at_ = clock_type::time_point::max();  // when run() wakes next
  bool stopping_ = false;
  std::thread thread_;  // last: started once the rest is built
};

socket_watchdog& watchdog() {
  static socket_watchdog w;
  return w;
}

}  // namespace

std::uint64_t watch_socket(int socket, std::chrono::steady_clock::time_point deadline) {
  return watchdog().watch(socket, deadline);
}

bool unwatch_socket(std::uint64_t ticket) noexcept { return ticket != 0 && watchdog().unwatch(ticket); }

}  // namespace ar::detail
