// ar_bench: the workloads W1-W13 of ../shared/reference/performance.md, each ORM variant beside its
// raw twins. Registered here, in workload order, so that the output reads W1, W2, ... W13.
//
//   ar_bench --benchmark_filter='W4|W1/.*/(100|1000)$' --benchmark_min_time=0.05
//   AR_BENCH_POSTGRESQL='postgresql://host=127.0.0.1 port=5432 dbname=x user=y' ar_bench   # adds pg_ variants
//   AR_BENCH_MARIADB='mysql://host=127.0.0.1 port=3306 db=x user=y' ar_bench   # adds my_ variants
//   AR_BENCH_POSTGRESQL=... AR_BENCH_PGBOUNCER='postgresql://host=127.0.0.1 port=6432 dbname=x user=y
//   pooler=transaction' ar_bench   # adds pgb_ variants of W1, W4, W5, through pgbouncer to that server
//   AR_BENCH_POSTGRESQL=... AR_BENCH_POSTGRESQL_SHARDS='postgresql://...port=55433...;postgresql://...;postgresql://...'
//   ar_bench   # adds W13's pg_ variants: three shards on those three servers against one database on AR_BENCH_POSTGRESQL's

#include "bench_common.hpp"

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <iostream>

namespace bench {
void register_query_benchmarks(bool postgresql, bool mariadb, bool pgbouncer);    // W1, W2
void register_crud_benchmarks(bool postgresql, bool mariadb, bool pgbouncer);     // W3, W5
void register_loading_benchmarks(bool postgresql, bool mariadb, bool pgbouncer);  // W4, W7
void register_relation_benchmarks();                                              // W8, W9, W10
void register_render_benchmarks();                                                // W11
void register_grouping_benchmarks();                                              // W12
void register_sharding_benchmarks(bool postgresql);                               // W13
}  // namespace bench

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  const bool postgresql = bench::postgresql_url() != nullptr;
  if (!postgresql)
    std::cerr << "ar_bench: AR_BENCH_POSTGRESQL is not set: the PostgreSQL variants (pg_*) are skipped\n";
  const bool mariadb = bench::mariadb_url() != nullptr;
  if (!mariadb) std::cerr << "ar_bench: AR_BENCH_MARIADB is not set: the MariaDB variants (my_*) are skipped\n";
  const bool pgbouncer = bench::pgbouncer_url() != nullptr && postgresql;
  if (!pgbouncer)
    std::cerr << "ar_bench: AR_BENCH_PGBOUNCER (and AR_BENCH_POSTGRESQL, the server behind it) is not set: the "
                 "variants through pgbouncer (pgb_*) are skipped\n";
  if (postgresql && std::getenv("AR_BENCH_POSTGRESQL_SHARDS") == nullptr)
    std::cerr << "ar_bench: AR_BENCH_POSTGRESQL_SHARDS (three servers' URLs, ';' between them) is not set: W13's "
                 "PostgreSQL variants (pg_*) are skipped\n";
  bench::register_query_benchmarks(postgresql, mariadb, pgbouncer);
  bench::register_crud_benchmarks(postgresql, mariadb, pgbouncer);
  bench::register_loading_benchmarks(postgresql, mariadb, pgbouncer);
  bench::register_relation_benchmarks();
  bench::register_render_benchmarks();
  bench::register_grouping_benchmarks();
  bench::register_sharding_benchmarks(postgresql);
  int status = 0;
  try {
    benchmark::RunSpecifiedBenchmarks();
  } catch (const std::exception& e) {
    std::cerr << "ar_bench: " << e.what() << '\n';
    status = 1;
  }
  benchmark::Shutdown();
  bench::cleanup();
  if (bench::failures() > 0) {
    std::cerr << "ar_bench: " << bench::failures()
              << " benchmark(s) failed a check (records read, statements sent, or data other than the raw twin's): see "
                 "ERROR OCCURRED above\n";
    status = 1;
  }
  return status;
}
