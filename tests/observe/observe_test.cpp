#include "../support/backends.hpp"
#include "../support/models.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <sstream>

namespace {

using ar_test::user;

class observation : public ar_test::backend_test {
 protected:
  void SetUp() override {
    backend_test::SetUp();
    ar::create_table<user>(db);
  }
};

TEST_P(observation, every_statement_reaches_observers_with_sql_params_database_and_duration) {
  std::vector<std::string> sql, params, dbs;
  std::vector<bool> ok;
  auto handle = ar::observe([&](const ar::statement_event& e) {
    sql.emplace_back(e.sql);
    std::string p;
    for (const auto& v : e.params) p += ar::to_string(v) + ";";
    params.push_back(p);
    dbs.emplace_back(e.database);
    ok.push_back(e.succeeded);
    EXPECT_GE(e.duration.count(), 0);
  });
  user u{0, "ada", std::nullopt};
  ar::insert(db, u);
  (void)ar::find<user>(db, u.id);
  ASSERT_EQ(sql.size(), 2u);
  EXPECT_EQ(params[0], "'ada';NULL;");
  EXPECT_EQ(params[1], std::to_string(u.id) + ";");
  EXPECT_EQ(dbs[0], "default");
  EXPECT_TRUE(ok[0] && ok[1]);
}

TEST_P(observation, a_failed_statement_is_observed_as_failed) {
  std::vector<bool> ok;
  auto handle = ar::observe([&](const ar::statement_event& e) { ok.push_back(e.succeeded); });
  EXPECT_THROW(db.execute("SELECT * FROM no_such_table"), ar::database_error);
  ASSERT_EQ(ok.size(), 1u);
  EXPECT_FALSE(ok[0]);
}

TEST_P(observation, an_observer_stops_when_its_handle_goes) {
  int calls = 0;
  {
    auto handle = ar::observe([&](const ar::statement_event&) { ++calls; });
    (void)ar::find<user>(db, 1);
  }
  (void)ar::find<user>(db, 1);
  EXPECT_EQ(calls, 1);
}

TEST_P(observation, counters_count_per_database_and_nest) {
  auto second = ar_test::open_backend(GetParam(), "second");
  ar::create_table<user>(second);
  ar::statement_counter outer;
  (void)ar::find<user>(db, 1);
  {
    ar::statement_counter inner;
    (void)ar::find<user>(second, 1);
    (void)ar::find<user>(second, 2);
    EXPECT_EQ(inner.count(), 2u);
    EXPECT_EQ(inner.count(second), 2u);
    EXPECT_EQ(inner.count(db), 0u);
  }
  EXPECT_EQ(outer.count(), 3u);
  EXPECT_EQ(outer.count("default"), 1u);
  EXPECT_EQ(outer.count("second"), 2u);
  outer.reset();
  EXPECT_EQ(outer.count(), 0u);
}

TEST_P(observation, the_query_log_writes_one_line_per_statement) {
  std::ostringstream out;
  ar::set_query_log(ar::log_to(out));
  user u{0, "it's", std::nullopt};
  ar::insert(db, u);
  ar::set_query_log({});
  (void)ar::find<user>(db, u.id);  // after the log is off
  const std::string log = out.str();
  EXPECT_EQ(std::count(log.begin(), log.end(), '\n'), 1);
  // "[default] 0.042 ms  SQL  -- params: ...": all but the duration is exact.
  ASSERT_EQ(log.rfind("[default] ", 0), 0u) << log;
  const std::size_t ms = log.find(" ms  ");
  ASSERT_NE(ms, std::string::npos) << log;
  const std::string duration = log.substr(10, ms - 10);
  EXPECT_EQ(duration.find_first_not_of("0123456789."), std::string::npos) << log;
  EXPECT_EQ(log.substr(ms),
            " ms  " +
                ar_test::sql_for(db, "INSERT INTO {users} ({user_name}, {hair_color}) VALUES (?, ?) RETURNING {id}") +
                "  -- params: 'it''s', NULL\n");
}

TEST_P(observation, nothing_observing_costs_no_observer_calls) {
  EXPECT_FALSE(ar::detail::observed());
  ar::statement_counter counter;
  EXPECT_TRUE(ar::detail::observed());
}

AR_INSTANTIATE_BACKEND_SUITE(observation);

}  // namespace
