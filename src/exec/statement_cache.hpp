#ifndef AR_SRC_STATEMENT_CACHE_HPP
#define AR_SRC_STATEMENT_CACHE_HPP

// The prepared statements of one connection, by SQL text, with a bound (open_options::
// statement_cache_size). A program that renders ever new SQL (IN lists of every length, generated
// conditions) would otherwise keep every statement it ever ran prepared, on the client and, for
// PostgreSQL, on the server.
//
// - A lookup is one hash lookup. A hit makes the statement the most recently used by relinking it
//   in an intrusive list (the links live in the map's node): it allocates nothing.
// - Room for a new statement is made by finalizing the least recently used statements that no
//   execution is using. A statement in use (a cursor reading from it) is never dropped; when
//   every cached statement is in use, there is no room and the caller runs the new statement
//   uncached (prepared for that execution, finalized after it), so the bound always holds.
//   A capacity of 0 caches nothing.
// - A cached statement in use is not handed out twice: a nested execution of the same SQL finds
//   it busy and runs uncached as well.
//
// Only the thread holding the connection touches the cache, except count(), which any thread may
// read (database::cached_statements()). Independent of the driver: Statement is whatever the
// connection prepares (src/exec/database_state.hpp), so tests can exercise the policy alone.

#include <ar/detail/crud_sql.hpp>

#include <atomic>
#include <cassert>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

namespace ar::detail {

// A key looked up with its hash computed already (detail::hashed_sql's): compared by its text.
struct prehashed_sql {
  std::string_view text;
  std::size_t hash;
  friend bool operator==(const prehashed_sql& a, std::string_view b) noexcept { return a.text == b; }
};

struct string_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return statement_hash(s); }
  std::size_t operator()(const prehashed_sql& k) const noexcept { return k.hash; }
};

template <class Statement>
class statement_cache {
 public:
  class entry {
   public:
    Statement& statement() const noexcept { return *statement_; }
    bool in_use() const noexcept { return in_use_; }

   private:
    friend class statement_cache;
    std::unique_ptr<Statement> statement_;
    std::string_view sql_;    // the map's key (a node's key does not move)
    entry* newer_ = nullptr;  // towards the most recently used
    entry* older_ = nullptr;  // towards the least recently used
    bool in_use_ = false;
    bool drop_when_done_ = false;  // cleared (or failed) while in use: dropped when released
  };

  explicit statement_cache(std::size_t capacity) noexcept : capacity_(capacity) {}
  statement_cache(const statement_cache&) = delete;
  statement_cache& operator=(const statement_cache&) = delete;
  ~statement_cache() = default;

  std::size_t capacity() const noexcept { return capacity_; }
  std::size_t size() const noexcept { return map_.size(); }
  // The size, for any thread.
  std::size_t count() const noexcept { return count_.load(std::memory_order_relaxed); }

  // The entry of `sql`, now the most recently used, or nullptr. It may be in use: check before
  // taking it with acquire().
  entry* find(std::string_view sql) noexcept { return found(map_.find(sql)); }
  // The same for `sql` whose statement_hash is `hash`.
  entry* find(std::string_view sql, std::size_t hash) noexcept { return found(map_.find(prehashed_sql{sql, hash})); }

  // Makes room for one more statement by dropping the least recently used ones that are not in
  // use. False when there is none to drop (capacity 0, or every cached statement in use).
  bool make_room() noexcept {
    if (capacity_ == 0) return false;
    entry* e = oldest_;
    while (map_.size() >= capacity_ && e) {
      entry* newer = e->newer_;
      if (!e->in_use_) erase(*e);
      e = newer;
    }
    return map_.size() < capacity_;
  }

  // Adds a statement for `sql` (which has no entry), after make_room() said there is room: the
  // most recently used, in use.
  entry& insert(std::string_view sql, std::unique_ptr<Statement> statement) {
    auto [it, added] = map_.try_emplace(std::string(sql));
    assert(added);
    entry& e = it->second;
    e.statement_ = std::move(statement);
    e.sql_ = it->first;
    e.in_use_ = true;
    link_newest(e);
    count_.store(map_.size(), std::memory_order_relaxed);
    return e;
  }

  static void acquire(entry& e) noexcept { e.in_use_ = true; }

  // The execution using `e` is over. `drop`: the statement must not run again (it failed, or a
  // driver cannot keep it half read).
  void release(entry& e, bool drop) noexcept {
    e.in_use_ = false;
    if (drop || e.drop_when_done_) erase(e);
  }

  // Drops every statement; one in use goes when it is released.
  void clear() noexcept {
    for (entry* e = oldest_; e;) {
      entry* newer = e->newer_;
      if (e->in_use_)
        e->drop_when_done_ = true;
      else
        erase(*e);
      e = newer;
    }
  }

 private:
  template <class Iterator>
  entry* found(Iterator it) noexcept {
    if (it == map_.end()) return nullptr;
    entry& e = it->second;
    if (newest_ != &e) {
      unlink(e);
      link_newest(e);
    }
    return &e;
  }

  void link_newest(entry& e) noexcept {
    e.older_ = newest_;
    e.newer_ = nullptr;
    if (newest_) newest_->newer_ = &e;
    newest_ = &e;
    if (!oldest_) oldest_ = &e;
  }

  void unlink(entry& e) noexcept {
    (e.newer_ ? e.newer_->older_ : newest_) = e.older_;
    (e.older_ ? e.older_->newer_ : oldest_) = e.newer_;
    e.newer_ = e.older_ = nullptr;
  }

  void erase(entry& e) noexcept {
    unlink(e);
    map_.erase(map_.find(e.sql_));  // finalizes the statement
    count_.store(map_.size(), std::memory_order_relaxed);
  }

  std::size_t capacity_;
  std::unordered_map<std::string, entry, string_hash, std::equal_to<>> map_;
  entry* newest_ = nullptr;
  entry* oldest_ = nullptr;
  std::atomic<std::size_t> count_{0};
};

}  // namespace ar::detail

#endif  // AR_SRC_STATEMENT_CACHE_HPP
