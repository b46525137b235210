#ifndef AR_VALIDATORS_HPP
#define AR_VALIDATORS_HPP

// The validators a model declares with AR_VALIDATES(field, validators...) (ar/model.hpp); what runs
// them is ar/validation.hpp. Each checks one field's value and, when it fails, says why in a
// message. A std::optional field that holds no value passes every validator but ar::presence.
//
//   ar::presence                        a text or bytes that is not empty (a text not only spaces),
//                                       an optional that holds a value
//   ar::length{.min = 2, .max = 40}     a text's length in characters (UTF-8 code points), a bytes'
//                                       size; either bound may be left out
//   ar::range{.min = 0, .max = 150}     a number between the bounds, both included
//   ar::format("[a-z]+")                a text the pattern matches whole (std::regex_match,
//   ar::format(std::regex(...))         ECMAScript); optionally a message after the pattern
//   ar::inclusion{"draft", "published"} a value equal to one of these
//   ar::uniqueness                      no other row of the table holds the value (one SELECT, on
//                                       the database the record is written to)
//   ar::check{f, "message"}             f(value) is true; f takes the field as declared
//
// A validator that does not fit its field's type (length of a number, range of a text) does not
// compile: AR_MODEL names the field in one sentence.

#include <ar/detail/model_def.hpp>
#include <ar/value.hpp>

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#undef AR_DETAIL_VALIDATORS_INCLUDED
#define AR_DETAIL_VALIDATORS_INCLUDED 1

namespace ar {

// The type of ar::presence.
struct presence_t {
  explicit presence_t() = default;
};
// A text or bytes that is not empty (a text not only spaces), an optional that holds a value.
inline constexpr presence_t presence{};

// A text's length in characters (UTF-8 code points), a bytes' size, between min and max.
struct length {
  // The least length allowed.
  std::size_t min = 0;
  // The greatest length allowed.
  std::size_t max = std::numeric_limits<std::size_t>::max();
};

// Bounds as long double: every std::int64_t and double compares exactly.
struct range {
  // The least value allowed, included.
  long double min = -std::numeric_limits<long double>::infinity();
  // The greatest value allowed, included.
  long double max = std::numeric_limits<long double>::infinity();
};

// A text that a regular expression matches whole (std::regex_match, ECMAScript).
class AR_API format {
 public:
  // A pattern, compiled once (std::regex, ECMAScript) where the model's validators are made.
  explicit format(std::string_view pattern, std::string message = "is invalid");
  // A std::regex of the program's (ar's headers do not include `<regex>`; the program's does).
  template <class Regex>
    requires requires(const Regex& r) {
      r.mark_count();
      typename Regex::flag_type;
    }
  explicit format(Regex regex, std::string message = "is invalid")
      : pattern_(std::make_shared<const Regex>(std::move(regex))),
        match_(&match_with<Regex>),
        message_(std::move(message)) {}

  // Whether the pattern matches the whole text.
  bool matches(std::string_view text) const { return match_(pattern_.get(), text); }
  // The message of a failure ("is invalid" unless given).
  const std::string& message() const noexcept { return message_; }

 private:
  template <class Regex>
  static bool match_with(const void* pattern, std::string_view text) {
    return regex_match(text.begin(), text.end(), *static_cast<const Regex*>(pattern));
  }
  std::shared_ptr<const void> pattern_;
  bool (*match_)(const void*, std::string_view);
  std::string message_;
};

// A value equal to one of the values listed.
template <class T>
struct inclusion {
  // The type of the values listed.
  using allowed_type = T;
  // Allows these values: inclusion{"draft", "published"}.
  inclusion(std::initializer_list<T> allowed) : values(allowed) {}
  // The values allowed, in the order given.
  std::vector<T> values;
};

// The type of ar::uniqueness.
struct uniqueness_t {
  explicit uniqueness_t() = default;
};
// No other row of the table holds the value (one SELECT, on the database the record is written to).
inline constexpr uniqueness_t uniqueness{};

// check{f, "message"}: f(value) is true; f takes the field as declared.
template <class F>
struct check {
  // The test: called with the field's value, true when it is valid.
  F test;
  // The message of a failure.
  const char* message = "is invalid";
};
// check{f, "message"} of any callable.
template <class F>
check(F, const char*) -> check<F>;

namespace detail {

// What is wrong with a validator for a field of type T (AR_MODEL's post-checks name the field).
enum class validates_problem : std::uint8_t {
  none,
  not_a_field,
  presence_of_a_value_always_there,
  length_not_of_a_text,
  range_not_of_a_number,
  format_not_of_a_text,
  inclusion_not_comparable,
  check_not_callable,
  not_a_validator,
};

template <class T>
struct unwrap_optional {
  using type = T;
};
template <class T>
struct unwrap_optional<std::optional<T>> {
  using type = T;
};

template <class V>
inline constexpr bool is_inclusion_v = false;
template <class T>
inline constexpr bool is_inclusion_v<inclusion<T>> = true;
template <class V>
inline constexpr bool is_check_v = false;
template <class F>
inline constexpr bool is_check_v<check<F>> = true;

template <class Field, class V>
constexpr validates_problem validator_problem_of() {
  using base = typename unwrap_optional<Field>::type;
  constexpr bool text = std::is_same_v<base, std::string>;
  constexpr bool binary = std::is_same_v<base, bytes>;
  if constexpr (std::is_same_v<V, presence_t>) {
    return is_optional_v<Field> || text || binary ? validates_problem::none
                                                  : validates_problem::presence_of_a_value_always_there;
  } else if constexpr (std::is_same_v<V, length>) {
    return text || binary ? validates_problem::none : validates_problem::length_not_of_a_text;
  } else if constexpr (std::is_same_v<V, range>) {
    return std::is_arithmetic_v<base> && !std::is_same_v<base, bool> ? validates_problem::none
                                                                     : validates_problem::range_not_of_a_number;
  } else if constexpr (std::is_same_v<V, format>) {
    return text ? validates_problem::none : validates_problem::format_not_of_a_text;
  } else if constexpr (is_inclusion_v<V>) {
    using allowed = typename V::allowed_type;
    return requires(const base& b, const allowed& a) {
      { b == a } -> std::convertible_to<bool>;
    } ? validates_problem::none : validates_problem::inclusion_not_comparable;
  } else if constexpr (is_check_v<V>) {
    return requires(const V& v, const Field& f) {
      { v.test(f) } -> std::convertible_to<bool>;
    } ? validates_problem::none : validates_problem::check_not_callable;
  } else if constexpr (std::is_same_v<V, uniqueness_t>) {
    return validates_problem::none;
  } else {
    return validates_problem::not_a_validator;
  }
}

template <class Field, class Make>
constexpr validates_problem validators_problem_of() {
  using validators = std::invoke_result_t<Make>;
  return []<class... V>(std::type_identity<std::tuple<V...>>) {
    validates_problem found = validates_problem::none;
    ((found = found == validates_problem::none ? validator_problem_of<Field, V>() : found), ...);
    return found;
  }(std::type_identity<validators>{});
}

template <class Clause, class... C>
constexpr validates_problem clause_problem() {
  constexpr std::string_view name = to_string_view(typename Clause::name_type{});
  validates_problem found = validates_problem::not_a_field;
  (
      [&] {
        if constexpr (C::name == name) found = validators_problem_of<typename C::type, typename Clause::make>();
      }(),
      ...);
  return found;
}

// What is wrong with the validators AR_VALIDATES declares for `member` (none for a model that
// failed an earlier check): AR_MODEL's post-check names the field.
template <class Def>
constexpr validates_problem validates_problem_of(std::string_view member) {
  if constexpr (!requires { typename Def::validations; }) {
    return validates_problem::none;
  } else {
    return [&]<class... Clause, class... C>(type_list<Clause...>, type_list<C...>) {
      validates_problem found = validates_problem::none;
      (
          [&] {
            if (found == validates_problem::none && to_string_view(typename Clause::name_type{}) == member)
              found = clause_problem<Clause, C...>();
          }(),
          ...);
      return found;
    }(typename Def::validations{}, typename Def::columns{});
  }
}

// ar::format's pattern, compiled in the library (src/model/validators.cpp).
AR_API std::shared_ptr<const void> compile_pattern(std::string_view pattern);
AR_API bool match_pattern(const void* pattern, std::string_view text);

// A text's length in characters: the bytes that do not continue a UTF-8 sequence.
AR_API std::size_t utf8_length(std::string_view text) noexcept;
// "must be greater than or equal to 18" and the like, with the bound written as the program would.
AR_API std::string bound_message(const char* words, long double bound);

}  // namespace detail

inline format::format(std::string_view pattern, std::string message)
    : pattern_(detail::compile_pattern(pattern)), match_(&detail::match_pattern), message_(std::move(message)) {}

}  // namespace ar

#endif  // AR_VALIDATORS_HPP
