// What ar::format and the validators' messages need compiled once: the pattern as a std::regex,
// so that ar's headers do not include <regex>.

#include <ar/error.hpp>
#include <ar/validators.hpp>

#include <cmath>
#include <cstdio>
#include <regex>

namespace ar::detail {

std::shared_ptr<const void> compile_pattern(std::string_view pattern) {
  try {
    return std::make_shared<const std::regex>(pattern.begin(), pattern.end(), std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    throw error("ar::format: the pattern '" + std::string(pattern) + "' is not a regular expression: " + e.what());
  }
}

bool match_pattern(const void* pattern, std::string_view text) {
  return std::regex_match(text.begin(), text.end(), *static_cast<const std::regex*>(pattern));
}

std::size_t utf8_length(std::string_view text) noexcept {
  std::size_t n = 0;
  for (const char c : text)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  return n;
}

std::string bound_message(const char* words, long double bound) {
  char buf[64];
  if (bound == std::floor(bound) && std::fabs(bound) < 1e18L)
    std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(bound));
  else
    std::snprintf(buf, sizeof buf, "%Lg", bound);
  return std::string(words) + ' ' + buf;
}

}  // namespace ar::detail
