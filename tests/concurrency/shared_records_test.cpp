// Records of one query, read from several threads on disjoint records: each thread reads the
// relations of its own records (lazily, batched, nested, strict or eager-loaded), and every thread
// sees exactly its records' rows, with the statement counts of one thread.
//
// The batching contract under threads: the records of one query share one context, and each
// relation of that context is loaded by ONE statement (per chunk of the backend's bind limit), for
// every record of the context, whichever thread reads first and however many read at once: a
// thread that reads a relation while another is loading it waits for that load and uses its
// result. Nested levels are the same: the rows one batch read share one context of their own.
//
// These tests also run under ThreadSanitizer (build-tsan/tests/test_concurrency, scripts/test.sh).

#include "../relation/models.hpp"
#include "../support/backends.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <functional>
#include <latch>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace {

using rel::comment;
using rel::post;
using rel::profile;
using rel::user;

// Many-to-many through a join model (has_many_through batches with its own code), and notes on
// articles and tags (a morph_to batches per type, with its own code too).
struct c_tag;
struct c_article_tag;
struct c_note;
struct c_article {
  std::int64_t id = 0;
  std::string title;
  AR_MODEL(c_article, "c_articles", AR_FIELDS(id, title),
           AR_HAS_MANY_THROUGH(tags, c_tag, c_article_tag, article_id, tag_id), AR_MORPH_MANY(notes, c_note, notable));
};
struct c_tag {
  std::int64_t id = 0;
  std::string name;
  AR_MODEL(c_tag, "c_tags", AR_FIELDS(id, name), AR_MORPH_MANY(notes, c_note, notable));
};
struct c_note {
  std::int64_t id = 0;
  std::string notable_type;
  std::int64_t notable_id = 0;
  std::string text;  // the title or name of what it is on
  AR_MODEL(c_note, "c_notes", AR_FIELDS(id, notable_type, notable_id, text),
           AR_MORPH_TO(notable, notable_type, notable_id));
};
struct c_article_tag {
  std::int64_t id = 0;
  std::int64_t article_id = 0;
  std::int64_t tag_id = 0;
  AR_MODEL(c_article_tag, "c_article_tags", AR_FIELDS(id, article_id, tag_id));
};

constexpr int user_count = 48;
constexpr int rounds = 12;  // a fresh query per round: each round races on fresh batches

// Runs `work(t)` on `threads` threads that start together.
void on_threads(int threads, const std::function<void(int)>& work) {
  std::latch start(threads);
  std::vector<std::thread> running;
  running.reserve(static_cast<std::size_t>(threads));
  for (int t = 0; t < threads; ++t)
    running.emplace_back([&, t] {
      start.arrive_and_wait();
      work(t);
    });
  for (auto& th : running) th.join();
}

// Which records thread t of n reads: the t-th slice, or every n-th from t.
enum class split { halves, interleaved };
std::vector<std::size_t> mine(std::size_t size, int t, int n, split how) {
  std::vector<std::size_t> out;
  if (how == split::halves) {
    const std::size_t from = size * static_cast<std::size_t>(t) / static_cast<std::size_t>(n);
    const std::size_t to = size * static_cast<std::size_t>(t + 1) / static_cast<std::size_t>(n);
    for (std::size_t i = from; i < to; ++i) out.push_back(i);
  } else {
    for (std::size_t i = static_cast<std::size_t>(t); i < size; i += static_cast<std::size_t>(n)) out.push_back(i);
  }
  return out;
}

class shared_records : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    // A database every thread can use at once: PostgreSQL and MariaDB pools of 4, and a SQLite
    // file with a pool of 4 (each connection to ":memory:" would be a database of its own).
    db = ar_test::open_backend(GetParam() == "sqlite" ? "sqlite_file" : GetParam(), "default", {.pool_size = 4});
    ar::create_tables<user, post, comment, profile, c_article, c_tag, c_article_tag, c_note>(db);
    // User i has i % 4 posts (some none), each with i % 3 + 1 comments; every user but each fifth
    // has a profile.
    std::vector<user> users;
    for (int i = 0; i < user_count; ++i) users.push_back(user{0, "user" + std::to_string(i)});
    ar::insert_all(db, users);
    std::vector<post> posts;
    for (int i = 0; i < user_count; ++i)
      for (int p = 0; p < i % 4; ++p)
        posts.push_back(post{0, users[i].id, users[i].username + "-post" + std::to_string(p)});
    ar::insert_all(db, posts);
    std::vector<comment> comments;
    for (const post& p : posts)
      for (int c = 0; c < static_cast<int>(*p.user_id % 3) + 1; ++c)
        comments.push_back(comment{0, p.id, p.title + "-comment" + std::to_string(c)});
    ar::insert_all(db, comments);
    std::vector<profile> profiles;
    for (int i = 0; i < user_count; ++i)
      if (i % 5 != 0) profiles.push_back(profile{0, users[i].id, users[i].username + "-bio"});
    ar::insert_all(db, profiles);
    for (const user& u : users) usernames[u.id] = u.username;
    for (const post& p : posts) {
      posts_of[*p.user_id].insert(p.title);
      post_user[p.id] = *p.user_id;
    }
    for (const comment& c : comments) comments_of[c.post_id].insert(c.text);
    for (const profile& p : profiles) bio_of[p.user_id] = p.bio;
    // Articles: article i has the tags j < i % 5.
    std::vector<c_tag> tags;
    for (int j = 0; j < 5; ++j) tags.push_back(c_tag{0, "tag" + std::to_string(j)});
    ar::insert_all(db, tags);
    std::vector<c_article> articles;
    for (int i = 0; i < user_count; ++i) articles.push_back(c_article{0, "article" + std::to_string(i)});
    ar::insert_all(db, articles);
    std::vector<c_article_tag> links;
    for (int i = 0; i < user_count; ++i)
      for (int j = 0; j < i % 5; ++j) {
        links.push_back(c_article_tag{0, articles[i].id, tags[j].id});
        tags_of[articles[i].id].insert(tags[j].name);
      }
    ar::insert_all(db, links);
    // A note on every article and every tag, interleaved.
    std::vector<c_note> notes;
    for (int i = 0; i < user_count; ++i) {
      notes.push_back(c_note{0, "c_articles", articles[i].id, articles[i].title});
      if (i < 5) notes.push_back(c_note{0, "c_tags", tags[i].id, tags[i].name});
    }
    ar::insert_all(db, notes);
  }
  void TearDown() override { ar_test::close_backends(); }

  auto all_users() const { return ar::from<user>(db) | ar::order_by(user::c.id); }

  // What user u's posts must be, by title.
  std::set<std::string> titles(const std::vector<post>& posts) const {
    std::set<std::string> out;
    for (const post& p : posts) out.insert(p.title);
    return out;
  }
  std::set<std::string> texts(const std::vector<comment>& comments) const {
    std::set<std::string> out;
    for (const comment& c : comments) out.insert(c.text);
    return out;
  }
  std::set<std::string> expected_posts(std::int64_t user_id) const {
    auto it = posts_of.find(user_id);
    return it == posts_of.end() ? std::set<std::string>{} : it->second;
  }
  std::set<std::string> expected_comments(std::int64_t post_id) const {
    auto it = comments_of.find(post_id);
    return it == comments_of.end() ? std::set<std::string>{} : it->second;
  }

  // Checks one user's posts (and, `nested`, their comments and the inverse back to the user);
  // counts what was wrong.
  void check_user(const user& u, bool nested, bool profile_too, std::atomic<int>& wrong) const {
    const std::vector<post>& posts = u.posts();
    if (titles(posts) != expected_posts(u.id) || posts.size() != expected_posts(u.id).size()) ++wrong;
    for (const post& p : posts) {
      if (p.user_id != u.id) ++wrong;
      // The inverse was filled by the load: the user, no statement.
      const auto author = p.author();
      if (!author || author->id != u.id || author->username != u.username) ++wrong;
      if (nested && texts(p.comments()) != expected_comments(p.id)) ++wrong;
      if (nested)
        for (const comment& c : p.comments())
          if (c.post_id != p.id) ++wrong;
    }
    if (profile_too) {
      const auto found = u.profile();
      const auto it = bio_of.find(u.id);
      if (it == bio_of.end() ? found != nullptr : (!found || found->bio != it->second || found->user_id != u.id))
        ++wrong;
    }
  }

  // Reads the users of one query from `threads` threads, `rounds` times; returns the most
  // statements one round sent after the query's own.
  std::size_t lazy_rounds(int threads, split how, bool nested, bool profile_too, std::atomic<int>& wrong) {
    std::size_t most = 0;
    for (int r = 0; r < rounds; ++r) {
      const std::vector<user> users = all_users() | ar::to_vector;
      if (users.size() != static_cast<std::size_t>(user_count)) ++wrong;
      ar::statement_counter counter;
      on_threads(threads, [&](int t) {
        for (std::size_t i : mine(users.size(), t, threads, how)) check_user(users[i], nested, profile_too, wrong);
      });
      most = std::max(most, counter.count(db));
    }
    return most;
  }

  ar::database db;
  std::map<std::int64_t, std::string> usernames;
  std::map<std::int64_t, std::set<std::string>> posts_of;     // user id -> post titles
  std::map<std::int64_t, std::int64_t> post_user;             // post id -> user id
  std::map<std::int64_t, std::set<std::string>> comments_of;  // post id -> comment texts
  std::map<std::int64_t, std::string> bio_of;                 // user id -> bio
  std::map<std::int64_t, std::set<std::string>> tags_of;      // article id -> tag names
};

TEST_P(shared_records, two_threads_read_has_many_of_their_halves_with_one_batch_statement) {
  std::atomic<int> wrong{0};
  EXPECT_EQ(lazy_rounds(2, split::halves, false, false, wrong), 1u);  // the posts of all users, once
  EXPECT_EQ(wrong.load(), 0);
}

TEST_P(shared_records, four_threads_read_has_many_of_interleaved_records_with_one_batch_statement) {
  std::atomic<int> wrong{0};
  EXPECT_EQ(lazy_rounds(4, split::interleaved, false, false, wrong), 1u);
  EXPECT_EQ(wrong.load(), 0);
}

TEST_P(shared_records, four_threads_read_has_many_and_has_one_of_their_quarters) {
  std::atomic<int> wrong{0};
  EXPECT_EQ(lazy_rounds(4, split::halves, false, true, wrong), 2u);  // posts once, profiles once
  EXPECT_EQ(wrong.load(), 0);
}

TEST_P(shared_records, nested_levels_batch_once_per_level_whatever_the_threads) {
  // users -> posts (one batch) -> comments (one batch over every post the first batch read).
  std::atomic<int> wrong{0};
  EXPECT_EQ(lazy_rounds(2, split::halves, true, false, wrong), 2u);
  EXPECT_EQ(lazy_rounds(4, split::interleaved, true, true, wrong), 3u);
  EXPECT_EQ(wrong.load(), 0);
}

TEST_P(shared_records, threads_read_belongs_to_of_their_posts_with_one_batch_statement) {
  std::atomic<int> wrong{0};
  for (int r = 0; r < rounds; ++r) {
    const std::vector<post> posts = ar::from<post>(db) | ar::order_by(post::c.id) | ar::to_vector;
    if (posts.size() != post_user.size()) ++wrong;
    ar::statement_counter counter;
    on_threads(4, [&](int t) {
      for (std::size_t i : mine(posts.size(), t, 4, split::interleaved)) {
        const auto author = posts[i].author();
        if (!author || author->id != post_user.at(posts[i].id) || author->username != usernames.at(author->id)) ++wrong;
      }
    });
    EXPECT_EQ(counter.count(db), 1u);
  }
  EXPECT_EQ(wrong.load(), 0);
}

TEST_P(shared_records, a_record_several_owners_share_loads_its_relations_once_for_every_thread) {
  // Posts of one user share one author record (the batch read each user once): threads reading
  // disjoint posts read the same author, and lazily load its relations at the same time.
  std::atomic<int> wrong{0};
  for (int r = 0; r < rounds; ++r) {
    const std::vector<post> posts = ar::from<post>(db) | ar::order_by(post::c.id) | ar::to_vector;
    ar::statement_counter counter;
    on_threads(4, [&](int t) {
      for (std::size_t i : mine(posts.size(), t, 4, split::interleaved)) {
        const auto author = posts[i].author();
        if (!author) {
          ++wrong;
          continue;
        }
        // A copy, while other threads may be storing the author's relations: each one is copied
        // loaded or not (and loads on the copy through the same batch), never half-stored.
        const user copy = *author;
        const auto found = author->profile();
        const auto it = bio_of.find(author->id);
        if (it == bio_of.end() ? found != nullptr : (!found || found->bio != it->second)) ++wrong;
        if (titles(author->posts()) != expected_posts(author->id)) ++wrong;
        if (copy.username != usernames.at(author->id) || titles(copy.posts()) != expected_posts(author->id)) ++wrong;
      }
    });
    EXPECT_EQ(counter.count(db), 3u);  // the authors, their profiles, their posts: once each
  }
  EXPECT_EQ(wrong.load(), 0);
}

TEST_P(shared_records, threads_read_has_many_through_of_their_records_with_one_batch_statement) {
  std::atomic<int> wrong{0};
  for (int r = 0; r < rounds; ++r) {
    const std::vector<c_article> articles = ar::from<c_article>(db) | ar::order_by(c_article::c.id) | ar::to_vector;
    ar::statement_counter counter;
    on_threads(4, [&](int t) {
      for (std::size_t i : mine(articles.size(), t, 4, split::halves)) {
        std::set<std::string> names;
        for (const c_tag& g : articles[i].tags()) names.insert(g.name);
        const auto it = tags_of.find(articles[i].id);
        if (names != (it == tags_of.end() ? std::set<std::string>{} : it->second)) ++wrong;
      }
    });
    EXPECT_EQ(counter.count(db), 1u);  // the tags of every article, joined with the links, once
  }
  EXPECT_EQ(wrong.load(), 0);
}

TEST_P(shared_records, threads_read_morph_to_of_their_records_with_one_statement_per_type) {
  std::atomic<int> wrong{0};
  for (int r = 0; r < rounds; ++r) {
    const std::vector<c_note> notes = ar::from<c_note>(db) | ar::order_by(c_note::c.id) | ar::to_vector;
    ar::statement_counter counter;
    on_threads(4, [&](int t) {
      for (std::size_t i : mine(notes.size(), t, 4, split::interleaved)) {
        const ar::morph_ref on = notes[i].notable();
        const std::string found = on.is<c_article>() ? on.as<c_article>()->title
                                  : on.is<c_tag>()   ? on.as<c_tag>()->name
                                                     : std::string("(none)");
        if (found != notes[i].text) ++wrong;
      }
    });
    EXPECT_EQ(counter.count(db), 2u);  // the articles, the tags: once each, whichever thread came first
  }
  EXPECT_EQ(wrong.load(), 0);
}

TEST_P(shared_records, eager_loaded_records_read_from_threads_send_nothing) {
  std::atomic<int> wrong{0};
  for (int r = 0; r < rounds; ++r) {
    const std::vector<user> users = all_users() | ar::with("posts.comments", "profile") | ar::to_vector;
    ar::statement_counter counter;
    on_threads(4, [&](int t) {
      for (std::size_t i : mine(users.size(), t, 4, split::interleaved)) check_user(users[i], true, true, wrong);
    });
    EXPECT_EQ(counter.count(db), 0u);
  }
  EXPECT_EQ(wrong.load(), 0);
}

TEST_P(shared_records, strict_records_read_from_threads_refuse_lazy_loads_and_send_nothing) {
  std::atomic<int> wrong{0};
  std::atomic<int> refused{0};
  for (int r = 0; r < rounds; ++r) {
    const std::vector<user> users = all_users() | ar::strict_loading | ar::with("posts") | ar::to_vector;
    ar::statement_counter counter;
    on_threads(4, [&](int t) {
      for (std::size_t i : mine(users.size(), t, 4, split::halves)) {
        if (titles(users[i].posts()) != expected_posts(users[i].id)) ++wrong;
        try {
          (void)users[i].profile();
          ++wrong;
        } catch (const ar::lazy_load_error&) {
          ++refused;
        }
        for (const post& p : users[i].posts()) try {
            (void)p.comments();
            ++wrong;
          } catch (const ar::lazy_load_error&) {
            ++refused;
          }
      }
    });
    EXPECT_EQ(counter.count(db), 0u);
  }
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(refused.load(), rounds * (user_count + static_cast<int>(post_user.size())));
}

AR_INSTANTIATE_BACKEND_SUITE(shared_records);

}  // namespace
