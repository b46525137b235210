// Every form of callback the documentation names compiles cleanly with crud.hpp alone: a static
// member function, &Model::member_function, a free function, with or without the database first,
// returning void or (a before_ hook) bool; ar::on with a lambda.
#include <ar/crud.hpp>

#include <cstdint>
#include <string>

struct post;
void free_after_save(const ar::database&, post&);

struct post {
  std::int64_t id = 0;
  std::string title;
  static bool check(const ar::database&, const post& p) { return !p.title.empty(); }
  static void tidy(post& p) { p.title += "."; }
  bool ready() { return !title.empty(); }
  void gone() const {}
  AR_MODEL(post, "posts", AR_FIELDS(id, title), AR_CALLBACK(before_save, tidy),
           AR_CALLBACK(before_create, &post::ready), AR_CALLBACK(after_save, free_after_save),
           AR_CALLBACK(before_destroy, check), AR_CALLBACK(after_destroy, &post::gone),
           AR_CALLBACK(after_commit, &post::gone), AR_REGISTERED_CALLBACKS);
};

void free_after_save(const ar::database&, post&) {}

int main() {
  auto handle = ar::on<post>(ar::after_rollback, [](const post&) {});
  post p;
  ar::insert(p);
  ar::update(p);
  ar::save(p);
  ar::destroy(p);
  ar::destroy<post>(p.id);
  handle.remove();
}
