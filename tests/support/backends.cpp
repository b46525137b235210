#include "backends.hpp"

#include <atomic>
#include <cstdlib>
#include <stdexcept>
#include <unistd.h>
#include <vector>

namespace ar_test {

namespace {

struct opened {
  ar::database db;
  std::string schema;  // PostgreSQL only
};

std::vector<opened>& opened_databases() {
  static std::vector<opened> all;
  return all;
}

std::string postgresql_url() {
  const char* url = std::getenv("AR_TEST_POSTGRESQL");
  if (!url || !*url)
    throw std::runtime_error(
        "AR_TEST_POSTGRESQL is not set: run the suite through scripts/test.sh, or point it at a server, "
        "e.g. AR_TEST_POSTGRESQL='postgresql://host=127.0.0.1 port=55433 dbname=ar_test user=postgres'");
  return url;
}

}  // namespace

ar::database open_backend(const std::string& backend, const std::string& name) {
  if (backend == "sqlite") {
    auto db = ar::open("sqlite3://db=:memory:", name);
    opened_databases().push_back({db, {}});
    return db;
  }
  if (backend == "postgresql") {
    static std::atomic<int> counter{0};
    auto db = ar::open(postgresql_url(), name);
    const std::string schema = "ar_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    db.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    db.execute("CREATE SCHEMA " + schema);
    db.execute("SET search_path TO " + schema);
    opened_databases().push_back({db, schema});
    return db;
  }
  throw std::invalid_argument("unknown test backend " + backend);
}

void close_backends() {
  for (auto& o : opened_databases()) {
    if (!o.schema.empty() && o.db.is_open()) {
      try {
        o.db.execute("DROP SCHEMA IF EXISTS " + o.schema + " CASCADE");
      } catch (const std::exception& e) {
        ADD_FAILURE() << "could not drop test schema " << o.schema << ": " << e.what();
      }
    }
  }
  opened_databases().clear();
  ar::close_all();
}

capabilities capabilities_of(const std::string&) { return {}; }

}  // namespace ar_test
