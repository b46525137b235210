// MySQL's dialect, for MariaDB 10.5 and later (Debian 12 ships 10.11): backquoted identifiers,
// positional ? placeholders (the server prepares each statement; values are bound, never written
// into its text), INSERT ... RETURNING for generated keys (MariaDB 10.5+, multi-row too:
// a server without it is refused when the connection opens, with a message that says so),
// AUTO_INCREMENT keys, DATETIME(6) in UTC for time points, BOOLEAN (TINYINT(1)), utf8mb4 text
// compared byte for byte (utf8mb4_nopad_bin) like the other backends, InnoDB tables, strict SQL mode.

#include <ar/detail/names.hpp>
#include <ar/backend/dialect.hpp>
#include <ar/backend/url.hpp>
#include <ar/error.hpp>
#include <ar/model.hpp>

#include <algorithm>
#include <array>
#include <string>
#include <vector>
#include <string_view>
#include <optional>
#include <cstdint>

namespace ar::backends {

using detail::column_name;
using detail::table_name;

namespace {

// Every connection: exact errors instead of silent truncation or zero dates, UTC, utf8mb4 with
// byte-wise comparison for literals and parameters too. Setting sql_mode is also where a server
// without INSERT ... RETURNING is turned away: the IF gives it a value no server accepts, and the
// error quotes that value, which says what is wrong.
constexpr std::string_view sql_mode_and_version_check =
    "SET SESSION sql_mode = IF(VERSION() LIKE '%MariaDB%' AND "
    "CAST(SUBSTRING_INDEX(VERSION(), '.', 1) AS UNSIGNED) * 1000 + "
    "CAST(SUBSTRING_INDEX(SUBSTRING_INDEX(VERSION(), '.', 2), '.', -1) AS UNSIGNED) >= 10005, "
    "'STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION', "
    "CONCAT('ar needs MariaDB 10.5 or later (INSERT ... RETURNING gives back generated keys) but this "
    "server is ', VERSION()))";  // no comma in the message: the server quotes it up to the first one

// A URL (mysql://user:pass@host:port/db?charset=utf8mb4) becomes SOCI's key='value' words: each
// value quoted, its quotes and backslashes escaped, as SOCI's mysql backend reads them. The settings
// a URL may carry are those SOCI passes to the client library.
constexpr std::array<std::string_view, 9> url_settings{"charset",         "sslca",        "sslcert",
                                                       "sslkey",          "unix_socket",  "local_infile",
                                                       "connect_timeout", "read_timeout", "write_timeout"};

void append_setting(std::string& out, std::string_view key, std::string_view value) {
  if (!out.empty()) out += ' ';
  out += key;
  out += "='";
  for (const char c : value) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  out += '\'';
}

// Why a URL-form connection string cannot be passed on, or "" when it can (then `out` has its parts).
std::string read_url(std::string_view connection, backend::url_parts& out) {
  std::string why;
  auto parts = backend::parse_url(connection, why);
  if (!parts) return why;
  for (const auto& [key, value] : parts->query)
    if (std::find(url_settings.begin(), url_settings.end(), key) == url_settings.end() && key != "socket") {
      std::string known;
      for (const std::string_view k : url_settings) known += (known.empty() ? "" : ", ") + std::string(k);
      return "has the setting '" + key + "', which MariaDB's client is not given through a URL; it takes " + known +
             " (and socket for unix_socket)";
    }
  out = std::move(*parts);
  return {};
}

class mysql_dialect final : public dialect {
 public:
  std::span<const std::string_view> schemes() const override {
    static constexpr std::array<std::string_view, 2> names{"mysql", "mariadb"};
    return names;
  }
  std::string_view driver_name() const override { return "mysql"; }

  // mysql://user:pass@host:port/db?charset=... in SOCI's words; SOCI's own form goes as it is.
  std::string driver_connection_string(std::string_view connection, std::string_view) const override {
    backend::url_parts url;
    if (!backend::is_url_form(connection) || !read_url(connection, url).empty()) return std::string(connection);
    std::string out;
    if (!url.host.empty()) append_setting(out, "host", url.host);
    if (url.port) append_setting(out, "port", std::to_string(*url.port));
    if (!url.path.empty()) append_setting(out, "db", url.path);
    if (url.user) append_setting(out, "user", *url.user);
    if (url.password) append_setting(out, "password", *url.password);
    for (const auto& [key, value] : url.query) append_setting(out, key == "socket" ? "unix_socket" : key, value);
    return out;
  }
  std::string refuse_connection_string(std::string_view connection) const override {
    backend::url_parts url;
    if (!backend::is_url_form(connection)) return {};
    return read_url(connection, url);
  }
  // A URL's password decoded too: a driver message would quote it so.
  std::vector<std::string> connection_secrets(std::string_view connection) const override {
    std::vector<std::string> out = dialect::connection_secrets(connection);
    backend::url_parts url;
    if (backend::is_url_form(connection) && read_url(connection, url).empty() && url.password && !url.password->empty())
      out.push_back(*url.password);
    return out;
  }

  void quote_identifier(std::string& out, std::string_view identifier) const override {
    quote_with(out, identifier, '`');
  }

  // A text found as it is, case counting, whatever the column's collation (a table ar did not
  // create may ignore case): LIKE BINARY compares bytes. Ignoring case is LOWER() on both sides, as
  // by default.
  void text_match(std::string& out, match_writer& w, std::string_view text, text_position where,
                  bool ignore_case) const override {
    if (ignore_case) return dialect::text_match(out, w, text, where, ignore_case);
    w.operand(out);
    out += " LIKE BINARY ";
    w.parameter(out, value{like_pattern(text, where)});
    out += like_escape;
  }

  // Positional '?': the server prepares the statement and each value is bound to its placeholder,
  // in the order of the text (mysql_statement.cpp).
  void placeholder(std::string& out, std::size_t) const override { out += '?'; }

  std::string_view column_type(value_type type) const override {
    switch (type) {
      case value_type::int32: return "INT";
      case value_type::int64: return "BIGINT";
      case value_type::float64: return "DOUBLE";
      case value_type::boolean: return "BOOLEAN";
      // LONGTEXT: as unbounded as TEXT elsewhere (MySQL's TEXT stops at 64 KiB).
      case value_type::text: return "LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin";
      case value_type::time: return "DATETIME(6)";
      case value_type::date: return "DATE";
      case value_type::bytes: return "LONGBLOB";
      case value_type::uuid: return "CHAR(36) CHARACTER SET ascii COLLATE ascii_bin";
      case value_type::decimal:
        return "DECIMAL(65, 38)";  // a plain ar::decimal: decimal_column_type
      // MariaDB's JSON: LONGTEXT (utf8mb4_bin) that a CHECK (JSON_VALID(...)) guards.
      case value_type::json: return "JSON";
    }
    return "LONGTEXT";
  }

  // DECIMAL(P, S). MariaDB has no DECIMAL without a scale, and none holds every ar::decimal (38
  // digits before the point and 38 after would take 76): a plain ar::decimal gets DECIMAL(65, 38),
  // MariaDB's largest scale and precision, which keeps every scale an ar::decimal has (up to 38)
  // and 27 digits before the point. A value with more is refused before it is written
  // (decimal_refusal), never left to the server; one read back comes at the smallest scale that
  // holds it (12.50 as 12.5, equal as decimals compare: mysql_statement.cpp drops the zeros the
  // server pads it with).
  std::string decimal_column_type(int precision, int scale) const override {
    if (precision == 0) return "DECIMAL(65, 38)";
    return "DECIMAL(" + std::to_string(precision) + ", " + std::to_string(scale) + ")";
  }
  static constexpr int plain_whole_digits = 65 - 38;
  std::string decimal_refusal(const decimal& v, int precision, int) const override {
    if (precision != 0) return {};  // ar::numeric<P, S>: P is at most 38, and checked on write
    const int whole = v.coefficient() == 0 ? 0 : v.digits() - v.scale();
    if (whole <= plain_whole_digits) return {};
    return "the decimal " + v.to_string() + " has " + std::to_string(whole) +
           " digits before the point: a plain ar::decimal is a DECIMAL(65, 38) column on MariaDB, which holds 27 "
           "(declare the field ar::numeric<P, S> for more); ar refuses it rather than let the server refuse or "
           "change it";
  }

  // InnoDB indexes at most 3072 bytes of a key: 768 utf8mb4 characters. A longer string key is
  // refused by the server (strict mode), never cut.
  std::string_view key_column_type(value_type type) const override {
    if (type == value_type::text) return "VARCHAR(768) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin";
    return column_type(type);
  }

  // The key's columns share InnoDB's 3072 bytes: a string column of a composite key gets what the
  // other columns leave, split between its string columns (a string and a BIGINT: VARCHAR(766)).
  std::string key_column_definition(const table_meta& table, std::size_t column) const override {
    if (table.columns[column].type == value_type::decimal)
      return decimal_column_type(table.columns[column].precision, table.columns[column].scale);
    if (table.columns[column].type != value_type::text || table.key_columns.size() == 1)
      return std::string(key_column_type(table.columns[column].type));
    std::size_t bytes = 3072, strings = 0;
    for (const std::size_t k : table.key_columns) {
      switch (table.columns[k].type) {
        case value_type::text: ++strings; break;
        case value_type::boolean: bytes -= 1; break;
        case value_type::int32: bytes -= 4; break;
        default: bytes -= 8; break;  // BIGINT, DOUBLE, DATETIME(6)
      }
    }
    return "VARCHAR(" + std::to_string(bytes / 4 / strings) + ") CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin";
  }

  // A text column an index covers is VARCHAR, as a key's: InnoDB cannot index LONGTEXT whole. The
  // columns of one index share its 3072 bytes as a composite key's do; a column in several gets
  // the least any of them leaves it.
  std::string indexed_column_definition(const table_meta& table, std::size_t column,
                                        std::span<const std::span<const std::size_t>> indexes) const override {
    if (table.columns[column].type != value_type::text)
      return dialect::indexed_column_definition(table, column, indexes);
    std::size_t chars = 768;
    for (const std::span<const std::size_t> index : indexes) {
      std::size_t bytes = 3072, strings = 0;
      for (const std::size_t k : index) {
        switch (table.columns[k].type) {
          case value_type::text: ++strings; break;
          case value_type::boolean: bytes -= 1; break;
          case value_type::int32: bytes -= 4; break;
          default: bytes -= 8; break;
        }
      }
      chars = std::min(chars, bytes / 4 / strings);
    }
    return "VARCHAR(" + std::to_string(chars) + ") CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin";
  }

  // Inside CREATE TABLE: InnoDB makes an index for each foreign key that no index declared with the
  // table serves, which one made after it would duplicate.
  // Migrations: each DDL statement commits by itself, so a run locks by the server's named lock,
  // held by its connection (released when it closes, too).
  bool transactional_ddl() const override { return false; }
  void drop_index(std::string& out, std::string_view name, std::string_view table) const override {
    out += "DROP INDEX ";
    quote_identifier(out, name);
    out += " ON ";
    quote_identifier(out, table);
  }
  bool drop_foreign_key(std::string& out, std::string_view table, std::string_view name) const override {
    out += "ALTER TABLE ";
    quote_identifier(out, table);
    out += " DROP FOREIGN KEY ";
    quote_identifier(out, name);
    return true;
  }
  std::string migration_lock_sql() const override { return "SELECT GET_LOCK('ar_schema_migrations', 60)"; }
  std::string migration_unlock_sql() const override { return "SELECT RELEASE_LOCK('ar_schema_migrations')"; }

  bool index_in_create_table(std::string& out, std::string_view name,
                             std::span<const std::string> columns) const override {
    out += ", INDEX ";
    quote_identifier(out, name);
    out += " (";
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (i) out += ", ";
      out += columns[i];
    }
    out += ')';
    return true;
  }
  std::size_t max_identifier_length() const override { return 64; }
  // InnoDB ties only columns of one type (and text to text of any length).
  bool foreign_key_types_match(value_type column, value_type key) const override { return column == key; }

  std::string_view generated_key_definition(value_type type) const override {
    return type == value_type::int32 ? "INT NOT NULL AUTO_INCREMENT PRIMARY KEY"
                                     : "BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY";
  }

  std::string_view table_options() const override {
    return " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin";
  }

  std::string_view insert_default_values() const override { return " () VALUES ()"; }

  // MySQL accepts OFFSET only after a LIMIT; its manual's "no limit" is the largest BIGINT UNSIGNED.
  std::string_view no_limit() const override { return "18446744073709551615"; }

  // The protocol's limit for a prepared statement's parameters; the values of one execution must
  // also fit in max_allowed_packet (16 MiB by default).
  std::size_t max_parameters() const override { return 65535; }
  // The other limit, for the bytes of a multi-row INSERT's values: a quarter of MariaDB's default
  // max_allowed_packet (16 MiB) leaves room for a server set lower, and a larger statement would
  // save nothing measurable.
  std::size_t max_statement_bytes() const override { return 4u << 20; }

  // DOUBLE holds neither NaN nor the infinities: refused before they are bound.
  bool stores_nan() const override { return false; }
  bool stores_infinity() const override { return false; }

  void upsert_clause(std::string& out, const table_meta& table) const override {
    out += " ON DUPLICATE KEY UPDATE ";
    if (table.columns.size() == table.key_columns.size()) {  // nothing to update: keep the row as it is
      quote_identifier(out, column_name(table, table.primary_key));
      out += " = ";
      quote_identifier(out, column_name(table, table.primary_key));
      return;
    }
    assign_non_key_columns(out, table, "VALUES(", ")");
  }

  // MariaDB resolves a conflict on any unique key: it cannot name one. A skipped row is a no-op
  // assignment of the key, not INSERT IGNORE (which would also turn errors other than a duplicate
  // key, a foreign key's or a value too long, into warnings and go on).
  void on_conflict_clause(std::string& out, const table_meta& table, std::span<const std::size_t> /*target*/,
                          std::span<const std::size_t> update) const override {
    out += " ON DUPLICATE KEY UPDATE ";
    if (update.empty()) {
      quote_identifier(out, column_name(table, table.primary_key));
      out += " = ";
      quote_identifier(out, column_name(table, table.primary_key));
      return;
    }
    assign_columns(out, table, update, "VALUES(", ")");
  }

  // The catalog of the connection's database (DATABASE()). COLUMN_TYPE spells the whole type,
  // "int(11) unsigned", "tinyint(1)", "varchar(768)"; the primary key is the index named PRIMARY.
  // STATISTICS is joined, not asked in a subquery per column: MariaDB 10.11 re-creates the
  // information_schema table for each row of a correlated subquery, and one such run crashed the
  // server (signal 11 in create_tmp_table_for_schema's cleanup) while other connections of the test
  // suite changed tables.
  std::string catalog_columns_sql() const override {
    return "SELECT c.COLUMN_NAME, c.COLUMN_TYPE, IF(c.IS_NULLABLE = 'YES', 1, 0), "
           "CAST(COALESCE(s.SEQ_IN_INDEX, 0) AS SIGNED) "
           "FROM information_schema.COLUMNS c LEFT JOIN information_schema.STATISTICS s "
           "ON s.TABLE_SCHEMA = c.TABLE_SCHEMA AND s.TABLE_NAME = c.TABLE_NAME AND s.INDEX_NAME = 'PRIMARY' "
           "AND s.COLUMN_NAME = c.COLUMN_NAME "
           "WHERE c.TABLE_SCHEMA = DATABASE() AND c.TABLE_NAME = ? ORDER BY c.ORDINAL_POSITION";
  }
  std::string catalog_index_columns_sql() const override {
    return "SELECT COLUMN_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? "
           "AND SEQ_IN_INDEX = 1";
  }
  std::string catalog_tables_sql() const override {
    return "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() "
           "AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME";
  }
  std::string catalog_foreign_keys_sql() const override {
    return "SELECT CONSTRAINT_NAME, CAST(ORDINAL_POSITION AS SIGNED), COLUMN_NAME, REFERENCED_TABLE_NAME, "
           "REFERENCED_COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = DATABASE() "
           "AND TABLE_NAME = ? AND REFERENCED_TABLE_NAME IS NOT NULL ORDER BY CONSTRAINT_NAME, ORDINAL_POSITION";
  }
  std::string catalog_generated_columns_sql() const override {
    return "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? "
           "AND EXTRA LIKE '%auto_increment%'";
  }
  std::string catalog_unique_keys_sql() const override {
    return "SELECT INDEX_NAME, COLUMN_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() "
           "AND TABLE_NAME = ? AND NON_UNIQUE = 0 AND COLUMN_NAME IS NOT NULL ORDER BY INDEX_NAME, SEQ_IN_INDEX";
  }
  std::string catalog_indexes_sql() const override {
    return "SELECT INDEX_NAME, COLUMN_NAME, CAST(IF(NON_UNIQUE = 0, 1, 0) AS SIGNED) FROM "
           "information_schema.STATISTICS "
           "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY INDEX_NAME, SEQ_IN_INDEX";
  }

  // An unsigned column holds no negative number; an int32 field needs INT or BIGINT, an int64 one
  // BIGINT. BOOLEAN is TINYINT(1), and any integer column holds 0 and 1. FLOAT is a 32-bit float.
  bool column_type_holds(std::string_view type, value_type field) const override {
    const std::string t = normal_type_name(type);
    const bool is_unsigned = t.find(" unsigned") != std::string::npos;
    const std::string base = t.substr(0, t.find(' '));
    switch (field) {
      case value_type::int32: return !is_unsigned && (base == "int" || base == "bigint");
      case value_type::int64: return !is_unsigned && base == "bigint";
      case value_type::float64: return base == "double" || base == "decimal";
      case value_type::boolean:
        return base == "tinyint" || base == "smallint" || base == "mediumint" || base == "int" || base == "bigint" ||
               base == "boolean" || base == "bool";  // DDL's names of tinyint(1)
      case value_type::text:
        return base == "varchar" || base == "char" || base == "text" || base == "tinytext" || base == "mediumtext" ||
               base == "longtext";
      case value_type::time: return base == "datetime";
      case value_type::date: return base == "date";
      case value_type::bytes:
        return base == "blob" || base == "tinyblob" || base == "mediumblob" || base == "longblob" ||
               base == "varbinary" || base == "binary";
      // MariaDB 10.7's own UUID type, or text of exactly the 36 characters (longer would hold
      // other text, shorter not a UUID).
      case value_type::uuid:
        return base == "uuid" || ((base == "char" || base == "varchar") && type.find("(36)") != std::string_view::npos);
      // DECIMAL (NUMERIC is its synonym), signed; never DOUBLE or FLOAT, which are not exact.
      // MariaDB's catalog spells a JSON column longtext; MySQL's own JSON type is json.
      case value_type::json: return base == "json" || base == "longtext" || base == "mediumtext" || base == "text";
      case value_type::decimal: return !is_unsigned && (base == "decimal" || base == "numeric");
    }
    return false;
  }
  // A mapped type's range: TINYINT ... BIGINT by their widths, UNSIGNED or not (INT UNSIGNED holds a
  // std::uint32_t, TINYINT UNSIGNED a std::uint8_t, a signed TINYINT does not); FLOAT a float.
  bool column_holds_range(std::string_view type, value_type field, value_range range) const override {
    if (column_type_holds(type, field)) return true;
    const std::string t = normal_type_name(type);
    const bool is_unsigned = t.find(" unsigned") != std::string::npos;
    const std::string base = t.substr(0, t.find(' '));
    if (range == value_range::float32) return base == "float";
    const unsigned bits = base == "tinyint"                    ? 8
                          : base == "smallint"                 ? 16
                          : base == "mediumint"                ? 24
                          : base == "int" || base == "integer" ? 32
                          : base == "bigint"                   ? 64
                                                               : 0;
    return integer_holds(bits, is_unsigned, range);
  }
  // COLUMN_TYPE's names: TINYINT(1) is a bool; the other integers by width and sign where a field
  // type is exactly as wide (TINYINT UNSIGNED a std::uint8_t, INT UNSIGNED a std::uint32_t, BIGINT
  // UNSIGNED a std::uint64_t; a signed TINYINT or SMALLINT and MEDIUMINT have none); FLOAT a float.
  std::optional<column_field> field_for_column(std::string_view type) const override {
    std::string raw(type);
    for (char& c : raw)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (raw.rfind("tinyint(1)", 0) == 0 && raw.find("unsigned") == std::string::npos)
      return column_field{value_type::boolean};
    const std::string t = normal_type_name(type);
    const bool is_unsigned = t.find(" unsigned") != std::string::npos;
    const std::string base = t.substr(0, t.find(' '));
    if (base == "tinyint")
      return is_unsigned ? std::optional(column_field{value_type::int32, value_range::uint8}) : std::nullopt;
    if (base == "smallint")
      return is_unsigned ? std::optional(column_field{value_type::int32, value_range::uint16}) : std::nullopt;
    if (base == "int" || base == "integer")
      return is_unsigned ? column_field{value_type::int64, value_range::uint32} : column_field{value_type::int32};
    if (base == "bigint")
      return is_unsigned ? column_field{value_type::int64, value_range::uint64} : column_field{value_type::int64};
    if (base == "float") return column_field{value_type::float64, value_range::float32};
    if (base == "double") return column_field{value_type::float64};
    if (base == "varchar" || base == "char" || base == "text" || base == "tinytext" || base == "mediumtext" ||
        base == "longtext")
      return column_field{value_type::text};
    if (base == "datetime") return column_field{value_type::time};
    if (base == "date") return column_field{value_type::date};
    if (base == "blob" || base == "tinyblob" || base == "mediumblob" || base == "longblob" || base == "varbinary" ||
        base == "binary")
      return column_field{value_type::bytes};
    if (base == "uuid") return column_field{value_type::uuid};
    return std::nullopt;
  }
  // MariaDB finds columns whatever the case of their names.
  bool column_names_ignore_case() const override { return true; }
  // A binary string compares bytes, whatever the column's character set and collation, and without
  // the PAD SPACE of a _bin collation ("a" before "a ").
  std::pair<std::string_view, std::string_view> text_byte_order() const override { return {"CAST(", " AS BINARY)"}; }

  // ar's sql_mode leaves NO_BACKSLASH_ESCAPES out: 'it\'s' is one string.
  bool backslash_escapes() const override { return true; }
  bool hash_comments() const override { return true; }

  // Two-phase commit by XA (MariaDB 10.5 and later keep an XA transaction prepared when its
  // connection closes, and through a crash and restart). The id is ar's own (letters, digits,
  // '_'), so the literal needs no escaping; it is the XA gtrid, with an empty bqual and formatID 1.
  // XA needs the id when the transaction begins (XA START, in place of BEGIN), the work ended (XA
  // END) before XA PREPARE; a prepared transaction is bound to the connection that prepared it
  // until that connection closes (another one's XA COMMIT answers XAER_NOTA, and that one refuses
  // anything but XA COMMIT / XA ROLLBACK). Savepoints work inside an XA transaction.
  std::string begin_prepared_sql(std::string_view id) const override { return "XA START '" + std::string(id) + "'"; }
  std::string end_before_prepare_sql(std::string_view id) const override { return "XA END '" + std::string(id) + "'"; }
  std::string prepare_transaction_sql(std::string_view id) const override {
    return "XA PREPARE '" + std::string(id) + "'";
  }
  std::string commit_prepared_sql(std::string_view id) const override { return "XA COMMIT '" + std::string(id) + "'"; }
  std::string rollback_prepared_sql(std::string_view id) const override {
    return "XA ROLLBACK '" + std::string(id) + "'";
  }
  bool prepared_transaction_bound_to_connection() const override { return true; }
  // XA RECOVER lists the server's prepared XA transactions, of every database, with no time; in
  // SQL form the id is text ('id'), where the plain form gives it as binary.
  prepared_listing prepared_transactions_listing() const override { return prepared_listing::xa_recover; }
  std::string prepared_transactions_sql() const override { return "XA RECOVER FORMAT='SQL'"; }
  // MariaDB has no server UUID (MySQL's server_uuid), and server_id is 1 unless set: the host's
  // name and the port the server listens on tell one server from another, and then the database.
  std::string database_identity_sql() const override {
    return "SELECT CONCAT(@@hostname, ':', @@port, '/', COALESCE(DATABASE(), ''))";
  }

  std::vector<std::string> session_setup() const override {
    return {std::string(sql_mode_and_version_check), "SET NAMES utf8mb4 COLLATE utf8mb4_nopad_bin",
            "SET SESSION time_zone = '+00:00'"};
  }
  std::vector<std::string> read_only_session() const override { return {"SET SESSION TRANSACTION READ ONLY"}; }

  // GTIDs: the binary log's last transaction of each replication domain on the writer, what a
  // replica applied of each (empty on a server that is no replica, or without a binary log).
  std::string write_position_sql() const override { return "SELECT @@GLOBAL.gtid_binlog_pos"; }
  std::string replay_position_sql() const override { return "SELECT @@GLOBAL.gtid_slave_pos"; }
  // Every domain of `written` is at or past its sequence number in `replayed` (the server id that
  // wrote a GTID does not order it).
  bool position_reached(std::string_view replayed, std::string_view written) const override {
    const std::optional<std::vector<gtid>> r = parse_gtids(replayed);
    const std::optional<std::vector<gtid>> w = parse_gtids(written);
    if (!r || !w) return false;
    for (const gtid& want : *w) {
      bool reached = false;
      for (const gtid& got : *r)
        if (got.domain == want.domain && got.sequence >= want.sequence) reached = true;
      if (!reached) return false;
    }
    return true;
  }

  struct gtid {
    std::uint64_t domain = 0;
    std::uint64_t sequence = 0;
  };
  // "domain-server-sequence" separated by commas (blanks allowed): one per domain.
  static std::optional<std::vector<gtid>> parse_gtids(std::string_view text) {
    std::vector<gtid> out;
    while (!text.empty()) {
      const std::size_t comma = text.find(',');
      std::string_view one = text.substr(0, comma);
      text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
      while (!one.empty() && one.front() == ' ') one.remove_prefix(1);
      while (!one.empty() && one.back() == ' ') one.remove_suffix(1);
      std::uint64_t parts[3] = {0, 0, 0};
      int part = 0;
      bool digits = false;
      for (const char c : one) {
        if (c == '-' && digits && part < 2) {
          ++part;
          digits = false;
        } else if (c >= '0' && c <= '9') {
          parts[part] = parts[part] * 10 + static_cast<std::uint64_t>(c - '0');
          digits = true;
        } else {
          return std::nullopt;
        }
      }
      if (part != 2 || !digits) return std::nullopt;
      out.push_back({parts[0], parts[2]});
    }
    return out;
  }
};

}  // namespace

void register_mysql_driver();  // mysql_driver.cpp: connections (SOCI's), statements (mysql_statement.cpp)

void register_mysql() {
  register_dialect(std::make_shared<mysql_dialect>());
  register_mysql_driver();
}

}  // namespace ar::backends
