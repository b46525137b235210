// Parameters read from bound columns: the one conversion from a record's fields to the values a
// statement binds, compiled here once for every model.

#include <ar/backend/dialect.hpp>
#include <ar/detail/execute.hpp>
#include <ar/error.hpp>

#include <iterator>
#include <optional>
#include <variant>
#include <string>
#include <utility>
#include <vector>

namespace ar::detail {

namespace {

// Appends the value of a bound column in place (no temporary value to move).
template <class T>
void emplace_bound(const column_binding& c, std::vector<value>& out) {
  if (c.nullable) {
    const auto& field = *static_cast<const std::optional<T>*>(c.target);
    if (field)
      out.emplace_back(std::in_place_type<T>, *field);
    else
      out.emplace_back();
  } else {
    out.emplace_back(std::in_place_type<T>, *static_cast<const T*>(c.target));
  }
}

}  // namespace

void refuse_mapped(const value& found, const char* why) {
  // As the store_* rules show a value: its kind, then its log spelling.
  static constexpr const char* kinds[] = {"",      "integer ", "integer ", "real ", "bool ",   "text ",
                                          "time ", "date ",    "bytes ",   "uuid ", "decimal "};
  static_assert(std::size(kinds) == std::variant_size_v<value>);
  std::string shown;
  if (found.index() != 0) shown = kinds[found.index()] + to_string(found);
  throw mapped_refusal{std::move(shown), why};
}

namespace {

// A mapped field's value, or the ar::value_error that names its field.
value mapped_value(const column_binding& c, const table_meta* table, std::size_t position) {
  try {
    return c.mapped->get(c.target, c.nullable);
  } catch (const mapped_refusal& r) {
    const bool known = table && position < table->columns.size();
    throw value_error(table ? std::string(table->table) : std::string("(a record)"),
                      known ? std::string(table->columns[position].field) : "#" + std::to_string(position + 1), r.why);
  }
}

}  // namespace

namespace {

// A decimal written to column `position` of `table` that the database would not keep exactly.
void check_written_decimal(const value& v, const dialect& d, const table_meta* table, std::size_t position) {
  const decimal* x = std::get_if<decimal>(&v);
  if (!x) return;
  const bool known = table && position < table->columns.size();
  std::string why =
      d.decimal_refusal(*x, known ? table->columns[position].precision : 0, known ? table->columns[position].scale : 0);
  if (why.empty()) return;
  throw value_error(table ? std::string(table->table) : std::string("(a record)"),
                    known ? std::string(table->columns[position].field) : "#" + std::to_string(position + 1),
                    known ? "column '" + std::string(table->columns[position].column) + "': " + why : why);
}

}  // namespace

void append_bound_values(std::span<const column_binding> columns, std::size_t skip, std::vector<value>& out,
                         const table_meta* table, const dialect* written_to) {
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i == skip) continue;
    const column_binding& c = columns[i];
    if (c.mapped) {
      out.push_back(mapped_value(c, table, i));
      if (written_to) check_written_decimal(out.back(), *written_to, table, i);
      continue;
    }
    switch (c.type) {
      case value_type::int32: emplace_bound<std::int32_t>(c, out); break;
      case value_type::int64: emplace_bound<std::int64_t>(c, out); break;
      case value_type::float64: emplace_bound<double>(c, out); break;
      case value_type::boolean: emplace_bound<bool>(c, out); break;
      case value_type::text: emplace_bound<std::string>(c, out); break;
      case value_type::time: emplace_bound<time_point>(c, out); break;
      case value_type::date:
        emplace_bound<date>(c, out);
        // A day the calendar does not have is refused here, naming its field, not by the driver.
        if (const date* d = std::get_if<date>(&out.back()); d && !storable_date(*d))
          throw value_error(
              table ? std::string(table->table) : std::string("(a record)"),
              table && i < table->columns.size() ? std::string(table->columns[i].field) : "#" + std::to_string(i + 1),
              to_string(out.back()) + " is not a day of the calendar from 0001-01-01 to 9999-12-31");
        break;
      case value_type::bytes: emplace_bound<bytes>(c, out); break;
      case value_type::uuid: emplace_bound<uuid>(c, out); break;
      case value_type::decimal:
        emplace_bound<decimal>(c, out);
        if (written_to) check_written_decimal(out.back(), *written_to, table, i);
        break;
      case value_type::json: {
        // Bound as its text, once checked: the databases would each take different text.
        const json* field = c.nullable ? (static_cast<const std::optional<json>*>(c.target)->has_value()
                                              ? &**static_cast<const std::optional<json>*>(c.target)
                                              : nullptr)
                                       : static_cast<const json*>(c.target);
        if (!field) {
          out.emplace_back();
          break;
        }
        if (!valid_json(field->text))
          throw value_error(
              table ? std::string(table->table) : std::string("(a record)"),
              table && i < table->columns.size() ? std::string(table->columns[i].field) : "#" + std::to_string(i + 1),
              to_string(value{field->text}) + " is not one JSON value");
        out.emplace_back(std::in_place_type<std::string>, field->text);
        break;
      }
    }
  }
}

namespace {
template <class T>
void copy_field(const column_binding& to, const column_binding& from) {
  if (to.nullable)
    *static_cast<std::optional<T>*>(to.target) = *static_cast<const std::optional<T>*>(from.target);
  else
    *static_cast<T*>(to.target) = *static_cast<const T*>(from.target);
}
}  // namespace

void copy_bound(std::span<const column_binding> to, std::span<const column_binding> from) {
  for (std::size_t i = 0; i < to.size(); ++i) {
    if (to[i].mapped) {
      to[i].mapped->copy(to[i].target, from[i].target, to[i].nullable);
      continue;
    }
    switch (to[i].type) {
      case value_type::int32: copy_field<std::int32_t>(to[i], from[i]); break;
      case value_type::int64: copy_field<std::int64_t>(to[i], from[i]); break;
      case value_type::float64: copy_field<double>(to[i], from[i]); break;
      case value_type::boolean: copy_field<bool>(to[i], from[i]); break;
      case value_type::text: copy_field<std::string>(to[i], from[i]); break;
      case value_type::time: copy_field<time_point>(to[i], from[i]); break;
      case value_type::date: copy_field<date>(to[i], from[i]); break;
      case value_type::bytes: copy_field<bytes>(to[i], from[i]); break;
      case value_type::uuid: copy_field<uuid>(to[i], from[i]); break;
      case value_type::decimal: copy_field<decimal>(to[i], from[i]); break;
      case value_type::json: copy_field<json>(to[i], from[i]); break;
    }
  }
}

namespace {
template <class T>
value read_field(const column_binding& c) {
  if (c.nullable) {
    const auto& field = *static_cast<const std::optional<T>*>(c.target);
    return field ? value{std::in_place_type<T>, *field} : value{};
  }
  return value{std::in_place_type<T>, *static_cast<const T*>(c.target)};
}
}  // namespace

value value_of(const column_binding& column, const table_meta* table, std::size_t position) {
  if (column.mapped) return mapped_value(column, table, position);
  switch (column.type) {
    case value_type::int32: return read_field<std::int32_t>(column);
    case value_type::int64: return read_field<std::int64_t>(column);
    case value_type::float64: return read_field<double>(column);
    case value_type::boolean: return read_field<bool>(column);
    case value_type::text: return read_field<std::string>(column);
    case value_type::time: return read_field<time_point>(column);
    case value_type::date: return read_field<date>(column);
    case value_type::bytes: return read_field<bytes>(column);
    case value_type::uuid: return read_field<uuid>(column);
    case value_type::decimal: return read_field<decimal>(column);
    case value_type::json: {
      const json* field = column.nullable ? (static_cast<const std::optional<json>*>(column.target)->has_value()
                                                 ? &**static_cast<const std::optional<json>*>(column.target)
                                                 : nullptr)
                                          : static_cast<const json*>(column.target);
      return field ? value{field->text} : value{};
    }
  }
  return value{};
}

parameter_list::parameter_list() noexcept = default;
parameter_list::parameter_list(const dialect& written_to) noexcept : written_to_(&written_to) {}
parameter_list::~parameter_list() = default;

void parameter_list::append(std::span<const column_binding> columns, std::size_t skip, const table_meta* table) {
  values_.reserve(values_.size() + columns.size());
  append_bound_values(columns, skip, values_, table, written_to_);
}

void parameter_list::append(const column_binding& column, const table_meta* table, std::size_t position) {
  values_.push_back(value_of(column, table, position));
  if (written_to_) check_written_decimal(values_.back(), *written_to_, table, position);
}

std::span<const value> parameter_list::span() const noexcept { return values_; }

}  // namespace ar::detail
