// PostgreSQL's driver (ar/backend/driver.hpp): SOCI opens and holds the connection; statements are
// prepared, run and read with libpq on it, without SOCI's statement layer (its per-row into
// machinery costs 1.16-1.32x hand-written SOCI when reading thousands of rows).
//
// ar's statements come with libpq's own $1, $2, ... placeholders (the dialect writes them) and are
// sent as they are. What it keeps of the SOCI path, so that both behave alike: in a text written by
// hand (db.execute), SOCI's :name placeholders become $1, $2, ... in the order they appear; values go as text, written as SOCI writes them (a bool as 1 or 0, a
// time point through format_time); results come back as text and are read by the type of their
// column (PQftype) with the rules of ar/backend/store.hpp, so that no text is ever read as a number nor t
// as 1; a statement without parameters that runs once goes through the simple query protocol
// (PQsendQuery), which takes several statements in one text. Every call waits for its whole result,
// so that nothing is ever left pending on the connection (SOCI's BEGIN and COMMIT share it), except
// a statement past its timeout, whose connection is then dropped.
//
// Through a transaction pooler (pooler=transaction in the connection string: pgbouncer's
// pool_mode = transaction), each transaction, or each statement outside one, may run on another
// server connection: nothing may live on one from a transaction to the next. Statements then go
// unnamed (PQsendQueryParams: Parse, Bind and Execute in one message sequence, the values as
// protocol-level parameters, never spliced), no statement_timeout is SET (the client sends a
// cancel request, PQcancel, when the timeout passes, and the server's answer to it, SQLSTATE
// 57014, is the same timeout error), and notices below WARNING are dropped by the client, as the
// dialect's SET client_min_messages does on a direct connection (the core runs no setup there).

#include "backends/soci_common/soci_session.hpp"

#include <ar/backend/driver.hpp>

#include <libpq-fe.h>
#include <soci/soci.h>
#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace ar::backends {

namespace postgresql_native {

PGconn* session_handle(soci::session& session);  // postgresql_session_handle.cpp

std::optional<std::string> take_pooler(std::string& connection_string) {
  // A URI (postgresql://..., or what follows the scheme: user@host/db?...): a pooler=... pair of
  // its query; else a keyword=value word.
  const std::size_t query = connection_string.find('?');
  const std::string_view head = std::string_view(connection_string).substr(0, query);
  if (connection_string.find("://") != std::string::npos ||
      (query != std::string::npos && head.find_first_of("= ") == std::string_view::npos)) {
    if (query == std::string::npos) return std::nullopt;
    for (std::size_t at = query + 1; at < connection_string.size();) {
      const std::size_t end = std::min(connection_string.find('&', at), connection_string.size());
      if (connection_string.compare(at, 7, "pooler=") == 0 && at + 7 <= end) {
        std::string value = connection_string.substr(at + 7, end - at - 7);
        // The pair and the separator before it ('?' stays when another pair follows).
        if (end < connection_string.size())
          connection_string.erase(at, end + 1 - at);
        else
          connection_string.erase(at - 1);
        return value;
      }
      at = end + 1;
    }
    return std::nullopt;
  }
  for (std::size_t at = 0; at < connection_string.size();) {
    while (at < connection_string.size() && connection_string[at] == ' ') ++at;
    std::size_t end = at;
    while (end < connection_string.size() && connection_string[end] != ' ') ++end;
    if (connection_string.compare(at, 7, "pooler=") == 0 && at + 7 <= end) {
      std::string value = connection_string.substr(at + 7, end - at - 7);
      connection_string.erase(at, end - at);
      return value;
    }
    // A quoted value may hold spaces: skip to its closing quote.
    const std::size_t quote = connection_string.find('\'', at);
    if (quote != std::string::npos && quote < end) {
      std::size_t close = quote + 1;
      while (close < connection_string.size() && connection_string[close] != '\'')
        close += connection_string[close] == '\\' ? 2 : 1;
      end = std::max(end, std::min(close + 1, connection_string.size()));
      while (end < connection_string.size() && connection_string[end] != ' ') ++end;
    }
    at = end;
  }
  return std::nullopt;
}

namespace {

using backend::column_binding;

struct result_deleter {
  void operator()(PGresult* r) const noexcept { PQclear(r); }
};
using result_ptr = std::unique_ptr<PGresult, result_deleter>;

// The native side of one connection, shared by its statements.
//
// Statements are sent with libpq's asynchronous calls (PQsend*) and their results collected with
// PQgetResult, as PQexec does; under a statement timeout (set_statement_timeout) the server's own
// statement_timeout stops a long statement (SQLSTATE 57014: an ar::timeout_error, and the
// connection is usable), and the client waits on the socket with poll() no longer than the timeout
// plus `grace`: a server that has not answered by then (frozen, or cut off) is given up, without a
// cancel request (which a frozen server would not answer either), and the connection is dropped.
struct link {
  link(PGconn* c, bool through_pooler) noexcept : conn(c), pooled(through_pooler) {}

  PGconn* conn;
  // Through a transaction pooler: unnamed statements, the timeout enforced by a cancel request.
  const bool pooled;
  // SOCI's session, which opened `conn` and closes it: the link goes last, after every statement.
  std::unique_ptr<soci::session> session;
  std::uint64_t statements = 0;  // names the next prepared statement
  // Prepared statements dropped while the transaction had failed (which refuses DEALLOCATE):
  // deallocated before the next statement runs outside a failed transaction.
  std::vector<std::string> to_deallocate;
  // The statement timeout (0: none), and the statement_timeout the server has (-1: not known, a
  // SET made inside a transaction that has ended since, which may have rolled it back).
  std::chrono::milliseconds timeout{0};
  long long server_timeout = 0;
  bool server_timeout_in_transaction = false;
  // Given up on after a timeout: a statement may still be running there.
  bool abandoned = false;

  // How much longer than the server's statement_timeout the client waits for its answer.
  static constexpr std::chrono::milliseconds grace{500};

  bool lost() const noexcept { return abandoned || PQstatus(conn) == CONNECTION_BAD; }

  [[noreturn]] void fail(const PGresult* r) const {
    std::string message = r ? PQresultErrorMessage(r) : "";
    if (message.empty()) message = PQerrorMessage(conn);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
    if (message.empty()) message = "libpq returned no result";
    const char* sqlstate = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    std::string code = sqlstate ? sqlstate : "";
    // query_canceled (57014) is what the server's statement_timeout raises.
    const bool timed_out = timeout.count() > 0 && code == "57014";
    throw backend::driver_error(message, lost(), code, kind_of(code), timed_out);
  }

  // The SQLSTATEs a transaction run again may not meet, and those of a refusing constraint.
  static error_kind kind_of(std::string_view sqlstate) noexcept {
    if (sqlstate == "40001") return error_kind::serialization_failure;
    if (sqlstate == "40P01") return error_kind::deadlock;
    if (sqlstate == "55P03") return error_kind::lock_timeout;
    if (sqlstate == "23503") return error_kind::foreign_key_violation;
    if (sqlstate == "23505") return error_kind::unique_violation;
    if (sqlstate == "23514") return error_kind::check_violation;
    if (sqlstate == "23502") return error_kind::not_null_violation;
    return error_kind::other;
  }

  // The result if it is one of a statement that ran; else an error.
  result_ptr check(result_ptr r) const {
    if (r) {
      switch (PQresultStatus(r.get())) {
        case PGRES_COMMAND_OK:
        case PGRES_TUPLES_OK:
        case PGRES_EMPTY_QUERY: return r;
        default: break;
      }
    }
    fail(r.get());
  }

  // Sends a command (`send` returns PQsend*'s answer) and collects its results: the first error
  // if there is one, else the last result, as PQexec. Within the timeout and grace when there is one.
  // Through a pooler the server has no statement_timeout of the connection's: at the timeout the
  // client asks the server to cancel the statement (the pooler forwards the request to the server
  // connection that runs it), then waits `grace` more for its answer before giving up.
  template <class Send>
  result_ptr run(Send send) {
    if (abandoned) throw backend::driver_error("the connection was given up after a statement timed out on it", true);
    std::optional<std::chrono::steady_clock::time_point> deadline;
    bool cancel_at_deadline = false;
    if (timeout.count() > 0) {
      deadline = std::chrono::steady_clock::now() + timeout + (pooled ? std::chrono::milliseconds{0} : grace);
      cancel_at_deadline = pooled;
    }
    auto wait_within = [&](short events) {
      if (wait(events, deadline)) return;
      if (!cancel_at_deadline) give_up();
      cancel_at_deadline = false;
      cancel();
      deadline = std::chrono::steady_clock::now() + grace;
    };
    if (send() == 0) fail(nullptr);
    // The connection is non-blocking (attach): what the socket did not take yet is flushed here,
    // within the deadline, so that a large statement to a frozen server cannot block either.
    for (int pending = PQflush(conn); pending != 0; pending = PQflush(conn)) {
      if (pending < 0) fail(nullptr);
      wait_within(POLLIN | POLLOUT);
    }
    result_ptr kept;
    for (;;) {
      while (deadline && PQisBusy(conn)) wait_within(POLLIN);
      result_ptr next(PQgetResult(conn));
      if (!next) break;
      if (kept && PQresultStatus(kept.get()) == PGRES_FATAL_ERROR) continue;
      kept = std::move(next);
    }
    return kept;
  }

  void deallocate(const std::string& name) noexcept {
    const std::string sql = "DEALLOCATE \"" + name + "\"";
    try {
      run([&] { return PQsendQuery(conn, sql.c_str()); });
    } catch (...) {
    }
  }

  // Before a statement runs: the deallocations a failed transaction put off, once it is over.
  void catch_up() noexcept {
    if (to_deallocate.empty() || lost() || PQtransactionStatus(conn) == PQTRANS_INERROR) return;
    for (const std::string& name : to_deallocate) deallocate(name);
    to_deallocate.clear();
  }

  // Before a statement runs: the server's statement_timeout made the connection's. SET is undone
  // by the rollback of the transaction it ran in, so one made inside a transaction is made again
  // after it. Not in a failed transaction, which refuses it (the statement fails anyway).
  void sync_timeout() {
    if (pooled) return;  // a SET would stay on a server connection other clients get next
    const PGTransactionStatusType status = PQtransactionStatus(conn);
    if (server_timeout_in_transaction && status == PQTRANS_IDLE) {
      server_timeout = -1;
      server_timeout_in_transaction = false;
    }
    if (server_timeout == timeout.count() || status == PQTRANS_INERROR) return;
    const std::string sql = "SET statement_timeout = " + std::to_string(timeout.count());
    check(run([&] { return PQsendQuery(conn, sql.c_str()); }));
    server_timeout = timeout.count();
    server_timeout_in_transaction = status != PQTRANS_IDLE;
  }

 private:
  // Until the socket is ready for `events` or the deadline (none: as long as it takes); input
  // that arrived is consumed, as libpq asks of a caller that waits for itself. False: the deadline
  // has passed.
  bool wait(short events, std::optional<std::chrono::steady_clock::time_point> deadline) {
    int wait_ms = -1;
    if (deadline) {
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(*deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      wait_ms = static_cast<int>(std::min<long long>(left.count(), INT32_MAX));
    }
    pollfd p{PQsocket(conn), events, 0};
    if (p.fd < 0) fail(nullptr);
    const int ready = ::poll(&p, 1, wait_ms);
    if (ready < 0 && errno != EINTR) fail(nullptr);
    if (ready > 0 && (p.revents & (POLLIN | POLLERR | POLLHUP)) != 0 && PQconsumeInput(conn) == 0) fail(nullptr);
    return true;
  }

  // A cancel request for the statement running (a connection of its own to the server, or the
  // pooler); whether it arrives in time or not, the statement's answer says what happened.
  void cancel() noexcept {
    PGcancel* request = PQgetCancel(conn);
    if (request == nullptr) return;
    char why[256];
    PQcancel(request, why, sizeof why);
    PQfreeCancel(request);
  }

  [[noreturn]] void give_up() {
    abandoned = true;
    throw backend::driver_error("the server did not answer within the statement timeout of " +
                                    std::to_string(timeout.count()) + " ms (and " + std::to_string(grace.count()) +
                                    " ms more): the connection is dropped, the next statement opens a new one",
                                true, std::string(), error_kind::other, true);
  }
};

// SOCI's rewriting of placeholders, for a text written by hand with :name ones (ar's own have no
// colon outside quoted identifiers: they pass through unchanged): :name becomes $N, numbered in the
// order they appear; text in quotes, a :: cast and := are left alone. Unlike SOCI, double-quoted
// identifiers are left alone too, and a colon followed by no name is kept as it is.
std::string rewrite_placeholders(std::string_view sql) {
  if (sql.find(':') == std::string_view::npos) return std::string(sql);
  std::string out;
  out.reserve(sql.size() + 8);
  int position = 1;
  auto is_name = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  };
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (c == '\'' || c == '"') {
      const std::size_t end = sql.find(c, i + 1);
      const std::size_t stop = end == std::string_view::npos ? sql.size() : end + 1;
      out.append(sql.substr(i, stop - i));
      i = stop - 1;
      continue;
    }
    if (c != ':') {
      out += c;
      continue;
    }
    if (i + 1 < sql.size() && (sql[i + 1] == ':' || sql[i + 1] == '=')) {
      out += c;
      out += sql[++i];
      continue;
    }
    std::size_t end = i + 1;
    while (end < sql.size() && is_name(sql[end])) ++end;
    if (end == i + 1) {
      out += c;
      continue;
    }
    out += '$';
    out += std::to_string(position++);
    i = end - 1;
  }
  return out;
}

// The kind of value a result column of this type holds (pg_type's OIDs, fixed since PostgreSQL 7).
backend::value_source source_of(Oid type) noexcept {
  switch (type) {
    case 20:  // int8
    case 21:  // int2
    case 23:  // int4
    case 26:  // oid
      return backend::value_source::integer;
    case 1700: return backend::value_source::decimal;    // numeric (SUM of a bigint is one)
    case 700: return backend::value_source::floating32;  // float4
    case 701: return backend::value_source::floating;    // float8
    case 16: return backend::value_source::boolean;
    case 17: return backend::value_source::hex_bytes;  // bytea, in its text form
    default: return backend::value_source::text;       // text, varchar, timestamp, uuid, json, ...
  }
}

class statement final : public backend::statement {
 public:
  // `name`: the prepared statement's, else empty (the statement runs once, from `sql`). A prepared
  // statement keeps its `sql` too, to be prepared again (execute).
  statement(std::shared_ptr<link> l, std::string name, std::string sql) noexcept
      : link_(std::move(l)), name_(std::move(name)), sql_(std::move(sql)) {}
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;
  ~statement() override {
    if (name_.empty() || link_->lost()) return;
    if (PQtransactionStatus(link_->conn) == PQTRANS_INERROR) {
      try {
        link_->to_deallocate.push_back(std::move(name_));
      } catch (...) {
      }
      return;
    }
    link_->deallocate(name_);
  }

  void bind(std::span<const value> params, std::size_t) override {
    reset();
    const std::size_t n = params.size();
    values_.resize(n);
    owned_.resize(n);
    binary_ = false;
    for (std::size_t i = 0; i < n; ++i) {
      const value& v = params[i];
      std::string& own = owned_[i];
      switch (v.index()) {
        case 0: values_[i] = nullptr; continue;
        case 1: write_number(own, *std::get_if<std::int32_t>(&v)); break;
        case 2: write_number(own, *std::get_if<std::int64_t>(&v)); break;
        case 3: {
          const double x = *std::get_if<double>(&v);
          if (std::isnan(x))
            own = "NaN";
          else if (std::isinf(x))
            own = x < 0 ? "-Infinity" : "Infinity";
          else
            write_number(own, x);
          break;
        }
        case 4: own = *std::get_if<bool>(&v) ? "1" : "0"; break;
        case 5:
          // The value outlives the execution, and NUL bytes were refused before: its own text.
          values_[i] = std::get_if<std::string>(&v)->c_str();
          continue;
        case 6: own = format_time(*std::get_if<time_point>(&v)); break;
        case 7: own = format_date(*std::get_if<date>(&v)); break;
        case 9: own = format_uuid(*std::get_if<uuid>(&v)); break;
        case 10: own = std::get_if<decimal>(&v)->to_string(); break;  // numeric's exact text
        case 8: {
          // Bytes go in binary format, as they are: never through text. Then every parameter has
          // its length and format (a text one's length is ignored).
          if (!binary_) {
            binary_ = true;
            lengths_.assign(n, 0);
            formats_.assign(n, 0);
          }
          const bytes& b = *std::get_if<bytes>(&v);
          static constexpr char empty[1] = {};
          values_[i] = b.empty() ? empty : reinterpret_cast<const char*>(b.data());
          lengths_[i] = static_cast<int>(b.size());
          formats_[i] = 1;
          continue;
        }
        default: values_[i] = nullptr; continue;
      }
      values_[i] = own.c_str();
    }
  }

  bool step() override {
    if (!result_) {
      execute();
      rows_ = PQntuples(result_.get());
      row_ = -1;
    }
    if (row_ + 1 >= rows_) return false;
    ++row_;
    return true;
  }

  std::size_t result_column_count() override {
    return result_ ? static_cast<std::size_t>(PQnfields(result_.get())) : 0;
  }
  std::string result_column_name(std::size_t index) override {
    const char* name = result_ ? PQfname(result_.get(), static_cast<int>(index)) : nullptr;
    return name ? name : "";
  }

  void read(std::span<const column_binding> columns) override {
    PGresult* r = result_.get();
    const auto available = static_cast<std::size_t>(PQnfields(r));
    if (columns.size() > available)
      throw backend::driver_error("the statement returns " + std::to_string(available) + " columns, but " +
                                  std::to_string(columns.size()) + " were to be read");
    for (std::size_t i = 0; i < columns.size(); ++i) {
      const column_binding& c = columns[i];
      const int col = static_cast<int>(i);
      const char* text = PQgetvalue(r, row_, col);
      const auto size = static_cast<std::size_t>(PQgetlength(r, row_, col));
      if (size == 0 && PQgetisnull(r, row_, col)) {
        try {
          backend::store_null(c, i);
        } catch (backend::read_failure& f) {
          name_origin(f);
          throw;
        }
        continue;
      }
      try {
        backend::store_spelled(c, source_of(PQftype(r, col)), std::string_view(text, size), i);
      } catch (backend::read_failure& f) {
        name_origin(f);
        throw;
      }
    }
  }

  std::uint64_t affected_rows() override {
    if (!result_) return 0;
    const char* text = PQcmdTuples(result_.get());
    std::uint64_t n = 0;
    std::from_chars(text, text + std::char_traits<char>::length(text), n);
    return n;
  }

  void reset() noexcept override {
    result_.reset();
    rows_ = 0;
    row_ = -1;
  }

 private:
  template <class T>
  static void write_number(std::string& out, T v) {
    char buffer[32];
    const auto end = std::to_chars(buffer, buffer + sizeof buffer, v).ptr;  // shortest round trip
    out.assign(buffer, end);
  }

  // The table and column a value that does not fit came from: the column's name, and the name of
  // the table PostgreSQL says it belongs to (looked up only here, on the error path).
  void name_origin(backend::read_failure& f) const noexcept {
    try {
      const PGresult* r = result_.get();
      const int col = static_cast<int>(f.index);
      const char* name = PQfname(r, col);
      f.column = name ? name : "#" + std::to_string(f.index + 1);
      const Oid table = PQftable(r, col);
      if (table == InvalidOid) return;
      const std::string oid = std::to_string(table);
      const char* values[] = {oid.c_str()};
      result_ptr found(PQexecParams(link_->conn, "SELECT relname FROM pg_catalog.pg_class WHERE oid = $1::oid", 1,
                                    nullptr, values, nullptr, nullptr, 0));
      if (PQresultStatus(found.get()) == PGRES_TUPLES_OK && PQntuples(found.get()) == 1)
        f.table = PQgetvalue(found.get(), 0, 0);
      else
        f.table = "table " + oid;
    } catch (...) {
    }
  }

  void execute() {
    link& l = *link_;
    l.catch_up();
    l.sync_timeout();
    const int n = static_cast<int>(values_.size());
    const int* lengths = binary_ ? lengths_.data() : nullptr;
    const int* formats = binary_ ? formats_.data() : nullptr;
    auto send = [&] {
      if (!name_.empty()) return PQsendQueryPrepared(l.conn, name_.c_str(), n, values_.data(), lengths, formats, 0);
      if (n == 0) return PQsendQuery(l.conn, sql_.c_str());
      return PQsendQueryParams(l.conn, sql_.c_str(), n, nullptr, values_.data(), lengths, formats, 0);
    };
    result_ = l.run(send);
    // A table the prepared statement reads changed its columns since it was prepared (DDL that
    // did not go through ar, which empties the statement caches): the server refuses the plan it
    // kept, before running anything. Outside a transaction, the statement is prepared again under
    // its name and sent once more; inside one, the server has aborted the transaction, and the
    // error stands.
    if (!name_.empty() && stale_plan(result_.get()) && PQtransactionStatus(l.conn) == PQTRANS_IDLE) {
      l.deallocate(name_);
      l.check(l.run([&] { return PQsendPrepare(l.conn, name_.c_str(), sql_.c_str(), 0, nullptr); }));
      result_ = l.run(send);
    }
    result_ = l.check(std::move(result_));
  }

  // The server's refusal of a prepared statement whose result's columns changed (SQLSTATE 0A000,
  // feature_not_supported, with this message).
  static bool stale_plan(const PGresult* r) noexcept {
    if (r == nullptr || PQresultStatus(r) != PGRES_FATAL_ERROR) return false;
    const char* sqlstate = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    const char* message = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
    return sqlstate != nullptr && std::string_view(sqlstate) == "0A000" && message != nullptr &&
           std::string_view(message) == "cached plan must not change result type";
  }

  std::shared_ptr<link> link_;
  std::string name_;
  std::string sql_;
  std::vector<const char*> values_;
  std::vector<std::string> owned_;  // the text of the values that are not strings already
  bool binary_ = false;             // a parameter is bytes: lengths_ and formats_ say each one's
  std::vector<int> lengths_;
  std::vector<int> formats_;
  result_ptr result_;
  int rows_ = 0;
  int row_ = -1;
};

class connection final : public backend::connection {
 public:
  explicit connection(std::shared_ptr<link> l) noexcept : link_(std::move(l)) {}

  std::unique_ptr<backend::statement> prepare(std::string_view sql, bool persistent) override {
    std::string text = rewrite_placeholders(sql);
    // Through a transaction pooler a named statement would stay on the server connection it was
    // prepared on, which the next transaction may not get: every statement goes unnamed.
    if (!persistent || link_->pooled) return std::make_unique<statement>(link_, std::string(), std::move(text));
    link& l = *link_;
    l.catch_up();
    // SOCI names its own statements st_N: ar's cannot meet them.
    std::string name = "ar_" + std::to_string(++l.statements);
    l.check(l.run([&] { return PQsendPrepare(l.conn, name.c_str(), text.c_str(), 0, nullptr); }));
    try {
      return std::make_unique<statement>(link_, std::move(name), std::move(text));
    } catch (...) {
      l.deallocate(name);
      throw;
    }
  }

  void set_statement_timeout(std::chrono::milliseconds timeout) override { link_->timeout = timeout; }

  // libpq keeps the status the server sent with its last answer: no round trip.
  backend::server_transaction transaction_status(bool) noexcept override {
    switch (PQtransactionStatus(link_->conn)) {
      case PQTRANS_INTRANS: return backend::server_transaction::open;
      case PQTRANS_INERROR: return backend::server_transaction::refused;  // until ROLLBACK (TO SAVEPOINT)
      case PQTRANS_IDLE:
      case PQTRANS_UNKNOWN: return backend::server_transaction::none;  // no transaction, or no connection
      default: return backend::server_transaction::unknown;
    }
  }

  bool has_server() const noexcept override { return true; }

  // An idle connection has nothing to read. When its socket is readable, the server sent something
  // unasked: an EOF (it closed the connection: a restart, an idle timeout, a pooler), usually after
  // an error saying why ("terminating connection due to administrator command"), or a notice or
  // notification. libpq reads it and says which: the connection is bad once it has read the EOF. A
  // few rounds, since the error and the EOF may come apart. (libpq cannot tell whether a statement
  // reached the server before the connection went: a driver_error never says never_sent.)
  bool alive() noexcept override {
    PGconn* conn = link_->conn;
    for (int round = 0; round < 4; ++round) {
      if (PQstatus(conn) == CONNECTION_BAD) return false;
      pollfd socket{PQsocket(conn), POLLIN, 0};
      if (socket.fd < 0) return false;
      if (::poll(&socket, 1, 0) <= 0) return true;  // nothing to read (or poll cannot tell: the statement will)
      if (PQconsumeInput(conn) == 0) return false;
    }
    return PQstatus(conn) != CONNECTION_BAD;
  }

 private:
  std::shared_ptr<link> link_;
};

// Notices below WARNING dropped, as the dialect's session setup (SET client_min_messages TO
// WARNING) has the server do on a direct connection; the others printed as libpq does by default.
void quieter_notices(void*, const PGresult* notice) {
  const char* severity = PQresultErrorField(notice, PG_DIAG_SEVERITY_NONLOCALIZED);
  const std::string_view level = severity ? severity : "";
  if (level == "NOTICE" || level == "INFO" || level == "DEBUG" || level == "LOG") return;
  std::fputs(PQresultErrorMessage(notice), stderr);
}

class driver final : public backend::driver {
 public:
  bool transaction_pooled(std::string_view connection_string) const override {
    std::string text(connection_string);
    return take_pooler(text) == "transaction";
  }

  // libpq's connect_timeout bounds opening a connection: whole seconds, at least 2 (libpq reads 1 as 2).
  std::unique_ptr<backend::connection> connect(std::string_view connection_string,
                                               std::chrono::milliseconds connect_timeout,
                                               std::chrono::milliseconds) const override {
    // The dialect keeps pooler=transaction in the string (driver_connection_string): libpq does not
    // know the key, the driver reads it here.
    std::string text(connection_string);
    const bool pooled = take_pooler(text) == "transaction";
    connection_string = text;
    std::vector<std::pair<std::string, std::string>> parameters;
    if (connect_timeout.count() > 0)
      parameters.emplace_back("connect_timeout",
                              std::to_string(std::chrono::ceil<std::chrono::seconds>(connect_timeout).count()));
    auto session = soci_common::open_session("postgresql", connection_string, parameters);
    PGconn* conn = session_handle(*session);
    if (conn == nullptr) throw backend::driver_error("SOCI's postgresql session holds no libpq connection");
    // Sending never blocks (link::run flushes within the deadline).
    if (PQsetnonblocking(conn, 1) != 0)
      throw backend::driver_error(std::string("libpq refused non-blocking mode: ") + PQerrorMessage(conn));
    if (pooled) PQsetNoticeReceiver(conn, quieter_notices, nullptr);
    auto l = std::make_shared<link>(conn, pooled);
    l->session = std::move(session);
    return std::make_unique<connection>(std::move(l));
  }
};

}  // namespace

}  // namespace postgresql_native

void register_postgresql_driver() { register_driver("postgresql", std::make_shared<postgresql_native::driver>()); }

}  // namespace ar::backends
