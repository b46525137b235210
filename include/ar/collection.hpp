#ifndef AR_COLLECTION_HPP
#define AR_COLLECTION_HPP

// What a to-many relation's accessor returns (u.posts(), post.tags(), a chain's): the records it
// loaded, as a read-only view that shares them. It keeps them alive on its own: a reload, an add
// or another write that replaces the relation's cache later gives the record a new collection and
// leaves this one as it was (copy on write), so a view taken earlier never dangles. Read the
// relation again for what it holds now.
//
//   const auto posts = u.posts();          // shares the loaded vector: no copy
//   u.posts_add(p);                        // the cache is replaced; `posts` still holds the old rows
//   for (const Post& p : u.posts()) ...    // the current rows
//   const std::vector<Post>& v = posts;    // a collection converts to the vector it views

#include <algorithm>
#include <cstddef>
#include <memory>
#include <vector>

namespace ar {

// A to-many relation's records: a read-only view that shares them and keeps them alive.
template <class T>
class collection {
 public:
  // The record type.
  using value_type = T;
  // An index or a count of records.
  using size_type = std::size_t;
  // The distance between two iterators.
  using difference_type = std::ptrdiff_t;
  // A record, read-only.
  using reference = const T&;
  // A record, read-only.
  using const_reference = const T&;
  // Iterates over the records, read-only.
  using const_iterator = typename std::vector<T>::const_iterator;
  // Iterates over the records, read-only (a collection is never modified).
  using iterator = const_iterator;

  // An empty collection.
  collection() : rows_(empty_rows()) {}
  // Views `rows`, which it shares.
  explicit collection(std::shared_ptr<const std::vector<T>> rows) noexcept : rows_(std::move(rows)) {}

  // The first record.
  const_iterator begin() const noexcept { return rows_->begin(); }
  // Past the last record.
  const_iterator end() const noexcept { return rows_->end(); }
  // The first record.
  const_iterator cbegin() const noexcept { return rows_->cbegin(); }
  // Past the last record.
  const_iterator cend() const noexcept { return rows_->cend(); }
  // How many records it holds.
  size_type size() const noexcept { return rows_->size(); }
  // Whether it holds no record.
  bool empty() const noexcept { return rows_->empty(); }
  // The i-th record; i must be below size().
  const T& operator[](size_type i) const { return (*rows_)[i]; }
  // The i-th record; throws std::out_of_range when i is not below size().
  const T& at(size_type i) const { return rows_->at(i); }
  // The first record; the collection must not be empty.
  const T& front() const { return rows_->front(); }
  // The last record; the collection must not be empty.
  const T& back() const { return rows_->back(); }
  // The records, contiguous.
  const T* data() const noexcept { return rows_->data(); }

  // The vector it views (alive as long as this collection, or a copy of it, is).
  const std::vector<T>& vector() const noexcept { return *rows_; }
  // The vector it views, as vector() returns it.
  operator const std::vector<T>&() const noexcept { return *rows_; }

  // Equal when both hold equal records in the same order.
  friend bool operator==(const collection& a, const collection& b) { return *a.rows_ == *b.rows_; }
  // Equal when it holds the vector's records in the same order.
  friend bool operator==(const collection& a, const std::vector<T>& b) { return *a.rows_ == b; }

 private:
  static std::shared_ptr<const std::vector<T>> empty_rows() {
    static const auto none = std::make_shared<const std::vector<T>>();
    return none;
  }
  std::shared_ptr<const std::vector<T>> rows_;
};

}  // namespace ar

#endif  // AR_COLLECTION_HPP
