#include <ar/backend/url.hpp>

#include <charconv>

namespace ar::backend {

namespace {

int hex_digit(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes one part into `out`; false (and `why`) on a broken escape. `what` names the part.
bool decode_part(std::string_view text, std::string_view what, std::string& out, std::string& why) {
  auto decoded = percent_decode(text);
  if (!decoded) {
    why = "has a '%' in its " + std::string(what) +
          " that is not followed by two hex digits (percent-encoding: %40 for '@', %25 for '%')";
    return false;
  }
  out = std::move(*decoded);
  return true;
}

}  // namespace

bool is_url_form(std::string_view connection) noexcept {
  const std::string_view head = connection.substr(0, connection.find('?'));
  for (const char c : head)
    if (c == '=' || c == ' ' || c == '\t' || c == '\n' || c == '\r') return false;
  return true;
}

std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    const int high = i + 1 < text.size() ? hex_digit(text[i + 1]) : -1;
    const int low = i + 2 < text.size() ? hex_digit(text[i + 2]) : -1;
    if (high < 0 || low < 0) return std::nullopt;
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return out;
}

std::optional<url_parts> parse_url(std::string_view connection, std::string& why) {
  url_parts out;
  std::string_view rest = connection;
  std::string_view query;
  if (const auto q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  if (const auto hash = rest.find('#'); hash != std::string_view::npos) {
    why = "has a fragment ('#'); write '#' in a password or a name as %23";
    return std::nullopt;
  }
  const auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos && !decode_part(rest.substr(slash + 1), "path", out.path, why))
    return std::nullopt;
  // The user information ends at the last '@' (an unencoded '@' in a password is read as written).
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    const std::string_view info = authority.substr(0, at);
    authority = authority.substr(at + 1);
    const auto colon = info.find(':');
    std::string user;
    if (!decode_part(info.substr(0, colon), "user name", user, why)) return std::nullopt;
    out.user = std::move(user);
    if (colon != std::string_view::npos) {
      std::string password;
      if (!decode_part(info.substr(colon + 1), "password", password, why)) return std::nullopt;
      out.password = std::move(password);
    }
  }
  std::string_view host = authority;
  std::string_view port;
  if (!host.empty() && host.front() == '[') {  // [IPv6]:port
    const auto close = host.find(']');
    if (close == std::string_view::npos) {
      why = "has an IPv6 host without its closing ']'";
      return std::nullopt;
    }
    if (close + 1 < host.size()) {
      if (host[close + 1] != ':') {
        why = "has text after its IPv6 host's ']' that is not ':port'";
        return std::nullopt;
      }
      port = host.substr(close + 2);
    }
    host = host.substr(1, close - 1);
  } else if (const auto colon = host.rfind(':'); colon != std::string_view::npos) {
    port = host.substr(colon + 1);
    host = host.substr(0, colon);
  }
  if (!decode_part(host, "host", out.host, why)) return std::nullopt;
  if (!port.empty() || authority.ends_with(':')) {
    unsigned value = 0;
    const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || error != std::errc{} || end != port.data() + port.size() || value == 0 || value > 65535) {
      why = "has the port '" + std::string(port) + "', which is not a number from 1 to 65535";
      return std::nullopt;
    }
    out.port = static_cast<std::uint16_t>(value);
  }
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    std::string key, value;
    if (!decode_part(pair.substr(0, eq), "query", key, why)) return std::nullopt;
    if (eq != std::string_view::npos && !decode_part(pair.substr(eq + 1), "setting '" + key + "'", value, why))
      return std::nullopt;
    out.query.emplace_back(std::move(key), std::move(value));
  }
  return out;
}

}  // namespace ar::backend
