// W8 (posts with their tags through post_tags), W9 (polymorphic comments on posts and photos) and
// W10 (users on one database, their posts on another), each beside hand-written twins that send
// the statements ar sends.

#include "bench_common.hpp"

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

// --- W8: many-to-many through a join model ---------------------------------------------------------
//
// 100 and 1,000 posts (databases w8_<posts>), 20 tags, each post linked to 3 of them through
// post_tags (indexed on post_id). ar loads a post's tags with one statement that joins post_tags
// in SQL; the twins send that statement too.

namespace bench_w8 {

struct Tag;
struct PostTag;

struct Post {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::string title;
  std::optional<std::string> body;

  AR_MODEL(Post, "posts", AR_FIELDS(id, user_id, title, body),
           AR_HAS_MANY_THROUGH(tags, Tag, PostTag, post_id, tag_id));
};

struct Tag {
  std::int64_t id = 0;
  std::string name;

  AR_MODEL(Tag, "tags", AR_FIELDS(id, name));
};

struct PostTag {
  std::int64_t id = 0;
  std::int64_t post_id = 0;
  std::int64_t tag_id = 0;

  AR_MODEL(PostTag, "post_tags", AR_FIELDS(id, post_id, tag_id));
};

struct tag_row {
  std::int64_t id = 0;
  std::string name;
};
struct post_row {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::string title;
  std::optional<std::string> body;
  std::vector<tag_row> tags;
};

constexpr int sizes[] = {100, 1000};
constexpr int tag_count = 20;
constexpr int tags_per_post = 3;

std::size_t expected_rows(int posts) { return static_cast<std::size_t>(posts) * (1 + tags_per_post); }

const std::string& use(int n) {
  static std::map<int, std::string> all;
  auto [it, fresh] = all.try_emplace(n);
  if (fresh) {
    it->second = "w8_" + std::to_string(n);
    auto db = bench::open_sqlite(it->second);
    ar::create_tables<Post, Tag, PostTag>(db);
    db.execute("CREATE INDEX post_tags_post_id ON post_tags (post_id, tag_id)");
    std::vector<Tag> tags(tag_count);
    for (int t = 0; t < tag_count; ++t) tags[static_cast<std::size_t>(t)].name = "tag" + std::to_string(t);
    ar::insert_all(db, tags);
    std::vector<Post> posts(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i)
      posts[static_cast<std::size_t>(i)] = Post{0, i / 10 + 1, "Post " + std::to_string(i), "body"};
    ar::insert_all(db, posts);
    std::vector<PostTag> links;
    for (int i = 0; i < n; ++i)
      for (int k = 0; k < tags_per_post; ++k)
        links.push_back(
            PostTag{0, posts[static_cast<std::size_t>(i)].id, tags[static_cast<std::size_t>((i + k) % tag_count)].id});
    ar::insert_all(db, links);
    bench::after_seeding(db);
  }
  ar::bind<Post>(it->second);
  ar::bind<Tag>(it->second);
  ar::bind<PostTag>(it->second);
  return it->second;
}

std::size_t walk(bool eager) {
  std::vector<Post> posts =
      eager ? ar::from<Post>() | ar::with("tags") | ar::to_vector : ar::from<Post>() | ar::to_vector;
  std::size_t rows = posts.size();
  for (const Post& p : posts) rows += p.tags().size();
  return rows;
}

void W8_orm(benchmark::State& state, int n, bool eager) {
  use(n);
  bench::run_counted(state, expected_rows(n), [eager] { return walk(eager); }, {2, 2});  // posts, tags joined in SQL
}

constexpr const char* tags_sql =
    "SELECT tags.id, tags.name, j.post_id FROM tags JOIN post_tags AS j ON j.tag_id = tags.id WHERE j.post_id IN";

void W8_raw_sqlite3(benchmark::State& state, int n) {
  auto& conn = bench::raw_sqlite(use(n));
  bench::run(state, expected_rows(n), [&] {
    std::vector<post_row> posts;
    sqlite3_stmt* st = conn.statements->get("SELECT id, user_id, title, body FROM posts");
    while (sqlite3_step(st) == SQLITE_ROW)
      posts.push_back(post_row{sqlite3_column_int64(st, 0),
                               sqlite3_column_int64(st, 1),
                               bench::column_text(st, 2),
                               bench::column_optional_text(st, 3),
                               {}});
    std::unordered_map<std::int64_t, std::size_t> at;
    at.reserve(posts.size());
    for (std::size_t i = 0; i < posts.size(); ++i) at.emplace(posts[i].id, i);
    st = conn.statements->get(bench::sqlite_in(tags_sql, posts.size(), " ORDER BY tags.id"));
    for (std::size_t i = 0; i < posts.size(); ++i) sqlite3_bind_int64(st, static_cast<int>(i + 1), posts[i].id);
    while (sqlite3_step(st) == SQLITE_ROW)
      posts[at.at(sqlite3_column_int64(st, 2))].tags.push_back(
          tag_row{sqlite3_column_int64(st, 0), bench::column_text(st, 1)});
    std::size_t rows = posts.size();
    for (const post_row& p : posts) rows += p.tags.size();
    benchmark::DoNotOptimize(posts.data());
    return rows;
  });
}

void W8_raw_soci(benchmark::State& state, int n) {
  auto& conn = bench::soci_sqlite(use(n));
  soci::session& s = *conn.session;
  long long id = 0, user_id = 0;
  std::string title, body;
  soci::indicator body_ind = soci::i_ok;
  soci::statement posts_st = (s.prepare << "SELECT id, user_id, title, body FROM posts", soci::into(id),
                              soci::into(user_id), soci::into(title), soci::into(body, body_ind));
  struct tag_into {
    long long id = 0, post_id = 0;
    std::string name;
  };
  auto& tags = conn.extras.get<bench::soci_in_cache<tag_into>>("w8 tags");
  bench::run(state, expected_rows(n), [&] {
    std::vector<post_row> posts;
    posts_st.execute();
    while (posts_st.fetch())
      posts.push_back(
          post_row{id, user_id, title, body_ind == soci::i_null ? std::nullopt : std::optional<std::string>(body), {}});
    std::unordered_map<std::int64_t, std::size_t> at;
    at.reserve(posts.size());
    for (std::size_t i = 0; i < posts.size(); ++i) at.emplace(posts[i].id, i);
    auto& t = tags.get(
        s, posts.size(),
        [](soci::statement& st, tag_into& r) {
          st.exchange(soci::into(r.id));
          st.exchange(soci::into(r.name));
          st.exchange(soci::into(r.post_id));
        },
        [](std::size_t k) { return bench::soci_in(tags_sql, k, " ORDER BY tags.id"); });
    for (std::size_t i = 0; i < posts.size(); ++i) t.keys[i] = posts[i].id;
    t.st->execute();
    while (t.st->fetch()) posts[at.at(t.row.post_id)].tags.push_back(tag_row{t.row.id, t.row.name});
    std::size_t rows = posts.size();
    for (const post_row& p : posts) rows += p.tags.size();
    benchmark::DoNotOptimize(posts.data());
    return rows;
  });
}

}  // namespace bench_w8

// --- W9: polymorphic comments ------------------------------------------------------------------
//
// 1,000 comments (database w9), alternately on one of 100 posts and one of 100 photos. with
// ("commentable") sends one statement for the comments and one per type met (posts, photos).

namespace bench_w9 {

struct Comment;

struct Post {
  std::int64_t id = 0;
  std::string title;

  AR_MODEL(Post, "posts", AR_FIELDS(id, title), AR_MORPH_MANY(comments, Comment, commentable));
};

struct Photo {
  std::int64_t id = 0;
  std::string url;

  AR_MODEL(Photo, "photos", AR_FIELDS(id, url), AR_MORPH_MANY(comments, Comment, commentable));
};

struct Comment {
  std::int64_t id = 0;
  std::string commentable_type;
  std::int64_t commentable_id = 0;
  std::string text;

  AR_MODEL(Comment, "comments", AR_FIELDS(id, commentable_type, commentable_id, text),
           AR_MORPH_TO(commentable, commentable_type, commentable_id));
};

struct post_row {
  std::int64_t id = 0;
  std::string title;
};
struct photo_row {
  std::int64_t id = 0;
  std::string url;
};
struct comment_row {
  std::int64_t id = 0;
  std::string commentable_type;
  std::int64_t commentable_id = 0;
  std::string text;
  const post_row* post = nullptr;    // what it is on: a post,
  const photo_row* photo = nullptr;  // or a photo
};

constexpr int comments = 1000;
constexpr int parents = 100;  // posts, and as many photos
constexpr const char* name = "w9";

void use() {
  static const bool seeded = [] {
    auto db = bench::open_sqlite(name);
    ar::create_tables<Post, Photo, Comment>(db);
    db.execute("CREATE INDEX comments_commentable ON comments (commentable_type, commentable_id)");
    std::vector<Post> posts(parents);
    std::vector<Photo> photos(parents);
    for (int i = 0; i < parents; ++i) {
      posts[static_cast<std::size_t>(i)].title = "Post " + std::to_string(i);
      photos[static_cast<std::size_t>(i)].url = "https://example.org/photo/" + std::to_string(i) + ".jpg";
    }
    ar::insert_all(db, posts);
    ar::insert_all(db, photos);
    std::vector<Comment> all(comments);
    for (int i = 0; i < comments; ++i) {
      Comment& c = all[static_cast<std::size_t>(i)];
      const auto parent = static_cast<std::size_t>((i / 2) % parents);
      if (i % 2 == 0)
        c.commentable_associate(posts[parent]);
      else
        c.commentable_associate(photos[parent]);
      c.text = "Comment " + std::to_string(i);
    }
    ar::insert_all(db, all);
    bench::after_seeding(db);
    return true;
  }();
  (void)seeded;
  ar::bind<Post>(name);
  ar::bind<Photo>(name);
  ar::bind<Comment>(name);
}

enum class strategy { lazy, automatic, eager };

std::size_t walk(strategy how) {
  std::vector<Comment> all = how == strategy::eager ? ar::from<Comment>() | ar::with("commentable") | ar::to_vector
                                                    : ar::from<Comment>() | ar::to_vector;
  std::size_t rows = all.size();
  for (const Comment& c : all) {
    ar::morph_ref on = c.commentable();
    rows += static_cast<std::size_t>(on.is<Post>() || on.is<Photo>());
  }
  return rows;
}

// Eager, and lazy with automatic batching: the comments, then one statement per type. Lazy with
// batching off for the run (as W4's orm_lazy): one per comment.
void W9_orm(benchmark::State& state, strategy how) {
  use();
  if (how == strategy::lazy) ar::set_auto_batching(false);
  const std::size_t statements = how == strategy::lazy ? 1 + comments : 3;
  bench::run_counted(state, 2 * comments, [how] { return walk(how); }, {statements, statements});
  ar::set_auto_batching(true);
  state.SetItemsProcessed(state.iterations() * (comments + 2 * parents));
}

// The twins: the comments, then for each type met its distinct keys, one IN statement per type.
template <class Parent, class Load>
std::vector<Parent> load_parents(const std::vector<comment_row>& all, const std::string& type, Load&& load) {
  std::vector<std::int64_t> keys;
  for (const comment_row& c : all)
    if (c.commentable_type == type) keys.push_back(c.commentable_id);
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return load(keys);
}

template <class Parent>
std::unordered_map<std::int64_t, const Parent*> index_of(const std::vector<Parent>& rows) {
  std::unordered_map<std::int64_t, const Parent*> out;
  out.reserve(rows.size());
  for (const Parent& p : rows) out.emplace(p.id, &p);
  return out;
}

std::size_t link(std::vector<comment_row>& all, const std::vector<post_row>& posts,
                 const std::vector<photo_row>& photos) {
  const auto post_at = index_of(posts);
  const auto photo_at = index_of(photos);
  std::size_t rows = all.size();
  for (comment_row& c : all) {
    if (c.commentable_type == "posts") {
      if (auto it = post_at.find(c.commentable_id); it != post_at.end()) c.post = it->second;
    } else if (c.commentable_type == "photos") {
      if (auto it = photo_at.find(c.commentable_id); it != photo_at.end()) c.photo = it->second;
    }
    rows += static_cast<std::size_t>(c.post != nullptr || c.photo != nullptr);
  }
  return rows;
}

void W9_raw_sqlite3(benchmark::State& state) {
  use();
  auto& conn = bench::raw_sqlite(name);
  bench::run(state, 2 * comments, [&] {
    std::vector<comment_row> all;
    sqlite3_stmt* st = conn.statements->get("SELECT id, commentable_type, commentable_id, text FROM comments");
    while (sqlite3_step(st) == SQLITE_ROW)
      all.push_back(comment_row{sqlite3_column_int64(st, 0), bench::column_text(st, 1), sqlite3_column_int64(st, 2),
                                bench::column_text(st, 3), nullptr, nullptr});
    auto posts = load_parents<post_row>(all, "posts", [&](const std::vector<std::int64_t>& keys) {
      std::vector<post_row> out;
      sqlite3_stmt* q = conn.statements->get(bench::sqlite_in("SELECT id, title FROM posts WHERE id IN", keys.size()));
      for (std::size_t i = 0; i < keys.size(); ++i) sqlite3_bind_int64(q, static_cast<int>(i + 1), keys[i]);
      while (sqlite3_step(q) == SQLITE_ROW)
        out.push_back(post_row{sqlite3_column_int64(q, 0), bench::column_text(q, 1)});
      return out;
    });
    auto photos = load_parents<photo_row>(all, "photos", [&](const std::vector<std::int64_t>& keys) {
      std::vector<photo_row> out;
      sqlite3_stmt* q = conn.statements->get(bench::sqlite_in("SELECT id, url FROM photos WHERE id IN", keys.size()));
      for (std::size_t i = 0; i < keys.size(); ++i) sqlite3_bind_int64(q, static_cast<int>(i + 1), keys[i]);
      while (sqlite3_step(q) == SQLITE_ROW)
        out.push_back(photo_row{sqlite3_column_int64(q, 0), bench::column_text(q, 1)});
      return out;
    });
    std::size_t rows = link(all, posts, photos);
    benchmark::DoNotOptimize(all.data());
    return rows;
  });
  state.SetItemsProcessed(state.iterations() * (comments + 2 * parents));
}

struct parent_into {
  long long id = 0;
  std::string text;
};

void W9_raw_soci(benchmark::State& state) {
  use();
  auto& conn = bench::soci_sqlite(name);
  soci::session& s = *conn.session;
  comment_row r;
  long long id = 0, commentable_id = 0;
  soci::statement comments_st =
      (s.prepare << "SELECT id, commentable_type, commentable_id, text FROM comments", soci::into(id),
       soci::into(r.commentable_type), soci::into(commentable_id), soci::into(r.text));
  auto& posts_cache = conn.extras.get<bench::soci_in_cache<parent_into>>("w9 posts");
  auto& photos_cache = conn.extras.get<bench::soci_in_cache<parent_into>>("w9 photos");
  auto bind = [](soci::statement& st, parent_into& p) {
    st.exchange(soci::into(p.id));
    st.exchange(soci::into(p.text));
  };
  bench::run(state, 2 * comments, [&] {
    std::vector<comment_row> all;
    comments_st.execute();
    while (comments_st.fetch()) {
      r.id = id;
      r.commentable_id = commentable_id;
      all.push_back(r);
    }
    auto posts = load_parents<post_row>(all, "posts", [&](const std::vector<std::int64_t>& keys) {
      auto& q = posts_cache.get(s, keys.size(), bind, [](std::size_t k) {
        return bench::soci_in("SELECT id, title FROM posts WHERE id IN", k);
      });
      std::copy(keys.begin(), keys.end(), q.keys.begin());
      std::vector<post_row> out;
      q.st->execute();
      while (q.st->fetch()) out.push_back(post_row{q.row.id, q.row.text});
      return out;
    });
    auto photos = load_parents<photo_row>(all, "photos", [&](const std::vector<std::int64_t>& keys) {
      auto& q = photos_cache.get(s, keys.size(), bind, [](std::size_t k) {
        return bench::soci_in("SELECT id, url FROM photos WHERE id IN", k);
      });
      std::copy(keys.begin(), keys.end(), q.keys.begin());
      std::vector<photo_row> out;
      q.st->execute();
      while (q.st->fetch()) out.push_back(photo_row{q.row.id, q.row.text});
      return out;
    });
    std::size_t rows = link(all, posts, photos);
    benchmark::DoNotOptimize(all.data());
    return rows;
  });
  state.SetItemsProcessed(state.iterations() * (comments + 2 * parents));
}

}  // namespace bench_w9

// --- W10: across two databases -------------------------------------------------------------------
//
// 100 users in the database w10_users, their 1,000 posts (10 each) in w10_posts: with("posts") sends one
// statement to each database; the twins hold one connection to each database.

namespace bench_w10 {

struct Post;

struct User {
  std::int64_t id = 0;
  std::string name;
  std::optional<std::string> hair_color;

  AR_MODEL(User, "users", AR_FIELDS(id, name, hair_color), AR_HAS_MANY(posts, Post, user_id, AR_INVERSE(author)));
};

struct Post {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::string title;
  std::optional<std::string> body;

  AR_MODEL(Post, "posts", AR_FIELDS(id, user_id, title, body), AR_BELONGS_TO(author, User, user_id, AR_INVERSE(posts)));
};

struct post_row {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::string title;
  std::optional<std::string> body;
};
struct user_row {
  std::int64_t id = 0;
  std::string name;
  std::optional<std::string> hair_color;
  std::vector<post_row> posts;
};

constexpr int users = 100;
constexpr int posts_per_user = 10;
constexpr const char* users_db = "w10_users";
constexpr const char* posts_db = "w10_posts";
constexpr std::size_t expected_rows = users * (1 + posts_per_user);

void use() {
  static const bool seeded = [] {
    auto udb = bench::open_sqlite(users_db);
    auto pdb = bench::open_sqlite(posts_db);
    ar::bind<User>(users_db);
    ar::bind<Post>(posts_db);
    ar::create_table<User>(udb);
    ar::create_table<Post>(pdb);
    pdb.execute("CREATE INDEX posts_user_id ON posts (user_id)");
    std::vector<User> all(users);
    for (int i = 0; i < users; ++i) all[static_cast<std::size_t>(i)].name = "User " + std::to_string(i);
    ar::insert_all(udb, all);
    std::vector<Post> posts;
    for (const User& u : all)
      for (int p = 0; p < posts_per_user; ++p)
        posts.push_back(Post{0, u.id, "Post " + std::to_string(p), std::nullopt});
    ar::insert_all(pdb, posts);
    bench::after_seeding(udb);
    bench::after_seeding(pdb);
    return true;
  }();
  (void)seeded;
}

std::size_t walk(bool eager) {
  std::vector<User> all =
      eager ? ar::from<User>() | ar::with("posts") | ar::to_vector : ar::from<User>() | ar::to_vector;
  std::size_t rows = all.size();
  for (const User& u : all) rows += u.posts().size();
  return rows;
}

void W10_orm(benchmark::State& state, bool eager) {
  use();
  {  // One statement on each database, counted on a run of its own.
    ar::statement_counter counter;
    benchmark::DoNotOptimize(walk(eager));
    state.counters["statements_users_db"] = static_cast<double>(counter.count(users_db));
    state.counters["statements_posts_db"] = static_cast<double>(counter.count(posts_db));
    bench::expect_statements(state, counter.count(users_db), 1);
    bench::expect_statements(state, counter.count(posts_db), 1);
  }
  bench::run_counted(state, expected_rows, [eager] { return walk(eager); }, {2, 2});
}

void W10_raw_sqlite3(benchmark::State& state) {
  use();
  auto& uconn = bench::raw_sqlite(users_db);
  auto& pconn = bench::raw_sqlite(posts_db);
  bench::run(state, expected_rows, [&] {
    std::vector<user_row> all;
    sqlite3_stmt* st = uconn.statements->get("SELECT id, name, hair_color FROM users");
    while (sqlite3_step(st) == SQLITE_ROW)
      all.push_back(
          user_row{sqlite3_column_int64(st, 0), bench::column_text(st, 1), bench::column_optional_text(st, 2), {}});
    std::unordered_map<std::int64_t, std::size_t> at;
    at.reserve(all.size());
    for (std::size_t i = 0; i < all.size(); ++i) at.emplace(all[i].id, i);
    st = pconn.statements->get(
        bench::sqlite_in("SELECT id, user_id, title, body FROM posts WHERE user_id IN", all.size(), " ORDER BY id"));
    for (std::size_t i = 0; i < all.size(); ++i) sqlite3_bind_int64(st, static_cast<int>(i + 1), all[i].id);
    while (sqlite3_step(st) == SQLITE_ROW) {
      post_row p{sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1), bench::column_text(st, 2),
                 bench::column_optional_text(st, 3)};
      all[at.at(p.user_id)].posts.push_back(std::move(p));
    }
    std::size_t rows = all.size();
    for (const user_row& u : all) rows += u.posts.size();
    benchmark::DoNotOptimize(all.data());
    return rows;
  });
}

void W10_raw_soci(benchmark::State& state) {
  use();
  soci::session& us = *bench::soci_sqlite(users_db).session;
  auto& pconn = bench::soci_sqlite(posts_db);
  user_row u;
  std::string hair;
  soci::indicator hair_ind = soci::i_ok;
  soci::statement users_st = (us.prepare << "SELECT id, name, hair_color FROM users", soci::into(u.id),
                              soci::into(u.name), soci::into(hair, hair_ind));
  struct post_into {
    long long id = 0, user_id = 0;
    std::string title, body;
    soci::indicator body_ind = soci::i_ok;
  };
  auto& posts = pconn.extras.get<bench::soci_in_cache<post_into>>("w10 posts");
  bench::run(state, expected_rows, [&] {
    std::vector<user_row> all;
    users_st.execute();
    while (users_st.fetch()) {
      u.hair_color = hair_ind == soci::i_null ? std::nullopt : std::optional<std::string>(hair);
      all.push_back(u);
    }
    std::unordered_map<std::int64_t, std::size_t> at;
    at.reserve(all.size());
    for (std::size_t i = 0; i < all.size(); ++i) at.emplace(all[i].id, i);
    auto& p = posts.get(
        *pconn.session, all.size(),
        [](soci::statement& st, post_into& r) {
          st.exchange(soci::into(r.id));
          st.exchange(soci::into(r.user_id));
          st.exchange(soci::into(r.title));
          st.exchange(soci::into(r.body, r.body_ind));
        },
        [](std::size_t k) {
          return bench::soci_in("SELECT id, user_id, title, body FROM posts WHERE user_id IN", k, " ORDER BY id");
        });
    for (std::size_t i = 0; i < all.size(); ++i) p.keys[i] = all[i].id;
    p.st->execute();
    while (p.st->fetch())
      all[at.at(p.row.user_id)].posts.push_back(
          post_row{p.row.id, p.row.user_id, p.row.title,
                   p.row.body_ind == soci::i_null ? std::nullopt : std::optional<std::string>(p.row.body)});
    std::size_t rows = all.size();
    for (const user_row& x : all) rows += x.posts.size();
    benchmark::DoNotOptimize(all.data());
    return rows;
  });
}

}  // namespace bench_w10

namespace bench {

void register_relation_benchmarks() {
  for (int n : bench_w8::sizes) {
    const std::string size = std::to_string(n);
    add("W8/orm_eager/" + size, [n](benchmark::State& s) { bench_w8::W8_orm(s, n, true); });
    add("W8/orm_auto/" + size, [n](benchmark::State& s) { bench_w8::W8_orm(s, n, false); });
    add("W8/raw_sqlite3/" + size, [n](benchmark::State& s) { bench_w8::W8_raw_sqlite3(s, n); });
    add("W8/raw_soci/" + size, [n](benchmark::State& s) { bench_w8::W8_raw_soci(s, n); });
  }
  const std::string w9 = "/" + std::to_string(bench_w9::comments);
  add("W9/orm_eager" + w9, [](benchmark::State& s) { bench_w9::W9_orm(s, bench_w9::strategy::eager); });
  add("W9/orm_auto" + w9, [](benchmark::State& s) { bench_w9::W9_orm(s, bench_w9::strategy::automatic); });
  add("W9/orm_lazy" + w9, [](benchmark::State& s) { bench_w9::W9_orm(s, bench_w9::strategy::lazy); });
  add("W9/raw_sqlite3" + w9, bench_w9::W9_raw_sqlite3);
  add("W9/raw_soci" + w9, bench_w9::W9_raw_soci);
  const std::string w10 = "/" + std::to_string(bench_w10::users);
  add("W10/orm_eager" + w10, [](benchmark::State& s) { bench_w10::W10_orm(s, true); });
  add("W10/orm_auto" + w10, [](benchmark::State& s) { bench_w10::W10_orm(s, false); });
  add("W10/raw_sqlite3" + w10, bench_w10::W10_raw_sqlite3);
  add("W10/raw_soci" + w10, bench_w10::W10_raw_soci);
}

}  // namespace bench
