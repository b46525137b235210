#ifndef AR_DETAIL_CRUD_SQL_HPP
#define AR_DETAIL_CRUD_SQL_HPP

// The SQL of the CRUD statements of a table, rendered once per database and kept (src/sql/crud_sql.cpp).

#include <ar/export.hpp>
#include <ar/model_traits.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ar {
class dialect;
}  // namespace ar

namespace ar::detail {

class database_state;

enum class crud_kind : std::uint8_t {
  insert,            // INSERT without the generated key, RETURNING it where the dialect can
  insert_with_key,   // INSERT with every column
  insert_no_return,  // INSERT without the generated key, never RETURNING (nothing read back)
  upsert,            // INSERT with every column, updating the row when the key exists
  update,            // UPDATE every non-key column WHERE key = ?
  destroy,           // DELETE WHERE key = ?
  destroy_locked,    // DELETE WHERE key = ? AND lock_version = ? (AR_LOCK_VERSION)
  select_by_key,     // SELECT every column WHERE key = ?
  count_by_key,      // SELECT COUNT(*) WHERE key = ? (is the row there?)
  drop_table_if_exists,
};

// The SQL for `kind` on `table`; `rows` is the number of VALUES rows for the inserts.
AR_API const std::string& crud_sql(database_state& db, const table_meta& table, crud_kind kind, std::size_t rows = 1);

// The hash a connection's statement cache files a statement under (src/exec/statement_cache.hpp).
inline std::size_t statement_hash(std::string_view sql) noexcept { return std::hash<std::string_view>{}(sql); }

// A statement's SQL with its statement_hash, computed once where the SQL is kept, so that running
// it does not hash its text again.
struct hashed_sql {
  std::string text;
  std::size_t hash = 0;
};
// crud_sql's SQL, with its hash.
AR_API const hashed_sql& crud_statement(database_state& db, const table_meta& table, crud_kind kind,
                                        std::size_t rows = 1);

struct table_ddl;
// The statements that create a table (ar/detail/table_ddl.hpp): CREATE TABLE with its columns,
// DEFAULTs, key, unique constraints, the FOREIGN KEY constraints of the foreign keys whose
// `constrained` flag is set, CHECKs of enum columns, and the indexes the dialect declares there; then
// a CREATE INDEX for each index it makes apart. Rendered for each call, not kept.
AR_API std::vector<std::string> create_table_sql(database_state& db, const table_ddl& table, bool if_not_exists,
                                                 const std::vector<bool>& constrained);
// The name ar gives a constraint or an index: "<prefix>_<table>_on_<a>_and_<b>" (as Rails names
// an index), cut to the dialect's longest identifier with a hash of the whole.
AR_API std::string ddl_object_name(const dialect& d, std::string_view prefix, std::string_view table,
                                   std::span<const std::string_view> columns);
// UPDATE `columns` (positions in the table) by key: SET a = ?, b = ? WHERE key = ?, and for a
// table with a lock version, SET ..., lock = lock + 1 WHERE key = ? AND lock = ?. Rendered for each
// call (which columns changed varies), not kept; the statement cache knows its text.
AR_API std::string update_columns_sql(database_state& db, const table_meta& table,
                                      std::span<const std::size_t> columns);

// SELECT COUNT(*) FROM table WHERE column = ?, and, when `exclude_key`, AND NOT (key = ?): whether
// another row holds a value (ar::uniqueness). Rendered for each call, not kept.
AR_API std::string uniqueness_sql(database_state& db, const table_meta& table, std::size_t column, bool exclude_key);

// A multi-row INSERT of `rows` rows (with the key column or without a generated one) that resolves
// a conflict on a unique key as the dialect's on_conflict_clause spells it (ar::on_conflict), and
// RETURNING the key when `returning`. Rendered for each call, not kept.
AR_API std::string insert_on_conflict_sql(database_state& db, const table_meta& table, std::size_t rows, bool with_key,
                                          bool returning, std::span<const std::size_t> target,
                                          std::span<const std::size_t> update);

}  // namespace ar::detail

#endif  // AR_DETAIL_CRUD_SQL_HPP
