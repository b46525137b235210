#ifndef AR_CRUD_HPP
#define AR_CRUD_HPP

// Create, read, update, destroy. Every function takes the database first, or uses the one the
// model is bound to (ar::bind<M>, else the default database). Every value is a bound parameter.
//
//   ar::insert(user);                    // INSERT, writes the generated key back into user.id
//   user.age = 42; ar::update(user);     // UPDATE age alone, by primary key; ar::record_not_found if gone
//   ar::changed(user), ar::changed(user, User::c.age), ar::changes(user)  // dirty tracking
//   ar::refresh(user);                   // the row read again: nothing has changed any more
//   ar::save(user);                      // insert when new (key 0), else update
//   std::optional<User> u = ar::find<User>(7);
//   User v = ar::find_or_throw<User>(7); // ar::record_not_found when there is no such row
//   ar::destroy(user);                   // DELETE by primary key; false when nothing was there
//   ar::insert_all(users);               // one multi-row INSERT per batch, keys written back
//   ar::insert_all(users, ar::without_keys);  // the same statements without RETURNING: no key read
//   ar::insert_all(users, ar::on_conflict(User::c.email).update(User::c.name));  // upsert
//   ar::insert_all(users, ar::on_conflict().ignore());  // skip the rows a unique key already holds
//   ar::touch(user);                     // AR_TIMESTAMPS: UPDATE of updated_at alone
//   ar::insert(user, ar::skip_validation);  // AR_VALIDATES: write without validating
//   AR_CALLBACK(before_save, f)          // callbacks around insert, update, save, destroy (ar/callbacks.hpp)

#include <ar/callbacks.hpp>
#include <ar/database.hpp>
#include <ar/detail/crud_sql.hpp>
#include <ar/detail/execute.hpp>
#include <ar/detail/insert_rows.hpp>
#include <ar/error.hpp>
#include <ar/export.hpp>
#include <ar/model.hpp>
#include <ar/transaction.hpp>
#include <ar/validation.hpp>
#include <ar/value.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace ar {

namespace detail {

// Whether a model has a belongs_to pointing at itself (a tree): updates check for cycles.
template <model M>
inline constexpr bool has_self_reference_v = []<class... R>(type_list<R...>) {
  return ((R::kind == relation_kind::belongs_to && std::is_same_v<typename R::owner, typename R::target>) || ...);
}(typename model_of<M>::relations{});

// A key as messages show it: 42, 'abc', or (1, 2) for a composite key.
template <model M>
std::string key_string(const key_type_of<M>& key) {
  if constexpr (model_of<M>::key_arity == 1) {
    return to_string(to_value(key));
  } else {
    const auto values =
        std::apply([](const auto&... k) { return std::array<value, sizeof...(k)>{to_value(k)...}; }, key);
    return key_text(values);
  }
}

// Where a key's values are, in key order (read as parameters, nothing is written through them).
template <model M>
std::array<column_binding, model_of<M>::key_arity> key_bindings(const key_type_of<M>& key) noexcept {
  if constexpr (model_of<M>::key_arity == 1)
    return {bind_column(const_cast<key_type_of<M>&>(key))};
  else
    return std::apply(
        [](const auto&... k) {
          return std::array<column_binding, model_of<M>::key_arity>{
              bind_column(const_cast<std::remove_cvref_t<decltype(k)>&>(k))...};
        },
        key);
}

// The error for a key of the wrong type or arity, as one sentence.
template <model M, class K>
void refuse_key() {
  static_assert(always_false<K>,
                "ar: this key is not the model's primary key type: a model with AR_PRIMARY_KEY(a, b, ...) takes a "
                "std::tuple of its key fields' types, in that order (find<M>(db, {a, b})); a model with one key field "
                "takes a value of that field's type");
}

template <model M>
bool has_generated_key_unset(const M& record) {
  if constexpr (model_of<M>::generated_key)
    return primary_key(record) == key_type_of<M>{};
  else
    return false;
}

// --- timestamps (AR_TIMESTAMPS, AR_CREATED_AT, AR_UPDATED_AT) ----------------------------------

template <model M>
inline constexpr std::size_t created_at_v = model_of<M>::created_at_index;
template <model M>
inline constexpr std::size_t updated_at_v = model_of<M>::updated_at_index;
template <model M>
inline constexpr bool has_timestamps_v = created_at_v<M> != npos || updated_at_v<M> != npos;

template <class List, std::size_t I>
struct type_at;
template <class T, class... Rest>
struct type_at<type_list<T, Rest...>, 0> {
  using type = T;
};
template <class T, class... Rest, std::size_t I>
struct type_at<type_list<T, Rest...>, I> : type_at<type_list<Rest...>, I - 1> {};

// The field of the column at position P.
template <std::size_t P, model M>
auto& field_at(M& record) noexcept {
  return record.*type_at<typename model_of<M>::columns, P>::type::pointer;
}

// The program's clock, to the microsecond every backend stores: the record holds what its row
// holds, and a record read back compares equal.
inline time_point stamp_now() noexcept {
  return std::chrono::time_point_cast<time_point::duration>(
      std::chrono::floor<std::chrono::microseconds>(std::chrono::system_clock::now()));
}

// A timestamp field the program left as it was made: the default ar::time_point, or no value.
template <class T>
bool stamp_unset(const T& field) noexcept {
  if constexpr (is_optional_v<T>)
    return !field.has_value();
  else
    return field == time_point{};
}

// What a record's timestamp fields held before a write filled them, to put back if it fails.
using stamp_backup = std::array<std::optional<time_point>, 2>;

template <std::size_t P, model M>
void keep_stamp(M& record, std::optional<time_point>& out) {
  if constexpr (P != npos) out = field_at<P>(record);
}
template <std::size_t P, model M>
void restore_stamp(M& record, const std::optional<time_point>& old) {
  if constexpr (P != npos) {
    auto& field = field_at<P>(record);
    if constexpr (is_optional_v<std::remove_cvref_t<decltype(field)>>)
      field = old;
    else
      field = *old;
  }
}
template <std::size_t P, model M>
void fill_unset_stamp(M& record, time_point now) {
  if constexpr (P != npos)
    if (stamp_unset(field_at<P>(record))) field_at<P>(record) = now;
}

// An insert's timestamps: each one the program left unset is `now` (one the program set is kept,
// as Rails keeps it). Returns what they held.
template <model M>
stamp_backup stamp_insert(M& record, time_point now) {
  stamp_backup old;
  keep_stamp<created_at_v<M>>(record, old[0]);
  keep_stamp<updated_at_v<M>>(record, old[1]);
  fill_unset_stamp<created_at_v<M>>(record, now);
  fill_unset_stamp<updated_at_v<M>>(record, now);
  return old;
}
template <model M>
void unstamp(M& record, const stamp_backup& old) noexcept {
  restore_stamp<created_at_v<M>>(record, old[0]);
  restore_stamp<updated_at_v<M>>(record, old[1]);
}

// Runs `write` after filling the timestamps of `records` (one clock reading for them all); a
// failed write puts every record's timestamps back.
template <model M, class Write>
decltype(auto) with_insert_stamps(M* records, std::size_t size, Write&& write) {
  if constexpr (has_timestamps_v<M>) {
    const time_point now = stamp_now();
    std::vector<stamp_backup> old(size);
    for (std::size_t i = 0; i < size; ++i) old[i] = stamp_insert(records[i], now);
    try {
      return write();
    } catch (...) {
      for (std::size_t i = 0; i < size; ++i) unstamp(records[i], old[i]);
      throw;
    }
  } else {
    return write();
  }
}

template <model M>
void refuse_const_stamped_records() {
  static_assert(!has_timestamps_v<M>,
                "ar::insert_all(..., ar::without_keys) of const records of a model with AR_TIMESTAMPS: the insert "
                "writes the timestamps into the records, so pass records that are not const");
}

// The records of an array, for the compiled insert path (ar/detail/insert_rows.hpp). Plain
// pointers and loops: a std::span per model costs its range concepts at every instantiation.
template <model M>
record_rows record_rows_of(const M* records, std::size_t size) noexcept {
  return {&table_meta_v<M>, records, size, &record_ops_v<M>};
}

// insert_all: the records' generated keys are written back.
template <model M>
void insert_all_records(const database& db, M* records, std::size_t size) {
  record_rows rows = record_rows_of<M>(records, size);
  rows.write_keys = model_of<M>::generated_key;
  with_insert_stamps(records, size, [&] { insert_rows(db, rows); });
}

// The row of `table` whose key is `key`, read into `record` (bound by `ops`); false when there is
// none (compiled once, in src/query/crud.cpp).
AR_API bool find_row(const database& db, const table_meta& table, const record_ops& ops, void* record,
                     std::span<const column_binding> key);
// UPDATE every column but the key, by key (`columns`: a record's bound columns); throws
// ar::record_not_found when no row has the key.
AR_API void update_row(const database& db, const table_meta& table, std::span<const column_binding> columns);

// Dirty tracking (compiled once, in src/query/crud.cpp). The positions of the columns a partial
// update writes: every column whose value differs from `saved` (the row as stored), every one when
// `saved` is empty (a record ar never stored or read), never the key or the lock version.
AR_API void changed_columns(const table_meta& table, std::span<const column_binding> columns,
                            std::span<const column_binding> saved, std::vector<std::size_t>& out);
AR_API bool column_changed(const column_binding& now, const column_binding& saved, const table_meta& table,
                           std::size_t position);
// UPDATE the columns `which` by key (and, with AR_LOCK_VERSION, the version raised and checked):
// ar::record_not_found when no row has the key, ar::stale_record_error when a locked row is not
// at the record's version.
AR_API void update_columns(const database& db, const table_meta& table, std::span<const column_binding> columns,
                           std::span<const std::size_t> which);
// DELETE by key and lock version; ar::stale_record_error when no row matches both.
AR_API bool delete_locked_row(const database& db, const table_meta& table, std::span<const column_binding> columns);

// The record's row as ar last saw it stored (read, inserted, updated, reloaded): a record of its
// model, or null for a record the program built.
template <model M>
const M* saved_row(const M& record) noexcept {
  const record_context& c = record.ar_context;
  if (!c.saved) return nullptr;
  if (c.row == record_context::own_row) return static_cast<const M*>(c.saved.get());
  return static_cast<const M*>(static_cast<const record_buffer*>(c.saved.get())->at(c.row));
}

// Whether a model declares AR_LOCK_VERSION.
template <model M>
inline constexpr bool locked_v = table_meta_v<M>.locked();

inline void raise_version(const column_binding& version) noexcept {
  if (version.type == value_type::int64)
    ++*static_cast<std::int64_t*>(version.target);
  else
    ++*static_cast<std::int32_t*>(version.target);
}

using create_hooks_before = hook_seq<hook_kind::before_save, hook_kind::before_create>;
using create_hooks_after = hook_seq<hook_kind::after_create, hook_kind::after_save>;
using update_hooks_before = hook_seq<hook_kind::before_save, hook_kind::before_update>;
using update_hooks_after = hook_seq<hook_kind::after_update, hook_kind::after_save>;
using destroy_hooks_before = hook_seq<hook_kind::before_destroy>;
using destroy_hooks_after = hook_seq<hook_kind::after_destroy>;

// An insert's statement (`write`), with the create callbacks around it when the model has some
// (ar/callbacks.hpp); a model without compiles `write()` alone.
template <model M, class Write>
void create_record(const database& db, M& record, Write&& write) {
  if constexpr (create_callbacks_v<M>) {
    if (has_callbacks_now<M>(create_hooks_before{}, create_hooks_after{})) {
      with_callbacks<M, create_hooks_before, create_hooks_after>(db, record, [&] {
        write();
        return true;
      });
      return;
    }
  }
  write();
}

template <model M, class Columns>
void write_update(const database& db, const M& record, M* writable, const Columns& columns,
                  std::vector<std::size_t>& which, const M* saved);

template <model M>
void changed_columns_of(const M& record, const M* saved, std::vector<std::size_t>& which) {
  if (saved)
    changed_columns(table_meta_v<M>, columns_of(record), columns_of(*saved), which);
  else
    changed_columns(table_meta_v<M>, columns_of(record), {}, which);
}

// update: only the columns that changed since the row was read or saved; no statement when none
// did (no validation, no callback either). `writable` is the record when its lock version or
// timestamp may be written, or callbacks run (null for a const record of a model with none of them).
template <model M>
void update_record(const database& db, const M& record, M* writable, bool validate) {
  static_assert(model_of<M>::size > model_of<M>::key_arity,
                "ar::update needs a model with a column besides its primary key (every column of this model is "
                "in its key: there is nothing to update)");
  const auto columns = columns_of(record);
  std::vector<std::size_t> which;
  const M* saved = saved_row(record);
  if (saved)
    changed_columns(table_meta_v<M>, columns, columns_of(*saved), which);
  else
    changed_columns(table_meta_v<M>, columns, {}, which);
  if (which.empty()) return;  // nothing changed: no statement
  if constexpr (has_validations_v<M>)
    if (validate) validate_or_throw(db, record, true, which, saved == nullptr);
  (void)validate;
  if constexpr (update_callbacks_v<M>) {
    if (has_callbacks_now<M>(update_hooks_before{}, update_hooks_after{})) {
      with_callbacks<M, update_hooks_before, update_hooks_after>(db, *writable, [&] {
        // The before_ callbacks may have changed fields: what differs now is written.
        which.clear();
        changed_columns_of(record, saved, which);
        if (!which.empty()) write_update(db, record, writable, columns, which, saved);
        return true;
      });
      return;
    }
  }
  write_update(db, record, writable, columns, which, saved);
}

// The UPDATE of the columns `which` (by key; and lock version), with the updated timestamp.
template <model M, class Columns>
void write_update(const database& db, const M& record, M* writable, const Columns& columns,
                  std::vector<std::size_t>& which, const M* saved) {
  // Only a parent key that is written can close a cycle (a record without a snapshot writes all).
  if constexpr (has_self_reference_v<M>) check_no_cycle(db, record, saved ? &which : nullptr);
  if constexpr (updated_at_v<M> != npos) {
    // updated_at is the clock's, unless the program changed it itself (for a record ar never
    // read: set it to a value of its own); the column joins the partial update.
    constexpr std::size_t at = updated_at_v<M>;
    auto& stamp = field_at<at>(*writable);
    const auto old = stamp;
    const auto place = std::lower_bound(which.begin(), which.end(), at);
    const bool listed = place != which.end() && *place == at;
    if (saved ? !listed : stamp_unset(stamp)) {
      stamp = stamp_now();
      if (!listed) which.insert(place, at);
    }
    try {
      update_columns(db, table_meta_v<M>, columns, which);
    } catch (...) {
      stamp = old;
      throw;
    }
  } else {
    update_columns(db, table_meta_v<M>, columns, which);
  }
  if constexpr (locked_v<M>) raise_version(columns[table_meta_v<M>.lock_version]);
  (void)writable;
  (void)saved;
  remember_row(record);
}

// DELETE of a record: by key, and by key and lock version for a model with AR_LOCK_VERSION.
template <model M>
bool delete_record(const database& db, const M& record);

template <model M>
void require_default_constructible() {
  static_assert(std::is_default_constructible_v<M>,
                "ar fills records from rows: the model needs a default constructor");
}

}  // namespace detail

// INSERT. A generated key that is still 0 is left to the database and written back.
// A record whose key the program chose, in a tree (a self-referential belongs_to), is checked as
// update checks it: its parent must not be itself or one of the rows already pointing at its key.
namespace detail {
template <model M>
void insert_row(const database& db, M& record, bool generate) {
  auto& state = detail::state_of(db);
  if constexpr (detail::has_self_reference_v<M>)
    if (!generate) detail::check_no_cycle(db, record);
  detail::parameter_list params(db.dialect());
  detail::append_values(record, params, !generate);
  if (!generate) {
    detail::run(state, detail::crud_sql(state, table_meta_v<M>, detail::crud_kind::insert_with_key), params.span());
    detail::remember_row(record);
    return;
  }
  if constexpr (model_of<M>::generated_key) {
    const std::string& sql = detail::crud_sql(state, table_meta_v<M>, detail::crud_kind::insert);
    detail::column_binding key = detail::bind_column(primary_key(record));
    try {
      if (db.dialect().supports_returning()) {
        detail::run(state, sql, params.span(), {&key, 1});
      } else {
        // The generated key is per session: both statements run on one connection.
        detail::connection_pin pin(state);
        detail::run(pin, sql, params.span());
        detail::run(pin, db.dialect().last_insert_id_sql(), {}, {&key, 1});
      }
    } catch (...) {
      // A failed insert leaves the key as it was (still unset), even when the statement failed after
      // its RETURNING row came back (a deferred constraint checked at the implicit commit).
      primary_key(record) = key_type_of<M>{};
      throw;
    }
    detail::remember_row(record);
  }
}
}  // namespace detail

// With AR_VALIDATES, the record is validated first (ar::validation_error, nothing written); with
// AR_TIMESTAMPS, the timestamps the program left unset are the clock's (put back if the insert fails).
// With callbacks (AR_CALLBACK, ar/callbacks.hpp), they run around the INSERT, after validation.
template <model M>
void insert(const database& db, M& record) {
  const bool generate = detail::has_generated_key_unset(record);
  if constexpr (detail::has_validations_v<M>) detail::validate_or_throw(db, record, !generate);
  detail::create_record(
      db, record, [&] { detail::with_insert_stamps(&record, 1, [&] { detail::insert_row(db, record, generate); }); });
}
// insert without running the record's validations (ar::skip_validation).
template <model M>
void insert(const database& db, M& record, skip_validation_t) {
  const bool generate = detail::has_generated_key_unset(record);
  detail::create_record(
      db, record, [&] { detail::with_insert_stamps(&record, 1, [&] { detail::insert_row(db, record, generate); }); });
}

// UPDATE, by key, the columns that changed since the record was read or last written (every column
// but the key for a record the program built); no statement at all when nothing changed. Throws
// ar::record_not_found when no row has the key. With AR_LOCK_VERSION the row is found by key and
// the version read, the version is raised by one (in the row and in the record), and a row that
// has moved on throws ar::stale_record_error, nothing written.
// With AR_TIMESTAMPS the updated field joins the columns written, set to the clock (unless the
// program changed it itself); with AR_VALIDATES the record is validated first.
template <model M>
void update(const database& db, M& record) {
  detail::update_record(db, static_cast<const M&>(record), &record, true);
}
// update without running the record's validations (ar::skip_validation).
template <model M>
void update(const database& db, M& record, skip_validation_t) {
  detail::update_record(db, static_cast<const M&>(record), &record, false);
}
namespace detail {
template <model M>
void refuse_const_update() {
  static_assert(!update_callbacks_v<M>,
                "ar::update of a const record of a model with callbacks (AR_CALLBACK, AR_REGISTERED_CALLBACKS): "
                "before_save and before_update may change the record, so pass a record that is not const");
  static_assert(!detail::locked_v<M>,
                "ar::update of a const record of a model with AR_LOCK_VERSION: the update raises the record's "
                "lock version, so pass a record that is not const");
  static_assert(detail::updated_at_v<M> == detail::npos,
                "ar::update of a const record of a model with AR_TIMESTAMPS / AR_UPDATED_AT: the update sets the "
                "record's updated field, so pass a record that is not const");
}
}  // namespace detail
// update of a record that cannot take back what the database sets: refused at compile time for a
// model with AR_LOCK_VERSION or an updated-at timestamp.
template <model M>
void update(const database& db, const M& record) {
  detail::refuse_const_update<M>();
  detail::update_record(db, record, static_cast<M*>(nullptr), true);
}
// The const update without running the record's validations (ar::skip_validation).
template <model M>
void update(const database& db, const M& record, skip_validation_t) {
  detail::refuse_const_update<M>();
  detail::update_record(db, record, static_cast<M*>(nullptr), false);
}

// AR_TIMESTAMPS / AR_UPDATED_AT: sets the updated field to the clock and writes it alone (one
// UPDATE by key; with AR_LOCK_VERSION the version is raised and checked as update does). Other
// changes of the record stay pending; no validation runs. A failed write leaves the field as it was.
template <model M>
void touch(const database& db, M& record) {
  static_assert(detail::updated_at_v<M> != detail::npos,
                "ar::touch of a model without AR_TIMESTAMPS or AR_UPDATED_AT: touch sets the updated field, so "
                "declare one");
  if constexpr (detail::updated_at_v<M> != detail::npos) {
    constexpr std::size_t at = detail::updated_at_v<M>;
    auto& stamp = detail::field_at<at>(record);
    const auto old = stamp;
    stamp = detail::stamp_now();
    const auto columns = detail::columns_of(record);
    const std::array<std::size_t, 1> which{at};
    try {
      detail::update_columns(db, table_meta_v<M>, columns, which);
    } catch (...) {
      stamp = old;
      throw;
    }
    if constexpr (detail::locked_v<M>) detail::raise_version(columns[table_meta_v<M>.lock_version]);
    // The row as stored changed in the columns written alone: other pending changes stay pending.
    if (const M* saved = detail::saved_row(record)) {
      auto row = std::make_shared<M>();
      model_of<M>::copy_columns(*row, *saved);
      detail::field_at<at>(*row) = stamp;
      if constexpr (detail::locked_v<M>)
        detail::field_at<table_meta_v<M>.lock_version>(*row) = detail::field_at<table_meta_v<M>.lock_version>(record);
      record.ar_context.saved = std::move(row);
      record.ar_context.row = detail::record_context::own_row;
    }
  }
}

namespace detail {
template <model M>
void save_record(const database& db, M& record, bool validate) {
  if constexpr (model_of<M>::generated_key) {
    if (detail::has_generated_key_unset(record)) {
      if constexpr (has_validations_v<M>)
        if (validate) validate_or_throw(db, record, false);
      create_record(db, record, [&] { with_insert_stamps(&record, 1, [&] { insert_row(db, record, true); }); });
    } else {
      update_record(db, static_cast<const M&>(record), &record, validate);
    }
  } else {
    if (const M* saved = detail::saved_row(record); saved && primary_key(*saved) == primary_key(record)) {
      if constexpr (model_of<M>::size > model_of<M>::key_arity)
        update_record(db, static_cast<const M&>(record), &record, validate);
      return;  // a model whose every column is its key: the row is there, nothing else to write
    }
    if constexpr (has_validations_v<M>)
      if (validate) validate_or_throw(db, record, true);
    (void)validate;
    if constexpr (detail::has_self_reference_v<M>) detail::check_no_cycle(db, record);
    create_record(db, record, [&] {
      with_insert_stamps(&record, 1, [&] {
        auto& state = detail::state_of(db);
        detail::parameter_list params(db.dialect());
        detail::append_values(record, params, true);
        detail::run(state, detail::crud_sql(state, table_meta_v<M>, detail::crud_kind::upsert), params.span());
      });
      detail::remember_row(record);
    });
  }
}
}  // namespace detail

// Insert when new, else update (only what changed). "New" means a generated key that is still 0; a
// record of a model whose key the program supplies is updated when ar read or wrote its row (under
// the same key), else written with one insert-or-update statement (every column; its timestamps
// filled as insert fills them). Validations and timestamps as insert and update.
template <model M>
void save(const database& db, M& record) {
  detail::save_record(db, record, true);
}
// save without running the record's validations (ar::skip_validation).
template <model M>
void save(const database& db, M& record, skip_validation_t) {
  detail::save_record(db, record, false);
}

// The record with this primary key, if there is one.
template <model M>
std::optional<M> find(const database& db, const key_type_of<M>& key) {
  detail::require_default_constructible<M>();
  std::optional<M> found(std::in_place);
  if (!detail::find_row(db, table_meta_v<M>, detail::record_ops_v<M>, &*found, detail::key_bindings<M>(key)))
    found.reset();
  else
    detail::remember_row(*found);
  return found;
}
// A key of the wrong type: a compile error that names the model and the key's type.
template <model M, class K>
  requires(!std::is_convertible_v<const K&, key_type_of<M>>)
std::optional<M> find(const database&, const K&) {
  detail::refuse_key<M, K>();
  return std::nullopt;
}

// The record with this primary key; throws ar::record_not_found when there is none.
template <model M>
M find_or_throw(const database& db, const key_type_of<M>& key) {
  if (auto found = find<M>(db, key)) return std::move(*found);
  throw record_not_found(std::string(model_of<M>::table), detail::key_string<M>(key));
}
// A key of the wrong type: a compile error that names the model and the key's type.
template <model M, class K>
  requires(!std::is_convertible_v<const K&, key_type_of<M>>)
M find_or_throw(const database&, const K&) {
  detail::refuse_key<M, K>();
  throw;
}

// Reads the record's row again (by key) into its fields (ar::refresh: ar::reload is the tag that
// reloads a relation): afterwards nothing has changed. Throws
// ar::record_not_found when the row is gone. Relation caches are left as they are.
template <model M>
void refresh(const database& db, M& record) {
  std::optional<M> fresh = find<M>(db, primary_key(record));
  if (!fresh) throw record_not_found(std::string(model_of<M>::table), detail::key_string<M>(primary_key(record)));
  model_of<M>::copy_columns(record, *fresh);
  record.ar_context.saved = std::move(fresh->ar_context.saved);
  record.ar_context.row = detail::record_context::own_row;
}

namespace detail {
template <model M>
inline constexpr bool has_dependents_v = []<class... R>(type_list<R...>) {
  return ((R::dependent != dependent_kind::none) || ...);
}(typename model_of<M>::relations{});
}  // namespace detail

namespace detail {
// The DELETE of one row by key, nothing else.
template <model M>
bool delete_row(const database& db, const key_type_of<M>& key) {
  auto& state = detail::state_of(db);
  const auto bound = key_bindings<M>(key);
  std::array<value, model_of<M>::key_arity> params;
  for (std::size_t k = 0; k < params.size(); ++k)
    params[k] = value_of(bound[k], &table_meta_v<M>, model_of<M>::key_indices[k]);
  return run(state, crud_sql(state, table_meta_v<M>, crud_kind::destroy), params).rows_affected > 0;
}
}  // namespace detail

// DELETE by primary key; true when a row was deleted. A model with AR_DEPENDENT relations is
// read first, so that its dependents can be handled (see destroy).
template <model M>
bool destroy(const database& db, const M& record);

//   ar::destroy<Post>(db, 42);  // the model named, as find<Post>(db, 42)
template <model M>
bool destroy(const database& db, const key_type_of<M>& key) {
  if constexpr (detail::has_dependents_v<M> || detail::destroy_callbacks_v<M>) {
    // The record is read so that its dependents are handled and its callbacks see it.
    if (detail::has_dependents_v<M> ||
        detail::has_callbacks_now<M>(detail::destroy_hooks_before{}, detail::destroy_hooks_after{})) {
      if (auto record = find<M>(db, key)) return destroy(db, *record);
      return false;
    }
  }
  return detail::delete_row<M>(db, key);
}
// A key of the wrong type: a compile error that names the model and the key's type.
template <model M, class K>
  requires(!std::is_convertible_v<const K&, key_type_of<M>>)
bool destroy(const database&, const K&) {
  detail::refuse_key<M, K>();
  return false;
}
// The first spelling of destroy<M>(db, key).
template <model M>
[[deprecated("use ar::destroy<Model>(db, key)")]] bool destroy_by_key(const database& db, const key_type_of<M>& key) {
  return destroy<M>(db, key);
}

// DELETE by primary key; true when a row was deleted. With AR_DEPENDENT relations, their rows are
// handled first, in one transaction (destroy_with_dependents, ar/relation.hpp: a model with
// relations is defined where that header is, so it is defined wherever this is called).
// With callbacks (ar/callbacks.hpp), before_destroy runs first (before the dependents), and
// after_destroy when a row was deleted.
template <model M>
bool destroy(const database& db, const M& record) {
  const auto write = [&] {
    if constexpr (detail::has_dependents_v<M>)
      return detail::destroy_with_dependents(db, record);
    else
      return detail::delete_record(db, record);
  };
  if constexpr (detail::destroy_callbacks_v<M>) {
    if (detail::has_callbacks_now<M>(detail::destroy_hooks_before{}, detail::destroy_hooks_after{}))
      return detail::with_callbacks<M, detail::destroy_hooks_before, detail::destroy_hooks_after>(db, record, write);
  }
  return write();
}

namespace detail {
template <model M>
bool delete_record(const database& db, const M& record) {
  if constexpr (locked_v<M>)
    return delete_locked_row(db, table_meta_v<M>, columns_of(record));
  else
    return delete_row<M>(db, primary_key(record));
}
}  // namespace detail

// --- dirty tracking ---------------------------------------------------------------------------

// One field whose value differs from the record's row as stored: the field's name, and its value
// there (`before`; std::monostate when ar never stored or read the record) and in the record.
struct change {
  // The field's name, as declared.
  std::string_view field;
  // Its value in the row as stored (std::monostate when ar never stored or read the record).
  value before;
  // Its value in the record.
  value after;
};

// Whether any field differs from the row as ar last read or wrote it. A record the program built
// (never inserted or read) has changed. Compares the fields: costs no statement.
template <model M>
bool changed(const M& record) {
  const M* saved = detail::saved_row(record);
  if (!saved) return true;
  const auto now = detail::columns_of(record);
  const auto before = detail::columns_of(*saved);
  for (std::size_t i = 0; i < now.size(); ++i)
    if (detail::column_changed(now[i], before[i], table_meta_v<M>, i)) return true;
  return false;
}

// Whether one field differs: ar::changed(user, User::c.name).
template <model M, int I>
bool changed(const M& record, column<M, I>) {
  const M* saved = detail::saved_row(record);
  if (!saved) return true;
  constexpr std::size_t at = detail::column_lookup<M, I>::position;
  return detail::column_changed(detail::columns_of(record)[at], detail::columns_of(*saved)[at], table_meta_v<M>, at);
}

// Every field that differs, in field order, with its value before and after (every field, before
// std::monostate, for a record the program built).
template <model M>
std::vector<change> changes(const M& record) {
  std::vector<change> out;
  const M* saved = detail::saved_row(record);
  const auto now = detail::columns_of(record);
  if (!saved) {
    for (std::size_t i = 0; i < now.size(); ++i)
      out.push_back(change{table_meta_v<M>.columns[i].field, value{}, detail::value_of(now[i], &table_meta_v<M>, i)});
    return out;
  }
  const auto before = detail::columns_of(*saved);
  for (std::size_t i = 0; i < now.size(); ++i)
    if (detail::column_changed(now[i], before[i], table_meta_v<M>, i))
      out.push_back(change{table_meta_v<M>.columns[i].field, detail::value_of(before[i], &table_meta_v<M>, i),
                           detail::value_of(now[i], &table_meta_v<M>, i)});
  return out;
}

// Inserts many records with one multi-row INSERT per batch (as many rows as the backend's
// parameter limit allows, and, where the backend limits a statement's size, as its bytes allow),
// writing generated keys back. More than one batch runs in a transaction, unless one is already
// open on the database. (The batching is compiled once, in src/exec/insert_rows.cpp.)
template <model M>
void insert_all(const database& db, std::span<M> records) {
  detail::insert_all_records<M>(db, records.data(), records.size());
}

// insert_all of a vector's records, writing generated keys back.
template <model M>
void insert_all(const database& db, std::vector<M>& records) {
  detail::insert_all_records<M>(db, records.data(), records.size());
}

// Asks insert_all not to read the generated keys back (the records are const: nothing is written).
struct without_keys_t {
  explicit without_keys_t() = default;
};
// The tag that asks insert_all not to read generated keys back.
inline constexpr without_keys_t without_keys{};

// Inserts many records as insert_all does, in the same statements, batches and transaction, but
// without RETURNING: no key is read back and the records are left as they are (a record with a key
// set is inserted with it). Returns the number of rows inserted.
template <model M>
std::size_t insert_all(const database& db, std::span<const M> records, without_keys_t) {
  detail::refuse_const_stamped_records<M>();
  return detail::insert_rows(db, detail::record_rows_of<M>(records.data(), records.size()));
}
template <model M>
std::size_t insert_all(const database& db, std::span<M> records, without_keys_t) {
  return detail::with_insert_stamps(records.data(), records.size(), [&] {
    return detail::insert_rows(db, detail::record_rows_of<M>(records.data(), records.size()));
  });
}
// insert_all without_keys of a vector's records.
template <model M>
std::size_t insert_all(const database& db, const std::vector<M>& records, without_keys_t) {
  detail::refuse_const_stamped_records<M>();
  return detail::insert_rows(db, detail::record_rows_of<M>(records.data(), records.size()));
}

// Upserts: insert_all(records, on_conflict(columns...).update(columns...)) inserts each record, or,
// where a row already holds the same values in the unique key `columns` name, updates that row's
// update columns to the record's values; on_conflict(columns...).ignore() (or on_conflict().ignore(),
// any unique key) keeps the row there and skips the record. The same batches, statements and
// transaction as insert_all. Keys: with update, every record that leaves its key to the database
// gets the key of the row it inserted or updated (RETURNING); with ignore, nothing is read back and
// such records keep the key 0 (a skipped record has no row of its own). MariaDB cannot name the
// unique key: there any unique key's conflict updates or skips (ON DUPLICATE KEY UPDATE).
template <class M, class Target, class Update>
struct conflict_clause;
// An upsert's conflict clause on M's unique key T...: update the columns U..., or ignore (none).
template <class M, int... T, int... U>
struct conflict_clause<M, std::integer_sequence<int, T...>, std::integer_sequence<int, U...>> {
  // The model whose rows are upserted.
  using model_type = M;
  // The positions of the unique key's columns.
  static constexpr std::array<std::size_t, sizeof...(T)> target{detail::column_lookup<M, T>::position...};
  // The positions of the columns set on a conflict.
  static constexpr std::array<std::size_t, sizeof...(U)> update{detail::column_lookup<M, U>::position...};
  // Whether a conflict skips the record (no update column).
  static constexpr bool ignores = sizeof...(U) == 0;
};
// on_conflict().ignore(): any unique key's conflict skips the record.
template <int... T, int... U>
struct conflict_clause<void, std::integer_sequence<int, T...>, std::integer_sequence<int, U...>> {
  // No model: any model's records.
  using model_type = void;
  // No column: any unique key.
  static constexpr std::array<std::size_t, 0> target{};
  // No column is set.
  static constexpr std::array<std::size_t, 0> update{};
  // A conflict skips the record.
  static constexpr bool ignores = true;
};

namespace detail {
// One column of on_conflict(...).update(...): of the conflict's model, not its primary key (Field
// names it in the compiler's note on a failed check).
template <class M, class Of, int I, class Field = typename column_lookup<Of, I>::def::name_type>
constexpr void check_conflict_update() {
  static_assert(std::is_same_v<Of, M>,
                "ar::on_conflict(...).update: a column to update belongs to another model than the conflict's "
                "columns");
  if constexpr (std::is_same_v<Of, M>)
    static_assert(!table_meta_v<M>.is_key(column_lookup<M, I>::position),
                  "ar::on_conflict(...).update: a column to update is the primary key, which identifies the row: "
                  "update other columns");
}
}  // namespace detail

// on_conflict(columns...): the unique key of an upsert, waiting for update(...) or ignore().
template <class M, int... T>
struct conflict_target {
  // On a conflict, set these columns of the row there to the record's values.
  template <class... C>
  auto update(C...) const {
    static_assert(!std::is_void_v<M>,
                  "ar::on_conflict().update: name the columns of the unique key whose conflict updates the row: "
                  "on_conflict(Model::c.column).update(...)");
    static_assert(sizeof...(C) > 0, "ar::on_conflict(...).update: name at least one column to update, or use ignore()");
    if constexpr (!std::is_void_v<M>) {
      (detail::check_conflict_update<M, typename C::model_type, C::index>(), ...);
      return conflict_clause<M, std::integer_sequence<int, T...>, std::integer_sequence<int, C::index...>>{};
    } else {
      return conflict_clause<void, std::integer_sequence<int>, std::integer_sequence<int>>{};
    }
  }
  // On a conflict, keep the row there and skip the record.
  conflict_clause<M, std::integer_sequence<int, T...>, std::integer_sequence<int>> ignore() const { return {}; }
};

// The unique key whose conflict an upsert resolves (its columns, all of one model), or, with no
// column, any unique key (only for ignore()).
inline conflict_target<void> on_conflict() { return {}; }
// The unique key `columns` name; a column of another model is a compile error.
template <class M, int I, class... C>
auto on_conflict(column<M, I>, C...) {
  static_assert((std::is_same_v<typename C::model_type, M> && ...),
                "ar::on_conflict: the conflict's columns belong to different models: name columns of the records' "
                "model only");
  return conflict_target<M, I, C::index...>{};
}

namespace detail {
template <class M, class C>
std::size_t insert_all_on_conflict(const database& db, M* records, std::size_t size, const C&) {
  static_assert(std::is_void_v<typename C::model_type> || std::is_same_v<typename C::model_type, M>,
                "ar::insert_all: on_conflict names columns of another model than the records'");
  static constexpr conflict_spec spec{C::target, C::update};
  record_rows rows = record_rows_of<M>(records, size);
  rows.write_keys = model_of<M>::generated_key && !C::ignores;
  rows.conflict = &spec;
  return with_insert_stamps(records, size, [&] { return insert_rows(db, rows); });
}
}  // namespace detail

// It returns nothing: the databases count inserted, updated and skipped rows each their own way.
template <model M, class T, class U, class C>
void insert_all(const database& db, std::vector<M>& records, const conflict_clause<C, T, U>& c) {
  detail::insert_all_on_conflict(db, records.data(), records.size(), c);
}
// The upsert of a span's records.
template <model M, class T, class U, class C>
void insert_all(const database& db, std::span<M> records, const conflict_clause<C, T, U>& c) {
  detail::insert_all_on_conflict(db, records.data(), records.size(), c);
}

namespace detail {
// Sharded models (ar::shard; compiled once, in src/query/sharded.cpp). The database a write of a
// record goes to: the shard its key names (`now`: the record's columns). With `saved` (its row as
// ar last stored or read it), a shard key that differs from the saved one throws
// ar::shard_key_error: rows are not moved between shards.
AR_API database write_shard(const table_meta* model, std::span<const column_binding> now,
                            std::span<const column_binding> saved);
// The index of the shard a record's columns name.
AR_API std::size_t record_shard(const table_meta* model, std::span<const column_binding> now);

// The database a write of `record` goes to: its model's, or its shard (for an insert, `inserting`,
// the shard of its key, whatever row it was read from).
template <model M>
database write_database(const M& record, bool inserting = false) {
  if (sharding_of(&table_meta_v<M>) == nullptr) return ::ar::database_for<M>();
  const M* saved = inserting ? nullptr : saved_row(record);
  if (saved == nullptr) return write_shard(&table_meta_v<M>, columns_of(record), {});
  return write_shard(&table_meta_v<M>, columns_of(record), columns_of(*saved));
}

// Whether a sharded model's shard key is its (one-column) primary key: a key names its shard.
template <model M>
bool sharded_by_key(const shard_declaration& s) {
  return model_of<M>::key_arity == 1 && s.key_column == table_meta_v<M>.primary_key;
}

// f(database) on every shard of M, concurrently; the results in shard order.
template <model M, class R, class F>
std::vector<R> on_every_shard(F&& f) {
  const std::vector<database> shards = shard_databases(&table_meta_v<M>);
  std::vector<std::optional<R>> results(shards.size());
  auto run = [&](std::size_t i) { results[i].emplace(f(shards[i])); };
  on_each_shard(shards.size(), [](void* p, std::size_t i) { (*static_cast<decltype(run)*>(p))(i); }, &run);
  std::vector<R> out;
  out.reserve(results.size());
  for (auto& r : results) out.push_back(std::move(*r));
  return out;
}

// find by key on a sharded model: the key's shard when the shard key is the primary key, else
// every shard, concurrently (the first that has it, in shard order).
template <model M>
std::optional<M> find_sharded(const shard_declaration& s, const key_type_of<M>& key) {
  if constexpr (model_of<M>::key_arity == 1 && shard_key_type_v<key_type_of<M>>)  // a shard key's type
    if (sharded_by_key<M>(s)) return ::ar::find<M>(::ar::shard_for<M>(key), key);
  for (std::optional<M>& found :
       on_every_shard<M, std::optional<M>>([&](const database& db) { return ::ar::find<M>(db, key); }))
    if (found) return std::move(found);
  return std::nullopt;
}

// destroy by key on a sharded model: on the key's shard, or on every shard.
template <model M>
bool destroy_sharded(const shard_declaration& s, const key_type_of<M>& key) {
  if constexpr (model_of<M>::key_arity == 1 && shard_key_type_v<key_type_of<M>>)  // a shard key's type
    if (sharded_by_key<M>(s)) return ::ar::destroy<M>(::ar::shard_for<M>(key), key);
  bool any = false;
  for (const bool deleted : on_every_shard<M, bool>([&](const database& db) { return ::ar::destroy<M>(db, key); }))
    any = any || deleted;
  return any;
}

// insert_all without a database: the records grouped by shard, each group inserted on its shard by
// insert(database, records, size) (insert_all's: one statement per shard, unless a group passes
// the bind limit); the records keep their order.
template <model M, class Insert>
void insert_all_routed(M* records, std::size_t size, Insert&& insert) {
  if (sharding_of(&table_meta_v<M>) == nullptr) {
    insert(::ar::database_for<M>(), records, size);
    return;
  }
  const std::vector<database> shards = shard_databases(&table_meta_v<M>);
  std::vector<std::size_t> at(size);
  for (std::size_t i = 0; i < size; ++i) at[i] = record_shard(&table_meta_v<M>, columns_of(records[i]));
  for (std::size_t shard = 0; shard < shards.size(); ++shard) {
    std::vector<std::size_t> mine;
    for (std::size_t i = 0; i < size; ++i)
      if (at[i] == shard) mine.push_back(i);
    if (mine.empty()) continue;
    if (mine.size() == size) {
      insert(shards[shard], records, size);
      continue;
    }
    std::vector<M> part;
    part.reserve(mine.size());
    for (const std::size_t i : mine) part.push_back(std::move(records[i]));
    const auto put_back = [&] {
      for (std::size_t k = 0; k < mine.size(); ++k) records[mine[k]] = std::move(part[k]);
    };
    try {
      insert(shards[shard], part.data(), part.size());
    } catch (...) {
      put_back();
      throw;
    }
    put_back();
  }
}
template <model M>
void insert_all_routed(M* records, std::size_t size) {
  insert_all_routed(records, size, [](const database& db, M* at, std::size_t n) { insert_all_records<M>(db, at, n); });
}
}  // namespace detail

// The same, on the database the model is bound to.
template <model M>
void insert(M& record) {
  insert(detail::write_database(record, true), record);
}
// insert without validations, on the database the model is bound to.
template <model M>
void insert(M& record, skip_validation_t s) {
  insert(detail::write_database(record, true), record, s);
}
// update, on the database the model is bound to.
template <model M>
void update(M& record) {
  update(detail::write_database(record), record);
}
// update without validations, on the database the model is bound to.
template <model M>
void update(M& record, skip_validation_t s) {
  update(detail::write_database(record), record, s);
}
// The const update, on the database the model is bound to.
template <model M>
void update(const M& record) {
  update(detail::write_database(record), record);
}
// The const update without validations, on the database the model is bound to.
template <model M>
void update(const M& record, skip_validation_t s) {
  update(detail::write_database(record), record, s);
}
// touch, on the database the model is bound to.
template <model M>
void touch(M& record) {
  touch(detail::write_database(record), record);
}
// refresh, on the database the model is bound to.
template <model M>
void refresh(M& record) {
  refresh(detail::write_database(record), record);
}
// save, on the database the model is bound to.
template <model M>
void save(M& record) {
  save(detail::write_database(record), record);
}
// save without validations, on the database the model is bound to.
template <model M>
void save(M& record, skip_validation_t s) {
  save(detail::write_database(record), record, s);
}
// find, on the database the model is bound to.
template <model M>
std::optional<M> find(const key_type_of<M>& key) {
  if (const detail::shard_declaration* s = detail::sharding_of(&table_meta_v<M>))
    return detail::find_sharded<M>(*s, key);
  return find<M>(database_for<M>(), key);
}
// find_or_throw, on the database the model is bound to.
template <model M>
M find_or_throw(const key_type_of<M>& key) {
  if (auto found = find<M>(key)) return std::move(*found);
  throw record_not_found(std::string(model_of<M>::table), detail::key_string<M>(key));
}
// destroy by key, on the database the model is bound to.
template <model M>
bool destroy(const key_type_of<M>& key) {
  if (const detail::shard_declaration* s = detail::sharding_of(&table_meta_v<M>))
    return detail::destroy_sharded<M>(*s, key);
  return destroy<M>(database_for<M>(), key);
}
// The first spelling of destroy<M>(key).
template <model M>
[[deprecated("use ar::destroy<Model>(key)")]] bool destroy_by_key(const key_type_of<M>& key) {
  return destroy<M>(database_for<M>(), key);
}
// destroy of a record, on the database the model is bound to.
template <model M>
bool destroy(const M& record) {
  return destroy(detail::write_database(record), record);
}
// insert_all of a span, on the database the model is bound to.
template <model M>
void insert_all(std::span<M> records) {
  detail::insert_all_routed<M>(records.data(), records.size());
}
// insert_all of a vector, on the database the model is bound to.
template <model M>
void insert_all(std::vector<M>& records) {
  detail::insert_all_routed<M>(records.data(), records.size());
}
// The upsert of a vector's records, on the database the model is bound to (a sharded model's:
// grouped by shard, one upsert on each shard that gets records).
template <model M, class T, class U, class C>
void insert_all(std::vector<M>& records, const conflict_clause<C, T, U>& c) {
  detail::insert_all_routed(records.data(), records.size(), [&](const database& db, M* at, std::size_t n) {
    detail::insert_all_on_conflict(db, at, n, c);
  });
}
// The upsert of a span's records, on the database the model is bound to (a sharded model's:
// grouped by shard).
template <model M, class T, class U, class C>
void insert_all(std::span<M> records, const conflict_clause<C, T, U>& c) {
  detail::insert_all_routed(records.data(), records.size(), [&](const database& db, M* at, std::size_t n) {
    detail::insert_all_on_conflict(db, at, n, c);
  });
}
// insert_all without_keys of a span of const records, on the database the model is bound to.
template <model M>
std::size_t insert_all(std::span<const M> records, without_keys_t k) {
  return insert_all(database_for<M>(), records, k);
}
template <model M>
std::size_t insert_all(std::span<M> records, without_keys_t k) {
  return insert_all(database_for<M>(), records, k);
}
// insert_all without_keys of a vector, on the database the model is bound to.
template <model M>
std::size_t insert_all(const std::vector<M>& records, without_keys_t k) {
  return insert_all(database_for<M>(), records, k);
}

}  // namespace ar

#endif  // AR_CRUD_HPP
