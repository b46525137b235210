// Two-phase commit across databases (ar/distributed.hpp). The protocol's one rule: the commit is
// decided when the last database has prepared, and that database commits last. Recovery reads the
// decision from it: prepared there, the transaction commits everywhere; not there, no database had
// committed it (each commits only after the last prepared, and the last commits only after every
// other), and it rolls back everywhere.

#include "exec/database_state.hpp"
#include "exec/quoted_names.hpp"

#include <ar/detail/execute.hpp>
#include <ar/distributed.hpp>
#include <ar/error.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ar {

namespace {

constexpr std::string_view id_prefix = "ar_";

std::string hex(std::uint64_t v, int digits) {
  static constexpr char d[] = "0123456789abcdef";
  std::string out(static_cast<std::size_t>(digits), '0');
  for (int i = digits - 1; i >= 0; --i, v >>= 4) out[static_cast<std::size_t>(i)] = d[v & 0xf];
  return out;
}

// FNV-1a: the same on every run and every machine (std::hash is not).
std::uint32_t fnv1a(std::string_view s) {
  std::uint32_t h = 2166136261u;
  for (const char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 16777619u;
  }
  return h;
}

std::string new_id() {
  std::random_device entropy;
  const std::uint64_t v = (std::uint64_t{entropy()} << 32) ^ entropy();
  return std::string(id_prefix) + hex(v, 16);
}

// The name a participant's transaction is prepared under; with its own database's identity where
// the backend lists the prepared transactions of every database of the server (XA RECOVER).
std::string gid_of(const std::string& id, std::size_t position, std::size_t count, std::uint32_t last,
                   std::optional<std::uint32_t> own) {
  std::string gid = id + "_" + std::to_string(position) + "_" + std::to_string(count) + "_" + hex(last, 8);
  if (own) gid += "_" + hex(*own, 8);
  return gid;
}

struct parsed_gid {
  std::string id;
  std::size_t position = 0;
  std::size_t count = 0;
  std::uint32_t last = 0;
  std::optional<std::uint32_t> own;
};

// ar_<16 hex>_<position>_<count>_<8 hex>[_<8 hex>]; nullopt for a name of someone else's.
std::optional<parsed_gid> parse_gid(std::string_view gid) {
  const std::size_t id_length = id_prefix.size() + 16;
  if (gid.size() < id_length + 6 || gid.substr(0, id_prefix.size()) != id_prefix || gid[id_length] != '_')
    return std::nullopt;
  parsed_gid out;
  out.id = std::string(gid.substr(0, id_length));
  const char* p = gid.data() + id_length + 1;
  const char* end = gid.data() + gid.size();
  auto r = std::from_chars(p, end, out.position);
  if (r.ec != std::errc() || r.ptr == end || *r.ptr != '_') return std::nullopt;
  r = std::from_chars(r.ptr + 1, end, out.count);
  if (r.ec != std::errc() || r.ptr == end || *r.ptr != '_') return std::nullopt;
  r = std::from_chars(r.ptr + 1, end, out.last, 16);
  if (r.ec != std::errc() || out.position >= out.count) return std::nullopt;
  if (r.ptr != end) {
    std::uint32_t own = 0;
    if (*r.ptr != '_') return std::nullopt;
    r = std::from_chars(r.ptr + 1, end, own, 16);
    if (r.ec != std::errc() || r.ptr != end) return std::nullopt;
    out.own = own;
  }
  return out;
}

// A hash of the name of the database every process reads the same (dialect::database_identity_sql),
// read once per database handle: the prepared names carry the last database's, and recovery
// compares it with those it is given. One that went stale (the handle's URL reaching another
// cluster now) can only make recovery refuse to decide, never decide wrong.
std::uint32_t identity_hash(const database& db) {
  std::atomic<std::uint64_t>& known = detail::state_of(db).identity_hash;  // bit 32: known
  if (const std::uint64_t cached = known.load(std::memory_order_relaxed); cached != 0)
    return static_cast<std::uint32_t>(cached);
  std::string identity;
  const std::array<detail::column_binding, 1> columns{detail::bind_column(identity)};
  detail::run(detail::state_of(db), db.dialect().database_identity_sql(), {}, columns, {}, detail::cache_policy::once);
  const std::uint32_t hash = fnv1a(identity);
  known.store((std::uint64_t{1} << 32) | hash, std::memory_order_relaxed);
  return hash;
}

// Whether the names prepared on `db` carry its own identity: its backend lists the prepared
// transactions of every database of its server (MariaDB's XA RECOVER), and ar keeps those of `db`.
bool names_own_database(const database& db) {
  return db.dialect().prepared_transactions_listing() == dialect::prepared_listing::xa_recover;
}

struct listed {
  prepared_transaction entry;
  std::uint32_t last = 0;
  double age = -1;  // in seconds; negative: the database does not tell (MariaDB)
};

// XA RECOVER FORMAT='SQL': every XA transaction prepared on the server, each named as an SQL
// literal ('gtrid' where the branch qualifier is empty, as ar's are); those ar prepared on this
// database carry its identity.
std::vector<listed> list_xa_recover(const database& db, const std::string& sql) {
  const std::uint32_t own = identity_hash(db);
  std::vector<listed> out;
  std::int64_t format = 0;
  std::int64_t gtrid_length = 0;
  std::int64_t bqual_length = 0;
  std::string data;
  const std::array<detail::column_binding, 4> columns{detail::bind_column(format), detail::bind_column(gtrid_length),
                                                      detail::bind_column(bqual_length), detail::bind_column(data)};
  auto on_row = [&] {
    if (format != 1 || bqual_length != 0 || data.size() < 2 || data.front() != '\'' || data.back() != '\'') return;
    const std::string gid = data.substr(1, data.size() - 2);
    const std::optional<parsed_gid> parsed = parse_gid(gid);
    if (!parsed || parsed->own != own) return;
    out.push_back({{parsed->id, gid, parsed->position, parsed->count, std::string(), db.name()}, parsed->last, -1});
  };
  detail::run(detail::state_of(db), sql, {}, columns, detail::row_callback::of(on_row), detail::cache_policy::once);
  std::sort(out.begin(), out.end(), [](const listed& a, const listed& b) { return a.entry.gid < b.entry.gid; });
  return out;
}

std::vector<listed> list_prepared(const database& db) {
  const std::string sql = db.dialect().prepared_transactions_sql();
  if (sql.empty())
    throw configuration_error("ar: database '" + db.name() + "' (" + std::string(db.dialect().driver_name()) +
                              ") has no two-phase commit, so no prepared transactions");
  if (names_own_database(db)) return list_xa_recover(db, sql);
  std::vector<listed> out;
  std::string gid;
  std::string prepared_at;
  double age = 0;
  const std::array<detail::column_binding, 3> columns{detail::bind_column(gid), detail::bind_column(prepared_at),
                                                      detail::bind_column(age)};
  auto on_row = [&] {
    const std::optional<parsed_gid> parsed = parse_gid(gid);
    if (!parsed) return;
    out.push_back({{parsed->id, gid, parsed->position, parsed->count, prepared_at, db.name()}, parsed->last, age});
  };
  const value prefix{std::string(id_prefix)};
  detail::run(detail::state_of(db), sql, {&prefix, 1}, columns, detail::row_callback::of(on_row),
              detail::cache_policy::once);
  return out;
}

// Whether `db` holds `gid` prepared; nullopt when it cannot be asked (its server is away).
std::optional<bool> holds(const database& db, const std::string& gid) noexcept {
  try {
    const std::vector<listed> all = list_prepared(db);
    return std::any_of(all.begin(), all.end(), [&](const listed& l) { return l.entry.gid == gid; });
  } catch (...) {
    return std::nullopt;
  }
}

// A failure to prepare that leaves the outcome unknown: the server may have prepared the
// transaction and not answered (a lost connection, a timeout), where an error it answered with
// (a database_error with the server's code, a transaction ar knew aborted) means it did not.
bool outcome_unknown(const std::exception_ptr& failure) {
  try {
    std::rethrow_exception(failure);
  } catch (const timeout_error&) {
    return true;
  } catch (const database_error& e) {
    // No answer from the server: PostgreSQL's driver gives no code then, MariaDB's its own
    // (CR_SERVER_LOST, 2013).
    return e.code().empty() || e.kind() == error_kind::connection_lost;
  } catch (const transaction_aborted&) {
    return false;
  } catch (...) {
    return true;
  }
}

using end_callbacks = std::vector<detail::transaction_state::end_callback>;

// Takes the after_commit / after_rollback callbacks queued in the thread's transaction on `db`:
// they run here once the outcome is known, not when the transaction is prepared.
end_callbacks take_callbacks(const database& db) {
  detail::connection* c = detail::transaction_connection(detail::state_of(db));
  if (c == nullptr) return {};
  end_callbacks out = std::move(c->tx.end_callbacks);
  c->tx.end_callbacks.clear();
  return out;
}

}  // namespace

distributed_transaction_in_doubt::distributed_transaction_in_doubt(std::string id, decision outcome,
                                                                   std::vector<std::string> pending,
                                                                   const std::string& why)
    : transaction_error("ar: distributed transaction " + id +
                        (outcome == decision::committed
                             ? " is committed, but not yet on database(s) " + detail::quoted_names(pending) +
                                   ", which hold it prepared"
                             : " is in doubt: whether its last database prepared it is not known, and database(s) " +
                                   detail::quoted_names(pending) + " may hold it prepared") +
                        " (" + why + "); ar::resolve_prepared_transactions finishes it"),
      id_(std::move(id)),
      outcome_(outcome),
      pending_(std::move(pending)) {}

distributed_transaction::distributed_transaction(std::vector<database> dbs) : dbs_(std::move(dbs)) {
  if (dbs_.empty()) throw configuration_error("ar::distributed_transaction: no database given");
  for (std::size_t i = 0; i < dbs_.size(); ++i) {
    const database& db = dbs_[i];
    if (std::find(dbs_.begin(), dbs_.begin() + static_cast<std::ptrdiff_t>(i), db) !=
        dbs_.begin() + static_cast<std::ptrdiff_t>(i))
      throw configuration_error("ar::distributed_transaction: database '" + db.name() + "' is given twice");
    const dialect& d = db.dialect();
    if (d.prepare_transaction_sql(id_prefix).empty() || d.database_identity_sql().empty())
      throw configuration_error("ar::distributed_transaction: database '" + db.name() + "' (" +
                                std::string(d.driver_name()) + ") has no two-phase commit that ar drives");
    if (db.in_transaction())
      throw transaction_error("ar::distributed_transaction: a transaction is already open on database '" + db.name() +
                              "' in this thread; two-phase commit takes a whole transaction: open it outside");
  }
  id_ = new_id();
  const std::size_t n = dbs_.size();
  // Where a backend names the transaction when it begins (XA START), every name is made now: the
  // identities they carry are read first (once per handle), before any BEGIN.
  if (std::any_of(dbs_.begin(), dbs_.end(),
                  [](const database& db) { return !db.dialect().begin_prepared_sql("ar").empty(); })) {
    const std::uint32_t last = identity_hash(dbs_[n - 1]);
    for (std::size_t i = 0; i < n; ++i)
      gids_.push_back(
          gid_of(id_, i, n, last, names_own_database(dbs_[i]) ? std::optional(identity_hash(dbs_[i])) : std::nullopt));
  }
  held_.resize(n);
  txs_.reserve(n);
  for (std::size_t i = 0; i < n; ++i)  // the others roll back on a throw
    txs_.push_back(gids_.empty() ? std::make_unique<transaction>(dbs_[i])
                                 : std::unique_ptr<transaction>(new transaction(dbs_[i], gids_[i])));
  active_ = true;
}

distributed_transaction::~distributed_transaction() {
  if (active_) roll_back_after(0);
  for (std::size_t i = 0; i < held_.size(); ++i) let_go(i);
}

void distributed_transaction::rollback() {
  if (!active_) throw transaction_error("ar: rollback() on a distributed transaction that is no longer active");
  roll_back_after(0);
}

// A connection that still holds database i's prepared transaction bound to it (MariaDB) is closed
// rather than given back to the pool: the server then hands the transaction over to whichever
// connection finishes it (recovery).
void distributed_transaction::let_go(std::size_t i) noexcept {
  if (!held_[i]) return;
  held_[i]->conn().broken = true;
  held_[i].reset();
}

// COMMIT PREPARED (or ROLLBACK PREPARED) on database i: on the connection that prepared it where
// the transaction is bound to it, which then goes back to the pool; on any connection otherwise.
void distributed_transaction::finish_prepared(std::size_t i, bool commit) {
  const dialect& d = dbs_[i].dialect();
  const std::string sql = commit ? d.commit_prepared_sql(gids_[i]) : d.rollback_prepared_sql(gids_[i]);
  if (!held_[i]) {
    dbs_[i].execute(sql);
    return;
  }
  try {
    detail::run(*held_[i], sql, {});
  } catch (...) {
    let_go(i);
    throw;
  }
  held_[i].reset();
}

// Rolls back every transaction not yet prepared, and ROLLBACK PREPARED the first `prepared`; a
// database that cannot be told keeps it prepared, for recovery to roll back (its last database did
// not prepare).
void distributed_transaction::roll_back_after(std::size_t prepared) noexcept {
  active_ = false;
  for (std::size_t i = 0; i < txs_.size(); ++i) {
    if (i < prepared) {
      try {
        finish_prepared(i, false);
      } catch (...) {
      }
    } else if (txs_[i]->active()) {
      try {
        txs_[i]->rollback();
      } catch (...) {
      }
    }
  }
}

void distributed_transaction::commit() {
  if (!active_) throw transaction_error("ar: commit() on a distributed transaction that is no longer active");
  const std::size_t n = txs_.size();
  for (const auto& tx : txs_) tx->check_innermost("commit()");
  if (gids_.empty()) {  // named at the PREPARE (PostgreSQL): the last database's identity is read now
    std::uint32_t last = 0;
    try {
      last = identity_hash(dbs_[n - 1]);
    } catch (...) {
      roll_back_after(0);
      throw;
    }
    for (std::size_t i = 0; i < n; ++i) gids_.push_back(gid_of(id_, i, n, last, std::nullopt));
  }

  // The last database's prepared transaction records the decision. MariaDB does not keep an XA
  // transaction that changed no rows through a restart of its server: recovery would then take a
  // decision to commit for one to roll back. Refused before anything is prepared.
  if (names_own_database(dbs_[n - 1])) {
    const detail::connection* last = detail::transaction_connection(detail::state_of(dbs_[n - 1]));
    if (last != nullptr && !last->tx.changed_rows) {
      roll_back_after(0);
      throw transaction_error("ar: distributed transaction " + id_ + ": its last database, '" + dbs_[n - 1].name() +
                              "', changed no rows in it, and an XA transaction that changed none is not kept "
                              "prepared through a restart of its server, while the last database's records the "
                              "decision to commit; rolled back everywhere. Put last a database it writes to");
    }
  }

  // Phase one: each database prepares, the last one last. The callbacks queued in each transaction
  // run at the end, once the outcome is known (none when it is in doubt).
  std::vector<end_callbacks> queued(n);
  for (std::size_t i = 0; i < n; ++i) queued[i] = take_callbacks(dbs_[i]);
  const auto rolled_back = [&] {
    for (end_callbacks& q : queued) (void)detail::run_end_callbacks(q, false);
  };
  for (std::size_t i = 0; i < n; ++i) {
    try {
      const dialect& d = dbs_[i].dialect();
      (void)txs_[i]->end_with(d.prepare_transaction_sql(gids_[i]), d.end_before_prepare_sql(gids_[i]),
                              d.prepared_transaction_bound_to_connection() ? &held_[i] : nullptr);
    } catch (...) {
      const std::exception_ptr failure = std::current_exception();
      const bool answer_lost = outcome_unknown(failure);
      std::optional<bool> decided = false;
      if (i == n - 1 && answer_lost) decided = holds(dbs_[i], gids_[i]);
      if (decided == std::nullopt) {
        // The last database may have prepared it (the decision to commit) or not: nothing may be
        // undone, recovery decides.
        active_ = false;
        for (std::size_t k = 0; k < n; ++k) let_go(k);
        std::vector<std::string> pending;
        for (std::size_t k = 0; k < n; ++k) pending.push_back(dbs_[k].name());
        throw distributed_transaction_in_doubt(id_, distributed_transaction_in_doubt::decision::unknown,
                                               std::move(pending), detail::describe_failure(failure));
      }
      if (!*decided) {
        // Where this database's answer was lost it may have prepared: told to roll back as well
        // (nothing there if it did not), rather than left holding locks until recovery.
        roll_back_after(answer_lost ? i + 1 : i);
        rolled_back();
        std::rethrow_exception(failure);
      }
      // The last database prepared it after all, and did not say so: decided, committed.
    }
  }

  // Phase two: decided. Each database commits, the last one only once every other has: while any
  // other holds it prepared, the last one's prepared transaction is the record of the decision.
  active_ = false;
  std::vector<std::string> pending;
  std::string why;
  std::exception_ptr first;
  for (std::size_t i = 0; i < n; ++i) {
    if (i == n - 1 && !pending.empty()) {
      pending.push_back(dbs_[i].name());
      let_go(i);
      break;
    }
    try {
      finish_prepared(i, true);
    } catch (...) {
      if (why.empty()) why = dbs_[i].name() + ": " + detail::describe_failure(std::current_exception());
      pending.push_back(dbs_[i].name());
      continue;
    }
    // Committed there: its after_commit callbacks run (those of a database still pending do not).
    if (std::exception_ptr e = detail::run_end_callbacks(queued[i], true); e && !first) first = e;
  }
  if (!pending.empty())
    throw distributed_transaction_in_doubt(id_, distributed_transaction_in_doubt::decision::committed,
                                           std::move(pending), why);
  // Committed: an exception of an after_commit callback is the program's to see, after every one ran.
  if (first) std::rethrow_exception(first);
}

std::vector<prepared_transaction> prepared_transactions(const database& db) {
  std::vector<prepared_transaction> out;
  for (listed& l : list_prepared(db)) out.push_back(std::move(l.entry));
  return out;
}

std::vector<resolved_transaction> resolve_prepared_transactions(const std::vector<database>& dbs,
                                                                std::chrono::seconds older_than) {
  struct part {
    std::size_t db;
    listed found;
  };
  std::map<std::string, std::vector<part>> groups;  // by id, in the order of the ids
  std::vector<std::uint32_t> identities;
  identities.reserve(dbs.size());
  for (std::size_t i = 0; i < dbs.size(); ++i) {
    identities.push_back(identity_hash(dbs[i]));
    for (listed& l : list_prepared(dbs[i])) {
      std::vector<part>& group = groups[l.entry.id];
      group.push_back({i, std::move(l)});
    }
  }
  std::vector<resolved_transaction> out;
  for (auto& [id, parts] : groups) {
    // Prepared less than `older_than` ago on one of its databases: perhaps a commit in progress,
    // left alone everywhere. (An age the database does not tell, MariaDB's, holds nothing back:
    // its server refuses to let another connection finish a transaction while the one that
    // prepared it is open.)
    if (std::any_of(parts.begin(), parts.end(), [&](const part& p) {
          return p.found.age >= 0 && p.found.age < static_cast<double>(older_than.count());
        }))
      continue;
    resolved_transaction r;
    r.id = id;
    for (const part& p : parts) r.databases.push_back(dbs[p.db].name());
    const std::uint32_t last = parts.front().found.last;
    const std::size_t count = parts.front().found.entry.participants;
    if (std::find(identities.begin(), identities.end(), last) == identities.end()) {
      r.why = "the database that decides it (its last, named " + hex(last, 8) +
              " in its prepared names) is not among those given";
      out.push_back(std::move(r));
      continue;
    }
    const bool commit =
        std::any_of(parts.begin(), parts.end(), [&](const part& p) { return p.found.entry.participant == count - 1; });
    // Committing, the last database commits last (see distributed_transaction::commit).
    std::stable_sort(parts.begin(), parts.end(), [](const part& a, const part& b) {
      return a.found.entry.participant < b.found.entry.participant;
    });
    bool finished = true;
    for (const part& p : parts) {
      const database& db = dbs[p.db];
      if (commit && !finished && p.found.entry.participant == count - 1) break;
      try {
        db.execute(commit ? db.dialect().commit_prepared_sql(p.found.entry.gid)
                          : db.dialect().rollback_prepared_sql(p.found.entry.gid));
      } catch (const std::exception& e) {
        finished = false;
        if (r.why.empty()) r.why = db.name() + ": " + e.what();
      }
    }
    r.result = !finished ? resolved_transaction::outcome::unresolved
               : commit  ? resolved_transaction::outcome::committed
                         : resolved_transaction::outcome::rolled_back;
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace ar
