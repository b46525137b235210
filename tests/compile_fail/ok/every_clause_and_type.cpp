// A model using every clause and every field type must compile cleanly (the harness's control).
#include <ar/ar.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

struct everything {
  std::int32_t key = 0;
  std::int64_t i64 = 0;
  double f64 = 0;
  bool flag = false;
  std::string text;
  ar::time_point at;
  std::optional<std::int32_t> o_i32;
  std::optional<std::int64_t> o_i64;
  std::optional<double> o_f64;
  std::optional<bool> o_flag;
  std::optional<std::string> o_text;
  std::optional<ar::time_point> o_at;
  AR_MODEL(everything, "everything",
           AR_FIELDS(key, i64, f64, flag, text, at, o_i32, o_i64, o_f64, o_flag, o_text, o_at), AR_PRIMARY_KEY(key),
           AR_COLUMN(text, "body"), AR_COLUMN(key, "everything_id"));
};

static_assert(ar::model<everything>);
static_assert(ar::model_of<everything>::generated_key);

void use(const ar::database& db, everything& e) {
  ar::create_table<everything>(db);
  ar::save(db, e);
  (void)ar::find<everything>(db, 1);
}

// The lifecycle clauses on every field type they fit: timestamps (one optional) and each validator.
struct lifecycle_everything {
  std::int64_t id = 0;
  std::int64_t i64 = 0;
  double f64 = 0;
  std::string text;
  ar::bytes blob;
  std::optional<std::int32_t> o_i32;
  std::optional<std::string> o_text;
  ar::time_point created;
  std::optional<ar::time_point> updated;
  std::int32_t lock_version = 0;
  AR_MODEL(lifecycle_everything, "lifecycle_everything",
           AR_FIELDS(id, i64, f64, text, blob, o_i32, o_text, created, updated, lock_version),
           AR_TIMESTAMPS(created, updated), AR_LOCK_VERSION(lock_version),
           AR_VALIDATES(i64, ar::range{.min = 0}, ar::inclusion{1, 2, 3}, ar::uniqueness),
           AR_VALIDATES(f64, ar::range{.min = -1.5, .max = 1.5}),
           AR_VALIDATES(text, ar::presence, ar::length{.min = 1, .max = 9}, ar::format("[a-z]+"),
                        ar::inclusion{"a", "b"}, ar::uniqueness),
           AR_VALIDATES(blob, ar::presence, ar::length{.max = 16}),
           AR_VALIDATES(o_i32, ar::presence, ar::range{.max = 9}),
           AR_VALIDATES(o_text, ar::presence, ar::length{.max = 3},
                        ar::check{[](const std::optional<std::string>& t) { return t != "x"; }, "is x"}));
};

void use_lifecycle(const ar::database& db, lifecycle_everything& e, std::vector<lifecycle_everything>& many) {
  ar::insert(db, e);
  ar::insert(db, e, ar::skip_validation);
  ar::update(db, e);
  ar::update(db, e, ar::skip_validation);
  ar::save(db, e);
  ar::save(db, e, ar::skip_validation);
  ar::touch(db, e);
  ar::insert_all(db, many);
  ar::insert_all(db, std::span<lifecycle_everything>(many), ar::without_keys);
  ar::insert_all(db, many, ar::on_conflict(lifecycle_everything::c.text).update(lifecycle_everything::c.i64));
  (void)ar::valid(db, e);
  (void)ar::errors_of(db, e);
}
