// expect: AR_HAS_ONE_VIA: both relations must be to-one \(belongs_to or has_one\); through a has_many, declare AR_HAS_MANY_VIA
#include <ar/ar.hpp>

#include <cstdint>

struct article;
struct remark;
struct writer {
  std::int64_t id = 0;
  AR_MODEL(writer, "writers", AR_FIELDS(id), AR_HAS_MANY(articles, article, writer_id),
           AR_HAS_ONE_VIA(remark, struct remark, articles, remarks));
};
struct article {
  std::int64_t id = 0;
  std::int64_t writer_id = 0;
  AR_MODEL(article, "articles", AR_FIELDS(id, writer_id), AR_HAS_MANY(remarks, struct remark, article_id));
};
struct remark {
  std::int64_t id = 0;
  std::int64_t article_id = 0;
  AR_MODEL(remark, "remarks", AR_FIELDS(id, article_id));
};
void read(const writer& w) { (void)w.remark(); }
