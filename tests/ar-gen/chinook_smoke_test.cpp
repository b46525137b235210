// The header ar-gen writes for Chinook (generated at build time from tests/data/chinook/Chinook_Sqlite.sql
// with chinook.options; see CMakeLists.txt), used as a program would: it compiles, verify_schema finds
// every model right, and every relation loads, eagerly and lazily, exactly the rows SQL's joins count,
// in one statement per relation and level.
//
// postgresql_chinook.sh builds the same program on the header ar-gen writes for Chinook's PostgreSQL
// dump, loaded into a schema of its own, and mariadb_chinook.sh on the header it writes for that dump
// converted for MariaDB (tests/support/chinook_mariadb.sed), loaded into a database of its own; each
// runs it with AR_GEN_CHINOOK_URL naming that database. SQL's counts come from the database ar reads,
// through a connection of their own (ar_test::raw_connection), with the names as it spells them
// (ar_test::chinook_sql: {album_id} is AlbumId in the SQLite file, album_id on the servers).

#include "chinook_models.hpp"

#include "support/chinook.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>

namespace {

class ArGenChinook : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const char* url = std::getenv("AR_GEN_CHINOOK_URL")) {
      db_ = ar::open(url, "default");  // the dump's names are the fields' own
      raw_.emplace(url);
    } else {
      path_ = ar_test::make_chinook_sqlite("ar_gen_chinook");
      ar::open_options options;
      options.naming.style = ar::name_style::pascal_case;  // as the generated header says
      db_ = ar::open("sqlite3://db=" + path_, "default", options);
      raw_.emplace("sqlite3://db=" + path_);
    }
  }
  void TearDown() override {
    db_.close();
    raw_.reset();
    if (!path_.empty()) std::remove(path_.c_str());
  }

  // SQL with Chinook's snake_case names in braces, counted by the database ar reads.
  std::int64_t sql_count(const std::string& sql) { return raw_->count(ar_test::chinook_sql(db_, sql)); }

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
  std::optional<ar_test::raw_connection> raw_;
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
  AR_GEN_CHECK(Album, artist, "SELECT COUNT(*) FROM {album} x JOIN {artist} y ON x.{artist_id} = y.{artist_id}");
  AR_GEN_CHECK(Customer, support_rep,
               "SELECT COUNT(*) FROM {customer} x JOIN {employee} y ON x.{support_rep_id} = y.{employee_id}");
  AR_GEN_CHECK(Employee, manager,
               "SELECT COUNT(*) FROM {employee} x JOIN {employee} y ON x.{reports_to} = y.{employee_id}");
  AR_GEN_CHECK(Invoice, customer,
               "SELECT COUNT(*) FROM {invoice} x JOIN {customer} y ON x.{customer_id} = y.{customer_id}");
  AR_GEN_CHECK(InvoiceLine, invoice,
               "SELECT COUNT(*) FROM {invoice_line} x JOIN {invoice} y ON x.{invoice_id} = y.{invoice_id}");
  AR_GEN_CHECK(InvoiceLine, track,
               "SELECT COUNT(*) FROM {invoice_line} x JOIN {track} y ON x.{track_id} = y.{track_id}");
  AR_GEN_CHECK(PlaylistTrack, playlist,
               "SELECT COUNT(*) FROM {playlist_track} x JOIN {playlist} y ON x.{playlist_id} = y.{playlist_id}");
  AR_GEN_CHECK(PlaylistTrack, track,
               "SELECT COUNT(*) FROM {playlist_track} x JOIN {track} y ON x.{track_id} = y.{track_id}");
  AR_GEN_CHECK(Track, album, "SELECT COUNT(*) FROM {track} x JOIN {album} y ON x.{album_id} = y.{album_id}");
  AR_GEN_CHECK(Track, genre, "SELECT COUNT(*) FROM {track} x JOIN {genre} y ON x.{genre_id} = y.{genre_id}");
  AR_GEN_CHECK(Track, media_type,
               "SELECT COUNT(*) FROM {track} x JOIN {media_type} y ON x.{media_type_id} = y.{media_type_id}");
}

TEST_F(ArGenChinook, HasManyLoadsEagerlyAndLazily) {
  AR_GEN_CHECK(Album, tracks, "SELECT COUNT(*) FROM {track} x JOIN {album} y ON x.{album_id} = y.{album_id}");
  AR_GEN_CHECK(Artist, albums, "SELECT COUNT(*) FROM {album} x JOIN {artist} y ON x.{artist_id} = y.{artist_id}");
  AR_GEN_CHECK(Customer, invoices,
               "SELECT COUNT(*) FROM {invoice} x JOIN {customer} y ON x.{customer_id} = y.{customer_id}");
  AR_GEN_CHECK(Employee, customers,
               "SELECT COUNT(*) FROM {customer} x JOIN {employee} y ON x.{support_rep_id} = y.{employee_id}");
  AR_GEN_CHECK(Employee, reports,
               "SELECT COUNT(*) FROM {employee} x JOIN {employee} y ON x.{reports_to} = y.{employee_id}");
  AR_GEN_CHECK(Genre, tracks, "SELECT COUNT(*) FROM {track} x JOIN {genre} y ON x.{genre_id} = y.{genre_id}");
  AR_GEN_CHECK(Invoice, invoice_lines,
               "SELECT COUNT(*) FROM {invoice_line} x JOIN {invoice} y ON x.{invoice_id} = y.{invoice_id}");
  AR_GEN_CHECK(MediaType, tracks,
               "SELECT COUNT(*) FROM {track} x JOIN {media_type} y ON x.{media_type_id} = y.{media_type_id}");
  AR_GEN_CHECK(Playlist, playlist_tracks,
               "SELECT COUNT(*) FROM {playlist_track} x JOIN {playlist} y ON x.{playlist_id} = y.{playlist_id}");
  AR_GEN_CHECK(Track, invoice_lines,
               "SELECT COUNT(*) FROM {invoice_line} x JOIN {track} y ON x.{track_id} = y.{track_id}");
  AR_GEN_CHECK(Track, playlist_tracks,
               "SELECT COUNT(*) FROM {playlist_track} x JOIN {track} y ON x.{track_id} = y.{track_id}");
}

TEST_F(ArGenChinook, ThroughTheJoinTableLoadsEagerlyAndLazily) {
  AR_GEN_CHECK(Playlist, tracks,
               "SELECT COUNT(*) FROM {playlist_track} x JOIN {playlist} p ON x.{playlist_id} = p.{playlist_id} "
               "JOIN {track} t ON x.{track_id} = t.{track_id}");
  AR_GEN_CHECK(Track, playlists,
               "SELECT COUNT(*) FROM {playlist_track} x JOIN {playlist} p ON x.{playlist_id} = p.{playlist_id} "
               "JOIN {track} t ON x.{track_id} = t.{track_id}");
}

TEST_F(ArGenChinook, TwoLevelsAreOneStatementEach) {
  ar::statement_counter counter;
  const auto artists = ar::from<Artist>() | ar::with("albums.tracks") | ar::to_vector;
  EXPECT_EQ(counter.count(), 3u);
  std::size_t tracks = 0;
  for (const Artist& a : artists)
    for (const Album& album : a.albums()) tracks += album.tracks().size();
  EXPECT_EQ(static_cast<std::int64_t>(tracks), sql_count("SELECT COUNT(*) FROM {track} WHERE {album_id} IS NOT NULL"));
  EXPECT_EQ(counter.count(), 3u);
}

}  // namespace
