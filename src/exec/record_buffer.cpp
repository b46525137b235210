#include <ar/detail/record_buffer.hpp>

#include <algorithm>
#include <new>

namespace ar::detail {

void* allocate_records(const record_ops& ops, std::size_t n) {
  if (ops.align <= __STDCPP_DEFAULT_NEW_ALIGNMENT__) return ::operator new(n * ops.size);
  return ::operator new(n * ops.size, std::align_val_t(ops.align));
}

void free_records(const record_ops& ops, void* p) noexcept {
  if (ops.align <= __STDCPP_DEFAULT_NEW_ALIGNMENT__)
    ::operator delete(p);
  else
    ::operator delete(p, std::align_val_t(ops.align));
}

record_buffer::~record_buffer() {
  for (const chunk& c : chunks_) {
    ops_->destroy(c.data, c.used);
    free_records(*ops_, c.data);
  }
}

void record_buffer::push(void* record) {
  if (chunks_.empty() || chunks_.back().used == chunks_.back().capacity) {
    // Each chunk doubles the records held so far: a few allocations, and nothing moves.
    const std::size_t capacity = chunks_.empty() ? first_capacity_ : std::max<std::size_t>(size_, 1);
    chunks_.reserve(chunks_.size() + 1);
    void* data = allocate_records(*ops_, capacity);
    chunks_.push_back(chunk{data, capacity, 0});
  }
  chunk& last = chunks_.back();
  ops_->move_construct(static_cast<char*>(last.data) + last.used * ops_->size, record);
  ++last.used;
  ++size_;
}

std::vector<const void*> record_buffer::pointers() const {
  std::vector<const void*> out;
  out.reserve(size_);
  for (const chunk& c : chunks_)
    for (std::size_t i = 0; i < c.used; ++i) out.push_back(static_cast<const char*>(c.data) + i * ops_->size);
  return out;
}

const void* record_buffer::at(std::size_t index) const noexcept {
  for (const chunk& c : chunks_) {
    if (index < c.used) return static_cast<const char*>(c.data) + index * ops_->size;
    index -= c.used;
  }
  return nullptr;
}

void record_buffer::sink(void* buffer, void* record) { static_cast<record_buffer*>(buffer)->push(record); }

}  // namespace ar::detail
