#ifndef AR_OBSERVE_HPP
#define AR_OBSERVE_HPP

// The observation point: every statement ar sends passes here, with its SQL text, its bound
// parameters, the database it ran on, how long it took and whether it began a round trip.
// Statement counters, the N+1 guard and a user's query log all hang on it.
//
// A round trip is one wait for the server: the request goes out, the client waits for the answer.
// Each statement is one event; a round trip is counted on the first statement of the request that
// began it (statement_event::new_round_trip), so a pipeline of three statements sent together is
// three events, the first with new_round_trip true and the other two false. Today every statement
// ar sends is its own round trip. On embedded SQLite there is no server and no network: there a
// round trip is one statement's call into the engine, so SQLite counts one per statement, the
// same as a server database sending one statement at a time, and a test of round trips reads the
// same on every backend.

#include <ar/export.hpp>
#include <ar/value.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ar {

class database;

// One statement as an observer sees it, after it ran: valid only during the call.
struct statement_event {
  // The SQL sent, with placeholders.
  std::string_view sql;
  // The values bound to them, in order.
  std::span<const value> params;
  // The name of the database it ran on.
  std::string_view database;
  // How long it took.
  std::chrono::nanoseconds duration;
  // False when the database refused the statement (an ar::database_error follows), or when its
  // connection lost its server and it is sent again on another (an event with `resent` follows).
  bool succeeded;
  // This is the second sending of a statement whose first failed with its connection lost
  // (docs/reliability.md, "A restarted server").
  bool resent = false;
  // True when this statement began a new round trip to the server (its own, today, for every
  // statement), false when it went in a round trip already counted, as the second and later
  // statements of a pipeline do. On SQLite every statement is one (see the top of this header).
  bool new_round_trip = true;
  // The server it ran on: the URL of the database (the writer), or of the reader that served it
  // (open_options::readers), secrets masked.
  std::string_view server = {};
  // It ran on a reader.
  bool on_reader = false;
};

// What ar::observe registers: called once for every statement.
using statement_observer = std::function<void(const statement_event&)>;

// Keeps an observer registered while it lives. Observers run on the thread that ran the
// statement, after it finished; they must not run statements themselves.
class AR_API observer_handle {
 public:
  observer_handle() = default;
  // The handle of the observer registered under `id`.
  explicit observer_handle(std::uint64_t id) noexcept : id_(id) {}
  // Takes over the registration; `other` then holds none.
  observer_handle(observer_handle&& other) noexcept : id_(std::exchange(other.id_, 0)) {}
  // Unregisters the observer it holds, then takes over the registration of `other`.
  observer_handle& operator=(observer_handle&& other) noexcept;
  observer_handle(const observer_handle&) = delete;
  observer_handle& operator=(const observer_handle&) = delete;
  ~observer_handle() { reset(); }
  // Unregisters the observer now (nothing when it holds none).
  void reset() noexcept;

 private:
  std::uint64_t id_ = 0;
};

// Calls `observer` for every statement on every database until the handle is destroyed.
[[nodiscard]] AR_API observer_handle observe(statement_observer observer);

// Counts the statements sent while it lives, and the round trips they took, in all and per
// database, and keeps their SQL.
//
//   ar::statement_counter counter;
//   auto users = ...;
//   assert(counter.count() == 2 && counter.round_trips() == 2);
class AR_API statement_counter {
 public:
  statement_counter();
  statement_counter(const statement_counter&) = delete;
  statement_counter& operator=(const statement_counter&) = delete;

  // The statements counted, on every database.
  std::size_t count() const;
  // The statements counted on the database of this name.
  std::size_t count(std::string_view database_name) const;
  // The statements counted on `db`.
  std::size_t count(const database& db) const;
  // The round trips counted (statement_event::new_round_trip), on every database.
  std::size_t round_trips() const;
  // The round trips counted on the database of this name.
  std::size_t round_trips(std::string_view database_name) const;
  // The round trips counted on `db`.
  std::size_t round_trips(const database& db) const;
  // The statements counted that ran on the server of this URL (statement_event::server: a
  // database's, or a reader's, secrets masked).
  std::size_t count_on(std::string_view server) const;
  // The statements counted that ran on a reader (open_options::readers).
  std::size_t count_on_readers() const;
  // The SQL text of every statement counted, in order.
  std::vector<std::string> statements() const;
  // Forgets the statements and round trips counted so far.
  void reset();

 private:
  struct seen_statement {
    std::string database;
    std::string sql;
    bool new_round_trip;
    std::string server;
    bool on_reader;
  };
  struct state {
    mutable std::mutex mutex;
    std::vector<seen_statement> seen;
  };
  std::shared_ptr<state> state_;
  observer_handle handle_;
};

// The query log: one callback for every statement (replaces the previous one; an empty
// function turns the log off).
AR_API void set_query_log(statement_observer log);
// A query log that writes one line per statement: "[db] 0.042 ms  SQL  -- params: 1, 'x'"; a
// statement a reader ran: "[db on reader URL] ...".
AR_API statement_observer log_to(std::ostream& out);
// The line log_to writes, without the newline.
AR_API std::string format_event(const statement_event& event);

namespace detail {
// True when anything observes statements (skips the clock when nothing does).
AR_API bool observed() noexcept;
AR_API void notify(const statement_event& event);
}  // namespace detail

}  // namespace ar

#endif  // AR_OBSERVE_HPP
