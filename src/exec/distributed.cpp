// Two-phase commit across databases (ar/distributed.hpp). The protocol's one rule: the commit is
// decided when the last database has prepared, and that database commits last. Recovery reads the
// decision from it: prepared there, the transaction commits everywhere; not there, no database had
// committed it (each commits only after the last prepared, and the last commits only after every
// other), and it rolls back everywhere.

#include "exec/database_state.hpp"

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

// The name a participant's transaction is prepared under.
std::string gid_of(const std::string& id, std::size_t position, std::size_t count, std::uint32_t last) {
  return id + "_" + std::to_string(position) + "_" + std::to_string(count) + "_" + hex(last, 8);
}

struct parsed_gid {
  std::string id;
  std::size_t position = 0;
  std::size_t count = 0;
  std::uint32_t last = 0;
};

// ar_<16 hex>_<position>_<count>_<8 hex>; nullopt for a name of someone else's.
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
  if (r.ec != std::errc() || r.ptr != end || out.position >= out.count) return std::nullopt;
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

struct listed {
  prepared_transaction entry;
  std::uint32_t last = 0;
  double age = 0;
};

std::vector<listed> list_prepared(const database& db) {
  const std::string sql = db.dialect().prepared_transactions_sql();
  if (sql.empty())
    throw configuration_error("ar: database '" + db.name() + "' (" + std::string(db.dialect().driver_name()) +
                              ") has no two-phase commit, so no prepared transactions");
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
    return e.code().empty();  // no answer from the server
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

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "'" : ", '") + n + "'";
  return out;
}

}  // namespace

distributed_transaction_in_doubt::distributed_transaction_in_doubt(std::string id, decision outcome,
                                                                   std::vector<std::string> pending,
                                                                   const std::string& why)
    : transaction_error(
          "ar: distributed transaction " + id +
          (outcome == decision::committed
               ? " is committed, but not yet on database(s) " + joined(pending) + ", which hold it prepared"
               : " is in doubt: whether its last database prepared it is not known, and database(s) " +
                     joined(pending) + " may hold it prepared") +
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
  txs_.reserve(dbs_.size());
  for (const database& db : dbs_) txs_.push_back(std::make_unique<transaction>(db));  // the others roll back on a throw
  active_ = true;
}

distributed_transaction::~distributed_transaction() {
  if (active_) roll_back_after(0, {});
}

void distributed_transaction::rollback() {
  if (!active_) throw transaction_error("ar: rollback() on a distributed transaction that is no longer active");
  roll_back_after(0, {});
}

// Rolls back every transaction not yet prepared, and ROLLBACK PREPARED the first `prepared` (each
// under gids[i]); a database that cannot be told keeps it prepared, for recovery to roll back (its
// last database did not prepare).
void distributed_transaction::roll_back_after(std::size_t prepared, const std::vector<std::string>& gids) noexcept {
  active_ = false;
  for (std::size_t i = 0; i < txs_.size(); ++i) {
    if (i < prepared) {
      try {
        dbs_[i].execute(dbs_[i].dialect().rollback_prepared_sql(gids[i]));
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
  std::uint32_t last = 0;
  try {
    last = identity_hash(dbs_[n - 1]);
  } catch (...) {
    roll_back_after(0, {});
    throw;
  }
  std::vector<std::string> gids;
  gids.reserve(n);
  for (std::size_t i = 0; i < n; ++i) gids.push_back(gid_of(id_, i, n, last));

  // Phase one: each database prepares, the last one last. The callbacks queued in each transaction
  // run at the end, once the outcome is known (none when it is in doubt).
  std::vector<end_callbacks> queued(n);
  for (std::size_t i = 0; i < n; ++i) queued[i] = take_callbacks(dbs_[i]);
  const auto rolled_back = [&] {
    for (end_callbacks& q : queued) (void)detail::run_end_callbacks(q, false);
  };
  for (std::size_t i = 0; i < n; ++i) {
    try {
      (void)txs_[i]->end_with(dbs_[i].dialect().prepare_transaction_sql(gids[i]));
    } catch (...) {
      const std::exception_ptr failure = std::current_exception();
      const bool answer_lost = outcome_unknown(failure);
      std::optional<bool> decided = false;
      if (i == n - 1 && answer_lost) decided = holds(dbs_[i], gids[i]);
      if (decided == std::nullopt) {
        // The last database may have prepared it (the decision to commit) or not: nothing may be
        // undone, recovery decides.
        active_ = false;
        std::vector<std::string> pending;
        for (std::size_t k = 0; k < n; ++k) pending.push_back(dbs_[k].name());
        throw distributed_transaction_in_doubt(id_, distributed_transaction_in_doubt::decision::unknown,
                                               std::move(pending), detail::describe_failure(failure));
      }
      if (!*decided) {
        // Where this database's answer was lost it may have prepared: told to roll back as well
        // (nothing there if it did not), rather than left holding locks until recovery.
        roll_back_after(answer_lost ? i + 1 : i, gids);
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
      break;
    }
    try {
      dbs_[i].execute(dbs_[i].dialect().commit_prepared_sql(gids[i]));
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
      if (l.age < static_cast<double>(older_than.count())) continue;
      std::vector<part>& group = groups[l.entry.id];
      group.push_back({i, std::move(l)});
    }
  }
  std::vector<resolved_transaction> out;
  for (auto& [id, parts] : groups) {
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
