// expect: ar::insert_all\(\.\.\., ar::without_keys\) of const records of a model with AR_TIMESTAMPS
#include <ar/crud.hpp>

#include <cstdint>
#include <string>
#include <vector>

struct note {
  std::int64_t id = 0;
  std::string body;
  ar::time_point created_at{};
  ar::time_point updated_at{};
  AR_MODEL(note, "notes", AR_FIELDS(id, body, created_at, updated_at), AR_TIMESTAMPS(created_at, updated_at));
};

void write(const ar::database& db, const std::vector<note>& notes) { ar::insert_all(db, notes, ar::without_keys); }

int main() {}
