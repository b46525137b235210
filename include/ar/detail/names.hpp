#ifndef AR_DETAIL_NAMES_HPP
#define AR_DETAIL_NAMES_HPP

// The table and column names SQL is rendered with: a model's declared names after its naming
// convention (AR_NAMING) or, for a model without one, the convention of the database the SQL is
// for (open_options::naming, made current by a naming_scope). Every identifier of a model that SQL
// text names goes through table_name / column_name (src/sql/names.cpp).

#include <ar/export.hpp>
#include <ar/naming.hpp>

#include <cstddef>
#include <string_view>

namespace ar {
struct table_meta;
}

namespace ar::detail {

// Makes `n` the naming of the SQL this thread renders until the scope ends (scopes nest).
class AR_API naming_scope {
 public:
  explicit naming_scope(const ar::naming& n) noexcept;
  ~naming_scope();
  naming_scope(const naming_scope&) = delete;
  naming_scope& operator=(const naming_scope&) = delete;

 private:
  const ar::naming* previous_;
};

// The name of `table` / of its column `index` in the current naming. The views stay valid for the
// life of the program.
AR_API std::string_view table_name(const table_meta& table);
AR_API std::string_view column_name(const table_meta& table, std::size_t index);

}  // namespace ar::detail

#endif  // AR_DETAIL_NAMES_HPP
