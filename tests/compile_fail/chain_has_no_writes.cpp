// expect: has no member named 'remarks_add'
// A chain is read-only: it declares no writer (write through the two relations it follows).
#include <ar/ar.hpp>

#include <cstdint>

struct article;
struct remark;
struct writer {
  std::int64_t id = 0;
  AR_MODEL(writer, "writers", AR_FIELDS(id), AR_HAS_MANY(articles, article, writer_id),
           AR_HAS_MANY_VIA(remarks, remark, articles, remarks));
};
struct article {
  std::int64_t id = 0;
  std::int64_t writer_id = 0;
  AR_MODEL(article, "articles", AR_FIELDS(id, writer_id), AR_HAS_MANY(remarks, remark, article_id));
};
struct remark {
  std::int64_t id = 0;
  std::int64_t article_id = 0;
  AR_MODEL(remark, "remarks", AR_FIELDS(id, article_id));
};
void write(writer& w, remark& r) { w.remarks_add(r); }
