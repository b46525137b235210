// Relations over a foreign key of several fields (AR_KEYS), Rails 7.1's query_constraints: a
// belongs_to, has_many and has_one between shops' orders, keyed (shop_code, order_no), and their
// lines, keyed (shop_code, order_no, line_no). Lazy, batched and eager loading are held to the same
// statement counts as a relation over one column; the rows loaded are checked against what the
// tables hold. On every backend.

#include "../support/backends.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace {

struct cfk_order;
struct cfk_line;
struct cfk_receipt;

struct cfk_shop {
  std::string code;
  std::string city;
  AR_MODEL(cfk_shop, "cfk_shops", AR_FIELDS(code, city), AR_PRIMARY_KEY(code),
           AR_HAS_MANY(orders, cfk_order, shop_code));
};

struct cfk_order {
  std::string shop_code;
  std::int32_t order_no = 0;
  std::string customer;
  AR_MODEL(cfk_order, "cfk_orders", AR_FIELDS(shop_code, order_no, customer), AR_PRIMARY_KEY(shop_code, order_no),
           AR_BELONGS_TO(shop, cfk_shop, shop_code),
           AR_HAS_MANY(lines, cfk_line, AR_KEYS(shop_code, order_no), AR_INVERSE(order), AR_DEPENDENT(destroy)),
           AR_HAS_ONE(receipt, cfk_receipt, AR_KEYS(shop_code, order_no), AR_DEPENDENT(restrict)));
};

// The line's order_no is an int64 where the order's is an int32: the key types need only agree.
struct cfk_line {
  std::string shop_code;
  std::int64_t order_no = 0;
  std::int32_t line_no = 0;
  std::string item;
  AR_MODEL(cfk_line, "cfk_lines", AR_FIELDS(shop_code, order_no, line_no, item),
           AR_PRIMARY_KEY(shop_code, order_no, line_no),
           AR_BELONGS_TO(order, cfk_order, AR_KEYS(shop_code, order_no), AR_INVERSE(lines)));
};

// A foreign key that may be null: any null part points nowhere.
struct cfk_receipt {
  std::int64_t id = 0;
  std::optional<std::string> shop_code;
  std::optional<std::int32_t> order_no;
  std::string text;
  AR_MODEL(cfk_receipt, "cfk_receipts", AR_FIELDS(id, shop_code, order_no, text),
           AR_BELONGS_TO(order, cfk_order, AR_KEYS(shop_code, order_no)));
};

// has_many_through whose join model's own key is composite (Chinook's PlaylistTrack).
struct cfk_track;
struct cfk_playlist_track;
struct cfk_playlist {
  std::int64_t id = 0;
  std::string name;
  AR_MODEL(cfk_playlist, "cfk_playlists", AR_FIELDS(id, name),
           AR_HAS_MANY_THROUGH(tracks, cfk_track, cfk_playlist_track, playlist_id, track_id));
};
struct cfk_track {
  std::int64_t id = 0;
  std::string title;
  AR_MODEL(cfk_track, "cfk_tracks", AR_FIELDS(id, title));
};
struct cfk_playlist_track {
  std::int64_t playlist_id = 0;
  std::int64_t track_id = 0;
  AR_MODEL(cfk_playlist_track, "cfk_playlist_tracks", AR_FIELDS(playlist_id, track_id),
           AR_PRIMARY_KEY(playlist_id, track_id));
};

class composite_fk : public ar_test::backend_test {
 protected:
  void SetUp() override {
    backend_test::SetUp();
    ar::create_tables<cfk_shop, cfk_order, cfk_line, cfk_receipt>(db);
    // Two shops whose order numbers overlap: only both parts of the key tell the orders apart.
    for (std::string code : {"north", "south"}) {
      cfk_shop s{code, code + "-city"};
      ar::insert(db, s);
      for (std::int32_t no = 1; no <= 3; ++no) {
        cfk_order o{code, no, code + "-customer" + std::to_string(no)};
        ar::insert(db, o);
        for (std::int32_t line = 1; line <= no; ++line) {  // order n has n lines
          cfk_line l{code, no, line, code + "/" + std::to_string(no) + "/" + std::to_string(line)};
          ar::insert(db, l);
        }
      }
    }
    cfk_receipt r{0, std::string("south"), 2, "paid south 2"};
    ar::insert(db, r);
    cfk_receipt none{0, std::string("south"), std::nullopt, "no order"};
    ar::insert(db, none);
  }
  void TearDown() override {
    ar::set_strict_loading(false);
    backend_test::TearDown();
  }

  auto orders() { return ar::from<cfk_order>(db) | ar::order_by(cfk_order::c.shop_code, cfk_order::c.order_no); }
  auto lines() {
    return ar::from<cfk_line>(db) | ar::order_by(cfk_line::c.shop_code, cfk_line::c.order_no, cfk_line::c.line_no);
  }
  // The right side of "(shop_code, order_no) IN ..." over cfk_orders, as the backend spells a list
  // of n row values: a list of rows (MariaDB), a VALUES subquery (SQLite), one whose first row is
  // cast to the columns' types (PostgreSQL).
  std::string row_in(std::size_t n) const {
    const bool pg = ar_test::engine_of(GetParam()) == "postgresql";
    std::string list = GetParam() == "mariadb" ? "(" : "(VALUES ";
    for (std::size_t i = 0; i < n; ++i)
      list += i ? ", (?, ?)" : pg ? "(CAST(? AS TEXT), CAST(? AS INTEGER))" : "(?, ?)";
    return list + ")";
  }
};

TEST_P(composite_fk, verify_schema_finds_the_foreign_key_indexed_by_the_key_it_leads) {
  // cfk_lines' (shop_code, order_no) leads its primary key: an index serves it, no warning.
  const ar::schema_report report = ar::verify_schema<cfk_order, cfk_line>(db);
  EXPECT_TRUE(report.warnings.empty());
  // cfk_receipts made by hand, as a table made before create_table indexed every foreign key is:
  // its (shop_code, order_no) leads no index, and verify_schema names the first column.
  ar::drop_table<cfk_receipt>(db);
  const ar::dialect& d = db.dialect();
  std::string create = "CREATE TABLE ";
  d.quote_identifier(create, "cfk_receipts");
  create += " (";
  d.quote_identifier(create, "id");
  create += " " + std::string(d.generated_key_definition(ar::value_type::int64)) + ", ";
  d.quote_identifier(create, "shop_code");
  create += " " + std::string(d.column_type(ar::value_type::text)) + ", ";
  d.quote_identifier(create, "order_no");
  create += " " + std::string(d.column_type(ar::value_type::int32)) + ", ";
  d.quote_identifier(create, "text");
  create += " " + std::string(d.column_type(ar::value_type::text)) + " NOT NULL)" + std::string(d.table_options());
  db.execute(create);
  const ar::schema_report receipts = ar::verify_schema<cfk_receipt>(db);
  ASSERT_EQ(receipts.warnings.size(), 1u);
  EXPECT_EQ(receipts.warnings[0].kind, ar::schema_problem_kind::unindexed_foreign_key);
  EXPECT_EQ(receipts.warnings[0].column, "shop_code");
}

TEST_P(composite_fk, a_lazy_belongs_to_is_one_statement_matching_both_parts) {
  const cfk_line line = ar::find_or_throw<cfk_line>(db, {std::string("south"), std::int64_t{3}, 2});
  ar::statement_counter counter;
  std::shared_ptr<const cfk_order> order = line.order();
  ASSERT_TRUE(order);
  EXPECT_EQ(order->shop_code, "south");
  EXPECT_EQ(order->order_no, 3);
  EXPECT_EQ(order->customer, "south-customer3");
  EXPECT_EQ(counter.count(), 1u);
  EXPECT_EQ(counter.statements()[0],
            ar_test::sql_for(db,
                             "SELECT {shop_code}, {order_no}, {customer} FROM {cfk_orders} WHERE ({shop_code}, "
                             "{order_no}) IN " +
                                 row_in(1)));
  (void)line.order();
  EXPECT_EQ(counter.count(), 1u);  // cached
}

// Every part of a composite foreign key assigned by hand is followed by a loaded belongs_to, as
// a single-column one is: the loaded parent is read again once, then cached.
TEST_P(composite_fk, a_foreign_key_assigned_by_hand_is_followed_by_a_loaded_belongs_to) {
  cfk_line line = ar::find_or_throw<cfk_line>(db, {std::string("south"), std::int64_t{3}, 2});
  ASSERT_EQ(line.order()->customer, "south-customer3");
  ar::statement_counter counter;
  line.order_no = 1;  // one part, by hand
  ASSERT_TRUE(line.order());
  EXPECT_EQ(line.order()->customer, "south-customer1");
  EXPECT_EQ(counter.count(), 1u);
  line.shop_code = "north";  // the other part
  EXPECT_EQ(line.order()->customer, "north-customer1");
  EXPECT_EQ(line.order()->customer, "north-customer1");
  EXPECT_EQ(counter.count(), 2u);  // read again once per change, then cached

  cfk_receipt receipt = ar::find_or_throw<cfk_receipt>(db, std::int64_t{1});
  ASSERT_TRUE(receipt.order());
  counter.reset();
  receipt.order_no.reset();  // a null part names no parent: nothing to read
  EXPECT_FALSE(receipt.order());
  EXPECT_EQ(counter.count(), 0u);
}

TEST_P(composite_fk, a_lazy_has_many_reads_the_rows_of_both_parts_in_key_order) {
  const cfk_order order = ar::find_or_throw<cfk_order>(db, {std::string("north"), 3});
  ar::statement_counter counter;
  const std::vector<cfk_line>& got = order.lines();
  EXPECT_EQ(counter.count(), 1u);
  ASSERT_EQ(got.size(), 3u);  // north's order 3, not south's
  for (std::int32_t i = 0; i < 3; ++i) {
    EXPECT_EQ(got[static_cast<std::size_t>(i)].shop_code, "north");
    EXPECT_EQ(got[static_cast<std::size_t>(i)].order_no, 3);
    EXPECT_EQ(got[static_cast<std::size_t>(i)].line_no, i + 1);
  }
  EXPECT_EQ((order.lines_query() | ar::count), 3);
}

TEST_P(composite_fk, a_has_one_and_a_null_part_that_reads_nothing) {
  const cfk_order with = ar::find_or_throw<cfk_order>(db, {std::string("south"), 2});
  const cfk_order without = ar::find_or_throw<cfk_order>(db, {std::string("north"), 2});
  ar::statement_counter counter;
  ASSERT_TRUE(with.receipt());
  EXPECT_EQ(with.receipt()->text, "paid south 2");
  EXPECT_FALSE(without.receipt());
  EXPECT_EQ(counter.count(), 2u);
  auto receipts = ar::from<cfk_receipt>(db) | ar::order_by(cfk_receipt::c.id) | ar::to_vector;
  counter.reset();
  // The second receipt's order_no is NULL: it points nowhere, and is not looked for.
  EXPECT_FALSE(receipts[1].order());
  ASSERT_TRUE(receipts[0].order());
  EXPECT_EQ(receipts[0].order()->customer, "south-customer2");
  EXPECT_EQ(counter.count(), 1u);
  EXPECT_EQ(counter.statements()[0],
            ar_test::sql_for(db,
                             "SELECT {shop_code}, {order_no}, {customer} FROM {cfk_orders} WHERE ({shop_code}, "
                             "{order_no}) IN " +
                                 row_in(1)));
}

TEST_P(composite_fk, lazy_loads_over_siblings_are_batched_into_one_statement) {
  auto all = lines() | ar::to_vector;
  ASSERT_EQ(all.size(), 12u);
  ar::statement_counter counter;
  for (const cfk_line& l : all) {
    auto o = l.order();
    ASSERT_TRUE(o);
    EXPECT_EQ(o->shop_code, l.shop_code);
    EXPECT_EQ(o->order_no, l.order_no);
  }
  EXPECT_EQ(counter.count(), 1u);
  // Six distinct orders, each listed once.
  EXPECT_EQ(counter.statements()[0],
            ar_test::sql_for(db,
                             "SELECT {shop_code}, {order_no}, {customer} FROM {cfk_orders} WHERE ({shop_code}, "
                             "{order_no}) IN " +
                                 row_in(6)));
  // Identity: the lines of one order share one record.
  EXPECT_EQ(all[3].order().get(), all[4].order().get());  // north 3, lines 1 and 2
  EXPECT_NE(all[3].order().get(), all[9].order().get());  // north 3 and south 3

  auto os = orders() | ar::to_vector;
  counter.reset();
  std::size_t n = 0;
  for (const cfk_order& o : os) {
    EXPECT_EQ(o.lines().size(), static_cast<std::size_t>(o.order_no));
    for (const cfk_line& l : o.lines()) EXPECT_EQ(l.shop_code, o.shop_code);
    n += o.lines().size();
    (void)o.receipt();
  }
  EXPECT_EQ(n, 12u);
  EXPECT_EQ(counter.count(), 2u);  // lines and receipts: one each
}

TEST_P(composite_fk, eager_loading_is_one_statement_per_level) {
  ar::statement_counter counter;
  auto shops = ar::from<cfk_shop>(db) | ar::order_by(cfk_shop::c.code) | ar::with("orders.lines", "orders.receipt") |
               ar::to_vector;
  EXPECT_EQ(counter.count(), 4u);  // shops, orders, lines, receipts
  ASSERT_EQ(shops.size(), 2u);
  std::map<std::tuple<std::string, std::int64_t>, std::size_t> seen;
  for (const cfk_shop& s : shops) {
    ASSERT_EQ(s.orders().size(), 3u);
    for (const cfk_order& o : s.orders()) {
      EXPECT_EQ(o.shop_code, s.code);
      for (const cfk_line& l : o.lines()) ++seen[{l.shop_code, l.order_no}];
      EXPECT_EQ(o.receipt() != nullptr, s.code == "south" && o.order_no == 2);
    }
  }
  EXPECT_EQ(counter.count(), 4u);
  ASSERT_EQ(seen.size(), 6u);
  for (const auto& [key, count] : seen) EXPECT_EQ(count, static_cast<std::size_t>(std::get<1>(key)));

  counter.reset();
  auto ls = lines() | ar::with("order") | ar::to_vector;
  EXPECT_EQ(counter.count(), 2u);
  EXPECT_EQ(ls[5].order().get(), ls[4].order().get());  // north 3: one record for its lines
  EXPECT_EQ(ls[5].order()->customer, "north-customer3");

  auto plain = orders() | ar::to_vector;
  counter.reset();
  ar::load(plain, "lines");
  EXPECT_EQ(counter.count(), 1u);
  EXPECT_EQ(plain[5].lines().size(), 3u);
  EXPECT_EQ(counter.count(), 1u);
}

TEST_P(composite_fk, a_per_parent_limit_partitions_by_every_column_of_the_key) {
  auto last_line = [](ar::query<cfk_line> q) { return q | ar::order_by(ar::desc(cfk_line::c.line_no)) | ar::take(1); };
  ar::statement_counter counter;
  auto os = orders() | ar::with("lines", last_line) | ar::to_vector;
  EXPECT_EQ(counter.count(), 2u);
  for (const cfk_order& o : os) {
    ASSERT_EQ(o.lines().size(), 1u);
    EXPECT_EQ(o.lines()[0].line_no, o.order_no);
    EXPECT_EQ(o.lines()[0].shop_code, o.shop_code);
  }
  EXPECT_NE(counter.statements()[1].find(ar_test::sql_for(db, "PARTITION BY {shop_code}, {order_no} ORDER BY")),
            std::string::npos)
      << counter.statements()[1];
}

TEST_P(composite_fk, the_inverse_is_filled_without_a_statement) {
  const cfk_order order = ar::find_or_throw<cfk_order>(db, {std::string("south"), 3});
  (void)order.lines();
  ar::statement_counter counter;
  for (const cfk_line& l : order.lines()) {
    ASSERT_TRUE(l.order());
    EXPECT_EQ(l.order()->customer, "south-customer3");
  }
  auto eager = orders() | ar::with("lines") | ar::to_vector;
  counter.reset();
  for (const cfk_order& o : eager)
    for (const cfk_line& l : o.lines()) EXPECT_EQ(l.order()->order_no, o.order_no);
  EXPECT_EQ(counter.count(), 0u);
}

TEST_P(composite_fk, strict_mode_refuses_the_lazy_load) {
  auto os = orders() | ar::strict_loading | ar::to_vector;
  ar::statement_counter counter;
  try {
    (void)os[0].lines();
    FAIL() << "expected ar::lazy_load_error";
  } catch (const ar::lazy_load_error& e) {
    EXPECT_EQ(e.model(), "cfk_orders");
    EXPECT_EQ(e.relation(), "lines");
  }
  EXPECT_EQ(counter.count(), 0u);
  auto loaded = orders() | ar::strict_loading | ar::with("lines") | ar::to_vector;
  EXPECT_EQ(loaded[2].lines().size(), 3u);
  // The inverse was filled by the eager load: no lazy load to refuse.
  EXPECT_EQ(loaded[2].lines()[0].order()->customer, "north-customer3");
  EXPECT_THROW((void)loaded[2].receipt(), ar::lazy_load_error);
  EXPECT_EQ(counter.count(), 2u);  // the query and its lines
}

TEST_P(composite_fk, key_lists_past_the_bind_limit_are_split_per_row_value) {
  const std::size_t limit = db.dialect().max_parameters();
  // More orders than fit in one statement at two parameters each.
  const std::size_t n = limit / 2 + 100;
  const std::string count = std::to_string(n);
  cfk_shop bulk{"bulk", "bulk-city"};  // the orders' shop: their foreign key refers to it
  ar::insert(db, bulk);
  if (ar_test::engine_of(GetParam()) == "postgresql") {
    db.execute(
        R"(INSERT INTO "cfk_orders" ("shop_code", "order_no", "customer") SELECT 'bulk', g, 'c' FROM generate_series(1, )" +
        count + ") AS g");
  } else if (GetParam() == "mariadb") {
    db.execute("INSERT INTO `cfk_orders` (`shop_code`, `order_no`, `customer`) SELECT 'bulk', seq, 'c' FROM seq_1_to_" +
               count);
  } else {
    db.execute(R"(WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < )" + count +
               R"() INSERT INTO "cfk_orders" ("shop_code", "order_no", "customer") SELECT 'bulk', i, 'c' FROM n)");
  }
  cfk_line far{"bulk", static_cast<std::int64_t>(n), 1, "last"};
  ar::insert(db, far);
  ar::statement_counter counter;
  auto os = ar::from<cfk_order>(db) | ar::with("lines") | ar::to_vector;
  ASSERT_EQ(os.size(), n + 6);
  const std::size_t per_chunk = (limit - 1) / 2;
  const std::size_t chunks = (os.size() + per_chunk - 1) / per_chunk;
  EXPECT_GE(chunks, 2u);
  EXPECT_EQ(counter.count(), 1u + chunks);
  std::size_t lines_seen = 0;
  for (const cfk_order& o : os) {
    lines_seen += o.lines().size();
    if (o.shop_code == "bulk" && o.order_no == static_cast<std::int32_t>(n)) {
      ASSERT_EQ(o.lines().size(), 1u);
      EXPECT_EQ(o.lines()[0].item, "last");
    }
  }
  EXPECT_EQ(lines_seen, 13u);
  for (const std::string& sql : counter.statements()) {
    // No statement binds more parameters than the backend takes.
    EXPECT_LE(static_cast<std::size_t>(std::count(sql.begin(), sql.end(),
                                                  ar_test::engine_of(GetParam()) == "postgresql" ? '$'
                                                  : GetParam() == "mariadb"                      ? ':'
                                                                                                 : '?')),
              limit);
  }
}

TEST_P(composite_fk, add_associate_and_dissociate_write_every_part) {
  cfk_order order = ar::find_or_throw<cfk_order>(db, {std::string("north"), 1});
  (void)order.lines();
  cfk_line extra{"", 0, 7, "added"};
  order.lines_add(extra);
  EXPECT_EQ(extra.shop_code, "north");
  EXPECT_EQ(extra.order_no, 1);
  EXPECT_EQ(order.lines().size(), 2u);  // the loaded cache keeps up
  EXPECT_EQ((order.lines_query() | ar::count), 2);

  cfk_receipt r{0, std::nullopt, std::nullopt, "later"};
  r.order_associate(order);
  EXPECT_EQ(r.shop_code, std::optional<std::string>("north"));
  EXPECT_EQ(r.order_no, std::optional<std::int32_t>(1));
  ar::insert(db, r);
  EXPECT_EQ(ar::find_or_throw<cfk_receipt>(db, r.id).order()->customer, "north-customer1");
  r.order_dissociate();
  EXPECT_FALSE(r.shop_code);
  EXPECT_FALSE(r.order_no);
}

TEST_P(composite_fk, destroy_takes_the_dependents_of_its_key_alone_and_restrict_names_the_key) {
  const cfk_order order = ar::find_or_throw<cfk_order>(db, {std::string("north"), 3});
  EXPECT_TRUE(ar::destroy(db, order));
  EXPECT_EQ((ar::from<cfk_line>(db) | ar::filter(cfk_line::c.shop_code == "north") | ar::count), 3);  // 1 + 2
  EXPECT_EQ((ar::from<cfk_line>(db) | ar::filter(cfk_line::c.shop_code == "south") | ar::count), 6);
  // south 2 has a receipt (AR_DEPENDENT(restrict)): refused, the whole key named, nothing deleted.
  const cfk_order paid = ar::find_or_throw<cfk_order>(db, {std::string("south"), 2});
  try {
    (void)ar::destroy(db, paid);
    FAIL() << "expected ar::restrict_error";
  } catch (const ar::restrict_error& e) {
    EXPECT_NE(std::string(e.what()).find("('south', 2)"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("'receipt'"), std::string::npos) << e.what();
  }
  EXPECT_EQ((ar::from<cfk_line>(db) | ar::filter(cfk_line::c.shop_code == "south") | ar::count), 6);
  EXPECT_TRUE(ar::find<cfk_order>(db, {std::string("south"), 2}));
}

TEST_P(composite_fk, where_has_and_with_count_correlate_every_column_of_the_key) {
  // Only both columns tell north's order 3 (3 lines) from south's order 3: a correlation on one
  // column would count 6, and find lines numbered 3 for every order of a shop that has one.
  ar::statement_counter counter;
  auto counted = orders() | ar::with_count("lines") | ar::to_vector;
  EXPECT_EQ(counter.count(), 1u);
  ASSERT_EQ(counted.size(), 6u);
  for (const cfk_order& o : counted) EXPECT_EQ(o.lines_count(), o.order_no) << o.shop_code << o.order_no;
  EXPECT_EQ(counter.count(), 1u);
  EXPECT_NE(counter.statements()[0].find(ar_test::sql_for(db, ".{shop_code} = ")), std::string::npos);

  counter.reset();
  auto third = [](ar::query<cfk_line> q) { return q | ar::filter(cfk_line::c.line_no == 3); };
  auto with_a_third_line = orders() | ar::where_has("lines", third) | ar::to_vector;
  EXPECT_EQ(counter.count(), 1u);
  ASSERT_EQ(with_a_third_line.size(), 2u);
  for (const cfk_order& o : with_a_third_line) EXPECT_EQ(o.order_no, 3);

  auto paid = ar::from<cfk_line>(db) | ar::where_has("order.receipt") | ar::to_vector;
  ASSERT_EQ(paid.size(), 2u);  // south 2's two lines
  for (const cfk_line& l : paid) {
    EXPECT_EQ(l.shop_code, "south");
    EXPECT_EQ(l.order_no, 2);
  }
  EXPECT_EQ((orders() | ar::where_doesnt_have("receipt") | ar::count), 5);

  // name_count() without with_count: one COUNT through the relation's query.
  const cfk_order order = ar::find_or_throw<cfk_order>(db, {std::string("south"), 3});
  counter.reset();
  EXPECT_EQ(order.lines_count(), 3);
  EXPECT_EQ(counter.count(), 1u);
}

TEST_P(composite_fk, a_through_relation_joins_a_model_whose_own_key_is_composite) {
  ar::create_tables<cfk_playlist, cfk_track, cfk_playlist_track>(db);
  cfk_playlist a{0, "a"}, b{0, "b"};
  ar::insert(db, a);
  ar::insert(db, b);
  std::vector<cfk_track> tracks;
  for (std::string t : {"one", "two", "three"}) {
    cfk_track x{0, t};
    ar::insert(db, x);
    tracks.push_back(x);
  }
  for (const cfk_track& t : tracks) {
    cfk_playlist_track link{a.id, t.id};
    ar::insert(db, link);
  }
  cfk_playlist_track link{b.id, tracks[1].id};
  ar::insert(db, link);
  ar::statement_counter counter;
  auto lists = ar::from<cfk_playlist>(db) | ar::order_by(cfk_playlist::c.id) | ar::with("tracks") | ar::to_vector;
  const std::size_t eager = counter.count();
  ASSERT_EQ(lists[0].tracks().size(), 3u);
  ASSERT_EQ(lists[1].tracks().size(), 1u);
  EXPECT_EQ(lists[1].tracks()[0].title, "two");
  EXPECT_EQ(counter.count(), eager);
  EXPECT_EQ(eager, 2u);
  auto lazy = ar::from<cfk_playlist>(db) | ar::order_by(cfk_playlist::c.id) | ar::to_vector;
  counter.reset();
  EXPECT_EQ(lazy[0].tracks().size(), 3u);
  EXPECT_EQ(lazy[1].tracks().size(), 1u);
  EXPECT_EQ(counter.count(), 1u);  // batched over both playlists
}

AR_INSTANTIATE_BACKEND_SUITE(composite_fk);

}  // namespace
