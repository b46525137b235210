#include <ar/dialect.hpp>
#include <ar/model.hpp>

#include <mutex>
#include <vector>

namespace ar {

namespace detail {
void register_builtin_backends();  // generated from the list of backends the library is built with
}

namespace {

struct dialect_registry {
  std::mutex mutex;
  std::vector<std::shared_ptr<const dialect>> dialects;
};

dialect_registry& the_registry() {
  static dialect_registry r;
  return r;
}

void ensure_builtins() {
  static std::once_flag once;
  std::call_once(once, [] { detail::register_builtin_backends(); });
}

}  // namespace

void dialect::quote_identifier(std::string& out, std::string_view identifier) const {
  out += '"';
  for (char c : identifier) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

void dialect::upsert_clause(std::string& out, const table_meta& table) const {
  out += " ON CONFLICT (";
  quote_identifier(out, table.key().column);
  out += ") DO ";
  if (table.columns.size() == 1) {
    out += "NOTHING";
    return;
  }
  out += "UPDATE SET ";
  bool first = true;
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    if (i == table.primary_key) continue;
    if (!first) out += ", ";
    first = false;
    quote_identifier(out, table.columns[i].column);
    out += " = excluded.";
    quote_identifier(out, table.columns[i].column);
  }
}

void register_dialect(std::shared_ptr<const dialect> d) {
  auto& r = the_registry();
  std::lock_guard lock(r.mutex);
  r.dialects.push_back(std::move(d));
}

const dialect* find_dialect(std::string_view scheme) {
  ensure_builtins();
  auto& r = the_registry();
  std::lock_guard lock(r.mutex);
  // The latest registration wins, so a program can replace a built-in dialect.
  for (auto it = r.dialects.rbegin(); it != r.dialects.rend(); ++it)
    for (std::string_view s : (*it)->schemes())
      if (s == scheme) return it->get();
  return nullptr;
}

}  // namespace ar
