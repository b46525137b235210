// Chinook's PlaylistTrack, PRIMARY KEY (PlaylistId, TrackId), as ar now declares it:
// AR_PRIMARY_KEY(playlist_id, track_id). With the key declared as PlaylistId alone, destroying one
// link deleted the whole playlist (3290 rows) and find returned an arbitrary link; here each
// statement addresses exactly one row, and the playlists' tracks load through the links as SQL
// joins them.

#include "../support/chinook.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace {

struct PlaylistTrack;
struct Track;

struct Playlist {
  std::int64_t playlist_id = 0;
  std::optional<std::string> name;
  AR_MODEL(Playlist, "playlist", AR_FIELDS(playlist_id, name), AR_PRIMARY_KEY(playlist_id), AR_KEY_SUPPLIED,
           AR_HAS_MANY(links, PlaylistTrack, playlist_id),
           AR_HAS_MANY_THROUGH(tracks, Track, PlaylistTrack, playlist_id, track_id),
           // The same tracks through the links' belongs_to (Rails: has_many :linked_tracks, through: :links,
           // source: :track): a chain whose middle model has a composite key.
           AR_HAS_MANY_VIA(linked_tracks, Track, links, track));
};

struct Track {
  std::int64_t track_id = 0;
  std::string name;
  AR_MODEL(Track, "track", AR_FIELDS(track_id, name), AR_PRIMARY_KEY(track_id), AR_KEY_SUPPLIED);
};

struct PlaylistTrack {
  std::int64_t playlist_id = 0;
  std::int64_t track_id = 0;
  AR_MODEL(PlaylistTrack, "playlist_track", AR_FIELDS(playlist_id, track_id), AR_PRIMARY_KEY(playlist_id, track_id),
           AR_BELONGS_TO(playlist, Playlist, playlist_id), AR_BELONGS_TO(track, Track, track_id));
};

class chinook_playlists : public ::testing::Test {
 protected:
  void SetUp() override {
    path = ar_test::make_chinook_sqlite(::testing::UnitTest::GetInstance()->current_test_info()->name());
    ar::open_options options;
    options.naming.style = ar::name_style::pascal_case;
    db = ar::open("sqlite3://db=" + path, "default", options);
  }
  void TearDown() override {
    ar::close_all();
    std::filesystem::remove(path);
  }
  std::int64_t raw_count(const std::string& sql) { return std::stoll(ar_test::sqlite_column(path, sql).at(0)); }
  std::string path;
  ar::database db;
};

TEST_F(chinook_playlists, the_models_match_the_schema) {
  EXPECT_TRUE((ar::verify_schema<Playlist, Track, PlaylistTrack>(db).warnings.empty()));
}

TEST_F(chinook_playlists, destroying_one_link_removes_that_row_alone) {
  const std::int64_t before = raw_count("SELECT count(*) FROM PlaylistTrack");
  const std::int64_t in_playlist_1 = raw_count("SELECT count(*) FROM PlaylistTrack WHERE PlaylistId = 1");
  ASSERT_GT(in_playlist_1, 3000);
  const std::int64_t first_track =
      std::stoll(ar_test::sqlite_column(path, "SELECT min(TrackId) FROM PlaylistTrack WHERE PlaylistId = 1").at(0));
  const PlaylistTrack link = ar::find_or_throw<PlaylistTrack>(db, {1, first_track});
  EXPECT_EQ(link.track_id, first_track);
  ar::statement_counter counter;
  EXPECT_TRUE(ar::destroy(db, link));
  EXPECT_EQ(counter.count(), 1u);
  EXPECT_EQ(raw_count("SELECT count(*) FROM PlaylistTrack"), before - 1);
  EXPECT_EQ(raw_count("SELECT count(*) FROM PlaylistTrack WHERE PlaylistId = 1"), in_playlist_1 - 1);
  EXPECT_FALSE(ar::find<PlaylistTrack>(db, {1, first_track}).has_value());
}

TEST_F(chinook_playlists, tracks_load_through_the_links_as_sql_joins_them) {
  ar::statement_counter counter;
  const auto playlists =
      ar::from<Playlist>(db) | ar::order_by(Playlist::c.playlist_id) | ar::with("tracks") | ar::to_vector;
  EXPECT_EQ(counter.count(), 2u);
  const auto expected = ar_test::sqlite_column(
      path,
      "SELECT p.PlaylistId || ':' || count(pt.TrackId) FROM Playlist p LEFT JOIN PlaylistTrack pt ON "
      "pt.PlaylistId = p.PlaylistId GROUP BY p.PlaylistId ORDER BY p.PlaylistId");
  std::vector<std::string> ours;
  for (const Playlist& p : playlists)
    ours.push_back(std::to_string(p.playlist_id) + ":" + std::to_string(p.tracks().size()));
  EXPECT_EQ(ours, expected);
  // Lazily, the same, with one statement for all of them.
  auto lazy = ar::from<Playlist>(db) | ar::order_by(Playlist::c.playlist_id) | ar::to_vector;
  counter.reset();
  std::vector<std::string> lazily;
  for (const Playlist& p : lazy)
    lazily.push_back(std::to_string(p.playlist_id) + ":" + std::to_string(p.tracks().size()));
  EXPECT_EQ(lazily, expected);
  EXPECT_EQ(counter.count(), 1u);
}

TEST_F(chinook_playlists, links_load_eagerly_and_their_belongs_to_lazily_in_batches) {
  ar::statement_counter counter;
  const auto playlists =
      ar::from<Playlist>(db) | ar::filter(Playlist::c.playlist_id <= 3) | ar::with("links.track") | ar::to_vector;
  EXPECT_EQ(counter.count(), 3u);
  std::int64_t links = 0;
  for (const Playlist& p : playlists)
    for (const PlaylistTrack& l : p.links()) {
      ASSERT_TRUE(l.track());
      EXPECT_EQ(l.track()->track_id, l.track_id);
      ++links;
    }
  EXPECT_EQ(links, raw_count("SELECT count(*) FROM PlaylistTrack WHERE PlaylistId <= 3"));
  EXPECT_EQ(counter.count(), 3u);
}

TEST_F(chinook_playlists, a_chain_through_the_links_reads_what_the_many_to_many_reads) {
  ar::statement_counter counter;
  const auto playlists = ar::from<Playlist>(db) | ar::order_by(Playlist::c.playlist_id) |
                         ar::with("tracks", "linked_tracks") | ar::with_count("linked_tracks") | ar::to_vector;
  EXPECT_EQ(counter.count(), 3u);  // playlists with their counts, tracks, linked tracks
  const auto expected = ar_test::sqlite_column(
      path,
      "SELECT p.PlaylistId || ':' || count(DISTINCT pt.TrackId) FROM Playlist p LEFT JOIN PlaylistTrack pt ON "
      "pt.PlaylistId = p.PlaylistId GROUP BY p.PlaylistId ORDER BY p.PlaylistId");
  std::vector<std::string> ours, counted;
  for (const Playlist& p : playlists) {
    ASSERT_EQ(p.linked_tracks().size(), p.tracks().size());
    for (std::size_t i = 0; i < p.tracks().size(); ++i)
      EXPECT_EQ(p.linked_tracks()[i].track_id, p.tracks()[i].track_id);
    ours.push_back(std::to_string(p.playlist_id) + ":" + std::to_string(p.linked_tracks().size()));
    counted.push_back(std::to_string(p.playlist_id) + ":" + std::to_string(p.linked_tracks_count()));
  }
  EXPECT_EQ(ours, expected);
  EXPECT_EQ(counted, expected);
  EXPECT_EQ(counter.count(), 3u);
  const auto in_5 = ar::from<Playlist>(db) |
                    ar::where_has("linked_tracks",
                                  [](ar::query<Track> q) { return q | ar::filter(Track::c.name == "Enter Sandman"); }) |
                    ar::select(Playlist::c.playlist_id) | ar::to_vector;
  const auto raw = ar_test::sqlite_column(
      path,
      "SELECT DISTINCT pt.PlaylistId FROM PlaylistTrack pt JOIN Track t ON t.TrackId = pt.TrackId WHERE t.Name = "
      "'Enter Sandman' ORDER BY pt.PlaylistId");
  std::vector<std::string> ids;
  for (auto [id] : in_5) ids.push_back(std::to_string(id));
  std::sort(ids.begin(), ids.end(),
            [](const std::string& a, const std::string& b) { return std::stoll(a) < std::stoll(b); });
  EXPECT_EQ(ids, raw);
  EXPECT_FALSE(ids.empty());
}

}  // namespace
