#ifndef AR_GEN_GENERATOR_HPP
#define AR_GEN_GENERATOR_HPP

// ar-gen's work, apart from its command line: from a database's catalog (ar::read_catalog) to a
// header of AR_MODEL declarations, and the list of what it could not say in C++.

#include <ar/backend/dialect.hpp>
#include <ar/catalog.hpp>
#include <ar/naming.hpp>

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ar_gen {

// One line of an option file (see parse_options).
struct option_rule {
  enum class action { drop, rename } what = action::drop;
  std::string subject;   // "Struct" (a table) or "Struct.relation"
  std::string new_name;  // rename only
  int line = 0;
};

// A mistake in the command line or the option file, or a naming the schema does not follow.
struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The option file: one rule a line; '#' starts a comment; blank lines are skipped.
//   drop Customer                     the table Customer (its struct's name, or the table's) is not generated
//   drop Customer.invoices            nor this relation (and the inverse option on the other side)
//   rename Employee.reports_to_employee manager    a relation, by the name ar-gen chose
//   rename Employee Staff             a table's struct (before relations are named after it)
std::vector<option_rule> parse_options(std::string_view text);

struct options {
  std::optional<ar::name_style> naming;  // --naming: forced; else inferred from the names
  std::string name_space;                // --namespace: the structs go in it
  std::string source;                    // what the header says it was made from (the URL, its password masked)
  std::vector<option_rule> rules;
};

struct result {
  std::string header;
  std::vector<std::string> reports;     // what is in the header's comments, one line each, for stderr
  std::optional<ar::name_style> style;  // the naming the database is to be opened with (nullopt: as_declared)
};

// The C++ field type of a catalog column type on this dialect (its value type, and for float and the
// unsigned integers their range), or nullopt when ar has none that holds every value of the column
// and that the column holds (dialect::field_for_column; NUMERIC and DECIMAL decided here).
std::optional<ar::dialect::column_field> field_type(const ar::dialect& d, std::string_view catalog_type);

result generate(const std::vector<ar::catalog_table>& tables, const ar::dialect& d, const options& opts);

}  // namespace ar_gen

#endif  // AR_GEN_GENERATOR_HPP
