#include <ar/error.hpp>
#include <ar/loading.hpp>

#include <string>

namespace ar::detail {

std::vector<std::string_view> split_relation_path(std::string_view path) {
  auto invalid = [&](const char* why) {
    throw invalid_relation_path("ar: invalid relation path '" + std::string(path) + "': " + why);
  };
  if (path.empty()) invalid("it is empty");
  std::vector<std::string_view> names;
  std::size_t start = 0;
  for (;;) {
    const std::size_t dot = path.find('.', start);
    const std::string_view name = path.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (name.empty()) {
      if (start == 0) invalid("it starts with a dot");
      if (dot == std::string_view::npos) invalid("it ends with a dot");
      invalid("it has an empty name between two dots");
    }
    names.push_back(name);
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return names;
}

}  // namespace ar::detail
