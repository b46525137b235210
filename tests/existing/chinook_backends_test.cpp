// Chinook's hand-written models (docs/existing-databases.md) on every backend, one model set with no
// bend for any of them: SQLite's file (PascalCase, opened with pascal_case naming), the PostgreSQL
// dump in a schema of its own and the same dump converted for MariaDB (tests/support/chinook_mariadb.sed)
// in a database of its own (snake_case, the default naming). The dumps' keys are INT, so are the
// fields: std::int32_t, which SQLite's INTEGER holds too. Every answer is compared with the raw SQL
// of the same database, run on a connection of its own (ar_test::raw_connection).
//
// Prices are ar::numeric<10, 2>, as the dumps declare them (NUMERIC(10,2)): exact decimals, summed
// and multiplied exactly, and compared with the database's own exact text of its sums.

#include "../support/backends.hpp"
#include "../support/chinook.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace {

struct Album;
struct Track;
struct Invoice;
struct InvoiceLine;
struct Customer;
struct Playlist;
struct PlaylistTrack;

struct Artist {
  std::int32_t artist_id = 0;
  std::optional<std::string> name;
  AR_MODEL(Artist, "artist", AR_FIELDS(artist_id, name), AR_PRIMARY_KEY(artist_id), AR_KEY_SUPPLIED,
           AR_HAS_MANY(albums, Album, artist_id, AR_INVERSE(artist)));
};

struct Album {
  std::int32_t album_id = 0;
  std::string title;
  std::int32_t artist_id = 0;
  AR_MODEL(Album, "album", AR_FIELDS(album_id, title, artist_id), AR_PRIMARY_KEY(album_id), AR_KEY_SUPPLIED,
           AR_BELONGS_TO(artist, Artist, artist_id, AR_INVERSE(albums)),
           AR_HAS_MANY(tracks, Track, album_id, AR_INVERSE(album)));
};

struct Genre {
  std::int32_t genre_id = 0;
  std::optional<std::string> name;
  AR_MODEL(Genre, "genre", AR_FIELDS(genre_id, name), AR_PRIMARY_KEY(genre_id), AR_KEY_SUPPLIED,
           AR_HAS_MANY(tracks, Track, genre_id));
};

struct MediaType {
  std::int32_t media_type_id = 0;
  std::optional<std::string> name;
  AR_MODEL(MediaType, "media_type", AR_FIELDS(media_type_id, name), AR_PRIMARY_KEY(media_type_id), AR_KEY_SUPPLIED,
           AR_HAS_MANY(tracks, Track, media_type_id));
};

struct Track {
  std::int32_t track_id = 0;
  std::string name;
  std::optional<std::int32_t> album_id;
  std::int32_t media_type_id = 0;
  std::optional<std::int32_t> genre_id;
  std::optional<std::string> composer;
  std::int32_t milliseconds = 0;
  std::optional<std::int32_t> bytes;
  ar::numeric<10, 2> unit_price;
  AR_MODEL(Track, "track",
           AR_FIELDS(track_id, name, album_id, media_type_id, genre_id, composer, milliseconds, bytes, unit_price),
           AR_PRIMARY_KEY(track_id), AR_KEY_SUPPLIED, AR_BELONGS_TO(album, Album, album_id, AR_INVERSE(tracks)),
           AR_BELONGS_TO(genre, Genre, genre_id), AR_BELONGS_TO(media_type, MediaType, media_type_id),
           AR_HAS_MANY(invoice_lines, InvoiceLine, track_id, AR_INVERSE(track)),
           AR_HAS_MANY_THROUGH(playlists, Playlist, PlaylistTrack, track_id, playlist_id));
};

struct Employee {
  std::int32_t employee_id = 0;
  std::string last_name;
  std::string first_name;
  std::optional<std::string> title;
  std::optional<std::int32_t> reports_to;
  std::optional<ar::time_point> hire_date;
  AR_MODEL(Employee, "employee", AR_FIELDS(employee_id, last_name, first_name, title, reports_to, hire_date),
           AR_PRIMARY_KEY(employee_id), AR_KEY_SUPPLIED,
           AR_BELONGS_TO(manager, Employee, reports_to, AR_INVERSE(reports)),
           AR_HAS_MANY(reports, Employee, reports_to, AR_INVERSE(manager)),
           AR_HAS_MANY(customers, Customer, support_rep_id, AR_INVERSE(support_rep)));
};

struct Customer {
  std::int32_t customer_id = 0;
  std::string first_name;
  std::string last_name;
  std::optional<std::string> country;
  std::string email;
  std::optional<std::int32_t> support_rep_id;
  AR_MODEL(Customer, "customer", AR_FIELDS(customer_id, first_name, last_name, country, email, support_rep_id),
           AR_PRIMARY_KEY(customer_id), AR_KEY_SUPPLIED,
           AR_BELONGS_TO(support_rep, Employee, support_rep_id, AR_INVERSE(customers)),
           AR_HAS_MANY(invoices, Invoice, customer_id, AR_INVERSE(customer)));
};

struct Invoice {
  std::int32_t invoice_id = 0;
  std::int32_t customer_id = 0;
  ar::time_point invoice_date;
  std::optional<std::string> billing_country;
  ar::numeric<10, 2> total;
  AR_MODEL(Invoice, "invoice", AR_FIELDS(invoice_id, customer_id, invoice_date, billing_country, total),
           AR_PRIMARY_KEY(invoice_id), AR_KEY_SUPPLIED,
           AR_BELONGS_TO(customer, Customer, customer_id, AR_INVERSE(invoices)),
           AR_HAS_MANY(lines, InvoiceLine, invoice_id, AR_INVERSE(invoice)));
};

struct InvoiceLine {
  std::int32_t invoice_line_id = 0;
  std::int32_t invoice_id = 0;
  std::int32_t track_id = 0;
  ar::numeric<10, 2> unit_price;
  std::int32_t quantity = 0;
  AR_MODEL(InvoiceLine, "invoice_line", AR_FIELDS(invoice_line_id, invoice_id, track_id, unit_price, quantity),
           AR_PRIMARY_KEY(invoice_line_id), AR_KEY_SUPPLIED,
           AR_BELONGS_TO(invoice, Invoice, invoice_id, AR_INVERSE(lines)),
           AR_BELONGS_TO(track, Track, track_id, AR_INVERSE(invoice_lines)));
};

struct Playlist {
  std::int32_t playlist_id = 0;
  std::optional<std::string> name;
  AR_MODEL(Playlist, "playlist", AR_FIELDS(playlist_id, name), AR_PRIMARY_KEY(playlist_id), AR_KEY_SUPPLIED,
           AR_HAS_MANY(links, PlaylistTrack, playlist_id, AR_INVERSE(playlist)),
           AR_HAS_MANY_THROUGH(tracks, Track, PlaylistTrack, playlist_id, track_id));
};

// The join table: its key is both columns.
struct PlaylistTrack {
  std::int32_t playlist_id = 0;
  std::int32_t track_id = 0;
  AR_MODEL(PlaylistTrack, "playlist_track", AR_FIELDS(playlist_id, track_id), AR_PRIMARY_KEY(playlist_id, track_id),
           AR_BELONGS_TO(playlist, Playlist, playlist_id, AR_INVERSE(links)), AR_BELONGS_TO(track, Track, track_id));
};

class chinook_backends : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    chinook.emplace(GetParam());
    db = ar::open(chinook->url(), "default", chinook->options());
  }
  void TearDown() override {
    ar::close_all();
    chinook.reset();
  }

  // SQL written with Chinook's snake_case names in braces, as this database spells them.
  std::string sql(std::string_view text) const { return ar_test::chinook_sql(db, text); }
  std::int64_t raw_count(std::string_view text) { return chinook->raw().count(sql(text)); }
  std::vector<std::string> raw_column(std::string_view text) { return chinook->raw().column(sql(text)); }
  // SQL's exact text of a sum of prices (NUMERIC(10,2)): PostgreSQL and MariaDB add decimals and
  // spell them; SQLite keeps each price as a REAL and adds doubles, whose sum is within far less
  // than a cent of the exact total: printed to its 2 places, it is that total.
  std::string exact_text(std::string_view expression) const {
    if (GetParam() == "sqlite") return "printf('%.2f', " + std::string(expression) + ")";
    if (ar_test::engine_of(GetParam()) == "postgresql") return "CAST(" + std::string(expression) + " AS TEXT)";
    return "CAST(" + std::string(expression) + " AS CHAR)";
  }

  template <class T>
  static std::size_t count_of(const T& loaded) {
    if constexpr (requires { loaded.size(); })
      return loaded.size();
    else
      return loaded ? 1 : 0;
  }

  // One relation of M: eagerly with ar::with (the records, then one statement) and lazily on records
  // read without it (one statement for all of them), each time as many related rows as `text` counts.
  template <class M, class Count>
  void check(const char* relation, Count count, std::string_view text) {
    SCOPED_TRACE(relation);
    const std::int64_t expected = raw_count(text);
    ASSERT_GT(expected, 0);
    {
      ar::statement_counter counter;
      const auto rows = ar::from<M>(db) | ar::with(relation) | ar::to_vector;
      EXPECT_EQ(counter.count(), 2u);
      std::size_t n = 0;
      for (const M& r : rows) n += count(r);
      EXPECT_EQ(static_cast<std::int64_t>(n), expected);
      EXPECT_EQ(counter.count(), 2u);
    }
    {
      const auto rows = ar::from<M>(db) | ar::to_vector;
      ar::statement_counter counter;
      std::size_t n = 0;
      for (const M& r : rows) n += count(r);
      EXPECT_EQ(static_cast<std::int64_t>(n), expected);
      EXPECT_EQ(counter.count(), 1u);
    }
  }

  std::optional<ar_test::chinook_database> chinook;
  ar::database db;
};

#define CHINOOK_CHECK(Model, relation, text) \
  check<Model>(#relation, [](const Model& m) { return count_of(m.relation()); }, text)

// The report issue 18 names: invoices and their total by country, one statement, as SQL says.
TEST_P(chinook_backends, sales_by_country_are_one_grouped_statement_equal_to_sql) {
  ar::statement_counter counter;
  const auto rows = ar::from<Invoice>(db) | ar::group_by(Invoice::c.billing_country) |
                    ar::order_by(Invoice::c.billing_country) |
                    ar::select(Invoice::c.billing_country, ar::count_all(), Invoice::c.total.sum()) | ar::to_vector;
  EXPECT_EQ(counter.count(), 1u);
  const auto countries =
      raw_column("SELECT {billing_country} FROM {invoice} GROUP BY {billing_country} ORDER BY {billing_country}");
  const auto counts =
      raw_column("SELECT COUNT(*) FROM {invoice} GROUP BY {billing_country} ORDER BY {billing_country}");
  const auto totals = raw_column("SELECT " + exact_text("SUM({total})") +
                                 " FROM {invoice} GROUP BY {billing_country} ORDER BY {billing_country}");
  ASSERT_EQ(rows.size(), countries.size());
  ASSERT_GT(rows.size(), 20u);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& [country, count, total] = rows[i];
    EXPECT_EQ(country.value_or("NULL"), countries[i]);
    EXPECT_EQ(count, std::stoll(counts[i]));
    EXPECT_EQ(total, ar::decimal(totals[i])) << countries[i] << ": " << total.to_string() << " and " << totals[i];
  }
  // having: the countries with more than 20 invoices, largest total first.
  const auto big = ar::from<Invoice>(db) | ar::group_by(Invoice::c.billing_country) | ar::having(ar::count_all() > 20) |
                   ar::order_by(Invoice::c.total.sum().desc()) | ar::select(Invoice::c.billing_country) | ar::to_vector;
  const auto big_sql = raw_column(
      "SELECT {billing_country} FROM {invoice} GROUP BY {billing_country} HAVING COUNT(*) > 20 "
      "ORDER BY SUM({total}) DESC");
  ASSERT_EQ(big.size(), big_sql.size());
  for (std::size_t i = 0; i < big.size(); ++i) EXPECT_EQ(std::get<0>(big[i]).value_or("NULL"), big_sql[i]);
  // The number of groups.
  EXPECT_EQ(ar::from<Invoice>(db) | ar::group_by(Invoice::c.billing_country) | ar::count,
            static_cast<std::int64_t>(countries.size()));
}

// The other reports of issue 18 that one table answers: the top tracks by revenue (the exact sum
// of price times quantity over their invoice lines) and the artists with more than 10 albums, each
// one grouped statement.
TEST_P(chinook_backends, top_tracks_by_revenue_and_prolific_artists_are_one_statement_each) {
  const auto revenue = (InvoiceLine::c.unit_price * InvoiceLine::c.quantity).sum();
  ar::statement_counter counter;
  const auto top = ar::from<InvoiceLine>(db) | ar::group_by(InvoiceLine::c.track_id) |
                   ar::order_by(revenue.desc(), InvoiceLine::c.track_id) | ar::take(10) |
                   ar::select(InvoiceLine::c.track_id, revenue) | ar::to_vector;
  static_assert(std::is_same_v<std::tuple_element_t<1, std::remove_cvref_t<decltype(top[0])>>, ar::decimal>);
  const auto prolific = ar::from<Album>(db) | ar::group_by(Album::c.artist_id) | ar::having(ar::count_all() > 10) |
                        ar::order_by(Album::c.artist_id) | ar::select(Album::c.artist_id, ar::count_all()) |
                        ar::to_vector;
  EXPECT_EQ(counter.count(), 2u);
  const auto top_ids = raw_column(
      "SELECT {track_id} FROM {invoice_line} GROUP BY {track_id} ORDER BY SUM({unit_price} * {quantity}) DESC, "
      "{track_id} LIMIT 10");
  const auto top_sums = raw_column("SELECT " + exact_text("SUM({unit_price} * {quantity})") +
                                   " FROM {invoice_line} GROUP BY {track_id} "
                                   "ORDER BY SUM({unit_price} * {quantity}) DESC, {track_id} LIMIT 10");
  ASSERT_EQ(top.size(), 10u);
  ASSERT_EQ(top_ids.size(), 10u);
  for (std::size_t i = 0; i < top.size(); ++i) {
    const auto& [track, sum] = top[i];
    EXPECT_EQ(std::to_string(track), top_ids[i]);
    EXPECT_EQ(sum, ar::decimal(top_sums[i])) << sum.to_string() << " and " << top_sums[i];
  }
  const auto prolific_ids =
      raw_column("SELECT {artist_id} FROM {album} GROUP BY {artist_id} HAVING COUNT(*) > 10 ORDER BY {artist_id}");
  ASSERT_EQ(prolific.size(), prolific_ids.size());
  ASSERT_FALSE(prolific.empty());
  for (std::size_t i = 0; i < prolific.size(); ++i) {
    EXPECT_EQ(std::to_string(std::get<0>(prolific[i])), prolific_ids[i]);
    EXPECT_GT(std::get<1>(prolific[i]), 10);
  }
}

// The reports of issue 18 that need a join, each one statement through joins<...>, equal to SQL: the
// top tracks by revenue with their names (through invoice lines), the artists with more than 10
// albums by name, and the customers of each support rep with their invoices' total.
TEST_P(chinook_backends, reports_through_joins_are_one_statement_each_equal_to_sql) {
  const auto revenue = (InvoiceLine::c.unit_price * InvoiceLine::c.quantity).sum();
  ar::statement_counter counter;
  const auto top = ar::from<Track>(db) | ar::joins<"invoice_lines"> | ar::group_by(Track::c.track_id, Track::c.name) |
                   ar::order_by(revenue.desc(), Track::c.track_id) | ar::take(10) | ar::select(Track::c.name, revenue) |
                   ar::to_vector;
  const auto prolific = ar::from<Artist>(db) | ar::joins<"albums"> | ar::group_by(Artist::c.artist_id, Artist::c.name) |
                        ar::having(ar::count_all() > 10) | ar::order_by(Artist::c.artist_id) |
                        ar::select(Artist::c.name, ar::count_all()) | ar::to_vector;
  const auto by_rep = ar::from<Employee>(db) | ar::joins<"customers.invoices"> |
                      ar::group_by(Employee::c.employee_id, Employee::c.last_name) |
                      ar::order_by(Employee::c.employee_id) |
                      ar::select(Employee::c.last_name, Customer::c.customer_id.count_distinct(), ar::count_all(),
                                 Invoice::c.total.sum()) |
                      ar::to_vector;
  EXPECT_EQ(counter.count(), 3u);

  const auto top_names = raw_column(
      "SELECT t.{name} FROM {track} t JOIN {invoice_line} l ON l.{track_id} = t.{track_id} GROUP BY t.{track_id}, "
      "t.{name} ORDER BY SUM(l.{unit_price} * l.{quantity}) DESC, t.{track_id} LIMIT 10");
  const auto top_sums = raw_column(
      "SELECT " + exact_text("SUM(l.{unit_price} * l.{quantity})") +
      " FROM {track} t JOIN {invoice_line} l ON l.{track_id} = t.{track_id} "
      "GROUP BY t.{track_id}, t.{name} ORDER BY SUM(l.{unit_price} * l.{quantity}) DESC, t.{track_id} LIMIT 10");
  ASSERT_EQ(top.size(), 10u);
  ASSERT_EQ(top_names.size(), 10u);
  for (std::size_t i = 0; i < top.size(); ++i) {
    EXPECT_EQ(std::get<0>(top[i]), top_names[i]);
    EXPECT_EQ(std::get<1>(top[i]), ar::decimal(top_sums[i]))
        << std::get<1>(top[i]).to_string() << " and " << top_sums[i];
  }

  const auto prolific_names = raw_column(
      "SELECT a.{name} FROM {artist} a JOIN {album} b ON b.{artist_id} = a.{artist_id} GROUP BY a.{artist_id}, "
      "a.{name} HAVING COUNT(*) > 10 ORDER BY a.{artist_id}");
  const auto prolific_counts = raw_column(
      "SELECT COUNT(*) FROM {artist} a JOIN {album} b ON b.{artist_id} = a.{artist_id} GROUP BY a.{artist_id}, "
      "a.{name} HAVING COUNT(*) > 10 ORDER BY a.{artist_id}");
  ASSERT_FALSE(prolific.empty());
  ASSERT_EQ(prolific.size(), prolific_names.size());
  for (std::size_t i = 0; i < prolific.size(); ++i) {
    EXPECT_EQ(std::get<0>(prolific[i]).value_or("NULL"), prolific_names[i]);
    EXPECT_EQ(std::to_string(std::get<1>(prolific[i])), prolific_counts[i]);
  }

  const std::string rep_join =
      " FROM {employee} e JOIN {customer} c ON c.{support_rep_id} = e.{employee_id} JOIN {invoice} i ON "
      "i.{customer_id} = c.{customer_id} GROUP BY e.{employee_id}, e.{last_name} ORDER BY e.{employee_id}";
  const auto rep_names = raw_column("SELECT e.{last_name}" + rep_join);
  const auto rep_customers = raw_column("SELECT COUNT(DISTINCT c.{customer_id})" + rep_join);
  const auto rep_invoices = raw_column("SELECT COUNT(*)" + rep_join);
  const auto rep_totals = raw_column("SELECT " + exact_text("SUM(i.{total})") + rep_join);
  ASSERT_EQ(by_rep.size(), 3u);  // Chinook's three sales support agents
  ASSERT_EQ(by_rep.size(), rep_names.size());
  for (std::size_t i = 0; i < by_rep.size(); ++i) {
    const auto& [name, customers, invoices, total] = by_rep[i];
    EXPECT_EQ(name, rep_names[i]);
    EXPECT_EQ(std::to_string(customers), rep_customers[i]);
    EXPECT_EQ(std::to_string(invoices), rep_invoices[i]);
    EXPECT_EQ(total, ar::decimal(rep_totals[i])) << name << ": " << total.to_string() << " and " << rep_totals[i];
  }
}

// The reports that read a table twice (issue 18): each employee with their manager's last name (a
// self-join: the employee table under the alias "manager"), and each customer with their support
// rep's name and that rep's manager's, and the customers per rep by name; one statement each, equal
// to the same SQL written by hand.
TEST_P(chinook_backends, reports_through_self_joins_are_one_statement_each_equal_to_sql) {
  using ar::joined;
  ar::statement_counter counter;
  const auto staff = ar::from<Employee>(db) | ar::left_joins<"manager"> | ar::order_by(Employee::c.employee_id) |
                     ar::select(Employee::c.last_name, joined<"manager">(Employee::c.last_name)) | ar::to_vector;
  const auto customers =
      ar::from<Customer>(db) | ar::left_joins<"support_rep.manager"> | ar::order_by(Customer::c.customer_id) |
      ar::select(Customer::c.last_name, joined<"support_rep">(Employee::c.first_name),
                 joined<"support_rep">(Employee::c.last_name), joined<"support_rep.manager">(Employee::c.last_name)) |
      ar::to_vector;
  const auto rep = joined<"support_rep">(Employee::c.last_name);
  const auto per_rep = ar::from<Customer>(db) | ar::joins<"support_rep"> | ar::group_by(rep) | ar::order_by(rep) |
                       ar::select(rep, ar::count_all()) | ar::to_vector;
  EXPECT_EQ(counter.count(), 3u);

  const std::string staff_join =
      " FROM {employee} e LEFT JOIN {employee} m ON m.{employee_id} = e.{reports_to} ORDER BY e.{employee_id}";
  const auto staff_names = raw_column("SELECT e.{last_name}" + staff_join);
  const auto manager_names = raw_column("SELECT m.{last_name}" + staff_join);
  ASSERT_EQ(staff.size(), 8u);  // Chinook's eight employees, one of whom (the general manager) has no manager
  ASSERT_EQ(staff.size(), staff_names.size());
  std::size_t without_manager = 0;
  for (std::size_t i = 0; i < staff.size(); ++i) {
    EXPECT_EQ(std::get<0>(staff[i]), staff_names[i]);
    EXPECT_EQ(std::get<1>(staff[i]).value_or("NULL"), manager_names[i]);
    without_manager += std::get<1>(staff[i]) ? 0 : 1;
  }
  EXPECT_EQ(without_manager, 1u);

  const std::string customer_join =
      " FROM {customer} c LEFT JOIN {employee} r ON r.{employee_id} = c.{support_rep_id} LEFT JOIN {employee} m ON "
      "m.{employee_id} = r.{reports_to} ORDER BY c.{customer_id}";
  const auto customer_names = raw_column("SELECT c.{last_name}" + customer_join);
  const auto rep_first = raw_column("SELECT r.{first_name}" + customer_join);
  const auto rep_last = raw_column("SELECT r.{last_name}" + customer_join);
  const auto rep_manager = raw_column("SELECT m.{last_name}" + customer_join);
  ASSERT_EQ(customers.size(), 59u);
  ASSERT_EQ(customers.size(), customer_names.size());
  for (std::size_t i = 0; i < customers.size(); ++i) {
    const auto& [name, first, last, manager] = customers[i];
    EXPECT_EQ(name, customer_names[i]);
    EXPECT_EQ(first.value_or("NULL"), rep_first[i]);
    EXPECT_EQ(last.value_or("NULL"), rep_last[i]);
    EXPECT_EQ(manager.value_or("NULL"), rep_manager[i]);
  }

  const std::string per_rep_join =
      " FROM {customer} c JOIN {employee} r ON r.{employee_id} = c.{support_rep_id} "
      "GROUP BY r.{last_name} ORDER BY r.{last_name}";
  const auto per_rep_names = raw_column("SELECT r.{last_name}" + per_rep_join);
  const auto per_rep_counts = raw_column("SELECT COUNT(*)" + per_rep_join);
  ASSERT_EQ(per_rep.size(), 3u);  // the three sales support agents
  ASSERT_EQ(per_rep.size(), per_rep_names.size());
  for (std::size_t i = 0; i < per_rep.size(); ++i) {
    EXPECT_EQ(std::get<0>(per_rep[i]), per_rep_names[i]);
    EXPECT_EQ(std::to_string(std::get<1>(per_rep[i])), per_rep_counts[i]);
  }
}

// Each invoice's total is its lines' prices times their quantities, to the cent: the invoices and
// their lines in two statements, added in C++ exactly (as doubles, 2328.6 of totals came to
// 2328.59999999996), and the whole against SQL's own exact sum.
TEST_P(chinook_backends, invoice_totals_are_exactly_the_sum_of_their_lines) {
  ar::statement_counter counter;
  const auto invoices = ar::from<Invoice>(db) | ar::order_by(Invoice::c.invoice_id) | ar::with("lines") | ar::to_vector;
  EXPECT_EQ(counter.count(), 2u);
  ASSERT_GT(invoices.size(), 400u);
  ar::decimal all_totals, all_lines;
  std::size_t lines = 0;
  for (const Invoice& invoice : invoices) {
    ar::decimal from_lines("0.00");
    for (const InvoiceLine& line : invoice.lines()) {
      EXPECT_EQ(line.unit_price.scale(), 2);
      from_lines += line.unit_price * ar::decimal(line.quantity);
      ++lines;
    }
    EXPECT_EQ(invoice.total, from_lines) << invoice.invoice_id;
    EXPECT_EQ(invoice.total.to_string(), from_lines.to_string()) << invoice.invoice_id;
    all_totals += invoice.total;
    all_lines += from_lines;
  }
  EXPECT_EQ(counter.count(), 2u);
  EXPECT_EQ(static_cast<std::int64_t>(lines), raw_count("SELECT COUNT(*) FROM {invoice_line}"));
  EXPECT_EQ(all_totals, all_lines);
  EXPECT_EQ(all_totals, ar::decimal(raw_column("SELECT " + exact_text("SUM({total})") + " FROM {invoice}").at(0)));
  EXPECT_EQ(
      all_lines,
      ar::decimal(raw_column("SELECT " + exact_text("SUM({unit_price} * {quantity})") + " FROM {invoice_line}").at(0)));
  // The database's own sum of the column, exact on every backend (SQLite's in whole cents).
  const ar::decimal summed = ar::from<Invoice>(db) | ar::sum(Invoice::c.total);
  EXPECT_EQ(summed, all_totals) << summed.to_string() << " and " << all_totals.to_string();
  // A filter by an exact price finds what SQL finds.
  EXPECT_EQ(ar::from<Track>(db) | ar::filter(Track::c.unit_price == ar::decimal("1.99")) | ar::count,
            raw_count("SELECT COUNT(*) FROM {track} WHERE {unit_price} = 1.99"));
}

TEST_P(chinook_backends, the_models_match_the_schema) {
  const ar::schema_report report = ar::verify_schema<Artist, Album, Genre, MediaType, Track, Employee, Customer,
                                                     Invoice, InvoiceLine, Playlist, PlaylistTrack>(db);
  EXPECT_TRUE(report.warnings.empty());
}

TEST_P(chinook_backends, a_link_is_found_by_its_whole_key_and_destroyed_alone) {
  const std::int64_t before = raw_count("SELECT COUNT(*) FROM {playlist_track}");
  const std::int64_t in_playlist_1 = raw_count("SELECT COUNT(*) FROM {playlist_track} WHERE {playlist_id} = 1");
  ASSERT_GT(in_playlist_1, 3000);
  const std::int32_t track =
      static_cast<std::int32_t>(raw_count("SELECT MIN({track_id}) FROM {playlist_track} WHERE {playlist_id} = 1"));
  ar::statement_counter counter;
  const std::optional<PlaylistTrack> link = ar::find<PlaylistTrack>(db, {1, track});
  ASSERT_TRUE(link);
  EXPECT_EQ(link->playlist_id, 1);
  EXPECT_EQ(link->track_id, track);
  EXPECT_TRUE(ar::destroy(db, *link));
  EXPECT_EQ(counter.count(), 2u);
  EXPECT_EQ(raw_count("SELECT COUNT(*) FROM {playlist_track}"), before - 1);
  EXPECT_EQ(raw_count("SELECT COUNT(*) FROM {playlist_track} WHERE {playlist_id} = 1"), in_playlist_1 - 1);
  EXPECT_FALSE(ar::find<PlaylistTrack>(db, {1, track}).has_value());
  // The same track stays in its other playlists.
  EXPECT_EQ(ar::from<PlaylistTrack>(db) | ar::filter(PlaylistTrack::c.track_id == track) | ar::count,
            raw_count("SELECT COUNT(*) FROM {playlist_track} WHERE {track_id} = " + std::to_string(track)));
}

TEST_P(chinook_backends, the_employee_tree_is_what_sql_finds) {
  const std::optional<Employee> boss =
      ar::from<Employee>(db) | ar::filter(Employee::c.reports_to.is_null()) | ar::first;
  ASSERT_TRUE(boss);
  EXPECT_EQ(std::to_string(boss->employee_id),
            raw_column("SELECT {employee_id} FROM {employee} WHERE {reports_to} IS NULL").at(0));
  ar::statement_counter counter;
  const std::vector<Employee> below = ar::descendants(*boss, "manager");
  EXPECT_EQ(counter.count(), 1u);
  EXPECT_EQ(static_cast<std::int64_t>(below.size()) + 1, raw_count("SELECT COUNT(*) FROM {employee}"));
  // Each one's manager and reports, in one statement each for all of them.
  const auto staff = ar::from<Employee>(db) | ar::order_by(Employee::c.employee_id) | ar::to_vector;
  counter.reset();
  std::vector<std::string> managers, reports;
  for (const Employee& e : staff) {
    managers.push_back(e.manager() ? std::to_string(e.manager()->employee_id) : "NULL");
    reports.push_back(std::to_string(e.reports().size()));
  }
  EXPECT_EQ(counter.count(), 2u);
  EXPECT_EQ(managers, raw_column("SELECT {reports_to} FROM {employee} ORDER BY {employee_id}"));
  EXPECT_EQ(reports, raw_column("SELECT COUNT(r.{employee_id}) FROM {employee} e LEFT JOIN {employee} r ON "
                                "r.{reports_to} = e.{employee_id} GROUP BY e.{employee_id} ORDER BY e.{employee_id}"));
  // And up again: the ancestors of the last one end at the boss.
  const std::vector<Employee> up = ar::ancestors(staff.back(), "manager");
  ASSERT_FALSE(up.empty());
  EXPECT_EQ(up.back().employee_id, boss->employee_id);
}

TEST_P(chinook_backends, date_filters_find_what_sql_finds) {
  using namespace std::chrono;
  const auto ids = [&](ar::time_point from, ar::time_point to) {
    std::vector<std::string> out;
    for (const Invoice& i : ar::from<Invoice>(db) |
                                ar::filter(Invoice::c.invoice_date >= from && Invoice::c.invoice_date < to) |
                                ar::order_by(Invoice::c.invoice_id) | ar::to_vector)
      out.push_back(std::to_string(i.invoice_id));
    return out;
  };
  const auto raw_ids = [&](const std::string& from, const std::string& to) {
    return raw_column("SELECT {invoice_id} FROM {invoice} WHERE {invoice_date} >= '" + from +
                      "' AND {invoice_date} < '" + to + "' ORDER BY {invoice_id}");
  };
  const ar::time_point new_year = sys_days{2021y / January / 1};
  const auto first_day = ids(new_year, new_year + days{1});
  EXPECT_FALSE(first_day.empty());
  EXPECT_EQ(first_day, raw_ids("2021-01-01 00:00:00", "2021-01-02 00:00:00"));
  const auto year = ids(sys_days{2022y / January / 1}, sys_days{2023y / January / 1});
  EXPECT_GT(year.size(), 50u);
  EXPECT_EQ(year, raw_ids("2022-01-01 00:00:00", "2023-01-01 00:00:00"));
  EXPECT_EQ(ar::from<Invoice>(db) | ar::filter(Invoice::c.invoice_date == new_year) | ar::count,
            raw_count("SELECT COUNT(*) FROM {invoice} WHERE {invoice_date} = '2021-01-01 00:00:00'"));
  // A date read back is the one stored: the first invoice's, as SQL orders them.
  const std::optional<Invoice> first =
      ar::from<Invoice>(db) | ar::order_by(Invoice::c.invoice_date, Invoice::c.invoice_id) | ar::first;
  ASSERT_TRUE(first);
  EXPECT_EQ(std::to_string(first->invoice_id),
            raw_column("SELECT {invoice_id} FROM {invoice} ORDER BY {invoice_date}, {invoice_id}").at(0));
}

TEST_P(chinook_backends, records_with_supplied_keys_are_written_as_sql_reads_them) {
  using namespace std::chrono;
  const std::int64_t artists = raw_count("SELECT COUNT(*) FROM {artist}");
  const std::int32_t next = static_cast<std::int32_t>(raw_count("SELECT MAX({artist_id}) FROM {artist}") + 1);
  Artist artist{next, "Chinook Trio"};
  ar::statement_counter counter;
  ar::insert(db, artist);
  EXPECT_EQ(counter.count(), 1u);
  EXPECT_EQ(artist.artist_id, next);  // the key given, nothing read back
  const std::string where = " WHERE {artist_id} = " + std::to_string(next);
  EXPECT_EQ(raw_column("SELECT {name} FROM {artist}" + where), std::vector<std::string>{"Chinook Trio"});
  // save of a record whose key is stored updates it, in one statement (an upsert).
  artist.name = "Chinook Quartet";
  counter.reset();
  ar::save(db, artist);
  EXPECT_EQ(counter.count(), 1u);
  EXPECT_EQ(raw_column("SELECT {name} FROM {artist}" + where), std::vector<std::string>{"Chinook Quartet"});
  EXPECT_EQ(raw_count("SELECT COUNT(*) FROM {artist}"), artists + 1);
  // A time written is the one SQL compares with: the column's own form on each database.
  Invoice invoice = ar::find_or_throw<Invoice>(db, 1);
  invoice.invoice_date = sys_days{2030y / May / 6} + hours{7} + minutes{8} + seconds{9};
  ar::update(db, invoice);
  EXPECT_EQ(raw_column("SELECT {invoice_id} FROM {invoice} WHERE {invoice_date} = '2030-05-06 07:08:09'"),
            std::vector<std::string>{"1"});
}

TEST_P(chinook_backends, every_relation_loads_eagerly_and_lazily_as_sql_counts) {
  CHINOOK_CHECK(Album, artist, "SELECT COUNT(*) FROM {album} x JOIN {artist} y ON x.{artist_id} = y.{artist_id}");
  CHINOOK_CHECK(Artist, albums, "SELECT COUNT(*) FROM {album} x JOIN {artist} y ON x.{artist_id} = y.{artist_id}");
  CHINOOK_CHECK(Album, tracks, "SELECT COUNT(*) FROM {track} x JOIN {album} y ON x.{album_id} = y.{album_id}");
  CHINOOK_CHECK(Track, album, "SELECT COUNT(*) FROM {track} x JOIN {album} y ON x.{album_id} = y.{album_id}");
  CHINOOK_CHECK(Genre, tracks, "SELECT COUNT(*) FROM {track} x JOIN {genre} y ON x.{genre_id} = y.{genre_id}");
  CHINOOK_CHECK(Track, genre, "SELECT COUNT(*) FROM {track} x JOIN {genre} y ON x.{genre_id} = y.{genre_id}");
  CHINOOK_CHECK(MediaType, tracks,
                "SELECT COUNT(*) FROM {track} x JOIN {media_type} y ON x.{media_type_id} = y.{media_type_id}");
  CHINOOK_CHECK(Track, media_type,
                "SELECT COUNT(*) FROM {track} x JOIN {media_type} y ON x.{media_type_id} = y.{media_type_id}");
  CHINOOK_CHECK(Track, invoice_lines,
                "SELECT COUNT(*) FROM {invoice_line} x JOIN {track} y ON x.{track_id} = y.{track_id}");
  CHINOOK_CHECK(InvoiceLine, track,
                "SELECT COUNT(*) FROM {invoice_line} x JOIN {track} y ON x.{track_id} = y.{track_id}");
  CHINOOK_CHECK(Employee, manager,
                "SELECT COUNT(*) FROM {employee} x JOIN {employee} y ON x.{reports_to} = y.{employee_id}");
  CHINOOK_CHECK(Employee, reports,
                "SELECT COUNT(*) FROM {employee} x JOIN {employee} y ON x.{reports_to} = y.{employee_id}");
  CHINOOK_CHECK(Employee, customers,
                "SELECT COUNT(*) FROM {customer} x JOIN {employee} y ON x.{support_rep_id} = y.{employee_id}");
  CHINOOK_CHECK(Customer, support_rep,
                "SELECT COUNT(*) FROM {customer} x JOIN {employee} y ON x.{support_rep_id} = y.{employee_id}");
  CHINOOK_CHECK(Customer, invoices,
                "SELECT COUNT(*) FROM {invoice} x JOIN {customer} y ON x.{customer_id} = y.{customer_id}");
  CHINOOK_CHECK(Invoice, customer,
                "SELECT COUNT(*) FROM {invoice} x JOIN {customer} y ON x.{customer_id} = y.{customer_id}");
  CHINOOK_CHECK(Invoice, lines,
                "SELECT COUNT(*) FROM {invoice_line} x JOIN {invoice} y ON x.{invoice_id} = y.{invoice_id}");
  CHINOOK_CHECK(InvoiceLine, invoice,
                "SELECT COUNT(*) FROM {invoice_line} x JOIN {invoice} y ON x.{invoice_id} = y.{invoice_id}");
  CHINOOK_CHECK(Playlist, links,
                "SELECT COUNT(*) FROM {playlist_track} x JOIN {playlist} y ON x.{playlist_id} = y.{playlist_id}");
  CHINOOK_CHECK(PlaylistTrack, playlist,
                "SELECT COUNT(*) FROM {playlist_track} x JOIN {playlist} y ON x.{playlist_id} = y.{playlist_id}");
  CHINOOK_CHECK(PlaylistTrack, track,
                "SELECT COUNT(*) FROM {playlist_track} x JOIN {track} y ON x.{track_id} = y.{track_id}");
  CHINOOK_CHECK(Playlist, tracks,
                "SELECT COUNT(*) FROM {playlist_track} x JOIN {playlist} p ON x.{playlist_id} = p.{playlist_id} "
                "JOIN {track} t ON x.{track_id} = t.{track_id}");
  CHINOOK_CHECK(Track, playlists,
                "SELECT COUNT(*) FROM {playlist_track} x JOIN {playlist} p ON x.{playlist_id} = p.{playlist_id} "
                "JOIN {track} t ON x.{track_id} = t.{track_id}");
}

AR_INSTANTIATE_BACKEND_SUITE(chinook_backends);

}  // namespace
