// expect: AR_PRIMARY_KEY names the same field twice
#include <ar/model.hpp>

#include <cstdint>

struct playlist_track {
  std::int64_t playlist_id = 0;
  std::int64_t track_id = 0;
  AR_MODEL(playlist_track, "playlist_track", AR_FIELDS(playlist_id, track_id),
           AR_PRIMARY_KEY(playlist_id, playlist_id));
};
