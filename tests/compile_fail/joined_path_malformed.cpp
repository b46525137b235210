// expect: joined_path_is_a_relation_path<ar::fixed_string<17>{"manager..manager"}, false>
#include <ar/ar.hpp>

#include <cstdint>
#include <optional>
#include <string>

struct post;

struct employee {
  std::int64_t id = 0;
  std::string name;
  std::optional<std::int64_t> manager_id;
  AR_MODEL(employee, "employees", AR_FIELDS(id, name, manager_id), AR_BELONGS_TO(manager, employee, manager_id),
           AR_HAS_MANY(posts, post, employee_id));
};

struct post {
  std::int64_t id = 0;
  std::int64_t employee_id = 0;
  std::string title;
  AR_MODEL(post, "posts", AR_FIELDS(id, employee_id, title));
};

// An empty name between the dots.
auto q =
    ar::from<employee>() | ar::joins<"manager.manager"> | ar::select(ar::joined<"manager..manager">(employee::c.name));
