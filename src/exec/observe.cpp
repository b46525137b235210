#include <ar/database.hpp>
#include <ar/observe.hpp>

#include <atomic>
#include <cstdio>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

namespace ar {

namespace {

struct observer_list {
  std::mutex mutex;
  std::uint64_t next_id = 1;
  // Copied on write, so that notify() calls observers without holding the lock.
  std::shared_ptr<const std::vector<std::pair<std::uint64_t, statement_observer>>> observers =
      std::make_shared<const std::vector<std::pair<std::uint64_t, statement_observer>>>();
  statement_observer log;
  std::uint64_t log_id = 0;
};

observer_list& the_list() {
  static observer_list list;
  return list;
}

std::atomic<std::size_t> observer_count{0};

std::uint64_t add(statement_observer observer) {
  auto& l = the_list();
  std::lock_guard lock(l.mutex);
  auto copy = std::make_shared<std::vector<std::pair<std::uint64_t, statement_observer>>>(*l.observers);
  const std::uint64_t id = l.next_id++;
  copy->emplace_back(id, std::move(observer));
  l.observers = std::move(copy);
  observer_count.store(l.observers->size(), std::memory_order_release);
  return id;
}

void remove(std::uint64_t id) noexcept {
  auto& l = the_list();
  std::lock_guard lock(l.mutex);
  auto copy = std::make_shared<std::vector<std::pair<std::uint64_t, statement_observer>>>(*l.observers);
  std::erase_if(*copy, [id](const auto& entry) { return entry.first == id; });
  l.observers = std::move(copy);
  observer_count.store(l.observers->size(), std::memory_order_release);
}

}  // namespace

observer_handle& observer_handle::operator=(observer_handle&& other) noexcept {
  if (this != &other) {
    reset();
    id_ = std::exchange(other.id_, 0);
  }
  return *this;
}

void observer_handle::reset() noexcept {
  if (id_ != 0) remove(std::exchange(id_, 0));
}

observer_handle observe(statement_observer observer) { return observer_handle(add(std::move(observer))); }

namespace detail {

bool observed() noexcept { return observer_count.load(std::memory_order_acquire) != 0; }

void notify(const statement_event& event) {
  std::shared_ptr<const std::vector<std::pair<std::uint64_t, statement_observer>>> snapshot;
  {
    auto& l = the_list();
    std::lock_guard lock(l.mutex);
    snapshot = l.observers;
  }
  for (const auto& [id, observer] : *snapshot) observer(event);
}

}  // namespace detail

statement_counter::statement_counter() : state_(std::make_shared<state>()) {
  handle_ = observe([s = state_](const statement_event& e) {
    std::lock_guard lock(s->mutex);
    s->seen.push_back(seen_statement{std::string(e.database), std::string(e.sql), e.new_round_trip,
                                     std::string(e.server), e.on_reader});
  });
}

std::size_t statement_counter::count() const {
  std::lock_guard lock(state_->mutex);
  return state_->seen.size();
}

std::size_t statement_counter::count(std::string_view database_name) const {
  std::lock_guard lock(state_->mutex);
  std::size_t n = 0;
  for (const auto& s : state_->seen) n += s.database == database_name ? 1 : 0;
  return n;
}

std::size_t statement_counter::count(const database& db) const { return count(db.name()); }

std::size_t statement_counter::round_trips() const {
  std::lock_guard lock(state_->mutex);
  std::size_t n = 0;
  for (const auto& s : state_->seen) n += s.new_round_trip ? 1 : 0;
  return n;
}

std::size_t statement_counter::round_trips(std::string_view database_name) const {
  std::lock_guard lock(state_->mutex);
  std::size_t n = 0;
  for (const auto& s : state_->seen) n += s.new_round_trip && s.database == database_name ? 1 : 0;
  return n;
}

std::size_t statement_counter::round_trips(const database& db) const { return round_trips(db.name()); }

std::size_t statement_counter::count_on(std::string_view server) const {
  std::lock_guard lock(state_->mutex);
  std::size_t n = 0;
  for (const auto& s : state_->seen) n += s.server == server ? 1 : 0;
  return n;
}

std::size_t statement_counter::count_on_readers() const {
  std::lock_guard lock(state_->mutex);
  std::size_t n = 0;
  for (const auto& s : state_->seen) n += s.on_reader ? 1 : 0;
  return n;
}

std::vector<std::string> statement_counter::statements() const {
  std::lock_guard lock(state_->mutex);
  std::vector<std::string> out;
  out.reserve(state_->seen.size());
  for (const auto& s : state_->seen) out.push_back(s.sql);
  return out;
}

void statement_counter::reset() {
  std::lock_guard lock(state_->mutex);
  state_->seen.clear();
}

void set_query_log(statement_observer log) {
  auto& l = the_list();
  std::uint64_t old = 0;
  {
    std::lock_guard lock(l.mutex);
    old = std::exchange(l.log_id, 0);
  }
  if (old != 0) remove(old);
  if (log) {
    const std::uint64_t id = add(std::move(log));
    std::lock_guard lock(l.mutex);
    l.log_id = id;
  }
}

std::string format_event(const statement_event& event) {
  char ms[32];
  std::snprintf(ms, sizeof ms, "%.3f ms", std::chrono::duration<double, std::milli>(event.duration).count());
  std::string line = "[" + std::string(event.database) +
                     (event.on_reader ? " on reader " + std::string(event.server) : std::string()) + "] " + ms + "  " +
                     std::string(event.sql);
  if (!event.params.empty()) {
    line += "  -- params: ";
    for (std::size_t i = 0; i < event.params.size(); ++i) {
      if (i) line += ", ";
      line += to_string(event.params[i]);
    }
  }
  if (!event.succeeded) line += "  (failed)";
  if (event.resent) line += "  (resent: the connection was lost)";
  return line;
}

statement_observer log_to(std::ostream& out) {
  return [&out](const statement_event& e) { out << format_event(e) << '\n'; };
}

}  // namespace ar
