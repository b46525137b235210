#ifndef AR_SRC_CONNECTION_STRING_HPP
#define AR_SRC_CONNECTION_STRING_HPP

// Secrets in connection strings: where they are, and the same text with them masked. Every message
// and log line that shows a connection string, or a driver's message about one, goes through
// mask_secrets first (ar::open, database::url(), connect errors). Internal to the library.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ar::detail {

// A secret's place in a connection string: [begin, begin + size).
struct secret_span {
  std::size_t begin;
  std::size_t size;
};

// Where the secrets of a connection string are, whatever its syntax: the value of a key that names
// a password (password, pass, passwd, pwd, sslpassword; any case; spaces around '=' allowed),
// quoted ('two words', "two words", with backslash escapes; an unterminated quote runs to the end)
// or not (to the next space, '&' or ';', and every following word that is not itself key=value:
// "password=two words" hides both words, as libpq would read "words" as a broken keyword), and the
// password of a URI's user information (scheme://user:secret@host/...).
std::vector<secret_span> find_secrets(std::string_view text);

// The secrets' texts, as a driver may quote them in its messages (quoted values without quotes).
std::vector<std::string> secret_texts(std::string_view text);

// The parts of ar::open's URL: its scheme and what follows it (the connection string the dialect
// reads). "scheme://rest" is the usual form; "scheme:rest" (sqlite:app.db, sqlite::memory:) is
// taken too. No ':' at all: nullopt.
struct url_split {
  std::string_view scheme;
  std::string_view connection;
};
std::optional<url_split> split_url(std::string_view url) noexcept;

// `text` with the spans replaced by "***".
std::string mask_spans(std::string_view text, const std::vector<secret_span>& spans);

// `message` with every occurrence of each secret replaced by "***" (secrets shorter than four
// characters only where they stand as a whole word, so that a one-letter password does not mask
// every such letter).
std::string mask_secrets(std::string_view message, const std::vector<std::string>& secrets);

}  // namespace ar::detail

#endif  // AR_SRC_CONNECTION_STRING_HPP
