// PostgreSQL: double-quoted identifiers, $N placeholders (libpq's own: the native driver,
// postgresql_native.cpp, sends ar's statements as they are), RETURNING for generated keys, identity
// columns, TIMESTAMP(6) for time points (UTC by convention), BOOLEAN.

#include <ar/backend/dialect.hpp>

#include <libpq-fe.h>

#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <optional>
#include <cstdint>

namespace ar::backends {

namespace postgresql_native {
// The value of ar's pooler key (pooler=transaction), taken out of a connection string (a
// keyword=value word, or a pair of a URI's query); nullopt when it has none. postgresql_native.cpp.
std::optional<std::string> take_pooler(std::string& connection_string);
}  // namespace postgresql_native

namespace {

class postgresql_dialect final : public dialect {
 public:
  std::span<const std::string_view> schemes() const override {
    static constexpr std::array<std::string_view, 2> names{"postgresql", "postgres"};
    return names;
  }
  std::string_view driver_name() const override { return "postgresql"; }

  // SOCI hands the connection string to libpq as it is: keyword=value pairs, or a URI. A URL such as
  // postgresql://user:secret@host:5432/app is a libpq URI whole, so libpq gets it whole. ar's own
  // key, pooler=transaction (a word, or a pair of the URI's query), is not libpq's: it is left out
  // to choose, then given back, at the end, for the driver (postgresql_native.cpp) to read.
  std::string driver_connection_string(std::string_view connection, std::string_view url) const override {
    std::string own(connection), whole(url);
    const std::optional<std::string> pooler = postgresql_native::take_pooler(own);
    postgresql_native::take_pooler(whole);
    std::string out = !parses(own) && parses(whole) ? whole : own;
    if (pooler) {
      if (out.find("://") != std::string::npos)
        out += (out.find('?') == std::string::npos ? "?pooler=" : "&pooler=") + *pooler;
      else
        out += " pooler=" + *pooler;
    }
    return out;
  }

  std::string refuse_connection_string(std::string_view connection) const override {
    std::string own(connection);
    const std::optional<std::string> pooler = postgresql_native::take_pooler(own);
    if (!pooler || *pooler == "transaction") return {};
    return "has pooler=" + *pooler +
           ": the only pooler ar knows is pooler=transaction, for a pooler that gives each transaction any of "
           "its server connections (pgbouncer's pool_mode = transaction); through a session pooler, write no "
           "pooler at all";
  }

  // libpq's own parser finds the password whatever the syntax (quoted, escaped, in a URI); the generic
  // scan adds what a string libpq cannot parse may hold.
  std::vector<std::string> connection_secrets(std::string_view connection) const override {
    std::vector<std::string> out = dialect::connection_secrets(connection);
    std::string without_pooler(connection);
    postgresql_native::take_pooler(without_pooler);
    for (const std::string& text : {without_pooler, "postgresql://" + without_pooler}) {
      char* error = nullptr;
      std::unique_ptr<PQconninfoOption, void (*)(PQconninfoOption*)> options(PQconninfoParse(text.c_str(), &error),
                                                                             PQconninfoFree);
      PQfreemem(error);  // it may quote the string: never shown
      if (!options) continue;
      for (const PQconninfoOption* o = options.get(); o->keyword != nullptr; ++o)
        if (o->val != nullptr && *o->val != '\0' &&
            (std::string_view(o->keyword) == "password" || std::string_view(o->keyword) == "sslpassword"))
          out.emplace_back(o->val);
    }
    return out;
  }

  // Every statement of ar's with values runs through libpq (postgresql_native.cpp), which takes
  // the server's numbered parameters as they are: the text in the query log is the text the server
  // gets, and nothing parses it again.
  // ilike is PostgreSQL's own ILIKE (which folds case as the database's locale does).
  void pattern_match(std::string& out, match_writer& w, std::string_view pattern, bool ignore_case,
                     bool negated) const override {
    if (!ignore_case) return dialect::pattern_match(out, w, pattern, false, negated);
    w.operand(out);
    out += negated ? " NOT ILIKE " : " ILIKE ";
    w.parameter(out, value{std::string(pattern)});
  }

  void placeholder(std::string& out, std::size_t index) const override {
    out += '$';
    append_number(out, index);
  }

  // A row-value IN reads a VALUES list (an IN list of thousands of row values is planned as a
  // chain of ORs that exceeds max_stack_depth), its first row cast to the columns' types.
  std::string_view row_values_list() const override { return "VALUES "; }
  bool row_values_typed() const override { return true; }
  std::string_view column_type(value_type type) const override {
    switch (type) {
      case value_type::int32: return "INTEGER";
      case value_type::int64: return "BIGINT";
      case value_type::float64: return "DOUBLE PRECISION";
      case value_type::boolean: return "BOOLEAN";
      case value_type::text: return "TEXT";
      case value_type::time: return "TIMESTAMP(6)";
      case value_type::date: return "DATE";
      case value_type::bytes: return "BYTEA";
      case value_type::uuid: return "UUID";
      case value_type::json: return "JSONB";       // the value, not the text: see ar::json
      case value_type::decimal: return "NUMERIC";  // NUMERIC(P, S) for ar::numeric<P, S>: decimal_column_type
    }
    return "TEXT";
  }

  std::string_view generated_key_definition(value_type type) const override {
    return type == value_type::int32 ? "INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
                                     : "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY";
  }

  // text cannot hold a NUL byte, and libpq takes each text value as a C string: a NUL would cut
  // it there, silently. ar refuses such a value instead.
  bool text_holds_nul() const override { return false; }

  // The wire protocol counts parameters in 16 bits.
  std::size_t max_parameters() const override { return 65535; }

  // libpq receives a whole result at once: streams read a WITH HOLD cursor in batches (it lives
  // outside any transaction, so a stream neither needs nor disturbs one).
  std::string declare_cursor(std::string_view name, std::string_view select) const override {
    std::string out = "DECLARE ";
    quote_identifier(out, name);
    out += " NO SCROLL CURSOR WITH HOLD FOR ";
    out += select;
    return out;
  }
  std::string fetch_cursor(std::string_view name, std::size_t rows) const override {
    std::string out = "FETCH FORWARD " + std::to_string(rows) + " FROM ";
    quote_identifier(out, name);
    return out;
  }
  std::string close_cursor(std::string_view name) const override {
    std::string out = "CLOSE ";
    quote_identifier(out, name);
    return out;
  }

  // The catalog of the schema a statement's unqualified names find first (current_schema(), the head
  // of the search_path). information_schema has the columns and the keys; indexes only pg_catalog.
  std::string catalog_columns_sql() const override {
    // A numeric column with its declared precision and scale, "numeric(10,2)" (ar-gen writes
    // ar::numeric<10, 2> from it); a numeric without them is "numeric".
    return "SELECT c.column_name::text, CASE WHEN c.data_type = 'numeric' AND c.numeric_precision IS NOT NULL "
           "THEN 'numeric(' || c.numeric_precision || ',' || c.numeric_scale || ')' ELSE c.data_type::text END, "
           "CASE WHEN c.is_nullable = 'YES' THEN 1 ELSE 0 END::bigint, "
           "COALESCE((SELECT k.ordinal_position FROM information_schema.table_constraints t "
           "JOIN information_schema.key_column_usage k ON k.constraint_schema = t.constraint_schema "
           "AND k.constraint_name = t.constraint_name AND k.table_name = t.table_name "
           "WHERE t.constraint_type = 'PRIMARY KEY' AND t.table_schema = c.table_schema "
           "AND t.table_name = c.table_name AND k.column_name = c.column_name), 0)::bigint "
           "FROM information_schema.columns c WHERE c.table_schema = current_schema() AND c.table_name::text = $1 "
           "ORDER BY c.ordinal_position";
  }
  // NAMEDATALEN - 1: a longer name would be cut by the server (with a notice), not refused.
  std::size_t max_identifier_length() const override { return 63; }

  std::string catalog_index_columns_sql() const override {
    return "SELECT a.attname::text FROM pg_catalog.pg_index i "
           "JOIN pg_catalog.pg_class t ON t.oid = i.indrelid "
           "JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace "
           "LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = t.oid AND a.attnum = i.indkey[0] AND i.indkey[0] <> 0 "
           "WHERE n.nspname = current_schema() AND t.relname::text = $1";
  }
  std::string catalog_tables_sql() const override {
    return "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() "
           "AND table_type = 'BASE TABLE' ORDER BY table_name";
  }
  // pg_constraint: conkey and confkey pair each column with the one it refers to.
  std::string catalog_foreign_keys_sql() const override {
    return "SELECT c.conname::text, k.n::bigint, a.attname::text, rt.relname::text, ra.attname::text "
           "FROM pg_catalog.pg_constraint c "
           "JOIN pg_catalog.pg_class t ON t.oid = c.conrelid "
           "JOIN pg_catalog.pg_namespace ns ON ns.oid = t.relnamespace "
           "JOIN pg_catalog.pg_class rt ON rt.oid = c.confrelid "
           "CROSS JOIN LATERAL unnest(c.conkey, c.confkey) WITH ORDINALITY AS k(col, rcol, n) "
           "JOIN pg_catalog.pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.col "
           "JOIN pg_catalog.pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = k.rcol "
           "WHERE c.contype = 'f' AND ns.nspname = current_schema() AND t.relname::text = $1 "
           "ORDER BY c.conname, k.n";
  }
  std::string catalog_generated_columns_sql() const override {
    return "SELECT column_name::text FROM information_schema.columns WHERE table_schema = current_schema() "
           "AND table_name::text = $1 AND (is_identity = 'YES' OR column_default LIKE 'nextval(%')";
  }
  std::string catalog_unique_keys_sql() const override {
    // indkey counts from 0; an expression's place in it is 0 (no attribute): such an index is left out.
    return "SELECT ic.relname::text, a.attname::text FROM pg_catalog.pg_index i "
           "JOIN pg_catalog.pg_class t ON t.oid = i.indrelid "
           "JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid "
           "JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace "
           "CROSS JOIN LATERAL generate_series(0, i.indnkeyatts - 1) AS k(n) "
           "JOIN pg_catalog.pg_attribute a ON a.attrelid = t.oid AND a.attnum = i.indkey[k.n] "
           "WHERE n.nspname = current_schema() AND t.relname::text = $1 AND i.indisunique "
           "AND i.indpred IS NULL AND i.indexprs IS NULL "
           "ORDER BY ic.relname, k.n";
  }

  // Two-phase commit: the server must allow it (max_prepared_transactions > 0, 0 by default). The
  // id is ar's own (letters, digits, '_'), so the literal needs no escaping.
  std::string prepare_transaction_sql(std::string_view id) const override {
    return "PREPARE TRANSACTION '" + std::string(id) + "'";
  }
  std::string commit_prepared_sql(std::string_view id) const override {
    return "COMMIT PREPARED '" + std::string(id) + "'";
  }
  std::string rollback_prepared_sql(std::string_view id) const override {
    return "ROLLBACK PREPARED '" + std::string(id) + "'";
  }
  std::string prepared_transactions_sql() const override {
    return "SELECT gid::text, prepared::text, EXTRACT(EPOCH FROM now() - prepared)::float8 "
           "FROM pg_catalog.pg_prepared_xacts "
           "WHERE database = current_database() AND starts_with(gid, $1) ORDER BY prepared, gid";
  }
  std::string database_identity_sql() const override {
    return "SELECT (SELECT system_identifier FROM pg_catalog.pg_control_system())::text || '/' || "
           "current_database()";
  }

  std::string catalog_indexes_sql() const override {
    return "SELECT ic.relname::text, a.attname::text, CASE WHEN i.indisunique THEN 1 ELSE 0 END "
           "FROM pg_catalog.pg_index i "
           "JOIN pg_catalog.pg_class t ON t.oid = i.indrelid "
           "JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid "
           "JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace "
           "CROSS JOIN LATERAL generate_series(0, i.indnkeyatts - 1) AS k(n) "
           "LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = t.oid AND a.attnum = i.indkey[k.n] AND a.attnum <> 0 "
           "WHERE n.nspname = current_schema() AND t.relname::text = $1 "
           "ORDER BY ic.relname, k.n";
  }

  // information_schema's data_type: "integer", "bigint", "double precision", "numeric", "boolean",
  // "text", "character varying", "timestamp without time zone", ... A timestamp with time zone reads
  // back with its offset, which ar's time fields do not take; smallint and real are too small.
  bool column_type_holds(std::string_view type, value_type field) const override {
    const std::string t = normal_type_name(type);
    switch (field) {
      case value_type::int32: return t == "integer" || t == "bigint";
      case value_type::int64: return t == "bigint";
      case value_type::float64: return t == "double precision" || t == "numeric";
      case value_type::boolean: return t == "boolean";
      case value_type::text: return t == "text" || t == "character varying" || t == "character";
      case value_type::time: return t == "timestamp without time zone" || t == "timestamp";  // DDL's name of it
      case value_type::date: return t == "date";
      case value_type::bytes: return t == "bytea";
      case value_type::uuid: return t == "uuid";
      case value_type::json: return t == "jsonb" || t == "json" || t == "text";
      case value_type::decimal: return t == "numeric";  // never double precision or real: not exact
    }
    return false;
  }

  // information_schema's data_type names; smallint has no field type (no 16-bit one: an int32
  // field would write what it cannot hold).
  std::optional<column_field> field_for_column(std::string_view type) const override {
    const std::string t = normal_type_name(type);
    if (t == "integer") return column_field{value_type::int32};
    if (t == "bigint") return column_field{value_type::int64};
    if (t == "real") return column_field{value_type::float64, value_range::float32};
    if (t == "double precision") return column_field{value_type::float64};
    if (t == "boolean") return column_field{value_type::boolean};
    if (t == "text" || t == "character varying" || t == "character") return column_field{value_type::text};
    if (t == "timestamp without time zone" || t == "timestamp") return column_field{value_type::time};
    if (t == "date") return column_field{value_type::date};
    if (t == "bytea") return column_field{value_type::bytes};
    if (t == "uuid") return column_field{value_type::uuid};
    if (t == "jsonb" || t == "json") return column_field{value_type::json};
    return std::nullopt;
  }

  // NOTICEs (e.g. "table does not exist, skipping") would go to stderr.
  std::vector<std::string> session_setup() const override { return {"SET client_min_messages TO WARNING"}; }
  std::vector<std::string> read_only_session() const override { return {"SET default_transaction_read_only = on"}; }

  // The insert position covers every commit at once; the write and flush positions lag behind it
  // under synchronous_commit = off. A standby's replay position is NULL on a primary.
  // NULL is greater than every value: last when ascending, first when descending.
  bool nulls_sort_first() const override { return false; }
  // The "C" collation compares bytes, whatever the database's or the column's collation.
  std::pair<std::string_view, std::string_view> text_byte_order() const override { return {"", " COLLATE \"C\""}; }
  std::string write_position_sql() const override { return "SELECT pg_current_wal_insert_lsn()::text"; }
  std::string replay_position_sql() const override { return "SELECT pg_last_wal_replay_lsn()::text"; }
  bool position_reached(std::string_view replayed, std::string_view written) const override {
    const std::optional<std::uint64_t> r = parse_lsn(replayed);
    std::optional<std::uint64_t> w = parse_lsn(written);
    if (!r || !w) return false;
    // The insert position just past a page's header, which no record ends at: a standby that
    // replayed everything before it stands at the page's start until more WAL comes (a segment's
    // first page has the long header).
    constexpr std::uint64_t page = 8192;
    constexpr std::uint64_t segment = std::uint64_t{16} << 20;
    if (*w % segment == 40)
      *w -= 40;
    else if (*w % page == 24)
      *w -= 24;
    return *r >= *w;
  }

  // "X/Y", two hexadecimal numbers of up to 32 bits: the high and the low half of the position.
  static std::optional<std::uint64_t> parse_lsn(std::string_view text) {
    const std::size_t slash = text.find('/');
    if (slash == std::string_view::npos || slash == 0 || slash + 1 == text.size()) return std::nullopt;
    std::uint64_t halves[2] = {0, 0};
    const std::string_view parts[2] = {text.substr(0, slash), text.substr(slash + 1)};
    for (int i = 0; i < 2; ++i) {
      if (parts[i].size() > 8) return std::nullopt;
      for (const char c : parts[i]) {
        int digit = 0;
        if (c >= '0' && c <= '9')
          digit = c - '0';
        else if (c >= 'A' && c <= 'F')
          digit = c - 'A' + 10;
        else if (c >= 'a' && c <= 'f')
          digit = c - 'a' + 10;
        else
          return std::nullopt;
        halves[i] = halves[i] * 16 + static_cast<std::uint64_t>(digit);
      }
    }
    return (halves[0] << 32) | halves[1];
  }

  static bool parses(std::string_view text) {
    const std::string copy(text);
    char* error = nullptr;
    PQconninfoOption* options = PQconninfoParse(copy.c_str(), &error);
    PQfreemem(error);
    if (options == nullptr) return false;
    PQconninfoFree(options);
    return true;
  }
};

}  // namespace

void register_postgresql_driver();  // postgresql_native.cpp: connections, statements through libpq

void register_postgresql() {
  register_dialect(std::make_shared<postgresql_dialect>());
  register_postgresql_driver();
}

}  // namespace ar::backends
