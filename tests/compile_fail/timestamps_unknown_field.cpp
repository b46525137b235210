// expect: AR_TIMESTAMPS\(created_at, updatd_at\) of note: 'created_at' or 'updatd_at' is not a field that AR_FIELDS lists
#include <ar/model.hpp>

#include <cstdint>
#include <string>

struct note {
  std::int64_t id = 0;
  std::string body;
  ar::time_point created_at{};
  ar::time_point updated_at{};
  AR_MODEL(note, "notes", AR_FIELDS(id, body, created_at, updated_at), AR_TIMESTAMPS(created_at, updatd_at));
};

int main() { return static_cast<int>(ar::model_of<note>::updated_at_index); }
