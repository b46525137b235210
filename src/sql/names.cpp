#include <ar/detail/names.hpp>
#include <ar/model_traits.hpp>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

namespace ar::detail {

namespace {

thread_local const ar::naming* current = nullptr;

struct resolved {
  std::string table;
  std::vector<std::string> columns;
};

using key = std::tuple<const table_meta*, name_style, std::string>;

// A table's names in one style and prefix, made once and kept for the life of the program (there
// are as many as models times conventions in use).
const resolved& resolve_slow(const table_meta& t, name_style style, std::string_view prefix) {
  static std::mutex mutex;
  static std::map<key, std::unique_ptr<const resolved>, std::less<>> made;
  std::lock_guard lock(mutex);
  auto& slot = made[key{&t, style, std::string(prefix)}];
  if (!slot) {
    auto r = std::make_unique<resolved>();
    r->table = std::string(prefix) + apply_name_style(t.table, style);
    r->columns.reserve(t.columns.size());
    for (const column_meta& c : t.columns)
      r->columns.push_back(c.named ? std::string(c.column) : apply_name_style(c.column, style));
    slot = std::move(r);
  }
  return *slot;
}

// nullptr: the table's declared names.
const resolved* resolve(const table_meta& t) {
  const name_style style = t.naming != name_style::as_declared ? t.naming
                           : current                           ? current->style
                                                               : name_style::as_declared;
  const std::string_view prefix = current ? std::string_view(current->table_prefix) : std::string_view();
  if (style == name_style::as_declared && prefix.empty()) return nullptr;
  // The last table this thread asked for: a statement names the same table many times.
  thread_local const table_meta* last_table = nullptr;
  thread_local name_style last_style{};
  thread_local std::string last_prefix;
  thread_local const resolved* last = nullptr;
  if (last && last_table == &t && last_style == style && last_prefix == prefix) return last;
  last = &resolve_slow(t, style, prefix);
  last_table = &t;
  last_style = style;
  last_prefix = prefix;
  return last;
}

}  // namespace

naming_scope::naming_scope(const ar::naming& n) noexcept : previous_(current) { current = &n; }
naming_scope::~naming_scope() { current = previous_; }

std::string_view table_name(const table_meta& table) {
  const resolved* r = resolve(table);
  return r ? std::string_view(r->table) : table.table;
}

std::string_view column_name(const table_meta& table, std::size_t index) {
  const resolved* r = resolve(table);
  return r ? std::string_view(r->columns[index]) : table.columns[index].column;
}

}  // namespace ar::detail
