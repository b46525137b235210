#ifndef AR_TESTS_FUZZ_SUPPORT_HPP
#define AR_TESTS_FUZZ_SUPPORT_HPP

// What both fuzz targets share: a fatal check, the three dialects, and the check of a rendered
// statement that catches a value spliced into SQL.

#include <ar/ar.hpp>

#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace fuzz {

// A broken invariant: say which, then abort, which libFuzzer reports as a crash (with the input).
[[noreturn]] inline void fail(const std::string& what, std::string_view detail = {}) {
  std::fprintf(stderr, "\n*** ar fuzz invariant broken: %s\n", what.c_str());
  if (!detail.empty()) std::fprintf(stderr, "*** %.*s\n", static_cast<int>(detail.size()), detail.data());
  std::fflush(stderr);
  std::abort();
}

[[noreturn]] inline void fail_check(const char* condition, int line, const std::string& what = {},
                                    std::string_view detail = {}) {
  fail(std::string("FUZZ_CHECK(") + condition + ") at line " + std::to_string(line) + (what.empty() ? "" : ": ") + what,
       detail);
}

// FUZZ_CHECK(condition[, what[, detail]])
#define FUZZ_CHECK(condition, ...)                                                         \
  do {                                                                                     \
    if (!(condition)) ::fuzz::fail_check(#condition, __LINE__ __VA_OPT__(, ) __VA_ARGS__); \
  } while (false)

// One dialect as the checks see it: how it quotes identifiers and spells placeholders.
struct dialect_case {
  std::string_view scheme;
  const ar::dialect* d;
  char quote;     // '"' or '`'
  char numbered;  // '$' for $1, $2, ... (PostgreSQL); else 0: ? (SQLite, and MariaDB's server-prepared statements)
};

inline const std::vector<dialect_case>& dialects() {
  static const std::vector<dialect_case> all = [] {
    std::vector<dialect_case> v{{"sqlite3", ar::find_dialect("sqlite3"), '"', 0},
                                {"postgresql", ar::find_dialect("postgresql"), '"', '$'},
                                {"mysql", ar::find_dialect("mysql"), '`', 0}};
    for (const auto& c : v)
      if (!c.d) fail("no dialect registered for " + std::string(c.scheme) + ": build ar with every backend");
    return v;
  }();
  return all;
}

// The names a statement may quote: the given models' tables and columns, and the aliases ar's
// renderers use.
class identifiers {
 public:
  explicit identifiers(std::initializer_list<const ar::table_meta*> tables) {
    for (const char* alias : {"ar_rank", "ar_ranked", "ar_rows", "ar_j", "ar_tree", "ar_key", "ar_depth", "ar_step"})
      names_.insert(alias);
    for (const ar::table_meta* t : tables) {
      names_.insert(std::string(t->table));
      for (const auto& c : t->columns) names_.insert(std::string(c.column));
    }
  }
  bool known(const std::string& name) const {
    if (names_.count(name)) return true;
    // Subquery scopes (ar_s1, ar_s2, ...) and with_count's columns in a derived table (ar_count1, ...).
    for (std::string_view prefix : {"ar_s", "ar_count"})
      if (name.size() > prefix.size() && name.compare(0, prefix.size(), prefix) == 0)
        return name.find_first_not_of("0123456789", prefix.size()) == std::string::npos;
    return false;
  }

 private:
  std::set<std::string> names_;
};

// The words ar writes into statements outside quotes.
inline bool keyword(std::string_view w) {
  static const std::set<std::string_view> words{
      "SELECT",   "DISTINCT", "FROM",   "WHERE", "AND", "OR",         "NOT",   "IN",        "LIKE", "BETWEEN",
      "IS",       "NULL",     "EXISTS", "ORDER", "BY",  "DESC",       "LIMIT", "OFFSET",    "AS",   "COUNT",
      "COALESCE", "SUM",      "MIN",    "MAX",   "AVG", "ROW_NUMBER", "OVER",  "PARTITION", "JOIN", "ON"};
  return words.count(w) != 0;
}

// A statement ar rendered for dialect `dc` with `params` bound values. Outside quoted identifiers
// it may hold only keywords, numbers, operators and placeholders: no string literal, no other
// word, no control byte. So a value (fuzzed bytes) can reach the text only by becoming a known
// identifier, which the checks of values themselves rule out. The placeholders count the values
// exactly, and numbered ones run 1, 2, 3, ... in order.
inline void check_sql(std::string_view sql, std::size_t params, const dialect_case& dc, const identifiers& ids,
                      std::string_view context) {
  auto broken = [&](const std::string& why) {
    fail(std::string(context) + " (" + std::string(dc.scheme) + "): " + why, sql);
  };
  std::size_t placeholders = 0;
  std::size_t i = 0;
  const auto is_alpha = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; };
  const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  while (i < sql.size()) {
    const char c = sql[i];
    if (c == dc.quote) {
      std::string name;
      ++i;
      for (;;) {
        if (i >= sql.size()) broken("an identifier quote is not closed");
        if (sql[i] == dc.quote) {
          if (i + 1 < sql.size() && sql[i + 1] == dc.quote) {
            name += dc.quote;
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        name += sql[i++];
      }
      if (!ids.known(name)) broken("quotes an identifier no model declares: '" + name + "'");
    } else if (c == '?') {
      if (dc.numbered) broken("a '?' in a dialect of numbered placeholders");
      ++placeholders;
      ++i;
    } else if (c == ':' || c == '$') {
      if (c != dc.numbered) broken(std::string("a '") + c + "' that is not this dialect's placeholder");
      ++i;
      std::size_t n = 0, digits = 0;
      while (i < sql.size() && is_digit(sql[i])) {
        n = n * 10 + static_cast<std::size_t>(sql[i] - '0');
        ++i;
        if (++digits > 9) broken("a placeholder number too long");
      }
      if (digits == 0) broken(std::string("a '") + c + "' that is not a placeholder");
      if (n != ++placeholders)
        broken("placeholder " + std::string(1, c) + std::to_string(n) + " where " + std::string(1, c) +
               std::to_string(placeholders) + " was due");
    } else if (is_alpha(c)) {
      const std::size_t start = i;
      while (i < sql.size() && (is_alpha(sql[i]) || is_digit(sql[i]))) ++i;
      const std::string_view word = sql.substr(start, i - start);
      if (!keyword(word)) broken("an unquoted word that is no keyword: '" + std::string(word) + "'");
    } else if (is_digit(c) || (c == '-' && i + 1 < sql.size() && is_digit(sql[i + 1]))) {  // SQLite's LIMIT -1
      ++i;
      while (i < sql.size() && is_digit(sql[i])) ++i;
      if (i < sql.size() && is_alpha(sql[i])) broken("a number glued to a word");
    } else if (std::string_view(" ,().=<>*+").find(c) != std::string_view::npos) {
      ++i;
    } else {
      broken("a byte ar never writes outside quotes: " + std::to_string(static_cast<unsigned char>(c)));
    }
  }
  if (placeholders != params)
    broken(std::to_string(placeholders) + " placeholders for " + std::to_string(params) + " bound values");
}

// True for ar's own exceptions: everything a bad input may cause.
template <class F>
bool throws_ar_error(F&& f) {
  try {
    f();
    return false;
  } catch (const ar::error&) {
    return true;
  }
}

}  // namespace fuzz

#endif  // AR_TESTS_FUZZ_SUPPORT_HPP
