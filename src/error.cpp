#include <ar/error.hpp>

#include <utility>

namespace ar {

record_not_found::record_not_found(std::string table, std::string key)
    : error("ar: no row in '" + table + "' has the primary key " + key), table_(std::move(table)), key_(std::move(key)) {}

database_error::database_error(std::string database, std::string sql, std::string backend_message)
    : error("ar: database '" + database + "' refused a statement: " + backend_message + "\n  SQL: " + sql),
      database_(std::move(database)),
      sql_(std::move(sql)),
      backend_message_(std::move(backend_message)) {}

database_error::database_error(std::string what, std::string database, std::string sql, std::string backend_message)
    : error(std::move(what)),
      database_(std::move(database)),
      sql_(std::move(sql)),
      backend_message_(std::move(backend_message)) {}

namespace {

std::string column_name(const std::string& table, const std::string& column) {
  return table.empty() ? "column '" + column + "' (computed)" : "column '" + table + "." + column + "'";
}

}  // namespace

conversion_error::conversion_error(std::string database, std::string sql, std::string table, std::string column,
                                   std::string found, std::string expected)
    : database_error("ar: database '" + database + "': cannot read " + column_name(table, column) + ": it holds " +
                         found + ", but its field expects " + expected + "\n  SQL: " + sql,
                     database, sql,
                     column_name(table, column) + " holds " + found + ", but its field expects " + expected),
      table_(std::move(table)),
      column_(std::move(column)),
      found_(std::move(found)),
      expected_(std::move(expected)) {}

lazy_load_error::lazy_load_error(std::string model, std::string relation, std::string_view remedy)
    : error("ar: strict loading: '" + relation + "' of a '" + model + "' record was not loaded; " + std::string(remedy)),
      model_(std::move(model)),
      relation_(std::move(relation)) {}

}  // namespace ar
