// A model whose every data member is in AR_FIELDS or AR_TRANSIENT compiles; so do models that are
// not counted: one with a constructor (not an aggregate) and one with a base class.
#include <ar/ar.hpp>
#include <cstdint>
#include <string>
#include <optional>
#include <vector>
struct post;
struct user {
  std::int64_t id = 0;
  std::string name;
  std::optional<int> age;
  std::vector<int> scratch;
  int grid[2][3]{};
  AR_MODEL(user, "users", AR_FIELDS(id, name, age), AR_TRANSIENT(scratch, grid), AR_HAS_MANY(posts, post, user_id));
};
struct post {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  AR_MODEL(post, "posts", AR_FIELDS(id, user_id), AR_BELONGS_TO(author, user, user_id), AR_KEY_SUPPLIED);
};
struct with_ctor {
  with_ctor() {}
  std::int64_t id = 0;
  int extra = 0;
  AR_MODEL(with_ctor, "w", AR_FIELDS(id));
};
struct base {
  int b = 0;
};
struct derived : base {
  std::int64_t id = 0;
  AR_MODEL(derived, "d", AR_FIELDS(id));
};
static_assert(ar::model<user> && ar::model<post> && ar::model<derived>);
void f(const post& p, const user& u) {
  (void)p.author();
  (void)u.posts();
}
