#ifndef AR_GEN_NAMES_HPP
#define AR_GEN_NAMES_HPP

// The names ar-gen chooses: a struct's from its table, a field's from its column, a relation's from
// its foreign key and target, in English as a person would write them.

#include <string>
#include <string_view>

namespace ar_gen {

// "InvoiceLine", "invoiceLine", "INVOICE_LINE" -> "invoice_line" (ar's own word split).
std::string snake(std::string_view name);
// "invoice_line" -> "InvoiceLine".
std::string pascal(std::string_view snake_name);

// The plural of a snake_case name, its last word pluralised: album -> albums, category ->
// categories, box -> boxes, person -> people, invoice_line -> invoice_lines.
std::string pluralize(std::string_view snake_name);
// The singular of a snake_case name (a table named in the plural gives a struct in the singular):
// albums -> album, categories -> category, boxes -> box, people -> person; a singular word is
// kept (status, address, genre).
std::string singularize(std::string_view snake_name);

// The struct of a table: PascalCase of its singular ("invoice_lines" and "InvoiceLine" -> InvoiceLine).
std::string struct_name(std::string_view table);

// A C++ identifier for a snake_case name: characters that cannot be in one become '_', a leading
// digit gets a 'c' before it, a keyword gets a trailing '_'.
std::string identifier(std::string_view snake_name);

// The name of a belongs_to: its foreign key field without "_id" (artist_id -> artist), or the
// field and the target when it has no such suffix (reports_to, Employee -> reports_to_employee).
std::string belongs_to_name(std::string_view foreign_key_field, std::string_view target_struct);

}  // namespace ar_gen

#endif  // AR_GEN_NAMES_HPP
