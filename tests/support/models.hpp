#ifndef AR_TESTS_SUPPORT_MODELS_HPP
#define AR_TESTS_SUPPORT_MODELS_HPP

#include <ar/model.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace ar_test {

// One field of every supported type, plain and optional.
struct everything {
  std::int64_t id = 0;
  std::int32_t i32 = 0;
  std::int64_t i64 = 0;
  double f64 = 0;
  bool flag = false;
  std::string text;
  ar::time_point at{};
  std::optional<std::int32_t> opt_i32;
  std::optional<std::int64_t> opt_i64;
  std::optional<double> opt_f64;
  std::optional<bool> opt_flag;
  std::optional<std::string> opt_text;
  std::optional<ar::time_point> opt_at;

  AR_MODEL(everything, "everythings",
           AR_FIELDS(id, i32, i64, f64, flag, text, at, opt_i32, opt_i64, opt_f64, opt_flag, opt_text, opt_at));

  friend bool operator==(const everything&, const everything&) = default;
};

// diesel's benchmark user; the name field lives in a column of another name.
struct user {
  std::int64_t id = 0;
  std::string name;
  std::optional<std::string> hair_color;

  AR_MODEL(user, "users", AR_FIELDS(id, name, hair_color), AR_COLUMN(name, "user_name"));

  friend bool operator==(const user&, const user&) = default;
};

// A key the program supplies.
struct country {
  std::string code;
  std::string name;
  std::int32_t population = 0;

  AR_MODEL(country, "countries", AR_FIELDS(code, name, population), AR_PRIMARY_KEY(code));

  friend bool operator==(const country&, const country&) = default;
};

// A 32-bit generated key under another name.
struct tag {
  std::int32_t tag_id = 0;
  std::string label;

  AR_MODEL(tag, "tags", AR_FIELDS(tag_id, label), AR_PRIMARY_KEY(tag_id), AR_COLUMN(tag_id, "tag_key"));

  friend bool operator==(const tag&, const tag&) = default;
};

// diesel's benchmark post: for queries on a second table.
struct post {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::string title;
  std::optional<std::string> body;

  AR_MODEL(post, "posts", AR_FIELDS(id, user_id, title, body));

  friend bool operator==(const post&, const post&) = default;
};

// A person with every kind of column a filter compares.
struct person {
  std::int64_t id = 0;
  std::string name;
  std::optional<std::int32_t> age;
  double score = 0;
  bool active = false;
  ar::time_point joined{};

  AR_MODEL(person, "people", AR_FIELDS(id, name, age, score, active, joined));

  friend bool operator==(const person&, const person&) = default;
};

}  // namespace ar_test

#endif  // AR_TESTS_SUPPORT_MODELS_HPP
