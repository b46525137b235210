// W12 (the invoice count and SUM(total) of each country: GROUP BY), Chinook's "sales by country",
// at 500 and 5,000 invoices spread over 24 countries. Each size has its own database
// (w12_<size>). The ORM variant is one statement through group_by | select(country, count_all(),
// total.sum()); its raw twin runs the same SQL through the sqlite3 C API into the same tuples.

#include "bench_common.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

namespace bench_w12 {

struct Invoice {
  std::int64_t id = 0;
  std::int64_t customer_id = 0;
  std::string country;
  double total = 0;

  AR_MODEL(Invoice, "invoices", AR_FIELDS(id, customer_id, country, total));
};

constexpr int sizes[] = {500, 5000};
constexpr int countries = 24;

using per_country = std::vector<std::tuple<std::string, std::int64_t, double>>;

struct dataset {
  std::string name;
  std::size_t groups = 0;
};

void seed(const ar::database& db, int n) {
  ar::create_table<Invoice>(db);
  std::vector<Invoice> invoices(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    auto& v = invoices[static_cast<std::size_t>(i)];
    v.customer_id = i % 59 + 1;
    v.country = "Country " + std::to_string(i * 7 % countries);
    v.total = 0.99 * (i % 14 + 1);
  }
  ar::insert_all(db, invoices);
  bench::after_seeding(db);
}

const dataset& use(int n) {
  static std::map<int, dataset> all;
  auto [it, fresh] = all.try_emplace(n);
  dataset& d = it->second;
  if (fresh) {
    d.name = "w12_" + std::to_string(n);
    seed(bench::open_sqlite(d.name), n);
    d.groups = countries;
  }
  ar::bind<Invoice>(d.name);
  return d;
}

void W12_orm(benchmark::State& state, int n) {
  const dataset& d = use(n);
  bench::run_counted(state, d.groups,
                     [] {
                       per_country rows = ar::from<Invoice>() | ar::group_by(Invoice::c.country) |
                                          ar::select(Invoice::c.country, ar::count_all(), Invoice::c.total.sum()) |
                                          ar::to_vector;
                       benchmark::DoNotOptimize(rows.data());
                       return rows.size();
                     },
                     {1, 1});
}

// The statement ar sends (AR_BENCH_SHOW_SQL shows it), by hand.
void W12_raw_sqlite3(benchmark::State& state, int n) {
  const dataset& d = use(n);
  auto& conn = bench::raw_sqlite(d.name);
  bench::run(state, d.groups, [&] {
    sqlite3_stmt* st = conn.statements->get(
        R"(SELECT "country", COUNT(*), COALESCE(SUM("total"), 0) FROM "invoices" GROUP BY "country")");
    per_country rows;
    while (sqlite3_step(st) == SQLITE_ROW)
      rows.emplace_back(bench::column_text(st, 0), sqlite3_column_int64(st, 1), sqlite3_column_double(st, 2));
    benchmark::DoNotOptimize(rows.data());
    return rows.size();
  });
}

}  // namespace bench_w12

namespace bench {

void register_grouping_benchmarks() {
  using namespace bench_w12;
  for (int n : sizes) {
    const std::string size = std::to_string(n);
    add("W12/orm/" + size, [n](benchmark::State& s) { W12_orm(s, n); });
    add("W12/raw_sqlite3/" + size, [n](benchmark::State& s) { W12_raw_sqlite3(s, n); });
  }
}

}  // namespace bench
