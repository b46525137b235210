// expect: ar::update of a const record of a model with callbacks \(AR_CALLBACK, AR_REGISTERED_CALLBACKS\)
#include <ar/crud.hpp>

#include <cstdint>
#include <string>

struct post {
  std::int64_t id = 0;
  std::string title;
  static void tidy(post& p) { p.title += "."; }
  AR_MODEL(post, "posts", AR_FIELDS(id, title), AR_CALLBACK(before_update, tidy));
};

int main() {
  const post p{};
  ar::update(p);
}
