// Many-to-many through a join model that is an ordinary model; friendships as a self
// many-to-many with two relations between the same pair of models.

#include "../support/backends.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace {

struct tag;
struct post_tag;

struct post {
  std::int64_t id = 0;
  std::string title;
  AR_MODEL(post, "posts", AR_FIELDS(id, title), AR_HAS_MANY_THROUGH(tags, tag, post_tag, post_id, tag_id));
};

struct tag {
  std::int64_t id = 0;
  std::string name;
  AR_MODEL(tag, "tags", AR_FIELDS(id, name), AR_HAS_MANY_THROUGH(posts, post, post_tag, tag_id, post_id));
  friend bool operator==(const tag&, const tag&) = default;
};

struct post_tag {
  std::int64_t id = 0;
  std::int64_t post_id = 0;
  std::int64_t tag_id = 0;
  std::optional<std::string> added_by;
  AR_MODEL(post_tag, "post_tags", AR_FIELDS(id, post_id, tag_id, added_by));
};

struct friendship;
struct person {
  std::int64_t id = 0;
  std::string name;
  AR_MODEL(person, "people", AR_FIELDS(id, name),
           AR_HAS_MANY_THROUGH(friends, person, friendship, person_id, friend_id),
           AR_HAS_MANY_THROUGH(friend_of, person, friendship, friend_id, person_id));
};
struct friendship {
  std::int64_t id = 0;
  std::int64_t person_id = 0;
  std::int64_t friend_id = 0;
  AR_MODEL(friendship, "friendships", AR_FIELDS(id, person_id, friend_id));
};

std::vector<std::string> names(const std::vector<tag>& tags) {
  std::vector<std::string> out;
  for (const auto& t : tags) out.push_back(t.name);
  std::sort(out.begin(), out.end());
  return out;
}

class through : public ar_test::backend_test {
 protected:
  void SetUp() override {
    backend_test::SetUp();
    ar::create_tables<post, tag, post_tag, person, friendship>(db);
    for (auto* p : {&p1, &p2, &p3}) ar::insert(db, *p);
    for (auto* t : {&cpp, &sql, &orm}) ar::insert(db, *t);
    link(p1, cpp);
    link(p1, orm);
    link(p2, sql);
  }
  void link(const post& p, const tag& t) {
    post_tag pt{0, p.id, t.id, std::nullopt};
    ar::insert(db, pt);
  }
  post p1{0, "one"}, p2{0, "two"}, p3{0, "three"};
  tag cpp{0, "c++"}, sql{0, "sql"}, orm{0, "orm"};
};

TEST_P(through, lazy_access_is_one_statement_with_the_join_in_sql) {
  ar::statement_counter counter;
  EXPECT_EQ(names(p1.tags()), (std::vector<std::string>{"c++", "orm"}));
  EXPECT_EQ(names(p1.tags()), (std::vector<std::string>{"c++", "orm"}));
  EXPECT_TRUE(p3.tags().empty());
  EXPECT_EQ(counter.count(), 2u);
  ASSERT_EQ(cpp.posts().size(), 1u);
  EXPECT_EQ(cpp.posts()[0].title, "one");
  EXPECT_EQ(counter.count(), 3u);  // the other direction: one statement of its own
}

// A failed attach, sync or toggle leaves the records and the loaded collection as they were.
TEST_P(through, a_failed_attach_sync_or_toggle_leaves_the_records_and_the_cache_as_they_were) {
  db.execute(ar_test::sql_for(db, "CREATE UNIQUE INDEX {post_tags_link_unique} ON {post_tags} ({post_id}, {tag_id})"));
  db.execute(ar_test::sql_for(db, "CREATE UNIQUE INDEX {post_tags_by_unique} ON {post_tags} ({added_by})"));
  ASSERT_EQ(names(p1.tags()), (std::vector<std::string>{"c++", "orm"}));
  const post p1_before = p1;
  const tag cpp_before = cpp;
  EXPECT_FALSE(p1.tags_attach(cpp));  // linked already: not written (the unique index would refuse it)
  EXPECT_EQ(p1.id, p1_before.id);
  EXPECT_EQ(p1.title, p1_before.title);
  EXPECT_EQ(cpp, cpp_before);
  EXPECT_EQ(names(p1.tags()), (std::vector<std::string>{"c++", "orm"}));

  post_tag taken{0, p3.id, sql.id, "me"};
  ar::insert(db, taken);
  const post_tag prototype{0, 0, 0, "me"};  // its added_by is taken
  EXPECT_THROW(p1.tags_attach(sql, prototype), ar::database_error);
  EXPECT_EQ(prototype.id, 0);
  EXPECT_EQ(names(p1.tags()), (std::vector<std::string>{"c++", "orm"}));

  db.close();
  EXPECT_THROW(p1.tags_toggle(sql), ar::error);
  EXPECT_THROW(p1.tags_sync(std::vector<std::int64_t>{sql.id}), ar::error);
  EXPECT_EQ(names(p1.tags()), (std::vector<std::string>{"c++", "orm"}));  // still the loaded rows: no statement
}

TEST_P(through, eager_with_tags_is_two_statements) {
  ar::statement_counter counter;
  auto posts = ar::from<post>(db) | ar::order_by(post::c.id) | ar::with("tags") | ar::to_vector;
  EXPECT_EQ(counter.count(), 2u);
  EXPECT_EQ(names(posts[0].tags()), (std::vector<std::string>{"c++", "orm"}));
  EXPECT_EQ(names(posts[1].tags()), (std::vector<std::string>{"sql"}));
  EXPECT_TRUE(posts[2].tags().empty());
  EXPECT_EQ(counter.count(), 2u);
  EXPECT_EQ(
      counter.statements()[1],
      ar_test::sql_for(db,
                       "SELECT {tags}.{id}, {tags}.{name}, {ar_j}.{post_id} FROM {tags} JOIN {post_tags} AS {ar_j} "
                       "ON {ar_j}.{tag_id} = {tags}.{id} WHERE {ar_j}.{post_id} IN (?, ?, ?) ORDER BY {tags}.{id}"));
}

TEST_P(through, load_missing_goes_through_a_loaded_has_many_through) {
  auto posts = ar::from<post>(db) | ar::order_by(post::c.id) | ar::with("tags") | ar::to_vector;
  ar::statement_counter counter;
  ar::load_missing(posts, "tags");
  EXPECT_EQ(counter.count(), 0u);  // loaded: nothing to send
  ar::load_missing(posts, "tags.posts");
  EXPECT_EQ(counter.count(), 1u);  // only the tags' posts, through the join model
  EXPECT_EQ(posts[0].tags()[0].posts().size(), 1u);
  EXPECT_EQ(counter.count(), 1u);
}

TEST_P(through, a_join_model_on_another_database_costs_one_more_statement) {
  auto other = ar_test::open_backend(GetParam(), "other");
  ar::create_table<post_tag>(other);
  ar::bind<post_tag>("other");
  post_tag a{0, p1.id, sql.id, std::nullopt}, b{0, p2.id, orm.id, std::nullopt};
  ar::insert(a);
  ar::insert(b);
  ar::statement_counter counter;
  auto posts = ar::from<post>(db) | ar::order_by(post::c.id) | ar::with("tags") | ar::to_vector;
  EXPECT_EQ(counter.count(), 3u);
  EXPECT_EQ(counter.count(other), 1u);
  EXPECT_EQ(names(posts[0].tags()), (std::vector<std::string>{"sql"}));
  EXPECT_EQ(names(posts[1].tags()), (std::vector<std::string>{"orm"}));
  post fresh = ar::find_or_throw<post>(db, p1.id);
  counter.reset();
  EXPECT_EQ(names(fresh.tags()), (std::vector<std::string>{"sql"}));
  EXPECT_EQ(counter.count(), 2u);  // lazily: the join rows, then the tags
  counter.reset();
  EXPECT_EQ(fresh.tags_query() | ar::count, 1);  // the join's keys there, the count here
  EXPECT_EQ(counter.count(), 2u);
  fresh.tags_sync({cpp.id, orm.id});
  EXPECT_EQ(names(fresh.tags()), (std::vector<std::string>{"c++", "orm"}));
  ar::bind<post_tag>("default");
}

TEST_P(through, automatic_batching_works_through_a_join) {
  ar::statement_counter counter;
  std::size_t total = 0;
  for (const post& p : ar::from<post>(db) | ar::to_vector) total += p.tags().size();
  EXPECT_EQ(total, 3u);
  EXPECT_EQ(counter.count(), 2u);
}

TEST_P(through, eager_and_lazy_agree) {
  auto eager = ar::from<post>(db) | ar::order_by(post::c.id) | ar::with("tags") | ar::to_vector;
  ASSERT_EQ(eager.size(), 3u);  // an empty result would agree with anything
  const std::vector<std::vector<std::string>> linked{{"c++", "orm"}, {"sql"}, {}};
  for (std::size_t i = 0; i < eager.size(); ++i) {
    post lazy = ar::find_or_throw<post>(db, eager[i].id);
    EXPECT_EQ(names(eager[i].tags()), linked[i]) << eager[i].title;
    EXPECT_EQ(names(lazy.tags()), linked[i]) << eager[i].title;
  }
}

TEST_P(through, attach_detach_keep_a_loaded_cache_true) {
  EXPECT_EQ(p3.tags().size(), 0u);
  ar::statement_counter counter;
  EXPECT_TRUE(p3.tags_attach(cpp, post_tag{0, 0, 0, "ada"}));
  EXPECT_EQ(counter.count(), 2u);  // is the pair linked? then the INSERT
  EXPECT_EQ(names(p3.tags()), (std::vector<std::string>{"c++"}));
  auto join = ar::from<post_tag>(db) | ar::filter(post_tag::c.post_id == p3.id) | ar::first;
  ASSERT_TRUE(join);
  EXPECT_EQ(join->added_by, "ada");  // the join model's own fields are stored
  EXPECT_TRUE(p3.tags_detach(cpp));
  EXPECT_TRUE(p3.tags().empty());
  EXPECT_FALSE(p3.tags_detach(cpp));
  EXPECT_EQ(p3.tags_query() | ar::count, 0);
}

TEST_P(through, sync_sends_only_the_statements_needed_in_one_transaction) {
  ar::statement_counter counter;
  p1.tags_sync(std::vector<std::int64_t>{cpp.id, sql.id});  // keep c++, drop orm, add sql
  const auto sql_text = counter.statements();
  ASSERT_EQ(sql_text.size(), 6u);  // the keys' check, BEGIN, read, delete, insert, COMMIT
  EXPECT_EQ(sql_text[0].rfind("SELECT", 0), 0u) << sql_text[0];
  EXPECT_EQ(sql_text[1], "BEGIN");
  EXPECT_EQ(sql_text.back(), "COMMIT");
  EXPECT_EQ(names(p1.tags()), (std::vector<std::string>{"c++", "sql"}));
  counter.reset();
  p1.tags_sync(std::vector<std::int64_t>{cpp.id, sql.id});  // nothing to change
  EXPECT_EQ(counter.count(), 4u);                           // the check, BEGIN, read, COMMIT
  p1.tags_sync(std::vector<std::int64_t>{});
  EXPECT_TRUE(p1.tags().empty());
}

TEST_P(through, attach_does_not_write_a_second_link_for_a_linked_pair) {
  ar::statement_counter counter;
  EXPECT_FALSE(p1.tags_attach(cpp));  // p1 has c++ already
  EXPECT_EQ(counter.count(), 1u);     // the look, no INSERT
  EXPECT_EQ(
      (ar::from<post_tag>(db) | ar::filter(post_tag::c.post_id == p1.id && post_tag::c.tag_id == cpp.id) | ar::count),
      1);
  EXPECT_EQ(names(p1.tags()), (std::vector<std::string>{"c++", "orm"}));
  EXPECT_TRUE(p1.tags_attach(sql));
  EXPECT_EQ(names(p1.tags(ar::reload)), (std::vector<std::string>{"c++", "orm", "sql"}));
}

TEST_P(through, sync_refuses_a_key_no_target_has_before_writing_anything) {
  ar::statement_counter counter;
  try {
    p1.tags_sync(std::vector<std::int64_t>{cpp.id, 9999, sql.id});
    FAIL() << "sync linked a tag that does not exist";
  } catch (const ar::error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("no 'tags' record has the key 9999"), std::string::npos) << what;
  }
  EXPECT_EQ(counter.count(), 1u);  // the check only
  EXPECT_EQ(names(p1.tags(ar::reload)), (std::vector<std::string>{"c++", "orm"}));
}

TEST_P(through, toggle_attaches_then_detaches) {
  EXPECT_TRUE(p2.tags_toggle(cpp));
  EXPECT_EQ(names(p2.tags()), (std::vector<std::string>{"c++", "sql"}));
  EXPECT_FALSE(p2.tags_toggle(cpp));
  EXPECT_EQ(names(p2.tags()), (std::vector<std::string>{"sql"}));
}

TEST_P(through, an_ordering_modifier_is_refused_before_anything_runs) {
  ar::statement_counter counter;
  EXPECT_THROW(
      (void)(ar::from<post>(db) | ar::with("tags", [](ar::query<tag> q) { return q | ar::order_by(tag::c.name); })),
      ar::error);
  EXPECT_EQ(counter.count(), 0u);
}

TEST_P(through, linking_unsaved_records_is_an_error) {
  post fresh{0, "fresh"};
  tag unsaved{0, "new"};
  EXPECT_THROW(fresh.tags_attach(cpp), ar::error);
  EXPECT_THROW(p1.tags_attach(unsaved), ar::error);
}

TEST_P(through, friendships_are_two_relations_between_the_same_models) {
  person ann{0, "ann"}, ben{0, "ben"}, cat{0, "cat"};
  for (auto* x : {&ann, &ben, &cat}) ar::insert(db, *x);
  ann.friends_attach(ben);
  ann.friends_attach(cat);
  cat.friends_attach(ben);
  ar::statement_counter counter;
  auto people = ar::from<person>(db) | ar::order_by(person::c.id) | ar::with("friends", "friend_of") | ar::to_vector;
  EXPECT_EQ(counter.count(), 3u);
  EXPECT_EQ(people[0].friends().size(), 2u);    // ann -> ben, cat
  EXPECT_EQ(people[1].friend_of().size(), 2u);  // ben <- ann, cat
  EXPECT_TRUE(people[1].friends().empty());
  EXPECT_EQ(people[2].friend_of()[0].name, "ann");
}

TEST_P(through, where_has_and_with_count_follow_a_through_relation_in_one_statement) {
  link(p3, tag{9999, "gone"});  // a join row whose tag does not exist: neither loaded nor counted
  ar::statement_counter counter;
  const auto tagged = ar::from<post>(db) | ar::where_has("tags") | ar::order_by(post::c.id) | ar::to_vector;
  const auto untagged = ar::from<post>(db) | ar::where_doesnt_have("tags") | ar::to_vector;
  const auto about_sql = ar::from<post>(db) |
                         ar::where_has("tags", [](ar::query<tag> q) { return q | ar::filter(tag::c.name == "sql"); }) |
                         ar::to_vector;
  const auto counted = ar::from<post>(db) | ar::order_by(post::c.id) | ar::with_count("tags") | ar::to_vector;
  // Past a through relation, on to the next: the tags of a post that has the tag "orm".
  const auto beside_orm =
      ar::from<tag>(db) |
      ar::where_has("posts.tags", [](ar::query<tag> q) { return q | ar::filter(tag::c.name == "orm"); }) |
      ar::order_by(tag::c.id) | ar::to_vector;
  EXPECT_EQ(counter.count(), 5u);
  ASSERT_EQ(tagged.size(), 2u);
  EXPECT_EQ(tagged[0].id, p1.id);
  EXPECT_EQ(tagged[1].id, p2.id);
  ASSERT_EQ(untagged.size(), 1u);
  EXPECT_EQ(untagged[0].id, p3.id);
  ASSERT_EQ(about_sql.size(), 1u);
  EXPECT_EQ(about_sql[0].id, p2.id);
  EXPECT_EQ(counted[0].tags_count(), 2);
  EXPECT_EQ(counted[1].tags_count(), 1);
  EXPECT_EQ(counted[2].tags_count(), 0);
  ASSERT_EQ(beside_orm.size(), 2u);
  EXPECT_EQ(beside_orm[0].name, "c++");
  EXPECT_EQ(beside_orm[1].name, "orm");
  EXPECT_EQ(counter.count(), 5u);  // the counts were read with the posts
  EXPECT_EQ(counter.statements()[0],
            ar_test::sql_for(db,
                             "SELECT {id}, {title} FROM {posts} WHERE EXISTS (SELECT 1 FROM {post_tags} AS {ar_s1} "
                             "WHERE {ar_s1}.{post_id} = {posts}.{id} AND EXISTS (SELECT 1 FROM {tags} AS {ar_s2} "
                             "WHERE {ar_s2}.{id} = {ar_s1}.{tag_id})) ORDER BY {id}"));
  EXPECT_EQ(
      counter.statements()[3],
      ar_test::sql_for(db,
                       "SELECT {id}, {title}, (SELECT COUNT(*) FROM {post_tags} AS {ar_s1} WHERE {ar_s1}.{post_id} "
                       "= {posts}.{id} AND EXISTS (SELECT 1 FROM {tags} AS {ar_s2} WHERE {ar_s2}.{id} = "
                       "{ar_s1}.{tag_id})) FROM {posts} ORDER BY {id}"));
  for (const post& p : counted) EXPECT_EQ(static_cast<std::int64_t>(p.tags().size()), p.tags_count());
}

TEST_P(through, a_subquery_through_a_join_model_on_another_database_is_refused) {
  auto other = ar_test::open_backend(GetParam(), "other");
  ar::create_table<post_tag>(other);
  ar::bind<post_tag>("other");
  ar::statement_counter counter;
  EXPECT_THROW((void)(ar::from<post>(db) | ar::where_has("tags")), ar::error);
  EXPECT_THROW((void)(ar::from<post>(db) | ar::with_count("tags")), ar::error);
  EXPECT_EQ(counter.count(), 0u);
  ar::bind<post_tag>("default");
}

AR_INSTANTIATE_BACKEND_SUITE(through);

}  // namespace
