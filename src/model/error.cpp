#include <ar/error.hpp>

#include <string>
#include <utility>
#include <vector>

namespace ar {

record_not_found::record_not_found(std::string table, std::string key)
    : error("ar: no row in '" + table + "' has the primary key " + key),
      table_(std::move(table)),
      key_(std::move(key)) {}

namespace {
std::string validation_message(const std::string& table, const std::vector<field_error>& errors) {
  std::string out = "ar: a record of '" + table + "' is not valid, nothing was written: ";
  for (std::size_t i = 0; i < errors.size(); ++i) {
    if (i) out += "; ";
    out += errors[i].field;
    out += ' ';
    out += errors[i].message;
  }
  return out;
}
}  // namespace

validation_error::validation_error(std::string table, std::vector<field_error> errors)
    : error(validation_message(table, errors)), table_(std::move(table)), errors_(std::move(errors)) {}

callback_vetoed::callback_vetoed(std::string table, std::string hook, std::string callback)
    : error("ar: the " + hook + " callback '" + callback + "' of '" + table +
            "' returned false: the write was vetoed, nothing was written"),
      table_(std::move(table)),
      hook_(std::move(hook)),
      callback_(std::move(callback)) {}

stale_record_error::stale_record_error(std::string database, std::string table, std::string key,
                                       std::int64_t expected_version)
    : error("ar: database '" + database + "': no row in '" + table + "' has the primary key " + key +
            " at lock version " + std::to_string(expected_version) +
            " (another writer changed or deleted it since it was read): nothing was written; read the record again"),
      database_(std::move(database)),
      table_(std::move(table)),
      key_(std::move(key)),
      expected_(expected_version) {}

database_error::database_error(std::string database, std::string sql, std::string backend_message, std::string code,
                               error_kind kind)
    : error("ar: database '" + database + "' refused a statement: " + backend_message + "\n  SQL: " + sql),
      database_(std::move(database)),
      sql_(std::move(sql)),
      backend_message_(std::move(backend_message)),
      code_(std::move(code)),
      kind_(kind) {}

namespace {

std::string aborted_message(const std::string& database, const std::string& sql, const std::string& cause,
                            bool whole_transaction) {
  std::string m = "ar: the transaction on database '" + database + "' ";
  if (whole_transaction)
    m += "was rolled back by the server";
  else
    m += "is refused by the server until it is rolled back (to a savepoint, or all of it)";
  m += " after a statement in it failed: " + cause;
  m += "\n  refused, not sent: " + sql;
  m += "\n  every statement of this transaction fails until its scope ends; run the transaction again to redo "
       "its work";
  return m;
}

}  // namespace

transaction_aborted::transaction_aborted(std::string database, std::string sql, std::string cause,
                                         error_kind cause_kind, bool whole_transaction)
    : transaction_error(aborted_message(database, sql, cause, whole_transaction)),
      database_(std::move(database)),
      sql_(std::move(sql)),
      cause_(std::move(cause)),
      cause_kind_(cause_kind) {}

transaction_aborted::transaction_aborted(ended_by_statement_t, std::string database, std::string sql,
                                         std::string statement)
    : transaction_error("ar: the transaction on database '" + database +
                        "' was ended by a statement in it: " + statement +
                        "\n  (a COMMIT or ROLLBACK sent through execute, or a statement the database commits the "
                        "transaction for, as MariaDB does for DDL); what ran before it was committed or rolled back "
                        "as that statement did\n  refused, not sent: " +
                        sql + "\n  every statement of this transaction fails until its scope ends"),
      database_(std::move(database)),
      sql_(std::move(sql)),
      cause_(std::move(statement)),
      cause_kind_(error_kind::other),
      ended_by_statement_(true) {}

database_error::database_error(worded, const std::string& what, std::string database, std::string sql,
                               std::string backend_message)
    : error(what),
      database_(std::move(database)),
      sql_(std::move(sql)),
      backend_message_(std::move(backend_message)),
      kind_(error_kind::other) {}

namespace {

std::string column_name(const std::string& table, const std::string& column) {
  return table.empty() ? "column '" + column + "' (computed)" : "column '" + table + "." + column + "'";
}

}  // namespace

value_error::value_error(std::string table, std::string field, std::string why)
    : configuration_error(table.empty() ? "ar: a value compared with a column cannot be stored: " + why
                                        : "ar: cannot write field '" + field + "' of table '" + table +
                                              "': its value cannot be stored: " + why),
      table_(std::move(table)),
      field_(std::move(field)),
      why_(std::move(why)) {}

conversion_error::conversion_error(const std::string& database, const std::string& sql, std::string table,
                                   std::string column, std::string found, std::string expected)
    : database_error(worded{},
                     "ar: database '" + database + "': cannot read " + column_name(table, column) + ": it holds " +
                         found + ", but its field expects " + expected + "\n  SQL: " + sql,
                     database, sql,
                     column_name(table, column) + " holds " + found + ", but its field expects " + expected),
      table_(std::move(table)),
      column_(std::move(column)),
      found_(std::move(found)),
      expected_(std::move(expected)) {}

timeout_error::timeout_error(const std::string& database, const std::string& sql, std::chrono::milliseconds timeout,
                             const std::string& backend_message)
    : database_error(worded{},
                     "ar: database '" + database + "' did not finish a statement within its timeout of " +
                         std::to_string(timeout.count()) + " ms: " + backend_message + "\n  SQL: " + sql,
                     database, sql, backend_message),
      timeout_(timeout) {}

lazy_load_error::lazy_load_error(std::string model, std::string relation, std::string_view remedy)
    : error("ar: strict loading: '" + relation + "' of a '" + model + "' record was not loaded; " +
            std::string(remedy)),
      model_(std::move(model)),
      relation_(std::move(relation)) {}

schema_mismatch_error::schema_mismatch_error(std::vector<schema_problem> problems)
    : error([&] {
        std::string m = "ar: the database schema does not match the models (" + std::to_string(problems.size()) +
                        (problems.size() == 1 ? " problem)" : " problems)");
        for (const schema_problem& p : problems) {
          m += "\n  " + p.database + ": " + p.table;
          if (!p.column.empty()) m += "." + p.column;
          m += ": " + p.message;
        }
        return m;
      }()),
      problems_(std::move(problems)) {}

}  // namespace ar
