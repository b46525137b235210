#include "names.hpp"

#include <ar/naming.hpp>

#include <utility>

namespace ar_gen {

namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool is_vowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }

// Words whose plural is not made by a rule (singular, plural).
constexpr std::pair<std::string_view, std::string_view> irregular[] = {
    {"person", "people"}, {"child", "children"},     {"man", "men"},       {"woman", "women"},     {"mouse", "mice"},
    {"goose", "geese"},   {"foot", "feet"},          {"tooth", "teeth"},   {"ox", "oxen"},         {"datum", "data"},
    {"medium", "media"},  {"criterion", "criteria"}, {"index", "indices"}, {"matrix", "matrices"},
};
// Words that are the same in both numbers.
constexpr std::string_view uncountable[] = {"information", "equipment", "series", "species", "news",
                                            "fish",        "sheep",     "money",  "metadata"};

std::pair<std::string_view, std::string_view> split_last_word(std::string_view name) {
  const std::size_t at = name.rfind('_');
  if (at == std::string_view::npos) return {{}, name};
  return {name.substr(0, at + 1), name.substr(at + 1)};
}

std::string plural_word(std::string_view w) {
  if (w.empty()) return std::string(w);
  for (std::string_view u : uncountable)
    if (w == u) return std::string(w);
  for (auto [one, many] : irregular)
    if (w == one) return std::string(many);
  if (ends_with(w, "s") || ends_with(w, "x") || ends_with(w, "z") || ends_with(w, "ch") || ends_with(w, "sh"))
    return std::string(w) + "es";
  if (w.size() > 1 && w.back() == 'y' && !is_vowel(w[w.size() - 2]))
    return std::string(w.substr(0, w.size() - 1)) + "ies";
  return std::string(w) + "s";
}

std::string singular_word(std::string_view w) {
  for (std::string_view u : uncountable)
    if (w == u) return std::string(w);
  for (auto [one, many] : irregular)
    if (w == many) return std::string(one);
  if (ends_with(w, "ies") && w.size() > 4) return std::string(w.substr(0, w.size() - 3)) + "y";
  if (ends_with(w, "sses") || ends_with(w, "xes") || ends_with(w, "zes") || ends_with(w, "ches") ||
      ends_with(w, "shes"))
    return std::string(w.substr(0, w.size() - 2));
  // status, address, analysis, bonus: already singular.
  if (ends_with(w, "ss") || ends_with(w, "us") || ends_with(w, "is") || w.size() < 3) return std::string(w);
  if (w.back() == 's') return std::string(w.substr(0, w.size() - 1));
  return std::string(w);
}

constexpr std::string_view keywords[] = {
    "alignas",
    "alignof",
    "and",
    "and_eq",
    "asm",
    "auto",
    "bitand",
    "bitor",
    "bool",
    "break",
    "case",
    "catch",
    "char",
    "char8_t",
    "char16_t",
    "char32_t",
    "class",
    "compl",
    "concept",
    "const",
    "consteval",
    "constexpr",
    "constinit",
    "const_cast",
    "continue",
    "co_await",
    "co_return",
    "co_yield",
    "decltype",
    "default",
    "delete",
    "do",
    "double",
    "dynamic_cast",
    "else",
    "enum",
    "explicit",
    "export",
    "extern",
    "false",
    "float",
    "for",
    "friend",
    "goto",
    "if",
    "inline",
    "int",
    "long",
    "mutable",
    "namespace",
    "new",
    "noexcept",
    "not",
    "not_eq",
    "nullptr",
    "operator",
    "or",
    "or_eq",
    "private",
    "protected",
    "public",
    "register",
    "reinterpret_cast",
    "requires",
    "return",
    "short",
    "signed",
    "sizeof",
    "static",
    "static_assert",
    "static_cast",
    "struct",
    "switch",
    "template",
    "this",
    "thread_local",
    "throw",
    "true",
    "try",
    "typedef",
    "typeid",
    "typename",
    "union",
    "unsigned",
    "using",
    "virtual",
    "void",
    "volatile",
    "wchar_t",
    "while",
    "xor",
    "xor_eq",
    "final",
    "override",
    "import",
    "module",
    "c",
};

}  // namespace

std::string snake(std::string_view name) { return ar::apply_name_style(name, ar::name_style::snake_case); }
std::string pascal(std::string_view snake_name) {
  return ar::apply_name_style(snake_name, ar::name_style::pascal_case);
}

std::string pluralize(std::string_view snake_name) {
  const auto [head, last] = split_last_word(snake_name);
  return std::string(head) + plural_word(last);
}

std::string singularize(std::string_view snake_name) {
  const auto [head, last] = split_last_word(snake_name);
  return std::string(head) + singular_word(last);
}

std::string struct_name(std::string_view table) { return pascal(identifier(singularize(snake(table)))); }

std::string identifier(std::string_view snake_name) {
  std::string out;
  for (char ch : snake_name) {
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_';
    out += ok ? ch : '_';
  }
  if (out.empty() || (out[0] >= '0' && out[0] <= '9')) out.insert(out.begin(), 'c');
  for (std::string_view k : keywords)
    if (out == k) return out + "_";
  // ar's own members (ar_slot_..., ar_context) begin with ar_: keep clear of them.
  if (out.rfind("ar_", 0) == 0) out.insert(0, "f_");
  return out;
}

std::string belongs_to_name(std::string_view foreign_key_field, std::string_view target_struct) {
  if (ends_with(foreign_key_field, "_id") && foreign_key_field.size() > 3)
    return std::string(foreign_key_field.substr(0, foreign_key_field.size() - 3));
  return std::string(foreign_key_field) + "_" + snake(target_struct);
}

}  // namespace ar_gen
