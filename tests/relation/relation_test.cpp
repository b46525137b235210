// belongs_to, has_one, has_many: lazy loading, the cache, relation queries, writes through
// relations, dependents and transactions, counted in statements at the observation point.

#include "../support/backends.hpp"
#include "models.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace {

using namespace rel;

std::vector<std::string> titles(const std::vector<post>& posts) {
  std::vector<std::string> out;
  for (const auto& p : posts) out.push_back(p.title);
  std::sort(out.begin(), out.end());
  return out;
}

class relations : public ar_test::backend_test {
 protected:
  void SetUp() override {
    backend_test::SetUp();
    ar::create_tables<user, post, comment, profile, order, order_item, audit, member, account>(db);
    ar::insert(db, ada);
    ar::insert(db, bob);
    for (auto* p : {&first, &second}) {
      p->user_id = ada.id;
      ar::insert(db, *p);
    }
  }

  user ada{0, "ada"};
  user bob{0, "bob"};  // no posts, no profile
  post first{0, std::nullopt, "first"};
  post second{0, std::nullopt, "second"};
};

TEST_P(relations, belongs_to_loads_its_parent_once) {
  post p = ar::find_or_throw<post>(db, first.id);
  ar::statement_counter counter;
  auto author = p.author();
  ASSERT_NE(author, nullptr);
  EXPECT_EQ(author->username, "ada");
  EXPECT_EQ(counter.count(), 1u);
  EXPECT_EQ(p.author(), author);  // the same cached object
  EXPECT_EQ(counter.count(), 1u);
}

TEST_P(relations, a_null_foreign_key_runs_no_statement) {
  post lonely{0, std::nullopt, "lonely"};
  ar::insert(db, lonely);
  ar::statement_counter counter;
  EXPECT_EQ(lonely.author(), nullptr);
  EXPECT_EQ(lonely.author(), nullptr);
  EXPECT_EQ(counter.count(), 0u);
}

TEST_P(relations, a_dangling_foreign_key_is_none_and_cached) {
  post orphan{0, ada.id + 1000, "orphan"};
  ar::insert(db, orphan);
  ar::statement_counter counter;
  EXPECT_EQ(orphan.author(), nullptr);
  EXPECT_EQ(orphan.author(), nullptr);
  EXPECT_EQ(counter.count(), 1u);  // "none" is cached too
}

TEST_P(relations, has_many_loads_every_child_once) {
  ar::statement_counter counter;
  const auto& posts = ada.posts();
  EXPECT_EQ(titles(posts), (std::vector<std::string>{"first", "second"}));
  EXPECT_EQ(titles(ada.posts()), (std::vector<std::string>{"first", "second"}));
  EXPECT_EQ(counter.count(), 1u);
  const auto sql = counter.statements();
  EXPECT_EQ(sql[0], ar_test::sql_for(db,
                                     "SELECT {id}, {user_id}, {title}, {status} FROM {posts} WHERE {user_id} = "
                                     "? ORDER BY {id}"));
}

TEST_P(relations, an_owner_without_children_gets_an_empty_collection_once) {
  ar::statement_counter counter;
  EXPECT_TRUE(bob.posts().empty());
  EXPECT_TRUE(bob.posts().empty());
  EXPECT_EQ(counter.count(), 1u);  // "empty" is cached, not "not loaded"
}

TEST_P(relations, an_unsaved_owner_has_no_children_and_asks_nothing) {
  user fresh{0, "fresh"};
  ar::statement_counter counter;
  EXPECT_TRUE(fresh.posts().empty());
  EXPECT_EQ(fresh.profile(), nullptr);
  EXPECT_EQ(fresh.posts_query() | ar::count, 0);  // an empty query, never the whole table
  EXPECT_EQ(counter.count(), 1u);                 // only the count
}

TEST_P(relations, has_one_loads_the_match_or_none) {
  profile bio{0, ada.id, "mathematician"};
  ar::insert(db, bio);
  ar::statement_counter counter;
  ASSERT_NE(ada.profile(), nullptr);
  EXPECT_EQ(ada.profile()->bio, "mathematician");
  EXPECT_EQ(bob.profile(), nullptr);
  EXPECT_EQ(bob.profile(), nullptr);
  EXPECT_EQ(counter.count(), 2u);
}

TEST_P(relations, has_one_with_several_matches_takes_the_lowest_key) {
  profile a{0, ada.id, "a"}, b{0, ada.id, "b"};
  ar::insert(db, a);
  ar::insert(db, b);
  ASSERT_NE(ada.profile(), nullptr);
  EXPECT_EQ(ada.profile()->id, std::min(a.id, b.id));
}

TEST_P(relations, loading_fills_the_inverse_so_reading_it_back_is_free) {
  const auto& posts = ada.posts();
  ar::statement_counter counter;
  ASSERT_EQ(posts.size(), 2u);
  auto a = posts[0].author();
  auto b = posts[1].author();
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->username, "ada");
  EXPECT_EQ(a, b);  // siblings share one parent object
  EXPECT_EQ(counter.count(), 0u);
}

TEST_P(relations, the_cache_holds_until_reloaded_or_cleared) {
  EXPECT_EQ(ada.posts().size(), 2u);
  post third{0, ada.id, "third"};
  ar::insert(db, third);
  ar::statement_counter counter;
  EXPECT_EQ(ada.posts().size(), 2u);  // cached
  EXPECT_EQ(counter.count(), 0u);
  EXPECT_EQ(ada.posts(ar::reload).size(), 3u);
  EXPECT_EQ(counter.count(), 1u);

  post fourth{0, ada.id, "fourth"};
  ar::insert(db, fourth);
  ar::reload_relation(ada, "posts");
  EXPECT_EQ(ada.posts().size(), 4u);
  ar::clear_relation_cache(ada, "posts");
  EXPECT_FALSE(ar::relation_loaded(ada, "posts"));
  EXPECT_EQ(ada.posts().size(), 4u);
  (void)ada.profile();
  ar::clear_relation_cache(ada);  // every relation
  EXPECT_FALSE(ar::relation_loaded(ada, "posts"));
  EXPECT_FALSE(ar::relation_loaded(ada, "profile"));
  counter.reset();
  (void)ada.posts();
  (void)ada.profile();
  EXPECT_EQ(counter.count(), 2u);
}

TEST_P(relations, an_unknown_relation_name_is_an_error_naming_the_model) {
  try {
    ar::clear_relation_cache(ada, "comments");
    FAIL() << "expected ar::relation_not_found";
  } catch (const ar::relation_not_found& e) {
    EXPECT_NE(std::string(e.what()).find("'users'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("'comments'"), std::string::npos) << e.what();
  }
  EXPECT_THROW(ar::reload_relation(ada, ""), ar::relation_not_found);
  EXPECT_THROW((void)ar::relation_loaded(ada, "Posts"), ar::relation_not_found);
}

TEST_P(relations, relation_queries_refine_like_any_pipeline) {
  post draft{0, ada.id, "draft one", "draft"};
  ar::insert(db, draft);
  ar::statement_counter counter;
  EXPECT_EQ(ada.posts_query() | ar::filter(post::c.status == "draft") | ar::count, 1);
  auto ordered = ada.posts_query() | ar::order_by(ar::desc(post::c.title)) | ar::take(2) | ar::to_vector;
  ASSERT_EQ(ordered.size(), 2u);
  EXPECT_EQ(ordered[0].title, "second");
  EXPECT_EQ(counter.count(), 2u);
  EXPECT_EQ(bob.posts_query() | ar::count, 0);
  EXPECT_EQ(first.author_query() | ar::count, 1);
}

TEST_P(relations, a_null_key_gives_an_empty_query_never_an_unfiltered_one) {
  post lonely{0, std::nullopt, "lonely"};
  const auto q = lonely.author_query();
  EXPECT_EQ(q | ar::count, 0);
  EXPECT_NE(q.to_sql().find("1 = 0"), std::string::npos) << q.to_sql();
}

TEST_P(relations, a_failed_load_throws_and_leaves_the_cache_as_it_was) {
  EXPECT_EQ(ada.posts().size(), 2u);
  ar::drop_table<comment>(db);
  ar::drop_table<post>(db);
  EXPECT_THROW((void)ada.posts(ar::reload), ar::database_error);
  EXPECT_TRUE(ar::relation_loaded(ada, "posts"));
  EXPECT_EQ(ada.posts().size(), 2u);
  user other = ar::find_or_throw<user>(db, ada.id);
  EXPECT_THROW((void)other.posts(), ar::database_error);
  EXPECT_FALSE(ar::relation_loaded(other, "posts"));
}

TEST_P(relations, records_stay_plain_values_and_copies_keep_what_was_loaded) {
  (void)ada.posts();
  user copy = ada;
  ar::statement_counter counter;
  EXPECT_EQ(copy.posts().size(), 2u);
  EXPECT_EQ(counter.count(), 0u);
  EXPECT_EQ(copy, ar::find_or_throw<user>(db, ada.id));  // caches take no part in ==
  user moved = std::move(copy);
  EXPECT_EQ(moved.posts().size(), 2u);
  EXPECT_EQ(counter.count(), 1u);  // only the find
}

TEST_P(relations, adding_a_child_sets_its_key_saves_it_and_keeps_the_cache_true) {
  (void)ada.posts();
  post added{0, std::nullopt, "added"};
  ar::statement_counter counter;
  ada.posts_add(added);
  EXPECT_EQ(counter.count(), 1u);  // the INSERT
  EXPECT_EQ(added.user_id, ada.id);
  EXPECT_GT(added.id, 0);
  EXPECT_EQ(titles(ada.posts()), (std::vector<std::string>{"added", "first", "second"}));
  EXPECT_EQ(counter.count(), 1u);

  post created = ada.posts_create(post{0, std::nullopt, "created"});
  EXPECT_GT(created.id, 0);
  EXPECT_EQ(ada.posts().size(), 4u);
  EXPECT_EQ(ada.posts_query() | ar::count, 4);  // the cache agrees with the table

  added.title = "renamed";
  ada.posts_add(added);  // already saved: an update, the cached copy follows
  EXPECT_EQ(titles(ada.posts()), (std::vector<std::string>{"created", "first", "renamed", "second"}));
  EXPECT_EQ(ada.posts_query() | ar::count, 4);
}

// A write through a relation that the database refuses leaves the child as it was: its foreign
// key and its key, field by field, and the owner's cache.
TEST_P(relations, a_failed_add_or_create_leaves_the_child_and_the_cache_as_they_were) {
  db.execute(ar_test::sql_for(db, "CREATE UNIQUE INDEX {posts_title_unique} ON {posts} ({title})"));
  (void)ada.posts();
  (void)bob.posts();
  post twin{0, std::nullopt, "first"};  // a new child whose INSERT fails
  const post before = twin;
  EXPECT_THROW(bob.posts_add(twin), ar::database_error);
  EXPECT_EQ(twin, before);
  EXPECT_FALSE(twin.user_id.has_value());
  EXPECT_EQ(twin.id, 0);
  EXPECT_TRUE(bob.posts().empty());

  post saved{0, 7, "saved"};  // a saved child whose UPDATE fails: its old foreign key stays
  saved.user_id = std::nullopt;
  ar::insert(db, saved);
  saved.title = "second";
  const post saved_before = saved;
  EXPECT_THROW(ada.posts_add(saved), ar::database_error);
  EXPECT_EQ(saved, saved_before);
  EXPECT_EQ(ar::find_or_throw<post>(db, saved.id).title, "saved");
  EXPECT_EQ(titles(ada.posts()), (std::vector<std::string>{"first", "second"}));

  EXPECT_THROW((void)bob.posts_create(post{0, std::nullopt, "second"}), ar::database_error);
  EXPECT_TRUE(bob.posts().empty());
  EXPECT_EQ(ar::from<post>(db) | ar::count, 3);
}

TEST_P(relations, a_failed_has_one_set_leaves_the_child_as_it_was) {
  db.execute(ar_test::sql_for(db, "CREATE UNIQUE INDEX {profiles_bio_unique} ON {profiles} ({bio})"));
  profile adas{0, 0, "taken"};
  ada.profile_set(adas);
  profile first_bio{0, 0, "one"};
  bob.profile_set(first_bio);
  profile second_bio{0, 42, "taken"};  // ada's bio: the unique index refuses it
  const profile before = second_bio;
  EXPECT_THROW(bob.profile_set(second_bio), ar::database_error);
  EXPECT_EQ(second_bio, before);
  ASSERT_NE(bob.profile(), nullptr);
  EXPECT_EQ(bob.profile()->bio, "one");
  // The old profile, which AR_DEPENDENT(delete) removes before the new one is saved, is back.
  EXPECT_TRUE(ar::find<profile>(db, first_bio.id).has_value());
}

TEST_P(relations, a_write_through_a_relation_on_a_closed_database_leaves_the_child_as_it_was) {
  (void)ada.posts();
  post fresh{0, 5, "fresh"};
  post saved{0, std::nullopt, "saved"};
  ar::insert(db, saved);
  const post fresh_before = fresh, saved_before = saved;
  db.close();
  EXPECT_THROW(bob.posts_add(fresh), ar::error);
  EXPECT_THROW(ada.posts_add(saved), ar::error);
  EXPECT_EQ(fresh, fresh_before);
  EXPECT_EQ(saved, saved_before);
  EXPECT_EQ(titles(ada.posts()), (std::vector<std::string>{"first", "second"}));
}

TEST_P(relations, adding_to_an_unsaved_owner_is_an_error) {
  user fresh{0, "fresh"};
  post p{0, std::nullopt, "p"};
  EXPECT_THROW(fresh.posts_add(p), ar::error);
  EXPECT_EQ(p.id, 0);
}

TEST_P(relations, setting_a_has_one_points_it_at_the_owner) {
  profile bio{0, 0, "hello"};
  bob.profile_set(bio);
  EXPECT_EQ(bio.user_id, bob.id);
  ar::statement_counter counter;
  ASSERT_NE(bob.profile(), nullptr);  // set: loaded, no statement
  EXPECT_EQ(bob.profile()->bio, "hello");
  EXPECT_EQ(counter.count(), 0u);
  EXPECT_EQ(ar::find_or_throw<profile>(db, bio.id).user_id, bob.id);
}

TEST_P(relations, a_foreign_key_assigned_by_hand_is_followed_by_a_loaded_belongs_to) {
  post p = ar::find_or_throw<post>(db, first.id);
  ASSERT_EQ(p.author()->username, "ada");
  ar::statement_counter counter;
  p.user_id = bob.id;  // by hand, not through author_associate
  ASSERT_NE(p.author(), nullptr);
  EXPECT_EQ(p.author()->username, "bob");
  EXPECT_EQ(counter.count(), 1u);  // read again once
  EXPECT_EQ(p.author()->username, "bob");
  EXPECT_EQ(counter.count(), 1u);  // then cached
  p.user_id.reset();
  EXPECT_EQ(p.author(), nullptr);
  EXPECT_EQ(counter.count(), 1u);  // a NULL key names no parent: nothing to read
}

TEST_P(relations, associate_and_dissociate_a_parent) {
  post p{0, std::nullopt, "p"};
  ar::insert(db, p);
  ar::statement_counter counter;
  p.author_associate(bob);
  EXPECT_EQ(p.user_id, bob.id);
  EXPECT_EQ(p.author()->username, "bob");
  EXPECT_EQ(counter.count(), 0u);  // nothing is written until the record is saved
  ar::save(db, p);
  EXPECT_EQ(ar::find_or_throw<post>(db, p.id).user_id, bob.id);
  p.author_dissociate();
  EXPECT_EQ(p.user_id, std::nullopt);
  EXPECT_EQ(p.author(), nullptr);
  ar::save(db, p);
  EXPECT_EQ(ar::find_or_throw<post>(db, p.id).user_id, std::nullopt);
  user unsaved{0, "unsaved"};
  EXPECT_THROW(p.author_associate(unsaved), ar::error);
}

TEST_P(relations, a_relation_on_another_key_follows_it) {
  member m{0, "M-7"};
  ar::insert(db, m);
  account a{0, "M-7", 10.5}, b{0, "M-7", 2}, other{0, "M-8", 1};
  for (auto* x : {&a, &b, &other}) ar::insert(db, *x);
  EXPECT_EQ(m.accounts().size(), 2u);
  ASSERT_NE(a.holder(), nullptr);
  EXPECT_EQ(a.holder()->id, m.id);
  EXPECT_EQ(other.holder(), nullptr);
  account added{0, "", 5};
  m.accounts_add(added);
  EXPECT_EQ(added.member_code, "M-7");
}

TEST_P(relations, destroying_an_owner_applies_every_dependent_option_in_one_transaction) {
  comment c{0, first.id, "nice"};
  ar::insert(db, c);
  profile bio{0, ada.id, "bio"};
  ar::insert(db, bio);
  order o{0, ada.id, "A-1"};
  ar::insert(db, o);
  order_item item{0, o.id, "sku", 2};
  ar::insert(db, item);

  ar::statement_counter counter;
  EXPECT_TRUE(ar::destroy(db, ada));
  const auto sql = counter.statements();
  EXPECT_EQ(sql.front(), "BEGIN");
  EXPECT_EQ(sql.back(), "COMMIT");

  EXPECT_EQ(ar::find<user>(db, ada.id), std::nullopt);
  EXPECT_EQ(ar::from<post>(db) | ar::count, 0);     // destroy: each post destroyed...
  EXPECT_EQ(ar::from<comment>(db) | ar::count, 0);  // ...with its comments (delete)
  EXPECT_EQ(ar::from<profile>(db) | ar::count, 0);  // delete
  auto kept = ar::find_or_throw<order>(db, o.id);   // nullify: the order stays, without its user
  EXPECT_EQ(kept.user_id, std::nullopt);
  EXPECT_EQ(ar::from<order_item>(db) | ar::count, 1);
}

TEST_P(relations, restrict_refuses_while_rows_exist_and_changes_nothing) {
  audit a{0, ada.id, "checked"};
  ar::insert(db, a);
  EXPECT_THROW(ar::destroy(db, ada), ar::restrict_error);
  EXPECT_TRUE(ar::find<user>(db, ada.id).has_value());
  EXPECT_EQ(ada.posts_query() | ar::count, 2);
  EXPECT_FALSE(db.in_transaction());
  ar::destroy(db, a);
  EXPECT_TRUE(ar::destroy(db, ada));
}

TEST_P(relations, a_failure_while_destroying_rolls_every_dependent_back) {
  // A table ar does not know holds a real foreign key to the user: deleting the user fails after
  // its posts were destroyed, and the rollback must bring them back.
  // A table-level FOREIGN KEY: MySQL ignores a REFERENCES written on the column.
  db.execute(ar_test::sql_for(db,
                              "CREATE TABLE {pins} ({id} INTEGER PRIMARY KEY, {user_id} BIGINT NOT NULL, "
                              "FOREIGN KEY ({user_id}) REFERENCES {users} ({id}))"));
  db.execute(ar_test::sql_for(db, "INSERT INTO {pins} ({id}, {user_id}) VALUES (1, ?)"), {ada.id});
  EXPECT_THROW(ar::destroy(db, ada), ar::database_error);
  EXPECT_FALSE(db.in_transaction());
  EXPECT_EQ(ada.posts_query() | ar::count, 2);
  EXPECT_TRUE(ar::find<user>(db, ada.id).has_value());
  db.execute(ar_test::sql_for(db, "DROP TABLE {pins}"));
}

TEST_P(relations, destroy_of_a_key_applies_dependents_too) {
  EXPECT_TRUE(ar::destroy<user>(db, ada.id));
  EXPECT_EQ(ar::from<post>(db) | ar::count, 0);
  EXPECT_FALSE(ar::destroy<user>(db, ada.id));
}

TEST_P(relations, a_relation_loads_through_the_targets_database) {
  auto other = ar_test::open_backend(GetParam(), "other");
  ar::create_table<order>(other);
  ar::bind<order>("other");
  order o{0, ada.id, "far away"};
  ar::insert(o);
  ar::statement_counter counter;
  {
    ar::transaction tx(db);  // a transaction here must not capture loads of models that live there
    const auto& orders = ada.orders();
    ASSERT_EQ(orders.size(), 1u);
    EXPECT_EQ(orders[0].number, "far away");
    tx.commit();
  }
  EXPECT_EQ(counter.count(other), 1u);
  EXPECT_EQ(counter.count(db), 2u);  // BEGIN, COMMIT
  ar::bind<order>("default");
}

AR_INSTANTIATE_BACKEND_SUITE(relations);

}  // namespace
