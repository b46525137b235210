#ifndef AR_TESTS_SUPPORT_STREAMS_HPP
#define AR_TESTS_SUPPORT_STREAMS_HPP

// What the stream tests check of the statements a stream sends, per backend (tests/support/backends.cpp).

#include <string>
#include <vector>

namespace ar_test {

// The statements a stream sent (statement_counter::statements()), without the BEGIN and COMMIT of
// the transaction of its own that it reads its cursor in through a transaction pooler
// ("postgresql_pgbouncer", outside a transaction of the program's): a test failure when they are
// missing there, or present on another backend.
std::vector<std::string> stream_statements(const std::string& backend, std::vector<std::string> sent);

}  // namespace ar_test

#endif  // AR_TESTS_SUPPORT_STREAMS_HPP
