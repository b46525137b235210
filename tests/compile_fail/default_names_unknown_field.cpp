// expect: AR_DEFAULT of post: 'stauts' is not a field that AR_FIELDS lists
#include <ar/model.hpp>

#include <cstdint>
#include <string>

struct post {
  std::int64_t id = 0;
  std::string status = "draft";
  AR_MODEL(post, "posts", AR_FIELDS(id, status), AR_DEFAULT(stauts, "draft"));
};
