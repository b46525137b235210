// create_tables and drop_tables: which foreign keys get a constraint (those whose target is on the
// same database), the order that lets each constraint find its table, and running the DDL.

#include "exec/database_state.hpp"

#include <ar/database.hpp>
#include <ar/detail/names.hpp>
#include <ar/error.hpp>
#include <ar/schema.hpp>

#include <algorithm>
#include <string>
#include <vector>

namespace ar::detail {

namespace {

const database& database_at(std::span<const database> dbs, std::size_t i) { return dbs.size() == 1 ? dbs[0] : dbs[i]; }

// Whether the target of a foreign key of `table` lives on `db`: the table itself (a tree), or a
// model whose relations load from db. A model bound to a database not open is elsewhere.
bool target_on(const database& db, const table_ddl& table, const foreign_key_ddl& fk) {
  if (fk.target == table.table) return true;
  try {
    return detail::database_for(fk.target) == db;
  } catch (const configuration_error&) {
    return false;
  }
}

// Whether the database ties each column of the foreign key to its key column's type.
bool types_match(const database& db, const table_ddl& table, const foreign_key_ddl& fk) {
  for (std::size_t i = 0; i < fk.columns.size() && i < fk.target_columns.size(); ++i)
    if (!db.dialect().foreign_key_types_match(table.table->columns[fk.columns[i]].type,
                                              fk.target->columns[fk.target_columns[i]].type))
      return false;
  return true;
}

std::vector<bool> constrained_keys(const database& db, const table_ddl& table) {
  std::vector<bool> out;
  for (const foreign_key_ddl& fk : table.foreign_keys)
    out.push_back(fk.constraint && fk.target != nullptr && target_on(db, table, fk) && types_match(db, table, fk));
  return out;
}

// The tables in an order where each comes after the tables its constraints refer to (among those
// given, on the same database), otherwise as given. Empty when they refer to each other in a cycle;
// `cycle` then names its tables.
std::vector<std::size_t> parents_first(std::span<const table_ddl* const> tables, std::span<const database> dbs,
                                       std::string& cycle) {
  const std::size_t n = tables.size();
  std::vector<std::vector<std::size_t>> parents(n);
  for (std::size_t i = 0; i < n; ++i) {
    const database& db = database_at(dbs, i);
    const std::vector<bool> constrained = constrained_keys(db, *tables[i]);
    for (std::size_t f = 0; f < tables[i]->foreign_keys.size(); ++f) {
      if (!constrained[f]) continue;
      for (std::size_t j = 0; j < n; ++j)
        if (j != i && tables[j]->table == tables[i]->foreign_keys[f].target && database_at(dbs, j) == db)
          parents[i].push_back(j);
    }
  }
  std::vector<std::size_t> order;
  std::vector<bool> placed(n, false);
  while (order.size() < n) {
    bool progress = false;
    for (std::size_t i = 0; i < n; ++i) {
      if (placed[i]) continue;
      if (std::all_of(parents[i].begin(), parents[i].end(), [&](std::size_t p) { return placed[p]; })) {
        placed[i] = true;
        order.push_back(i);
        progress = true;
        break;  // the earliest ready table first: the order given, where nothing else decides
      }
    }
    if (!progress) {
      for (std::size_t i = 0; i < n; ++i)
        if (!placed[i]) cycle += (cycle.empty() ? "'" : ", '") + std::string(tables[i]->table->table) + "'";
      return {};
    }
  }
  return order;
}

void run_statement(const database& db, const std::string& sql) {
  run(state_of(db), sql, {}, {}, {}, cache_policy::once);
}

}  // namespace

std::vector<std::string> create_table_statements(const database& db, const table_ddl& table, bool if_not_exists) {
  return create_table_sql(state_of(db), table, if_not_exists, constrained_keys(db, table));
}

void create_tables(std::span<const table_ddl* const> tables, std::span<const database> dbs, bool if_not_exists) {
  std::string cycle;
  const std::vector<std::size_t> order = parents_first(tables, dbs, cycle);
  if (order.empty() && !tables.empty())
    throw configuration_error("create_tables: the foreign keys of the tables " + cycle +
                              " refer to each other in a cycle, so no order creates each after the tables it refers "
                              "to: declare AR_NO_FOREIGN_KEY on one belongs_to of the cycle");
  for (const std::size_t i : order) {
    const database& db = database_at(dbs, i);
    for (const std::string& sql : create_table_statements(db, *tables[i], if_not_exists)) run_statement(db, sql);
    // Prepared statements may refer to the table as it was (PostgreSQL keeps their plans).
    db.clear_statement_cache();
  }
}

void drop_tables(std::span<const table_ddl* const> tables, std::span<const database> dbs) {
  std::string cycle;
  std::vector<std::size_t> order = parents_first(tables, dbs, cycle);
  if (order.empty())  // a cycle: the order given, and the database says what it refuses
    for (std::size_t i = tables.size(); i-- > 0;) order.push_back(i);
  for (auto it = order.rbegin(); it != order.rend(); ++it)
    run_ddl(database_at(dbs, *it), *tables[*it]->table, crud_kind::drop_table_if_exists);
}

void run_ddl(const database& db, const table_meta& table, crud_kind kind) {
  const std::string& sql = crud_sql(state_of(db), table, kind);
  run_statement(db, sql);
  db.clear_statement_cache();
}

}  // namespace ar::detail
