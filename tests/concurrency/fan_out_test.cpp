// The fan-out under every sharded query (ar::detail::on_each_shard): its calls run at the same time
// on worker threads kept between fan-outs, each call runs exactly once, its exceptions come back to
// the caller, and fan-outs started from several threads at once, from inside a call, or wider than
// the pool all finish (the caller runs the calls no worker has taken).

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;

// on_each_shard with a callable.
void fan_out(std::size_t n, const std::function<void(std::size_t)>& call) {
  ar::detail::on_each_shard(
      n, [](void* context, std::size_t i) { (*static_cast<const std::function<void(std::size_t)>*>(context))(i); },
      const_cast<std::function<void(std::size_t)>*>(&call));
}

TEST(fan_out, runs_its_calls_at_the_same_time) {
  // Each call waits (up to 10 s) until all four have begun: run one after another, none would see
  // the others.
  std::mutex m;
  std::condition_variable cv;
  std::size_t arrived = 0;
  std::atomic<std::size_t> saw_all{0};
  fan_out(4, [&](std::size_t) {
    std::unique_lock lock(m);
    ++arrived;
    cv.notify_all();
    if (cv.wait_for(lock, 10s, [&] { return arrived == 4; })) ++saw_all;
  });
  EXPECT_EQ(saw_all.load(), 4U);
}

TEST(fan_out, keeps_its_threads_for_the_next_fan_out) {
  // A worker counts the calls it ran in a thread_local: a thread started per call would never
  // count past one. Each call waits (up to 10 s) until the round's three have begun, so the caller
  // cannot run them all itself before a worker takes one: two of each round's run on workers.
  thread_local std::size_t calls_on_this_thread = 0;
  const std::thread::id caller = std::this_thread::get_id();
  std::atomic<std::size_t> most_on_a_worker{0};
  for (int round = 0; round < 20; ++round) {
    std::mutex m;
    std::condition_variable cv;
    std::size_t arrived = 0;
    fan_out(3, [&](std::size_t) {
      {
        std::unique_lock lock(m);
        ++arrived;
        cv.notify_all();
        cv.wait_for(lock, 10s, [&] { return arrived == 3; });
      }
      const std::size_t here = ++calls_on_this_thread;
      if (std::this_thread::get_id() == caller) return;
      std::size_t was = most_on_a_worker.load();
      while (here > was && !most_on_a_worker.compare_exchange_weak(was, here)) {
      }
    });
  }
  EXPECT_GE(most_on_a_worker.load(), 2U);
}

TEST(fan_out, from_several_threads_at_once_and_from_inside_a_fan_out_runs_each_call_once) {
  constexpr std::size_t threads = 8, rounds = 20, outer = 3, inner = 3;
  std::atomic<std::size_t> leaves{0};
  std::atomic<std::size_t> wrong{0};
  std::vector<std::thread> callers;
  for (std::size_t t = 0; t < threads; ++t) {
    callers.emplace_back([&] {
      for (std::size_t r = 0; r < rounds; ++r) {
        std::vector<std::atomic<int>> ran(outer * inner);
        fan_out(outer, [&](std::size_t i) {
          // A fan-out from inside a call: on a worker, or on the caller's thread.
          fan_out(inner, [&](std::size_t j) {
            ++ran[i * inner + j];
            ++leaves;
          });
        });
        for (const auto& n : ran)
          if (n.load() != 1) ++wrong;
      }
    });
  }
  for (std::thread& t : callers) t.join();
  EXPECT_EQ(leaves.load(), threads * rounds * outer * inner);
  EXPECT_EQ(wrong.load(), 0U) << "a call ran twice or never";
}

TEST(fan_out, wider_than_the_pool_finishes_on_the_callers_thread_too) {
  std::vector<std::atomic<int>> ran(300);
  fan_out(ran.size(), [&](std::size_t i) { ++ran[i]; });
  for (std::size_t i = 0; i < ran.size(); ++i) EXPECT_EQ(ran[i].load(), 1) << "call " << i;
}

TEST(fan_out, rethrows_the_first_calls_exception_after_every_call_returned) {
  std::atomic<std::size_t> finished{0};
  try {
    fan_out(5, [&](std::size_t i) {
      if (i == 1 || i == 3) throw std::runtime_error("call " + std::to_string(i));
      std::this_thread::sleep_for(20ms);
      ++finished;
    });
    ADD_FAILURE() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "call 1");
    EXPECT_EQ(finished.load(), 3U) << "the others had not all returned";
  }
  // The pool still works after a call threw.
  std::atomic<std::size_t> after{0};
  fan_out(3, [&](std::size_t) { ++after; });
  EXPECT_EQ(after.load(), 3U);
}

}  // namespace
