#ifndef AR_SRC_EXEC_DATABASE_STATE_HPP
#define AR_SRC_EXEC_DATABASE_STATE_HPP

// One open database as the execution layer holds it: its pool of connections (each a backend
// connection, ar/backend/driver.hpp, with its statement cache) and the SQL rendered for it.

#include "exec/statement_cache.hpp"
#include "sql/select_shapes.hpp"

#include <ar/backend/dialect.hpp>
#include <ar/backend/driver.hpp>
#include <ar/detail/crud_sql.hpp>
#include <ar/detail/execute.hpp>
#include <ar/error.hpp>

#include <atomic>
#include <cstdint>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <exception>
#include <vector>

namespace ar::detail {

struct crud_key {
  const table_meta* table;
  crud_kind kind;
  std::size_t rows;
  friend bool operator==(const crud_key&, const crud_key&) = default;
};

struct crud_key_hash {
  std::size_t operator()(const crud_key& k) const noexcept {
    return std::hash<const void*>{}(k.table) ^ (static_cast<std::size_t>(k.kind) << 1) ^ (k.rows << 8);
  }
};

// The transaction open on a connection, as ar::transaction and the execution layer see it.
struct transaction_state {
  // 0: none; 1: a transaction; 1 + n: with n savepoints (nested ar::transaction) open in it.
  std::uint32_t depth = 0;
  // How the server ended the transaction, or refuses to go on with it, after a statement in it
  // failed: every statement is then refused unsent (ar::transaction_aborted) until a rollback
  // (to a savepoint, for `refused`) or the transaction's end.
  // `ended`: a statement that succeeded in it ended it (cause: that statement); the server holds
  // no transaction, and nothing is to be rolled back.
  enum class abort : std::uint8_t { none, refused, rolled_back, ended } aborted = abort::none;
  error_kind cause_kind = error_kind::other;
  std::string cause;  // the backend's message for the failure
  // A statement in it other than a SELECT changed rows (it affected or returned some): what an XA
  // transaction needs to be kept prepared through a restart of its server (src/exec/distributed.cpp).
  bool changed_rows = false;
  // What runs when the transaction ends (after_commit / after_rollback callbacks, ar/callbacks.hpp),
  // in the order queued; `depth` is the level it was queued at: a savepoint's release hands its
  // entries to the level around it, its rollback runs their on_rollback.
  struct end_callback {
    std::uint32_t depth;
    std::function<void()> on_commit;
    std::function<void()> on_rollback;
  };
  std::vector<end_callback> end_callbacks;
};

// One connection of a database's pool, with the statements prepared on it. Only the thread that
// holds it (through a cursor, a transaction or a stream) touches its backend connection and
// statements.
struct connection {
  explicit connection(std::size_t statement_cache_size) noexcept : statements(statement_cache_size) {}

  // The backend's connection, and the statements prepared on it: after it, so that they go first
  // (SQLite refuses to close a connection with statements left).
  std::unique_ptr<backend::connection> backend;
  statement_cache<backend::statement> statements;
  // Set by clear_statement_cache while another thread holds the connection: its holder clears.
  std::atomic<bool> clear_requested{false};
  // Transactions and streams keeping it out of the pool (guarded by the pool's mutex).
  std::size_t pins = 0;
  // A cursor is running on it.
  bool busy = false;
  // It lost its server: dropped instead of going back to the pool.
  bool broken = false;
  // The backend says it has a server it can lose (backend::connection::has_server): only then is
  // an idle connection asked whether it is alive, and its idle time kept.
  bool has_server = false;

  // When it last went back to the pool (kept only for connections that have a server).
  std::chrono::steady_clock::time_point idle_since{};

  // Whether an idle connection still has its server (no round trip). One given back less than
  // `checked_after` ago is taken as alive: no server restarts that fast (a statement on it would
  // find no server to reconnect to anyway), and a busy pool pays a clock read, not a syscall.
  static constexpr std::chrono::milliseconds checked_after{10};
  bool alive() const noexcept {
    if (!has_server) return true;
    if (std::chrono::steady_clock::now() - idle_since < checked_after) return true;
    return backend->alive();
  }
  void went_idle() noexcept {
    if (has_server) idle_since = std::chrono::steady_clock::now();
  }
  // Its holder's transaction (only the holder touches it).
  transaction_state tx;
  // The statement timeout its backend connection was last given (apply_timeout).
  std::chrono::milliseconds timeout{0};

  void clear_statements() noexcept {
    statements.clear();
    clear_requested.store(false, std::memory_order_relaxed);
  }
};

// What database_state::connect throws: the server could not be reached, or a new connection to it
// could not be set up. An ar::connection_error to the program; to the readers' routing
// (src/exec/readers.cpp), a server to leave out, as against a pool whose connections are all busy.
class unreachable_server : public connection_error {
 public:
  using connection_error::connection_error;
};

// One open database: a pool of connections and the SQL rendered for it.
class database_state {
 public:
  database_state(std::string name, std::string url, const ar::dialect& dialect, std::size_t pool_size,
                 std::chrono::milliseconds wait, std::vector<std::string> on_connect, std::size_t statement_cache_size);
  ~database_state();

  const std::string name;
  const std::string url;
  const ar::dialect& dialect;
  const std::size_t pool_size;
  const std::chrono::milliseconds wait;
  const std::vector<std::string> on_connect;
  // The most statements each connection keeps prepared (0: none).
  const std::size_t statement_cache_size;
  // What the driver connects with (the dialect's reading of the URL), the secrets in it (passwords:
  // masked in every message), and the URL as shown (database::url(), messages): secrets masked.
  const std::string driver_connection;
  const std::vector<std::string> secrets;
  const std::string shown_url;
  // open_options::statement_timeout and connect_timeout (0: none); set before the database is shared.
  std::chrono::milliseconds statement_timeout{0};
  std::chrono::milliseconds connect_timeout{0};
  // open_options::naming; set before the database is shared.
  ar::naming naming;
  // Its backend's driver (ar/backend/driver.hpp), found by the dialect's driver_name().
  const backend::driver* driver = nullptr;
  // Its connections go through a transaction pooler (backend::driver::transaction_pooled): no
  // session setup, no on_connect, no readers, streams inside a transaction. Set before it is shared.
  bool transaction_pooled = false;
  // Statements prepared on its connections, cached or for one execution (any thread adds).
  std::atomic<std::uint64_t> statements_prepared{0};
  // A hash of dialect::database_identity_sql()'s answer with bit 32 set, read once (by two-phase
  // commit and its recovery, src/exec/distributed.cpp); 0: not read yet.
  std::atomic<std::uint64_t> identity_hash{0};

  // A connection for the calling thread: an idle one, a new one while the pool has room, or the
  // next one released (waiting up to `wait`); owned: true. An idle connection whose server went
  // away meanwhile (connection::alive) is dropped, and the next idle one or a new one taken. When the pool is exhausted and this
  // thread holds one of its connections already, it would wait for itself: it gets a connection it
  // pinned (a stream's, free between batches) if one is free (owned: false), else an error. Throws
  // when the database is closed and when the wait times out.
  std::pair<connection*, bool> acquire();
  // Gives a connection back (or drops it when it is broken or the database closed).
  void release(connection* c) noexcept;
  // Pins keep a held connection out of the pool; the last unpin gives it back.
  void pin(connection* c) noexcept;
  void unpin(connection* c) noexcept;
  // Opens a connection and runs the dialect's and the program's setup statements on it.
  std::unique_ptr<connection> connect();

  bool closed() const noexcept { return closed_.load(std::memory_order_acquire); }
  // Drops the idle connections now and the others when they are released.
  void close() noexcept;
  std::size_t open_connections() const;
  std::size_t cached_statements() const;
  void clear_statement_cache();

  // Rendered CRUD statements, by table, kind and row count.
  std::mutex crud_mutex;
  std::unordered_map<crud_key, hashed_sql, crud_key_hash> crud;
  // Rendered SELECT statements of queries, by shape (src/query/read.cpp).
  select_shapes selects;

  // open_options::readers (src/exec/readers.cpp): the servers its reads may go to, each a state of
  // its own under the same name (its pool, statements and kept SELECTs); empty for a database
  // without readers and for a reader itself. Set before the database is shared.
  std::vector<std::shared_ptr<database_state>> readers;
  // This state is a reader of another's.
  bool is_reader = false;
  // open_options::read_your_writes, reader_retry and reader_max_lag (of the writer).
  std::chrono::milliseconds read_your_writes{0};
  std::chrono::milliseconds reader_retry{0};
  std::optional<std::chrono::milliseconds> reader_max_lag;
  // The dialect knows replication positions (dialect::write_position_sql): read-your-writes by
  // position, else by the window. Set before the database is shared.
  bool knows_positions = false;
  // Replication positions as ar last read them (src/exec/readers.cpp), guarded by the mutex. Of a
  // writer: its positions, oldest first, each with when it was first read (steady_clock ticks), a
  // few kept; and when its position was read last. Of a reader: the position it had replayed up
  // to (empty: not known) and when that was read (0: never).
  struct position_sample {
    std::string position;
    std::int64_t since = 0;
  };
  std::mutex positions_mutex;
  std::vector<position_sample> written;
  std::int64_t written_read_at = 0;
  std::string replayed;
  std::int64_t replayed_read_at = 0;
  // A reader that could not be reached is left out until then (steady_clock ticks; 0: it is not).
  std::atomic<std::int64_t> down_until{0};
  // The reader the next read starts from (of the writer).
  std::atomic<std::size_t> next_reader{0};
  // Unique among the states the program makes (a closed database's state may be followed by
  // another at the same address): what a thread's note of its last write is keyed by.
  const std::uint64_t serial = next_serial();

 private:
  static std::uint64_t next_serial() noexcept;

  mutable std::mutex pool_mutex_;
  std::condition_variable released_;
  std::vector<std::unique_ptr<connection>> idle_;
  std::vector<connection*> all_;  // idle and held
  std::size_t connecting_ = 0;    // connections being opened outside the lock
  std::atomic<bool> closed_{false};
};

// The connection the calling thread's open transaction on `db` runs on, or nullptr; every statement
// the thread sends to `db` goes there while it is open.
connection* transaction_connection(const database_state& db) noexcept;
// The connection a cursor of the calling thread lends to its statements on `db` (cursor::lend),
// or nullptr; while lent, they run on it beside the cursor's statement.
connection* lent_connection(const database_state& db) noexcept;
void lend_connection(const database_state& db, connection* c);
void end_lend_connection(const database_state& db, connection* c) noexcept;
void begin_thread_transaction(const database_state& db, connection* c);
void end_thread_transaction(const database_state& db) noexcept;
// A SELECT (leading blanks and parentheses aside): ar's reads, or a program's through execute
// (src/exec/execution.cpp).
bool is_select(std::string_view sql) noexcept;
// A SELECT written by hand that a reader may run: no locking clause (FOR UPDATE, FOR SHARE, LOCK IN
// SHARE MODE) and no INTO (src/exec/readers.cpp).
bool reader_may_run(std::string_view sql) noexcept;

// --- readers (src/exec/readers.cpp) -----------------------------------------------------------------

// Runs a read of `writer` (run(server), a call that runs one statement on a database state) on the
// server it goes to: a reader when the writer has some and this thread holds no transaction or
// cursor on it, nor wrote to it within read_your_writes; else the writer. A reader that cannot be
// reached (unreachable_server, or error_kind::connection_lost before any row was handed over:
// `rows` counts them) is left out for reader_retry, and the read runs on the next, then on the
// writer; ar::no_server_error when none could serve it.
run_result run_read_erased(database_state& writer, const std::size_t& rows,
                           run_result (*run)(void* context, database_state& server), void* context);
template <class Run>
run_result run_read(database_state& writer, const std::size_t& rows, Run&& run) {
  if (writer.readers.empty()) return run(writer);
  return run_read_erased(
      writer, rows,
      [](void* c, database_state& server) { return (*static_cast<std::remove_reference_t<Run>*>(c))(server); }, &run);
}
// A statement that changed data ran on `db` (a writer with readers): this thread's reads go to a
// reader only once it replayed the write (by position; where positions are not known, once
// read_your_writes has passed), else to the writer.
void note_write(const database_state& db) noexcept;
// Leaves a reader out of the reads for `retry` (open_options::reader_retry): it could not be reached.
void leave_out(database_state& reader, std::chrono::milliseconds retry) noexcept;
// An exception's sentence, for a message that reports it (what(), or that it was no std::exception).
std::string describe_failure(const std::exception_ptr& failure);

// Counts the changes to the open databases and to the models' bindings (src/exec/registry.cpp): what
// was found out about where models live holds while it is unchanged.
std::uint64_t registry_generation() noexcept;
// run() for a statement whose statement_hash is known (`hash`, when not null: a kept statement's),
// which the statement cache then looks it up by (src/exec/execution.cpp).
run_result run_hashed(database_state& db, std::string_view sql, const std::size_t* hash, std::span<const value> params,
                      std::span<const column_binding> columns, row_callback on_row);
// Runs each of the end callbacks' on_commit (committed) or on_rollback, each even when one before
// it threw; returns the first exception (src/exec/transaction.cpp; distributed.cpp too).
std::exception_ptr run_end_callbacks(std::vector<transaction_state::end_callback>& list, bool committed) noexcept;

}  // namespace ar::detail

#endif  // AR_SRC_EXEC_DATABASE_STATE_HPP
