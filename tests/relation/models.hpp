#ifndef AR_TESTS_RELATION_MODELS_HPP
#define AR_TESTS_RELATION_MODELS_HPP

// The reference suite's fixtures: User / Post / Comment, User / Profile, Order / OrderItem.
// Where a relation has the name of its target type (comment::post), the target is written
// `struct post`: inside the class, `post` names the relation from then on.

#include <ar/ar.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace rel {

struct post;
struct profile;
struct comment;
struct order;
struct order_item;
struct audit;

struct user {
  std::int64_t id = 0;
  std::string username;

  AR_MODEL(user, "users", AR_FIELDS(id, username),
           AR_HAS_MANY(posts, post, user_id, AR_INVERSE(author), AR_DEPENDENT(destroy)),
           AR_HAS_ONE(profile, struct profile, user_id, AR_INVERSE(owner), AR_DEPENDENT(delete)),
           AR_HAS_MANY(orders, order, user_id, AR_DEPENDENT(nullify)),
           AR_HAS_MANY(audits, audit, user_id, AR_DEPENDENT(restrict)),
           // the comments on this user's posts (Rails: has_many :post_comments, through: :posts, source: :comments)
           AR_HAS_MANY_VIA(post_comments, comment, posts, comments));

  friend bool operator==(const user&, const user&) = default;
};

struct post {
  std::int64_t id = 0;
  std::optional<std::int64_t> user_id;
  std::string title;
  std::string status = "published";

  // AR_NO_FOREIGN_KEY: the suite writes posts whose user does not exist, on purpose
  // (a_dangling_foreign_key_is_none_and_cached); no constraint may refuse them.
  AR_MODEL(post, "posts", AR_FIELDS(id, user_id, title, status),
           AR_BELONGS_TO(author, user, user_id, AR_INVERSE(posts), AR_NO_FOREIGN_KEY),
           AR_HAS_MANY(comments, comment, post_id, AR_DEPENDENT(delete)));

  friend bool operator==(const post&, const post&) = default;
};

struct comment {
  std::int64_t id = 0;
  std::int64_t post_id = 0;
  std::string text;

  AR_MODEL(comment, "comments", AR_FIELDS(id, post_id, text), AR_BELONGS_TO(post, struct post, post_id),
           // the author of the post commented on
           AR_HAS_ONE_VIA(post_author, user, post, author));

  friend bool operator==(const comment&, const comment&) = default;
};

struct profile {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::string bio;

  AR_MODEL(profile, "profiles", AR_FIELDS(id, user_id, bio), AR_BELONGS_TO(owner, user, user_id, AR_INVERSE(profile)));

  friend bool operator==(const profile&, const profile&) = default;
};

// An order keeps its items; its user may go (nullify).
struct order {
  std::int64_t id = 0;
  std::optional<std::int64_t> user_id;
  std::string number;

  AR_MODEL(order, "orders", AR_FIELDS(id, user_id, number), AR_BELONGS_TO(buyer, user, user_id),
           AR_HAS_MANY(items, order_item, order_id, AR_INVERSE(parent), AR_DEPENDENT(destroy)));

  friend bool operator==(const order&, const order&) = default;
};

struct order_item {
  std::int64_t id = 0;
  std::int64_t order_id = 0;
  std::string sku;
  std::int32_t quantity = 1;

  AR_MODEL(order_item, "order_items", AR_FIELDS(id, order_id, sku, quantity),
           AR_BELONGS_TO(parent, order, order_id, AR_INVERSE(items)));

  friend bool operator==(const order_item&, const order_item&) = default;
};

// While a user has audits, the user cannot be destroyed.
struct audit {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::string note;

  AR_MODEL(audit, "audits", AR_FIELDS(id, user_id, note));
};

// A key that is not the primary key: accounts refer to members by their code.
struct account;
struct member {
  std::int64_t id = 0;
  std::string code;

  AR_MODEL(member, "members", AR_FIELDS(id, code), AR_HAS_MANY(accounts, account, member_code, AR_OWNER_KEY(code)));
};

struct account {
  std::int64_t id = 0;
  std::string member_code;
  double balance = 0;

  AR_MODEL(account, "accounts", AR_FIELDS(id, member_code, balance),
           AR_BELONGS_TO(holder, member, member_code, AR_OWNER_KEY(code)));
};

}  // namespace rel

#endif  // AR_TESTS_RELATION_MODELS_HPP
