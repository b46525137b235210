// expect: ar::on<Model>: the model does not declare AR_REGISTERED_CALLBACKS
#include <ar/crud.hpp>

#include <cstdint>
#include <string>

struct post {
  std::int64_t id = 0;
  std::string title;
  AR_MODEL(post, "posts", AR_FIELDS(id, title));
};

int main() {
  auto handle = ar::on<post>(ar::before_save, [](post&) {});
}
