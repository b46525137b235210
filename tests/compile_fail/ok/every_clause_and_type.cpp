// A model using every clause and every field type must compile cleanly (the harness's control).
#include <ar/ar.hpp>

#include <cstdint>
#include <optional>
#include <string>

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
           AR_FIELDS(key, i64, f64, flag, text, at, o_i32, o_i64, o_f64, o_flag, o_text, o_at),
           AR_PRIMARY_KEY(key), AR_COLUMN(text, "body"), AR_COLUMN(key, "everything_id"));
};

static_assert(ar::model<everything>);
static_assert(ar::model_of<everything>::generated_key);

void use(const ar::database& db, everything& e) {
  ar::create_table<everything>(db);
  ar::save(db, e);
  (void)ar::find<everything>(db, 1);
}
