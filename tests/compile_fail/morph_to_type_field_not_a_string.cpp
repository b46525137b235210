// expect: AR_MORPH_TO: the type field must be a std::string and the id field an integer
#include <ar/ar.hpp>

#include <cstdint>

struct comment {
  std::int64_t id = 0;
  std::int64_t commentable_type = 0;
  std::int64_t commentable_id = 0;
  AR_MODEL(comment, "comments", AR_FIELDS(id, commentable_type, commentable_id),
           AR_MORPH_TO(commentable, commentable_type, commentable_id));
};

void read(const comment& c) { (void)c.commentable(); }
