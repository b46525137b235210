// expect: this key is not the model.s primary key type: a model with AR_PRIMARY_KEY.a, b, .... takes a std::tuple
#include <ar/crud.hpp>

#include <cstdint>
#include <tuple>

struct playlist_track {
  std::int64_t playlist_id = 0;
  std::int64_t track_id = 0;
  AR_MODEL(playlist_track, "playlist_track", AR_FIELDS(playlist_id, track_id), AR_PRIMARY_KEY(playlist_id, track_id));
};

void read(const ar::database& db) { (void)ar::find<playlist_track>(db, std::tuple<std::int64_t>{1}); }
