#include <ar/error.hpp>

#include <string>
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

timeout_error::timeout_error(std::string database, std::string sql, std::chrono::milliseconds timeout,
                             std::string backend_message)
    : database_error("ar: database '" + database + "' did not finish a statement within its timeout of " +
                         std::to_string(timeout.count()) + " ms: " + backend_message + "\n  SQL: " + sql,
                     database, sql, backend_message),
      timeout_(timeout) {}

lazy_load_error::lazy_load_error(std::string model, std::string relation, std::string_view remedy)
    : error("ar: strict loading: '" + relation + "' of a '" + model + "' record was not loaded; " + std::string(remedy)),
      model_(std::move(model)),
      relation_(std::move(relation)) {}

}  // namespace ar
