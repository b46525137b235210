#ifndef AR_JSON_HPP
#define AR_JSON_HPP

// nlohmann::json as a field type, stored as ar::json (JSONB on PostgreSQL, JSON on MariaDB, TEXT on
// SQLite): written as dump()'s text, read back through nlohmann::json::parse. An optional header:
// include it where nlohmann/json.hpp is installed (the Debian package nlohmann-json3-dev;
// find_package(nlohmann_json) in CMake). ar::json is in <ar/ar.hpp> without it.
//
//   struct Event { std::int64_t id = 0; nlohmann::json payload; AR_MODEL(...); };
//
// A value dump() refuses (a string that is not UTF-8) is an ar::value_error naming the field; a
// stored text parse refuses, an ar::conversion_error. Like ar::json, it is not compared in filters.

#include <ar/value.hpp>

#include <nlohmann/json.hpp>

// nlohmann::json fields: stored as ar::json, the value's text.
template <>
struct ar::type_mapping<nlohmann::json> {
  // Stored as JSON text.
  using stored = ar::json;
  // The value's text (dump()).
  static ar::json to_stored(const nlohmann::json& v) { return ar::json{v.dump()}; }
  // The value the text spells (parse()); throws nlohmann::json::parse_error if it is not JSON.
  static nlohmann::json from_stored(const ar::json& s) { return nlohmann::json::parse(s.text); }
};

#endif  // AR_JSON_HPP
