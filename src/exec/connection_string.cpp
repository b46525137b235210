#include "exec/connection_string.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace ar::detail {

namespace {

bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool is_key_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
}
bool is_word_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
// Where an unquoted value ends.
bool ends_value(char c) noexcept { return is_space(c) || c == '&' || c == ';'; }

bool names_a_secret(std::string_view key) {
  static constexpr std::array<std::string_view, 6> keys{"password", "pass", "passwd", "pwd", "sslpassword", "secret"};
  std::string lower(key);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return std::find(keys.begin(), keys.end(), lower) != keys.end();
}

// The user information's password in each URI of the text: scheme://user:secret@host.
void find_uri_passwords(std::string_view text, std::vector<secret_span>& out) {
  for (std::size_t at = text.find("://"); at != std::string_view::npos; at = text.find("://", at + 3)) {
    const std::size_t start = at + 3;
    std::size_t end = start;
    while (end < text.size() && !is_space(text[end]) && text[end] != '/' && text[end] != '?' && text[end] != '#') ++end;
    const std::string_view authority = text.substr(start, end - start);
    const std::size_t user_end = authority.rfind('@');
    if (user_end == std::string_view::npos) continue;
    const std::size_t colon = authority.substr(0, user_end).find(':');
    if (colon == std::string_view::npos || colon + 1 == user_end) continue;
    out.push_back({start + colon + 1, user_end - colon - 1});
  }
}

// A key's value from `i` (just past '=' and any spaces): its span, content only for quoted values.
std::size_t read_value(std::string_view text, std::size_t i, std::vector<secret_span>& out, bool& quoted) {
  quoted = i < text.size() && (text[i] == '\'' || text[i] == '"');
  if (quoted) {
    const char quote = text[i];
    std::size_t j = i + 1;
    while (j < text.size() && text[j] != quote) j += text[j] == '\\' && j + 1 < text.size() ? 2 : 1;
    out.push_back({i + 1, std::min(j, text.size()) - i - 1});
    return j < text.size() ? j + 1 : j;
  }
  std::size_t j = i;
  while (j < text.size() && !ends_value(text[j])) ++j;
  if (j > i) out.push_back({i, j - i});
  return j;
}

}  // namespace

std::vector<secret_span> find_secrets(std::string_view text) {
  std::vector<secret_span> out;
  find_uri_passwords(text, out);
  std::size_t i = 0;
  while (i < text.size()) {
    // A key starts a word: at the start, or after a space, '?', '&', ';' or the scheme's "//".
    if (!is_key_char(text[i]) || (i > 0 && !(is_space(text[i - 1]) || text[i - 1] == '?' || text[i - 1] == '&' ||
                                             text[i - 1] == ';' || text[i - 1] == '/'))) {
      ++i;
      continue;
    }
    std::size_t key_end = i;
    while (key_end < text.size() && is_key_char(text[key_end])) ++key_end;
    std::size_t eq = key_end;
    while (eq < text.size() && is_space(text[eq])) ++eq;
    if (eq >= text.size() || text[eq] != '=') {
      i = key_end;
      continue;
    }
    std::size_t value = eq + 1;
    while (value < text.size() && is_space(text[value])) ++value;
    const bool secret = names_a_secret(text.substr(i, key_end - i));
    std::vector<secret_span> found;
    bool quoted = false;
    std::size_t next = read_value(text, value, found, quoted);
    if (secret) {
      out.insert(out.end(), found.begin(), found.end());
      // An unquoted password with spaces: the words after it, up to the next key=value, are its too.
      while (!quoted && next < text.size()) {
        std::size_t word = next;
        while (word < text.size() && is_space(text[word])) ++word;
        std::size_t word_end = word;
        while (word_end < text.size() && !is_space(text[word_end])) ++word_end;
        const std::string_view w = text.substr(word, word_end - word);
        if (w.empty() || w.find('=') != std::string_view::npos) break;
        out.push_back({word, word_end - word});
        next = word_end;
      }
    }
    i = next > i ? next : i + 1;
  }
  std::sort(out.begin(), out.end(), [](const secret_span& a, const secret_span& b) { return a.begin < b.begin; });
  return out;
}

std::vector<std::string> secret_texts(std::string_view text) {
  std::vector<std::string> out;
  for (const secret_span& s : find_secrets(text)) {
    const std::string_view raw = text.substr(s.begin, s.size);
    out.emplace_back(raw);
    // A quoted value as a driver reads it: without its backslash escapes.
    if (raw.find('\\') != std::string_view::npos) {
      std::string plain;
      for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '\\' && i + 1 < raw.size()) ++i;
        plain += raw[i];
      }
      out.push_back(std::move(plain));
    }
  }
  return out;
}

std::string mask_spans(std::string_view text, const std::vector<secret_span>& spans) {
  std::string out;
  std::size_t at = 0;
  for (const secret_span& s : spans) {
    if (s.begin < at) continue;  // overlapping: already masked
    out.append(text.substr(at, s.begin - at));
    out += "***";
    at = s.begin + s.size;
  }
  out.append(text.substr(std::min(at, text.size())));
  return out;
}

std::string mask_secrets(std::string_view message, const std::vector<std::string>& secrets) {
  std::string out(message);
  std::vector<std::string> sorted(secrets);
  // Longest first, so that a secret containing another is masked whole.
  std::sort(sorted.begin(), sorted.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  for (const std::string& s : sorted) {
    if (s.empty()) continue;
    const bool whole_word_only = s.size() < 4;
    for (std::size_t pos = out.find(s); pos != std::string::npos; pos = out.find(s, pos)) {
      const bool word_start = pos == 0 || !is_word_char(out[pos - 1]);
      const bool word_end = pos + s.size() >= out.size() || !is_word_char(out[pos + s.size()]);
      if (whole_word_only && !(word_start && word_end)) {
        pos += 1;
        continue;
      }
      out.replace(pos, s.size(), "***");
      pos += 3;
    }
  }
  return out;
}

std::optional<url_split> split_url(std::string_view url) noexcept {
  if (const auto sep = url.find("://"); sep != std::string_view::npos)
    return url_split{url.substr(0, sep), url.substr(sep + 3)};
  if (const auto colon = url.find(':'); colon != std::string_view::npos && colon > 0)
    return url_split{url.substr(0, colon), url.substr(colon + 1)};
  return std::nullopt;
}

}  // namespace ar::detail
