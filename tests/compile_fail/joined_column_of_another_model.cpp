// expect: column_is_of_the_model_the_path_leads_to<ar::fixed_string<8>{"manager"}, ar::fixed_string<12>{"posts.title"}, ar::fixed_string<10>{"employees"}, false>
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

// "manager" leads to an employee, and the column is of post.
auto q = ar::from<employee>() | ar::joins<"manager", "posts"> | ar::select(ar::joined<"manager">(post::c.title));
