#ifndef AR_LOAD_SWITCHES_HPP
#define AR_LOAD_SWITCHES_HPP

// Whether lazy loads are refused (strict loading) or batched over siblings (automatic batching):
// globally (set_strict_loading(on), set_auto_batching(on)), per query (the adaptors
// ar::strict_loading, ar::no_auto_batching, ar/load/with.hpp: they travel in the records'
// load_context) and per record (set_strict_loading(record, on)).

#include <ar/detail/relation_def.hpp>
#include <ar/export.hpp>
#include <ar/model_traits.hpp>

#include <atomic>
#include <memory>
#include <vector>

namespace ar {

namespace detail {

AR_API inline std::atomic<bool>& strict_loading_flag() {
  static std::atomic<bool> flag{false};
  return flag;
}
AR_API inline std::atomic<bool>& auto_batching_flag() {
  static std::atomic<bool> flag{true};
  return flag;
}

// The context records read together share (record_context::shared): one per collection query, and
// one per batch of rows a lazy or eager load read. What may be shared between threads:
// - the records of one result, each read by one thread (disjoint records), including their lazy
//   loads (batched, at any depth), strict loading and what was eager-loaded: the batches are
//   thread-safe (see batch), and each record's cache is written only by the thread reading it;
// - a record several threads read at once (a belongs_to target several owners share, a row
//   reached from two records): reading its fields and its relations and copying it, lazy loads
//   included, since a lazy load stores a record's value once, under a lock, only while it is not
//   loaded (publish_loaded), and readers and copies see it through the flag's acquire load
//   (relation_slot::loaded);
// - not: writing a record (assigning fields, save, add, associate, reload, clear_relation_cache,
//   ar::load, set_strict_loading(record)) while another thread reads or writes it, nor name_count() on a record
//   another thread reads too (relation_count caches the count without a lock).
// tests/concurrency/shared_records_test.cpp pins this on every backend, under ASan and TSan.
struct load_context {
  bool strict = false;
  bool auto_batch = true;
  // One batch per relation of the model, in declaration order (type-erased batch<Key>).
  std::vector<std::shared_ptr<void>> batches;
};

inline bool strict_for_context(const record_context& context) {
  return strict_loading_flag().load() || context.strict || (context.shared && context.shared->strict);
}

template <class M>
bool strict_for(const M& record) {
  return strict_for_context(record.ar_context);
}

}  // namespace detail

// Turns strict loading on or off for every record (default off).
inline void set_strict_loading(bool on) { detail::strict_loading_flag().store(on); }
// Turns automatic batching of lazy loads on or off for every query (default on).
inline void set_auto_batching(bool on) { detail::auto_batching_flag().store(on); }

// Strict loading for one record: reading a relation it has not loaded throws ar::lazy_load_error.
template <model M>
void set_strict_loading(const M& record, bool on = true) {
  record.ar_context.strict = on;
}
// The first spelling of set_strict_loading(record, on).
template <model M>
[[deprecated("use ar::set_strict_loading(record, on)")]] void set_strict(const M& record, bool on = true) {
  set_strict_loading(record, on);
}

}  // namespace ar

#endif  // AR_LOAD_SWITCHES_HPP
