// expect: the primary key cannot be a std::optional: a stored record always has a key .every field of a composite key too.
#include <ar/model.hpp>

#include <cstdint>
#include <optional>

struct playlist_track {
  std::int64_t playlist_id = 0;
  std::optional<std::int64_t> track_id;
  AR_MODEL(playlist_track, "playlist_track", AR_FIELDS(playlist_id, track_id), AR_PRIMARY_KEY(playlist_id, track_id));
};
