#ifndef AR_DISTRIBUTED_HPP
#define AR_DISTRIBUTED_HPP

// Atomic writes across databases: ar::distributed_transaction commits a transaction on each of
// several databases all together or not at all, by two-phase commit (PostgreSQL's PREPARE
// TRANSACTION / COMMIT PREPARED, the servers needing max_prepared_transactions > 0; MariaDB's XA,
// 10.5 or later). A backend without two-phase commit (SQLite) is refused when the transaction is
// opened, before any statement.
//
//   ar::distributed_transaction tx({orders_db, billing_db});
//   ar::insert(orders_db, order);
//   ar::insert(billing_db, invoice);
//   tx.commit();  // both, or (having thrown) neither
//
// commit() sends, in this order: PREPARE TRANSACTION on each database in the order given, then
// COMMIT PREPARED on each, the last database's last; before them, the first commit whose last
// database is a given handle reads that database's identity (see below), once. On MariaDB the id
// is needed at the start (XA START 'id' in place of BEGIN, XA END 'id' before XA PREPARE 'id', XA
// COMMIT 'id' on the connection that prepared it): a transaction with a MariaDB database reads the
// identities when it opens, before any BEGIN. The commit is decided when the last database has prepared: that
// prepared transaction is the durable record of the decision. So a crash (of the program or of a
// server) at any point leaves a state ar::resolve_prepared_transactions finishes the right way:
// where the last database holds the transaction prepared, every database commits it; where it does
// not, none had committed, and every one rolls it back.
//
// On MariaDB, put last a database the transaction writes to: an XA transaction that wrote
// nothing is not kept through a restart of its server, and the last one's is the record of the
// decision, so commit() refuses one whose last database is a MariaDB one where no statement
// changed a row (docs/scaling.md, "What is not guaranteed").
//
// Each participant's transaction is prepared under an id of ar's: ar_<16 hex digits shared by
// the participants>_<its position>_<how many>_<8 hex digits naming the last database>, and on
// MariaDB, whose XA RECOVER lists the XA transactions of every database of the server, _<8 hex
// digits naming its own database> after it.

#include <ar/database.hpp>
#include <ar/error.hpp>
#include <ar/export.hpp>
#include <ar/transaction.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace ar {

// commit() of a distributed transaction could not tell every database the outcome: a server went
// away during the commit. Nothing is lost: the transaction stays prepared on those databases
// (listed by pending()) until ar::resolve_prepared_transactions finishes it; until then its rows
// there are locked and not yet visible.
class AR_API distributed_transaction_in_doubt : public transaction_error {
 public:
  // What is known of the outcome.
  enum class decision : unsigned char {
    // Every database prepared: it commits everywhere (done on those not pending).
    committed,
    // Whether the last database prepared is not known (its server went away while preparing):
    // recovery will commit everywhere if it did, roll back everywhere if not.
    unknown,
  };
  // Builds the error and its what(): the transaction's id, the decision, the pending databases and why.
  distributed_transaction_in_doubt(std::string id, decision outcome, std::vector<std::string> pending,
                                   const std::string& why);
  // The distributed transaction's id (ar_ and 16 hex digits), shared by its prepared transactions.
  const std::string& id() const noexcept { return id_; }
  // The decision: committed, or unknown.
  decision outcome() const noexcept { return outcome_; }
  // The names of the databases that still hold it prepared.
  const std::vector<std::string>& pending() const noexcept { return pending_; }

 private:
  std::string id_;
  decision outcome_;
  std::vector<std::string> pending_;
};

// A transaction on each of several databases, committed by two-phase commit: all of them commit, or
// none does. While it is open, every statement the opening thread sends to one of its databases
// runs in that database's transaction (as with ar::transaction); leaving the scope without commit()
// rolls every one back. A transaction of its own belongs to the thread that opened it.
class AR_API distributed_transaction {
 public:
  // Begins a transaction on each database, in order (on MariaDB, having read the identities the
  // ids carry, once per handle). Throws ar::configuration_error, before any statement, for fewer
  // than one database, a database given twice, or one whose backend has no two-phase commit;
  // ar::transaction_error when the thread has a transaction open on one of them already
  // (two-phase commit takes a whole transaction, not a savepoint).
  explicit distributed_transaction(std::vector<database> dbs);
  ~distributed_transaction();
  distributed_transaction(const distributed_transaction&) = delete;
  distributed_transaction& operator=(const distributed_transaction&) = delete;

  // Prepares the transaction on every database, then commits it on every one. When a database
  // refuses to prepare (a constraint checked at commit, a transaction the server aborted), every
  // database rolls back and that failure is rethrown. Throws ar::distributed_transaction_in_doubt
  // when a server went away before it was told the outcome (see that class). Throws
  // ar::transaction_error, having rolled back everywhere, when the last database is a MariaDB one
  // where no statement of the transaction changed a row (see above).
  void commit();
  // Rolls back on every database.
  void rollback();
  // Whether it is still open.
  bool active() const noexcept { return active_; }
  // Its id (ar_ and 16 hex digits): the prefix of the names it is prepared under.
  const std::string& id() const noexcept { return id_; }
  // The databases, in the order given.
  const std::vector<database>& databases() const noexcept { return dbs_; }

 private:
  void roll_back_after(std::size_t prepared) noexcept;
  void finish_prepared(std::size_t i, bool commit);
  void let_go(std::size_t i) noexcept;

  std::vector<database> dbs_;
  std::vector<std::unique_ptr<transaction>> txs_;
  // The connections that hold a prepared transaction bound to them (MariaDB), by database; null elsewhere.
  std::vector<std::unique_ptr<detail::connection_pin>> held_;
  std::vector<std::string> gids_;  // the names each database prepares under, once known
  std::string id_;
  bool active_ = false;
};

// A transaction prepared on a database by ar::distributed_transaction and not yet committed or
// rolled back.
struct prepared_transaction {
  // The distributed transaction's id, shared by its participants (ar_ and 16 hex digits).
  std::string id;
  // The name it is prepared under on this database.
  std::string gid;
  // Its position among the distributed transaction's databases (0-based).
  std::size_t participant = 0;
  // How many databases the distributed transaction wrote to.
  std::size_t participants = 0;
  // When it was prepared, as the database tells it; empty where it does not (MariaDB's XA RECOVER).
  std::string prepared_at;
  // The name of the database (ar::database::name()).
  std::string database;
};

// The transactions ar prepared on `db` and that are neither committed nor rolled back yet: those
// of a commit in progress, or left by a crash. One statement.
AR_API std::vector<prepared_transaction> prepared_transactions(const database& db);

// What ar::resolve_prepared_transactions did with one distributed transaction.
struct resolved_transaction {
  // What became of it.
  enum class outcome : unsigned char {
    committed,    // committed on every database that held it prepared
    rolled_back,  // rolled back on every one
    unresolved,   // left as it was (see why)
  };
  // The distributed transaction's id.
  std::string id;
  // Committed, rolled back, or left as it was (see `why`).
  outcome result = outcome::unresolved;
  // The databases (their names) it was prepared on, and is no longer unless unresolved.
  std::vector<std::string> databases;
  // Why it was left unresolved; empty otherwise.
  std::string why;
};

// Finishes the distributed transactions left prepared on `dbs` (every database those transactions
// wrote to must be among them): each one the last of its databases holds prepared is committed
// everywhere, the others are rolled back everywhere. One whose last database is not among `dbs`,
// or that a server refused to finish, is left as it is and reported unresolved. Only transactions
// prepared at least `older_than` ago are touched: a commit in progress in another process looks
// like one a crash left, so run this at start-up, or give an age no commit takes. A transaction
// one of whose databases prepared it less than `older_than` ago is left alone everywhere. MariaDB
// does not tell when it prepared one: its age does not hold one back, and the server itself refuses
// to let another connection finish it while the connection that prepared it is open (reported
// unresolved: XAER_NOTA). Returns what it did, one entry per distributed transaction.
AR_API std::vector<resolved_transaction> resolve_prepared_transactions(
    const std::vector<database>& dbs, std::chrono::seconds older_than = std::chrono::seconds(0));

}  // namespace ar

#endif  // AR_DISTRIBUTED_HPP
