// ar::json on every backend: JSONB on PostgreSQL, JSON on MariaDB, TEXT on SQLite, created by
// create_table and accepted by verify_schema; values round trip (verbatim on SQLite and MariaDB,
// as jsonb's own spelling of the same value on PostgreSQL), NULL stays distinct from the JSON
// null; text that is not one JSON value is never written (ar::value_error naming the field, no
// statement sent), and stored text that is not JSON is an ar::conversion_error.

#include "../support/backends.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace {

struct document {
  std::int64_t id = 0;
  ar::json body;
  std::optional<ar::json> extra;
  std::string note;
  AR_MODEL(document, "json_documents", AR_FIELDS(id, body, extra, note));
};

// The same table, its note read as JSON.
struct note_as_json {
  std::int64_t id = 0;
  ar::json note;
  AR_MODEL(note_as_json, "json_documents", AR_FIELDS(id, note));
};

TEST(json_text, valid_json_is_one_value) {
  for (const char* good : {"{}", "[]", "0", "-0.5e+10", "\"a\\u00e9\\n\"", "true", "null", " {\"a\": [1, 2.5, null]} ",
                           "[[[[]]]]", "\"caf\xc3\xa9\""})
    EXPECT_TRUE(ar::valid_json(good)) << good;
  for (const char* bad : {"", "{", "[1,]", "{\"a\" 1}", "{a: 1}", "01", "1.", "'a'", "\"tab\there\"", "nul", "1 2",
                          "[1] x", "\"\\x\"", "NaN", "+1"})
    EXPECT_FALSE(ar::valid_json(bad)) << bad;
  EXPECT_FALSE(ar::valid_json(std::string(600, '[') + std::string(600, ']')));  // deeper than 512
  EXPECT_TRUE(ar::valid_json(std::string(500, '[') + std::string(500, ']')));
}

class json_columns : public ar_test::backend_test {
 protected:
  void SetUp() override {
    backend_test::SetUp();
    ar::create_tables<document>(db);
  }
  bool rewrites() const {
    return ar_test::engine_of(GetParam()) == "postgresql";
  }  // jsonb keeps the value, not the text
};

TEST_P(json_columns, created_columns_pass_verify_schema) {
  EXPECT_TRUE(ar::verify_schema<document>(db).warnings.empty());
}

TEST_P(json_columns, values_round_trip) {
  const std::string spaced = "{\"b\": 1,   \"a\": [true, null, \"caf\xc3\xa9\"]}";
  std::vector<document> rows{
      {1, ar::json{spaced}, ar::json{"null"}, "spaced"},
      {2, ar::json{"[]"}, std::nullopt, "empty"},
      {3, ar::json{"\"text \\\" with a quote\""}, ar::json{"12.5"}, "string"},
  };
  ar::insert_all(db, rows);
  const auto back = ar::from<document>(db) | ar::order_by(document::c.id) | ar::to_vector;
  ASSERT_EQ(back.size(), 3U);
  // PostgreSQL's jsonb orders keys and spaces them its way; the others keep the text.
  EXPECT_EQ(back[0].body.text, rewrites() ? "{\"a\": [true, null, \"caf\xc3\xa9\"], \"b\": 1}" : spaced);
  EXPECT_EQ(back[0].extra, ar::json{"null"});  // the JSON null, not SQL NULL
  EXPECT_EQ(back[1].body.text, "[]");
  EXPECT_FALSE(back[1].extra.has_value());
  EXPECT_EQ(back[2].body.text, "\"text \\\" with a quote\"");
  EXPECT_EQ(back[2].extra, ar::json{"12.5"});
  for (const document& d : back) EXPECT_TRUE(ar::valid_json(d.body.text)) << d.body.text;
  EXPECT_EQ((ar::from<document>(db) | ar::filter(document::c.extra.is_null()) | ar::count), 1);

  document changed = back[1];
  changed.body = ar::json{"{\"n\": 2}"};
  ar::update(db, changed);
  EXPECT_EQ(ar::find_or_throw<document>(db, std::int64_t{2}).body, ar::json{"{\"n\": 2}"});
}

TEST_P(json_columns, text_that_is_not_json_is_never_written) {
  for (const std::string bad : {"", "{\"a\": }", "not json", "{'a': 1}"}) {
    document d{1, ar::json{bad}, std::nullopt, "bad"};
    ar::statement_counter counter;
    try {
      ar::insert(db, d);
      ADD_FAILURE() << "written: " << bad;
    } catch (const ar::value_error& e) {
      EXPECT_EQ(e.table(), "json_documents");
      EXPECT_EQ(e.field(), "body");
      EXPECT_NE(e.why().find("is not one JSON value"), std::string::npos) << e.why();
    }
    EXPECT_EQ(counter.count(), 0U) << bad;
  }
  document extra{1, ar::json{"{}"}, ar::json{"[1,"}, "bad extra"};
  EXPECT_THROW(ar::insert(db, extra), ar::value_error);
  EXPECT_EQ((ar::from<document>(db) | ar::count), 0);
}

TEST_P(json_columns, stored_text_that_is_not_json_is_refused) {
  document d{1, ar::json{"{}"}, std::nullopt, "[1, 2]"};
  ar::insert(db, d);
  EXPECT_EQ(ar::find_or_throw<note_as_json>(db, std::int64_t{1}).note, ar::json{"[1, 2]"});
  db.execute(ar_test::sql_for(db, "UPDATE {json_documents} SET {note} = ?"), {std::string("plain words")});
  try {
    (void)(ar::from<note_as_json>(db) | ar::to_vector);
    ADD_FAILURE() << "read";
  } catch (const ar::conversion_error& e) {
    EXPECT_EQ(e.table(), "json_documents");
    EXPECT_EQ(e.column(), "note");
    EXPECT_EQ(e.found(), "text 'plain words'");
    EXPECT_NE(e.expected().find("ar::json"), std::string::npos) << e.expected();
  }
}

AR_INSTANTIATE_BACKEND_SUITE(json_columns);

}  // namespace
