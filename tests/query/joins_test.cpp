// joins<"path"> / left_joins<"path">: joins through declared relations on every backend, in one
// statement each, and the SQL they render per dialect.

#include "../support/backends.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

namespace jm {

struct post;
struct comment;
struct tag;
struct post_tag;
struct note;

struct author {
  std::int64_t id = 0;
  std::string name;
  AR_MODEL(author, "jn_authors", AR_FIELDS(id, name), AR_HAS_MANY(posts, post, author_id));
};

struct post {
  std::int64_t id = 0;
  std::int64_t author_id = 0;
  std::string title;
  std::int32_t score = 0;
  AR_MODEL(post, "jn_posts", AR_FIELDS(id, author_id, title, score), AR_BELONGS_TO(writer, author, author_id),
           AR_HAS_MANY(comments, comment, post_id), AR_HAS_MANY_THROUGH(tags, tag, post_tag, post_id, tag_id));
  friend bool operator==(const post&, const post&) = default;
};

struct comment {
  std::int64_t id = 0;
  std::int64_t post_id = 0;
  std::string body;
  AR_MODEL(comment, "jn_comments", AR_FIELDS(id, post_id, body));
};

struct tag {
  std::int64_t id = 0;
  std::string name;
  AR_MODEL(tag, "jn_tags", AR_FIELDS(id, name));
};

struct post_tag {
  std::int64_t id = 0;
  std::int64_t post_id = 0;
  std::int64_t tag_id = 0;
  AR_MODEL(post_tag, "jn_post_tags", AR_FIELDS(id, post_id, tag_id));
};

// Self-referential: an employee's manager is an employee (the same table twice).
struct employee {
  std::int64_t id = 0;
  std::string name;
  std::optional<std::int64_t> manager_id;
  AR_MODEL(employee, "jn_employees", AR_FIELDS(id, name, manager_id), AR_BELONGS_TO(manager, employee, manager_id));
};

// Polymorphic: notes on articles and on videos, in one table.
struct article {
  std::int64_t id = 0;
  std::string title;
  AR_MODEL(article, "jn_articles", AR_FIELDS(id, title), AR_MORPH_MANY(notes, note, notable));
};

struct video {
  std::int64_t id = 0;
  std::string url;
  AR_MODEL(video, "jn_videos", AR_FIELDS(id, url), AR_MORPH_MANY(notes, note, notable));
};

struct note {
  std::int64_t id = 0;
  std::string notable_type;
  std::int64_t notable_id = 0;
  std::string body;
  AR_MODEL(note, "jn_notes", AR_FIELDS(id, notable_type, notable_id, body),
           AR_MORPH_TO(notable, notable_type, notable_id));
};

}  // namespace jm

namespace {

using jm::article;
using jm::author;
using jm::comment;
using jm::employee;
using jm::note;
using jm::post;
using jm::post_tag;
using jm::tag;
using jm::video;

std::vector<std::string> names(const std::vector<author>& authors) {
  std::vector<std::string> out;
  for (const auto& a : authors) out.push_back(a.name);
  return out;
}

class joins : public ar_test::backend_test {
 protected:
  void SetUp() override {
    backend_test::SetUp();
    ar::create_tables<author, post, comment, tag, post_tag, employee, article, video, note>(db);
    // ada: "intro" (score 5, two comments, tagged c++ and db) and "deep" (score 9, one comment, c++);
    // bob: "hello" (score 2, no comment, no tag); cy: no post.
    for (const char* name : {"ada", "bob", "cy"}) {
      author a{0, name};
      ar::insert(db, a);
      authors.push_back(a);
    }
    for (auto [owner, title, score] :
         std::vector<std::tuple<int, std::string, int>>{{0, "intro", 5}, {0, "deep", 9}, {1, "hello", 2}}) {
      post p{0, authors[owner].id, title, score};
      ar::insert(db, p);
      posts.push_back(p);
    }
    for (auto [on, body] : std::vector<std::pair<int, std::string>>{{0, "nice"}, {0, "more"}, {1, "nice"}}) {
      comment c{0, posts[on].id, body};
      ar::insert(db, c);
    }
    for (const char* name : {"c++", "db"}) {
      tag t{0, name};
      ar::insert(db, t);
      tags.push_back(t);
    }
    for (auto [p, t] : std::vector<std::pair<int, int>>{{0, 0}, {0, 1}, {1, 0}}) {
      post_tag link{0, posts[p].id, tags[t].id};
      ar::insert(db, link);
    }
  }
  std::vector<author> authors;
  std::vector<post> posts;
  std::vector<tag> tags;
};

TEST_P(joins, filter_by_a_column_of_a_joined_model_returns_each_record_once_in_one_statement) {
  ar::statement_counter counter;
  // Two of ada's rows match through "nice" comments... of one post; both her posts score over 1.
  const auto found = ar::from<author>(db) | ar::joins<"posts"> | ar::filter(post::c.score > 1) |
                     ar::order_by(author::c.name) | ar::to_vector;
  EXPECT_EQ(names(found), (std::vector<std::string>{"ada", "bob"}));
  EXPECT_EQ(counter.count(), 1u);
  // The count is of the records to_vector returns, not of the joined rows.
  EXPECT_EQ(ar::from<author>(db) | ar::joins<"posts"> | ar::filter(post::c.score > 1) | ar::count, 2);
  EXPECT_TRUE(ar::from<author>(db) | ar::joins<"posts"> | ar::filter(post::c.title == "deep") | ar::exists);
  EXPECT_FALSE(ar::from<author>(db) | ar::joins<"posts"> | ar::filter(post::c.title == "none") | ar::exists);
}

TEST_P(joins, an_inner_join_drops_records_without_a_related_row_and_a_left_join_keeps_them) {
  EXPECT_EQ(names(ar::from<author>(db) | ar::joins<"posts"> | ar::order_by(author::c.name) | ar::to_vector),
            (std::vector<std::string>{"ada", "bob"}));
  EXPECT_EQ(names(ar::from<author>(db) | ar::left_joins<"posts"> | ar::order_by(author::c.name) | ar::to_vector),
            (std::vector<std::string>{"ada", "bob", "cy"}));
  // Authors without posts: a left join and a test for the missing row.
  EXPECT_EQ(names(ar::from<author>(db) | ar::left_joins<"posts"> | ar::filter(post::c.id.is_null()) | ar::to_vector),
            (std::vector<std::string>{"cy"}));
}

TEST_P(joins, a_column_of_a_left_joined_model_is_selected_as_an_optional) {
  const auto rows = ar::from<author>(db) | ar::left_joins<"posts"> | ar::order_by(author::c.name, post::c.title) |
                    ar::select(author::c.name, post::c.title, post::c.score) | ar::to_vector;
  using row = std::tuple<std::string, std::optional<std::string>, std::optional<std::int32_t>>;
  static_assert(std::is_same_v<std::remove_cvref_t<decltype(rows[0])>, row>);
  EXPECT_EQ(rows,
            (std::vector<row>{
                {"ada", "deep", 9}, {"ada", "intro", 5}, {"bob", "hello", 2}, {"cy", std::nullopt, std::nullopt}}));
  // An inner join's columns are what the field is.
  const auto inner = ar::from<author>(db) | ar::joins<"posts"> | ar::order_by(post::c.score) |
                     ar::select(author::c.name, post::c.score) | ar::to_vector;
  static_assert(std::is_same_v<std::remove_cvref_t<decltype(inner[0])>, std::tuple<std::string, std::int32_t>>);
  EXPECT_EQ(inner, (std::vector<std::tuple<std::string, std::int32_t>>{{"bob", 2}, {"ada", 5}, {"ada", 9}}));
}

TEST_P(joins, a_nested_path_joins_each_relation_on_the_way) {
  ar::statement_counter counter;
  const auto found =
      ar::from<author>(db) | ar::joins<"posts.comments"> | ar::filter(comment::c.body == "nice") | ar::to_vector;
  EXPECT_EQ(names(found), (std::vector<std::string>{"ada"}));  // two "nice" comments, one ada
  EXPECT_EQ(counter.count(), 1u);
  // Columns of every model on the path.
  const auto rows = ar::from<author>(db) | ar::joins<"posts.comments"> | ar::order_by(comment::c.id) |
                    ar::select(author::c.name, post::c.title, comment::c.body) | ar::to_vector;
  EXPECT_EQ(rows, (std::vector<std::tuple<std::string, std::string, std::string>>{
                      {"ada", "intro", "nice"}, {"ada", "intro", "more"}, {"ada", "deep", "nice"}}));
}

TEST_P(joins, a_through_relation_joins_its_join_model_then_its_target) {
  const auto tagged = ar::from<post>(db) | ar::joins<"tags"> | ar::filter(tag::c.name == "c++") |
                      ar::order_by(post::c.id) | ar::to_vector;
  EXPECT_EQ(tagged, (std::vector<post>{posts[0], posts[1]}));
  // The join model's columns may be used too.
  EXPECT_EQ(ar::from<post>(db) | ar::joins<"tags"> | ar::filter(post_tag::c.tag_id == tags[1].id) |
                ar::select(post::c.title) | ar::to_vector,
            (std::vector<std::tuple<std::string>>{{"intro"}}));
  // And a count of tags per post, posts without tags included.
  const auto per_post = ar::from<post>(db) | ar::left_joins<"tags"> | ar::group_by(post::c.id, post::c.title) |
                        ar::order_by(post::c.id) | ar::select(post::c.title, tag::c.id.count()) | ar::to_vector;
  EXPECT_EQ(per_post, (std::vector<std::tuple<std::string, std::int64_t>>{{"intro", 2}, {"deep", 1}, {"hello", 0}}));
}

TEST_P(joins, a_polymorphic_relation_joins_only_rows_of_its_own_type) {
  article a{0, "news"};
  ar::insert(db, a);
  video v{0, "clip"};
  ar::insert(db, v);
  ASSERT_EQ(a.id, v.id);  // the same key in both tables: only the type tells their notes apart
  note on_article{0, "jm::article", a.id, "read"};
  note on_video{0, "jm::video", v.id, "watch"};
  on_article.notable_type = std::string(ar::model_of<article>::morph_name);
  on_video.notable_type = std::string(ar::model_of<video>::morph_name);
  ar::insert(db, on_article);
  ar::insert(db, on_video);
  EXPECT_EQ(ar::from<article>(db) | ar::joins<"notes"> | ar::select(note::c.body) | ar::to_vector,
            (std::vector<std::tuple<std::string>>{{"read"}}));
  EXPECT_EQ(ar::from<video>(db) | ar::joins<"notes"> | ar::select(note::c.body) | ar::to_vector,
            (std::vector<std::tuple<std::string>>{{"watch"}}));
}

TEST_P(joins, group_by_and_aggregates_of_joined_columns_in_one_statement) {
  ar::statement_counter counter;
  const auto rows = ar::from<author>(db) | ar::left_joins<"posts"> | ar::group_by(author::c.id, author::c.name) |
                    ar::having(post::c.id.count() < 2) | ar::order_by(author::c.name) |
                    ar::select(author::c.name, post::c.id.count(), post::c.score.sum(), post::c.score.max()) |
                    ar::to_vector;
  using row = std::tuple<std::string, std::int64_t, std::int64_t, std::optional<std::int32_t>>;
  EXPECT_EQ(rows, (std::vector<row>{{"bob", 1, 2, 2}, {"cy", 0, 0, std::nullopt}}));
  EXPECT_EQ(counter.count(), 1u);
  // sum of a joined column over the joined rows, as SQL adds them.
  EXPECT_EQ(ar::from<author>(db) | ar::joins<"posts"> | ar::filter(author::c.name == "ada") | ar::sum(post::c.score),
            14);
}

TEST_P(joins, order_by_a_column_of_a_to_one_join) {
  const auto by_writer =
      ar::from<post>(db) | ar::joins<"writer"> | ar::order_by(ar::desc(author::c.name), post::c.score) | ar::to_vector;
  EXPECT_EQ(by_writer, (std::vector<post>{posts[2], posts[0], posts[1]}));
}

TEST_P(joins, ordering_records_by_a_column_of_a_to_many_join_is_refused_naming_it) {
  try {
    (void)(ar::from<author>(db) | ar::joins<"posts"> | ar::order_by(post::c.score) | ar::to_vector);
    FAIL() << "ordered records by a column a to-many join repeats";
  } catch (const ar::error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("jn_posts.score"), std::string::npos) << what;
    EXPECT_NE(what.find("'posts'"), std::string::npos) << what;
  }
}

TEST_P(joins, a_join_does_not_change_what_with_loads) {
  ar::statement_counter counter;
  const auto found = ar::from<author>(db) | ar::joins<"posts"> | ar::filter(post::c.title == "deep") |
                     ar::with("posts") | ar::to_vector;
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(counter.count(), 2u);          // the authors, then their posts
  EXPECT_EQ(found[0].posts().size(), 2u);  // every post of ada, not only the one the join matched
}

TEST_P(joins, the_same_path_twice_is_joined_once_and_inner_wins) {
  const auto q = ar::from<author>(db) | ar::left_joins<"posts"> | ar::joins<"posts", "posts.comments">;
  EXPECT_EQ(q.state().joins.size(), 2u);
  EXPECT_FALSE(q.state().joins[0].left);
  EXPECT_EQ(names(q | ar::to_vector), (std::vector<std::string>{"ada"}));
}

const ar::dialect& sqlite();

// A table reached twice (here a self-referential relation) is joined again under its path's name;
// ar::joined<"manager">(column) names that copy's columns, employee::c.* stays the query's own row.
class self_joins : public joins {
 protected:
  void SetUp() override {
    joins::SetUp();
    // ann (no manager) manages ben and dan; ben manages cat.
    employee ann{0, "ann", std::nullopt};
    ar::insert(db, ann);
    employee ben{0, "ben", ann.id};
    ar::insert(db, ben);
    employee cat{0, "cat", ben.id};
    ar::insert(db, cat);
    employee dan{0, "dan", ann.id};
    ar::insert(db, dan);
  }
  static std::vector<std::string> names(const std::vector<employee>& staff) {
    std::vector<std::string> out;
    for (const auto& e : staff) out.push_back(e.name);
    return out;
  }
};

TEST_P(self_joins, each_employee_with_their_managers_name_in_one_statement) {
  using ar::joined;
  ar::statement_counter counter;
  // A left join keeps ann, who has no manager: the manager's column is a std::optional.
  const auto all = ar::from<employee>(db) | ar::left_joins<"manager"> | ar::order_by(employee::c.name) |
                   ar::select(employee::c.name, joined<"manager">(employee::c.name)) | ar::to_vector;
  using row = std::tuple<std::string, std::optional<std::string>>;
  static_assert(std::is_same_v<std::remove_cvref_t<decltype(all[0])>, row>);
  EXPECT_EQ(all, (std::vector<row>{{"ann", std::nullopt}, {"ben", "ann"}, {"cat", "ben"}, {"dan", "ann"}}));
  EXPECT_EQ(counter.count(), 1u);
  // An inner join drops her, and its columns are what the field is.
  const auto managed = ar::from<employee>(db) | ar::joins<"manager"> | ar::order_by(employee::c.name) |
                       ar::select(employee::c.name, joined<"manager">(employee::c.name)) | ar::to_vector;
  using inner = std::tuple<std::string, std::string>;
  static_assert(std::is_same_v<std::remove_cvref_t<decltype(managed[0])>, inner>);
  EXPECT_EQ(managed, (std::vector<inner>{{"ben", "ann"}, {"cat", "ben"}, {"dan", "ann"}}));
  // Into a struct too.
  struct line {
    std::string name;
    std::optional<std::string> manager;
  };
  const auto lines = ar::from<employee>(db) | ar::left_joins<"manager"> | ar::order_by(employee::c.name) |
                     ar::select_as<line>(employee::c.name, joined<"manager">(employee::c.name)) | ar::to_vector;
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[2].name, "cat");
  EXPECT_EQ(lines[2].manager, "ben");
}

TEST_P(self_joins, filter_and_order_by_the_joined_copy_while_plain_columns_stay_the_querys_own) {
  using ar::joined;
  // Records whole: the employees whose manager is ann (the record read is the employee's own row).
  const auto of_ann = ar::from<employee>(db) | ar::joins<"manager"> |
                      ar::filter(joined<"manager">(employee::c.name) == "ann") | ar::order_by(employee::c.name) |
                      ar::to_vector;
  EXPECT_EQ(names(of_ann), (std::vector<std::string>{"ben", "dan"}));
  EXPECT_EQ(ar::from<employee>(db) | ar::joins<"manager"> | ar::filter(joined<"manager">(employee::c.name) == "ann") |
                ar::count,
            2);
  // Both copies in one condition: employees whose name sorts after their manager's.
  EXPECT_EQ(names(ar::from<employee>(db) | ar::joins<"manager"> |
                  ar::filter(employee::c.name > joined<"manager">(employee::c.name)) | ar::order_by(employee::c.name) |
                  ar::to_vector),
            (std::vector<std::string>{"ben", "cat", "dan"}));
  // Ordered by the manager's name (descending), then their own; those without one are kept by the
  // left join and filtered out by the copy's key.
  EXPECT_EQ(names(ar::from<employee>(db) | ar::left_joins<"manager"> |
                  ar::filter(joined<"manager">(employee::c.id).is_not_null()) |
                  ar::order_by(joined<"manager">(employee::c.name).desc(), employee::c.name) | ar::to_vector),
            (std::vector<std::string>{"cat", "ben", "dan"}));
  // Nobody above: a left join and a test for the missing copy.
  EXPECT_EQ(names(ar::from<employee>(db) | ar::left_joins<"manager"> |
                  ar::filter(joined<"manager">(employee::c.id).is_null()) | ar::to_vector),
            (std::vector<std::string>{"ann"}));
}

TEST_P(self_joins, a_longer_path_joins_each_copy_under_its_own_name) {
  using ar::joined;
  // The manager's manager: cat's is ann.
  const auto rows =
      ar::from<employee>(db) | ar::joins<"manager.manager"> |
      ar::select(employee::c.name, joined<"manager">(employee::c.name), joined<"manager.manager">(employee::c.name)) |
      ar::to_vector;
  using row = std::tuple<std::string, std::string, std::string>;
  EXPECT_EQ(rows, (std::vector<row>{{"cat", "ben", "ann"}}));
  // Left-joined, each level may be missing.
  const auto all = ar::from<employee>(db) | ar::left_joins<"manager.manager"> | ar::order_by(employee::c.name) |
                   ar::select(employee::c.name, joined<"manager.manager">(employee::c.name)) | ar::to_vector;
  using optional_row = std::tuple<std::string, std::optional<std::string>>;
  EXPECT_EQ(all, (std::vector<optional_row>{
                     {"ann", std::nullopt}, {"ben", std::nullopt}, {"cat", "ann"}, {"dan", std::nullopt}}));
}

TEST_P(self_joins, group_by_and_having_on_the_joined_copy) {
  using ar::joined;
  const auto manager = joined<"manager">(employee::c.name);
  // Reports per manager (ann 2, ben 1), the managers with more than one.
  const auto per_manager = ar::from<employee>(db) | ar::joins<"manager"> | ar::group_by(manager) |
                           ar::order_by(manager) | ar::select(manager, ar::count_all()) | ar::to_vector;
  using row = std::tuple<std::string, std::int64_t>;
  EXPECT_EQ(per_manager, (std::vector<row>{{"ann", 2}, {"ben", 1}}));
  EXPECT_EQ(ar::from<employee>(db) | ar::joins<"manager"> | ar::group_by(manager) |
                ar::having(ar::count_all() > 1 && manager != "nobody") | ar::select(manager, ar::count_all()) |
                ar::to_vector,
            (std::vector<row>{{"ann", 2}}));
  // An aggregate of the copy: the number of distinct managers.
  EXPECT_EQ(ar::from<employee>(db) | ar::joins<"manager"> |
                ar::select(joined<"manager">(employee::c.id).count_distinct()) | ar::to_vector,
            (std::vector<std::tuple<std::int64_t>>{{2}}));
}

TEST_P(self_joins, the_first_join_of_a_model_keeps_its_name_and_a_second_path_to_it_gets_its_own) {
  using ar::joined;
  // Posts with the other posts of their writer: jn_posts twice. post::c.* is the query's own post,
  // author::c.* the writer (the one join of authors), joined<"writer.posts"> the other post.
  const auto pairs = ar::from<post>(db) | ar::joins<"writer.posts"> |
                     ar::filter(joined<"writer.posts">(post::c.id) != post::c.id) | ar::order_by(post::c.title) |
                     ar::select(post::c.title, author::c.name, joined<"writer.posts">(post::c.title)) | ar::to_vector;
  using row = std::tuple<std::string, std::string, std::string>;
  EXPECT_EQ(pairs, (std::vector<row>{{"deep", "ada", "intro"}, {"intro", "ada", "deep"}}));
  // Records whole through the to-many copy come back once each, ordered by their own column.
  const auto with_siblings = ar::from<post>(db) | ar::joins<"writer.posts"> |
                             ar::filter(joined<"writer.posts">(post::c.id) != post::c.id) |
                             ar::order_by(post::c.score) | ar::to_vector;
  EXPECT_EQ(with_siblings, (std::vector<post>{posts[0], posts[1]}));
  // Ordering them by the copy's column is refused: it matches several rows per record.
  try {
    (void)(ar::from<post>(db) | ar::joins<"writer.posts"> | ar::order_by(joined<"writer.posts">(post::c.score)) |
           ar::to_vector);
    FAIL() << "ordered records by a column of a to-many copy";
  } catch (const ar::error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("'writer_posts.score'"), std::string::npos) << what;
    EXPECT_NE(what.find("'writer.posts'"), std::string::npos) << what;
  }
}

TEST_P(self_joins, a_through_relation_reached_again_joins_its_join_model_and_target_under_their_own_names) {
  using ar::joined;
  // Posts tagged "db" whose writer also wrote a post tagged "c++": jn_post_tags and jn_tags twice.
  const auto q = ar::from<post>(db) | ar::joins<"tags", "writer.posts.tags"> |
                 ar::filter(tag::c.name == "db" && joined<"writer.posts.tags">(tag::c.name) == "c++") |
                 ar::select(post::c.title, joined<"writer.posts">(post::c.title)) |
                 ar::order_by(post::c.title, joined<"writer.posts">(post::c.title));
  EXPECT_EQ(q | ar::to_vector,
            (std::vector<std::tuple<std::string, std::string>>{{"intro", "deep"}, {"intro", "intro"}}));
  EXPECT_EQ(
      q.to_sql(sqlite()),
      "SELECT \"jn_posts\".\"title\", \"writer_posts\".\"title\" FROM \"jn_posts\" INNER JOIN \"jn_post_tags\" ON "
      "\"jn_post_tags\".\"post_id\" = \"jn_posts\".\"id\" INNER JOIN \"jn_tags\" ON \"jn_tags\".\"id\" = "
      "\"jn_post_tags\".\"tag_id\" INNER JOIN \"jn_authors\" ON \"jn_authors\".\"id\" = \"jn_posts\".\"author_id\" "
      "INNER JOIN \"jn_posts\" AS \"writer_posts\" ON \"writer_posts\".\"author_id\" = \"jn_authors\".\"id\" "
      "INNER JOIN \"jn_post_tags\" AS \"writer_posts_tags_jn_post_tags\" ON "
      "\"writer_posts_tags_jn_post_tags\".\"post_id\" = \"writer_posts\".\"id\" INNER JOIN \"jn_tags\" AS "
      "\"writer_posts_tags\" ON \"writer_posts_tags\".\"id\" = \"writer_posts_tags_jn_post_tags\".\"tag_id\" "
      "WHERE \"jn_tags\".\"name\" = ? AND \"writer_posts_tags\".\"name\" = ? ORDER BY \"jn_posts\".\"title\", "
      "\"writer_posts\".\"title\"");
}

TEST_P(self_joins, a_path_the_query_does_not_join_is_refused_at_run_time_naming_it) {
  // A query whose type says it joins "manager" though its state does not (what a query the type
  // system cannot follow would be): rendering it names the path, and nothing is sent.
  using joined_query = decltype(ar::from<employee>(db) | ar::joins<"manager">);
  const joined_query q(db, ar::from<employee>(db).shared_state());
  ar::statement_counter counter;
  try {
    (void)(q | ar::filter(ar::joined<"manager">(employee::c.name) == "ann") | ar::to_vector);
    FAIL() << "rendered a column of a path the query does not join";
  } catch (const ar::error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("ar::joined<\"manager\">"), std::string::npos) << what;
    EXPECT_NE(what.find("does not join the path 'manager'"), std::string::npos) << what;
  }
  EXPECT_EQ(counter.count(), 0u);
}

AR_INSTANTIATE_BACKEND_SUITE(self_joins);

TEST_P(joins, a_relation_to_another_database_is_refused_before_anything_is_sent) {
  ar::database other = ar_test::open_backend("sqlite3", "jm_other");
  ar::create_table<comment>(other);
  ar::bind<comment>("jm_other");
  const auto q = ar::from<post>(db) | ar::joins<"comments"> | ar::filter(comment::c.body == "nice");
  ar::statement_counter counter;
  auto refused = [&](auto&& run, const char* terminal) {
    try {
      run();
      ADD_FAILURE() << terminal << " joined across databases";
    } catch (const ar::error& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find("ar::joins<\"comments\">: the relation crosses databases"), std::string::npos) << what;
      EXPECT_NE(what.find("'jm_other'"), std::string::npos) << what;
    }
  };
  refused([&] { (void)(q | ar::to_vector); }, "to_vector");
  refused([&] { (void)(q | ar::count); }, "count");
  refused([&] { (void)(q | ar::exists); }, "exists");
  refused([&] { (void)(q | ar::select(post::c.title, comment::c.body) | ar::to_vector); }, "select");
  refused([&] { (void)(q | ar::stream); }, "stream");
  ar::bind<comment>("default");
  EXPECT_EQ(counter.count(), 0u);
}

// A join's statement is kept by its query's shape once it has run (src/sql/select_shapes.hpp); a
// table bound to another database afterwards is still found there, and the same query refused.
TEST_P(joins, a_join_run_before_is_refused_once_its_table_is_bound_to_another_database) {
  const auto run = [&] {
    return ar::from<post>(db) | ar::joins<"comments"> | ar::filter(comment::c.body == "nice") |
           ar::select(post::c.title, comment::c.body) | ar::to_vector;
  };
  (void)run();  // kept by its shape
  (void)run();  // and taken from there
  ar::database other = ar_test::open_backend("sqlite3", "jm_later");
  ar::create_table<comment>(other);
  ar::bind<comment>("jm_later");
  ar::statement_counter counter;
  try {
    (void)run();
    ADD_FAILURE() << "a kept join ran across databases";
  } catch (const ar::error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("ar::joins<\"comments\">: the relation crosses databases"), std::string::npos) << what;
    EXPECT_NE(what.find("'jm_later'"), std::string::npos) << what;
  }
  EXPECT_EQ(counter.count(), 0u);
  ar::bind<comment>("default");
  counter.reset();
  (void)run();  // on one database again
  EXPECT_EQ(counter.count(), 1u);
}

// Correlated subqueries: ar::correlate<author> lets a query of posts name the enclosing author's row.
TEST_P(joins, a_correlated_subquery_reads_the_enclosing_row_in_one_statement) {
  const auto best = ar::from<post>() | ar::correlate<author> | ar::filter(post::c.author_id == author::c.id) |
                    ar::select(post::c.score.max());
  ar::statement_counter counter;
  const auto rows = ar::from<author>(db) | ar::order_by(author::c.name) | ar::select(author::c.name, ar::scalar(best)) |
                    ar::to_vector;
  using row = std::tuple<std::string, std::optional<std::int32_t>>;
  EXPECT_EQ(rows, (std::vector<row>{{"ada", 9}, {"bob", 2}, {"cy", std::nullopt}}));
  EXPECT_EQ(counter.count(), 1u);
  // In a condition: the authors with a post scoring over 4, by exists_in and by in(query).
  const auto good =
      ar::from<post>() | ar::correlate<author> | ar::filter(post::c.author_id == author::c.id && post::c.score > 4);
  EXPECT_EQ(names(ar::from<author>(db) | ar::filter(ar::exists_in(good)) | ar::to_vector),
            (std::vector<std::string>{"ada"}));
  EXPECT_EQ(
      names(ar::from<author>(db) | ar::filter(!ar::exists_in(good)) | ar::order_by(author::c.name) | ar::to_vector),
      (std::vector<std::string>{"bob", "cy"}));
  EXPECT_EQ(
      names(ar::from<author>(db) | ar::filter(author::c.id.in(good | ar::select(post::c.author_id))) | ar::to_vector),
      (std::vector<std::string>{"ada"}));
  // Ordered by it: the authors by their best score, those without posts last.
  EXPECT_EQ(names(ar::from<author>(db) | ar::order_by(ar::coalesce(ar::scalar(best), -1).desc()) | ar::to_vector),
            (std::vector<std::string>{"ada", "bob", "cy"}));
}

TEST_P(joins, a_correlated_query_run_alone_is_refused) {
  const auto alone = ar::from<post>(db) | ar::correlate<author> | ar::filter(post::c.author_id == author::c.id);
  ar::statement_counter counter;
  try {
    (void)(alone | ar::to_vector);
    FAIL() << "ran a correlated query alone";
  } catch (const ar::error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("correlates with 'jn_authors'"), std::string::npos) << what;
  }
  EXPECT_THROW((void)(alone | ar::count), ar::error);
  EXPECT_EQ(counter.count(), 0u);
}

AR_INSTANTIATE_BACKEND_SUITE(joins);

const ar::dialect& sqlite() { return *ar::find_dialect("sqlite3"); }
const ar::dialect& postgresql() { return *ar::find_dialect("postgresql"); }
const ar::dialect& mysql() { return *ar::find_dialect("mysql"); }

TEST(joins_sql, inner_left_nested_and_through_joins_render_in_each_dialect) {
  const auto q = ar::from<author>() | ar::joins<"posts.comments"> | ar::filter(comment::c.body == "nice") |
                 ar::order_by(author::c.name);
  EXPECT_EQ(q.to_sql(sqlite()),
            "SELECT DISTINCT \"jn_authors\".\"id\", \"jn_authors\".\"name\" FROM \"jn_authors\" INNER JOIN "
            "\"jn_posts\" ON \"jn_posts\".\"author_id\" = \"jn_authors\".\"id\" INNER JOIN \"jn_comments\" ON "
            "\"jn_comments\".\"post_id\" = \"jn_posts\".\"id\" WHERE \"jn_comments\".\"body\" = ? ORDER BY "
            "\"jn_authors\".\"name\"");
  EXPECT_EQ(q.to_sql(postgresql()),
            "SELECT DISTINCT \"jn_authors\".\"id\", \"jn_authors\".\"name\" FROM \"jn_authors\" INNER JOIN "
            "\"jn_posts\" ON \"jn_posts\".\"author_id\" = \"jn_authors\".\"id\" INNER JOIN \"jn_comments\" ON "
            "\"jn_comments\".\"post_id\" = \"jn_posts\".\"id\" WHERE \"jn_comments\".\"body\" = $1 ORDER BY "
            "\"jn_authors\".\"name\"");
  EXPECT_EQ(q.to_sql(mysql()),
            "SELECT DISTINCT `jn_authors`.`id`, `jn_authors`.`name` FROM `jn_authors` INNER JOIN `jn_posts` ON "
            "`jn_posts`.`author_id` = `jn_authors`.`id` INNER JOIN `jn_comments` ON `jn_comments`.`post_id` = "
            "`jn_posts`.`id` WHERE `jn_comments`.`body` = ? ORDER BY `jn_authors`.`name`");
  // A to-one join repeats nothing: no DISTINCT.
  EXPECT_EQ((ar::from<post>() | ar::left_joins<"writer"> | ar::select(post::c.title, author::c.name)).to_sql(sqlite()),
            "SELECT \"jn_posts\".\"title\", \"jn_authors\".\"name\" FROM \"jn_posts\" LEFT JOIN \"jn_authors\" ON "
            "\"jn_authors\".\"id\" = \"jn_posts\".\"author_id\"");
  // Through the join model; a polymorphic relation tests the type in ON, its value bound.
  EXPECT_EQ((ar::from<post>() | ar::joins<"tags"> | ar::select(tag::c.name)).to_sql(sqlite()),
            "SELECT \"jn_tags\".\"name\" FROM \"jn_posts\" INNER JOIN \"jn_post_tags\" ON "
            "\"jn_post_tags\".\"post_id\" = \"jn_posts\".\"id\" INNER JOIN \"jn_tags\" ON \"jn_tags\".\"id\" = "
            "\"jn_post_tags\".\"tag_id\"");
  // A correlated subquery names the enclosing table's column by the table's name (a subquery keeps
  // the name of the database it reads: one is open for it).
  ar::open("sqlite3://db=:memory:");
  const auto best = ar::from<post>() | ar::correlate<author> | ar::filter(post::c.author_id == author::c.id) |
                    ar::select(post::c.score.max());
  EXPECT_EQ((ar::from<author>() | ar::select(author::c.name, ar::scalar(best))).to_sql(postgresql()),
            "SELECT \"name\", (SELECT MAX(\"score\") FROM \"jn_posts\" WHERE \"author_id\" = \"jn_authors\".\"id\") "
            "FROM \"jn_authors\"");
  ar::close_all();
  const auto notes = (ar::from<video>() | ar::joins<"notes"> | ar::select(note::c.body)).render(postgresql());
  EXPECT_EQ(notes.sql,
            "SELECT \"jn_notes\".\"body\" FROM \"jn_videos\" INNER JOIN \"jn_notes\" ON \"jn_notes\".\"notable_id\" = "
            "\"jn_videos\".\"id\" AND \"jn_notes\".\"notable_type\" = $1");
  ASSERT_EQ(notes.parameters.size(), 1u);
  EXPECT_EQ(std::get<std::string>(notes.parameters[0]), ar::model_of<video>::morph_name);
}

TEST(joins_sql, a_table_reached_again_is_joined_under_its_paths_name_in_each_dialect) {
  using ar::joined;
  const auto q = ar::from<employee>() | ar::left_joins<"manager"> |
                 ar::filter(joined<"manager">(employee::c.name) != "ann") |
                 ar::order_by(joined<"manager">(employee::c.name), employee::c.name) |
                 ar::select(employee::c.name, joined<"manager">(employee::c.name));
  EXPECT_EQ(q.to_sql(sqlite()),
            "SELECT \"jn_employees\".\"name\", \"manager\".\"name\" FROM \"jn_employees\" LEFT JOIN \"jn_employees\" "
            "AS \"manager\" ON \"manager\".\"id\" = \"jn_employees\".\"manager_id\" WHERE \"manager\".\"name\" <> ? "
            "ORDER BY \"manager\".\"name\", \"jn_employees\".\"name\"");
  EXPECT_EQ(q.to_sql(postgresql()),
            "SELECT \"jn_employees\".\"name\", \"manager\".\"name\" FROM \"jn_employees\" LEFT JOIN \"jn_employees\" "
            "AS \"manager\" ON \"manager\".\"id\" = \"jn_employees\".\"manager_id\" WHERE \"manager\".\"name\" <> $1 "
            "ORDER BY \"manager\".\"name\", \"jn_employees\".\"name\"");
  EXPECT_EQ(q.to_sql(mysql()),
            "SELECT `jn_employees`.`name`, `manager`.`name` FROM `jn_employees` LEFT JOIN `jn_employees` AS `manager` "
            "ON `manager`.`id` = `jn_employees`.`manager_id` WHERE `manager`.`name` <> ? ORDER BY `manager`.`name`, "
            "`jn_employees`.`name`");
  // A longer path joins each copy to the one before it; a second path to a joined model is named by
  // its path, the first keeps its table's name.
  EXPECT_EQ(
      (ar::from<employee>() | ar::joins<"manager.manager"> | ar::select(joined<"manager.manager">(employee::c.name)))
          .to_sql(sqlite()),
      "SELECT \"manager_manager\".\"name\" FROM \"jn_employees\" INNER JOIN \"jn_employees\" AS \"manager\" ON "
      "\"manager\".\"id\" = \"jn_employees\".\"manager_id\" INNER JOIN \"jn_employees\" AS \"manager_manager\" "
      "ON \"manager_manager\".\"id\" = \"manager\".\"manager_id\"");
  EXPECT_EQ((ar::from<post>() | ar::joins<"writer.posts"> |
             ar::select(post::c.title, author::c.name, joined<"writer">(author::c.name),
                        joined<"writer.posts">(post::c.title)))
                .to_sql(mysql()),
            "SELECT `jn_posts`.`title`, `jn_authors`.`name`, `jn_authors`.`name`, `writer_posts`.`title` FROM "
            "`jn_posts` INNER JOIN `jn_authors` ON `jn_authors`.`id` = `jn_posts`.`author_id` INNER JOIN `jn_posts` "
            "AS `writer_posts` ON `writer_posts`.`author_id` = `jn_authors`.`id`");
}

}  // namespace
