// expect: AR_BELONGS_TO\(author, user, autor_id\) of post: the foreign key 'autor_id' is not a field of 'post'
#include <ar/ar.hpp>

#include <cstdint>

struct user {
  std::int64_t id = 0;
  AR_MODEL(user, "users", AR_FIELDS(id));
};
struct post {
  std::int64_t id = 0;
  std::int64_t author_id = 0;
  AR_MODEL(post, "posts", AR_FIELDS(id, author_id), AR_BELONGS_TO(author, user, autor_id));
};
void read(const post& p) { (void)p.author(); }
