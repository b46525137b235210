#ifndef AR_TESTS_FUZZ_MODELS_HPP
#define AR_TESTS_FUZZ_MODELS_HPP

// The models the fuzz targets work on.
//
// Relation paths: every kind of relation, nested, in the shape of the relation tests' fixtures
// (tests/relation/models.hpp) plus a join model, a polymorphic child and a self-referential tree:
//
//   user      posts (has_many post), profile (has_one profile), orders (has_many order)
//   post      author (belongs_to user), comments (has_many comment),
//             tags (has_many_through tag via post_tag), notes (morph_many note)
//   comment   post (belongs_to post)
//   profile   owner (belongs_to user)
//   order     buyer (belongs_to user), items (has_many order_item)
//   order_item parent (belongs_to order)
//   tag       posts (has_many_through post via post_tag)
//   post_tag  (no relations)
//   note      notable (morph_to: a post or a category)
//   category  parent (belongs_to category), children (has_many category), notes (morph_many note)
//
// The relation-path fuzzer checks ar against its own copy of this graph (fuzz_relation_path.cpp,
// `graph`): the two must say the same.
//
// The query builder: `record`, one column of every value type (nullable ones too, a column whose
// name differs from its field), and `item`, its has_many for where_has / with_count.

#include <ar/ar.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace fuzz {

struct post;
struct profile;
struct comment;
struct order;
struct order_item;
struct tag;
struct post_tag;
struct note;
struct category;

struct user {
  std::int64_t id = 0;
  std::string username;

  AR_MODEL(user, "users", AR_FIELDS(id, username), AR_HAS_MANY(posts, post, user_id, AR_INVERSE(author)),
           AR_HAS_ONE(profile, struct profile, user_id, AR_INVERSE(owner)), AR_HAS_MANY(orders, order, user_id),
           AR_HAS_MANY_VIA(post_comments, comment, posts, comments));
};

struct post {
  std::int64_t id = 0;
  std::optional<std::int64_t> user_id;
  std::string title;
  std::string status = "published";

  AR_MODEL(post, "posts", AR_FIELDS(id, user_id, title, status),
           AR_BELONGS_TO(author, user, user_id, AR_INVERSE(posts)), AR_HAS_MANY(comments, comment, post_id),
           AR_HAS_MANY_THROUGH(tags, tag, post_tag, post_id, tag_id), AR_MORPH_MANY(notes, note, notable));
};

struct comment {
  std::int64_t id = 0;
  std::int64_t post_id = 0;
  std::string text;

  AR_MODEL(comment, "comments", AR_FIELDS(id, post_id, text), AR_BELONGS_TO(post, struct post, post_id),
           AR_HAS_ONE_VIA(post_author, user, post, author));
};

struct profile {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::string bio;

  AR_MODEL(profile, "profiles", AR_FIELDS(id, user_id, bio), AR_BELONGS_TO(owner, user, user_id, AR_INVERSE(profile)));
};

struct order {
  std::int64_t id = 0;
  std::optional<std::int64_t> user_id;
  std::string number;

  AR_MODEL(order, "orders", AR_FIELDS(id, user_id, number), AR_BELONGS_TO(buyer, user, user_id),
           AR_HAS_MANY(items, order_item, order_id, AR_INVERSE(parent)));
};

struct order_item {
  std::int64_t id = 0;
  std::int64_t order_id = 0;
  std::string sku;
  std::int32_t quantity = 1;

  AR_MODEL(order_item, "order_items", AR_FIELDS(id, order_id, sku, quantity),
           AR_BELONGS_TO(parent, order, order_id, AR_INVERSE(items)));
};

struct tag {
  std::int64_t id = 0;
  std::string name;

  AR_MODEL(tag, "tags", AR_FIELDS(id, name), AR_HAS_MANY_THROUGH(posts, post, post_tag, tag_id, post_id));
};

struct post_tag {
  std::int64_t id = 0;
  std::int64_t post_id = 0;
  std::int64_t tag_id = 0;

  AR_MODEL(post_tag, "post_tags", AR_FIELDS(id, post_id, tag_id));
};

struct note {
  std::int64_t id = 0;
  std::string notable_type;
  std::optional<std::int64_t> notable_id;
  std::string body;

  AR_MODEL(note, "notes", AR_FIELDS(id, notable_type, notable_id, body),
           AR_MORPH_TO(notable, notable_type, notable_id));
};

struct category {
  std::int64_t id = 0;
  std::optional<std::int64_t> parent_id;
  std::string name;

  AR_MODEL(category, "categories", AR_FIELDS(id, parent_id, name),
           AR_BELONGS_TO(parent, category, parent_id, AR_INVERSE(children)),
           AR_HAS_MANY(children, category, parent_id, AR_INVERSE(parent)), AR_MORPH_MANY(notes, note, notable));
};

// --- the query builder's models ------------------------------------------------------------------

struct item;

struct record {
  std::int64_t id = 0;
  std::int32_t small = 0;
  std::int64_t big = 0;
  double real = 0;
  bool flag = false;
  std::string text;
  ar::time_point at{};
  std::optional<std::string> note;
  std::optional<std::int64_t> maybe;
  std::optional<double> ratio;

  AR_MODEL(record, "fuzz_records", AR_FIELDS(id, small, big, real, flag, text, at, note, maybe, ratio),
           AR_COLUMN(text, "label"), AR_HAS_MANY(items, item, record_id));
};

struct item {
  std::int64_t id = 0;
  std::int64_t record_id = 0;
  std::string sku;
  std::int32_t quantity = 0;

  AR_MODEL(item, "fuzz_items", AR_FIELDS(id, record_id, sku, quantity), AR_BELONGS_TO(owner, record, record_id));
};

}  // namespace fuzz

#endif  // AR_TESTS_FUZZ_MODELS_HPP
