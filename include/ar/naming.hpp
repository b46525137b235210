#ifndef AR_NAMING_HPP
#define AR_NAMING_HPP

// Naming conventions: how the names a model is written with (its fields, and the table AR_MODEL
// names) become the table and column names of a database that was not made for ar. A model may
// declare its own (AR_NAMING(pascal_case)); a database may declare one for every model without its
// own (open_options::naming), so one model serves two databases named differently. A column that
// AR_COLUMN names is always used exactly as written.

#include <ar/export.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace ar {

// How a name is spelled. Names are split into words at underscores and where a lower-case letter
// or digit is followed by an upper-case one ("invoice_date", "invoiceDate" and "InvoiceDate" are
// the words invoice, date), then joined:
//   as_declared       unchanged (the default)
//   snake_case        invoice_date
//   pascal_case       InvoiceDate
//   camel_case        invoiceDate
//   upper_snake_case  INVOICE_DATE
enum class name_style : std::uint8_t { as_declared, snake_case, pascal_case, camel_case, upper_snake_case };

// A database's naming convention (open_options::naming).
struct naming {
  // The style of table and column names, for models that do not declare their own AR_NAMING.
  name_style style = name_style::as_declared;
  // Put before every table name, after the style is applied (e.g. "wp_"), for every model.
  std::string table_prefix = {};

  // Equal when the style and the prefix are.
  friend bool operator==(const naming&, const naming&) = default;
};

// `name` spelled in `style`.
AR_API std::string apply_name_style(std::string_view name, name_style style);

}  // namespace ar

#endif  // AR_NAMING_HPP
