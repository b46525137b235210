// ar-gen's generator on catalogs made here (tools/ar-gen/generator.hpp): keys, types, naming,
// relations and their names, clashes, the option file, and what it reports.

#include "generator.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
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
                {column("id", "INTEGER", false, 1), column("home_team_id", "INTEGER"), column("away_team_id", "INTEGER"),
                 column("played_at", "DATETIME", true)},
                {fk("home_team_id", "teams"), fk("away_team_id", "teams")})};
}

TEST(ArGenGenerator, MapsTypesAndNullability) {
  const auto r = run({table("things", {column("id", "INTEGER", false, 1), column("name", "VARCHAR(20)", true),
                                       column("price", "NUMERIC(10,2)"), column("at", "DATETIME"),
                                       column("done", "BOOLEAN")})});
  EXPECT_TRUE(contains(r.header, "std::int64_t id = 0;")) << r.header;
  EXPECT_TRUE(contains(r.header, "std::optional<std::string> name;")) << r.header;
  EXPECT_TRUE(contains(r.header, "double price = 0;")) << r.header;
  EXPECT_TRUE(contains(r.header, "ar::time_point at;")) << r.header;
  EXPECT_TRUE(contains(r.header, "bool done = false;")) << r.header;
  EXPECT_TRUE(contains(r.header, "struct Thing {")) << r.header;
  EXPECT_TRUE(contains(r.header, "AR_MODEL(Thing, \"things\",")) << r.header;
  EXPECT_TRUE(contains(r.header, "AR_PRIMARY_KEY(id),\n           AR_KEY_SUPPLIED")) << r.header;
  EXPECT_FALSE(contains(r.header, "AR_COLUMN")) << r.header;
  EXPECT_FALSE(r.style);  // snake_case names: as declared
}

TEST(ArGenGenerator, ReportsATypeItCannotMap) {
  const auto r = run({table("files", {column("id", "INTEGER", false, 1), column("data", "BLOB")}),
                      table("blobs", {column("hash", "BLOB", false, 1), column("size", "INTEGER")})});
  EXPECT_TRUE(reported(r, "files: the column data has the type BLOB")) << r.header;
  EXPECT_TRUE(contains(r.header, "// the column data has the type BLOB, which ar maps to no field type: it is skipped"));
  EXPECT_TRUE(contains(r.header, "AR_FIELDS(id)")) << r.header;
  EXPECT_TRUE(reported(r, "blobs: the key column hash has the type BLOB")) << r.header;
  EXPECT_TRUE(reported(r, "the whole table is skipped"));
  EXPECT_FALSE(contains(r.header, "struct Blob")) << r.header;
}

TEST(ArGenGenerator, AGeneratedKeyIsNotSupplied) {
  auto id = column("id", "INTEGER", false, 1);
  id.generated = true;
  const auto r = run({table("users", {id, column("name", "TEXT")})});
  EXPECT_TRUE(contains(r.header, "AR_PRIMARY_KEY(id)"));
  EXPECT_FALSE(contains(r.header, "AR_KEY_SUPPLIED")) << r.header;
}

TEST(ArGenGenerator, PascalCaseNamesNeedNoColumnClause) {
  const auto r = run({table("InvoiceLine", {column("InvoiceLineId", "INTEGER", false, 1), column("UnitPrice", "REAL")})});
  ASSERT_TRUE(r.style);
  EXPECT_EQ(*r.style, ar::name_style::pascal_case);
  EXPECT_TRUE(contains(r.header, "options.naming.style = ar::name_style::pascal_case;")) << r.header;
  EXPECT_TRUE(contains(r.header, "AR_MODEL(InvoiceLine, \"invoice_line\",")) << r.header;
  EXPECT_FALSE(contains(r.header, "AR_COLUMN")) << r.header;
}

TEST(ArGenGenerator, MixedNamesGetAColumnClauseEach) {
  const auto r = run({table("line", {column("LineId", "INTEGER", false, 1), column("unit_price", "REAL"),
                                     column("class", "TEXT")})});
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
  EXPECT_TRUE(contains(r.header, "AR_BELONGS_TO(away_team, Team, away_team_id, AR_INVERSE(games_as_away_team))")) << r.header;
  EXPECT_TRUE(contains(r.header, "AR_BELONGS_TO(home_team, Team, home_team_id, AR_INVERSE(games_as_home_team))")) << r.header;
  EXPECT_TRUE(contains(r.header, "AR_HAS_MANY(games_as_away_team, Game, away_team_id, AR_INVERSE(away_team))")) << r.header;
  EXPECT_TRUE(contains(r.header, "AR_HAS_MANY(games_as_home_team, Game, home_team_id, AR_INVERSE(home_team))")) << r.header;
  EXPECT_TRUE(reported(r, "Team: the relation name games is taken twice")) << r.header;
  // The same catalog gives the same header.
  EXPECT_EQ(run(league()).header, r.header);
}

TEST(ArGenGenerator, AJoinTableGivesThroughRelations) {
  const auto r = run({table("playlists", {column("id", "INTEGER", false, 1)}),
                      table("tracks", {column("id", "INTEGER", false, 1)}),
                      table("playlist_tracks", {column("playlist_id", "INTEGER", false, 1), column("track_id", "INTEGER", false, 2)},
                            {fk("playlist_id", "playlists"), fk("track_id", "tracks")})});
  EXPECT_TRUE(contains(r.header, "AR_HAS_MANY_THROUGH(tracks, Track, PlaylistTrack, playlist_id, track_id)")) << r.header;
  EXPECT_TRUE(contains(r.header, "AR_HAS_MANY_THROUGH(playlists, Playlist, PlaylistTrack, track_id, playlist_id)")) << r.header;
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

TEST(ArGenGenerator, AForeignKeyOfSeveralColumnsThatMissesPartOfTheKeyIsReported) {
  const auto r = run({table("a", {column("x", "INTEGER", false, 1), column("y", "INTEGER", false, 2),
                                  column("z", "INTEGER", false, 3)}),
                      table("b", {column("id", "INTEGER", false, 1), column("x", "INTEGER"), column("y", "INTEGER")},
                            {{"fk_xy", {"x", "y"}, "a", {"x", "y"}}})});
  EXPECT_TRUE(reported(r, "b: the foreign key (x, y) -> a does not refer to the whole primary key of a")) << r.header;
  EXPECT_TRUE(contains(r.header, "// the foreign key (x, y) -> a does not refer to the whole primary key of a")) << r.header;
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
