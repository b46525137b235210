// expect: ar::update of a const record of a model with AR_TIMESTAMPS / AR_UPDATED_AT
#include <ar/crud.hpp>

#include <cstdint>
#include <string>

struct note {
  std::int64_t id = 0;
  std::string body;
  ar::time_point updated_at{};
  AR_MODEL(note, "notes", AR_FIELDS(id, body, updated_at), AR_UPDATED_AT(updated_at));
};

void write(const ar::database& db, const note& n) { ar::update(db, n); }

int main() {}
