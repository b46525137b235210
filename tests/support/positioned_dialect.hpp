#ifndef AR_TESTS_SUPPORT_POSITIONED_DIALECT_HPP
#define AR_TESTS_SUPPORT_POSITIONED_DIALECT_HPP

// SQLite's dialect (or another's, `base`) with replication log positions, so that a lag bound
// (open_options::reader_max_lag) can be tested and measured without a replicated server: the
// writer's and the reader's positions are decimal numbers in the rows 'writer' and 'reader' of a
// table (server TEXT PRIMARY KEY, position INTEGER), the reader's NULL when it is not a replica.
// Used by tests/database/replication_positions_test.cpp and benchmarks/crud_bench.cpp (W5's
// orm_readers_bound).

#include "forwarding_dialect.hpp"

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

namespace ar_test {

class positioned_dialect final : public forwarding_dialect {
 public:
  // Registered under the URL scheme `scheme` (kept as a view: a literal), the positions kept in the
  // table `table`.
  positioned_dialect(const ar::dialect& base, std::string_view scheme, std::string_view table)
      : forwarding_dialect(base, scheme),
        write_sql_("SELECT CAST(position AS TEXT) FROM " + std::string(table) + " WHERE server = 'writer'"),
        replay_sql_("SELECT CAST(position AS TEXT) FROM " + std::string(table) + " WHERE server = 'reader'") {}

  std::string write_position_sql() const override { return write_sql_; }
  std::string replay_position_sql() const override { return replay_sql_; }
  // Parsed as cheaply as PostgreSQL's LSNs are, so that the dialect's own cost does not hide ar's.
  bool position_reached(std::string_view replayed, std::string_view written) const override {
    return number(replayed) >= number(written);
  }

 private:
  static std::int64_t number(std::string_view text) {
    std::int64_t n = 0;
    std::from_chars(text.data(), text.data() + text.size(), n);
    return n;
  }
  std::string write_sql_;
  std::string replay_sql_;
};

}  // namespace ar_test

#endif  // AR_TESTS_SUPPORT_POSITIONED_DIALECT_HPP
