// Every query form the compile-fail tests reject has a legal twin that must compile cleanly.
#include <ar/ar.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

struct user {
  std::int64_t id = 0;
  std::string name;
  std::optional<int> age;
  bool active = false;
  AR_MODEL(user, "users", AR_FIELDS(id, name, age, active));
};

struct id_name {
  std::int64_t id;
  std::string name;
};

void queries() {
  auto q = ar::from<user>() | ar::filter(user::c.name == "x" && user::c.age > 3 && user::c.active) |
           ar::filter(user::c.age.is_null() || user::c.name.like("a%")) |
           ar::order_by(ar::desc(user::c.name), user::c.id) | ar::take(3) | ar::drop(1);
  auto rows = q | ar::select_as<id_name>(user::c.id, user::c.name) | ar::to_vector;
  auto total = q | ar::sum(user::c.age);
  auto n = ar::count(q);
  (void)rows;
  (void)total;
  (void)n;
}
