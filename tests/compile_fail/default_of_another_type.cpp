// expect: AR_DEFAULT: the value is not one the field's type is made from
#include <ar/schema.hpp>

#include <cstdint>
#include <string>

struct post {
  std::int64_t id = 0;
  std::int32_t views = 0;
  AR_MODEL(post, "posts", AR_FIELDS(id, views), AR_DEFAULT(views, "none"));
};
void make(const ar::database& db) { ar::create_table<post>(db); }
