// CRUD and the query views compile on their own for a model without relations: they include
// nothing of the relation and loading layers (tests/infra/check_header_layers.py checks that).
#include <ar/crud.hpp>
#include <ar/views/filter.hpp>
#include <ar/views/first.hpp>
#include <ar/views/to_vector.hpp>

#include <cstdint>
#include <string>

namespace {
struct gadget {
  std::int64_t id = 0;
  std::string name;
  AR_MODEL(gadget, "gadgets", AR_FIELDS(id, name));
};
}  // namespace

int main() {
  gadget g{0, "lamp"};
  ar::insert(g);
  ar::update(g);
  const auto all = ar::from<gadget>() | ar::filter(gadget::c.name == "lamp") | ar::to_vector;
  const auto one = ar::from<gadget>() | ar::first;
  return ar::destroy(g) && one && !all.empty() ? 0 : 1;
}
