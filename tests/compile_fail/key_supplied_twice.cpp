// expect: AR_MODEL takes AR_KEY_SUPPLIED at most once
#include <ar/model.hpp>

#include <cstdint>
#include <string>

struct artist {
  std::int64_t id = 0;
  std::string name;
  AR_MODEL(artist, "artists", AR_FIELDS(id, name), AR_KEY_SUPPLIED, AR_KEY_SUPPLIED);
};
