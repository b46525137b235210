// W13 (issue 23 item 7: a fan-out over shards against one database holding every row): 30,000
// rows over 300 tenants, spread by tenant_id over three databases (ar::shard), and the same rows in
// one database, measured in the same run. Three queries, each as `orm_one_<q>` (one database,
// given: ar::from<Row>(db)) and `orm_shards_<q>` (no database: the fan-out):
//   take20:    order_by(score desc, id desc) | take(20): one statement (a backward walk of the
//              index on (score, id)); on the shards one on each, at once, each asked for its
//              first 20, the rows merged;
//   count:     count: one statement; on the shards one on each, at once, added;
//   one_shard: filter(tenant_id == 7) | to_vector: one statement, on the tenant's shard only.
// `serial_<q>` (take20, count) runs the shards' statements one after another on the caller's
// thread, each given its database: what the fan-out costs without its threads.
// On SQLite the four databases are in memory (each its own); on PostgreSQL (pg_ variants, when
// AR_BENCH_POSTGRESQL and AR_BENCH_POSTGRESQL_SHARDS are set) the one database is a schema on the
// AR_BENCH_POSTGRESQL server and the shards a schema on each of the three servers
// AR_BENCH_POSTGRESQL_SHARDS names (';' between their URLs; scripts/test.sh's form). Every W13
// variant is timed in wall-clock time, SQLite's too: a fan-out's work is on other threads.
// The size in the name is the number of rows.

#include "bench_common.hpp"
#include "url_list.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bench_w13 {

// One model per backend: a model is sharded once, over one set of databases.
#define BENCH_W13_FIELDS      \
  std::int64_t id = 0;        \
  std::int64_t tenant_id = 0; \
  std::string name;           \
  std::int64_t score = 0;

struct LiteRow {
  BENCH_W13_FIELDS
  AR_MODEL(LiteRow, "w13_rows", AR_FIELDS(id, tenant_id, name, score));
};
struct PgRow {
  BENCH_W13_FIELDS
  AR_MODEL(PgRow, "w13_rows", AR_FIELDS(id, tenant_id, name, score));
};
#undef BENCH_W13_FIELDS

constexpr std::int64_t rows = 30000;
constexpr std::int64_t tenants = 300;
constexpr std::int64_t the_tenant = 7;  // one_shard's
constexpr std::size_t take = 20;

// The URLs in AR_BENCH_POSTGRESQL_SHARDS, ';' between them.
std::vector<std::string> shard_servers() { return ar_test::url_list("AR_BENCH_POSTGRESQL_SHARDS"); }

// The schemas made on the shard servers, dropped when the program ends (after bench::cleanup has
// closed ar's connections).
struct shard_schemas {
  std::vector<std::string> urls;
  shard_schemas() = default;
  shard_schemas(const shard_schemas&) = delete;
  shard_schemas& operator=(const shard_schemas&) = delete;
  ~shard_schemas() {
    for (const std::string& url : urls) {
      try {
        soci::session s("postgresql", url.substr(url.find("://") + 3));
        s << "SET client_min_messages TO warning";
        s << "DROP SCHEMA IF EXISTS ar_bench_w13_shard CASCADE";
      } catch (...) {
      }
    }
  }
};
shard_schemas& schemas() {
  static shard_schemas all;
  return all;
}

template <class Row>
void seed(const ar::database& db, std::int64_t shard, std::int64_t shards) {
  ar::create_table<Row>(db);
  db.execute("CREATE INDEX w13_rows_score ON w13_rows (score, id)");
  db.execute("CREATE INDEX w13_rows_tenant ON w13_rows (tenant_id)");
  std::vector<Row> all;
  for (std::int64_t i = 1; i <= rows; ++i) {
    Row r;
    r.id = i;
    r.tenant_id = 1 + i % tenants;
    r.name = "row " + std::to_string(i);
    r.score = (i * 7919) % 100000;
    if (shards == 1 || static_cast<std::int64_t>(ar::shard_hash(r.tenant_id) % 3) == shard) all.push_back(r);
  }
  for (std::size_t at = 0; at < all.size(); at += 500) {
    std::vector<Row> chunk(all.begin() + static_cast<std::ptrdiff_t>(at),
                           all.begin() + static_cast<std::ptrdiff_t>(std::min(at + 500, all.size())));
    ar::insert_all(db, chunk, ar::without_keys);
  }
  bench::after_seeding(db);
}

// The one database holding every row, and the shards (declared once).
template <class Row>
const ar::database& prepare(bench::server at) {
  static ar::database one = [&] {
    ar::database db;
    const std::string prefix = at == bench::server::sqlite ? "w13_" : "w13_pg_";
    const std::vector<std::string> names{prefix + "shard0", prefix + "shard1", prefix + "shard2"};
    if (at == bench::server::sqlite) {
      db = bench::open_sqlite("w13_one");
      for (std::size_t i = 0; i < names.size(); ++i)
        seed<Row>(bench::open_sqlite(names[i]), static_cast<std::int64_t>(i), 3);
    } else {
      db = bench::open_postgresql("w13_pg_one");
      const std::vector<std::string> servers = shard_servers();
      for (std::size_t i = 0; i < names.size(); ++i) {
        std::string url = servers.at(i);
        if (url.find("://") == std::string::npos) url = "postgresql://" + url;
        {
          soci::session s("postgresql", url.substr(url.find("://") + 3));
          s << "SET client_min_messages TO warning";
          s << "DROP SCHEMA IF EXISTS ar_bench_w13_shard CASCADE";
          s << "CREATE SCHEMA ar_bench_w13_shard";
        }
        schemas().urls.push_back(url);
        ar::open_options options;
        options.on_connect.emplace_back("SET search_path TO ar_bench_w13_shard");
        seed<Row>(ar::open(url, names[i], options), static_cast<std::int64_t>(i), 3);
      }
    }
    seed<Row>(db, 0, 1);
    ar::shard<Row>(&Row::tenant_id, names);
    return db;
  }();
  return one;
}

enum class query { take20, count, one_shard };

template <class Row>
std::size_t run_query(query q, const ar::database* one) {
  const auto from = [&] { return one != nullptr ? ar::from<Row>(*one) : ar::from<Row>(); };
  switch (q) {
    case query::take20: {
      const std::vector<Row> top =
          from() | ar::order_by(Row::c.score.desc(), Row::c.id.desc()) | ar::take(take) | ar::to_vector;
      benchmark::DoNotOptimize(top.data());
      return top.size();
    }
    case query::count: {
      const std::int64_t n = from() | ar::count;
      benchmark::DoNotOptimize(n);
      return n == rows ? 1 : 0;
    }
    case query::one_shard: {
      const std::vector<Row> of = from() | ar::filter(Row::c.tenant_id == the_tenant) | ar::to_vector;
      benchmark::DoNotOptimize(of.data());
      return of.size();
    }
  }
  return 0;
}

template <class Row>
void W13(benchmark::State& state, bench::server at, query q, bool sharded) {
  const ar::database& one = prepare<Row>(at);
  const std::size_t expected = q == query::take20 ? take : q == query::count ? 1 : rows / tenants;
  const std::size_t statements = sharded && q != query::one_shard ? 3 : 1;
  bench::run_counted(state, expected, [&] { return run_query<Row>(q, sharded ? nullptr : &one); },
                     {statements, statements});
}

// The twin that tells the fan-out's threads from the statements: the same query given each shard's
// database in turn, on the caller's thread, one after another (take20: each shard's first 20,
// then the 20 first of those 60; count: the counts added).
template <class Row>
void W13_serial(benchmark::State& state, bench::server at, query q) {
  prepare<Row>(at);
  const std::vector<ar::database> shards = ar::shard_databases<Row>();
  const std::size_t expected = q == query::take20 ? take : 1;
  bench::run_counted(state, expected,
                     [&]() -> std::size_t {
                       if (q == query::count) {
                         std::int64_t n = 0;
                         for (const ar::database& db : shards) n += ar::from<Row>(db) | ar::count;
                         return n == rows ? 1 : 0;
                       }
                       std::vector<Row> all;
                       for (const ar::database& db : shards) {
                         std::vector<Row> top = ar::from<Row>(db) |
                                                ar::order_by(Row::c.score.desc(), Row::c.id.desc()) | ar::take(take) |
                                                ar::to_vector;
                         all.insert(all.end(), top.begin(), top.end());
                       }
                       std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(take), all.end(),
                                         [](const Row& a, const Row& b) {
                                           return a.score != b.score ? a.score > b.score : a.id > b.id;
                                         });
                       all.resize(take);
                       benchmark::DoNotOptimize(all.data());
                       return all.size();
                     },
                     {3, 3});
}

}  // namespace bench_w13

namespace bench {

void register_sharding_benchmarks(bool postgresql) {
  using namespace bench_w13;
  const bool pg_shards = postgresql && shard_servers().size() >= 3;
  const std::string size = std::to_string(rows);
  for (const auto& [q, label] : {std::pair{query::take20, "take20"}, std::pair{query::count, "count"},
                                 std::pair{query::one_shard, "one_shard"}}) {
    const query qq = q;
    for (const bool sharded : {false, true}) {
      const std::string variant = std::string(sharded ? "orm_shards_" : "orm_one_") + label;
      add_file("W13/" + variant + "/" + size,
               [=](benchmark::State& s) { W13<LiteRow>(s, server::sqlite, qq, sharded); });
      if (pg_shards)
        add_pg("W13/pg_" + variant + "/" + size,
               [=](benchmark::State& s) { W13<PgRow>(s, server::postgresql, qq, sharded); });
    }
    if (qq == query::one_shard) continue;
    add_file("W13/serial_" + std::string(label) + "/" + size,
             [=](benchmark::State& s) { W13_serial<LiteRow>(s, server::sqlite, qq); });
    if (pg_shards)
      add_pg("W13/pg_serial_" + std::string(label) + "/" + size,
             [=](benchmark::State& s) { W13_serial<PgRow>(s, server::postgresql, qq); });
  }
}

}  // namespace bench
