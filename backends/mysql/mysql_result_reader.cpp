// What a MariaDB/MySQL result tells of its columns, for the SOCI path that reads them (src/native.hpp,
// soci_result_reader): the type of each (MYSQL_FIELD), so that a text column is never read as a
// number, and the table and column a value came from, for the error when it does not fit.

#include "native.hpp"

#include <soci/mysql/soci-mysql.h>
#include <soci/soci.h>

#include <memory>
#include <string>

namespace ar::backends {

namespace mysql_native {

namespace {

// The field of result column `index` of the execution that just ran, or nullptr.
const MYSQL_FIELD* field_of(soci::statement& st, std::size_t index) noexcept {
  auto* backend = static_cast<soci::mysql_statement_backend*>(st.get_backend());
  if (backend == nullptr || backend->result_ == nullptr || index >= mysql_num_fields(backend->result_)) return nullptr;
  return mysql_fetch_field_direct(backend->result_, static_cast<unsigned int>(index));
}

class result_reader final : public detail::soci_result_reader {
 public:
  detail::value_source source(soci::statement& st, std::size_t index) const override {
    const MYSQL_FIELD* f = field_of(st, index);
    if (f == nullptr) return detail::value_source::unknown;
    switch (f->type) {
      case MYSQL_TYPE_TINY:
      case MYSQL_TYPE_SHORT:
      case MYSQL_TYPE_LONG:
      case MYSQL_TYPE_INT24:
      case MYSQL_TYPE_LONGLONG:
      case MYSQL_TYPE_YEAR: return detail::value_source::integer;
      case MYSQL_TYPE_DECIMAL:
      case MYSQL_TYPE_NEWDECIMAL: return detail::value_source::decimal;  // SUM and AVG give one
      case MYSQL_TYPE_FLOAT:
      case MYSQL_TYPE_DOUBLE: return detail::value_source::floating;
      default: return detail::value_source::text;  // strings, blobs, dates and times, enums, ...
    }
  }

  void origin(soci::statement& st, std::size_t index, std::string& table, std::string& column) const override {
    const MYSQL_FIELD* f = field_of(st, index);
    if (f == nullptr) {
      column = "#" + std::to_string(index + 1);
      return;
    }
    const char* t = f->org_table && *f->org_table ? f->org_table : f->table;
    const char* c = f->org_name && *f->org_name ? f->org_name : f->name;
    table = t ? t : "";
    column = c ? c : "#" + std::to_string(index + 1);
  }
};

}  // namespace

void register_result_reader() {
  detail::register_soci_result_reader("mysql", std::make_shared<result_reader>());
}

}  // namespace mysql_native

}  // namespace ar::backends
