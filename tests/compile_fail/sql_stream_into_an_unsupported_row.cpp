// expect: ar::sql_stream<Row>: Row must be a model, a std::tuple of column types, a column type, or a struct
#include <ar/ar.hpp>

#include <vector>

struct not_a_row {
  std::vector<int> values;
};

auto rows(const ar::database& db) { return ar::sql_stream<not_a_row>(db, "SELECT 1"); }
