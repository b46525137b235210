// nlohmann::json as a field (ar/json.hpp), stored as ar::json on every backend: values of every
// JSON kind round trip as the same JSON value (PostgreSQL's jsonb reorders keys, which an
// nlohmann::json object does too), a std::optional is NULL apart from the JSON null, a value dump()
// refuses is an ar::value_error naming the field with no statement sent, and stored text parse()
// refuses is an ar::conversion_error. Built only where nlohmann_json is found.

#include "../support/backends.hpp"

#include <ar/ar.hpp>
#include <ar/json.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace {

struct event {
  std::int64_t id = 0;
  nlohmann::json payload;
  std::optional<nlohmann::json> meta;
  std::string note;
  AR_MODEL(event, "nlohmann_events", AR_FIELDS(id, payload, meta, note));
};

struct note_as_json {
  std::int64_t id = 0;
  nlohmann::json note;
  AR_MODEL(note_as_json, "nlohmann_events", AR_FIELDS(id, note));
};

class nlohmann_json : public ar_test::backend_test {
 protected:
  void SetUp() override {
    backend_test::SetUp();
    ar::create_tables<event>(db);
  }
};

TEST_P(nlohmann_json, values_round_trip_as_the_same_json) {
  EXPECT_TRUE(ar::verify_schema<event>(db).warnings.empty());
  const nlohmann::json object = {{"name", "caf\xc3\xa9"},
                                 {"tags", {"a", "b"}},
                                 {"n", 12.5},
                                 {"big", 9007199254740993},
                                 {"nested", {{"z", nullptr}, {"a", true}}}};
  std::vector<event> rows{{1, object, nlohmann::json(nullptr), "object"},
                          {2, nlohmann::json::array(), std::nullopt, "array"},
                          {3, "just text", nlohmann::json(-3), "string"}};
  ar::insert_all(db, rows);
  const auto back = ar::from<event>(db) | ar::order_by(event::c.id) | ar::to_vector;
  ASSERT_EQ(back.size(), 3U);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(back[i].payload, rows[i].payload) << i;
    EXPECT_EQ(back[i].meta, rows[i].meta) << i;
  }
  EXPECT_TRUE(back[0].meta.has_value() && back[0].meta->is_null());  // the JSON null, not SQL NULL
  EXPECT_EQ(back[0].payload["big"].get<std::int64_t>(), 9007199254740993);
  EXPECT_EQ((ar::from<event>(db) | ar::filter(event::c.meta.is_null()) | ar::count), 1);
}

TEST_P(nlohmann_json, a_value_dump_refuses_is_never_written) {
  event e{1, nlohmann::json("\xff not UTF-8"), std::nullopt, "bad"};
  ar::statement_counter counter;
  try {
    ar::insert(db, e);
    ADD_FAILURE() << "written";
  } catch (const ar::value_error& err) {
    EXPECT_EQ(err.table(), "nlohmann_events");
    EXPECT_EQ(err.field(), "payload");
  }
  EXPECT_EQ(counter.count(), 0U);
}

TEST_P(nlohmann_json, stored_text_parse_refuses_is_a_conversion_error) {
  event e{1, nlohmann::json::object(), std::nullopt, "[1, 2]"};
  ar::insert(db, e);
  EXPECT_EQ(ar::find_or_throw<note_as_json>(db, std::int64_t{1}).note, nlohmann::json({1, 2}));
  db.execute(ar_test::sql_for(db, "UPDATE {nlohmann_events} SET {note} = ?"), {std::string("plain words")});
  try {
    (void)(ar::from<note_as_json>(db) | ar::to_vector);
    ADD_FAILURE() << "read";
  } catch (const ar::conversion_error& err) {
    EXPECT_EQ(err.table(), "nlohmann_events");
    EXPECT_EQ(err.column(), "note");
  }
}

AR_INSTANTIATE_BACKEND_SUITE(nlohmann_json);

}  // namespace
