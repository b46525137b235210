// expect: note: 'ar::detail::foreign_key_is_a_field<ar::fixed_string<7>{"author"}, ar::fixed_string<9>{"autor_id"}, ar::fixed_string<21>{"id, author_id, title"}, false>' evaluates to false
#include <ar/ar.hpp>

#include <cstdint>
#include <string>

// A relation first checked by a query that reads its model (not by its accessor, whose message
// spells the macro's arguments): the note names the relation, the foreign key and the fields.
struct user {
  std::int64_t id = 0;
  AR_MODEL(user, "users", AR_FIELDS(id));
};
struct post {
  std::int64_t id = 0;
  std::int64_t author_id = 0;
  std::string title;
  AR_MODEL(post, "posts", AR_FIELDS(id, author_id, title), AR_BELONGS_TO(author, user, autor_id));
};
auto read() { return ar::from<post>() | ar::to_vector; }
