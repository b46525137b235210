// Parameters read from bound columns: the one conversion from a record's fields to the values a
// statement binds, compiled here once for every model.

#include <ar/detail/execute.hpp>

#include <optional>
#include <string>
#include <vector>

namespace ar::detail {

namespace {

template <class T>
value read_bound(const column_binding& c) {
  if (c.nullable) {
    const auto& field = *static_cast<const std::optional<T>*>(c.target);
    if (!field) return value{};
    return value{*field};
  }
  return value{*static_cast<const T*>(c.target)};
}

value bound_value(const column_binding& c) {
  switch (c.type) {
    case value_type::int32: return read_bound<std::int32_t>(c);
    case value_type::int64: return read_bound<std::int64_t>(c);
    case value_type::float64: return read_bound<double>(c);
    case value_type::boolean: return read_bound<bool>(c);
    case value_type::text: return read_bound<std::string>(c);
    case value_type::time: return read_bound<time_point>(c);
  }
  return value{};
}

}  // namespace

void append_bound_values(std::span<const column_binding> columns, std::size_t skip, std::vector<value>& out) {
  for (std::size_t i = 0; i < columns.size(); ++i)
    if (i != skip) out.push_back(bound_value(columns[i]));
}

parameter_list::parameter_list() noexcept = default;
parameter_list::~parameter_list() = default;

void parameter_list::append(std::span<const column_binding> columns, std::size_t skip) {
  values_.reserve(values_.size() + columns.size());
  append_bound_values(columns, skip, values_);
}

void parameter_list::append(const column_binding& column) { values_.push_back(bound_value(column)); }

std::span<const value> parameter_list::span() const noexcept { return values_; }

}  // namespace ar::detail
