// An outside program using ar the way a user does: one include, one model, SQLite in memory.
// Exits non-zero when anything does not behave.
#include <ar/ar.hpp>

#include <cstdint>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

struct note {
  std::int64_t id = 0;
  std::string title;
  std::optional<std::string> body;
  bool pinned = false;

  AR_MODEL(note, "notes", AR_FIELDS(id, title, body, pinned));
};

int main() {
  try {
    auto db = ar::open("sqlite3://db=:memory:");
    ar::create_table<note>(db);
    ar::statement_counter counter;
    note n{0, "hello", std::nullopt, true};
    ar::insert(n);
    const auto back = ar::find<note>(n.id);
    if (n.id <= 0 || !back || back->title != "hello" || back->body || !back->pinned || counter.count() != 2) {
      std::cerr << "consumer: unexpected result\n";
      return 1;
    }
    std::vector<note> more{{0, "b", "x", false}, {0, "c", std::nullopt, true}};
    ar::insert_all(more);
    const auto pinned = ar::from<note>() | ar::filter(note::c.pinned && note::c.title.like("%")) |
                        ar::order_by(ar::desc(note::c.id)) | ar::to_vector;
    std::size_t streamed = 0;
    for (const auto& [title] : ar::from<note>() | ar::select(note::c.title) | ar::stream) streamed += title.size();
    if (pinned.size() != 2 || pinned[0].title != "c" || streamed != 7 || (ar::from<note>() | ar::count) != 3) {
      std::cerr << "consumer: unexpected query result\n";
      return 1;
    }
    std::cout << "consumer: ok (" << counter.count() << " statements)\n";
    return 0;
  } catch (const ar::error& e) {
    std::cerr << "consumer: " << e.what() << '\n';
    return 1;
  }
}
