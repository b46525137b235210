// expect: ar::touch of a model without AR_TIMESTAMPS or AR_UPDATED_AT
#include <ar/crud.hpp>

#include <cstdint>
#include <string>

struct note {
  std::int64_t id = 0;
  std::string body;
  ar::time_point created_at{};
  AR_MODEL(note, "notes", AR_FIELDS(id, body, created_at), AR_CREATED_AT(created_at));
};

void bump(const ar::database& db, note& n) { ar::touch(db, n); }

int main() {}
