#ifndef AR_DETAIL_PLACEHOLDERS_HPP
#define AR_DETAIL_PLACEHOLDERS_HPP

// SQL written by hand marks each value with ? on every backend (db.execute, ar::execute, ar::sql):
// the text is rewritten once, here, into the dialect's own placeholders (src/sql/placeholders.cpp).

#include <ar/export.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace ar {
class dialect;
}

namespace ar::detail {

struct hand_written_sql {
  std::string text;          // with the dialect's placeholders
  std::size_t placeholders;  // how many ? it had
  // A ?? where the dialect's placeholder is ? itself (SQLite, MariaDB): the ? it stands for would
  // be read as one more placeholder, so hand_written_text refuses it.
  bool literal_question_mark = false;
};

// Each ? outside quotes, comments and dollar quotes becomes dialect.placeholder(n), numbered from
// 1; ?? becomes one ?. Every other character is kept as it is.
AR_API hand_written_sql translate_placeholders(const dialect& d, std::string_view sql);

// The text to send for SQL written by hand with `values` values: translated, and refused (an
// ar::database_error naming `database` and the SQL) when its ? are not as many as the values. With
// `native_allowed` (db.execute), a text without any ? is sent as written, with the backend's own
// placeholders if it has any.
AR_API std::string hand_written_text(const dialect& d, const std::string& database, std::string_view sql,
                                     std::size_t values, bool native_allowed);

}  // namespace ar::detail

#endif  // AR_DETAIL_PLACEHOLDERS_HPP
