// Composite primary keys (issue 17 item 1): AR_PRIMARY_KEY(a, b) as Chinook's PlaylistTrack has
// PRIMARY KEY (PlaylistId, TrackId). find / find_or_throw take the key as a tuple; insert, update,
// save and destroy address exactly one row (with the key declared as PlaylistId alone, destroying
// one link deleted the whole playlist); the table ar creates has the composite key; a has_many and
// a has_many_through whose join model has a composite key load as with any other join model.

#include "../support/backends.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace {

struct ck_playlist_track;
struct ck_track;

struct ck_playlist {
  std::int64_t id = 0;
  std::string name;
  AR_MODEL(ck_playlist, "ck_playlists", AR_FIELDS(id, name), AR_HAS_MANY(links, ck_playlist_track, playlist_id),
           AR_HAS_MANY_THROUGH(tracks, ck_track, ck_playlist_track, playlist_id, track_id));
};

struct ck_track {
  std::int64_t id = 0;
  std::string name;
  AR_MODEL(ck_track, "ck_tracks", AR_FIELDS(id, name));
};

// Every column is in the key.
struct ck_playlist_track {
  std::int64_t playlist_id = 0;
  std::int64_t track_id = 0;
  AR_MODEL(ck_playlist_track, "ck_playlist_tracks", AR_FIELDS(playlist_id, track_id),
           AR_PRIMARY_KEY(playlist_id, track_id), AR_BELONGS_TO(playlist, ck_playlist, playlist_id),
           AR_BELONGS_TO(track, ck_track, track_id));
};

// A key of a string and an integer, listed in another order than the fields, and columns besides.
struct ck_order_line {
  std::int32_t line = 0;
  std::string region;
  std::string item;
  std::int32_t quantity = 0;
  AR_MODEL(ck_order_line, "ck_order_lines", AR_FIELDS(line, region, item, quantity), AR_PRIMARY_KEY(region, line));
};

static_assert(std::is_same_v<ar::key_type_of<ck_playlist_track>, std::tuple<std::int64_t, std::int64_t>>);
static_assert(std::is_same_v<ar::key_type_of<ck_order_line>, std::tuple<std::string, std::int32_t>>);
static_assert(!ar::model_of<ck_playlist_track>::generated_key);
static_assert(ar::model_of<ck_order_line>::key_indices == std::array<std::size_t, 2>{1, 0});

class composite_keys : public ar_test::backend_test {
 protected:
  void SetUp() override {
    backend_test::SetUp();
    ar::create_table<ck_playlist>(db);
    ar::create_table<ck_track>(db);
    ar::create_table<ck_playlist_track>(db);
    ar::create_table<ck_order_line>(db);
  }
  // Two playlists sharing tracks: (1: 1, 2, 3), (2: 2, 3).
  void fill_playlists() {
    std::vector<ck_playlist> playlists{{0, "Music"}, {0, "Movies"}};
    ar::insert_all(db, playlists);
    std::vector<ck_track> tracks{{0, "One"}, {0, "Two"}, {0, "Three"}};
    ar::insert_all(db, tracks);
    std::vector<ck_playlist_track> links{{1, 1}, {1, 2}, {1, 3}, {2, 2}, {2, 3}};
    ar::insert_all(db, links);
  }
  std::vector<std::string> links() {
    std::vector<std::string> out;
    for (const auto& l : ar::from<ck_playlist_track>(db) |
                             ar::order_by(ck_playlist_track::c.playlist_id, ck_playlist_track::c.track_id) |
                             ar::to_vector)
      out.push_back(std::to_string(l.playlist_id) + ":" + std::to_string(l.track_id));
    return out;
  }
};

TEST_P(composite_keys, the_table_has_the_composite_key) {
  ar::statement_counter counter;
  ar::drop_table<ck_order_line>(db);
  ar::create_table<ck_order_line>(db);
  ASSERT_EQ(counter.statements().size(), 2u);
  const std::string ddl = counter.statements()[1];
  EXPECT_NE(ddl.find(ar_test::sql_for(db, ", PRIMARY KEY ({region}, {line}))")), std::string::npos) << ddl;
  for (const char* generated : {"IDENTITY", "AUTO_INCREMENT", "AUTOINCREMENT", "SERIAL"})
    EXPECT_EQ(ddl.find(generated), std::string::npos) << ddl;
  // The database enforces it: the same key twice is refused, one part equal is not.
  ck_order_line a{1, "eu", "apples", 3};
  ck_order_line b{1, "us", "pears", 4};
  ar::insert(db, a);
  ar::insert(db, b);
  ck_order_line again{1, "eu", "plums", 5};
  EXPECT_THROW(ar::insert(db, again), ar::database_error);
}

TEST_P(composite_keys, find_takes_the_key_as_a_tuple_and_reads_one_row) {
  std::vector<ck_order_line> lines{{1, "eu", "apples", 3}, {2, "eu", "pears", 4}, {1, "us", "plums", 5}};
  ar::insert_all(db, lines);
  ar::statement_counter counter;
  const std::optional<ck_order_line> found = ar::find<ck_order_line>(db, {"us", 1});
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->item, "plums");
  EXPECT_EQ(ar::find_or_throw<ck_order_line>(db, std::tuple<std::string, std::int32_t>{"eu", 2}).item, "pears");
  EXPECT_FALSE(ar::find<ck_order_line>(db, {"us", 2}).has_value());
  EXPECT_EQ(counter.count(), 3u);
  try {
    (void)ar::find_or_throw<ck_order_line>(db, {"xx", 7});
    FAIL() << "found a row that is not there";
  } catch (const ar::record_not_found& e) {
    EXPECT_NE(std::string(e.what()).find("('xx', 7)"), std::string::npos) << e.what();
  }
}

TEST_P(composite_keys, update_and_save_write_exactly_one_row) {
  std::vector<ck_order_line> lines{{1, "eu", "apples", 3}, {2, "eu", "pears", 4}, {1, "us", "plums", 5}};
  ar::insert_all(db, lines);
  lines[0].quantity = 30;
  ar::statement_counter counter;
  ar::update(db, lines[0]);
  EXPECT_EQ(counter.count(), 1u);
  EXPECT_EQ(ar::find_or_throw<ck_order_line>(db, {"eu", 1}).quantity, 30);
  EXPECT_EQ(ar::find_or_throw<ck_order_line>(db, {"eu", 2}).quantity, 4);
  EXPECT_EQ(ar::find_or_throw<ck_order_line>(db, {"us", 1}).quantity, 5);
  // save: an existing key updates, a new one inserts; one statement each.
  lines[2].item = "figs";
  ar::save(db, lines[2]);
  ck_order_line fresh{3, "eu", "kiwis", 1};
  ar::save(db, fresh);
  EXPECT_EQ(ar::find_or_throw<ck_order_line>(db, {"us", 1}).item, "figs");
  EXPECT_EQ(ar::find_or_throw<ck_order_line>(db, {"eu", 3}).item, "kiwis");
  EXPECT_EQ(ar::from<ck_order_line>(db) | ar::count, 4);
  // An update of a key no row has changes nothing and says so, naming the whole key.
  ck_order_line gone{9, "eu", "none", 0};
  try {
    ar::update(db, gone);
    FAIL() << "updated a row that is not there";
  } catch (const ar::record_not_found& e) {
    EXPECT_NE(std::string(e.what()).find("('eu', 9)"), std::string::npos) << e.what();
  }
}

TEST_P(composite_keys, destroy_removes_one_link_not_the_playlist) {
  fill_playlists();
  ar::statement_counter counter;
  EXPECT_TRUE(ar::destroy(db, ck_playlist_track{1, 2}));
  EXPECT_EQ(counter.count(), 1u);
  EXPECT_EQ(links(), (std::vector<std::string>{"1:1", "1:3", "2:2", "2:3"}));
  EXPECT_TRUE(ar::destroy<ck_playlist_track>(db, {2, 3}));
  EXPECT_FALSE(ar::destroy<ck_playlist_track>(db, {2, 3}));
  EXPECT_EQ(links(), (std::vector<std::string>{"1:1", "1:3", "2:2"}));
}

TEST_P(composite_keys, save_of_an_all_key_record_inserts_it_once) {
  fill_playlists();
  ck_playlist_track link{2, 1};
  ar::save(db, link);
  ar::save(db, link);  // already there: nothing to change, nothing duplicated
  EXPECT_EQ(links(), (std::vector<std::string>{"1:1", "1:2", "1:3", "2:1", "2:2", "2:3"}));
}

TEST_P(composite_keys, queries_order_first_by_the_whole_key) {
  std::vector<ck_order_line> lines{{2, "us", "a", 1}, {1, "us", "b", 1}, {3, "eu", "c", 1}};
  ar::insert_all(db, lines);
  const auto first = ar::from<ck_order_line>(db) | ar::first;
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->item, "c");  // ("eu", 3) before ("us", 1)
  const auto us_first = ar::from<ck_order_line>(db) | ar::filter(ck_order_line::c.region == "us") | ar::first;
  ASSERT_TRUE(us_first.has_value());
  EXPECT_EQ(us_first->item, "b");
  EXPECT_EQ(ar::from<ck_order_line>(db) | ar::filter(ck_order_line::c.quantity == 1) | ar::count, 3);
}

TEST_P(composite_keys, relations_through_a_join_model_with_a_composite_key) {
  fill_playlists();
  ar::statement_counter counter;
  auto playlists =
      ar::from<ck_playlist>(db) | ar::order_by(ck_playlist::c.id) | ar::with("tracks", "links") | ar::to_vector;
  EXPECT_EQ(counter.count(), 3u);  // playlists, their tracks through the links, the links
  ASSERT_EQ(playlists.size(), 2u);
  std::vector<std::string> names;
  for (const ck_track& t : playlists[0].tracks()) names.push_back(t.name);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"One", "Three", "Two"}));
  EXPECT_EQ(playlists[1].tracks().size(), 2u);
  EXPECT_EQ(playlists[1].links().size(), 2u);
  counter.reset();
  // Lazily, the links' belongs_to: one statement per relation for all of them.
  auto all_links = ar::from<ck_playlist_track>(db) | ar::to_vector;
  counter.reset();
  std::size_t named = 0;
  for (const ck_playlist_track& l : all_links)
    if (l.track() && l.playlist()) ++named;
  EXPECT_EQ(named, all_links.size());
  EXPECT_EQ(counter.count(), 2u);
}

AR_INSTANTIATE_BACKEND_SUITE(composite_keys);

}  // namespace
