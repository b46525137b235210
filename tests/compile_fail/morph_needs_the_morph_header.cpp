// expect: AR_MORPH_TO / AR_MORPH_MANY / AR_MORPH_ONE / AR_MORPH_MANY_THROUGH / AR_MORPH_NAME: include <ar/morph.hpp>
// <ar/loading.hpp> holds the direct relations; the polymorphic ones are implemented in <ar/morph.hpp>.
#include <ar/loading.hpp>

#include <cstdint>
#include <string>

namespace {
struct comment;
struct article {
  std::int64_t id = 0;
  AR_MODEL(article, "articles", AR_FIELDS(id), AR_MORPH_MANY(comments, comment, commentable));
};
struct comment {
  std::int64_t id = 0;
  std::string commentable_type;
  std::int64_t commentable_id = 0;
  AR_MODEL(comment, "comments", AR_FIELDS(id, commentable_type, commentable_id),
           AR_MORPH_TO(commentable, commentable_type, commentable_id));
};
}  // namespace

int main() { return static_cast<int>((ar::from<article>() | ar::with("comments") | ar::to_vector).size()); }
