// The header ar-gen writes for Chinook (generated at build time from tests/data/chinook/Chinook_Sqlite.sql
// with chinook.options; see CMakeLists.txt), used as a program would: it compiles, verify_schema finds
// every model right, and every relation loads, eagerly and lazily, exactly the rows SQL's joins count,
// in one statement per relation and level.
//
// postgresql_chinook.sh builds the same program on the header ar-gen writes for Chinook's PostgreSQL
// dump, loaded into a schema of its own, and runs it with AR_GEN_CHINOOK_URL naming that database: ar
// reads PostgreSQL, and SQL's counts come from the SQLite file of the same data.

#include "chinook_models.hpp"

#include "support/chinook.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

namespace {

class ArGenChinook : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = ar_test::make_chinook_sqlite("ar_gen_chinook");
    if (const char* url = std::getenv("AR_GEN_CHINOOK_URL")) {
      db_ = ar::open(url, "default");  // the PostgreSQL dump's names are the fields' own
    } else {
      ar::open_options options;
      options.naming.style = ar::name_style::pascal_case;  // as the generated header says
      db_ = ar::open("sqlite3://db=" + path_, "default", options);
    }
  }
  void TearDown() override {
    db_.close();
    std::remove(path_.c_str());
  }

  std::int64_t sql_count(const std::string& sql) { return std::stoll(ar_test::sqlite_column(path_, sql).at(0)); }

  template <class T>
  static std::size_t count_of(const T& loaded) {
    if constexpr (requires { loaded.size(); })
      return loaded.size();
    else
      return loaded ? 1 : 0;
  }

  // One relation of M: loaded eagerly with ar::with (the records, then one statement) and lazily on
  // records read without it (one statement for all of them), each time as many related rows as `sql`
  // counts.
  template <class M, class Count>
  void check(const char* relation, Count count, const std::string& sql) {
    SCOPED_TRACE(relation);
    const std::int64_t expected = sql_count(sql);
    ASSERT_GT(expected, 0);
    {
      ar::statement_counter counter;
      const auto rows = ar::from<M>() | ar::with(relation) | ar::to_vector;
      EXPECT_EQ(counter.count(), 2u);
      std::size_t n = 0;
      for (const M& r : rows) n += count(r);
      EXPECT_EQ(static_cast<std::int64_t>(n), expected);
      EXPECT_EQ(counter.count(), 2u);  // reading what was loaded sends nothing
    }
    {
      const auto rows = ar::from<M>() | ar::to_vector;
      ar::statement_counter counter;
      std::size_t n = 0;
      for (const M& r : rows) n += count(r);
      EXPECT_EQ(static_cast<std::int64_t>(n), expected);
      EXPECT_EQ(counter.count(), 1u);  // batched: one statement for every record of the query
    }
  }

  std::string path_;
  ar::database db_;
};

#define AR_GEN_CHECK(Model, relation, sql) \
  check<Model>(#relation, [](const Model& m) { return count_of(m.relation()); }, sql)

TEST_F(ArGenChinook, VerifySchemaPassesOverEveryModel) {
  const ar::schema_report report = ar::verify_schema<Album, Artist, Customer, Employee, Genre, Invoice, InvoiceLine,
                                                     MediaType, Playlist, PlaylistTrack, Track>();
  EXPECT_TRUE(report.warnings.empty());
}

TEST_F(ArGenChinook, BelongsToLoadsEagerlyAndLazily) {
  AR_GEN_CHECK(Album, artist, "SELECT COUNT(*) FROM Album x JOIN Artist y ON x.ArtistId = y.ArtistId");
  AR_GEN_CHECK(Customer, support_rep, "SELECT COUNT(*) FROM Customer x JOIN Employee y ON x.SupportRepId = y.EmployeeId");
  AR_GEN_CHECK(Employee, manager, "SELECT COUNT(*) FROM Employee x JOIN Employee y ON x.ReportsTo = y.EmployeeId");
  AR_GEN_CHECK(Invoice, customer, "SELECT COUNT(*) FROM Invoice x JOIN Customer y ON x.CustomerId = y.CustomerId");
  AR_GEN_CHECK(InvoiceLine, invoice, "SELECT COUNT(*) FROM InvoiceLine x JOIN Invoice y ON x.InvoiceId = y.InvoiceId");
  AR_GEN_CHECK(InvoiceLine, track, "SELECT COUNT(*) FROM InvoiceLine x JOIN Track y ON x.TrackId = y.TrackId");
  AR_GEN_CHECK(PlaylistTrack, playlist,
               "SELECT COUNT(*) FROM PlaylistTrack x JOIN Playlist y ON x.PlaylistId = y.PlaylistId");
  AR_GEN_CHECK(PlaylistTrack, track, "SELECT COUNT(*) FROM PlaylistTrack x JOIN Track y ON x.TrackId = y.TrackId");
  AR_GEN_CHECK(Track, album, "SELECT COUNT(*) FROM Track x JOIN Album y ON x.AlbumId = y.AlbumId");
  AR_GEN_CHECK(Track, genre, "SELECT COUNT(*) FROM Track x JOIN Genre y ON x.GenreId = y.GenreId");
  AR_GEN_CHECK(Track, media_type, "SELECT COUNT(*) FROM Track x JOIN MediaType y ON x.MediaTypeId = y.MediaTypeId");
}

TEST_F(ArGenChinook, HasManyLoadsEagerlyAndLazily) {
  AR_GEN_CHECK(Album, tracks, "SELECT COUNT(*) FROM Track x JOIN Album y ON x.AlbumId = y.AlbumId");
  AR_GEN_CHECK(Artist, albums, "SELECT COUNT(*) FROM Album x JOIN Artist y ON x.ArtistId = y.ArtistId");
  AR_GEN_CHECK(Customer, invoices, "SELECT COUNT(*) FROM Invoice x JOIN Customer y ON x.CustomerId = y.CustomerId");
  AR_GEN_CHECK(Employee, customers, "SELECT COUNT(*) FROM Customer x JOIN Employee y ON x.SupportRepId = y.EmployeeId");
  AR_GEN_CHECK(Employee, reports, "SELECT COUNT(*) FROM Employee x JOIN Employee y ON x.ReportsTo = y.EmployeeId");
  AR_GEN_CHECK(Genre, tracks, "SELECT COUNT(*) FROM Track x JOIN Genre y ON x.GenreId = y.GenreId");
  AR_GEN_CHECK(Invoice, invoice_lines, "SELECT COUNT(*) FROM InvoiceLine x JOIN Invoice y ON x.InvoiceId = y.InvoiceId");
  AR_GEN_CHECK(MediaType, tracks, "SELECT COUNT(*) FROM Track x JOIN MediaType y ON x.MediaTypeId = y.MediaTypeId");
  AR_GEN_CHECK(Playlist, playlist_tracks,
               "SELECT COUNT(*) FROM PlaylistTrack x JOIN Playlist y ON x.PlaylistId = y.PlaylistId");
  AR_GEN_CHECK(Track, invoice_lines, "SELECT COUNT(*) FROM InvoiceLine x JOIN Track y ON x.TrackId = y.TrackId");
  AR_GEN_CHECK(Track, playlist_tracks, "SELECT COUNT(*) FROM PlaylistTrack x JOIN Track y ON x.TrackId = y.TrackId");
}

TEST_F(ArGenChinook, ThroughTheJoinTableLoadsEagerlyAndLazily) {
  AR_GEN_CHECK(Playlist, tracks,
               "SELECT COUNT(*) FROM PlaylistTrack x JOIN Playlist p ON x.PlaylistId = p.PlaylistId "
               "JOIN Track t ON x.TrackId = t.TrackId");
  AR_GEN_CHECK(Track, playlists,
               "SELECT COUNT(*) FROM PlaylistTrack x JOIN Playlist p ON x.PlaylistId = p.PlaylistId "
               "JOIN Track t ON x.TrackId = t.TrackId");
}

TEST_F(ArGenChinook, TwoLevelsAreOneStatementEach) {
  ar::statement_counter counter;
  const auto artists = ar::from<Artist>() | ar::with("albums.tracks") | ar::to_vector;
  EXPECT_EQ(counter.count(), 3u);
  std::size_t tracks = 0;
  for (const Artist& a : artists)
    for (const Album& album : a.albums()) tracks += album.tracks().size();
  EXPECT_EQ(static_cast<std::int64_t>(tracks), sql_count("SELECT COUNT(*) FROM Track WHERE AlbumId IS NOT NULL"));
  EXPECT_EQ(counter.count(), 3u);
}

}  // namespace
