#ifndef AR_ENUM_HPP
#define AR_ENUM_HPP

// Enums as column types, declared once per enum at namespace scope outside any namespace (each
// macro is an ar::type_mapping specialization, ar/value.hpp):
//
//   AR_ENUM_STRINGS(color, (red, "red"), (green, "green"))  // a text column holding "red", "green"
//   AR_ENUM_VALUES(status, active, suspended)               // an integer column holding the values
//
// Only the listed enumerators are written and read: a stored text or integer that names none of
// them is refused on read (an ar::conversion_error naming the value, the table and the column),
// never read as a default; an unlisted value of the enum is refused on write (ar::value_error).
// An AR_ENUM_VALUES column is INTEGER when the enum's underlying type fits a std::int32_t, else
// BIGINT. Rows order by the stored text or integer.

#include <ar/detail/pp.hpp>
#include <ar/export.hpp>
#include <ar/value.hpp>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace ar {

// One enumerator of an AR_ENUM_STRINGS enum and its text.
template <class E>
struct enum_entry {
  // The enumerator.
  E value;
  // The text it is stored as.
  std::string_view text;
};

namespace detail {

[[noreturn]] AR_API void refuse_enum_text(std::string_view enum_name, std::span<const std::string_view> texts);
[[noreturn]] AR_API void refuse_enum_value(std::string_view enum_name, std::span<const long long> values);
[[noreturn]] AR_API void refuse_unlisted_enumerator(std::string_view enum_name, long long value);

// Self: the type_mapping specialization, which holds `name` and `entries`.
template <class E, class Self>
struct enum_text_mapping {
  using stored = std::string;
  static std::string to_stored(E v) {
    for (const auto& e : Self::entries)
      if (e.value == v) return std::string(e.text);
    refuse_unlisted_enumerator(Self::name, static_cast<long long>(static_cast<std::underlying_type_t<E>>(v)));
  }
  static E from_stored(const std::string& s) {
    for (const auto& e : Self::entries)
      if (e.text == s) return e.value;
    std::string_view texts[std::size(Self::entries)];
    for (std::size_t i = 0; i < std::size(Self::entries); ++i) texts[i] = Self::entries[i].text;
    refuse_enum_text(Self::name, texts);
  }
};

// Self holds `name` and `values`.
template <class E, class Self>
struct enum_value_mapping {
  using underlying = std::underlying_type_t<E>;
  using stored = std::conditional_t<std::in_range<std::int32_t>(std::numeric_limits<underlying>::max()) &&
                                        std::in_range<std::int32_t>(std::numeric_limits<underlying>::min()),
                                    std::int32_t, std::int64_t>;
  static stored to_stored(E v) {
    for (const E e : Self::values)
      if (e == v) return static_cast<stored>(static_cast<std::underlying_type_t<E>>(v));
    refuse_unlisted_enumerator(Self::name, static_cast<long long>(static_cast<std::underlying_type_t<E>>(v)));
  }
  static E from_stored(stored s) {
    for (const E e : Self::values)
      if (static_cast<stored>(static_cast<std::underlying_type_t<E>>(e)) == s) return e;
    long long values[std::size(Self::values)];
    for (std::size_t i = 0; i < std::size(Self::values); ++i)
      values[i] = static_cast<long long>(static_cast<std::underlying_type_t<E>>(Self::values[i]));
    refuse_enum_value(Self::name, values);
  }
};

}  // namespace detail
}  // namespace ar

#define AR_DETAIL_ENUM_UNWRAP(...) __VA_ARGS__
#define AR_DETAIL_ENUM_APPLY(m, args) m args
#define AR_DETAIL_ENUM_STRING(E, pair) AR_DETAIL_ENUM_APPLY(AR_DETAIL_ENUM_STRING_I, (E, AR_DETAIL_ENUM_UNWRAP pair))
#define AR_DETAIL_ENUM_STRING_I(E, enumerator, text) ::ar::enum_entry<E>{E::enumerator, text},
#define AR_DETAIL_ENUM_VALUE(E, enumerator) E::enumerator,

// AR_ENUM_STRINGS(E, (enumerator, "text"), ...): E is stored as the text of its enumerator.
#define AR_ENUM_STRINGS(E, ...)                                                                               \
  template <>                                                                                                 \
  struct ar::type_mapping<E> : ::ar::detail::enum_text_mapping<E, ::ar::type_mapping<E>> {                    \
    static constexpr std::string_view name = #E;                                                              \
    static constexpr ::ar::enum_entry<E> entries[] = {AR_PP_FOR_EACH(AR_DETAIL_ENUM_STRING, E, __VA_ARGS__)}; \
  }

// AR_ENUM_VALUES(E, enumerator, ...): E is stored as the integer value of its enumerator.
#define AR_ENUM_VALUES(E, ...)                                                              \
  template <>                                                                               \
  struct ar::type_mapping<E> : ::ar::detail::enum_value_mapping<E, ::ar::type_mapping<E>> { \
    static constexpr std::string_view name = #E;                                            \
    static constexpr E values[] = {AR_PP_FOR_EACH(AR_DETAIL_ENUM_VALUE, E, __VA_ARGS__)};   \
  }

#endif  // AR_ENUM_HPP
