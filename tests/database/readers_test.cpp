// Read replicas (open_options::readers, src/exec/readers.cpp): which server each statement runs on.
// Here the reader is a second pool, with a read-only session, onto the writer's own database (the
// same SQLite file, PostgreSQL schema or MariaDB database), so that routing is checked on every
// backend without replication; tests/faults/replication_test.cpp runs it on real replicas.

#include "../support/backends.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

namespace readers {

struct shelf;

struct volume {
  std::int64_t id = 0;
  std::int64_t shelf_id = 0;
  std::string title;
  AR_MODEL(volume, "reader_volumes", AR_FIELDS(id, shelf_id, title), AR_BELONGS_TO(holder, shelf, shelf_id));
};

struct shelf {
  std::int64_t id = 0;
  std::string label;
  AR_MODEL(shelf, "reader_shelves", AR_FIELDS(id, label), AR_HAS_MANY(volumes, volume, shelf_id));
};

// Each statement seen, and whether a reader ran it.
struct seen {
  std::string sql;
  bool on_reader;
  friend bool operator==(const seen&, const seen&) = default;
};

class readers : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    // Refused by design through a transaction pooler (a reader's read-only session and its replay
    // position need a session the pooler does not keep): postgresql_pgbouncer.
    // readers_are_refused_with_the_reason (tests/database/pgbouncer_test.cpp) asserts the refusal.
    if (GetParam() == "postgresql_pgbouncer")
      GTEST_SKIP() << "readers are refused through a transaction pooler (asserted by pgbouncer_test.cpp)";
    const std::string backend = GetParam() == "sqlite" ? "sqlite_file" : GetParam();
    base = ar_test::open_backend(backend, "readers_base");
    ar::create_table<shelf>(base);
    ar::create_table<volume>(base);
  }
  void TearDown() override { ar_test::close_backends(); }

  // The database under test: `base`'s own database as the writer, and again as its one reader.
  ar::database cluster(std::chrono::milliseconds read_your_writes) {
    ar::open_options options;
    options.readers = {base.url()};
    options.read_your_writes = read_your_writes;
    return ar_test::open_backend_again(base, "default", options);
  }

  // The statements `run` sends, each with whether a reader ran it; not those that read replication
  // positions (a reader's here is not a replica: its position is not known, and the window rules;
  // tests/database/replication_positions_test.cpp tests them).
  template <class F>
  std::vector<seen> statements_of(F&& run) const {
    const std::string written = base.dialect().write_position_sql();
    const std::string replayed = base.dialect().replay_position_sql();
    std::vector<seen> out;
    const ar::observer_handle handle = ar::observe([&](const ar::statement_event& e) {
      if (e.sql.empty() || (e.sql != written && e.sql != replayed)) out.push_back({std::string(e.sql), e.on_reader});
    });
    run();
    return out;
  }
  // Whether every statement `run` sends runs on a reader (true) or on the writer (false).
  template <class F>
  void expect_all_on(bool reader, F&& run, const char* what) const {
    const std::vector<seen> s = statements_of(run);
    EXPECT_FALSE(s.empty()) << what;
    for (const seen& x : s) EXPECT_EQ(x.on_reader, reader) << what << ": " << x.sql;
  }

  ar::database base;
};

TEST_P(readers, reads_run_on_the_reader_and_writes_on_the_writer) {
  ar::database db = cluster(std::chrono::milliseconds(0));
  ASSERT_EQ(db.readers(), std::vector<std::string>{base.url()});
  shelf s{0, "poetry"};
  expect_all_on(false, [&] { ar::insert(db, s); }, "insert");
  volume v{0, s.id, "odes"};
  expect_all_on(false, [&] { ar::insert(db, v); }, "insert");
  v.title = "odes, revised";
  expect_all_on(false, [&] { ar::update(db, v); }, "update");
  expect_all_on(
      false, [&] { (void)db.execute("UPDATE reader_shelves SET label = ? WHERE id = ?", {"verse", s.id}); }, "execute");

  std::vector<shelf> shelves;
  expect_all_on(true, [&] { shelves = ar::from<shelf>(db) | ar::to_vector; }, "to_vector");
  ASSERT_EQ(shelves.size(), 1u);
  EXPECT_EQ(shelves[0].label, "verse");
  expect_all_on(true, [&] { EXPECT_EQ(ar::from<volume>(db) | ar::count, 1); }, "count");
  expect_all_on(true, [&] { EXPECT_EQ(ar::find_or_throw<volume>(db, v.id).title, "odes, revised"); }, "find");
  expect_all_on(true, [&] { EXPECT_EQ(shelves[0].volumes().size(), 1u); }, "lazy load");
  expect_all_on(
      true,
      [&] {
        const auto loaded = ar::from<shelf>(db) | ar::with("volumes") | ar::to_vector;
        ASSERT_EQ(loaded.size(), 1u);
        EXPECT_EQ(loaded[0].volumes().size(), 1u);
      },
      "eager load");
  expect_all_on(
      true,
      [&] {
        EXPECT_EQ(ar::sql<std::string>(db, "SELECT title FROM reader_volumes WHERE shelf_id = ?", s.id),
                  std::vector<std::string>{"odes, revised"});
      },
      "ar::sql SELECT");
  expect_all_on(false, [&] { ar::destroy(db, v); }, "destroy");
}

// The log and the counters name the server: the writer's statements as before, a reader's with it.
TEST_P(readers, the_query_log_and_the_counters_name_the_reader) {
  ar::database db = cluster(std::chrono::milliseconds(0));
  shelf s{0, "maps"};
  ar::insert(db, s);
  std::vector<std::string> lines;
  ar::statement_counter counter;
  {
    const ar::observer_handle handle =
        ar::observe([&](const ar::statement_event& e) { lines.push_back(ar::format_event(e)); });
    (void)(ar::from<shelf>(db) | ar::count);
  }
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].rfind("[default on reader " + base.url() + "] ", 0), 0u) << lines[0];
  EXPECT_EQ(counter.count_on_readers(), 1u);
  EXPECT_EQ(counter.count_on(base.url()), 1u);  // the reader's URL (here the writer's too)
  counter.reset();
  shelf other{0, "charts"};
  ar::insert(db, other);
  EXPECT_EQ(counter.count_on_readers(), 0u);
  EXPECT_GE(counter.count(db), 1u);
}

// After a thread writes, its reads stay on the writer for read_your_writes; other threads' do not.
TEST_P(readers, a_thread_that_wrote_reads_from_the_writer_for_read_your_writes) {
  ar::database db = cluster(std::chrono::minutes(10));
  expect_all_on(true, [&] { (void)(ar::from<shelf>(db) | ar::count); }, "before any write");
  shelf s{0, "atlases"};
  ar::insert(db, s);
  expect_all_on(false, [&] { EXPECT_EQ(ar::from<shelf>(db) | ar::count, 1); }, "after its write");
  std::thread other([&] { expect_all_on(true, [&] { (void)(ar::from<shelf>(db) | ar::count); }, "another thread"); });
  other.join();
}

TEST_P(readers, a_thread_reads_from_readers_again_once_read_your_writes_has_passed) {
  ar::database db = cluster(std::chrono::milliseconds(100));
  shelf s{0, "globes"};
  ar::insert(db, s);
  expect_all_on(false, [&] { (void)(ar::from<shelf>(db) | ar::count); }, "within read_your_writes");
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  expect_all_on(true, [&] { (void)(ar::from<shelf>(db) | ar::count); }, "after read_your_writes");
}

// Every statement of a transaction runs on its connection, on the writer: its reads see its writes.
TEST_P(readers, reads_in_a_transaction_run_on_the_writer) {
  ar::database db = cluster(std::chrono::milliseconds(0));
  expect_all_on(
      false,
      [&] {
        ar::transaction tx(db);
        shelf s{0, "ledgers"};
        ar::insert(db, s);
        EXPECT_EQ(ar::from<shelf>(db) | ar::count, 1);
        EXPECT_TRUE(ar::find<shelf>(db, s.id).has_value());
        tx.commit();
      },
      "transaction");
}

// ar::sql with a statement that writes (RETURNING) is no read: the writer runs it.
TEST_P(readers, a_statement_written_by_hand_that_writes_runs_on_the_writer) {
  ar::database db = cluster(std::chrono::milliseconds(0));
  expect_all_on(
      false,
      [&] {
        const auto ids = ar::sql<std::int64_t>(db, "INSERT INTO reader_shelves (label) VALUES (?) RETURNING id", "x");
        EXPECT_EQ(ids.size(), 1u);
      },
      "INSERT ... RETURNING");
  expect_all_on(true, [&] { EXPECT_EQ(ar::from<shelf>(db) | ar::count, 1); }, "the row it wrote");
}

// A reader's session is read-only: a write that reached it would fail rather than diverge.
TEST_P(readers, a_readers_session_refuses_writes) {
  ar::open_options options;
  options.readers = {base.url()};
  ar::database db = ar_test::open_backend_again(base, "default", options);
  // A database opened with the reader's setup alone: the same statements as a reader's session.
  ar::open_options read_only;
  for (const std::string& sql : db.dialect().read_only_session()) read_only.on_connect.push_back(sql);
  ASSERT_FALSE(read_only.on_connect.empty());
  ar::database reader = ar_test::open_backend_again(base, "as_reader", read_only);
  shelf s{0, "refused"};
  EXPECT_THROW(ar::insert(reader, s), ar::database_error);
  EXPECT_EQ(ar::from<shelf>(db) | ar::count, 0);
}

// A reader that cannot be reached does not stop the database from opening; reads go to the writer
// meanwhile, and the reader is tried again after reader_retry.
TEST_P(readers, a_reader_that_cannot_be_reached_is_left_out_and_reads_go_to_the_writer) {
  ar::open_options options;
  options.read_your_writes = std::chrono::milliseconds(0);
  options.reader_retry = std::chrono::milliseconds(50);
  options.connect_timeout = std::chrono::seconds(2);
  const std::string backend = GetParam();
  options.readers = {backend == "sqlite" ? "sqlite3://db=/nonexistent-ar-directory/reader.sqlite3"
                     : ar_test::engine_of(backend) == "postgresql"
                         ? "postgresql://host=127.0.0.1 port=1 dbname=ar_test user=postgres"
                         : "mysql://host=127.0.0.1 port=1 db=ar_test user=root"};
  ar::database db = ar_test::open_backend_again(base, "default", options);
  shelf s{0, "spare"};
  ar::insert(db, s);
  expect_all_on(false, [&] { EXPECT_EQ(ar::from<shelf>(db) | ar::count, 1); }, "reader left out");
  std::this_thread::sleep_for(std::chrono::milliseconds(80));
  // Tried again, unreachable again: the read still goes to the writer.
  expect_all_on(false, [&] { EXPECT_EQ(ar::find_or_throw<shelf>(db, s.id).label, "spare"); }, "tried again");
}

TEST_P(readers, a_reader_of_another_backend_is_refused_when_the_database_opens) {
  ar::open_options options;
  options.readers = {GetParam() == "sqlite" ? "postgresql://host=127.0.0.1 dbname=ar_test" : "sqlite3://db=:memory:"};
  try {
    (void)ar_test::open_backend_again(base, "default", options);
    FAIL() << "a reader of another backend was taken";
  } catch (const ar::configuration_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("reader 1"), std::string::npos) << what;
    EXPECT_NE(what.find("a reader replicates its writer, on the same backend"), std::string::npos) << what;
  }
}

AR_INSTANTIATE_BACKEND_SUITE(readers);

}  // namespace readers
