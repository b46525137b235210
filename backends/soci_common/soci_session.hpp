#ifndef AR_BACKENDS_SOCI_COMMON_SOCI_SESSION_HPP
#define AR_BACKENDS_SOCI_COMMON_SOCI_SESSION_HPP

// What ar's three backends share of SOCI, which opens and holds their connections: opening a
// session. Compiled whenever a backend is (CMakeLists.txt); not a backend itself, and never
// included by the core (src/, include/), which knows only ar/backend/driver.hpp.

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace soci {
class session;
}

namespace ar::backends::soci_common {

// A SOCI session of SOCI's backend `soci_backend` ("sqlite3", "postgresql", "mysql"), opened with
// the dialect's connection string and the backend's own key=value `parameters` (its timeouts),
// each added unless the string names that key already or is a URI (which takes no key=value).
// Throws ar::backend::driver_error with SOCI's message when it cannot connect.
std::unique_ptr<soci::session> open_session(std::string_view soci_backend, std::string_view connection_string,
                                            const std::vector<std::pair<std::string, std::string>>& parameters = {});

}  // namespace ar::backends::soci_common

#endif  // AR_BACKENDS_SOCI_COMMON_SOCI_SESSION_HPP
