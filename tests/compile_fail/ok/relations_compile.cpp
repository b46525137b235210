// The legal twin of every relation the compile-fail tests reject.
#include <ar/ar.hpp>

#include <cstdint>
#include <optional>
#include <string>

struct post;
struct user {
  std::int64_t id = 0;
  std::string code;
  AR_MODEL(user, "users", AR_FIELDS(id, code),
           AR_HAS_MANY(posts, post, user_id, AR_INVERSE(author), AR_DEPENDENT(nullify)),
           AR_HAS_MANY(edited, post, editor_code, AR_OWNER_KEY(code)));
};
struct post {
  std::int64_t id = 0;
  std::optional<std::int64_t> user_id;
  std::string editor_code;
  AR_MODEL(post, "posts", AR_FIELDS(id, user_id, editor_code), AR_BELONGS_TO(author, user, user_id, AR_INVERSE(posts)),
           AR_BELONGS_TO(editor, user, editor_code, AR_OWNER_KEY(code)));
};

void use(user& u, post& p) {
  (void)u.posts();
  (void)u.edited();
  (void)p.author();
  (void)p.editor();
  u.posts_add(p);
  p.author_dissociate();
  ar::destroy(u);
}
