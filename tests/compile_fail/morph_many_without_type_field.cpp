// expect: AR_MORPH_MANY / AR_MORPH_ONE: the target needs a std::string field <as>_type
#include <ar/ar.hpp>

#include <cstdint>
#include <string>

struct comment;
struct post {
  std::int64_t id = 0;
  AR_MODEL(post, "posts", AR_FIELDS(id), AR_MORPH_MANY(comments, comment, commentable));
};
struct comment {
  std::int64_t id = 0;
  std::int64_t commentable_id = 0;
  std::string body;
  AR_MODEL(comment, "comments", AR_FIELDS(id, commentable_id, body));
};

void read(const post& p) { (void)p.comments(); }
