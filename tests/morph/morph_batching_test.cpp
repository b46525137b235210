// Polymorphic reads batched like every other relation: a lazy morph_to over records read by one
// query costs one statement per distinct type; morph_many / morph_one fill their children's
// morph_to (the inferred inverse); where_has / with_count follow a polymorphic many-to-many.

#include "../support/backends.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace {

struct mb_comment;
struct mb_cover;
struct mb_label;
struct mb_labelling;

struct mb_post {
  std::int64_t id = 0;
  std::string title;
  AR_MODEL(mb_post, "mb_posts", AR_FIELDS(id, title), AR_MORPH_MANY(comments, mb_comment, commentable),
           AR_MORPH_ONE(cover, mb_cover, imageable),
           AR_MORPH_MANY_THROUGH(labels, mb_label, mb_labelling, labellable, label_id));
};

struct mb_video {
  std::int64_t id = 0;
  std::string url;
  AR_MODEL(mb_video, "mb_videos", AR_FIELDS(id, url), AR_MORPH_MANY(comments, mb_comment, commentable),
           AR_MORPH_NAME("MbVideo"), AR_MORPH_MANY_THROUGH(labels, mb_label, mb_labelling, labellable, label_id));
};

struct mb_photo {
  std::int64_t id = 0;
  std::string path;
  AR_MODEL(mb_photo, "mb_photos", AR_FIELDS(id, path), AR_MORPH_MANY(comments, mb_comment, commentable));
};

struct mb_comment {
  std::int64_t id = 0;
  std::string commentable_type;
  std::optional<std::int64_t> commentable_id;
  std::string body;
  AR_MODEL(mb_comment, "mb_comments", AR_FIELDS(id, commentable_type, commentable_id, body),
           AR_MORPH_TO(commentable, commentable_type, commentable_id));
};

struct mb_cover {
  std::int64_t id = 0;
  std::string imageable_type;
  std::int64_t imageable_id = 0;
  std::string file;
  AR_MODEL(mb_cover, "mb_covers", AR_FIELDS(id, imageable_type, imageable_id, file),
           AR_MORPH_TO(imageable, imageable_type, imageable_id));
};

struct mb_label {
  std::int64_t id = 0;
  std::string name;
  AR_MODEL(mb_label, "mb_labels", AR_FIELDS(id, name),
           AR_HAS_MANY_THROUGH(posts, mb_post, mb_labelling, label_id, labellable_id,
                               AR_MORPH_TARGET(labellable_type)));
};

struct mb_labelling {
  std::int64_t id = 0;
  std::int64_t label_id = 0;
  std::string labellable_type;
  std::int64_t labellable_id = 0;
  AR_MODEL(mb_labelling, "mb_labellings", AR_FIELDS(id, label_id, labellable_type, labellable_id));
};

class morph_batching : public ar_test::backend_test {
 protected:
  void SetUp() override {
    backend_test::SetUp();
    ar::create_tables<mb_post, mb_video, mb_photo, mb_comment, mb_cover, mb_label, mb_labelling>(db);
    for (auto* p : {&p1, &p2, &p3}) ar::insert(db, *p);
    for (auto* v : {&v1, &v2}) ar::insert(db, *v);
    ar::insert(db, ph1);
    // Nine comments on three types, interleaved, two on each of p1 and v1.
    comment_on("mb_posts", p1.id);
    comment_on("MbVideo", v1.id);
    comment_on("mb_photos", ph1.id);
    comment_on("mb_posts", p2.id);
    comment_on("MbVideo", v2.id);
    comment_on("mb_posts", p1.id);
    comment_on("mb_posts", p3.id);
    comment_on("MbVideo", v1.id);
    comment_on("mb_photos", ph1.id);
  }
  void comment_on(std::string type, std::optional<std::int64_t> id) {
    mb_comment c{0, std::move(type), id, "#" + std::to_string(++made)};
    ar::insert(db, c);
  }
  std::vector<mb_comment> all_comments() {
    return ar::from<mb_comment>(db) | ar::order_by(mb_comment::c.id) | ar::to_vector;
  }

  int made = 0;
  mb_post p1{0, "p1"}, p2{0, "p2"}, p3{0, "p3"};
  mb_video v1{0, "v1"}, v2{0, "v2"};
  mb_photo ph1{0, "ph1"};
};

// The parent each comment names, as "type:title-or-url-or-path", or "none".
std::string described(const ar::morph_ref& r) {
  if (auto p = r.as<mb_post>()) return "post:" + p->title;
  if (auto v = r.as<mb_video>()) return "video:" + v->url;
  if (auto ph = r.as<mb_photo>()) return "photo:" + ph->path;
  return r.type().empty() ? "none" : "dangling:" + r.type();
}

TEST_P(morph_batching, a_lazy_morph_to_loop_is_one_statement_per_distinct_type) {
  ar::statement_counter counter;
  const auto comments = all_comments();
  std::vector<std::string> seen;
  for (const mb_comment& c : comments) seen.push_back(described(c.commentable()));
  EXPECT_EQ(counter.count(), 1u + 3u);  // the comments, then the posts, the videos, the photos
  EXPECT_EQ(seen, (std::vector<std::string>{"post:p1", "video:v1", "photo:ph1", "post:p2", "video:v2", "post:p1",
                                            "post:p3", "video:v1", "photo:ph1"}));
  // One statement per type, each an IN over that type's distinct keys, in the order first met.
  ASSERT_EQ(counter.statements().size(), 4u);
  EXPECT_EQ(counter.statements()[1],
            ar_test::sql_for(db, "SELECT {id}, {title} FROM {mb_posts} WHERE {id} IN (?, ?, ?)"));
  EXPECT_EQ(counter.statements()[2], ar_test::sql_for(db, "SELECT {id}, {url} FROM {mb_videos} WHERE {id} IN (?, ?)"));
  EXPECT_EQ(counter.statements()[3], ar_test::sql_for(db, "SELECT {id}, {path} FROM {mb_photos} WHERE {id} IN (?)"));
  counter.reset();
  for (const mb_comment& c : comments) (void)c.commentable();
  EXPECT_EQ(counter.count(), 0u);  // cached on every sibling
}

TEST_P(morph_batching, without_automatic_batching_it_is_one_statement_per_record) {
  ar::statement_counter counter;
  const auto comments = ar::from<mb_comment>(db) | ar::no_auto_batching | ar::to_vector;
  for (const mb_comment& c : comments) (void)c.commentable();
  EXPECT_EQ(counter.count(), 1u + comments.size());
}

TEST_P(morph_batching, siblings_pointing_at_one_record_share_it) {
  const auto comments = all_comments();
  const ar::morph_ref first = comments[0].commentable();
  EXPECT_EQ(first, comments[5].commentable());  // both on p1: one object, as a batched belongs_to
  EXPECT_EQ(first.get(), comments[5].commentable().get());
  EXPECT_EQ(comments[1].commentable().get(), comments[7].commentable().get());  // both on v1
  EXPECT_NE(first.get(), comments[3].commentable().get());                      // p1 and p2
}

TEST_P(morph_batching, null_keys_and_dangling_ids_are_none_in_the_same_statements) {
  comment_on("", std::nullopt);          // points at nothing
  comment_on("mb_posts", std::nullopt);  // a type, no key
  comment_on("mb_posts", p3.id + 1000);  // a post that does not exist
  comment_on("MbVideo", v2.id + 1000);   // a video that does not exist
  ar::statement_counter counter;
  const auto comments = all_comments();
  ASSERT_EQ(comments.size(), 13u);
  std::vector<std::string> tail;
  for (const mb_comment& c : comments) tail.push_back(described(c.commentable()));
  EXPECT_EQ(counter.count(), 1u + 3u);
  tail.erase(tail.begin(), tail.begin() + 9);
  EXPECT_EQ(tail, (std::vector<std::string>{"none", "none", "dangling:mb_posts", "dangling:MbVideo"}));
  EXPECT_FALSE(comments[11].commentable());
  EXPECT_TRUE(comments[11].commentable().is<mb_post>() == false);
}

TEST_P(morph_batching, records_that_point_at_nothing_cost_no_statement) {
  (void)(ar::from<mb_comment>(db) | ar::delete_all);
  comment_on("", std::nullopt);
  comment_on("mb_posts", std::nullopt);
  const auto comments = all_comments();
  ar::statement_counter counter;
  for (const mb_comment& c : comments) EXPECT_FALSE(c.commentable());
  EXPECT_EQ(counter.count(), 0u);
}

TEST_P(morph_batching, strict_loading_refuses_a_lazy_morph_to_without_a_statement) {
  const auto comments = ar::from<mb_comment>(db) | ar::strict_loading | ar::to_vector;
  ar::statement_counter counter;
  EXPECT_THROW((void)comments[0].commentable(), ar::lazy_load_error);
  EXPECT_EQ(counter.count(), 0u);
  const auto eager = ar::from<mb_comment>(db) | ar::strict_loading | ar::with("commentable") | ar::to_vector;
  counter.reset();
  EXPECT_EQ(described(eager[0].commentable()), "post:p1");
  EXPECT_EQ(counter.count(), 0u);
}

TEST_P(morph_batching, an_unknown_type_fails_its_own_record_and_not_its_siblings) {
  comment_on("Photo", 1);
  const auto comments = all_comments();
  ar::statement_counter counter;
  EXPECT_EQ(described(comments[0].commentable()), "post:p1");
  try {
    (void)comments[9].commentable();
    FAIL() << "expected ar::error";
  } catch (const ar::error& e) {
    EXPECT_NE(std::string(e.what()).find("'Photo'"), std::string::npos) << e.what();
  }
  for (std::size_t i = 0; i < 9; ++i) EXPECT_NE(described(comments[i].commentable()), "none");
  EXPECT_EQ(counter.count(), 3u);  // the three registered types, once each
}

TEST_P(morph_batching, key_lists_past_the_bind_limit_are_split) {
  (void)(ar::from<mb_comment>(db) | ar::delete_all);
  constexpr int n = 70000;
  // The quickest way each database has to make many rows by itself: n posts, a comment on each.
  if (ar_test::engine_of(GetParam()) == "postgresql") {
    db.execute(R"(INSERT INTO "mb_posts" ("title") SELECT 'bulk' || g FROM generate_series(1, 70000) AS g)");
  } else if (GetParam() == "mariadb") {
    db.execute("INSERT INTO `mb_posts` (`title`) SELECT CONCAT('bulk', seq) FROM seq_1_to_70000");
  } else {
    db.execute(R"(WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 70000)
                  INSERT INTO "mb_posts" ("title") SELECT 'bulk' || i FROM n)");
  }
  db.execute(ar_test::sql_for(db,
                              "INSERT INTO {mb_comments} ({commentable_type}, {commentable_id}, {body}) "
                              "SELECT 'mb_posts', {id}, {title} FROM {mb_posts}"));
  comment_on("MbVideo", v1.id);
  ar::statement_counter counter;
  const auto comments = ar::from<mb_comment>(db) | ar::to_vector;
  ASSERT_EQ(comments.size(), static_cast<std::size_t>(n + 3 + 1));
  std::size_t posts = 0, videos = 0;
  for (const mb_comment& c : comments) {
    const ar::morph_ref r = c.commentable();
    if (auto p = r.as<mb_post>()) {
      EXPECT_EQ(p->title, c.body.starts_with("bulk") ? c.body : p->title);
      ++posts;
    }
    if (r.is<mb_video>()) ++videos;
  }
  EXPECT_EQ(posts, static_cast<std::size_t>(n + 3));
  EXPECT_EQ(videos, 1u);
  const std::size_t limit = db.dialect().max_parameters();
  const std::size_t keys = n + 3;
  const std::size_t chunks = (keys + limit - 2) / (limit - 1);
  EXPECT_EQ(counter.count(), 1u + chunks + 1u);
}

TEST_P(morph_batching, a_failed_batch_leaves_every_cache_as_it_was) {
  const auto comments = all_comments();
  db.execute(ar_test::sql_for(db, "DROP TABLE {mb_photos}"));
  EXPECT_THROW((void)comments[0].commentable(), ar::database_error);
  for (const mb_comment& c : comments) EXPECT_FALSE(ar::relation_loaded(c, "commentable"));
  ar::create_table<mb_photo>(db);
  EXPECT_EQ(described(comments[0].commentable()), "post:p1");  // the batch loads again, whole
  EXPECT_EQ(described(comments[2].commentable()), "dangling:mb_photos");
}

// --- the inverse: a parent's morph_many / morph_one fills its children's morph_to -----------------

TEST_P(morph_batching, lazy_morph_many_fills_each_childs_morph_to_with_no_statement) {
  ar::statement_counter counter;
  const auto& comments = p1.comments();
  ASSERT_EQ(comments.size(), 2u);
  EXPECT_EQ(counter.count(), 1u);
  for (const mb_comment& c : comments) {
    const ar::morph_ref parent = c.commentable();
    ASSERT_TRUE(parent.is<mb_post>());
    EXPECT_EQ(parent.as<mb_post>()->title, "p1");
    EXPECT_EQ(parent.type(), "mb_posts");
  }
  EXPECT_EQ(counter.count(), 1u);
  EXPECT_EQ(comments[0].commentable().get(), comments[1].commentable().get());  // one copy of the parent
}

TEST_P(morph_batching, batched_and_eager_morph_many_fill_the_inverse_too) {
  ar::statement_counter counter;
  const auto videos = ar::from<mb_video>(db) | ar::order_by(mb_video::c.id) | ar::to_vector;
  std::vector<std::string> seen;
  for (const mb_video& v : videos)
    for (const mb_comment& c : v.comments()) seen.push_back(described(c.commentable()));
  EXPECT_EQ(counter.count(), 2u);  // the videos, then every video's comments
  EXPECT_EQ(seen, (std::vector<std::string>{"video:v1", "video:v1", "video:v2"}));

  counter.reset();
  const auto photos = ar::from<mb_photo>(db) | ar::strict_loading | ar::with("comments") | ar::to_vector;
  ASSERT_EQ(photos[0].comments().size(), 2u);
  for (const mb_comment& c : photos[0].comments()) EXPECT_EQ(described(c.commentable()), "photo:ph1");
  EXPECT_EQ(counter.count(), 2u);  // strict: reading the inverse would have thrown had it not been filled
}

// Found by fuzz_relation_path ("notes.notable.children"): the inverse a morph_many fills must not
// replace what a longer path loaded through it, or the records past it are bare copies that load
// lazily (and not strictly).
TEST_P(morph_batching, a_path_back_through_the_inverse_keeps_what_it_loaded_past_it) {
  ar::statement_counter counter;
  const auto photos =
      ar::from<mb_photo>(db) | ar::strict_loading | ar::with("comments.commentable.comments") | ar::to_vector;
  EXPECT_EQ(counter.count(), 4u);  // photos, their comments, the comments' parents (photos), their comments
  counter.reset();
  ASSERT_EQ(photos[0].comments().size(), 2u);
  for (const mb_comment& c : photos[0].comments()) {
    const auto parent = c.commentable().as<mb_photo>();
    ASSERT_NE(parent, nullptr);
    EXPECT_EQ(parent->comments().size(), 2u);  // loaded by the path: strict, so no lazy read
  }
  EXPECT_EQ(counter.count(), 0u);
}

TEST_P(morph_batching, morph_one_and_add_fill_the_inverse) {
  mb_cover cover{0, "", 0, "p2.png"};
  p2.cover_set(cover);
  mb_post fresh = ar::find_or_throw<mb_post>(db, p2.id);
  ar::statement_counter counter;
  ASSERT_TRUE(fresh.cover());
  EXPECT_EQ(described(fresh.cover()->imageable()), "post:p2");
  EXPECT_EQ(counter.count(), 1u);
  counter.reset();
  mb_comment added{0, "", std::nullopt, "added"};
  EXPECT_EQ(fresh.comments().size(), 1u);
  fresh.comments_add(added);
  ASSERT_EQ(fresh.comments().size(), 2u);
  EXPECT_EQ(described(fresh.comments()[1].commentable()), "post:p2");
  EXPECT_EQ(counter.count(), 2u);  // the comments, the INSERT: nothing to read the parent
}

// --- where_has / with_count through a polymorphic many-to-many ----------------------------------

TEST_P(morph_batching, where_has_and_with_count_follow_a_morph_many_through_in_one_statement) {
  mb_label hot{0, "hot"}, old{0, "old"};
  ar::insert(db, hot);
  ar::insert(db, old);
  ASSERT_EQ(p1.id, v1.id);  // the same key in two tables: only the join rows' type tells them apart
  p1.labels_attach(hot);
  p1.labels_attach(old);
  v1.labels_attach(hot);
  p2.labels_attach(old);
  ar::statement_counter counter;
  const auto labelled = ar::from<mb_post>(db) | ar::where_has("labels") | ar::order_by(mb_post::c.id) | ar::to_vector;
  const auto hot_videos =
      ar::from<mb_video>(db) |
      ar::where_has("labels", [](ar::query<mb_label> q) { return q | ar::filter(mb_label::c.name == "hot"); }) |
      ar::to_vector;
  const auto unlabelled = ar::from<mb_video>(db) | ar::where_doesnt_have("labels") | ar::to_vector;
  const auto counted = ar::from<mb_post>(db) | ar::order_by(mb_post::c.id) | ar::with_count("labels") | ar::to_vector;
  const auto old_posts =
      ar::from<mb_label>(db) | ar::with_count("posts") | ar::order_by(mb_label::c.id) | ar::to_vector;
  EXPECT_EQ(counter.count(), 5u);
  ASSERT_EQ(labelled.size(), 2u);
  EXPECT_EQ(labelled[0].id, p1.id);
  EXPECT_EQ(labelled[1].id, p2.id);
  ASSERT_EQ(hot_videos.size(), 1u);
  EXPECT_EQ(hot_videos[0].id, v1.id);
  ASSERT_EQ(unlabelled.size(), 1u);
  EXPECT_EQ(unlabelled[0].id, v2.id);
  EXPECT_EQ(counted[0].labels_count(), 2);
  EXPECT_EQ(counted[1].labels_count(), 1);
  EXPECT_EQ(counted[2].labels_count(), 0);
  EXPECT_EQ(old_posts[0].posts_count(), 1);  // hot: p1 (v1 is a video)
  EXPECT_EQ(old_posts[1].posts_count(), 2);  // old: p1 and p2
  EXPECT_EQ(counter.count(), 5u);            // the counts cost nothing
  EXPECT_EQ(
      counter.statements()[0],
      ar_test::sql_for(db,
                       "SELECT {id}, {title} FROM {mb_posts} WHERE EXISTS (SELECT 1 FROM {mb_labellings} AS "
                       "{ar_s1} WHERE {ar_s1}.{labellable_id} = {mb_posts}.{id} AND {ar_s1}.{labellable_type} = ? "
                       "AND EXISTS (SELECT 1 FROM {mb_labels} AS {ar_s2} WHERE {ar_s2}.{id} = {ar_s1}.{label_id})) "
                       "ORDER BY {id}"));
  for (const mb_post& p : counted) EXPECT_EQ(static_cast<std::int64_t>(p.labels().size()), p.labels_count());
}

AR_INSTANTIATE_BACKEND_SUITE(morph_batching);

}  // namespace
