// The refusals of AR_ENUM_STRINGS and AR_ENUM_VALUES (ar/enum.hpp): what() lists what the enum
// stores, for the ar::conversion_error or ar::value_error that carries it.

#include <ar/enum.hpp>

#include <stdexcept>
#include <string>

namespace ar::detail {

void refuse_enum_text(std::string_view enum_name, std::span<const std::string_view> texts) {
  std::string why = "one of ";
  for (std::size_t i = 0; i < texts.size(); ++i) {
    if (i > 0) why += ", ";
    why += '\'';
    why += texts[i];
    why += '\'';
  }
  why += " (the texts AR_ENUM_STRINGS lists for ";
  why += enum_name;
  why += ")";
  throw std::out_of_range(why);
}

void refuse_enum_value(std::string_view enum_name, std::span<const long long> values) {
  std::string why = "one of ";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) why += ", ";
    why += std::to_string(values[i]);
  }
  why += " (the values AR_ENUM_VALUES lists for ";
  why += enum_name;
  why += ")";
  throw std::out_of_range(why);
}

void refuse_unlisted_enumerator(std::string_view enum_name, long long value) {
  throw std::out_of_range("the value " + std::to_string(value) + " is not an enumerator that AR_ENUM_STRINGS or " +
                          "AR_ENUM_VALUES lists for " + std::string(enum_name));
}

}  // namespace ar::detail
