// Hostile values: strings built to break SQL (quotes, backslashes, injection classics, comment
// markers, placeholder look-alikes), bytes a backend may not hold (NUL, invalid UTF-8), numeric,
// boolean and time edges. Each must round-trip unchanged through insert / save / find / filter /
// like / update / eager with, on every backend, or be refused with a clear ar::error: never stored
// as something else. No value ever reaches the SQL text, and every table is intact afterwards.

#include "../support/backends.hpp"
#include "../support/models.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cfloat>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace hostile {

// Created first and checked last: a statement that escaped its value would drop or empty it.
struct probe {
  std::int64_t id = 0;
  std::string name;

  AR_MODEL(probe, "probes", AR_FIELDS(id, name));
};

// A string primary key, and children that refer to it.
struct item;
struct holder {
  std::string code;
  std::string label;

  AR_MODEL(holder, "holders", AR_FIELDS(code, label), AR_PRIMARY_KEY(code),
           AR_HAS_MANY(items, item, holder_code, AR_INVERSE(owner)));
};

struct item {
  std::int64_t id = 0;
  std::string holder_code;
  std::string note;

  AR_MODEL(item, "items", AR_FIELDS(id, holder_code, note),
           AR_BELONGS_TO(owner, holder, holder_code, AR_INVERSE(items)));
};

// A string owner key that is not the primary key (an ordinary text column: any length).
struct account;
struct member {
  std::int64_t id = 0;
  std::string code;

  AR_MODEL(member, "members", AR_FIELDS(id, code), AR_HAS_MANY(accounts, account, member_code, AR_OWNER_KEY(code)));
};

struct account {
  std::int64_t id = 0;
  std::string member_code;
  std::int32_t n = 0;

  AR_MODEL(account, "accounts", AR_FIELDS(id, member_code, n),
           AR_BELONGS_TO(holder, member, member_code, AR_OWNER_KEY(code)));
};

}  // namespace hostile

namespace {

using namespace std::chrono;
using namespace std::string_literals;
using ar_test::country;
using ar_test::everything;
using hostile::account;
using hostile::holder;
using hostile::item;
using hostile::member;
using hostile::probe;

// What a backend may refuse in a string.
enum class bytes : std::uint8_t { plain, nul, surrogate, invalid_utf8 };

struct hostile_string {
  std::string name;
  std::string value;
  bytes kind = bytes::plain;
};

std::string repeat(std::string_view unit, std::size_t bytes_at_least) {
  std::string out;
  out.reserve(bytes_at_least + unit.size());
  while (out.size() < bytes_at_least) out += unit;
  return out;
}

std::vector<hostile_string> hostile_strings() {
  std::vector<hostile_string> s = {
      // Empty and whitespace.
      {"empty", ""},
      {"one space", " "},
      {"whitespace only", " \t\r\n\v\f "},
      {"trailing spaces", "trailing   "},
      {"leading spaces", "   leading"},
      {"newlines", "line one\nline two\r\nline three\r"},
      // Quotes.
      {"single quote", "'"},
      {"two single quotes", "''"},
      {"double quote", "\""},
      {"backquote", "`"},
      {"apostrophe in a word", "O'Brien's"},
      {"unbalanced quotes", "'\"`'\"``"},
      {"quoted identifier", "\"everythings\""},
      {"backquoted identifier", "`everythings`"},
      // Backslashes.
      {"backslash", "\\"},
      {"trailing backslash", "ends with a backslash\\"},
      {"backslash quote", "\\'"},
      {"backslash double quote", "\\\""},
      {"two backslashes and a quote", "\\\\'"},
      {"backslash zero as text", "\\0"},
      {"escape sequences as text", "\\n\\r\\t\\Z\\b\\x00\\u0000"},
      {"backslash before a placeholder", "\\:1 \\?"},
      // Injection classics.
      {"drop table users", "'; DROP TABLE users; --"},
      {"drop table probes", "'; DROP TABLE probes; --"},
      {"drop through a double quote", "\"; DROP TABLE probes; --"},
      {"drop through a backquote", "`; DROP TABLE probes; --"},
      {"drop after a backslash quote", "\\'; DROP TABLE probes; --"},
      {"or 1=1", "' OR '1'='1"},
      {"or true comment", "' OR 1=1 --"},
      {"delete everything", "'); DELETE FROM everythings; --"},
      {"bobby tables", "Robert'); DROP TABLE Students;--"},
      {"union select", "' UNION SELECT 1, 2, 3 --"},
      {"stacked statement", "1; DELETE FROM probes"},
      {"sleep", "'; SELECT pg_sleep(10); SELECT SLEEP(10); --"},
      // Comment markers.
      {"line comment", "-- not a comment"},
      {"hash comment", "# not a comment"},
      {"block comment", "/* not a comment */"},
      {"unclosed block comment", "/* never closed"},
      {"closing a block comment", "*/ closed"},
      {"mysql version comment", "/*!50000 DROP TABLE probes */"},
      {"semicolon", ";"},
      // Placeholder look-alikes.
      {"colon number", ":1"},
      {"colon name", ":name"},
      {"question mark", "?"},
      {"dollar number", "$1"},
      {"many placeholders", ":1 :2 :name ? ?? $1 $2 @p1 %s {0}"},
      {"placeholder in quotes", "':1' \":name\" '?'"},
      {"cast", "::text"},
      {"dollar quoting", "$$ DROP TABLE probes $$"},
      {"printf", "%s%d%n%x%%"},
      // LIKE wildcards.
      {"percent", "%"},
      {"underscore", "_"},
      {"percent in a word", "100% sure"},
      {"underscore in a word", "snake_case_name"},
      {"wildcards and a backslash", "%_\\%\\_"},
      // Control characters (MySQL escapes \x1a, \r, \n).
      {"control characters", "\x01\x02\x07\x08\x1a\x1b\x7f"},
      {"ctrl-z", "\x1a"},
      // Words and identifiers.
      {"sql keywords", "SELECT * FROM everythings WHERE 1 = 1"},
      {"null word", "NULL"},
      {"default word", "DEFAULT"},
      {"a table name", "probes"},
      {"a long identifier", std::string(64, 'i') + "_" + std::string(300, 'd')},
      {"dotted identifier", "schema.table.column"},
      // Valid UTF-8.
      {"latin accents", "héllo wörld ñ ç"},
      {"cjk", "日本語の文字列 中文 한국어"},
      {"emoji", "🎉🚀💥"},
      {"emoji family (zwj)", "👨‍👩‍👧‍👦"},
      {"flag", "🇫🇷"},
      {"combining marks", "e\xCC\x81 a\xCC\x8A Z\xCC\xB5\xCC\xA1\xCD\x9D"},
      {"right to left", "שלום عليكم"},
      {"right-to-left override",
       "\xE2\x80\xAE"
       "evil.exe"},
      {"byte order mark",
       "\xEF\xBB\xBF"
       "bom"},
      {"no-break space", "\xC2\xA0"},
      {"zero width space", "\xE2\x80\x8B"},
      {"highest code point", "\xF4\x8F\xBF\xBF"},
      {"mathematical letters (4 bytes)", "\xF0\x9D\x90\x80\xF0\x9D\x90\x81"},
      // NUL bytes.
      {"nul alone", "\0"s, bytes::nul},
      {"nul inside", "before\0after"s, bytes::nul},
      {"nul at the end", "text\0"s, bytes::nul},
      {"nul after a quote", "'\0'; DROP TABLE probes; --"s, bytes::nul},
      // Invalid UTF-8.
      {"lone continuation byte", "\x80", bytes::invalid_utf8},
      {"continuation bytes inside",
       "a\x80\xBF"
       "b",
       bytes::invalid_utf8},
      {"overlong slash", "\xC0\xAF", bytes::invalid_utf8},
      {"overlong nul", "\xC0\x80", bytes::invalid_utf8},
      {"overlong three bytes", "\xE0\x80\xAF", bytes::invalid_utf8},
      {"high surrogate", "\xED\xA0\x80", bytes::surrogate},
      {"low surrogate", "\xED\xBF\xBF", bytes::surrogate},
      {"surrogate pair", "\xED\xA0\xBD\xED\xB8\x80", bytes::surrogate},
      {"truncated four bytes", "\xF0\x9F\x8E", bytes::invalid_utf8},
      {"truncated at the end", "caf\xC3", bytes::invalid_utf8},
      {"beyond U+10FFFF", "\xF4\x90\x80\x80", bytes::invalid_utf8},
      {"five-byte form", "\xF8\x88\x80\x80\x80", bytes::invalid_utf8},
      {"ff fe", "\xFF\xFE", bytes::invalid_utf8},
      {"latin-1 quote", "caf\xE9'", bytes::invalid_utf8},
  };
  // 1 MiB of everything above that escaping doubles.
  s.push_back({"1 MiB", repeat("'\"\\`%_:1?$1-- /* ", 1u << 20)});
  s.push_back({"1 MiB of one letter", std::string(1u << 20, 'x')});
  return s;
}

bool stores(const ar_test::capabilities& caps, bytes kind) {
  switch (kind) {
    case bytes::plain: return true;
    case bytes::nul: return caps.text_holds_nul;
    case bytes::surrogate: return caps.text_holds_utf8_surrogates;
    case bytes::invalid_utf8: return caps.text_holds_invalid_utf8;
  }
  return false;
}

// What a refusal must say, per kind: the backend's or ar's words for the problem.
void expect_refusal_message(const std::string& backend, bytes kind, const std::string& message) {
  if (kind == bytes::nul) {
    EXPECT_NE(message.find("NUL"), std::string::npos) << message;
  } else if (ar_test::engine_of(backend) == "postgresql") {
    EXPECT_NE(message.find("invalid byte sequence for encoding \"UTF8\""), std::string::npos) << message;
  } else if (backend == "mariadb") {
    EXPECT_NE(message.find("Incorrect string value"), std::string::npos) << message;
  } else {
    ADD_FAILURE() << "no refusal expected on " << backend << ": " << message;
  }
}

std::string printable(std::string_view s) {
  std::string out;
  for (unsigned char c : s.substr(0, 60)) {
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      static constexpr char hex[] = "0123456789abcdef";
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  if (s.size() > 60) out += "... (" + std::to_string(s.size()) + " bytes)";
  return out;
}

bool bitwise_equal(double a, double b) { return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b); }

bool ascii_case_insensitive_equal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
           return lower(x) == lower(y);
         });
}

template <class Records>
std::set<std::int64_t> ids_of(const Records& records) {
  std::set<std::int64_t> ids;
  for (const auto& r : records) ids.insert(r.id);
  return ids;
}

class hostile_values : public ar_test::backend_test {
 protected:
  void SetUp() override {
    backend_test::SetUp();
    caps = ar_test::capabilities_of(GetParam());
    ar::create_tables<probe, everything, country, holder, item, member, account>(db);
    for (const char* name : {"first", "second", "third"}) {
      probe p{0, name};
      ar::insert(db, p);
    }
  }

  // The probe table and every table of the test still exist, with the rows expected.
  void expect_tables_intact(std::int64_t everythings) {
    EXPECT_EQ(ar::from<probe>(db) | ar::count, 3);
    std::vector<probe> probes = ar::from<probe>(db) | ar::order_by(probe::c.id) | ar::to_vector;
    ASSERT_EQ(probes.size(), 3u);
    EXPECT_EQ(probes[0].name, "first");
    EXPECT_EQ(probes[2].name, "third");
    EXPECT_EQ(ar::from<everything>(db) | ar::count, everythings);
    // Each table answers a query: none was dropped.
    EXPECT_NO_THROW((void)(ar::from<country>(db) | ar::count));
    EXPECT_NO_THROW((void)(ar::from<holder>(db) | ar::count));
    EXPECT_NO_THROW((void)(ar::from<item>(db) | ar::count));
    EXPECT_NO_THROW((void)(ar::from<member>(db) | ar::count));
    EXPECT_NO_THROW((void)(ar::from<account>(db) | ar::count));
  }

  ar_test::capabilities caps;
};

// The SQL of a query never depends on its values: the same text as for a harmless value, and the
// value only among the parameters.
TEST_P(hostile_values, no_value_ever_reaches_the_sql_text) {
  const auto harmless = (ar::from<everything>(db) |
                         ar::filter(everything::c.text == "harmless" && everything::c.opt_text.like("harmless")))
                            .render();
  std::size_t checked = 0;
  for (const auto& h : hostile_strings()) {
    SCOPED_TRACE(h.name);
    const auto q =
        ar::from<everything>(db) | ar::filter(everything::c.text == h.value && everything::c.opt_text.like(h.value));
    const auto r = q.render();
    EXPECT_EQ(r.sql, harmless.sql);
    ASSERT_EQ(r.parameters.size(), 2u);
    EXPECT_EQ(std::get<std::string>(r.parameters[0]), h.value);
    EXPECT_EQ(std::get<std::string>(r.parameters[1]), h.value);
    // No distinctive part of the value is in the text (short ones, like " ", are in any SQL).
    if (h.value.size() >= 4 && harmless.sql.find(h.value) == std::string::npos) {
      EXPECT_EQ(r.sql.find(h.value), std::string::npos);
    }
    // The keyed lookups too.
    const auto by_key = ar::from<holder>(db) | ar::filter(holder::c.code == h.value) | ar::with("items");
    EXPECT_EQ(by_key.render().sql, (ar::from<holder>(db) | ar::filter(holder::c.code == "x")).render().sql);
    ++checked;
  }
  EXPECT_GE(checked, 50u);
  expect_tables_intact(0);
}

TEST_P(hostile_values, strings_round_trip_through_insert_find_filter_like_and_update) {
  const auto strings = hostile_strings();
  std::map<std::int64_t, std::string> stored;  // every row's text
  std::size_t refused = 0;
  for (const auto& h : strings) {
    SCOPED_TRACE(h.name + ": " + printable(h.value));
    everything e;
    e.text = h.value;
    e.opt_text = h.value;
    e.i32 = 7;

    if (!stores(caps, h.kind)) {
      // Refused with a clear error, and nothing stored.
      try {
        ar::insert(db, e);
        ADD_FAILURE() << "stored a value " << GetParam() << " cannot hold exactly";
      } catch (const ar::error& err) {
        expect_refusal_message(GetParam(), h.kind, err.what());
      }
      EXPECT_EQ(ar::from<everything>(db) | ar::count, static_cast<std::int64_t>(stored.size()));
      // An update to it is refused the same way, and leaves the row as it was.
      everything other{};
      other.text = "before";
      ar::insert(db, other);
      stored[other.id] = other.text;
      everything changed = other;
      changed.text = h.value;
      EXPECT_THROW(ar::update(db, changed), ar::error);
      EXPECT_EQ(ar::find_or_throw<everything>(db, other.id).text, "before");
      // A lookup with it finds nothing, or is refused: never a row with another value.
      try {
        const auto found = ar::from<everything>(db) | ar::filter(everything::c.text == h.value) | ar::to_vector;
        EXPECT_TRUE(found.empty());
      } catch (const ar::error&) {
      }
      ++refused;
      continue;
    }

    // insert, find.
    ar::insert(db, e);
    stored[e.id] = h.value;
    const auto back = ar::find<everything>(db, e.id);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->text, h.value);
    EXPECT_EQ(back->opt_text, h.value);
    EXPECT_EQ(*back, e);

    // filter(col == value) finds exactly that row.
    EXPECT_EQ(ids_of(ar::from<everything>(db) | ar::filter(everything::c.text == h.value) | ar::to_vector),
              std::set<std::int64_t>{e.id});
    EXPECT_EQ(ids_of(ar::from<everything>(db) | ar::filter(everything::c.opt_text == h.value) | ar::to_vector),
              std::set<std::int64_t>{e.id});
    EXPECT_EQ(ar::from<everything>(db) | ar::filter(everything::c.text != h.value) | ar::count,
              static_cast<std::int64_t>(stored.size()) - 1);

    // like(value), where the value is a pattern that matches only itself: no wildcard, no
    // backslash (PostgreSQL's and MariaDB's escape character), no NUL, and UTF-8 (SQLite's LIKE
    // decodes malformed sequences loosely: one may match another). SQLite's LIKE ignores the case of
    // ASCII letters, and refuses a pattern longer than 50,000 bytes.
    if (h.value.find_first_of("%_\\"s + '\0') == std::string::npos && h.kind == bytes::plain) {
      std::set<std::int64_t> expected;
      for (const auto& [id, text] : stored)
        if (text == h.value || (GetParam() == "sqlite" && ascii_case_insensitive_equal(text, h.value)))
          expected.insert(id);
      const auto like = ar::from<everything>(db) | ar::filter(everything::c.text.like(h.value));
      if (caps.like_pattern_max_bytes && h.value.size() > caps.like_pattern_max_bytes) {
        try {
          (void)(like | ar::to_vector);
          ADD_FAILURE() << "a LIKE pattern of " << h.value.size() << " bytes ran";
        } catch (const ar::database_error& err) {
          EXPECT_NE(err.backend_message().find("pattern too complex"), std::string::npos) << err.what();
        }
      } else {
        EXPECT_EQ(ids_of(like | ar::to_vector), expected);
      }
    }

    // update: another row takes the value; save updates it again (a generated key: UPDATE).
    everything other{};
    other.text = "placeholder";
    ar::insert(db, other);
    stored[other.id] = other.text;
    other.text = h.value;
    other.opt_text = std::nullopt;
    ar::update(db, other);
    stored[other.id] = h.value;
    EXPECT_EQ(ar::find_or_throw<everything>(db, other.id), other);
    other.opt_text = h.value;
    other.i64 = 42;
    ar::save(db, other);
    EXPECT_EQ(ar::find_or_throw<everything>(db, other.id), other);
    EXPECT_EQ(ids_of(ar::from<everything>(db) | ar::filter(everything::c.text == h.value) | ar::to_vector),
              (std::set<std::int64_t>{e.id, other.id}));
  }
  EXPECT_GE(strings.size(), 50u);
  EXPECT_EQ(refused, static_cast<std::size_t>(std::count_if(strings.begin(), strings.end(),
                                                            [&](const auto& h) { return !stores(caps, h.kind); })));
  expect_tables_intact(static_cast<std::int64_t>(stored.size()));
  // Every row still holds its own value.
  for (const everything& e : ar::from<everything>(db) | ar::to_vector) EXPECT_EQ(e.text, stored.at(e.id)) << e.id;
}

// A string primary key (save: one insert-or-update statement) and eager loads keyed by it, both
// ways; a string owner key that is not the primary key, both ways.
TEST_P(hostile_values, string_keys_round_trip_through_save_find_and_eager_with) {
  // accounts.member_code as an ordinary text column, unindexed, as a table made by hand is:
  // create_table indexes a foreign key, and an index bounds the text it holds (PostgreSQL's
  // B-tree rows, MariaDB's VARCHAR(768)), where this test writes texts of any length.
  ar::drop_table<account>(db);
  const ar::dialect& d = db.dialect();
  std::string create = "CREATE TABLE ";
  d.quote_identifier(create, "accounts");
  create += " (";
  d.quote_identifier(create, "id");
  create += " " + std::string(d.generated_key_definition(ar::value_type::int64)) + ", ";
  d.quote_identifier(create, "member_code");
  create += " " + std::string(d.column_type(ar::value_type::text)) + " NOT NULL, ";
  d.quote_identifier(create, "n");
  create += " " + std::string(d.column_type(ar::value_type::int32)) + " NOT NULL)" + std::string(d.table_options());
  db.execute(create);
  const auto strings = hostile_strings();
  std::size_t keyed = 0;
  std::int64_t members = 0;
  for (const auto& h : strings) {
    SCOPED_TRACE(h.name + ": " + printable(h.value));
    const bool can = stores(caps, h.kind);
    const std::size_t key_limit = caps.string_key_max_chars ? caps.string_key_max_chars : 2000;

    // The owner key: an ordinary text column, any length.
    member m{0, h.value};
    if (!can) {
      EXPECT_THROW(ar::insert(db, m), ar::error);
      continue;
    }
    ar::insert(db, m);
    ++members;
    account a1{0, h.value, 1}, a2{0, h.value, 2};
    ar::insert(db, a1);
    ar::insert(db, a2);
    const auto owners =
        ar::from<member>(db) | ar::filter(member::c.code == h.value) | ar::with("accounts") | ar::to_vector;
    ASSERT_EQ(owners.size(), 1u);
    EXPECT_EQ(owners[0].code, h.value);
    ASSERT_EQ(owners[0].accounts().size(), 2u);
    for (const account& a : owners[0].accounts()) EXPECT_EQ(a.member_code, h.value);
    const auto accounts = ar::from<account>(db) | ar::filter(account::c.member_code == h.value) | ar::with("holder") |
                          ar::order_by(account::c.n) | ar::to_vector;
    ASSERT_EQ(accounts.size(), 2u);
    ASSERT_TRUE(accounts[0].holder());
    EXPECT_EQ(accounts[0].holder()->id, m.id);
    EXPECT_EQ(accounts[1].holder()->code, h.value);

    // The primary key, where the backend can index it (MariaDB: VARCHAR(768); the 1 MiB ones
    // are beyond what any index takes).
    if (h.value.size() > key_limit) continue;
    holder parent{h.value, "label of " + h.name};
    ar::save(db, parent);
    parent.label = h.value;
    ar::save(db, parent);  // the same key: an update
    EXPECT_EQ(ar::from<holder>(db) | ar::count, static_cast<std::int64_t>(keyed) + 1);
    const auto found = ar::find<holder>(db, h.value);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->code, h.value);
    EXPECT_EQ(found->label, h.value);
    item i1{0, h.value, "one"}, i2{0, h.value, "two"};
    ar::insert(db, i1);
    ar::insert(db, i2);
    const auto parents =
        ar::from<holder>(db) | ar::filter(holder::c.code == h.value) | ar::with("items") | ar::to_vector;
    ASSERT_EQ(parents.size(), 1u);
    EXPECT_EQ(ids_of(parents[0].items()), (std::set<std::int64_t>{i1.id, i2.id}));
    const auto children =
        ar::from<item>(db) | ar::filter(item::c.holder_code == h.value) | ar::with("owner.items") | ar::to_vector;
    ASSERT_EQ(children.size(), 2u);
    ASSERT_TRUE(children[0].owner());
    EXPECT_EQ(children[0].owner()->code, h.value);
    EXPECT_EQ(children[0].owner()->items().size(), 2u);
    // The lazy path, too.
    EXPECT_EQ(ar::find_or_throw<item>(db, i1.id).owner()->label, h.value);

    // The support model with a string key: upsert twice.
    country c{h.value, h.value, 1};
    ar::save(db, c);
    c.population = 2;
    ar::save(db, c);
    EXPECT_EQ(ar::find_or_throw<country>(db, h.value), c);
    ++keyed;
  }
  EXPECT_GE(keyed, 50u);
  // Every key is still its own: one holder per key, two items each, nothing merged or cut.
  EXPECT_EQ(ar::from<holder>(db) | ar::count, static_cast<std::int64_t>(keyed));
  EXPECT_EQ(ar::from<country>(db) | ar::count, static_cast<std::int64_t>(keyed));
  EXPECT_EQ(ar::from<item>(db) | ar::count, 2 * static_cast<std::int64_t>(keyed));
  EXPECT_EQ(ar::from<member>(db) | ar::count, members);
  EXPECT_EQ(ar::from<account>(db) | ar::count, 2 * members);
  for (const holder& h : ar::from<holder>(db) | ar::with("items") | ar::to_vector) {
    EXPECT_EQ(h.items().size(), 2u) << printable(h.code);
    for (const item& i : h.items()) EXPECT_EQ(i.holder_code, h.code);
  }
  expect_tables_intact(0);
}

// % and _ in a pattern are wildcards on every backend; as values they are ordinary characters.
TEST_P(hostile_values, like_patterns_with_wildcards) {
  std::map<std::string, std::int64_t> id;
  for (const char* text : {"100%", "100% sure", "1000", "50_50", "50-50", "5050", "a", "_", "%", "ab"}) {
    everything e;
    e.text = text;
    ar::insert(db, e);
    id[text] = e.id;
  }
  auto like = [&](const std::string& pattern) {
    return ids_of(ar::from<everything>(db) | ar::filter(everything::c.text.like(pattern)) | ar::to_vector);
  };
  auto ids = [&](std::initializer_list<const char*> texts) {
    std::set<std::int64_t> out;
    for (const char* t : texts) out.insert(id.at(t));
    return out;
  };
  EXPECT_EQ(like("%"), ids({"100%", "100% sure", "1000", "50_50", "50-50", "5050", "a", "_", "%", "ab"}));
  EXPECT_EQ(like("_"), ids({"a", "_", "%"}));
  EXPECT_EQ(like("100%"), ids({"100%", "100% sure", "1000"}));
  EXPECT_EQ(like("50_50"), ids({"50_50", "50-50"}));
  EXPECT_EQ(like("__"), ids({"ab"}));
  EXPECT_EQ(like(""), std::set<std::int64_t>{});
  // The backslash: PostgreSQL's and MariaDB's escape character in a pattern; SQLite has none.
  if (GetParam() == "sqlite") {
    EXPECT_EQ(like("100\\%"), std::set<std::int64_t>{});  // a backslash in the text is wanted
  } else {
    EXPECT_EQ(like("100\\%"), ids({"100%"}));
    EXPECT_EQ(like("50\\_50"), ids({"50_50"}));
    EXPECT_EQ(like("\\%"), ids({"%"}));
  }
  EXPECT_EQ(ar::from<everything>(db) | ar::filter(everything::c.text == "%") | ar::count, 1);
  EXPECT_EQ(ar::from<everything>(db) | ar::filter(everything::c.text == "_") | ar::count, 1);
  expect_tables_intact(10);
}

// --- numbers, booleans, time points --------------------------------------------------------------

TEST_P(hostile_values, integer_edges_round_trip_and_filter_exactly) {
  constexpr auto i64_min = std::numeric_limits<std::int64_t>::min();
  constexpr auto i64_max = std::numeric_limits<std::int64_t>::max();
  constexpr auto i32_min = std::numeric_limits<std::int32_t>::min();
  constexpr auto i32_max = std::numeric_limits<std::int32_t>::max();
  const std::vector<std::pair<std::int64_t, std::int32_t>> cases = {{i64_min, i32_min},
                                                                    {i64_max, i32_max},
                                                                    {i64_min + 1, i32_min + 1},
                                                                    {i64_max - 1, i32_max - 1},
                                                                    {0, 0},
                                                                    {-1, -1},
                                                                    {1, 1},
                                                                    {std::int64_t{1} << 53, 1 << 30},
                                                                    {(std::int64_t{1} << 53) + 1, -(1 << 30)},
                                                                    {std::int64_t{i32_max} + 1, 2},
                                                                    {std::int64_t{i32_min} - 1, -2}};
  std::vector<everything> rows;
  for (const auto& [v64, v32] : cases) {
    everything e;
    e.i64 = v64;
    e.opt_i64 = v64;
    e.i32 = v32;
    e.opt_i32 = v32;
    ar::insert(db, e);
    rows.push_back(e);
  }
  for (const everything& e : rows) {
    SCOPED_TRACE(std::to_string(e.i64));
    EXPECT_EQ(ar::find_or_throw<everything>(db, e.id), e);
    EXPECT_EQ(ids_of(ar::from<everything>(db) | ar::filter(everything::c.i64 == e.i64) | ar::to_vector),
              std::set<std::int64_t>{e.id});
    EXPECT_EQ(ids_of(ar::from<everything>(db) | ar::filter(everything::c.opt_i64 == e.i64) | ar::to_vector),
              std::set<std::int64_t>{e.id});
    EXPECT_EQ(ids_of(ar::from<everything>(db) | ar::filter(everything::c.i32 == e.i32) | ar::to_vector),
              std::set<std::int64_t>{e.id});
  }
  // update to the other end of the range.
  everything& first = rows.front();
  first.i64 = i64_max;
  first.i32 = i32_max;
  ar::update(db, first);
  EXPECT_EQ(ar::find_or_throw<everything>(db, first.id), first);
  EXPECT_EQ(ar::from<everything>(db) | ar::filter(everything::c.i64 == i64_max) | ar::count, 2);
  EXPECT_EQ(ar::from<everything>(db) | ar::maximum(everything::c.i64), i64_max);
  EXPECT_EQ(ar::from<everything>(db) | ar::minimum(everything::c.opt_i64), i64_min);
  // Primary keys at the extremes: the program may supply any key.
  for (std::int64_t key : {i64_max, std::int64_t{-1}, i64_min + 1}) {
    everything e;
    e.id = key;
    e.text = "keyed";
    ar::insert(db, e);
    EXPECT_EQ(ar::find_or_throw<everything>(db, key).text, "keyed");
  }
  expect_tables_intact(static_cast<std::int64_t>(cases.size()) + 3);
}

TEST_P(hostile_values, double_edges_round_trip_bit_for_bit_or_are_refused) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  const std::vector<std::pair<const char*, double>> cases = {
      {"zero", 0.0},
      {"negative zero", -0.0},
      {"smallest denormal", std::numeric_limits<double>::denorm_min()},
      {"negative smallest denormal", -std::numeric_limits<double>::denorm_min()},
      {"largest denormal", std::nextafter(DBL_MIN, 0.0)},
      {"DBL_MIN", DBL_MIN},
      {"DBL_MAX", DBL_MAX},
      {"-DBL_MAX", -DBL_MAX},
      {"DBL_EPSILON", DBL_EPSILON},
      {"1 + DBL_EPSILON", 1.0 + DBL_EPSILON},
      {"0.1", 0.1},
      {"1/3", 1.0 / 3.0},
      {"2^53 + 2", 9007199254740994.0},
      {"pi", 3.141592653589793},
      {"-1e-300", -1e-300},
      {"1e308", 1e308},
      {"infinity", inf},
      {"-infinity", -inf},
      {"NaN", std::numeric_limits<double>::quiet_NaN()},
  };
  std::vector<everything> rows;
  for (const auto& [name, v] : cases) {
    SCOPED_TRACE(name);
    const bool stored = std::isnan(v) ? caps.stores_nan : std::isinf(v) ? caps.stores_infinity : true;
    everything e;
    e.f64 = v;
    e.opt_f64 = v;
    if (!stored) {
      try {
        ar::insert(db, e);
        ADD_FAILURE() << GetParam() << " stored " << v;
      } catch (const ar::error& err) {
        const std::string message = err.what();
        EXPECT_TRUE(message.find(std::isnan(v) ? "NaN" : "infinit") != std::string::npos) << message;
      }
      // Not in a nullable column either: never stored as NULL.
      everything nullable;
      nullable.opt_f64 = v;
      EXPECT_THROW(ar::insert(db, nullable), ar::error);
      continue;
    }
    ar::insert(db, e);
    rows.push_back(e);
    const everything back = ar::find_or_throw<everything>(db, e.id);
    if (std::isnan(v)) {
      EXPECT_TRUE(std::isnan(back.f64));
      EXPECT_TRUE(back.opt_f64 && std::isnan(*back.opt_f64));
      continue;
    }
    ASSERT_TRUE(back.opt_f64);
    if (v == 0 && std::signbit(v) && !caps.keeps_negative_zero) {
      // Read back as 0.0: equal, without the sign.
      EXPECT_TRUE(bitwise_equal(back.f64, 0.0)) << back.f64;
      EXPECT_TRUE(bitwise_equal(*back.opt_f64, 0.0)) << *back.opt_f64;
      continue;
    }
    EXPECT_TRUE(bitwise_equal(back.f64, v)) << back.f64 << " != " << v;
    EXPECT_TRUE(bitwise_equal(*back.opt_f64, v)) << *back.opt_f64 << " != " << v;
  }
  // filter(col == value) finds the rows equal to it (0.0 == -0.0; on PostgreSQL, NaN = NaN).
  for (const everything& e : rows) {
    SCOPED_TRACE(e.f64);
    std::set<std::int64_t> expected;
    for (const everything& r : rows)
      if (r.f64 == e.f64 || (std::isnan(r.f64) && std::isnan(e.f64))) expected.insert(r.id);
    EXPECT_EQ(ids_of(ar::from<everything>(db) | ar::filter(everything::c.f64 == e.f64) | ar::to_vector), expected);
    EXPECT_EQ(ids_of(ar::from<everything>(db) | ar::filter(everything::c.opt_f64 == e.f64) | ar::to_vector), expected);
  }
  // update to each edge.
  if (!rows.empty()) {
    everything target = rows.front();
    for (const everything& r : rows) {
      target.f64 = r.f64;
      ar::update(db, target);
      const double back = ar::find_or_throw<everything>(db, target.id).f64;
      if (std::isnan(r.f64))
        EXPECT_TRUE(std::isnan(back));
      else if (r.f64 == 0 && !caps.keeps_negative_zero)
        EXPECT_EQ(back, 0.0);
      else
        EXPECT_TRUE(bitwise_equal(back, r.f64)) << r.f64;
    }
  }
  expect_tables_intact(static_cast<std::int64_t>(rows.size()));
}

TEST_P(hostile_values, booleans_round_trip_and_filter) {
  std::vector<everything> rows;
  for (bool flag : {true, false}) {
    for (std::optional<bool> opt : {std::optional<bool>{}, std::optional<bool>{true}, std::optional<bool>{false}}) {
      everything e;
      e.flag = flag;
      e.opt_flag = opt;
      ar::insert(db, e);
      rows.push_back(e);
    }
  }
  for (const everything& e : rows) EXPECT_EQ(ar::find_or_throw<everything>(db, e.id), e);
  EXPECT_EQ(ar::from<everything>(db) | ar::filter(everything::c.flag == true) | ar::count, 3);
  EXPECT_EQ(ar::from<everything>(db) | ar::filter(everything::c.flag == false) | ar::count, 3);
  EXPECT_EQ(ar::from<everything>(db) | ar::filter(everything::c.flag) | ar::count, 3);
  EXPECT_EQ(ar::from<everything>(db) | ar::filter(!everything::c.flag) | ar::count, 3);
  EXPECT_EQ(ar::from<everything>(db) | ar::filter(everything::c.opt_flag == true) | ar::count, 2);
  EXPECT_EQ(ar::from<everything>(db) | ar::filter(everything::c.opt_flag == false) | ar::count, 2);
  EXPECT_EQ(ar::from<everything>(db) | ar::filter(everything::c.opt_flag.is_null()) | ar::count, 2);
  everything e = rows.front();
  e.flag = !e.flag;
  e.opt_flag = false;
  ar::update(db, e);
  EXPECT_EQ(ar::find_or_throw<everything>(db, e.id), e);
  expect_tables_intact(6);
}

ar::time_point micros(long long us) {
  return ar::time_point{duration_cast<ar::time_point::duration>(microseconds{us})};
}

// ar::time_point counts nanoseconds in 64 bits: 1677-09-21 to 2262-04-11, which every backend
// holds (MariaDB's DATETIME: 1000 to 9999). Time points are stored at microsecond precision.
TEST_P(hostile_values, time_points_at_the_extremes_round_trip) {
  const ar::time_point earliest = ceil<microseconds>(ar::time_point::min());
  const ar::time_point latest = floor<microseconds>(ar::time_point::max());
  const std::vector<std::pair<const char*, ar::time_point>> cases = {
      {"earliest", earliest},
      {"latest", latest},
      {"epoch", ar::time_point{}},
      {"just before the epoch", micros(-1)},
      {"1900-01-01", micros(-2'208'988'800'000'000)},
      {"leap day 2000", micros(951'782'400'000'000)},
      {"2038 rollover + 1 s", micros(2'147'483'648'000'000)},
      {"last microsecond of 1999", micros(946'684'799'999'999)},
  };
  std::vector<everything> rows;
  for (const auto& [name, t] : cases) {
    SCOPED_TRACE(name);
    everything e;
    e.at = t;
    e.opt_at = t;
    ar::insert(db, e);
    rows.push_back(e);
    EXPECT_EQ(ar::find_or_throw<everything>(db, e.id), e) << ar::format_time(t);
  }
  for (const everything& e : rows) {
    SCOPED_TRACE(ar::format_time(e.at));
    EXPECT_EQ(ids_of(ar::from<everything>(db) | ar::filter(everything::c.at == e.at) | ar::to_vector),
              std::set<std::int64_t>{e.id});
    EXPECT_EQ(ids_of(ar::from<everything>(db) | ar::filter(everything::c.opt_at == e.at) | ar::to_vector),
              std::set<std::int64_t>{e.id});
  }
  EXPECT_EQ(ar::from<everything>(db) | ar::minimum(everything::c.at), earliest);
  EXPECT_EQ(ar::from<everything>(db) | ar::maximum(everything::c.at), latest);
  everything e = rows.front();
  e.at = latest;
  ar::update(db, e);
  EXPECT_EQ(ar::find_or_throw<everything>(db, e.id).at, latest);
  expect_tables_intact(static_cast<std::int64_t>(rows.size()));
}

// Before the earliest whole microsecond ar::time_point holds, a time point cannot be stored at
// microsecond precision: refused, never wrapped around to 2262.
TEST_P(hostile_values, a_time_point_beyond_the_range_is_refused) {
  everything e;
  e.at = ar::time_point::min();
  try {
    ar::insert(db, e);
    ADD_FAILURE() << "stored time_point::min()";
  } catch (const ar::error& err) {
    EXPECT_NE(std::string(err.what()).find("time point"), std::string::npos) << err.what();
  }
  EXPECT_THROW((void)(ar::from<everything>(db) | ar::filter(everything::c.at == ar::time_point::min()) | ar::count),
               ar::error);
  // A time the database holds but ar::time_point cannot (written by another program): reading it
  // is an error that says so, never a time in another century.
  db.execute(ar_test::sql_for(db,
                              "INSERT INTO {everythings} ({i32}, {i64}, {f64}, {flag}, {text}, {at}) "
                              "VALUES (1, 1, 1, ?, 'from elsewhere', ?)"),
             {true, std::string("9999-12-31 23:59:59.999999")});
  try {
    (void)(ar::from<everything>(db) | ar::to_vector);
    ADD_FAILURE() << "read 9999-12-31 into an ar::time_point";
  } catch (const ar::error& err) {
    EXPECT_NE(std::string(err.what()).find("9999-12-31"), std::string::npos) << err.what();
  }
  expect_tables_intact(1);
}

AR_INSTANTIATE_BACKEND_SUITE(hostile_values);

// The range of time points, without a database: both ends written and read back, one microsecond
// beyond either end refused, never wrapped around.
TEST(time_point_range, the_ends_round_trip_and_beyond_them_is_an_error) {
  const ar::time_point earliest = ceil<microseconds>(ar::time_point::min());
  const ar::time_point latest = floor<microseconds>(ar::time_point::max());
  EXPECT_EQ(ar::format_time(earliest), "1677-09-21 00:12:43.145225");
  EXPECT_EQ(ar::format_time(latest), "2262-04-11 23:47:16.854775");
  EXPECT_EQ(ar::parse_time(ar::format_time(earliest)), earliest);
  EXPECT_EQ(ar::parse_time(ar::format_time(latest)), latest);
  EXPECT_EQ(ar::format_time(ar::time_point::max()), "2262-04-11 23:47:16.854775");  // floored
  EXPECT_THROW((void)ar::format_time(ar::time_point::min()), ar::error);
  EXPECT_THROW((void)ar::format_time(earliest - nanoseconds(1)), ar::error);
  EXPECT_THROW((void)ar::parse_time("1677-09-21 00:12:43.145224"), ar::error);
  EXPECT_THROW((void)ar::parse_time("2262-04-11 23:47:16.854776"), ar::error);
  EXPECT_THROW((void)ar::parse_time("9999-12-31 23:59:59.999999"), ar::error);
  EXPECT_THROW((void)ar::parse_time("0000-01-01 00:00:00"), ar::error);
  // For logs, to_string shows even a time point format_time refuses.
  EXPECT_EQ(ar::to_string(ar::value{ar::time_point::min()}), "'1677-09-21 00:12:43.145224'");
}

}  // namespace
