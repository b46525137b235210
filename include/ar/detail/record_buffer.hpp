#ifndef AR_DETAIL_RECORD_BUFFER_HPP
#define AR_DETAIL_RECORD_BUFFER_HPP

// Where records go while a statement reads them, before they become a std::vector of their model.
//
// Growing a std::vector<M> row by row instantiates its reallocation for every model (moving and
// destroying the records it holds, with their exception paths): the largest piece of code a model
// costs a program. The buffer grows in the library instead, in chunks that never move what they
// hold (1, 2, 4, ... records, the first as large as the caller expects), and the vector is built
// once, at its final size, by moving each record in. A model contributes two small functions: move
// one record, destroy some (its record_ops, ar/detail/erased_tables.hpp).

#include <ar/detail/erased_tables.hpp>
#include <ar/export.hpp>

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <type_traits>
#include <vector>

namespace ar::detail {

// Storage for n records (plain operator new unless the model asks for more alignment than it gives:
// the aligned form is a slower allocation), and its release.
AR_API void* allocate_records(const record_ops& ops, std::size_t n);
AR_API void free_records(const record_ops& ops, void* p) noexcept;

class AR_API record_buffer {
 public:
  struct chunk {
    void* data;
    std::size_t capacity;
    std::size_t used;
  };

  // `expected`: how many records the caller expects (the first chunk's size; 0 for 1).
  explicit record_buffer(const record_ops& ops, std::size_t expected = 0) noexcept
      : ops_(&ops), first_capacity_(expected > 0 ? expected : 1) {}
  record_buffer(const record_buffer&) = delete;
  record_buffer& operator=(const record_buffer&) = delete;
  ~record_buffer();

  // Moves a record in, at the end.
  void push(void* record);
  std::size_t size() const noexcept { return size_; }
  const std::vector<chunk>& chunks() const noexcept { return chunks_; }
  // Every record, in order.
  std::vector<const void*> pointers() const;
  // The record at `index` (< size()).
  const void* at(std::size_t index) const noexcept;

  // A sink of each_record: moves the record into the buffer at `buffer`.
  static void sink(void* buffer, void* record);

 private:
  const record_ops* ops_;
  std::vector<chunk> chunks_;
  std::size_t size_ = 0;
  std::size_t first_capacity_;
};

// Walks the records of a buffer, handing each out as Ref: to be moved from (M&&, buffer_mover) or
// copied (const M&, buffer_copier). A forward iterator, for std::vector's range constructor, which
// counts the records, allocates once and moves or copies each in: no reallocation path (the
// vector's _M_realloc_insert and reserve) is instantiated for the model.
template <class M, class Ref>
class buffer_walker {
 public:
  using iterator_category = std::forward_iterator_tag;
  using value_type = M;
  using difference_type = std::ptrdiff_t;
  using pointer = std::remove_reference_t<Ref>*;
  using reference = Ref;

  buffer_walker() = default;
  buffer_walker(const record_buffer::chunk* chunk, std::size_t at) noexcept : chunk_(chunk), at_(at) {}

  Ref operator*() const noexcept { return static_cast<Ref>(static_cast<M*>(chunk_->data)[at_]); }
  buffer_walker& operator++() noexcept {
    if (++at_ == chunk_->used) {
      ++chunk_;
      at_ = 0;
    }
    return *this;
  }
  buffer_walker operator++(int) noexcept {
    buffer_walker before = *this;
    ++*this;
    return before;
  }
  friend bool operator==(const buffer_walker& a, const buffer_walker& b) noexcept {
    return a.chunk_ == b.chunk_ && a.at_ == b.at_;
  }

 private:
  const record_buffer::chunk* chunk_ = nullptr;
  std::size_t at_ = 0;
};
template <class M>
using buffer_mover = buffer_walker<M, M&&>;
template <class M>
using buffer_copier = buffer_walker<M, const M&>;

// The records of a buffer moved into a vector of their model (the buffer keeps the moved-from
// records, and destroys them).
template <class M>
std::vector<M> vector_from(const record_buffer& buffer) {
  const auto& chunks = buffer.chunks();
  return std::vector<M>(buffer_mover<M>(chunks.data(), 0), buffer_mover<M>(chunks.data() + chunks.size(), 0));
}

// The records of a buffer copied (not moved) into a vector of their model, each pointing at its
// original in the buffer as the row it was read from (record_context::saved: dirty tracking). The
// records share the buffer, which lives as long as one of them, or a copy, does. Copying a record
// costs what moving it does but for text longer than the string's inline buffer; no record gets an
// allocation of its own. A model that cannot be copied is moved, and keeps no snapshot.
template <class M>
std::vector<M> vector_keeping(const std::shared_ptr<record_buffer>& buffer) {
  if constexpr (std::is_copy_constructible_v<M>) {
    const auto& chunks = buffer->chunks();
    std::vector<M> rows(buffer_copier<M>(chunks.data(), 0), buffer_copier<M>(chunks.data() + chunks.size(), 0));
    if (rows.size() < 0xffffffffu) {
      const std::shared_ptr<const void> saved = buffer;
      std::uint32_t row = 0;
      for (M& r : rows) {
        r.ar_context.saved = saved;
        r.ar_context.row = row++;
      }
    }
    return rows;
  } else {
    return vector_from<M>(*buffer);
  }
}

}  // namespace ar::detail

#endif  // AR_DETAIL_RECORD_BUFFER_HPP
