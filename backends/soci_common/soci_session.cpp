#include "backends/soci_common/soci_session.hpp"

#include <ar/backend/driver.hpp>

#include <soci/soci.h>

#include <memory>
#include <string>
#include <string_view>

namespace ar::backends::soci_common {

namespace {

// Whether a SOCI connection string names `key` (key=value, spaces allowed around the =).
bool names_key(std::string_view connect_string, std::string_view key) {
  for (std::size_t at = connect_string.find(key); at != std::string_view::npos; at = connect_string.find(key, at + 1)) {
    if (at != 0 && connect_string[at - 1] != ' ' && connect_string[at - 1] != '\t') continue;
    std::size_t i = at + key.size();
    while (i < connect_string.size() && (connect_string[i] == ' ' || connect_string[i] == '\t')) ++i;
    if (i < connect_string.size() && connect_string[i] == '=') return true;
  }
  return false;
}

}  // namespace

std::unique_ptr<soci::session> open_session(std::string_view soci_backend, std::string_view connection_string,
                                            const std::vector<std::pair<std::string, std::string>>& parameters) {
  std::string connect_string(connection_string);
  if (connect_string.find("://") == std::string::npos) {
    for (const auto& [key, value] : parameters)
      if (!names_key(connect_string, key)) connect_string += " " + key + "=" + value;
  } else {
    // A URI (libpq's postgresql://...): the settings go in its query, unless it has them.
    for (const auto& [key, value] : parameters) {
      const auto query = connect_string.find('?');
      const bool named =
          query != std::string::npos && (connect_string.find("?" + key + "=", query) != std::string::npos ||
                                         connect_string.find("&" + key + "=", query) != std::string::npos);
      if (!named) connect_string += (query == std::string::npos ? "?" : "&") + key + "=" + value;
    }
  }
  try {
    return std::make_unique<soci::session>(std::string(soci_backend), connect_string);
  } catch (const soci::soci_error& e) {
    throw backend::driver_error(e.get_error_message(), true);
  }
}

}  // namespace ar::backends::soci_common
