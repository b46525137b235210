// SQL written by hand, with ? for each value on every backend, into the dialect's placeholders.
// A scanner of SQL's lexical layer only: it knows where quotes, comments and dollar quotes begin
// and end, so that a ? inside them is left alone, and nothing else of the statement.

#include <ar/backend/dialect.hpp>
#include <ar/detail/placeholders.hpp>
#include <ar/error.hpp>

#include <string>
#include <utility>

namespace ar::detail {

namespace {

bool tag_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}

}  // namespace

hand_written_sql translate_placeholders(const dialect& d, std::string_view sql) {
  hand_written_sql out{std::string(), 0};
  out.text.reserve(sql.size() + 16);
  const bool backslashes = d.backslash_escapes();
  const bool hashes = d.hash_comments();
  std::string first;
  d.placeholder(first, 1);
  const bool question_is_placeholder = first == "?";
  const std::size_t n = sql.size();
  std::size_t i = 0;
  // Copies up to and including position `end` - 1 (or to the end of the text).
  auto copy_to = [&](std::size_t end) {
    if (end > n) end = n;
    out.text.append(sql.substr(i, end - i));
    i = end;
  };
  while (i < n) {
    const char c = sql[i];
    if (c == '\'' || c == '"' || c == '`') {
      // A quoted string or identifier: a doubled quote stays inside; with backslash escapes, \x too.
      std::size_t j = i + 1;
      while (j < n) {
        if (backslashes && sql[j] == '\\' && c == '\'') {
          j += 2;
          continue;
        }
        if (sql[j] == c) {
          if (j + 1 < n && sql[j + 1] == c) {
            j += 2;
            continue;
          }
          break;
        }
        ++j;
      }
      copy_to(j + 1);
    } else if (c == '-' && i + 1 < n && sql[i + 1] == '-') {
      const std::size_t eol = sql.find('\n', i);
      copy_to(eol == std::string_view::npos ? n : eol + 1);
    } else if (c == '#' && hashes) {
      const std::size_t eol = sql.find('\n', i);
      copy_to(eol == std::string_view::npos ? n : eol + 1);
    } else if (c == '/' && i + 1 < n && sql[i + 1] == '*') {
      const std::size_t end = sql.find("*/", i + 2);
      copy_to(end == std::string_view::npos ? n : end + 2);
    } else if (c == '$' && i + 1 < n &&
               (sql[i + 1] == '$' || (tag_char(sql[i + 1]) && !(sql[i + 1] >= '0' && sql[i + 1] <= '9')))) {
      // A dollar quote $tag$ ... $tag$ (PostgreSQL); $1 (a numbered placeholder) is no tag.
      std::size_t j = i + 1;
      while (j < n && tag_char(sql[j])) ++j;
      if (j < n && sql[j] == '$') {
        const std::string_view tag = sql.substr(i, j - i + 1);
        const std::size_t end = sql.find(tag, j + 1);
        copy_to(end == std::string_view::npos ? n : end + tag.size());
      } else {
        copy_to(j);
      }
    } else if (c == '?') {
      if (i + 1 < n && sql[i + 1] == '?') {
        out.text += '?';
        out.literal_question_mark = out.literal_question_mark || question_is_placeholder;
        i += 2;
      } else {
        d.placeholder(out.text, ++out.placeholders);
        ++i;
      }
    } else {
      out.text += c;
      ++i;
    }
  }
  return out;
}

std::string hand_written_text(const dialect& d, const std::string& database, std::string_view sql, std::size_t values,
                              bool native_allowed) {
  hand_written_sql out = translate_placeholders(d, sql);
  if (out.literal_question_mark)
    throw database_error(database, std::string(sql),
                         "the statement has ?? (a ? that is no placeholder), but on " + std::string(d.driver_name()) +
                             " every ? outside quotes is a placeholder: write the ? inside quotes");
  if (out.placeholders == 0 && native_allowed) return std::string(sql);
  if (out.placeholders != values)
    throw database_error(database, std::string(sql),
                         "the statement has " + std::to_string(out.placeholders) + " placeholder" +
                             (out.placeholders == 1 ? "" : "s") + " (?) but " + std::to_string(values) + " value" +
                             (values == 1 ? " was" : "s were") + " given (write ?? for a ? that is no placeholder)");
  return std::move(out.text);
}

}  // namespace ar::detail
