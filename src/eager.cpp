#include <ar/error.hpp>
#include <ar/loading.hpp>

#include <string>

namespace ar::detail {

std::vector<std::string_view> split_relation_path(std::string_view path) {
  auto invalid = [&](const std::string& why) {
    // A path is shown whole up to a point: a megabyte of it helps nobody read the message.
    constexpr std::size_t shown = 200;
    std::string text(path.substr(0, shown));
    if (path.size() > shown) text += "... (" + std::to_string(path.size()) + " bytes)";
    throw invalid_relation_path("ar: invalid relation path '" + text + "': " + why);
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
    // Loading, subqueries and the path tree each go one level deeper per name: a bound keeps a
    // path of a self-referential relation ("children.children...") from exhausting the stack.
    if (names.size() == max_relation_path_names)
      invalid("it names more than " + std::to_string(max_relation_path_names) + " relations");
    names.push_back(name);
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return names;
}

}  // namespace ar::detail

namespace ar::detail {

AR_EAGER_ROWS_INSTANCES(template, std::int64_t)
AR_EAGER_ROWS_INSTANCES(template, std::string)

}  // namespace ar::detail

namespace ar::detail {

std::shared_ptr<const std::vector<eager_node>> with_paths(const std::vector<eager_node>* tree, const relation_table& root,
                                                          const std::vector<std::string>& paths) {
  std::vector<eager_node> grown = tree ? *tree : std::vector<eager_node>{};
  for (const std::string& path : paths) add_path(grown, root, path);
  return std::make_shared<const std::vector<eager_node>>(std::move(grown));
}

}  // namespace ar::detail
