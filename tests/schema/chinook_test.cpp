// ar::verify_schema against a database no one here wrote: the Chinook sample (a music store), loaded
// from its published SQLite script into a file of this test's own. Models written for it pass; a
// model that gets it wrong fails with exactly the problems it has.

#include "../support/chinook.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

namespace chinook {

struct album;
struct employee;

struct artist {
  std::int64_t id = 0;
  std::optional<std::string> name;
  AR_MODEL(artist, "Artist", AR_FIELDS(id, name), AR_COLUMN(id, "ArtistId"), AR_COLUMN(name, "Name"),
           AR_HAS_MANY(albums, album, artist_id));
};

struct album {
  std::int64_t id = 0;
  std::string title;
  std::int64_t artist_id = 0;
  AR_MODEL(album, "Album", AR_FIELDS(id, title, artist_id), AR_COLUMN(id, "AlbumId"), AR_COLUMN(title, "Title"),
           AR_COLUMN(artist_id, "ArtistId"), AR_BELONGS_TO(artist, chinook::artist, artist_id));
};

struct genre {
  std::int64_t id = 0;
  std::optional<std::string> name;
  AR_MODEL(genre, "Genre", AR_FIELDS(id, name), AR_COLUMN(id, "GenreId"), AR_COLUMN(name, "Name"));
};

struct media_type {
  std::int64_t id = 0;
  std::optional<std::string> name;
  AR_MODEL(media_type, "MediaType", AR_FIELDS(id, name), AR_COLUMN(id, "MediaTypeId"), AR_COLUMN(name, "Name"));
};

struct track {
  std::int64_t id = 0;
  std::string name;
  std::optional<std::int64_t> album_id;
  std::int64_t media_type_id = 0;
  std::optional<std::int64_t> genre_id;
  std::optional<std::string> composer;
  std::int64_t milliseconds = 0;
  std::optional<std::int64_t> bytes;
  ar::numeric<10, 2> unit_price;  // NUMERIC(10,2)
  AR_MODEL(track, "Track",
           AR_FIELDS(id, name, album_id, media_type_id, genre_id, composer, milliseconds, bytes, unit_price),
           AR_COLUMN(id, "TrackId"), AR_COLUMN(name, "Name"), AR_COLUMN(album_id, "AlbumId"),
           AR_COLUMN(media_type_id, "MediaTypeId"), AR_COLUMN(genre_id, "GenreId"), AR_COLUMN(composer, "Composer"),
           AR_COLUMN(milliseconds, "Milliseconds"), AR_COLUMN(bytes, "Bytes"), AR_COLUMN(unit_price, "UnitPrice"),
           AR_BELONGS_TO(album, chinook::album, album_id), AR_BELONGS_TO(genre, chinook::genre, genre_id),
           AR_BELONGS_TO(media_type, chinook::media_type, media_type_id));
};

struct employee {
  std::int64_t id = 0;
  std::string last_name;
  std::string first_name;
  std::optional<std::string> title;
  std::optional<std::int64_t> reports_to;
  std::optional<ar::time_point> birth_date;
  std::optional<ar::time_point> hire_date;
  std::optional<std::string> email;
  AR_MODEL(employee, "Employee", AR_FIELDS(id, last_name, first_name, title, reports_to, birth_date, hire_date, email),
           AR_COLUMN(id, "EmployeeId"), AR_COLUMN(last_name, "LastName"), AR_COLUMN(first_name, "FirstName"),
           AR_COLUMN(title, "Title"), AR_COLUMN(reports_to, "ReportsTo"), AR_COLUMN(birth_date, "BirthDate"),
           AR_COLUMN(hire_date, "HireDate"), AR_COLUMN(email, "Email"), AR_BELONGS_TO(manager, employee, reports_to));
};

struct customer {
  std::int64_t id = 0;
  std::string first_name;
  std::string last_name;
  std::optional<std::string> company;
  std::optional<std::string> country;
  std::string email;
  std::optional<std::int64_t> support_rep_id;
  AR_MODEL(customer, "Customer", AR_FIELDS(id, first_name, last_name, company, country, email, support_rep_id),
           AR_COLUMN(id, "CustomerId"), AR_COLUMN(first_name, "FirstName"), AR_COLUMN(last_name, "LastName"),
           AR_COLUMN(company, "Company"), AR_COLUMN(country, "Country"), AR_COLUMN(email, "Email"),
           AR_COLUMN(support_rep_id, "SupportRepId"), AR_BELONGS_TO(support_rep, employee, support_rep_id));
};

struct invoice {
  std::int64_t id = 0;
  std::int64_t customer_id = 0;
  ar::time_point invoice_date{};
  std::optional<std::string> billing_country;
  ar::numeric<10, 2> total;
  AR_MODEL(invoice, "Invoice", AR_FIELDS(id, customer_id, invoice_date, billing_country, total),
           AR_COLUMN(id, "InvoiceId"), AR_COLUMN(customer_id, "CustomerId"), AR_COLUMN(invoice_date, "InvoiceDate"),
           AR_COLUMN(billing_country, "BillingCountry"), AR_COLUMN(total, "Total"),
           AR_BELONGS_TO(customer, chinook::customer, customer_id));
};

struct invoice_line {
  std::int64_t id = 0;
  std::int64_t invoice_id = 0;
  std::int64_t track_id = 0;
  ar::numeric<10, 2> unit_price;
  std::int32_t quantity = 0;
  AR_MODEL(invoice_line, "InvoiceLine", AR_FIELDS(id, invoice_id, track_id, unit_price, quantity),
           AR_COLUMN(id, "InvoiceLineId"), AR_COLUMN(invoice_id, "InvoiceId"), AR_COLUMN(track_id, "TrackId"),
           AR_COLUMN(unit_price, "UnitPrice"), AR_COLUMN(quantity, "Quantity"),
           AR_BELONGS_TO(invoice, chinook::invoice, invoice_id), AR_BELONGS_TO(track, chinook::track, track_id));
};

struct playlist {
  std::int64_t id = 0;
  std::optional<std::string> name;
  AR_MODEL(playlist, "Playlist", AR_FIELDS(id, name), AR_COLUMN(id, "PlaylistId"), AR_COLUMN(name, "Name"));
};

// Wrong on purpose: the name is not an integer, the composer may be missing, the length is not text,
// there is no Rating column.
struct wrong_track {
  std::int64_t id = 0;
  std::int64_t name = 0;
  std::string composer;
  std::string milliseconds;
  std::int32_t rating = 0;
  AR_MODEL(wrong_track, "Track", AR_FIELDS(id, name, composer, milliseconds, rating), AR_COLUMN(id, "TrackId"),
           AR_COLUMN(name, "Name"), AR_COLUMN(composer, "Composer"), AR_COLUMN(milliseconds, "Milliseconds"),
           AR_COLUMN(rating, "Rating"));
};

// PlaylistTrack's primary key is (PlaylistId, TrackId): one column of it is not the key.
struct wrong_playlist_track {
  std::int64_t playlist_id = 0;
  std::int64_t track_id = 0;
  AR_MODEL(wrong_playlist_track, "PlaylistTrack", AR_FIELDS(playlist_id, track_id), AR_PRIMARY_KEY(playlist_id),
           AR_KEY_SUPPLIED, AR_COLUMN(playlist_id, "PlaylistId"), AR_COLUMN(track_id, "TrackId"));
};

// Chinook has reviews nowhere.
struct review {
  std::int64_t id = 0;
  AR_MODEL(review, "Review", AR_FIELDS(id), AR_COLUMN(id, "ReviewId"));
};

}  // namespace chinook

namespace {

using ar::schema_problem_kind;
using problem_place = std::tuple<schema_problem_kind, std::string, std::string>;

std::vector<problem_place> places(const std::vector<ar::schema_problem>& problems) {
  std::vector<problem_place> out;
  for (const auto& p : problems) out.emplace_back(p.kind, p.table, p.column);
  return out;
}

// The same tables written with C++ names: the database's PascalCase naming finds Chinook's.
namespace named {
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
           AR_BELONGS_TO(artist, named::artist, artist_id));
};
struct invoice_line {
  std::int64_t invoice_line_id = 0;
  std::int64_t invoice_id = 0;
  std::int64_t track_id = 0;
  ar::numeric<10, 2> unit_price;
  std::int64_t quantity = 0;
  std::int64_t discount = 0;  // not in Chinook
  AR_MODEL(invoice_line, "invoice_line",
           AR_FIELDS(invoice_line_id, invoice_id, track_id, unit_price, quantity, discount),
           AR_PRIMARY_KEY(invoice_line_id), AR_KEY_SUPPLIED);
};
}  // namespace named

// A fresh Chinook file for each test, loaded in SetUp: a load that fails fails the test.
class chinook_schema : public ::testing::Test {
 protected:
  void SetUp() override {
    path = ar_test::make_chinook_sqlite("chinook_schema");
    db = ar::open("sqlite3://db=" + path, "chinook");
  }
  void TearDown() override {
    ar::close_all();
    std::filesystem::remove(path);
  }

  std::string path;
  ar::database db;
};

TEST_F(chinook_schema, models_written_for_it_pass_and_read_its_rows) {
  using namespace chinook;
  const ar::schema_report report =
      ar::verify_schema<artist, album, genre, media_type, track, employee, customer, invoice, invoice_line, playlist>(
          db);
  // Chinook indexes every foreign key.
  EXPECT_TRUE(report.warnings.empty()) << (report.warnings.empty() ? "" : report.warnings[0].message);

  // The models that passed read the data: every type, a belongs_to.
  EXPECT_EQ(ar::from<track>(db) | ar::count, 3503);
  EXPECT_EQ((ar::from<invoice>(db) | ar::to_vector).size(), 412u);
  EXPECT_EQ((ar::from<employee>(db) | ar::to_vector).size(), 8u);
  const auto albums = ar::from<album>(db) | ar::filter(album::c.id == 1) | ar::with("artist") | ar::to_vector;
  ASSERT_EQ(albums.size(), 1u);
  ASSERT_TRUE(albums[0].artist());
  EXPECT_EQ(albums[0].artist()->name, "AC/DC");
}

// Chinook's prices are REALs in NUMERIC(10,2) columns: read as exact decimals, they add up to what
// SQL counts in whole cents, where a sum of the doubles would not (3680.9699999997 for the tracks).
TEST_F(chinook_schema, prices_are_exact_and_add_up_to_what_sql_counts_in_cents) {
  using namespace chinook;
  const auto cents = [&](const std::string& sql) { return ar::decimal(ar_test::sqlite_column(path, sql).at(0)); };
  const ar::decimal hundred(100);

  ar::statement_counter counter;
  const ar::decimal tracks = ar::from<track>(db) | ar::sum(track::c.unit_price);
  const ar::decimal invoiced = ar::from<invoice>(db) | ar::sum(invoice::c.total);
  EXPECT_EQ(counter.count(), 2u);
  EXPECT_EQ(tracks * hundred, cents("SELECT SUM(CAST(ROUND(UnitPrice * 100) AS INTEGER)) FROM Track"));
  EXPECT_EQ(tracks.scale(), 2);

  ar::decimal from_lines;
  for (const invoice_line& line : ar::from<invoice_line>(db) | ar::to_vector) {
    EXPECT_EQ(line.unit_price.scale(), 2);
    from_lines += line.unit_price * ar::decimal(line.quantity);
  }
  EXPECT_EQ(from_lines * hundred,
            cents("SELECT SUM(CAST(ROUND(UnitPrice * 100) AS INTEGER) * Quantity) FROM InvoiceLine"));
  EXPECT_EQ(invoiced, from_lines);
  EXPECT_EQ(invoiced.to_string(), from_lines.to_string());

  // Every price SQL sees is one the filters find, exactly.
  for (const std::string& price : ar_test::sqlite_column(path, "SELECT DISTINCT printf('%.2f', UnitPrice) FROM Track"))
    EXPECT_EQ(ar::from<track>(db) | ar::filter(track::c.unit_price == ar::decimal(price)) | ar::count,
              std::stoll(ar_test::sqlite_column(
                             path, "SELECT count(*) FROM Track WHERE printf('%.2f', UnitPrice) = '" + price + "'")
                             .at(0)))
        << price;
}

TEST_F(chinook_schema, a_dropped_foreign_key_index_is_a_warning) {
  db.execute("DROP INDEX \"IFK_TrackGenreId\"");
  const ar::schema_report report = ar::verify_schema<chinook::genre, chinook::track>(db);
  EXPECT_EQ(places(report.warnings),
            (std::vector<problem_place>{{schema_problem_kind::unindexed_foreign_key, "Track", "GenreId"}}));
  db.execute("CREATE INDEX \"IFK_TrackGenreId\" ON \"Track\" (\"GenreId\")");
}

TEST_F(chinook_schema, a_wrong_model_fails_with_every_problem_it_has) {
  try {
    ar::verify_schema<chinook::artist, chinook::wrong_track, chinook::wrong_playlist_track, chinook::review>(db);
    FAIL() << "wrong models passed";
  } catch (const ar::schema_mismatch_error& e) {
    EXPECT_EQ(places(e.problems()), (std::vector<problem_place>{
                                        {schema_problem_kind::wrong_type, "Track", "Name"},
                                        {schema_problem_kind::nullable_column, "Track", "Composer"},
                                        {schema_problem_kind::wrong_type, "Track", "Milliseconds"},
                                        {schema_problem_kind::missing_column, "Track", "Rating"},
                                        {schema_problem_kind::primary_key_mismatch, "PlaylistTrack", "PlaylistId"},
                                        {schema_problem_kind::missing_table, "Review", ""},
                                    }))
        << e.what();
    for (const ar::schema_problem& p : e.problems()) EXPECT_EQ(p.database, "chinook");
    EXPECT_NE(std::string(e.what()).find("NVARCHAR(200)"), std::string::npos) << e.what();
  }
}

TEST_F(chinook_schema, the_database_naming_is_what_is_checked) {
  ar::open_options options;
  options.naming.style = ar::name_style::pascal_case;
  const ar::database pascal = ar::open("sqlite3://db=" + path, "chinook_pascal", options);
  EXPECT_TRUE((ar::verify_schema<named::artist, named::album>(pascal).warnings.empty()));
  try {
    ar::verify_schema<named::invoice_line>(pascal);
    FAIL() << "a model with a column Chinook does not have passed";
  } catch (const ar::schema_mismatch_error& e) {
    EXPECT_EQ(places(e.problems()),
              (std::vector<problem_place>{{schema_problem_kind::missing_column, "InvoiceLine", "Discount"}}))
        << e.what();
  }
  // Without the naming, the same models name tables Chinook does not have.
  try {
    ar::verify_schema<named::artist>(db);
    FAIL() << "snake_case names passed on a PascalCase schema";
  } catch (const ar::schema_mismatch_error& e) {
    ASSERT_FALSE(e.problems().empty()) << e.what();
    // (SQLite compares names without regard to case: "artist" finds "Artist", but not its "ArtistId".)
    EXPECT_EQ(e.problems()[0].column, "artist_id") << e.what();
  }
}

}  // namespace
