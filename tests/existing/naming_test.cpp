// Naming conventions (issue 17 item 5): a model written with C++ names (snake_case fields and
// table) serves a database named in another convention, PascalCase as Chinook's SQLite dump is,
// with no AR_COLUMN; one model serves two databases named differently; a model's own AR_NAMING
// wins over the database's; a name AR_COLUMN gives is used exactly as written.

#include "../support/backends.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace {

struct album;

struct artist {
  std::int64_t artist_id = 0;
  std::optional<std::string> name;
  AR_MODEL(artist, "artist", AR_FIELDS(artist_id, name), AR_PRIMARY_KEY(artist_id), AR_KEY_SUPPLIED,
           AR_HAS_MANY(albums, album, artist_id));
};

struct album {
  std::int64_t album_id = 0;
  std::string title;
  std::int64_t artist_id = 0;
  AR_MODEL(album, "album", AR_FIELDS(album_id, title, artist_id), AR_PRIMARY_KEY(album_id), AR_KEY_SUPPLIED,
           AR_BELONGS_TO(performer, artist, artist_id));
};

// Its own convention, and one column named as the table has it.
struct media_type {
  std::int64_t media_type_id = 0;
  std::string name;
  AR_MODEL(media_type, "media_type", AR_FIELDS(media_type_id, name), AR_PRIMARY_KEY(media_type_id),
           AR_NAMING(upper_snake_case), AR_COLUMN(name, "label_text"));
};

ar::open_options pascal() {
  ar::open_options o;
  o.naming.style = ar::name_style::pascal_case;
  return o;
}

TEST(name_style, converts_between_the_common_conventions) {
  using ar::name_style;
  EXPECT_EQ(ar::apply_name_style("invoice_line_id", name_style::pascal_case), "InvoiceLineId");
  EXPECT_EQ(ar::apply_name_style("invoice_line_id", name_style::camel_case), "invoiceLineId");
  EXPECT_EQ(ar::apply_name_style("invoice_line_id", name_style::upper_snake_case), "INVOICE_LINE_ID");
  EXPECT_EQ(ar::apply_name_style("InvoiceLineId", name_style::snake_case), "invoice_line_id");
  EXPECT_EQ(ar::apply_name_style("invoiceLineId", name_style::snake_case), "invoice_line_id");
  EXPECT_EQ(ar::apply_name_style("InvoiceLine", name_style::pascal_case), "InvoiceLine");
  EXPECT_EQ(ar::apply_name_style("address2_line", name_style::pascal_case), "Address2Line");
  EXPECT_EQ(ar::apply_name_style("http_url", name_style::as_declared), "http_url");
  EXPECT_EQ(ar::apply_name_style("HTTPServer", name_style::snake_case), "httpserver");
  EXPECT_EQ(ar::apply_name_style("mp3_HTTPServer", name_style::pascal_case), "Mp3HTTPServer");
}

// The models' own database ("default", where their relations load from) is named in PascalCase.
class naming : public ar_test::backend_test {
 protected:
  void SetUp() override { db = ar_test::open_backend(GetParam(), "default", pascal()); }
  // Sets one text column of one row with hand-written SQL naming the table and columns as given
  // ({x} is x quoted as the dialect quotes it) and returns the rows it changed: proof of what the
  // table and its columns are really called (a wrong name fails the statement).
  static std::uint64_t set_raw(const ar::database& on, const std::string& table, const std::string& column,
                               const std::string& key, std::int64_t id, const std::string& text) {
    return on.execute(ar_test::sql_for(on, "UPDATE {" + table + "} SET {" + column + "} = ? WHERE {" + key + "} = ?"),
                      {text, id});
  }
};

TEST_P(naming, a_database_convention_names_tables_and_columns) {
  ar::database chinook = db;
  ar::statement_counter counter;
  ar::create_table<artist>(chinook);
  ar::create_table<album>(chinook);
  // Artist's CREATE TABLE, Album's, and, where an index is a statement of its own, the index of
  // Album's foreign key: each in the convention's names.
  const std::vector<std::string> ddl = counter.statements();
  ASSERT_EQ(ddl.size(),
            ddl[1].find(ar_test::sql_for(chinook, "INDEX {index_Album_on_ArtistId}")) != std::string::npos ? 2u : 3u);
  EXPECT_NE(ddl[1].find(ar_test::sql_for(chinook, "{Album} ({AlbumId}")), std::string::npos) << ddl[1];
  EXPECT_NE(ddl[1].find(ar_test::sql_for(chinook, "FOREIGN KEY ({ArtistId}) REFERENCES {Artist} ({ArtistId})")),
            std::string::npos)
      << ddl[1];
  if (ddl.size() == 3) {
    EXPECT_EQ(ddl[2], ar_test::sql_for(chinook, "CREATE INDEX {index_Album_on_ArtistId} ON {Album} ({ArtistId})"));
  }
  artist acdc{1, "AC/DC"};
  ar::insert(chinook, acdc);
  std::vector<album> albums{{1, "For Those About To Rock", 1}, {4, "Let There Be Rock", 1}};
  ar::insert_all(chinook, albums);
  EXPECT_EQ(set_raw(chinook, "Album", "Title", "AlbumId", 4, "set by hand"), 1u);
  EXPECT_EQ(ar::find_or_throw<album>(chinook, std::int64_t{4}).title, "set by hand");
  EXPECT_EQ(set_raw(chinook, "Artist", "Name", "ArtistId", 1, "AC/DC!"), 1u);

  albums[1].title = "Let There Be Rock (live)";
  ar::update(chinook, albums[1]);
  EXPECT_EQ(ar::find_or_throw<album>(chinook, std::int64_t{4}).title, "Let There Be Rock (live)");
  EXPECT_EQ(ar::from<album>(chinook) | ar::filter(album::c.title.like("Let%")) | ar::count, 1);
  // Relations: eager, lazy, and where_has render the convention's names too.
  const auto loaded = ar::from<artist>(chinook) | ar::with("albums") | ar::to_vector;
  ASSERT_EQ(loaded.size(), 1u);
  EXPECT_EQ(loaded[0].albums().size(), 2u);
  album one = ar::find_or_throw<album>(chinook, std::int64_t{1});
  EXPECT_EQ(one.performer()->name, "AC/DC!");
  EXPECT_EQ(ar::from<artist>(chinook) |
                ar::where_has("albums", [](ar::query<album> q) { return q | ar::filter(album::c.album_id > 3); }) |
                ar::count,
            1);
  ar::destroy(chinook, albums[0]);
  EXPECT_EQ(ar::from<album>(chinook) | ar::count, 1);
  EXPECT_EQ(set_raw(chinook, "Album", "Title", "AlbumId", 1, "gone"), 0u);
  ar::drop_table<album>(chinook);
  ar::drop_table<artist>(chinook);
}

TEST_P(naming, one_model_serves_two_databases_named_differently) {
  ar::database pascal_db = db;
  ar::database snake_db = ar_test::open_backend(GetParam(), "snake");
  // The albums' artist, on each: the album's foreign key refers to it.
  ar::create_tables<artist, album>(snake_db);
  ar::create_tables<artist, album>(pascal_db);
  artist nine{9, "Nine"};
  ar::insert(snake_db, nine);
  ar::insert(pascal_db, nine);
  album a{1, "on the snake_case database", 9};
  album b{2, "on the PascalCase database", 9};
  ar::insert(snake_db, a);
  ar::insert(pascal_db, b);
  EXPECT_EQ(ar::find_or_throw<album>(snake_db, std::int64_t{1}).title, a.title);
  EXPECT_EQ(ar::find_or_throw<album>(pascal_db, std::int64_t{2}).title, b.title);
  EXPECT_EQ(set_raw(snake_db, "album", "title", "album_id", 1, "snake, by hand"), 1u);
  EXPECT_EQ(set_raw(pascal_db, "Album", "Title", "AlbumId", 2, "Pascal, by hand"), 1u);
  EXPECT_EQ(ar::find_or_throw<album>(snake_db, std::int64_t{1}).title, "snake, by hand");
  EXPECT_EQ(ar::find_or_throw<album>(pascal_db, std::int64_t{2}).title, "Pascal, by hand");
  EXPECT_FALSE(ar::find<album>(snake_db, std::int64_t{2}).has_value());
  // A query of one renders the other's names only on the other.
  EXPECT_EQ(ar::from<album>(snake_db) | ar::filter(album::c.artist_id == 9) | ar::count, 1);
  EXPECT_EQ(ar::from<album>(pascal_db) | ar::filter(album::c.artist_id == 9) | ar::count, 1);
}

TEST_P(naming, a_model_convention_wins_and_ar_column_is_kept_as_written) {
  ar::database pascal_db = db;
  ar::create_table<media_type>(pascal_db);
  media_type m{0, "MPEG audio file"};
  ar::insert(pascal_db, m);
  EXPECT_EQ(ar::find_or_throw<media_type>(pascal_db, m.media_type_id).name, "MPEG audio file");
  EXPECT_EQ(set_raw(pascal_db, "MEDIA_TYPE", "label_text", "MEDIA_TYPE_ID", m.media_type_id, "AAC audio file"), 1u);
  EXPECT_EQ(ar::find_or_throw<media_type>(pascal_db, m.media_type_id).name, "AAC audio file");
}

TEST_P(naming, a_table_prefix_goes_before_every_table) {
  ar::open_options options;
  options.naming.table_prefix = "wp_";
  ar::database prefixed = ar_test::open_backend(GetParam(), "prefixed", options);
  ar::create_table<album>(prefixed);
  album a{3, "prefixed", 1};
  ar::insert(prefixed, a);
  EXPECT_EQ(ar::from<album>(prefixed) | ar::count, 1);
  EXPECT_EQ(set_raw(prefixed, "wp_album", "title", "album_id", 3, "by hand"), 1u);
  EXPECT_EQ(ar::find_or_throw<album>(prefixed, std::int64_t{3}).title, "by hand");
}

AR_INSTANTIATE_BACKEND_SUITE(naming);

}  // namespace
