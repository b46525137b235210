// expect: AR_MODEL\(post, \.\.\.\) is written inside another struct
#include <ar/model.hpp>

#include <cstdint>
#include <string>

struct post {
  std::int64_t id = 0;
  std::string title;
  AR_MODEL(post, "posts", AR_FIELDS(id, title));
};

// Copied from post: AR_MODEL still names post.
struct comment {
  std::int64_t id = 0;
  std::string body;
  AR_MODEL(post, "comments", AR_FIELDS(id, body));
};
