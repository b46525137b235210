// Eager and lazy loading where the related model is sharded (ar::shard): a level whose rows live on
// the shards sends at most one statement per shard. Orders are sharded by customer_id like their
// customers by id (co-located: each shard gets only the keys it holds, a shard holding none gets
// nothing); lines and reviews are sharded by their own id (every shard gets every key, the rows
// merged). Every load is compared with the same load of twin models on one database holding every
// row: same records, same order, same per-parent bounds, inverses and shared parents.

#include "../support/backends.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace {

// The same models twice: s_ sharded over shard0..2, w_ on one database ("whole").
#define SLOAD_MODELS(P)                                                                                \
  struct P##order;                                                                                     \
  struct P##line;                                                                                      \
  struct P##review;                                                                                    \
  struct P##tag;                                                                                       \
  struct P##tagging;                                                                                   \
  struct P##note;                                                                                      \
  struct P##customer {                                                                                 \
    std::int64_t id = 0;                                                                               \
    std::string name;                                                                                  \
    AR_MODEL(P##customer, "sload_customers", AR_FIELDS(id, name),                                      \
             AR_HAS_MANY(orders, P##order, customer_id, AR_INVERSE(customer)),                         \
             AR_HAS_MANY(reviews, P##review, customer_id), AR_HAS_MANY(notes, P##note, customer_id),   \
             AR_HAS_MANY_THROUGH(tags, P##tag, P##tagging, customer_id, tag_id));                      \
  };                                                                                                   \
  struct P##order {                                                                                    \
    std::int64_t id = 0;                                                                               \
    std::int64_t customer_id = 0;                                                                      \
    std::string item;                                                                                  \
    AR_MODEL(P##order, "sload_orders", AR_FIELDS(id, customer_id, item),                               \
             AR_BELONGS_TO(customer, P##customer, customer_id, AR_INVERSE(orders), AR_NO_FOREIGN_KEY), \
             AR_HAS_MANY(lines, P##line, order_id));                                                   \
  };                                                                                                   \
  struct P##line {                                                                                     \
    std::int64_t id = 0;                                                                               \
    std::int64_t order_id = 0;                                                                         \
    std::string note;                                                                                  \
    AR_MODEL(P##line, "sload_lines", AR_FIELDS(id, order_id, note));                                   \
  };                                                                                                   \
  struct P##review {                                                                                   \
    std::int64_t id = 0;                                                                               \
    std::int64_t customer_id = 0;                                                                      \
    std::int64_t stars = 0;                                                                            \
    AR_MODEL(P##review, "sload_reviews", AR_FIELDS(id, customer_id, stars),                            \
             AR_BELONGS_TO(customer, P##customer, customer_id, AR_NO_FOREIGN_KEY));                    \
  };                                                                                                   \
  struct P##tag {                                                                                      \
    std::int64_t id = 0;                                                                               \
    std::string label;                                                                                 \
    AR_MODEL(P##tag, "sload_tags", AR_FIELDS(id, label));                                              \
  };                                                                                                   \
  struct P##note {                                                                                     \
    std::int64_t id = 0;                                                                               \
    std::int64_t customer_id = 0;                                                                      \
    std::string text;                                                                                  \
    AR_MODEL(P##note, "sload_notes", AR_FIELDS(id, customer_id, text));                                \
  };                                                                                                   \
  struct P##tagging {                                                                                  \
    std::int64_t id = 0;                                                                               \
    std::int64_t customer_id = 0;                                                                      \
    std::int64_t tag_id = 0;                                                                           \
    AR_MODEL(P##tagging, "sload_taggings", AR_FIELDS(id, customer_id, tag_id));                        \
  };

SLOAD_MODELS(s_)
SLOAD_MODELS(w_)
#undef SLOAD_MODELS

// Polymorphic: comments on posts, both sharded by their own id.
struct sm_comment;
struct sm_post {
  std::int64_t id = 0;
  std::string title;
  AR_MODEL(sm_post, "sload_posts", AR_FIELDS(id, title), AR_MORPH_MANY(comments, sm_comment, commentable));
};
struct sm_comment {
  std::int64_t id = 0;
  std::string commentable_type;
  std::optional<std::int64_t> commentable_id;
  std::string body;
  AR_MODEL(sm_comment, "sload_comments", AR_FIELDS(id, commentable_type, commentable_id, body),
           AR_MORPH_TO(commentable, commentable_type, commentable_id));
};

const std::vector<std::string> shard_names{"shard0", "shard1", "shard2"};

// A readable dump of what was loaded, the same for both sets of models.
template <class Lines>
std::string dump_lines(const Lines& lines) {
  std::string out = "(";
  for (const auto& l : lines) out += "l" + std::to_string(l.id) + ":" + l.note + " ";
  return out + ")";
}
template <class Orders>
std::string dump_orders(const Orders& orders, bool lines) {
  std::string out = "[";
  for (const auto& o : orders) {
    out += "o" + std::to_string(o.id) + "/" + std::to_string(o.customer_id);
    if (lines) out += dump_lines(o.lines());
    out += " ";
  }
  return out + "]";
}
template <class Reviews>
std::string dump_reviews(const Reviews& reviews) {
  std::string out = "{";
  for (const auto& r : reviews) out += "r" + std::to_string(r.id) + "*" + std::to_string(r.stars) + " ";
  return out + "}";
}

class sharding_load : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    for (const std::string& name : shard_names) {
      shards.push_back(ar_test::open_backend(GetParam(), name));
      ar::create_tables<s_customer, s_order, s_line, s_review, s_tag, s_tagging, s_note>(shards.back());
    }
    whole = ar_test::open_backend(GetParam(), "whole");
    ar::create_tables<w_customer, w_order, w_line, w_review, w_tag, w_tagging, w_note>(whole);
    ar::bind<w_customer>("whole");
    ar::bind<w_order>("whole");
    ar::bind<w_line>("whole");
    ar::bind<w_review>("whole");
    ar::bind<w_tag>("whole");
    ar::bind<w_tagging>("whole");
    ar::bind<w_note>("whole");
    ar::shard<s_customer>(&s_customer::id, shard_names);
    ar::shard<s_order>(&s_order::customer_id, shard_names);  // co-located with its customer
    ar::shard<s_line>(&s_line::id, shard_names);             // not co-located with its order
    ar::shard<s_review>(&s_review::id, shard_names);         // not co-located with its customer
    ar::shard<s_tag>(&s_tag::id, shard_names);
    ar::bind<s_tagging>("shard0");
    ar::bind<s_note>("shard1");  // not sharded: one table, on shard1's database
    insert_rows();
  }
  void TearDown() override { ar_test::close_backends(); }

  // Customers 1..6 (6 has no order), orders 1..12 of customers 1..5, lines 1..30 of orders 1..11,
  // reviews 1..15 of customers 1..4 with repeated stars; each row on its shard and on `whole`.
  void insert_rows() {
    for (std::int64_t i = 1; i <= 6; ++i) {
      s_customer c{i, "c" + std::to_string(i)};
      ar::insert(c);
      w_customer w{i, c.name};
      ar::insert(w);
    }
    for (std::int64_t i = 1; i <= 12; ++i) {
      s_order o{i, 1 + (i % 5), "o" + std::to_string(i)};
      ar::insert(o);
      w_order w{o.id, o.customer_id, o.item};
      ar::insert(w);
    }
    for (std::int64_t i = 1; i <= 30; ++i) {
      s_line l{i, 1 + (i % 11), "n" + std::to_string(i)};
      ar::insert(l);
      w_line w{l.id, l.order_id, l.note};
      ar::insert(w);
    }
    for (std::int64_t i = 1; i <= 8; ++i) {
      s_note n{i, 1 + (i % 3), "t" + std::to_string(i)};
      ar::insert(n);
      w_note w{n.id, n.customer_id, n.text};
      ar::insert(w);
    }
    for (std::int64_t i = 1; i <= 15; ++i) {
      s_review r{i, 1 + (i % 4), (i * 7) % 5};
      ar::insert(r);
      w_review w{r.id, r.customer_id, r.stars};
      ar::insert(w);
    }
  }

  // The shard index each customer id lives on (and its orders).
  static std::size_t shard_of(std::int64_t customer_id) { return ar::shard_hash(customer_id) % 3; }

  std::vector<ar::database> shards;
  ar::database whole;
};

TEST_P(sharding_load, the_rows_are_spread_so_that_every_shard_holds_some) {
  // The tests below mean something only if lines of one order and reviews of one customer are on
  // several shards, and customers on every shard.
  std::set<std::size_t> customer_shards;
  for (std::int64_t i = 1; i <= 6; ++i) customer_shards.insert(shard_of(i));
  EXPECT_EQ(customer_shards.size(), 3U);
  std::set<std::size_t> lines_of_order_1;
  for (std::int64_t i = 1; i <= 30; ++i)
    if (1 + (i % 11) == 1) lines_of_order_1.insert(ar::shard_hash(i) % 3);
  EXPECT_GT(lines_of_order_1.size(), 1U);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_GT(ar::from<s_line>(shards[i]) | ar::count, 0);
}

TEST_P(sharding_load, a_co_located_level_goes_only_to_the_shard_holding_its_keys) {
  const std::int64_t x = 2;
  const ar::database home = shards[shard_of(x)];
  ar::statement_counter counter;
  const std::vector<s_customer> got =
      ar::from<s_customer>() | ar::filter(s_customer::c.id == x) | ar::with("orders") | ar::to_vector;
  EXPECT_EQ(counter.count(), 2U);  // the customer, its orders: both on its shard
  EXPECT_EQ(counter.count(home), 2U);
  const std::vector<w_customer> want =
      ar::from<w_customer>() | ar::filter(w_customer::c.id == x) | ar::with("orders") | ar::to_vector;
  ASSERT_EQ(got.size(), 1U);
  ASSERT_EQ(want.size(), 1U);
  EXPECT_EQ(dump_orders(got[0].orders(), false), dump_orders(want[0].orders(), false));
  EXPECT_FALSE(got[0].orders().empty());
}

TEST_P(sharding_load, a_co_located_level_sends_each_shard_only_its_keys_one_statement_each) {
  // Customers 1 and 6 only, each on its shard: the third shard gets no orders statement.
  std::set<std::size_t> holding{shard_of(1), shard_of(6)};
  ar::statement_counter counter;
  const std::vector<s_customer> got = ar::from<s_customer>() |
                                      ar::filter(s_customer::c.id.in(std::vector<std::int64_t>{1, 6})) |
                                      ar::order_by(s_customer::c.id) | ar::with("orders") | ar::to_vector;
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(counter.count(shards[i]), holding.count(i) ? 2U : 0U) << "shard " << i;
  EXPECT_EQ(counter.count(), 2 * holding.size());
  ASSERT_EQ(got.size(), 2U);
  EXPECT_EQ(got[0].orders().size(), 2U);  // orders 5 and 10
  EXPECT_TRUE(got[1].orders().empty());   // customer 6 has none: empty, loaded
}

TEST_P(sharding_load, two_levels_co_located_then_fanned_out_send_one_statement_per_shard_per_level) {
  ar::statement_counter counter;
  const std::vector<s_customer> got =
      ar::from<s_customer>() | ar::order_by(s_customer::c.id) | ar::with("orders.lines", "reviews") | ar::to_vector;
  // customers, orders (every shard holds a customer), lines (fanned out), reviews (fanned out).
  EXPECT_EQ(counter.count(), 12U);
  for (const ar::database& s : shards) EXPECT_EQ(counter.count(s), 4U);
  const std::vector<w_customer> want =
      ar::from<w_customer>() | ar::order_by(w_customer::c.id) | ar::with("orders.lines", "reviews") | ar::to_vector;
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].id, want[i].id);
    EXPECT_EQ(dump_orders(got[i].orders(), true), dump_orders(want[i].orders(), true)) << "customer " << got[i].id;
    EXPECT_EQ(dump_reviews(got[i].reviews()), dump_reviews(want[i].reviews())) << "customer " << got[i].id;
  }
  EXPECT_EQ(counter.count(), 16U);  // the twin's 4; reading what was loaded sends nothing
}

TEST_P(sharding_load, a_level_of_a_model_that_is_not_sharded_goes_to_its_database_under_sharded_parents) {
  ar::statement_counter counter;
  const std::vector<s_customer> got =
      ar::from<s_customer>() | ar::order_by(s_customer::c.id) | ar::with("notes") | ar::to_vector;
  EXPECT_EQ(counter.count(), 4U);  // customers on each shard, then the notes, once, where they live
  EXPECT_EQ(counter.count(shards[0]), 1U);
  EXPECT_EQ(counter.count(shards[1]), 2U);
  EXPECT_EQ(counter.count(shards[2]), 1U);
  const std::vector<w_customer> want =
      ar::from<w_customer>() | ar::order_by(w_customer::c.id) | ar::with("notes") | ar::to_vector;
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    std::string a, b;
    for (const s_note& n : got[i].notes()) a += std::to_string(n.id) + n.text + " ";
    for (const w_note& n : want[i].notes()) b += std::to_string(n.id) + n.text + " ";
    EXPECT_EQ(a, b) << "customer " << got[i].id;
  }
}

TEST_P(sharding_load, ar_load_into_records_in_hand_sends_one_statement_per_shard_per_level) {
  std::vector<s_customer> kept{*ar::find<s_customer>(std::int64_t{1}), *ar::find<s_customer>(std::int64_t{4})};
  std::vector<w_customer> twins{*ar::find<w_customer>(std::int64_t{1}), *ar::find<w_customer>(std::int64_t{4})};
  const std::set<std::size_t> holding{shard_of(1), shard_of(4)};
  ar::statement_counter counter;
  ar::load(kept, "orders.lines");
  // orders: only the shards of customers 1 and 4; lines: every shard.
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(counter.count(shards[i]), holding.count(i) + 1U) << "shard " << i;
  EXPECT_EQ(counter.count(), holding.size() + 3U);
  ar::load(twins, "orders.lines");
  for (std::size_t i = 0; i < kept.size(); ++i)
    EXPECT_EQ(dump_orders(kept[i].orders(), true), dump_orders(twins[i].orders(), true));
  EXPECT_FALSE(kept[1].orders().empty());
}

TEST_P(sharding_load, an_eager_load_fills_the_inverse_across_the_shards) {
  const std::vector<s_customer> got = ar::from<s_customer>() | ar::with("orders") | ar::to_vector;
  ar::statement_counter counter;
  std::size_t seen = 0;
  for (const s_customer& c : got)
    for (const s_order& o : c.orders()) {
      ASSERT_NE(o.customer(), nullptr);
      EXPECT_EQ(o.customer()->id, c.id);
      ++seen;
    }
  EXPECT_EQ(seen, 12U);
  EXPECT_EQ(counter.count(), 0U);
}

TEST_P(sharding_load, a_belongs_to_a_model_sharded_by_its_key_asks_each_shard_for_its_keys_and_shares_parents) {
  std::set<std::size_t> holding;
  for (std::int64_t c = 1; c <= 4; ++c) holding.insert(shard_of(c));
  ar::statement_counter counter;
  const std::vector<s_review> got =
      ar::from<s_review>() | ar::order_by(s_review::c.id) | ar::with("customer") | ar::to_vector;
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(counter.count(shards[i]), 1U + holding.count(i)) << "shard " << i;
  ASSERT_EQ(got.size(), 15U);
  for (const s_review& r : got) {
    ASSERT_NE(r.customer(), nullptr);
    EXPECT_EQ(r.customer()->id, r.customer_id);
    EXPECT_EQ(r.customer()->name, "c" + std::to_string(r.customer_id));
  }
  EXPECT_EQ(got[0].customer(), got[4].customer());  // reviews 1 and 5: customer 2, one object
}

TEST_P(sharding_load, a_fanned_out_level_keeps_the_per_parent_order_take_and_drop_of_one_database) {
  ar::statement_counter counter;
  const std::vector<s_customer> got =
      ar::from<s_customer>() | ar::order_by(s_customer::c.id) |
      ar::with("reviews",
               [](ar::query<s_review> q) {
                 return q | ar::order_by(s_review::c.stars.desc(), s_review::c.id) | ar::drop(1) | ar::take(2);
               }) |
      ar::to_vector;
  EXPECT_EQ(counter.count(), 6U);  // customers and reviews, on each shard
  for (const ar::database& s : shards) EXPECT_EQ(counter.count(s), 2U);
  const std::vector<w_customer> want =
      ar::from<w_customer>() | ar::order_by(w_customer::c.id) |
      ar::with("reviews",
               [](ar::query<w_review> q) {
                 return q | ar::order_by(w_review::c.stars.desc(), w_review::c.id) | ar::drop(1) | ar::take(2);
               }) |
      ar::to_vector;
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i)
    EXPECT_EQ(dump_reviews(got[i].reviews()), dump_reviews(want[i].reviews())) << "customer " << got[i].id;
  EXPECT_EQ(got[0].reviews().size(), 2U);
}

TEST_P(sharding_load, a_co_located_level_keeps_a_modifiers_take) {
  const std::vector<s_customer> got =
      ar::from<s_customer>() | ar::order_by(s_customer::c.id) |
      ar::with("orders", [](ar::query<s_order> q) { return q | ar::order_by(s_order::c.id.desc()) | ar::take(2); }) |
      ar::to_vector;
  const std::vector<w_customer> want =
      ar::from<w_customer>() | ar::order_by(w_customer::c.id) |
      ar::with("orders", [](ar::query<w_order> q) { return q | ar::order_by(w_order::c.id.desc()) | ar::take(2); }) |
      ar::to_vector;
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i)
    EXPECT_EQ(dump_orders(got[i].orders(), false), dump_orders(want[i].orders(), false));
}

TEST_P(sharding_load, a_lazy_load_of_one_record_goes_to_the_shard_its_key_names_else_to_every_shard) {
  const std::int64_t x = 3;
  const std::optional<s_customer> c = ar::find<s_customer>(x);
  ASSERT_TRUE(c.has_value());
  const std::optional<w_customer> w = ar::find<w_customer>(x);
  ASSERT_TRUE(w.has_value());
  {
    ar::statement_counter counter;
    EXPECT_EQ(dump_orders(c->orders(), false), dump_orders(w->orders(), false));
    EXPECT_EQ(counter.count(shards[shard_of(x)]), 1U);
    EXPECT_EQ(counter.count(), 2U);  // and the twin's
  }
  {
    ar::statement_counter counter;
    EXPECT_EQ(dump_reviews(c->reviews()), dump_reviews(w->reviews()));
    for (const ar::database& s : shards) EXPECT_EQ(counter.count(s), 1U);
    EXPECT_EQ(counter.count(), 4U);
    EXPECT_FALSE(c->reviews().empty());
    EXPECT_EQ(counter.count(), 4U);  // loaded once
  }
}

TEST_P(sharding_load, lazy_loads_of_siblings_batch_one_statement_per_shard) {
  const std::vector<s_customer> customers = ar::from<s_customer>() | ar::order_by(s_customer::c.id) | ar::to_vector;
  const std::vector<w_customer> twins = ar::from<w_customer>() | ar::order_by(w_customer::c.id) | ar::to_vector;
  ar::statement_counter counter;
  for (std::size_t i = 0; i < customers.size(); ++i)
    EXPECT_EQ(dump_orders(customers[i].orders(), false), dump_orders(twins[i].orders(), false));
  EXPECT_EQ(counter.count(), 3U + 1U);  // one per shard holding customers (every one), the twin's one
  for (const ar::database& s : shards) EXPECT_EQ(counter.count(s), 1U);
  const auto orders = customers[0].orders();
  ASSERT_GT(orders.size(), 1U);
  ar::statement_counter lines;
  for (const s_order& o : orders) (void)o.lines();
  EXPECT_EQ(lines.count(), 3U);  // the siblings' lines, fanned out: one per shard
  for (const ar::database& s : shards) EXPECT_EQ(lines.count(s), 1U);
}

TEST_P(sharding_load, polymorphic_relations_to_sharded_models_send_one_statement_per_shard) {
  for (const ar::database& s : shards) ar::create_tables<sm_post, sm_comment>(s);
  ar::shard<sm_post>(&sm_post::id, shard_names);
  ar::shard<sm_comment>(&sm_comment::id, shard_names);
  for (std::int64_t i = 1; i <= 6; ++i) {
    sm_post p{i, "p" + std::to_string(i)};
    ar::insert(p);
  }
  for (std::int64_t i = 1; i <= 12; ++i) {
    sm_comment c{i, "sload_posts", 1 + (i % 4), "b" + std::to_string(i)};
    ar::insert(c);
  }
  {
    ar::statement_counter counter;
    const std::vector<sm_post> posts =
        ar::from<sm_post>() | ar::order_by(sm_post::c.id) | ar::with("comments") | ar::to_vector;
    EXPECT_EQ(counter.count(), 6U);  // the posts, then the comments fanned out: on each shard
    for (const ar::database& s : shards) EXPECT_EQ(counter.count(s), 2U);
    ASSERT_EQ(posts.size(), 6U);
    for (const sm_post& p : posts) {
      std::vector<std::int64_t> ids, want;
      for (const sm_comment& c : p.comments()) ids.push_back(c.id);
      for (std::int64_t i = 1; i <= 12; ++i)
        if (1 + (i % 4) == p.id) want.push_back(i);
      EXPECT_EQ(ids, want) << "post " << p.id;  // by key, as one database orders them
    }
  }
  {
    std::set<std::size_t> holding;  // the shards of the posts the comments name
    for (std::int64_t p = 1; p <= 4; ++p) holding.insert(shard_of(p));
    ar::statement_counter counter;
    const std::vector<sm_comment> comments =
        ar::from<sm_comment>() | ar::order_by(sm_comment::c.id) | ar::with("commentable") | ar::to_vector;
    for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(counter.count(shards[i]), 1U + holding.count(i)) << "shard " << i;
    ASSERT_EQ(comments.size(), 12U);
    for (const sm_comment& c : comments) {
      const std::shared_ptr<const sm_post> p = c.commentable().as<sm_post>();
      ASSERT_NE(p, nullptr) << "comment " << c.id;
      EXPECT_EQ(p->id, *c.commentable_id);
    }
  }
}

TEST_P(sharding_load, a_fanned_out_level_ordered_by_an_expression_is_refused_before_it_is_sent) {
  const std::vector<s_customer> customers = ar::from<s_customer>(shards[0]) | ar::to_vector;
  ASSERT_FALSE(customers.empty());
  ar::statement_counter counter;
  try {
    (void)(ar::from<s_customer>(shards[0]) |
           ar::with("reviews", [](ar::query<s_review> q) { return q | ar::order_by((s_review::c.stars * 2).desc()); }) |
           ar::to_vector);
    FAIL() << "rows of several shards were merged by an expression they do not hold";
  } catch (const ar::configuration_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("'reviews'"), std::string::npos) << what;
    EXPECT_NE(what.find("'shard0', 'shard1', 'shard2'"), std::string::npos) << what;
  }
  EXPECT_EQ(counter.count(), 1U);  // the customers; no review statement
}

TEST_P(sharding_load, a_through_relation_across_shards_is_refused_naming_the_relation_and_the_shards) {
  const std::vector<s_customer> customers = ar::from<s_customer>() | ar::to_vector;
  ar::statement_counter counter;
  try {
    (void)(ar::from<s_customer>(shards[0]) | ar::with("tags") | ar::to_vector);
    FAIL() << "a has_many_through to a sharded model was loaded";
  } catch (const ar::configuration_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("'tags'"), std::string::npos) << what;
    EXPECT_NE(what.find("sload_tags"), std::string::npos) << what;
    EXPECT_NE(what.find("'shard0', 'shard1', 'shard2'"), std::string::npos) << what;
  }
  EXPECT_THROW((void)customers[0].tags(), ar::configuration_error);
  EXPECT_EQ(counter.count(), 1U);  // the customers of shard0, nothing for the tags
}

AR_INSTANTIATE_BACKEND_SUITE(sharding_load);

}  // namespace
