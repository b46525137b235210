#ifndef AR_VALIDATION_HPP
#define AR_VALIDATION_HPP

// Validations (AR_VALIDATES, ar/validators.hpp): save, insert and update check a record before
// any statement and throw ar::validation_error listing every failure, nothing written; passing
// ar::skip_validation writes without checking. Without throwing or writing:
//
//   std::vector<ar::field_error> errors = ar::errors_of(db, post);  // every failure, per field
//   bool ok = ar::valid(db, post);
//
// Every validator but ar::uniqueness looks at the record alone. ar::uniqueness sends one
// SELECT COUNT(*) per field it checks (none for a NULL) to the database the record is written to,
// excluding the record's own row by its key when it has one. update checks uniqueness only of the
// fields it writes. A model without AR_VALIDATES compiles none of this into its writes.

#include <ar/database.hpp>
#include <ar/detail/execute.hpp>
#include <ar/error.hpp>
#include <ar/model.hpp>
#include <ar/model_traits.hpp>
#include <ar/validators.hpp>
#include <ar/value.hpp>

#include <algorithm>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace ar {

// Passed to insert, update or save: write without running the model's validations.
struct skip_validation_t {
  explicit skip_validation_t() = default;
};
// The tag that skips validations: ar::save(db, record, ar::skip_validation).
inline constexpr skip_validation_t skip_validation{};

namespace detail {

template <model M>
inline constexpr bool has_validations_v = model_of<M>::validations::size > 0;

// Whether a row of `table` other than the one keyed `own_key` (none when empty) holds `v` in the
// column at `position`: one SELECT COUNT(*) (compiled once, in src/query/crud.cpp).
AR_API bool value_taken(const database& db, const table_meta& table, std::size_t position, const value& v,
                        std::span<const value> own_key);

// What one validation run knows besides the record: where uniqueness is asked, the record's own
// key (empty: not stored yet), and which columns uniqueness checks (all when `all`).
struct validation_scope {
  const database* db;
  std::span<const value> own_key;
  std::span<const std::size_t> columns;
  bool all = true;
  bool checks(std::size_t position) const {
    return all || std::find(columns.begin(), columns.end(), position) != columns.end();
  }
};

inline bool blank(std::string_view text) noexcept {
  return text.find_first_not_of(" \t\n\r\f\v") == std::string_view::npos;
}

inline std::string count_words(std::size_t n, bool text) {
  return std::to_string(n) + (text ? (n == 1 ? " character" : " characters") : (n == 1 ? " byte" : " bytes"));
}

template <model M, class T, class V>
void run_validator(const validation_scope& scope, const V& v, const T& field, std::size_t position,
                   std::string_view name, std::vector<field_error>& out) {
  const auto fail = [&](std::string message) { out.push_back(field_error{std::string(name), std::move(message)}); };
  if constexpr (std::is_same_v<V, presence_t>) {
    if constexpr (is_optional_v<T>) {
      if (!field) return fail("can't be blank");
      using inner = typename T::value_type;
      if constexpr (std::is_same_v<inner, std::string> || std::is_same_v<inner, bytes>)
        run_validator<M>(scope, v, *field, position, name, out);
    } else if constexpr (std::is_same_v<T, std::string>) {
      if (blank(field)) fail("can't be blank");
    } else {
      if (field.empty()) fail("can't be blank");
    }
  } else if constexpr (is_optional_v<T>) {
    // A NULL passes every other validator (ar::check takes the optional itself).
    if constexpr (is_check_v<V>) {
      if (!v.test(field)) fail(v.message);
    } else if (field) {
      run_validator<M>(scope, v, *field, position, name, out);
    }
  } else if constexpr (std::is_same_v<V, length>) {
    constexpr bool text = std::is_same_v<T, std::string>;
    std::size_t n = 0;
    if constexpr (text)
      n = utf8_length(field);
    else
      n = field.size();
    if (n < v.min)
      fail("is too short (minimum is " + count_words(v.min, text) + ")");
    else if (n > v.max)
      fail("is too long (maximum is " + count_words(v.max, text) + ")");
  } else if constexpr (std::is_same_v<V, range>) {
    const auto x = static_cast<long double>(field);
    if (!(x >= v.min))
      fail(bound_message("must be greater than or equal to", v.min));
    else if (!(x <= v.max))
      fail(bound_message("must be less than or equal to", v.max));
  } else if constexpr (std::is_same_v<V, format>) {
    if (!v.matches(field)) fail(v.message());
  } else if constexpr (is_inclusion_v<V>) {
    if (std::none_of(v.values.begin(), v.values.end(), [&](const auto& allowed) { return field == allowed; }))
      fail("is not included in the list");
  } else if constexpr (is_check_v<V>) {
    if (!v.test(field)) fail(v.message);
  } else if constexpr (std::is_same_v<V, uniqueness_t>) {
    if (!scope.checks(position)) return;
    const value stored = value_of(bind_column(const_cast<T&>(field)), &table_meta_v<M>, position);
    if (value_taken(*scope.db, table_meta_v<M>, position, stored, scope.own_key)) fail("has already been taken");
  }
}

// The validators of one AR_VALIDATES clause, made once (a std::regex is compiled once).
template <class Clause>
const auto& validators_of() {
  static const auto made = typename Clause::make{}();
  return made;
}

template <model M, class Validators, class T, std::size_t... I>
void run_validators(const validation_scope& scope, const Validators& validators, const T& field, std::size_t position,
                    std::string_view name, std::vector<field_error>& out, std::index_sequence<I...>) {
  (run_validator<M>(scope, std::get<I>(validators), field, position, name, out), ...);
}

// The clause's validators on the column C (at position P) when the clause names it.
template <model M, class Clause, class C, std::size_t P>
void validate_column(const validation_scope& scope, const M& record, std::vector<field_error>& out) {
  constexpr std::string_view name = to_string_view(typename Clause::name_type{});
  // A validator that does not fit its field has had AR_MODEL's sentence: nothing more is said.
  if constexpr (C::name == name &&
                validators_problem_of<typename C::type, typename Clause::make>() == validates_problem::none) {
    const auto& validators = validators_of<Clause>();
    run_validators<M>(scope, validators, record.*C::pointer, P, name, out,
                      std::make_index_sequence<std::tuple_size_v<std::remove_cvref_t<decltype(validators)>>>{});
  }
}

template <model M, class Clause, class... C, std::size_t... P>
void validate_clause(const validation_scope& scope, const M& record, std::vector<field_error>& out, type_list<C...>,
                     std::index_sequence<P...>) {
  (validate_column<M, Clause, C, P>(scope, record, out), ...);
}

template <model M>
void collect_errors(const validation_scope& scope, const M& record, std::vector<field_error>& out) {
  using def = model_of<M>;
  [&]<class... Clause>(type_list<Clause...>) {
    (validate_clause<M, Clause>(scope, record, out, typename def::columns{}, std::make_index_sequence<def::size>{}),
     ...);
  }(typename def::validations{});
}

// The record's own key as values, for uniqueness to exclude its row (empty when `stored` is false).
template <model M>
std::vector<value> own_key_values(const M& record, bool stored) {
  std::vector<value> key;
  if (!stored) return key;
  const auto columns = columns_of(record);
  for (const std::size_t k : table_meta_v<M>.key_columns) key.push_back(value_of(columns[k], &table_meta_v<M>, k));
  return key;
}

// Whether a record has a row to exclude: a generated key that is set, or a key the program supplies.
template <model M>
bool has_own_row(const M& record) {
  if constexpr (model_of<M>::generated_key)
    return !(primary_key(record) == key_type_of<M>{});
  else
    return true;
}

// Runs the validations before a write; throws ar::validation_error listing every failure.
// `columns`: the positions an update writes (uniqueness checks those alone); empty span and `all`
// for an insert.
template <model M>
void validate_or_throw(const database& db, const M& record, bool stored, std::span<const std::size_t> columns = {},
                       bool all = true) {
  const std::vector<value> key = own_key_values(record, stored);
  std::vector<field_error> errors;
  collect_errors(validation_scope{&db, key, columns, all}, record, errors);
  if (!errors.empty()) throw validation_error(std::string(model_of<M>::table), std::move(errors));
}

}  // namespace detail

// Every validation failure of the record, per field in declaration order; empty when it is valid.
// Writes nothing; ar::uniqueness asks the database (one SELECT per field it checks).
template <model M>
std::vector<field_error> errors_of(const database& db, const M& record) {
  std::vector<field_error> errors;
  if constexpr (detail::has_validations_v<M>) {
    const std::vector<value> key = detail::own_key_values(record, detail::has_own_row(record));
    detail::collect_errors(detail::validation_scope{&db, key, {}, true}, record, errors);
  }
  (void)db;
  return errors;
}
// Whether the record passes every validation (errors_of is empty).
template <model M>
bool valid(const database& db, const M& record) {
  return errors_of(db, record).empty();
}
// errors_of, on the database the model is bound to.
template <model M>
std::vector<field_error> errors_of(const M& record) {
  return errors_of(database_for<M>(), record);
}
// valid, on the database the model is bound to.
template <model M>
bool valid(const M& record) {
  return errors_of(database_for<M>(), record).empty();
}

}  // namespace ar

#endif  // AR_VALIDATION_HPP
