#ifndef AR_SRC_EXEC_QUOTED_NAMES_HPP
#define AR_SRC_EXEC_QUOTED_NAMES_HPP

// Database names as messages list them: 'a', 'b', 'c'.

#include <string>
#include <vector>

namespace ar::detail {

inline std::string quoted_names(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "'" : ", '") + n + "'";
  return out;
}

}  // namespace ar::detail

#endif  // AR_SRC_EXEC_QUOTED_NAMES_HPP
