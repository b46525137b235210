// expect: AR_MODEL names a created or an updated timestamp twice
#include <ar/model.hpp>

#include <cstdint>
#include <string>

struct note {
  std::int64_t id = 0;
  std::string body;
  ar::time_point created_at{};
  ar::time_point updated_at{};
  AR_MODEL(note, "notes", AR_FIELDS(id, body, created_at, updated_at), AR_TIMESTAMPS(created_at, updated_at),
           AR_CREATED_AT(created_at));
};

int main() { return static_cast<int>(ar::model_of<note>::created_at_index); }
