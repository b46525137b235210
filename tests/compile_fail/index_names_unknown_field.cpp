// expect: AR_INDEX of post: 'titel' is not a field that AR_FIELDS lists
#include <ar/model.hpp>

#include <cstdint>
#include <string>

struct post {
  std::int64_t id = 0;
  std::int64_t author_id = 0;
  std::string title;
  AR_MODEL(post, "posts", AR_FIELDS(id, author_id, title), AR_INDEX(author_id, titel));
};
