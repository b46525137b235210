// A program whose models declare polymorphic relations needs no relation header but <ar/morph.hpp>
// (issue 16: morph_to's implementation used to be a specialisation that existed only when another
// header's bottom include had pulled this one in). Besides it, this file includes only the view
// it uses, on purpose.

#include <ar/morph.hpp>
#include <ar/views/order_by.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>

namespace {

struct alone_note;

struct alone_page {
  std::int64_t id = 0;
  std::string title;
  AR_MODEL(alone_page, "alone_pages", AR_FIELDS(id, title), AR_MORPH_MANY(notes, alone_note, notable));
};

struct alone_clip {
  std::int64_t id = 0;
  std::string url;
  AR_MODEL(alone_clip, "alone_clips", AR_FIELDS(id, url), AR_MORPH_MANY(notes, alone_note, notable),
           AR_MORPH_NAME("Clip"));
};

struct alone_note {
  std::int64_t id = 0;
  std::string notable_type;
  std::optional<std::int64_t> notable_id;
  std::string body;
  AR_MODEL(alone_note, "alone_notes", AR_FIELDS(id, notable_type, notable_id, body),
           AR_MORPH_TO(notable, notable_type, notable_id));
};

class morph_header_alone : public ::testing::Test {
 protected:
  void SetUp() override {
    db = ar::open("sqlite3://db=:memory:", "morph_header_alone");
    ar::bind<alone_page>("morph_header_alone");
    ar::bind<alone_clip>("morph_header_alone");
    ar::bind<alone_note>("morph_header_alone");
    db.execute("CREATE TABLE alone_pages (id INTEGER PRIMARY KEY, title TEXT NOT NULL)");
    db.execute("CREATE TABLE alone_clips (id INTEGER PRIMARY KEY, url TEXT NOT NULL)");
    db.execute(
        "CREATE TABLE alone_notes (id INTEGER PRIMARY KEY, notable_type TEXT NOT NULL, notable_id INTEGER, "
        "body TEXT NOT NULL)");
    alone_page page{0, "home"};
    ar::insert(page);
    alone_clip clip{0, "intro.mp4"};
    ar::insert(clip);
    alone_note on_page{0, "", std::nullopt, "on the page"};
    on_page.notable_associate(page);
    ar::insert(on_page);
    alone_note on_clip{0, "", std::nullopt, "on the clip"};
    on_clip.notable_associate(clip);
    ar::insert(on_clip);
  }
  void TearDown() override { db.close(); }

  ar::database db;
};

TEST_F(morph_header_alone, with_loads_each_notes_target_of_its_own_model) {
  const auto notes = ar::from<alone_note>() | ar::with("notable") | ar::order_by(alone_note::c.id) | ar::to_vector;
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_TRUE(ar::relation_loaded(notes[0], "notable"));
  ASSERT_TRUE(notes[0].notable().is<alone_page>());
  EXPECT_EQ(notes[0].notable().as<alone_page>()->title, "home");
  ASSERT_TRUE(notes[1].notable().is<alone_clip>());
  EXPECT_EQ(notes[1].notable().type(), "Clip");
  EXPECT_EQ(notes[1].notable().as<alone_clip>()->url, "intro.mp4");
}

TEST_F(morph_header_alone, a_morph_many_reads_only_the_notes_of_its_type) {
  const auto pages = ar::from<alone_page>() | ar::to_vector;
  ASSERT_EQ(pages.size(), 1u);
  ASSERT_EQ(pages[0].notes().size(), 1u);
  EXPECT_EQ(pages[0].notes()[0].body, "on the page");
  EXPECT_EQ(pages[0].notes()[0].notable().as<alone_page>()->id, pages[0].id);
}

}  // namespace
