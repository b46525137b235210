// Read replicas (open_options::readers, docs/scaling.md): which server a read goes to, reads moved
// to the next server when one cannot be reached, and the writes after which a thread reads from
// the writer for a while (read_your_writes).

#include "exec/database_state.hpp"

#include <ar/detail/erased_tables.hpp>
#include <ar/error.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ar::detail {

namespace {

std::int64_t now_ticks() noexcept { return std::chrono::steady_clock::now().time_since_epoch().count(); }

std::int64_t ticks_of(std::chrono::milliseconds d) noexcept {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(d).count();
}

// The writes this thread made last, on a few writers: what its reads of each wait for. A reader
// serves them once it replayed `position` (the writer's, read at the thread's first read after the
// write: owed until then), or, where positions are not known, once the window ends at `until`.
// `served`: the readers (bit i: writer.readers[i]) known to have what the thread wrote; the note is
// spent when all are.
struct write_note {
  std::uint64_t writer = 0;  // its serial
  std::int64_t until = 0;
  bool by_position = false;
  bool owes_position = false;
  std::string position;
  std::uint64_t served = 0;
  std::uint64_t all = 0;

  bool live(std::int64_t now) const noexcept { return served != all && (by_position || now < until); }
};
thread_local std::array<write_note, 4> write_notes;

write_note* note_of(const database_state& writer) noexcept {
  for (write_note& n : write_notes)
    if (n.writer == writer.serial) return n.live(now_ticks()) ? &n : nullptr;
  return nullptr;
}

// Whether a read of `writer` by this thread stays on the writer whatever the readers: a transaction
// (every statement in it runs on its connection) or a cursor lending its connection (a stream's
// batch loads).
bool stays_on_writer(const database_state& writer) noexcept {
  return transaction_connection(writer) != nullptr || lent_connection(writer) != nullptr;
}

// A failure that says the server cannot be reached (rather than that it refused the statement).
bool unreachable(const std::exception_ptr& failure) noexcept {
  try {
    std::rethrow_exception(failure);
  } catch (const unreachable_server&) {
    return true;
  } catch (const database_error& e) {
    return e.kind() == error_kind::connection_lost;
  } catch (...) {
    return false;
  }
}

}  // namespace

bool reader_may_run(std::string_view sql) noexcept {
  if (!is_select(sql)) return false;
  // The words, lowercased, between blanks: a locking clause or INTO anywhere keeps it on the writer
  // (a word inside a string literal too, which only costs a read on the writer).
  std::string lowered(sql);
  for (char& c : lowered) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c == '\n' || c == '\t' || c == '\r' || c == '(' || c == ')') c = ' ';
  }
  for (const std::string_view word :
       {" for update", " for share", " for no key update", " for key share", " lock in share mode", " into "})
    if (lowered.find(word) != std::string::npos) return false;
  return true;
}

void leave_out(database_state& reader, std::chrono::milliseconds retry) noexcept {
  reader.down_until.store(now_ticks() + ticks_of(retry), std::memory_order_relaxed);
}

std::string describe_failure(const std::exception_ptr& failure) {
  try {
    std::rethrow_exception(failure);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "an unknown exception";
  }
}

void note_write(const database_state& db) noexcept {
  if (db.read_your_writes.count() == 0) return;
  const std::int64_t now = now_ticks();
  write_note* slot = &write_notes[0];
  for (write_note& n : write_notes) {
    if (n.writer == db.serial) {
      slot = &n;
      break;
    }
    // A spent note's slot, else the one whose window ends first.
    if (!n.live(now) || (slot->live(now) && n.until < slot->until)) slot = &n;
  }
  slot->writer = db.serial;
  slot->until = now + ticks_of(db.read_your_writes);
  slot->by_position = db.knows_positions;
  slot->owes_position = db.knows_positions;
  slot->position.clear();
  slot->served = 0;
  const std::size_t n = db.readers.size();
  slot->all = n >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << n) - 1;
}

namespace {

constexpr std::chrono::milliseconds replay_refresh{20};

// One text value from `sql` on `server` (empty for NULL or no row).
std::string read_position(database_state& server, const std::string& sql) {
  std::optional<std::string> got;
  const std::array<column_binding, 1> columns{bind_column(got)};
  run(server, sql, {}, columns);
  return got.value_or(std::string());
}

// The writer's position now, kept among its samples (for the lag of its readers); empty when it
// cannot be read (the failure is the read's to meet on the writer, if it goes there).
std::string read_written(database_state& writer) {
  std::string position;
  try {
    position = read_position(writer, writer.dialect.write_position_sql());
  } catch (...) {
    return {};
  }
  const std::int64_t now = now_ticks();
  std::lock_guard lock(writer.positions_mutex);
  // A new position counts from the read before it, when the writer was still short of it: a
  // reader short of it has missed nothing older than that.
  const std::int64_t before = writer.written_read_at != 0 ? writer.written_read_at : now;
  writer.written_read_at = now;
  if (!position.empty() && (writer.written.empty() || writer.written.back().position != position)) {
    if (writer.written.size() == 16) writer.written.erase(writer.written.begin());
    writer.written.push_back({position, before});
  }
  return position;
}

// What `reader` replayed up to, read again when older than replay_refresh or when `reached` says
// the kept one falls short; empty: not known (not a replica, or the statement failed). Throws
// unreachable_server and lost connections: the reader is left out.
template <class Reached>
std::string replayed_by(database_state& writer, database_state& reader, const Reached& reached) {
  const std::int64_t now = now_ticks();
  {
    std::lock_guard lock(reader.positions_mutex);
    const bool fresh = reader.replayed_read_at != 0 && now - reader.replayed_read_at < ticks_of(replay_refresh);
    // A position it could not tell is asked again after reader_retry.
    const bool unknown_kept = reader.replayed_read_at != 0 && reader.replayed.empty() &&
                              now - reader.replayed_read_at < ticks_of(writer.reader_retry);
    if (fresh || unknown_kept || (reader.replayed_read_at != 0 && !reader.replayed.empty() && reached(reader.replayed)))
      return reader.replayed;
  }
  std::string position;
  std::exception_ptr failure;
  try {
    position = read_position(reader, writer.dialect.replay_position_sql());
  } catch (...) {
    failure = std::current_exception();
  }
  if (failure && unreachable(failure)) std::rethrow_exception(failure);
  std::lock_guard lock(reader.positions_mutex);
  reader.replayed = position;
  reader.replayed_read_at = now_ticks();
  return position;
}

// Whether `reader` (writer.readers[index]) may serve this thread's read: it replayed what the
// thread wrote (the note), and it is within the lag bound.
bool may_serve(database_state& writer, database_state& reader, std::size_t index, write_note* note) {
  const std::uint64_t bit = index < 64 ? std::uint64_t{1} << index : 0;
  if (note != nullptr && (note->served & bit) == 0) {
    bool served = false;
    if (note->by_position) {
      const dialect& d = writer.dialect;
      const std::string replayed = replayed_by(writer, reader, [&](const std::string& r) {
        return !note->position.empty() && d.position_reached(r, note->position);
      });
      if (!replayed.empty() && note->owes_position) {
        note->position = read_written(writer);
        note->owes_position = false;
      }
      if (!replayed.empty() && !note->position.empty()) {
        served = d.position_reached(replayed, note->position);
      } else {
        served = now_ticks() >= note->until;  // not known: the window
      }
    } else {
      served = now_ticks() >= note->until;
    }
    if (!served) return false;
    note->served |= bit;
  }
  if (!writer.reader_max_lag) return true;
  // The lag bound: since when the reader may have missed a write. Of the writer's positions, the
  // oldest it is short of counts from the read of the writer's position before it (the writer
  // was short of it then); short of none, from the writer's last read, at most half the bound ago.
  const std::int64_t bound = ticks_of(*writer.reader_max_lag);
  const dialect& d = writer.dialect;
  bool stale = false;
  std::string latest;  // the writer's newest kept position
  {
    std::lock_guard lock(writer.positions_mutex);
    stale = now_ticks() - writer.written_read_at >= std::max(bound / 2, ticks_of(replay_refresh));
    if (!stale && !writer.written.empty()) latest = writer.written.back().position;
  }
  if (stale) {
    (void)read_written(writer);  // a failure leaves the positions kept before
    std::lock_guard lock(writer.positions_mutex);
    if (!writer.written.empty()) latest = writer.written.back().position;
  }
  const std::string replayed = replayed_by(
      writer, reader, [&](const std::string& r) { return latest.empty() || d.position_reached(r, latest); });
  if (replayed.empty()) return false;  // a lag that cannot be known is not within the bound
  // The writer's positions only grow, so the reader reached the oldest of them up to some point:
  // walked from the newest (usually reached, one comparison), under the lock, nothing copied.
  std::lock_guard lock(writer.positions_mutex);
  const std::vector<database_state::position_sample>& written = writer.written;
  std::size_t reached = written.size();
  while (reached > 0 && !d.position_reached(replayed, written[reached - 1].position)) --reached;
  return reached == written.size() || now_ticks() - written[reached].since <= bound;
}

}  // namespace

run_result run_read_erased(database_state& writer, const std::size_t& rows,
                           run_result (*run)(void* context, database_state& server), void* context) {
  if (stays_on_writer(writer)) return run(context, writer);
  write_note* const note = note_of(writer);
  const bool checked = note != nullptr || writer.reader_max_lag.has_value();
  // The readers in turn from the next one, those left out skipped, and those that have not
  // replayed this thread's write or lag beyond the bound; then the writer.
  const std::size_t n = writer.readers.size();
  const std::size_t first = writer.next_reader.fetch_add(1, std::memory_order_relaxed);
  std::string failures;
  std::size_t skipped = 0;
  for (std::size_t k = 0; k <= n; ++k) {
    const bool is_writer = k == n;
    const std::size_t index = (first + k) % n;
    database_state& server = is_writer ? writer : *writer.readers[index];
    std::exception_ptr failure;
    if (!is_writer) {
      const std::int64_t down = server.down_until.load(std::memory_order_relaxed);
      if (down != 0 && now_ticks() < down) {
        ++skipped;
        continue;
      }
      if (checked) {
        try {
          if (!may_serve(writer, server, index, note)) continue;
        } catch (...) {
          failure = std::current_exception();  // unreachable: reading its position
        }
      }
    }
    if (!failure) {
      try {
        return run(context, server);
      } catch (...) {
        failure = std::current_exception();
      }
    }
    // A statement the server refused fails as it would without readers; rows handed over already
    // cannot be taken back.
    if (rows != 0 || !unreachable(failure)) std::rethrow_exception(failure);
    if (!is_writer) leave_out(server, writer.reader_retry);
    failures +=
        std::string("\n  ") + (is_writer ? "writer " : "reader ") + server.shown_url + ": " + describe_failure(failure);
  }
  std::string message = "ar: database '" + writer.name + "': no server could serve the read:" + failures;
  if (skipped != 0)
    message += "\n  " + std::to_string(skipped) + " reader" + (skipped == 1 ? " was" : "s were") +
               " left out, unreachable less than open_options::reader_retry ago";
  throw no_server_error(message);
}

}  // namespace ar::detail
