#ifndef AR_TEST_SUPPORT_URL_LIST_HPP
#define AR_TEST_SUPPORT_URL_LIST_HPP

// A list of connection URLs in one environment variable, ';' between them (AR_TEST_POSTGRESQL_SHARDS
// for the tests, AR_BENCH_POSTGRESQL_SHARDS for ar_bench): shared by the test support and the
// benchmarks, which include this directory.

#include <algorithm>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace ar_test {

// The URLs in environment variable `name`, in order; none when it is unset or empty.
inline std::vector<std::string> url_list(const char* name) {
  std::vector<std::string> out;
  const char* list = std::getenv(name);
  if (list == nullptr) return out;
  const std::string_view all(list);
  for (std::size_t at = 0; at <= all.size();) {
    const std::size_t end = std::min(all.find(';', at), all.size());
    if (end > at) out.emplace_back(all.substr(at, end - at));
    at = end + 1;
  }
  return out;
}

}  // namespace ar_test

#endif  // AR_TEST_SUPPORT_URL_LIST_HPP
