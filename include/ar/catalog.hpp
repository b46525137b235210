#ifndef AR_CATALOG_HPP
#define AR_CATALOG_HPP

// A database's tables as its catalog describes them (through the dialect's catalog statements, the
// table names bound): what ar-gen (tools/ar-gen) writes models from. verify_schema reads the same
// catalog to compare it with models that already exist.

#include <ar/database.hpp>
#include <ar/export.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ar {

// A column as the database's catalog describes it.
struct catalog_column {
  // The column's name.
  std::string name;
  std::string type;  // as the catalog spells it: "NVARCHAR(160)", "integer", "int(11)"
  // Whether it takes NULL.
  bool nullable = false;
  std::int64_t key_position = 0;  // 1 for the first column of the primary key; 0: not part of it
  bool generated = false;         // the database fills it in (identity, serial, AUTO_INCREMENT)
  bool unique = false;            // alone in a unique index, or the whole primary key
};

// A foreign key constraint as the database's catalog describes it.
struct catalog_foreign_key {
  std::string name;                  // the constraint's name, or SQLite's number
  std::vector<std::string> columns;  // in the table, in the key's order
  // The table the key refers to.
  std::string target_table;
  std::vector<std::string> target_columns;  // empty when the catalog says: the target's primary key
};

// A table as the database's catalog describes it (read_catalog_table).
struct catalog_table {
  // The table's name.
  std::string name;
  std::vector<catalog_column> columns;  // in the table's order
  // Its foreign key constraints.
  std::vector<catalog_foreign_key> foreign_keys;
  // The columns of each unique index or constraint (of one column or several; the primary key, where
  // the catalog lists it as an index), each in the index's order.
  std::vector<std::vector<std::string>> unique_keys{};
};

// The names of the database's tables, sorted. Throws ar::configuration_error when the backend's
// dialect cannot list them.
AR_API std::vector<std::string> catalog_table_names(const database& db);

// One table: its columns, its key, its foreign keys. No columns: there is no such table.
AR_API catalog_table read_catalog_table(const database& db, std::string_view table);

// Every table of the database.
AR_API std::vector<catalog_table> read_catalog(const database& db);

// One index of a table, unique or not (a unique constraint's and the primary key's too, where the
// catalog lists them as indexes): its name and its columns in the index's order (an empty name
// for a part that is an expression).
struct catalog_index {
  // The index's name.
  std::string name;
  // Its columns, in the index's order; an empty name for a part that is an expression.
  std::vector<std::string> columns;
  // Whether it is a unique index.
  bool unique = false;
};
// The indexes of a table, by name. Throws ar::configuration_error when the backend's dialect cannot
// list them (dialect::catalog_indexes_sql).
AR_API std::vector<catalog_index> catalog_indexes(const database& db, std::string_view table);

}  // namespace ar

#endif  // AR_CATALOG_HPP
