// expect: ar: a JSON column is not compared in filters
#include <ar/ar.hpp>

#include <cstdint>

struct document {
  std::int64_t id = 0;
  ar::json body;
  AR_MODEL(document, "documents", AR_FIELDS(id, body));
};

// jsonb compares values on PostgreSQL, the others compare texts: no comparison is offered.
auto condition = document::c.body == ar::json{"{}"};
