#ifndef AR_SRC_SQL_SELECT_SHAPES_HPP
#define AR_SRC_SQL_SELECT_SHAPES_HPP

// The SELECT statements of one database, kept by the shape of the query state they were written
// for: its tables, joins, columns, operators, clauses and the types of its values, not the values.
// A program runs the same few pipelines again and again, each built anew with new values; a state
// of a shape met before takes that statement's text and binds its own values in the same order,
// instead of writing the statement again (src/sql/select.cpp writes both).

#include <ar/detail/query_state.hpp>
#include <ar/value.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ar {
class dialect;
}

namespace ar::detail {

// Where a placeholder's value comes from: the index-th value of the state's tree number `tree`
// (src/sql/select.cpp's for_each_tree order), or the state's limit or offset.
struct param_ref {
  static constexpr std::uint32_t limit = 0xffffffffu;
  static constexpr std::uint32_t offset = 0xfffffffeu;
  std::uint32_t tree;
  std::uint32_t index;
};

// A kept SELECT: its text, the text's statement_hash, and where each of its values comes from.
struct kept_select {
  std::string sql;
  std::size_t hash = 0;
  std::vector<param_ref> refs;
  // The registry_generation() at which the tables it joins were last found on its database: while
  // it is unchanged, they still are, and a state of this shape (which has no subqueries) needs no
  // check_subquery_databases.
  mutable std::atomic<std::uint64_t> checked{0};
};

class select_shapes {
 public:
  // The most shapes kept; one more empties the cache (a program with that many shapes builds
  // them from data, and keeping them would only grow).
  static constexpr std::size_t capacity = 512;

  select_shapes() noexcept;
  select_shapes(const select_shapes&) = delete;
  select_shapes& operator=(const select_shapes&) = delete;

  // The SELECT of `state` for `d` (which must be the database's dialect, under its naming
  // convention), as render_select writes it: its values into `params`, and either the kept
  // statement of its shape (returned: its text is the statement, and the pointer keeps it while the
  // statement runs; `sql` is left as it was) or its text written into `sql` (nullptr returned). A
  // shape met for the first time is written and kept when its text depends on nothing but the
  // shape. Not kept: states with subqueries, groups, per-parent limits or with_count (written each
  // time), text searches and decimal values (the text depends on the value), IN lists of more than
  // 64 values (one of a kind: an eager load's keys).
  std::shared_ptr<const kept_select> render(std::string& sql, std::vector<value>& params, const dialect& d,
                                            const query_state& state);
  // How many shapes are kept (inline: the tests read it from a shared libar, which exports no
  // internal class).
  std::size_t size() const {
    const std::lock_guard lock(mutex_);
    return shapes_.size();
  }

 private:
  using shape = kept_select;
  // Eight bytes at a time, multiplied and folded: a key is a few hundred bytes of pointers and
  // small integers, hashed at every query, where std::hash's byte loop was a third of the lookup.
  struct key_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view key) const noexcept {
      std::uint64_t h = 0x9e3779b97f4a7c15u ^ key.size();
      std::size_t i = 0;
      for (; i + 8 <= key.size(); i += 8) {
        std::uint64_t word;
        std::memcpy(&word, key.data() + i, 8);
        h = (h ^ word) * 0xff51afd7ed558ccdu;
        h ^= h >> 32;
      }
      std::uint64_t tail = 0;
      std::memcpy(&tail, key.data() + i, key.size() - i);
      h = (h ^ tail) * 0xc4ceb9fe1a85ec53u;
      return static_cast<std::size_t>(h ^ (h >> 29));
    }
  };
  // Unique among the caches the program makes (a closed database's state may be followed by another
  // at the same address): what a thread's memo of the shape it used last is keyed by.
  const std::uint64_t id_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<const shape>, key_hash, std::equal_to<>> shapes_;
};

}  // namespace ar::detail

#endif  // AR_SRC_SQL_SELECT_SHAPES_HPP
