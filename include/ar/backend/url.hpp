#ifndef AR_BACKEND_URL_HPP
#define AR_BACKEND_URL_HPP

// Connection URLs in the standard form, for the dialects that turn one into what their driver reads
// (dialect::driver_connection_string): [user[:password]@]host[:port][/path][?key=value&...], the part
// of the URL after "scheme://". Every part is percent-decoded (%40 is '@'); '+' is kept as it is.

#include <ar/export.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ar::backend {

// A connection URL's parts (after "scheme://"), each percent-decoded.
struct url_parts {
  // The user, if the URL names one.
  std::optional<std::string> user;
  // The password, if the URL gives one.
  std::optional<std::string> password;
  std::string host;  // without the brackets of an IPv6 literal
  // The port, if the URL gives one.
  std::optional<std::uint16_t> port;
  std::string path;                                        // after the '/' that ends the host (a database name, a file)
  std::vector<std::pair<std::string, std::string>> query;  // in order, as written
};

// Whether a connection string is written as a URL rather than as key=value words: no '=' and no
// space before the query ('?'). "user:pw@host:5432/app?sslmode=disable" is one; "host=h dbname=app"
// is not.
AR_API bool is_url_form(std::string_view connection) noexcept;

// `text` with every %XX replaced by its byte; nullopt when a '%' is not followed by two hex digits.
AR_API std::optional<std::string> percent_decode(std::string_view text);

// The parts of a URL-form connection string. On a malformed one: nullopt, and `why` says what is
// wrong in words that never quote the password (the caller adds the masked URL).
AR_API std::optional<url_parts> parse_url(std::string_view connection, std::string& why);

}  // namespace ar::backend

#endif  // AR_BACKEND_URL_HPP
