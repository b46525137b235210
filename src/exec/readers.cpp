// Read replicas (open_options::readers, docs/scaling.md): which server a read goes to, reads moved
// to the next server when one cannot be reached, and the writes after which a thread reads from
// the writer for a while (read_your_writes).

#include "exec/database_state.hpp"

#include <ar/error.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

namespace ar::detail {

namespace {

std::int64_t now_ticks() noexcept { return std::chrono::steady_clock::now().time_since_epoch().count(); }

std::int64_t ticks_of(std::chrono::milliseconds d) noexcept {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(d).count();
}

// The writes this thread made last, on a few writers: until when its reads of each stay on it.
struct write_note {
  std::uint64_t writer = 0;  // its serial
  std::int64_t until = 0;
};
thread_local std::array<write_note, 4> write_notes;

bool reads_own_writes(const database_state& writer) noexcept {
  for (const write_note& n : write_notes)
    if (n.writer == writer.serial) return now_ticks() < n.until;
  return false;
}

// Whether a read of `writer` by this thread stays on the writer whatever the readers: a transaction
// (every statement in it runs on its connection), a cursor lending its connection (a stream's
// batch loads), or a write of this thread within read_your_writes.
bool stays_on_writer(const database_state& writer) noexcept {
  return transaction_connection(writer) != nullptr || lent_connection(writer) != nullptr || reads_own_writes(writer);
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
  const std::int64_t until = now_ticks() + ticks_of(db.read_your_writes);
  write_note* slot = &write_notes[0];
  for (write_note& n : write_notes) {
    if (n.writer == db.serial) {
      slot = &n;
      break;
    }
    if (n.until < slot->until) slot = &n;  // else the one that ends first
  }
  *slot = write_note{db.serial, until};
}

run_result run_read_erased(database_state& writer, const std::size_t& rows,
                           run_result (*run)(void* context, database_state& server), void* context) {
  if (stays_on_writer(writer)) return run(context, writer);
  // The readers in turn from the next one, those left out skipped; then the writer.
  const std::size_t n = writer.readers.size();
  const std::size_t first = writer.next_reader.fetch_add(1, std::memory_order_relaxed);
  std::string failures;
  std::size_t skipped = 0;
  for (std::size_t k = 0; k <= n; ++k) {
    const bool is_writer = k == n;
    database_state& server = is_writer ? writer : *writer.readers[(first + k) % n];
    if (!is_writer) {
      const std::int64_t down = server.down_until.load(std::memory_order_relaxed);
      if (down != 0 && now_ticks() < down) {
        ++skipped;
        continue;
      }
    }
    std::exception_ptr failure;
    try {
      return run(context, server);
    } catch (...) {
      failure = std::current_exception();
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
