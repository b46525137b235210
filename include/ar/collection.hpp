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

template <class T>
class collection {
 public:
  using value_type = T;
  using size_type = std::size_t;
  using difference_type = std::ptrdiff_t;
  using reference = const T&;
  using const_reference = const T&;
  using const_iterator = typename std::vector<T>::const_iterator;
  using iterator = const_iterator;

  // An empty collection.
  collection() : rows_(empty_rows()) {}
  explicit collection(std::shared_ptr<const std::vector<T>> rows) noexcept : rows_(std::move(rows)) {}

  const_iterator begin() const noexcept { return rows_->begin(); }
  const_iterator end() const noexcept { return rows_->end(); }
  const_iterator cbegin() const noexcept { return rows_->cbegin(); }
  const_iterator cend() const noexcept { return rows_->cend(); }
  size_type size() const noexcept { return rows_->size(); }
  bool empty() const noexcept { return rows_->empty(); }
  const T& operator[](size_type i) const { return (*rows_)[i]; }
  const T& at(size_type i) const { return rows_->at(i); }
  const T& front() const { return rows_->front(); }
  const T& back() const { return rows_->back(); }
  const T* data() const noexcept { return rows_->data(); }

  // The vector it views (alive as long as this collection, or a copy of it, is).
  const std::vector<T>& vector() const noexcept { return *rows_; }
  operator const std::vector<T>&() const noexcept { return *rows_; }

  friend bool operator==(const collection& a, const collection& b) { return *a.rows_ == *b.rows_; }
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
