#ifndef AR_CALLBACKS_HPP
#define AR_CALLBACKS_HPP

// Callbacks: functions that run at a moment of a record's write (a hook), declared in the model
// (AR_CALLBACK(hook, function)) or registered at run time for a model that says so
// (AR_REGISTERED_CALLBACKS; ar::on<Model>(ar::before_save, f)).
//
//   insert:  before_save, before_create, INSERT, after_create, after_save
//   update:  before_save, before_update, UPDATE, after_update, after_save
//   save:    insert's or update's
//   destroy: before_destroy, (dependents,) DELETE, after_destroy
//   after_commit / after_rollback: when the transaction the write ran in commits or rolls back
//
// Rails' order, and its rules:
// - Validations (AR_VALIDATES) run first, before any statement; then the callbacks, each hook's in
//   the order declared, then the registered ones in the order registered.
// - The callbacks and the write run in one transaction: the write's own (BEGIN ... COMMIT) when
//   none is open on the database in this thread, else the program's, joined (no savepoint, as
//   Rails joins it). An exception out of a callback (or the statement) rolls the write's own
//   transaction back, and leaves the record as it was before the call (its fields and its key,
//   what a before_ callback changed too); in a transaction of the program's it propagates, and the
//   program's transaction decides (its scope's end rolls back).
// - A before_ callback that returns bool vetoes the write by returning false: nothing is written,
//   the transaction is rolled back (BEGIN then ROLLBACK are the statements sent; none inside a
//   transaction of the program's), and the write throws ar::callback_vetoed naming the table, the
//   hook and the callback. (A void one cannot veto; one that throws stops the write too.)
// - after_commit runs after the outermost COMMIT of the transaction the write ran in (right after
//   the write when it opened its own), after_rollback after its rollback (or after the rollback
//   of the savepoint it ran in) once the write's statement was made (a vetoed write, or one whose
//   statement failed, made nothing to roll back): both with a copy of the record as the write
//   left it, outside the transaction. An exception of an after_commit is thrown by the commit()
//   (by the write, when it was the write's own transaction) once every one ran: the write
//   stands, and the record is its row; of an after_rollback, by rollback(), and dropped when a
//   scope's end rolled back.
// - update runs no callback, and sends nothing, when no field changed; the before_ callbacks may
//   change fields: what changed after them is written.
// - destroy runs after_destroy (and after_commit / after_rollback) only when a row was deleted; destroy<Model>(db, key) of a model
//   with destroy callbacks reads the record first (one SELECT), as it does for AR_DEPENDENT.
// - AR_DEPENDENT(destroy) destroys each child with ar::destroy: their callbacks run, one SELECT
//   for the children and one DELETE each. AR_DEPENDENT(remove) is one DELETE: no callbacks.
//   insert_all, update_all, delete_all and touch run no callbacks.
// A model with neither clause compiles none of this into its writes.
//
// A callback is a function (a static member function, or &Model::member_function) taking the
// record, or the database and the record: Model& for the save, create and update hooks,
// const Model& for the destroy, commit and rollback hooks. It returns void, or bool for a before_
// hook.

#include <ar/database.hpp>
#include <ar/error.hpp>
#include <ar/model.hpp>
#include <ar/model_traits.hpp>
#include <ar/transaction.hpp>

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace ar {

// The hooks, for ar::on: ar::on<Post>(ar::before_save, f).
template <detail::hook_kind H>
struct hook_t {
  // Which hook this is.
  static constexpr detail::hook_kind kind = H;
};
// The before_save hook: runs before insert and update, after validation; returning false vetoes the write.
inline constexpr hook_t<detail::hook_kind::before_save> before_save{};
// The before_create hook: runs before an insert, after before_save; returning false vetoes it.
inline constexpr hook_t<detail::hook_kind::before_create> before_create{};
// The before_update hook: runs before an update that changes something, after before_save; returning false vetoes it.
inline constexpr hook_t<detail::hook_kind::before_update> before_update{};
// The after_create hook: runs after the INSERT, in its transaction.
inline constexpr hook_t<detail::hook_kind::after_create> after_create{};
// The after_update hook: runs after the UPDATE, in its transaction.
inline constexpr hook_t<detail::hook_kind::after_update> after_update{};
// The after_save hook: runs after after_create / after_update, in the write's transaction.
inline constexpr hook_t<detail::hook_kind::after_save> after_save{};
// The before_destroy hook: runs before a destroy and its dependents; returning false vetoes it.
inline constexpr hook_t<detail::hook_kind::before_destroy> before_destroy{};
// The after_destroy hook: runs after the DELETE removed a row, in its transaction.
inline constexpr hook_t<detail::hook_kind::after_destroy> after_destroy{};
// The after_commit hook: runs once the transaction the write was in has committed.
inline constexpr hook_t<detail::hook_kind::after_commit> after_commit{};
// The after_rollback hook: runs once the transaction (or savepoint) the write was in has rolled back.
inline constexpr hook_t<detail::hook_kind::after_rollback> after_rollback{};

// What ar::on returns: the callback stays registered while it lives (remove() or its destruction
// unregisters it). Movable.
class [[nodiscard]] callback_registration {
 public:
  // Registers nothing.
  callback_registration() = default;
  // Made by ar::on: `remove` unregisters callback `id` of hook `hook`.
  callback_registration(void (*remove)(std::size_t, std::uint64_t), std::size_t hook, std::uint64_t id) noexcept
      : remove_(remove), hook_(hook), id_(id) {}
  // Takes over o's registration; o registers nothing afterwards.
  callback_registration(callback_registration&& o) noexcept
      : remove_(std::exchange(o.remove_, nullptr)), hook_(o.hook_), id_(o.id_) {}
  // Unregisters this one's callback, then takes over o's registration.
  callback_registration& operator=(callback_registration&& o) noexcept {
    if (this != &o) {
      remove();
      remove_ = std::exchange(o.remove_, nullptr);
      hook_ = o.hook_;
      id_ = o.id_;
    }
    return *this;
  }
  callback_registration(const callback_registration&) = delete;
  callback_registration& operator=(const callback_registration&) = delete;
  ~callback_registration() { remove(); }
  // Unregisters the callback now (once; later calls do nothing).
  void remove() noexcept {
    if (remove_) std::exchange(remove_, nullptr)(hook_, id_);
  }
  // Whether the callback is still registered through this object.
  bool active() const noexcept { return remove_ != nullptr; }

 private:
  void (*remove_)(std::size_t, std::uint64_t) = nullptr;
  std::size_t hook_ = 0;
  std::uint64_t id_ = 0;
};

namespace detail {

template <hook_kind... H>
struct hook_seq {};

template <model M>
inline constexpr bool registers_callbacks_v = model_of<M>::registered_callbacks;

// Whether AR_CALLBACK declares a (well-formed) callback of the hook H.
template <model M, hook_kind H>
inline constexpr bool declares_hook_v = []<class... C>(type_list<C...>) {
  return ((C::hook == H && callback_problem_for<M, C::hook, typename C::call>() == callback_problem::none) || ...);
}(typename model_of<M>::callbacks{});

// Whether a write running the hooks H... may have a callback to run: decided at compile time, so
// that a model without callbacks compiles its writes as before.
template <model M, hook_kind... H>
inline constexpr bool may_have_hooks_v = registers_callbacks_v<M> || (declares_hook_v<M, H> || ...);

template <model M>
inline constexpr bool create_callbacks_v =
    may_have_hooks_v<M, hook_kind::before_save, hook_kind::before_create, hook_kind::after_create,
                     hook_kind::after_save, hook_kind::after_commit, hook_kind::after_rollback>;
template <model M>
inline constexpr bool update_callbacks_v =
    may_have_hooks_v<M, hook_kind::before_save, hook_kind::before_update, hook_kind::after_update,
                     hook_kind::after_save, hook_kind::after_commit, hook_kind::after_rollback>;
template <model M>
inline constexpr bool destroy_callbacks_v = may_have_hooks_v<M, hook_kind::before_destroy, hook_kind::after_destroy,
                                                             hook_kind::after_commit, hook_kind::after_rollback>;

// The callbacks ar::on registered for M, per hook. A write reads a hook's list (a shared, immutable
// vector) under the mutex and runs it outside; `counts` lets a write with none skip even that.
template <model M>
struct callback_registry {
  struct entry {
    std::uint64_t id;
    std::string name;
    std::function<bool(const database&, M&)> fn;
  };
  using list = std::vector<entry>;
  std::mutex mutex;
  std::array<std::shared_ptr<const list>, hook_count> lists{};
  std::array<std::atomic<std::size_t>, hook_count> counts{};
  std::uint64_t next_id = 1;

  static callback_registry& get() {
    static callback_registry registry;
    return registry;
  }
  std::shared_ptr<const list> of(hook_kind h) {
    if (counts[static_cast<std::size_t>(h)].load(std::memory_order_acquire) == 0) return nullptr;
    std::lock_guard lock(mutex);
    return lists[static_cast<std::size_t>(h)];
  }
  std::uint64_t add(hook_kind h, std::string name, std::function<bool(const database&, M&)> fn) {
    std::lock_guard lock(mutex);
    auto& slot = lists[static_cast<std::size_t>(h)];
    auto next = slot ? std::make_shared<list>(*slot) : std::make_shared<list>();
    const std::uint64_t id = next_id++;
    next->push_back(entry{id, std::move(name), std::move(fn)});
    counts[static_cast<std::size_t>(h)].store(next->size(), std::memory_order_release);
    slot = std::move(next);
    return id;
  }
  static void remove(std::size_t h, std::uint64_t id) {
    callback_registry& r = get();
    std::lock_guard lock(r.mutex);
    auto& slot = r.lists[h];
    if (!slot) return;
    auto next = std::make_shared<list>();
    for (const entry& e : *slot)
      if (e.id != id) next->push_back(e);
    r.counts[h].store(next->size(), std::memory_order_release);
    slot = std::move(next);
  }
  // Whether any of the hooks has a registered callback now.
  template <hook_kind... H>
  bool any(hook_seq<H...>) const {
    return ((counts[static_cast<std::size_t>(H)].load(std::memory_order_acquire) > 0) || ...);
  }
};

// Calls a callback as its hook calls it; false: a before_ callback vetoed.
template <class F, class R>
bool call_callback(F& f, const database& db, R& record) {
  if constexpr (std::is_invocable_v<F&, const database&, R&>) {
    if constexpr (std::is_same_v<std::invoke_result_t<F&, const database&, R&>, bool>)
      return std::invoke(f, db, record);
    else
      return std::invoke(f, db, record), true;
  } else {
    if constexpr (std::is_same_v<std::invoke_result_t<F&, R&>, bool>)
      return std::invoke(f, record);
    else
      return std::invoke(f, record), true;
  }
}

template <model M, hook_kind H, class Clause, class R>
void run_declared(const database& db, R& record) {
  if constexpr (Clause::hook == H && callback_problem_for<M, H, typename Clause::call>() == callback_problem::none) {
    auto f = typename Clause::make{}();
    if constexpr (hook_changes_record(H)) {
      if (!call_callback(f, db, record))
        throw callback_vetoed(std::string(model_of<M>::table), std::string(hook_name(H)),
                              std::string(Clause::function));
    } else {
      if (!call_callback(f, db, std::as_const(record)))
        throw callback_vetoed(std::string(model_of<M>::table), std::string(hook_name(H)),
                              std::string(Clause::function));
    }
  }
}

// Runs the callbacks of the hook H: the declared ones, then the registered ones. Throws
// ar::callback_vetoed when a before_ one returns false.
template <model M, hook_kind H, class R>
void run_hook(const database& db, R& record) {
  [&]<class... C>(type_list<C...>) { (run_declared<M, H, C>(db, record), ...); }(typename model_of<M>::callbacks{});
  if constexpr (registers_callbacks_v<M>) {
    if (const auto list = callback_registry<M>::get().of(H))
      for (const auto& e : *list)
        if (!e.fn(db, const_cast<M&>(record)))
          throw callback_vetoed(std::string(model_of<M>::table), std::string(hook_name(H)), e.name);
  }
}
template <model M, class R, hook_kind... H>
void run_hooks(const database& db, R& record, hook_seq<H...>) {
  (run_hook<M, H>(db, record), ...);
}

// Whether a write running Before, After and the end hooks has a callback to run at all.
template <model M, hook_kind... B, hook_kind... A>
bool has_callbacks_now(hook_seq<B...>, hook_seq<A...>) {
  if constexpr ((declares_hook_v<M, B> || ...) || (declares_hook_v<M, A> || ...) ||
                declares_hook_v<M, hook_kind::after_commit> || declares_hook_v<M, hook_kind::after_rollback>)
    return true;
  else
    return callback_registry<M>::get().any(hook_seq<B..., A..., hook_kind::after_commit, hook_kind::after_rollback>{});
}

// Runs `write` (which returns whether the after_ callbacks run: false for a destroy that deleted
// nothing) between the Before and the After callbacks, in the write's transaction (its own, or
// the program's, joined). Once the statement is made, after_commit and after_rollback are queued
// on that transaction with a copy of the record (a vetoed or failed write, or a destroy that
// deleted nothing, queues nothing: it made nothing to commit or roll back). A failure leaves a record that may change (R = M) as it was
// before the call.
template <model M, class Before, class After, class R, class Write>
bool with_callbacks(const database& db, R& record, Write&& write) {
  std::optional<transaction> tx;
  bool committed = false;  // an after_commit that throws leaves the record as written: it stands
  if (!db.in_transaction()) {
    tx.emplace(db);
    on_transaction_end(db, [&committed] { committed = true; }, {});
  }
  std::shared_ptr<M> finished;  // the record as the write left it, for after_commit / after_rollback
  const auto written = [&] {
    if constexpr (may_have_hooks_v<M, hook_kind::after_commit, hook_kind::after_rollback>) {
      if (declares_hook_v<M, hook_kind::after_commit> || declares_hook_v<M, hook_kind::after_rollback> ||
          callback_registry<M>::get().any(hook_seq<hook_kind::after_commit, hook_kind::after_rollback>{})) {
        finished = std::make_shared<M>();
        model_of<M>::copy_columns(*finished, record);
        const database on = db;
        on_transaction_end(
            db, [on, finished] { run_hook<M, hook_kind::after_commit>(on, std::as_const(*finished)); },
            [on, finished] { run_hook<M, hook_kind::after_rollback>(on, std::as_const(*finished)); });
      }
    }
  };
  const auto run = [&] {
    run_hooks<M>(db, record, Before{});
    const bool after = write();
    if (after) {
      written();
      run_hooks<M>(db, record, After{});
    }
    if (finished) model_of<M>::copy_columns(*finished, record);  // what the after_ callbacks changed too
    if (tx) tx->commit();
    return after;
  };
  if constexpr (!std::is_const_v<R>) {
    // What to put back when the write fails: the fields and what ar knows of the row.
    M before;
    model_of<M>::copy_columns(before, record);
    const std::shared_ptr<const void> saved = record.ar_context.saved;
    const std::uint32_t row = record.ar_context.row;
    try {
      return run();
    } catch (...) {
      if (committed) throw;
      model_of<M>::copy_columns(record, before);
      record.ar_context.saved = saved;
      record.ar_context.row = row;
      throw;
    }
  } else {
    return run();
  }
}

}  // namespace detail

// Registers `fn` to run at hook H of every write of a record of M (a model declaring
// AR_REGISTERED_CALLBACKS), after the callbacks AR_CALLBACK declares and those registered before
// it; `name` is what ar::callback_vetoed says when it vetoes. Registering is thread-safe; a write
// already running its hook's callbacks runs the list it read.
//
//   auto audit = ar::on<Post>(ar::after_save, [&](const ar::database&, Post& p) { log(p); });
template <model M, detail::hook_kind H, class F>
callback_registration on(hook_t<H>, F fn, std::string name = "a callback registered with ar::on") {
  static_assert(detail::registers_callbacks_v<M>,
                "ar::on<Model>: the model does not declare AR_REGISTERED_CALLBACKS, so its writes run no "
                "registered callback: add the clause to its AR_MODEL");
  static_assert(detail::callback_problem_for<M, H, F>() == detail::callback_problem::none,
                "ar::on: the function cannot be called as this hook's callback: it takes (Model&), or (const "
                "ar::database&, Model&), const Model& for the destroy, commit and rollback hooks, and returns "
                "void (or bool for a before_ hook: false vetoes the write)");
  if constexpr (detail::registers_callbacks_v<M> &&
                detail::callback_problem_for<M, H, F>() == detail::callback_problem::none) {
    auto& registry = detail::callback_registry<M>::get();
    std::function<bool(const database&, M&)> erased;
    if constexpr (detail::hook_changes_record(H))
      erased = [f = std::move(fn)](const database& db, M& r) mutable { return detail::call_callback(f, db, r); };
    else
      erased = [f = std::move(fn)](const database& db, M& r) mutable {
        return detail::call_callback(f, db, std::as_const(r));
      };
    const std::uint64_t id = registry.add(H, std::move(name), std::move(erased));
    return callback_registration(&detail::callback_registry<M>::remove, static_cast<std::size_t>(H), id);
  } else {
    return {};
  }
}

}  // namespace ar

#endif  // AR_CALLBACKS_HPP
