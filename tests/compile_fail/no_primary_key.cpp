// expect: the model has no primary key: add a field named `id` to AR_FIELDS, or name the key with AR_PRIMARY_KEY
#include <ar/model.hpp>

#include <string>

struct note {
  std::string title;
  std::string body;
  AR_MODEL(note, "notes", AR_FIELDS(title, body));
};
