// A plugin that uses ar: one model, a query on SQLite in memory, an ar exception caught inside.
#include <ar/ar.hpp>
#include <ar/version.hpp>

#include <cstdint>
#include <iostream>
#include <string>
#include <vector>

namespace {

struct track {
  std::int64_t id = 0;
  std::string title;
  int seconds = 0;

  AR_MODEL(track, "tracks", AR_FIELDS(id, title, seconds));
};

}  // namespace

// Returns the number of tracks longer than 200 s (2), or -1 when anything does not behave.
extern "C" __attribute__((visibility("default"))) int ar_plugin_run() {
  try {
    auto db = ar::open("sqlite3://db=:memory:", "plugin");
    ar::bind<track>("plugin");
    ar::create_table<track>(db);
    std::vector<track> tracks{{0, "a", 180}, {0, "b", 240}, {0, "c", 300}};
    ar::insert_all(tracks);
    const auto longer =
        ar::from<track>() | ar::filter(track::c.seconds > 200) | ar::order_by(track::c.id) | ar::to_vector;
    if (longer.size() != 2 || longer[0].title != "b" || longer[1].title != "c") return -1;
    // An exception thrown inside the library and caught here by its type: its type_info crosses
    // the library's boundary.
    try {
      (void)ar::find_or_throw<track>(std::int64_t{42});
      return -1;
    } catch (const ar::record_not_found& e) {
      std::cout << "plugin: caught ar::record_not_found: " << e.what() << '\n';
    }
    std::cout << "plugin: ar " << AR_VERSION_STRING << ", " << longer.size() << " tracks longer than 200 s\n";
    return static_cast<int>(longer.size());
  } catch (const ar::error& e) {
    std::cerr << "plugin: " << e.what() << '\n';
    return -1;
  }
}
