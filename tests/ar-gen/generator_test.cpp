// ar-gen's generator on catalogs made here (tools/ar-gen/generator.hpp): keys, types, naming,
// relations and their names, clashes, the option file, and what it reports.

#include "generator.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

const ar::dialect& sqlite_dialect() {
  static const ar::database db = ar::open("sqlite3://db=:memory:", "ar_gen_test");
  return db.dialect();
}

ar::catalog_column column(std::string name, std::string type, bool nullable = false, std::int64_t key = 0) {
  ar::catalog_column c;
  c.name = std::move(name);
  c.type = std::move(type);
  c.nullable = nullable;
  c.key_position = key;
  return c;
}

ar::catalog_foreign_key fk(std::string column, std::string target) {
  return {"fk_" + column, {std::move(column)}, std::move(target), {}};
}

ar::catalog_table table(std::string name, std::vector<ar::catalog_column> columns,
                        std::vector<ar::catalog_foreign_key> fks = {}) {
  return {std::move(name), std::move(columns), std::move(fks)};
}

ar_gen::result run(const std::vector<ar::catalog_table>& tables, ar_gen::options opts = {}) {
  return ar_gen::generate(tables, sqlite_dialect(), opts);
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

bool reported(const ar_gen::result& r, const std::string& part) {
  return std::any_of(r.reports.begin(), r.reports.end(), [&](const std::string& line) { return contains(line, part); });
}

// teams and the games between two of them: two foreign keys to one table.
std::vector<ar::catalog_table> league() {
  return {table("teams", {column("id", "INTEGER", false, 1), column("name", "TEXT")}),
          table("games",
                {column("id", "INTEGER", false, 1), column("home_team_id", "INTEGER"),
                 column("away_team_id", "INTEGER"), column("played_at", "DATETIME", true)},
                {fk("home_team_id", "teams"), fk("away_team_id", "teams")})};
}

TEST(ArGenGenerator, MapsTypesAndNullability) {
  const auto r =
      run({table("things", {column("id", "INTEGER", false, 1), column("name", "VARCHAR(20)", true),
                            column("price", "NUMERIC(10,2)"), column("at", "DATETIME"), column("done", "BOOLEAN")})});
  EXPECT_TRUE(contains(r.header, "std::int64_t id = 0;")) << r.header;
  EXPECT_TRUE(contains(r.header, "std::optional<std::string> name;")) << r.header;
  EXPECT_TRUE(contains(r.header, "ar::numeric<10, 2> price;")) << r.header;  // exact, as declared
  EXPECT_TRUE(contains(r.header, "ar::time_point at;")) << r.header;
  EXPECT_TRUE(contains(r.header, "bool done = false;")) << r.header;
  EXPECT_TRUE(contains(r.header, "struct Thing {")) << r.header;
  EXPECT_TRUE(contains(r.header, "AR_MODEL(Thing, \"things\",")) << r.header;
  EXPECT_TRUE(contains(r.header, "AR_PRIMARY_KEY(id),\n           AR_KEY_SUPPLIED")) << r.header;
  EXPECT_FALSE(contains(r.header, "AR_COLUMN")) << r.header;
  EXPECT_FALSE(r.style);  // snake_case names: as declared
}

TEST(ArGenGenerator, WritesExactDecimalsWithTheirPrecision) {
  const auto r =
      run({table("amounts", {column("id", "INTEGER", false, 1), column("a", "DECIMAL(38, 0)"), column("b", "numeric"),
                             column("wide", "decimal(65,30)", true), column("d", "REAL"), column("e", "numeric(5)")})});
  EXPECT_TRUE(contains(r.header, "ar::numeric<38, 0> a;")) << r.header;
  EXPECT_TRUE(contains(r.header, "ar::decimal b;")) << r.header;                    // no precision declared
  EXPECT_TRUE(contains(r.header, "std::optional<ar::decimal> wide;")) << r.header;  // wider than 38 digits
  EXPECT_TRUE(contains(r.header, "double d = 0;")) << r.header;                     // a REAL is not exact
  EXPECT_TRUE(contains(r.header, "ar::numeric<5, 0> e;")) << r.header;
}

TEST(ArGenGenerator, ReportsATypeItCannotMap) {
  // JSON has SQLite's NUMERIC affinity, which keeps no field type's values as they are.
  const auto r = run({table("files", {column("id", "INTEGER", false, 1), column("data", "JSON")}),
                      table("blobs", {column("hash", "JSON", false, 1), column("size", "INTEGER")})});
  EXPECT_TRUE(reported(r, "files: the column data has the type JSON")) << r.header;
  EXPECT_TRUE(
      contains(r.header, "// the column data has the type JSON, which ar maps to no field type: it is skipped"));
  EXPECT_TRUE(contains(r.header, "AR_FIELDS(id)")) << r.header;
  EXPECT_TRUE(reported(r, "blobs: the key column hash has the type JSON")) << r.header;
  EXPECT_TRUE(reported(r, "the whole table is skipped"));
  EXPECT_FALSE(contains(r.header, "struct Blob")) << r.header;
}

const ar::dialect& dialect_named(std::string_view scheme) {
  const ar::dialect* d = ar::find_dialect(scheme);
  if (!d) throw std::runtime_error("no dialect " + std::string(scheme));
  return *d;
}

std::string field_line(const ar::dialect& d, const std::string& type) {
  const auto r = ar_gen::generate({table("things", {column("id", "BIGINT", false, 1), column("v", type)})}, d, {});
  if (r.header.find("AR_FIELDS(id, v)") == std::string::npos) return "(skipped)";
  std::size_t at = r.header.find(" v;");
  if (at == std::string::npos) at = r.header.find(" v = ");
  if (at == std::string::npos) return "(not found)";
  const std::size_t start = r.header.rfind('\n', at) + 1;
  return r.header.substr(start, r.header.find(';', at) - start);
}

// The field types each dialect gives its catalog's types (dialect::field_for_column): dates, bytes,
// UUIDs, floats and unsigned integers where the catalog says so; a column no field type matches
// exactly both ways is reported and skipped.
TEST(ArGenGenerator, WritesTheFieldTypeTheDialectSaysTheColumnHolds) {
  const ar::dialect& sqlite = sqlite_dialect();
  EXPECT_EQ(field_line(sqlite, "DATE"), "  ar::date v");
  EXPECT_EQ(field_line(sqlite, "BLOB"), "  ar::bytes v");
  EXPECT_EQ(field_line(sqlite, "DATETIME"), "  ar::time_point v");
  EXPECT_EQ(field_line(sqlite, "REAL"), "  double v = 0");
  EXPECT_EQ(field_line(sqlite, "NUMERIC(10,2)"), "  ar::numeric<10, 2> v");
  EXPECT_EQ(field_line(sqlite, ""), "(skipped)");
  const ar::dialect& mariadb = dialect_named("mysql");
  EXPECT_EQ(field_line(mariadb, "date"), "  ar::date v");
  EXPECT_EQ(field_line(mariadb, "longblob"), "  ar::bytes v");
  EXPECT_EQ(field_line(mariadb, "varbinary(16)"), "  ar::bytes v");
  EXPECT_EQ(field_line(mariadb, "uuid"), "  ar::uuid v");
  EXPECT_EQ(field_line(mariadb, "char(36)"), "  std::string v");  // text, unless the catalog says UUID
  EXPECT_EQ(field_line(mariadb, "float"), "  float v = 0");
  EXPECT_EQ(field_line(mariadb, "double"), "  double v = 0");
  EXPECT_EQ(field_line(mariadb, "tinyint(1)"), "  bool v = false");
  EXPECT_EQ(field_line(mariadb, "tinyint(3) unsigned"), "  std::uint8_t v = 0");
  EXPECT_EQ(field_line(mariadb, "smallint(5) unsigned"), "  std::uint16_t v = 0");
  EXPECT_EQ(field_line(mariadb, "int(10) unsigned"), "  std::uint32_t v = 0");
  EXPECT_EQ(field_line(mariadb, "bigint(20) unsigned"), "  std::uint64_t v = 0");
  EXPECT_EQ(field_line(mariadb, "int(11)"), "  std::int32_t v = 0");
  EXPECT_EQ(field_line(mariadb, "smallint(6)"), "(skipped)");  // no 16-bit field
  EXPECT_EQ(field_line(mariadb, "mediumint(8) unsigned"), "(skipped)");
  EXPECT_EQ(field_line(mariadb, "decimal(10,2)"), "  ar::numeric<10, 2> v");
  const ar::dialect& postgresql = dialect_named("postgresql");
  EXPECT_EQ(field_line(postgresql, "uuid"), "  ar::uuid v");
  EXPECT_EQ(field_line(postgresql, "bytea"), "  ar::bytes v");
  EXPECT_EQ(field_line(postgresql, "date"), "  ar::date v");
  EXPECT_EQ(field_line(postgresql, "real"), "  float v = 0");
  EXPECT_EQ(field_line(postgresql, "integer"), "  std::int32_t v = 0");
  EXPECT_EQ(field_line(postgresql, "jsonb"), "  ar::json v");
  EXPECT_EQ(field_line(postgresql, "json"), "  ar::json v");
  EXPECT_EQ(field_line(postgresql, "smallint"), "(skipped)");
  EXPECT_EQ(field_line(postgresql, "timestamp with time zone"), "(skipped)");
}

// The two directions are one rule: what field_for_column gives, column_holds_range takes.
TEST(ArGenGenerator, EveryFieldTypeADialectGivesIsOneItsColumnHolds) {
  const std::vector<std::pair<std::string_view, std::vector<std::string>>> catalogs{
      {"sqlite3",
       {"INTEGER", "BIGINT", "TINYINT(1)", "BOOLEAN", "TEXT", "VARCHAR(20)", "CLOB", "BLOB", "REAL", "DOUBLE", "FLOAT",
        "DATE", "DATETIME", "TIMESTAMP"}},
      {"postgresql",
       {"integer", "bigint", "real", "double precision", "boolean", "text", "character varying", "character",
        "timestamp without time zone", "date", "bytea", "uuid", "jsonb", "json"}},
      {"mysql",
       {"tinyint(1)", "tinyint(3) unsigned", "smallint(5) unsigned", "int(11)", "int(10) unsigned", "bigint(20)",
        "bigint(20) unsigned", "float", "double", "varchar(20)", "char(36)", "longtext", "datetime(6)", "date", "blob",
        "longblob", "varbinary(16)", "binary(16)", "uuid"}}};
  for (const auto& [scheme, types] : catalogs) {
    const ar::dialect& d = dialect_named(scheme);
    for (const std::string& t : types) {
      const auto f = d.field_for_column(t);
      ASSERT_TRUE(f.has_value()) << scheme << " " << t;
      EXPECT_TRUE(d.column_holds_range(t, f->type, f->range)) << scheme << " " << t;
    }
  }
}

// A relation joins fields of one type: a foreign key whose field type is not its key's gets none,
// and says why; UUID keys relate their tables.
TEST(ArGenGenerator, ARelationNeedsOneFieldTypeOnBothSides) {
  const ar::dialect& mariadb = dialect_named("mysql");
  const auto r = ar_gen::generate(
      {table("owners", {column("id", "int(10) unsigned", false, 1)}),
       table("pets", {column("id", "int(11)", false, 1), column("owner_id", "int(11)")}, {fk("owner_id", "owners")})},
      mariadb, {});
  EXPECT_TRUE(reported(r,
                       "pets: the foreign key (owner_id) -> owners: its column is a std::int32_t and the key a "
                       "std::uint32_t, which a relation does not join: no relation"))
      << r.header;
  EXPECT_FALSE(contains(r.header, "AR_BELONGS_TO")) << r.header;
  const auto u = ar_gen::generate({table("devices", {column("id", "uuid", false, 1)}),
                                   table("readings", {column("id", "bigint", false, 1), column("device_id", "uuid")},
                                         {fk("device_id", "devices")})},
                                  dialect_named("postgresql"), {});
  EXPECT_TRUE(contains(u.header, "ar::uuid device_id;")) << u.header;
  EXPECT_TRUE(contains(u.header, "AR_BELONGS_TO(device, Device, device_id, AR_INVERSE(readings))")) << u.header;
}

TEST(ArGenGenerator, AGeneratedKeyIsNotSupplied) {
  auto id = column("id", "INTEGER", false, 1);
  id.generated = true;
  const auto r = run({table("users", {id, column("name", "TEXT")})});
  EXPECT_TRUE(contains(r.header, "AR_PRIMARY_KEY(id)"));
  EXPECT_FALSE(contains(r.header, "AR_KEY_SUPPLIED")) << r.header;
}

TEST(ArGenGenerator, PascalCaseNamesNeedNoColumnClause) {
  const auto r =
      run({table("InvoiceLine", {column("InvoiceLineId", "INTEGER", false, 1), column("UnitPrice", "REAL")})});
  ASSERT_TRUE(r.style);
  EXPECT_EQ(*r.style, ar::name_style::pascal_case);
  EXPECT_TRUE(contains(r.header, "options.naming.style = ar::name_style::pascal_case;")) << r.header;
  EXPECT_TRUE(contains(r.header, "AR_MODEL(InvoiceLine, \"invoice_line\",")) << r.header;
  EXPECT_FALSE(contains(r.header, "AR_COLUMN")) << r.header;
}

TEST(ArGenGenerator, MixedNamesGetAColumnClauseEach) {
  const auto r = run(
      {table("line", {column("LineId", "INTEGER", false, 1), column("unit_price", "REAL"), column("class", "TEXT")})});
  EXPECT_FALSE(r.style);
  EXPECT_TRUE(contains(r.header, "AR_MODEL(Line, \"line\",")) << r.header;
  EXPECT_TRUE(contains(r.header, "AR_COLUMN(line_id, \"LineId\")")) << r.header;
  EXPECT_TRUE(contains(r.header, "AR_COLUMN(class_, \"class\")")) << r.header;
  EXPECT_FALSE(contains(r.header, "AR_COLUMN(unit_price")) << r.header;
  // Forcing a style the tables do not follow is refused.
  ar_gen::options forced;
  forced.naming = ar::name_style::pascal_case;
  EXPECT_THROW(run({table("line", {column("LineId", "INTEGER", false, 1)})}, forced), ar_gen::usage_error);
}

TEST(ArGenGenerator, RelationsFromForeignKeysWithTheirInverses) {
  const auto r = run({table("artists", {column("id", "INTEGER", false, 1)}),
                      table("albums", {column("id", "INTEGER", false, 1), column("artist_id", "INTEGER")},
                            {fk("artist_id", "artists")})});
  EXPECT_TRUE(contains(r.header, "AR_BELONGS_TO(artist, Artist, artist_id, AR_INVERSE(albums))")) << r.header;
  EXPECT_TRUE(contains(r.header, "AR_HAS_MANY(albums, Album, artist_id, AR_INVERSE(artist))")) << r.header;
  // Forward declarations first.
  EXPECT_LT(r.header.find("struct Artist;"), r.header.find("struct Album {")) << r.header;
}

TEST(ArGenGenerator, AUniqueForeignKeyIsHasOne) {
  auto user_id = column("user_id", "INTEGER");
  user_id.unique = true;
  const auto r = run({table("users", {column("id", "INTEGER", false, 1)}),
                      table("profiles", {column("id", "INTEGER", false, 1), user_id}, {fk("user_id", "users")})});
  EXPECT_TRUE(contains(r.header, "AR_HAS_ONE(profile, Profile, user_id, AR_INVERSE(user))")) << r.header;
}

TEST(ArGenGenerator, ClashingNamesAreResolvedAndReported) {
  const auto r = run(league());
  EXPECT_TRUE(contains(r.header, "AR_BELONGS_TO(away_team, Team, away_team_id, AR_INVERSE(games_as_away_team))"))
      << r.header;
  EXPECT_TRUE(contains(r.header, "AR_BELONGS_TO(home_team, Team, home_team_id, AR_INVERSE(games_as_home_team))"))
      << r.header;
  EXPECT_TRUE(contains(r.header, "AR_HAS_MANY(games_as_away_team, Game, away_team_id, AR_INVERSE(away_team))"))
      << r.header;
  EXPECT_TRUE(contains(r.header, "AR_HAS_MANY(games_as_home_team, Game, home_team_id, AR_INVERSE(home_team))"))
      << r.header;
  EXPECT_TRUE(reported(r, "Team: the relation name games is taken twice")) << r.header;
  // The same catalog gives the same header.
  EXPECT_EQ(run(league()).header, r.header);
}

TEST(ArGenGenerator, AJoinTableGivesThroughRelations) {
  const auto r = run(
      {table("playlists", {column("id", "INTEGER", false, 1)}), table("tracks", {column("id", "INTEGER", false, 1)}),
       table("playlist_tracks", {column("playlist_id", "INTEGER", false, 1), column("track_id", "INTEGER", false, 2)},
             {fk("playlist_id", "playlists"), fk("track_id", "tracks")})});
  EXPECT_TRUE(contains(r.header, "AR_HAS_MANY_THROUGH(tracks, Track, PlaylistTrack, playlist_id, track_id)"))
      << r.header;
  EXPECT_TRUE(contains(r.header, "AR_HAS_MANY_THROUGH(playlists, Playlist, PlaylistTrack, track_id, playlist_id)"))
      << r.header;
  EXPECT_TRUE(contains(r.header, "AR_PRIMARY_KEY(playlist_id, track_id),\n           AR_BELONGS_TO")) << r.header;
  EXPECT_TRUE(contains(r.header, "AR_HAS_MANY(playlist_tracks, PlaylistTrack, playlist_id")) << r.header;
}

TEST(ArGenGenerator, AForeignKeyOfSeveralColumnsGetsKeysInTheKeysOrder) {
  // The catalog lists the pairs (y, x); the key is (x, y): AR_KEYS follows the key.
  const auto r = run({table("a", {column("x", "INTEGER", false, 1), column("y", "TEXT", false, 2)}),
                      table("b", {column("id", "INTEGER", false, 1), column("bx", "INTEGER"), column("by", "TEXT")},
                            {{"fk_xy", {"by", "bx"}, "a", {"y", "x"}}})});
  EXPECT_TRUE(contains(r.header, "AR_BELONGS_TO(a, A, AR_KEYS(bx, by), AR_INVERSE(bs))")) << r.header;
  EXPECT_TRUE(contains(r.header, "AR_HAS_MANY(bs, B, AR_KEYS(bx, by), AR_INVERSE(a))")) << r.header;
  EXPECT_FALSE(reported(r, "several columns")) << r.header;
}

TEST(ArGenGenerator, AForeignKeyOfSeveralColumnsThatIsUniqueGivesHasOne) {
  // b's (bx, by) is unique (an index of those two columns, in another order): at most one b per a.
  auto b = table("b", {column("id", "INTEGER", false, 1), column("bx", "INTEGER"), column("by", "TEXT")},
                 {{"fk_xy", {"bx", "by"}, "a", {"x", "y"}}});
  b.unique_keys = {{"id"}, {"BY", "bx"}};
  const auto r = run({table("a", {column("x", "INTEGER", false, 1), column("y", "TEXT", false, 2)}), b});
  EXPECT_TRUE(contains(r.header, "AR_HAS_ONE(b, B, AR_KEYS(bx, by), AR_INVERSE(a))")) << r.header;
  EXPECT_TRUE(contains(r.header, "AR_BELONGS_TO(a, A, AR_KEYS(bx, by), AR_INVERSE(b))")) << r.header;
  EXPECT_FALSE(contains(r.header, "AR_HAS_MANY")) << r.header;
  // Unique with a third column: several b per a.
  b.unique_keys = {{"id"}, {"bx", "by", "id"}};
  EXPECT_TRUE(contains(run({table("a", {column("x", "INTEGER", false, 1), column("y", "TEXT", false, 2)}), b}).header,
                       "AR_HAS_MANY(bs, B, AR_KEYS(bx, by), AR_INVERSE(a))"));
}

TEST(ArGenGenerator, AForeignKeyThatIsTheWholePrimaryKeyGivesHasOne) {
  // details extends a one to one: its key is a's key.
  const auto r =
      run({table("a", {column("x", "INTEGER", false, 1), column("y", "TEXT", false, 2)}),
           table("details", {column("x", "INTEGER", false, 1), column("y", "TEXT", false, 2), column("note", "TEXT")},
                 {{"fk_a", {"x", "y"}, "a", {"x", "y"}}})});
  EXPECT_TRUE(contains(r.header, "AR_HAS_ONE(detail, Detail, AR_KEYS(x, y), AR_INVERSE(a))")) << r.header;
}

TEST(ArGenGenerator, AForeignKeyOfSeveralColumnsThatMissesPartOfTheKeyIsReported) {
  const auto r = run({table("a", {column("x", "INTEGER", false, 1), column("y", "INTEGER", false, 2),
                                  column("z", "INTEGER", false, 3)}),
                      table("b", {column("id", "INTEGER", false, 1), column("x", "INTEGER"), column("y", "INTEGER")},
                            {{"fk_xy", {"x", "y"}, "a", {"x", "y"}}})});
  EXPECT_TRUE(reported(r, "b: the foreign key (x, y) -> a does not refer to the whole primary key of a")) << r.header;
  EXPECT_TRUE(contains(r.header, "// the foreign key (x, y) -> a does not refer to the whole primary key of a"))
      << r.header;
  EXPECT_FALSE(contains(r.header, "AR_BELONGS_TO")) << r.header;
}

TEST(ArGenGenerator, SelfReferenceAndTheOptionFile) {
  const std::vector<ar::catalog_table> staff{
      table("Employee", {column("EmployeeId", "INTEGER", false, 1), column("ReportsTo", "INTEGER", true)},
            {fk("ReportsTo", "Employee")}),
      table("Customer", {column("CustomerId", "INTEGER", false, 1), column("SupportRepId", "INTEGER", true)},
            {fk("SupportRepId", "Employee")})};
  const auto plain = run(staff);
  EXPECT_TRUE(contains(plain.header, "AR_BELONGS_TO(reports_to_employee, Employee, reports_to, AR_INVERSE(employees))"))
      << plain.header;
  EXPECT_TRUE(contains(plain.header, "AR_HAS_MANY(employees, Employee, reports_to, AR_INVERSE(reports_to_employee))"));

  ar_gen::options opts;
  opts.rules = ar_gen::parse_options(
      "# the tree\n"
      "rename Employee.reports_to_employee manager\n"
      "rename Employee.employees reports   # its inverse\n"
      "\n"
      "drop Customer.support_rep\n");
  const auto r = run(staff, opts);
  EXPECT_TRUE(contains(r.header, "AR_BELONGS_TO(manager, Employee, reports_to, AR_INVERSE(reports))")) << r.header;
  EXPECT_TRUE(contains(r.header, "AR_HAS_MANY(reports, Employee, reports_to, AR_INVERSE(manager))")) << r.header;
  // The dropped side is gone, and the other keeps no inverse to it.
  EXPECT_FALSE(contains(r.header, "support_rep,")) << r.header;
  EXPECT_TRUE(contains(r.header, "AR_HAS_MANY(customers, Customer, support_rep_id)")) << r.header;

  ar_gen::options drop_table;
  drop_table.rules = ar_gen::parse_options("drop Customer\n");
  const auto without = run(staff, drop_table);
  EXPECT_FALSE(contains(without.header, "struct Customer")) << without.header;
  EXPECT_FALSE(contains(without.header, "customers")) << without.header;
  EXPECT_TRUE(reported(without, "Customer: dropped by the option file (line 1)"));

  ar_gen::options wrong;
  wrong.rules = ar_gen::parse_options("rename Employee.nothing boss\n");
  EXPECT_THROW(run(staff, wrong), ar_gen::usage_error);
  wrong.rules = ar_gen::parse_options("rename Employee.employees reports_to\n");  // a field's name
  EXPECT_THROW(run(staff, wrong), ar_gen::usage_error);
  EXPECT_THROW(ar_gen::parse_options("remove Employee\n"), ar_gen::usage_error);
  EXPECT_THROW(ar_gen::parse_options("rename Employee.employees not-a-name\n"), ar_gen::usage_error);
}

TEST(ArGenGenerator, ATableWithoutAKeyIsSkipped) {
  const auto r = run({table("log", {column("line", "TEXT")})});
  EXPECT_TRUE(reported(r, "log: the table has no primary key")) << r.header;
  EXPECT_FALSE(contains(r.header, "struct Log")) << r.header;
}

}  // namespace
