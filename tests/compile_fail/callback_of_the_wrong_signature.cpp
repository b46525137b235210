// expect: AR_CALLBACK\(before_save, tidy\) of post: 'tidy' cannot be the before_save callback: it takes \(post&\)
#include <ar/crud.hpp>

#include <cstdint>
#include <string>

struct post {
  std::int64_t id = 0;
  std::string title;
  static void tidy(std::string& title) { title += "."; }  // takes a field, not the record
  AR_MODEL(post, "posts", AR_FIELDS(id, title), AR_CALLBACK(before_save, tidy));
};

int main() {
  post p;
  ar::insert(p);
}
