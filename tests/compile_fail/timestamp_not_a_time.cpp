// expect: AR_CREATED_AT\(created\) of note: 'created' is not a time: a timestamp is an ar::time_point field
#include <ar/model.hpp>

#include <cstdint>
#include <string>

struct note {
  std::int64_t id = 0;
  std::string body;
  std::string created;
  AR_MODEL(note, "notes", AR_FIELDS(id, body, created), AR_CREATED_AT(created));
};

int main() { return static_cast<int>(ar::model_of<note>::created_at_index); }
