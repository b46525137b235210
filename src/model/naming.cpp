#include <ar/naming.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace ar {

namespace {

bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_lower_or_digit(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
char to_upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }
char to_lower(char c) { return is_upper(c) ? static_cast<char>(c - 'A' + 'a') : c; }

// The words of a name: split at underscores and at a lower-case letter or digit followed by an
// upper-case letter; "HTTPServer" stays one word (an acronym is not split).
std::vector<std::string_view> words_of(std::string_view name) {
  std::vector<std::string_view> words;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= name.size(); ++i) {
    const bool end = i == name.size();
    if (end || name[i] == '_') {
      if (i > start) words.push_back(name.substr(start, i - start));
      start = i + 1;
    } else if (i > start && is_upper(name[i]) && is_lower_or_digit(name[i - 1])) {
      words.push_back(name.substr(start, i - start));
      start = i;
    }
  }
  return words;
}

}  // namespace

std::string apply_name_style(std::string_view name, name_style style) {
  if (style == name_style::as_declared) return std::string(name);
  const std::vector<std::string_view> words = words_of(name);
  std::string out;
  out.reserve(name.size() + words.size());
  for (std::size_t w = 0; w < words.size(); ++w) {
    const std::string_view word = words[w];
    switch (style) {
      case name_style::snake_case:
      case name_style::upper_snake_case:
        if (w > 0) out += '_';
        for (char c : word) out += style == name_style::snake_case ? to_lower(c) : to_upper(c);
        break;
      case name_style::pascal_case:
      case name_style::camel_case:
        // The first letter of each word up (the first word of camelCase all down); the rest as
        // written, so an acronym keeps its capitals.
        if (w == 0 && style == name_style::camel_case) {
          for (char c : word) out += to_lower(c);
        } else {
          out += to_upper(word[0]);
          out += word.substr(1);
        }
        break;
      case name_style::as_declared: break;
    }
  }
  return out;
}

}  // namespace ar
