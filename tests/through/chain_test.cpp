// Relations through other relations (AR_HAS_MANY_VIA / AR_HAS_ONE_VIA, Rails' has_many / has_one
// :through another relation): a has_many through a has_many, through a belongs_to, has_one through
// has_one and belongs_to; lazy, batched, eager, as queries, in where_has / with_count and joins.
// Statement counts through ar::statement_counter, on every backend.

#include "../support/backends.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace {

namespace chain {
struct writer;
struct article;
struct remark;
struct desk;
struct lamp;

struct writer {
  std::int64_t id = 0;
  std::string name;
  AR_MODEL(writer, "writers", AR_FIELDS(id, name), AR_HAS_MANY(articles, article, writer_id),
           AR_HAS_MANY(remarks_made, remark, by_id), AR_HAS_ONE(desk, struct desk, writer_id),
           // has_many through a has_many: the remarks on this writer's articles
           AR_HAS_MANY_VIA(remarks, remark, articles, remarks),
           // has_many through a has_many ending in a belongs_to: the articles this writer remarked on
           AR_HAS_MANY_VIA(remarked_articles, article, remarks_made, article),
           // has_one through a has_one
           AR_HAS_ONE_VIA(lamp, struct lamp, desk, lamp));
};

struct article {
  std::int64_t id = 0;
  std::optional<std::int64_t> writer_id;
  std::string title;
  AR_MODEL(article, "articles", AR_FIELDS(id, writer_id, title), AR_BELONGS_TO(writer, struct writer, writer_id),
           AR_HAS_MANY(remarks, remark, article_id),
           // belongs_to then has_one: the desk of this article's writer
           AR_HAS_ONE_VIA(writer_desk, desk, writer, desk));
};

struct remark {
  std::int64_t id = 0;
  std::int64_t article_id = 0;
  std::int64_t by_id = 0;
  std::string body;
  AR_MODEL(remark, "remarks", AR_FIELDS(id, article_id, by_id, body),
           AR_BELONGS_TO(article, struct article, article_id), AR_BELONGS_TO(by, writer, by_id),
           // through a belongs_to to a belongs_to: the writer of the article remarked on
           AR_HAS_ONE_VIA(article_writer, writer, article, writer));
};

struct desk {
  std::int64_t id = 0;
  std::int64_t writer_id = 0;
  std::string room;
  AR_MODEL(desk, "desks", AR_FIELDS(id, writer_id, room), AR_HAS_ONE(lamp, struct lamp, desk_id));
};

struct lamp {
  std::int64_t id = 0;
  std::int64_t desk_id = 0;
  std::string colour;
  AR_MODEL(lamp, "lamps", AR_FIELDS(id, desk_id, colour));
};
}  // namespace chain

using chain::article;
using chain::desk;
using chain::lamp;
using chain::remark;
using chain::writer;

template <class Rows>
std::vector<std::string> bodies(const Rows& rows) {
  std::vector<std::string> out;
  for (const auto& r : rows) {
    if constexpr (requires { r.body; })
      out.push_back(r.body);
    else
      out.push_back(r.title);
  }
  return out;
}

class chains : public ar_test::backend_test {
 protected:
  void SetUp() override {
    backend_test::SetUp();
    ar::create_tables<writer, article, remark, desk, lamp>(db);
    for (auto* w : {&ann, &ben, &cat}) ar::insert(db, *w);
    // ann: two articles, ben: one, cat: none.
    a1 = {0, ann.id, "a1"};
    a2 = {0, ann.id, "a2"};
    b1 = {0, ben.id, "b1"};
    for (auto* a : {&a1, &a2, &b1}) ar::insert(db, *a);
    // Remarks: on a1 by ben (twice) and cat, on a2 by ben, on b1 by ann.
    add(a1, ben, "r1");
    add(a1, ben, "r2");
    add(a1, cat, "r3");
    add(a2, ben, "r4");
    add(b1, ann, "r5");
    desk d1{0, ann.id, "north"}, d2{0, ben.id, "south"};
    ar::insert(db, d1);
    ar::insert(db, d2);
    lamp l1{0, d1.id, "green"};
    ar::insert(db, l1);
  }
  void add(const article& a, const writer& by, std::string body) {
    remark r{0, a.id, by.id, std::move(body)};
    ar::insert(db, r);
  }
  std::vector<writer> writers() const { return ar::from<writer>(db) | ar::order_by(writer::c.id) | ar::to_vector; }

  writer ann{0, "ann"}, ben{0, "ben"}, cat{0, "cat"};
  article a1, a2, b1;
};

TEST_P(chains, a_has_many_through_a_has_many_reads_in_one_statement) {
  ar::statement_counter counter;
  EXPECT_EQ(bodies(ann.remarks()), (std::vector<std::string>{"r1", "r2", "r3", "r4"}));
  EXPECT_EQ(bodies(ann.remarks()), (std::vector<std::string>{"r1", "r2", "r3", "r4"}));  // cached
  EXPECT_EQ(bodies(ben.remarks()), (std::vector<std::string>{"r5"}));
  EXPECT_TRUE(cat.remarks().empty());
  EXPECT_EQ(counter.count(), 3u);
  writer unsaved{0, "new"};
  EXPECT_TRUE(unsaved.remarks().empty());  // no key yet: nothing can point at it, no statement
  EXPECT_EQ(counter.count(), 3u);
  EXPECT_EQ(bodies(ann.remarks(ar::reload)), (std::vector<std::string>{"r1", "r2", "r3", "r4"}));
  EXPECT_EQ(counter.count(), 4u);
}

TEST_P(chains, lazy_access_on_records_of_one_query_loads_for_all_of_them_at_once) {
  auto all = writers();
  ar::statement_counter counter;
  std::vector<std::size_t> sizes;
  for (const writer& w : all) sizes.push_back(w.remarks().size());
  EXPECT_EQ(sizes, (std::vector<std::size_t>{4, 1, 0}));
  EXPECT_EQ(counter.count(), 1u);  // one statement for the three writers, not three
}

TEST_P(chains, eager_loading_is_one_statement_per_level_and_continues_past_the_chain) {
  ar::statement_counter counter;
  auto all = ar::from<writer>(db) | ar::order_by(writer::c.id) | ar::with("remarks.by") | ar::to_vector;
  EXPECT_EQ(counter.count(), 3u);  // writers, their remarks (joined through articles), the remarks' authors
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(bodies(all[0].remarks()), (std::vector<std::string>{"r1", "r2", "r3", "r4"}));
  std::vector<std::string> by;
  for (const remark& r : all[0].remarks()) by.push_back(r.by()->name);
  EXPECT_EQ(by, (std::vector<std::string>{"ben", "ben", "cat", "ben"}));
  EXPECT_EQ(bodies(all[1].remarks()), (std::vector<std::string>{"r5"}));
  EXPECT_TRUE(all[2].remarks().empty());
  EXPECT_EQ(counter.count(), 3u);  // all of it was loaded
}

TEST_P(chains, a_modifier_filters_the_targets_of_an_eager_chain) {
  ar::statement_counter counter;
  auto all = ar::from<writer>(db) | ar::order_by(writer::c.id) |
             ar::with("remarks", [](ar::query<remark> q) { return q | ar::filter(remark::c.by_id == 3); }) |
             ar::to_vector;
  (void)all;
  EXPECT_EQ(counter.count(), 2u);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(bodies(all[0].remarks()), (std::vector<std::string>{"r3"}));
  EXPECT_TRUE(all[1].remarks().empty());
  // A modifier that orders or limits is refused before anything runs: a chain's rows come in its
  // targets' order, each once.
  EXPECT_THROW(
      (void)(ar::from<writer>(db) |
             ar::with("remarks", [](ar::query<remark> q) { return q | ar::order_by(remark::c.body); }) | ar::to_vector),
      ar::error);
}

TEST_P(chains, a_chain_ending_in_a_belongs_to_gives_each_target_once_and_counts_alike) {
  // ben remarked twice on a1 and once on a2: a1 comes once, as a count of the relation counts it.
  ar::statement_counter counter;
  EXPECT_EQ(bodies(ben.remarked_articles()), (std::vector<std::string>{"a1", "a2"}));
  EXPECT_EQ(bodies(ann.remarked_articles()), (std::vector<std::string>{"b1"}));
  EXPECT_EQ(counter.count(), 2u);
  writer fresh = ar::find_or_throw<writer>(db, ben.id);
  EXPECT_EQ(fresh.remarked_articles_count(), 2);
  auto counted = ar::from<writer>(db) | ar::order_by(writer::c.id) | ar::with_count("remarked_articles", "remarks") |
                 ar::to_vector;
  ASSERT_EQ(counted.size(), 3u);
  EXPECT_EQ(counted[0].remarked_articles_count(), 1);
  EXPECT_EQ(counted[1].remarked_articles_count(), 2);
  EXPECT_EQ(counted[2].remarked_articles_count(), 1);
  EXPECT_EQ(counted[0].remarks_count(), 4);  // a has_many source: every remark on ann's articles
  EXPECT_EQ(counted[1].remarks_count(), 1);
  EXPECT_EQ(counted[2].remarks_count(), 0);
  // Eager, the same rows, each once.
  auto eager = ar::from<writer>(db) | ar::order_by(writer::c.id) | ar::with("remarked_articles") | ar::to_vector;
  EXPECT_EQ(bodies(eager[1].remarked_articles()), (std::vector<std::string>{"a1", "a2"}));
  EXPECT_EQ(bodies(eager[2].remarked_articles()), (std::vector<std::string>{"a1"}));
}

TEST_P(chains, has_one_through_belongs_to_and_has_one) {
  auto remarks = ar::from<remark>(db) | ar::order_by(remark::c.id) | ar::to_vector;
  ar::statement_counter counter;
  ASSERT_TRUE(remarks[0].article_writer());
  EXPECT_EQ(remarks[0].article_writer()->name, "ann");  // r1 is on a1, by ann
  EXPECT_EQ(counter.count(), 1u);                       // and for every remark of the query at once
  EXPECT_EQ(remarks[4].article_writer()->name, "ben");
  EXPECT_EQ(counter.count(), 1u);

  ASSERT_TRUE(ann.lamp());
  EXPECT_EQ(ann.lamp()->colour, "green");
  EXPECT_FALSE(ben.lamp());  // a desk without a lamp
  EXPECT_FALSE(cat.lamp());  // no desk
  EXPECT_EQ(counter.count(), 4u);

  ASSERT_TRUE(b1.writer_desk());
  EXPECT_EQ(b1.writer_desk()->room, "south");
  article orphan{0, std::nullopt, "orphan"};
  ar::insert(db, orphan);
  counter.reset();
  EXPECT_FALSE(orphan.writer_desk());  // a null foreign key: no statement
  EXPECT_EQ(counter.count(), 0u);
}

TEST_P(chains, eager_has_one_through_is_one_statement) {
  ar::statement_counter counter;
  auto all = ar::from<writer>(db) | ar::order_by(writer::c.id) | ar::with("lamp") | ar::to_vector;
  EXPECT_EQ(counter.count(), 2u);
  ASSERT_TRUE(all[0].lamp());
  EXPECT_EQ(all[0].lamp()->colour, "green");
  EXPECT_FALSE(all[1].lamp());
  EXPECT_FALSE(all[2].lamp());
  auto rs = ar::from<remark>(db) | ar::order_by(remark::c.id) | ar::with("article_writer.desk") | ar::to_vector;
  EXPECT_EQ(counter.count(), 5u);  // remarks, their articles' writers (one JOIN), the writers' desks
  EXPECT_EQ(rs[0].article_writer()->desk()->room, "north");
  EXPECT_EQ(rs[4].article_writer()->desk()->room, "south");
  EXPECT_EQ(counter.count(), 5u);
}

TEST_P(chains, a_chain_is_a_query_to_refine) {
  ar::statement_counter counter;
  auto by_ben =
      ann.remarks_query() | ar::filter(remark::c.by_id == ben.id) | ar::order_by(remark::c.body) | ar::to_vector;
  EXPECT_EQ(bodies(by_ben), (std::vector<std::string>{"r1", "r2", "r4"}));
  EXPECT_EQ(ann.remarks_query() | ar::count, 4);
  EXPECT_EQ(ben.remarked_articles_query() | ar::count, 2);  // each target once, as loading reads them
  EXPECT_EQ(counter.count(), 3u);
  EXPECT_EQ(cat.remarks_count(), 0);
}

TEST_P(chains, where_has_and_joins_follow_a_chain) {
  auto names = [](const std::vector<writer>& ws) {
    std::vector<std::string> out;
    for (const auto& w : ws) out.push_back(w.name);
    return out;
  };
  ar::statement_counter counter;
  EXPECT_EQ(names(ar::from<writer>(db) | ar::where_has("remarks") | ar::order_by(writer::c.id) | ar::to_vector),
            (std::vector<std::string>{"ann", "ben"}));
  EXPECT_EQ(names(ar::from<writer>(db) |
                  ar::where_has("remarks", [](ar::query<remark> q) { return q | ar::filter(remark::c.body == "r5"); }) |
                  ar::to_vector),
            (std::vector<std::string>{"ben"}));
  EXPECT_EQ(names(ar::from<writer>(db) | ar::where_doesnt_have("remarks") | ar::to_vector),
            (std::vector<std::string>{"cat"}));
  // A path past the chain: writers with a remark on their articles by someone with a desk.
  EXPECT_EQ(names(ar::from<writer>(db) | ar::where_has("remarks.by.desk") | ar::order_by(writer::c.id) | ar::to_vector),
            (std::vector<std::string>{"ann", "ben"}));
  EXPECT_EQ(counter.count(), 4u);  // each one statement
  // A JOIN along the chain: its hop's table, then its target's.
  auto joined = ar::from<writer>(db) | ar::joins<"remarks"> | ar::filter(remark::c.body == "r3") | ar::to_vector;
  EXPECT_EQ(names(joined), (std::vector<std::string>{"ann"}));
  EXPECT_EQ(counter.count(), 5u);
}

TEST_P(chains, strict_loading_refuses_a_lazy_chain) {
  auto all = ar::from<writer>(db) | ar::strict_loading | ar::to_vector;
  EXPECT_THROW((void)all[0].remarks(), ar::lazy_load_error);
  auto loaded =
      ar::from<writer>(db) | ar::strict_loading | ar::with("remarks") | ar::order_by(writer::c.id) | ar::to_vector;
  EXPECT_EQ(loaded[0].remarks().size(), 4u);
}

AR_INSTANTIATE_BACKEND_SUITE(chains);

}  // namespace
