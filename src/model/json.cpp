// ar::json: whether a text is one JSON value (RFC 8259), the check made before it is written and
// when it is read.

#include <ar/value.hpp>

#include <cstddef>
#include <string_view>

namespace ar {

namespace {

class json_checker {
 public:
  explicit json_checker(std::string_view text) noexcept : s_(text) {}

  bool document() noexcept {
    space();
    if (!value(0)) return false;
    space();
    return at_ == s_.size();
  }

 private:
  static constexpr int max_depth = 512;

  bool more() const noexcept { return at_ < s_.size(); }
  char peek() const noexcept { return s_[at_]; }
  void space() noexcept {
    while (more() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r')) ++at_;
  }
  bool literal(std::string_view word) noexcept {
    if (s_.substr(at_, word.size()) != word) return false;
    at_ += word.size();
    return true;
  }
  bool digits() noexcept {
    const std::size_t start = at_;
    while (more() && peek() >= '0' && peek() <= '9') ++at_;
    return at_ > start;
  }
  bool number() noexcept {
    if (more() && peek() == '-') ++at_;
    if (!more()) return false;
    if (peek() == '0') {
      ++at_;
    } else if (!digits()) {
      return false;
    }
    if (more() && peek() == '.') {
      ++at_;
      if (!digits()) return false;
    }
    if (more() && (peek() == 'e' || peek() == 'E')) {
      ++at_;
      if (more() && (peek() == '+' || peek() == '-')) ++at_;
      if (!digits()) return false;
    }
    return true;
  }
  static bool hex(char c) noexcept {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
  bool string() noexcept {
    ++at_;  // the opening quote
    while (more()) {
      const auto c = static_cast<unsigned char>(peek());
      ++at_;
      if (c == '"') return true;
      if (c < 0x20) return false;  // a control character must be escaped
      if (c == '\\') {
        if (!more()) return false;
        const char e = peek();
        ++at_;
        if (e == 'u') {
          for (int i = 0; i < 4; ++i, ++at_)
            if (!more() || !hex(peek())) return false;
        } else if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' && e != 'r' && e != 't') {
          return false;
        }
      }
    }
    return false;
  }
  bool value(int depth) noexcept {
    if (!more() || depth > max_depth) return false;
    switch (peek()) {
      case '{': {
        ++at_;
        space();
        if (more() && peek() == '}') {
          ++at_;
          return true;
        }
        while (true) {
          space();
          if (!more() || peek() != '"' || !string()) return false;
          space();
          if (!more() || peek() != ':') return false;
          ++at_;
          space();
          if (!value(depth + 1)) return false;
          space();
          if (!more()) return false;
          if (peek() == '}') {
            ++at_;
            return true;
          }
          if (peek() != ',') return false;
          ++at_;
        }
      }
      case '[': {
        ++at_;
        space();
        if (more() && peek() == ']') {
          ++at_;
          return true;
        }
        while (true) {
          space();
          if (!value(depth + 1)) return false;
          space();
          if (!more()) return false;
          if (peek() == ']') {
            ++at_;
            return true;
          }
          if (peek() != ',') return false;
          ++at_;
        }
      }
      case '"': return string();
      case 't': return literal("true");
      case 'f': return literal("false");
      case 'n': return literal("null");
      default: return number();
    }
  }

  std::string_view s_;
  std::size_t at_ = 0;
};

}  // namespace

bool valid_json(std::string_view text) noexcept { return json_checker(text).document(); }

}  // namespace ar
