// expect: AR_CALLBACK\(befor_save, tidy\) of post: 'befor_save' is not a callback hook: use before_save
#include <ar/crud.hpp>

#include <cstdint>
#include <string>

struct post {
  std::int64_t id = 0;
  std::string title;
  static void tidy(post& p) { p.title += "."; }
  AR_MODEL(post, "posts", AR_FIELDS(id, title), AR_CALLBACK(befor_save, tidy));
};

int main() {
  post p;
  ar::insert(p);
}
