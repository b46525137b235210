#ifndef AR_DETAIL_EXECUTE_HPP
#define AR_DETAIL_EXECUTE_HPP

// The one place where statements run (src/exec/execution.cpp): templates describe where each
// result column goes (column_binding, ar/detail/erased_tables.hpp) and what the parameters are; the
// compiled part binds them through the backend's driver (ar/backend/driver.hpp), runs the
// statement through the statement cache and the observation point, and translates errors.

#include <ar/detail/erased_tables.hpp>
#include <ar/detail/record_buffer.hpp>
#include <ar/export.hpp>
#include <ar/model_traits.hpp>
#include <ar/value.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace ar {
class dialect;
}

namespace ar::detail {

class database_state;
struct connection;

struct run_result {
  std::uint64_t rows_fetched = 0;
  std::uint64_t rows_affected = 0;
};

enum class cache_policy : std::uint8_t { cache, once };

// What a SELECT written by hand (ar::sql, ar::sql_stream) checks once it has run, before its first
// row is read: the names of its result columns, in order. It may throw (the statement ends as
// failed), and may rebind the columns: the span a cursor or run_checked is given points into
// storage the check owns.
struct result_check {
  void* context = nullptr;
  void (*call)(void* context, std::span<const std::string> names) = nullptr;
};

// Keeps one connection of a database for its holder (a transaction, a stream reading a server-side
// cursor, statements that must share a session) until destroyed: the calling thread's transaction
// connection on that database if it has one, else one taken from the pool.
class AR_API connection_pin {
 public:
  explicit connection_pin(database_state& db);
  connection_pin(const connection_pin&) = delete;
  connection_pin& operator=(const connection_pin&) = delete;
  ~connection_pin();

  database_state& db() const noexcept { return *db_; }
  connection& conn() const noexcept { return *conn_; }

 private:
  database_state* db_;
  connection* conn_;
};

// A statement being executed: holds its connection until the last row is read or it is destroyed.
// The parameters and the column targets must outlive it. Given a database, it runs on the calling
// thread's transaction connection there, else on a connection from the pool; given a pin, on the
// pinned connection. `check`, when it has a call: run before the first row is read.
class AR_API cursor {
 public:
  cursor(database_state& db, std::string_view sql, std::span<const value> params,
         std::span<const column_binding> columns = {}, cache_policy policy = cache_policy::cache,
         result_check check = {});
  cursor(connection_pin& pin, std::string_view sql, std::span<const value> params,
         std::span<const column_binding> columns = {}, cache_policy policy = cache_policy::cache,
         result_check check = {});
  cursor(const cursor&) = delete;
  cursor& operator=(const cursor&) = delete;
  ~cursor();

  // Reads the next row into the bound columns; false after the last (or for a statement without
  // result columns, once it has run).
  bool next();
  std::uint64_t rows_fetched() const noexcept;
  std::uint64_t rows_affected() const noexcept;
  // Calls fn(context) with this cursor's connection lent to the calling thread's statements on its
  // database: they run beside this one, on its connection, instead of waiting for it (a stream
  // loading the relations of a batch of rows while its statement is still being stepped; SQLite
  // steps two statements of one connection, MariaDB's result is already in the client).
  void lend(void (*fn)(void* context), void* context);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

AR_API run_result run(database_state& db, std::string_view sql, std::span<const value> params,
                      std::span<const column_binding> columns = {}, row_callback on_row = {},
                      cache_policy policy = cache_policy::cache);
AR_API run_result run(connection_pin& pin, std::string_view sql, std::span<const value> params,
                      std::span<const column_binding> columns = {}, row_callback on_row = {},
                      cache_policy policy = cache_policy::cache);

// A SELECT that returns at most one row by construction (one by its table's whole primary key):
// ended after its first row, its statement reset there, instead of stepped once more only to learn
// that no row follows (on SQLite that step is a second search of the key's index). Counted,
// observed and cached as run() does; the statement cache finds it by the hash kept with its SQL.
struct hashed_sql;
AR_API run_result run_one_row(database_state& db, const hashed_sql& sql, std::span<const value> params,
                              std::span<const column_binding> columns);

// A statement whose result is checked (result_check) before its first row is read.
AR_API run_result run_checked(database_state& db, std::string_view sql, std::span<const value> params,
                              std::span<const column_binding> columns, result_check check, row_callback on_row);
AR_API run_result run_checked(connection_pin& pin, std::string_view sql, std::span<const value> params,
                              std::span<const column_binding> columns, result_check check, row_callback on_row,
                              cache_policy policy = cache_policy::cache);

// The values of bound columns as parameters, but the one at `skip` (compiled once, in the
// library: a model only says where its columns are). `table`, when the columns are a record's in
// its model's order: what names the field of a value its type_mapping refuses (ar::value_error).
// `written_to`, when the values are written to the table's columns (insert, update, upsert): the
// dialect of the database, which refuses a decimal its column would not keep exactly
// (dialect::decimal_refusal) with an ar::value_error naming the field.
inline constexpr std::size_t no_column = static_cast<std::size_t>(-1);
AR_API void append_bound_values(std::span<const column_binding> columns, std::size_t skip, std::vector<value>& out,
                                const table_meta* table = nullptr, const dialect* written_to = nullptr);

// The value of one bound column, as a parameter; `position` its column in `table`, for the error.
AR_API value value_of(const column_binding& column, const table_meta* table = nullptr,
                      std::size_t position = no_column);

// Copies the fields bound in `from` into those bound in `to` (two records of one model).
AR_API void copy_bound(std::span<const column_binding> to, std::span<const column_binding> from);

// A copy of a record's fields, without its relation caches (which could hold a cycle), shared
// (compiled once, in src/load/eager.cpp).
AR_API std::shared_ptr<void> share_fields(const record_ops& ops, const void* record);

// Remembers a record's fields as its row as stored (record_context::saved, for dirty tracking): a
// copy of its fields (not its relation caches or context) of its own, shared by its copies. One
// allocation (make_shared), on the path of find, insert, update: not of a query's reads.
template <class M>
void remember_row(const M& record) {
  if constexpr (::ar::model<M> && std::is_default_constructible_v<M>) {
    auto copy = std::make_shared<M>();
    model_of<M>::copy_columns(*copy, record);
    record.ar_context.saved = std::move(copy);
  } else {
    record.ar_context.saved = share_fields(record_ops_v<M>, &record);
  }
  record.ar_context.row = record_context::own_row;
}

// A statement's parameters, made and dropped in the library (a vector of values inlined at each
// call is most of the code of an insert or update).
class AR_API parameter_list {
 public:
  parameter_list() noexcept;
  // The values written to a table's columns on a database of this dialect (append_bound_values).
  explicit parameter_list(const dialect& written_to) noexcept;
  parameter_list(const parameter_list&) = delete;
  parameter_list& operator=(const parameter_list&) = delete;
  ~parameter_list();

  // The values of bound columns, but the one at `skip`; or of one column.
  void append(std::span<const column_binding> columns, std::size_t skip = no_column, const table_meta* table = nullptr);
  void append(const column_binding& column, const table_meta* table = nullptr, std::size_t position = no_column);
  std::span<const value> span() const noexcept;

 private:
  std::vector<value> values_;
  const dialect* written_to_ = nullptr;
};

// Where a record's columns are, for reading them as parameters (nothing is written through them).
template <model M>
std::array<column_binding, model_of<M>::size> columns_of(const M& record) noexcept {
  std::array<column_binding, model_of<M>::size> columns;
  bind_record(const_cast<M&>(record), columns);
  return columns;
}

// Appends the parameter values of a record's columns, skipping the primary key if asked.
template <model M>
void append_values(const M& record, std::vector<value>& out, bool with_key) {
  append_bound_values(columns_of(record), with_key ? no_column : model_of<M>::primary_key_index, out, &table_meta_v<M>);
}
template <model M>
void append_values(const M& record, parameter_list& out, bool with_key) {
  out.append(columns_of(record), with_key ? no_column : model_of<M>::primary_key_index, &table_meta_v<M>);
}

}  // namespace ar::detail

#endif  // AR_DETAIL_EXECUTE_HPP
