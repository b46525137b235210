#ifndef AR_TESTS_SUPPORT_GOLDEN_MODELS_HPP
#define AR_TESTS_SUPPORT_GOLDEN_MODELS_HPP

// Models whose statements the golden SQL tests spell out (tests/query/serialize_test.cpp without
// a database, tests/query/golden_sql_test.cpp as they are sent).

#include <ar/ar.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace ar_test::golden {

// Many-to-many through a join model.
struct article_label;
struct label;
struct article {
  std::int64_t id = 0;
  std::string title;
  AR_MODEL(article, "articles", AR_FIELDS(id, title),
           AR_HAS_MANY_THROUGH(labels, label, article_label, article_id, label_id));
};
struct label {
  std::int64_t id = 0;
  std::string name;
  AR_MODEL(label, "labels", AR_FIELDS(id, name));
};
struct article_label {
  std::int64_t id = 0;
  std::int64_t article_id = 0;
  std::int64_t label_id = 0;
  AR_MODEL(article_label, "article_labels", AR_FIELDS(id, article_id, label_id));
};

// A tree: a self-referential belongs_to and its has_many.
struct category {
  std::int64_t id = 0;
  std::optional<std::int64_t> parent_id;
  std::string name;
  AR_MODEL(category, "categories", AR_FIELDS(id, parent_id, name), AR_BELONGS_TO(parent, category, parent_id),
           AR_HAS_MANY(children, category, parent_id));
};

// A table of only a generated key.
struct bare {
  std::int64_t id = 0;
  AR_MODEL(bare, "bares", AR_FIELDS(id));
};

}  // namespace ar_test::golden

#endif  // AR_TESTS_SUPPORT_GOLDEN_MODELS_HPP
