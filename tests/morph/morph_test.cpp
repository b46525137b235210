// Polymorphic relations: morph_to on the child, morph_many / morph_one on each parent.

#include "../support/backends.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <typeindex>
#include <vector>

namespace {

struct comment;
struct cover;
struct label;
struct tagging;

struct article {
  std::int64_t id = 0;
  std::string title;
  AR_MODEL(article, "articles", AR_FIELDS(id, title), AR_MORPH_MANY(comments, comment, commentable),
           AR_MORPH_ONE(picture, cover, imageable), AR_MORPH_MANY_THROUGH(labels, label, tagging, taggable, label_id));
};

struct video {
  std::int64_t id = 0;
  std::string url;
  AR_MODEL(video, "videos", AR_FIELDS(id, url), AR_MORPH_MANY(comments, comment, commentable), AR_MORPH_NAME("Video"),
           AR_MORPH_MANY_THROUGH(labels, label, tagging, taggable, label_id));
};

struct comment {
  std::int64_t id = 0;
  std::string commentable_type;
  std::optional<std::int64_t> commentable_id;
  std::string body;
  AR_MODEL(comment, "comments", AR_FIELDS(id, commentable_type, commentable_id, body),
           AR_MORPH_TO(commentable, commentable_type, commentable_id));
};

struct cover {
  std::int64_t id = 0;
  std::string imageable_type;
  std::int64_t imageable_id = 0;
  std::string path;
  AR_MODEL(cover, "covers", AR_FIELDS(id, imageable_type, imageable_id, path),
           AR_MORPH_TO(imageable, imageable_type, imageable_id));
};

// Polymorphic many-to-many: labels on articles and on videos through one join model.
struct label {
  std::int64_t id = 0;
  std::string name;
  AR_MODEL(label, "labels", AR_FIELDS(id, name),
           AR_HAS_MANY_THROUGH(articles, article, tagging, label_id, taggable_id, AR_MORPH_TARGET(taggable_type)),
           AR_HAS_MANY_THROUGH(videos, video, tagging, label_id, taggable_id, AR_MORPH_TARGET(taggable_type)));
};

struct tagging {
  std::int64_t id = 0;
  std::int64_t label_id = 0;
  std::string taggable_type;
  std::int64_t taggable_id = 0;
  AR_MODEL(tagging, "taggings", AR_FIELDS(id, label_id, taggable_type, taggable_id),
           AR_MORPH_TO(taggable, taggable_type, taggable_id));
};

class morphs : public ar_test::backend_test {
 protected:
  void SetUp() override {
    backend_test::SetUp();
    ar::create_tables<article, video, comment, cover, label, tagging>(db);
    for (auto* a : {&a1, &a2}) ar::insert(db, *a);
    ar::insert(db, v1);
    add(a1, "on a1");
    add(a1, "again on a1");
    add(a2, "on a2");
    comment on_video{0, "Video", v1.id, "on v1"};
    ar::insert(db, on_video);
  }
  void add(const article& a, std::string body) {
    comment c{0, "articles", a.id, std::move(body)};
    ar::insert(db, c);
  }
  article a1{0, "first"}, a2{0, "second"};
  video v1{0, "https://example.org/v1"};
};

TEST_P(morphs, morph_many_filters_by_the_parents_type) {
  ar::statement_counter counter;
  EXPECT_EQ(a1.comments().size(), 2u);
  EXPECT_EQ(v1.comments().size(), 1u);
  EXPECT_EQ(v1.comments()[0].body, "on v1");
  EXPECT_EQ(counter.count(), 2u);
  // v1 and a1 have the same key (each table's first row): the type keeps their comments apart.
  ASSERT_EQ(v1.id, a1.id);
  EXPECT_EQ(a1.comments().size(), 2u);
}

TEST_P(morphs, eager_morph_many_is_two_statements) {
  ar::statement_counter counter;
  auto articles = ar::from<article>(db) | ar::order_by(article::c.id) | ar::with("comments") | ar::to_vector;
  EXPECT_EQ(counter.count(), 2u);
  EXPECT_EQ(articles[0].comments().size(), 2u);
  EXPECT_EQ(articles[1].comments().size(), 1u);
  EXPECT_EQ(counter.statements()[1], ar_test::sql_for(db,
                                                      "SELECT {id}, {commentable_type}, {commentable_id}, "
                                                      "{body} FROM {comments} WHERE {commentable_id} IN (?, ?) "
                                                      "AND {commentable_type} = ? ORDER BY {id}"));
}

TEST_P(morphs, morph_to_reads_whatever_the_row_points_at) {
  auto comments = ar::from<comment>(db) | ar::order_by(comment::c.id) | ar::no_auto_batching | ar::to_vector;
  ar::statement_counter counter;
  auto first = comments[0].commentable();
  ASSERT_TRUE(first);
  EXPECT_TRUE(first.is<article>());
  EXPECT_EQ(first.as<article>()->title, "first");
  EXPECT_EQ(first.as<video>(), nullptr);
  EXPECT_EQ(first.type(), "articles");
  auto last = comments[3].commentable();
  EXPECT_EQ(last.type(), "Video");
  EXPECT_EQ(last.as<video>()->url, "https://example.org/v1");
  EXPECT_EQ(counter.count(), 2u);
  (void)comments[0].commentable();
  EXPECT_EQ(counter.count(), 2u);  // cached
}

TEST_P(morphs, eager_morph_to_is_one_statement_per_distinct_type) {
  ar::statement_counter counter;
  auto comments = ar::from<comment>(db) | ar::order_by(comment::c.id) | ar::with("commentable") | ar::to_vector;
  EXPECT_EQ(counter.count(), 1u + 2u);  // the comments, the articles, the videos
  EXPECT_EQ(comments[0].commentable().as<article>()->title, "first");
  EXPECT_EQ(comments[0].commentable(), comments[1].commentable());  // one object for one parent
  EXPECT_EQ(comments[3].commentable().as<video>()->id, v1.id);
  EXPECT_EQ(counter.count(), 3u);
}

TEST_P(morphs, eager_morph_to_keeps_a_dangling_targets_type_and_leaves_a_null_one_empty) {
  comment lonely{0, "", std::nullopt, "lonely"};
  comment dangling{0, "articles", a1.id + 1000, "dangling"};
  comment dangling_video{0, "Video", v1.id + 1000, "dangling video"};
  for (auto* c : {&lonely, &dangling, &dangling_video}) ar::insert(db, *c);
  ar::statement_counter counter;
  auto comments = ar::from<comment>(db) | ar::order_by(comment::c.id) | ar::with("commentable") | ar::to_vector;
  ASSERT_EQ(comments.size(), 7u);
  EXPECT_EQ(counter.count(), 3u);
  const ar::morph_ref none = comments[4].commentable();
  EXPECT_FALSE(none);
  EXPECT_EQ(none.type(), "");
  EXPECT_EQ(none.type_index(), std::type_index(typeid(void)));
  const ar::morph_ref gone = comments[5].commentable();
  EXPECT_FALSE(gone);
  EXPECT_EQ(gone.type(), "articles");
  EXPECT_EQ(gone.type_index(), std::type_index(typeid(article)));
  const ar::morph_ref gone_video = comments[6].commentable();
  EXPECT_FALSE(gone_video);
  EXPECT_EQ(gone_video.type(), "Video");
  EXPECT_EQ(gone_video.type_index(), std::type_index(typeid(video)));
  // The others still point at their own records, of their own type (a1 and v1 share a key).
  EXPECT_EQ(comments[2].commentable().as<article>()->title, "second");
  EXPECT_EQ(comments[3].commentable().as<video>()->url, v1.url);
  EXPECT_EQ(comments[3].commentable().as<article>(), nullptr);
  EXPECT_EQ(counter.count(), 3u);
}

TEST_P(morphs, an_eager_loaded_target_outlives_the_records_that_pointed_at_it) {
  std::shared_ptr<const article> first;
  std::shared_ptr<const video> other;
  std::string type;
  {
    auto comments = ar::from<comment>(db) | ar::order_by(comment::c.id) | ar::with("commentable") | ar::to_vector;
    first = comments[0].commentable().as<article>();
    other = comments[3].commentable().as<video>();
    type = comments[3].commentable().type();
  }
  ASSERT_NE(first, nullptr);
  ASSERT_NE(other, nullptr);
  EXPECT_EQ(first->title, "first");  // the sanitizer builds catch a read of freed memory here
  EXPECT_EQ(other->url, v1.url);
  EXPECT_EQ(type, "Video");
}

TEST_P(morphs, a_morph_ref_keeps_its_type_value_after_the_string_it_was_made_from) {
  auto record = std::make_shared<const article>(a1);
  std::optional<ar::morph_ref> ref;
  {
    std::string name = "a type value longer than any small-string buffer";
    ref.emplace(record, std::type_index(typeid(article)), name);
  }
  const ar::morph_ref copy = *ref;
  ref.reset();
  EXPECT_EQ(copy.type(), "a type value longer than any small-string buffer");
  EXPECT_TRUE(copy.is<article>());
  EXPECT_EQ(copy.as<article>()->title, "first");
}

TEST_P(morphs, eager_paths_continue_past_a_morph_to_per_type) {
  ar::statement_counter counter;
  auto comments = ar::from<comment>(db) | ar::with("commentable.comments") | ar::to_vector;
  EXPECT_EQ(counter.count(), 1u + 2u + 2u);
  ASSERT_EQ(comments.size(), 4u);
  std::size_t articles = 0, videos = 0;
  for (const comment& c : comments) {
    if (auto a = c.commentable().as<article>()) {
      EXPECT_EQ(a->comments().size(), a->id == a1.id ? 2u : 1u);
      ++articles;
    }
    if (auto v = c.commentable().as<video>()) {
      EXPECT_EQ(v->comments().size(), 1u);
      ++videos;
    }
  }
  EXPECT_EQ(articles, 3u);  // every comment's parent was reached, not none
  EXPECT_EQ(videos, 1u);
}

TEST_P(morphs, an_unknown_type_in_the_data_is_an_error_naming_it) {
  comment odd{0, "Photo", 1, "on a photo"};
  ar::insert(db, odd);
  try {
    (void)odd.commentable();
    FAIL() << "expected ar::error";
  } catch (const ar::error& e) {
    EXPECT_NE(std::string(e.what()).find("'Photo'"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)(ar::from<comment>(db) | ar::with("commentable") | ar::to_vector), ar::error);
}

TEST_P(morphs, a_null_or_dangling_target_is_none) {
  comment lonely{0, "", std::nullopt, "lonely"};
  ar::insert(db, lonely);
  ar::statement_counter counter;
  EXPECT_FALSE(lonely.commentable());
  EXPECT_EQ(counter.count(), 0u);
  comment dangling{0, "articles", a1.id + 1000, "dangling"};
  EXPECT_FALSE(dangling.commentable());
  EXPECT_EQ(counter.count(), 1u);
}

TEST_P(morphs, writes_set_the_type_and_key) {
  comment c = a2.comments_create(comment{0, "", std::nullopt, "created"});
  EXPECT_EQ(c.commentable_type, "articles");
  EXPECT_EQ(c.commentable_id, a2.id);
  comment moved{0, "", std::nullopt, "moved"};
  moved.commentable_associate(v1);
  EXPECT_EQ(moved.commentable_type, "Video");
  EXPECT_EQ(moved.commentable().as<video>()->id, v1.id);
  ar::insert(db, moved);
  EXPECT_EQ(v1.comments(ar::reload).size(), 2u);
  moved.commentable_dissociate();
  EXPECT_FALSE(moved.commentable());
  cover pic{0, "", 0, "a1.png"};
  a1.picture_set(pic);
  EXPECT_EQ(pic.imageable_type, "articles");
  EXPECT_EQ(a1.picture()->path, "a1.png");
  EXPECT_EQ(pic.imageable().as<article>()->id, a1.id);
}

// A write through a morph relation that the database refuses leaves the child as it was: its
// type and id columns and its key.
TEST_P(morphs, a_failed_morph_add_or_set_leaves_the_child_as_it_was) {
  db.execute(ar_test::sql_for(db, "CREATE UNIQUE INDEX {comments_body_unique} ON {comments} ({body})"));
  comment twin{0, "before", 99, "on a1"};  // the body is taken: the INSERT fails
  EXPECT_THROW(v1.comments_add(twin), ar::database_error);
  EXPECT_EQ(twin.id, 0);
  EXPECT_EQ(twin.commentable_type, "before");
  EXPECT_EQ(twin.commentable_id, std::optional<std::int64_t>(99));
  EXPECT_EQ(twin.body, "on a1");
  EXPECT_EQ(v1.comments(ar::reload).size(), 1u);

  comment saved{0, "Video", v1.id, "saved"};  // saved on v1; moving it to a2 fails on its body
  ar::insert(db, saved);
  const std::int64_t saved_id = saved.id;
  saved.body = "on a2";
  EXPECT_THROW(a2.comments_add(saved), ar::database_error);
  EXPECT_EQ(saved.id, saved_id);
  EXPECT_EQ(saved.commentable_type, "Video");
  EXPECT_EQ(saved.commentable_id, std::optional<std::int64_t>(v1.id));
  EXPECT_EQ(saved.body, "on a2");

  cover pic{0, "", 0, "a1.png"};
  a1.picture_set(pic);
  // a1 has a cover, whose key cannot be NULL and which no AR_DEPENDENT lets go: a second is refused
  // before anything is written.
  cover another{0, "none", 3, "again.png"};
  EXPECT_THROW(a1.picture_set(another), ar::error);
  EXPECT_EQ(another.id, 0);
  EXPECT_EQ(another.imageable_type, "none");
  EXPECT_EQ(another.imageable_id, 3);
  EXPECT_EQ(another.path, "again.png");
  EXPECT_EQ(a1.picture()->path, "a1.png");
  EXPECT_EQ(ar::find_or_throw<cover>(db, pic.id).imageable_id, a1.id);
  EXPECT_EQ((ar::from<cover>(db) | ar::filter(cover::c.path == "again.png") | ar::count), 0);
}

TEST_P(morphs, where_has_and_with_count_keep_to_the_parents_type) {
  EXPECT_EQ(ar::from<article>(db) | ar::where_has("comments") | ar::count, 2);
  EXPECT_EQ(ar::from<video>(db) | ar::where_has("comments") | ar::count, 1);
  auto counted = ar::from<article>(db) | ar::order_by(article::c.id) | ar::with_count("comments") | ar::to_vector;
  EXPECT_EQ(counted[0].comments_count(), 2);
  EXPECT_EQ(counted[1].comments_count(), 1);
}

TEST_P(morphs, polymorphic_many_to_many_keeps_each_type_to_itself) {
  label hot{0, "hot"}, old{0, "old"};
  ar::insert(db, hot);
  ar::insert(db, old);
  ASSERT_EQ(a1.id, v1.id);  // the same key in two tables: only the type tells them apart
  a1.labels_attach(hot);
  v1.labels_attach(old);
  a2.labels_attach(hot);
  ar::statement_counter counter;
  ASSERT_EQ(a1.labels(ar::reload).size(), 1u);
  EXPECT_EQ(a1.labels()[0].name, "hot");
  ASSERT_EQ(v1.labels(ar::reload).size(), 1u);
  EXPECT_EQ(v1.labels()[0].name, "old");
  EXPECT_EQ(counter.count(), 2u);
  counter.reset();
  auto labels = ar::from<label>(db) | ar::order_by(label::c.id) | ar::with("articles", "videos") | ar::to_vector;
  EXPECT_EQ(counter.count(), 3u);
  EXPECT_EQ(labels[0].articles().size(), 2u);
  EXPECT_TRUE(labels[0].videos().empty());
  EXPECT_EQ(labels[1].videos().size(), 1u);
  EXPECT_TRUE(labels[1].articles().empty());
  auto taggings = ar::from<tagging>(db) | ar::order_by(tagging::c.id) | ar::with("taggable") | ar::to_vector;
  EXPECT_TRUE(taggings[0].taggable().is<article>());
  EXPECT_TRUE(taggings[1].taggable().is<video>());
  EXPECT_TRUE(v1.labels_detach(old));
  EXPECT_TRUE(v1.labels().empty());
  EXPECT_EQ(a1.labels(ar::reload).size(), 1u);  // the article with the same key kept its label
  a1.labels_sync(std::vector<std::int64_t>{old.id});
  EXPECT_EQ(a1.labels()[0].name, "old");
  EXPECT_EQ(ar::from<tagging>(db) | ar::count, 2);
}

AR_INSTANTIATE_BACKEND_SUITE(morphs);

}  // namespace
