#ifndef AR_MORPH_HPP
#define AR_MORPH_HPP

// Polymorphic relations. The child stores the other side's type and key:
//
//   struct Comment { ... std::string commentable_type; std::int64_t commentable_id;
//     AR_MODEL(Comment, "comments", AR_FIELDS(id, commentable_type, commentable_id, body),
//              AR_MORPH_TO(commentable, commentable_type, commentable_id)); };
//   struct Post  { ... AR_MODEL(Post, "posts", AR_FIELDS(id, title),
//                               AR_MORPH_MANY(comments, Comment, commentable)); };
//   struct Video { ... AR_MODEL(Video, "videos", AR_FIELDS(id, url),
//                               AR_MORPH_MANY(comments, Comment, commentable)); };
//
//   post.comments()           // comments whose commentable_type is "posts": a has_many
//   comment.commentable()     // an ar::morph_ref: .as<Post>(), .is<Video>(), .type()
//
// The type value of a model is its table name unless AR_MORPH_NAME says otherwise. Every model
// that declares AR_MORPH_MANY / AR_MORPH_ONE (or AR_MORPH_NAME) registers itself, so that a
// morph_to can load it; a type value that no model registers is an ar::error naming it.
// Eager with("commentable") runs one statement per distinct type; so does the first lazy
// comment.commentable() of records read by one query (automatic batching: it loads every
// sibling's target, and siblings pointing at one record share it). Loading a parent's
// morph_many / morph_one fills each child's morph_to over the same fields with the parent: it is
// their inverse, inferred from the fields as Rails infers it from `as:`.

//
// A model that declares AR_MORPH_TO, AR_MORPH_MANY, AR_MORPH_ONE, AR_MORPH_MANY_THROUGH or
// AR_MORPH_NAME is defined where this header is visible (AR_MODEL checks it). It includes
// ar/through.hpp, which AR_MORPH_MANY_THROUGH needs too.

#include <ar/crud.hpp>
#include <ar/database.hpp>
#include <ar/error.hpp>
#include <ar/export.hpp>
#include <ar/load/algorithm.hpp>
#include <ar/load/registry.hpp>
#include <ar/loading.hpp>
#include <ar/query.hpp>
#include <ar/relation.hpp>
#include <ar/through.hpp>
#include <ar/views/filter.hpp>
#include <ar/views/to_vector.hpp>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <typeindex>
#include <typeinfo>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#undef AR_DETAIL_MORPH_INCLUDED
#define AR_DETAIL_MORPH_INCLUDED 1

namespace ar {

namespace detail {
// The type values morph_refs name, each kept once for the program's life: a morph_ref holds a
// pointer to its name, and copying one copies no string.
struct morph_names {
  std::mutex mutex;
  std::unordered_set<std::string> names;
};
AR_API inline morph_names& the_morph_names() {
  static morph_names n;
  return n;
}
inline const std::string& intern_morph_name(std::string_view name) {
  static const std::string empty;
  if (name.empty()) return empty;
  auto& n = the_morph_names();
  std::lock_guard lock(n.mutex);
  return *n.names.emplace(name).first;  // an unordered_set's elements never move
}
struct interned_t {};
}  // namespace detail

// What a morph_to points at: a record of one of the registered models, or nothing.
class morph_ref {
 public:
  morph_ref() = default;
  // Points at `object`, a record of the model `type` stored under the type value `name`.
  morph_ref(std::shared_ptr<const void> object, std::type_index type, std::string_view name)
      : object_(std::move(object)), type_(type), name_(&detail::intern_morph_name(name)) {}
  // The same, with a name detail::intern_morph_name returned (no lookup).
  morph_ref(detail::interned_t, std::shared_ptr<const void> object, std::type_index type,
            const std::string& name) noexcept
      : object_(std::move(object)), type_(type), name_(&name) {}

  // Whether it points at a record.
  explicit operator bool() const noexcept { return object_ != nullptr; }
  // The type value stored in the row ("posts"); empty when the row names no type.
  const std::string& type() const noexcept { return name_ ? *name_ : detail::intern_morph_name({}); }
  // Whether it points at a record of T.
  template <class T>
  bool is() const noexcept {
    return object_ && type_ == std::type_index(typeid(T));
  }
  // The record, if it is a T.
  template <class T>
  std::shared_ptr<const T> as() const noexcept {
    if (!is<T>()) return nullptr;
    return std::shared_ptr<const T>(object_, static_cast<const T*>(object_.get()));
  }
  // The record, untyped; null when it points at nothing.
  const void* get() const noexcept { return object_.get(); }
  // The record's C++ type (typeid(void) when it points at nothing).
  std::type_index type_index() const noexcept { return type_; }

  // Equal when both point at the same record object (or both at nothing).
  friend bool operator==(const morph_ref& a, const morph_ref& b) noexcept { return a.object_ == b.object_; }

 private:
  std::shared_ptr<const void> object_;
  std::type_index type_ = typeid(void);
  const std::string* name_ = nullptr;  // interned (detail::intern_morph_name)
};

namespace detail {

// The records of one model that a morph_to load read, sorted by key. They share one allocation:
// a record handed out keeps the records read with it alive (as one query's results do).
struct morph_records {
  std::vector<std::pair<std::int64_t, std::shared_ptr<const void>>> by_key;

  // The position of the record with key `k`, or by_key.size() when none has it.
  std::size_t position(std::int64_t k) const noexcept {
    const auto it = std::lower_bound(by_key.begin(), by_key.end(), k,
                                     [](const auto& entry, std::int64_t key) { return entry.first < key; });
    return it != by_key.end() && it->first == k ? static_cast<std::size_t>(it - by_key.begin()) : by_key.size();
  }
  // The record with key `k`, or null.
  std::shared_ptr<const void> find(std::int64_t k) const {
    const std::size_t at = position(k);
    return at == by_key.size() ? nullptr : by_key[at].second;
  }
};

// One model a morph_to may point at.
struct morph_target {
  std::type_index type;
  // Two models registered under one name: using the name is an error, not a guess.
  std::string conflict;
  // The records with these keys (sorted and distinct; one statement per bind-limit chunk, none
  // for no keys).
  morph_records (*load)(const std::vector<std::int64_t>& keys);
  const relation_table& (*table)();
  std::int64_t (*key_of)(const void* record);
};

struct morph_registry {
  std::mutex mutex;
  std::unordered_map<std::string, morph_target> targets;
};
AR_API inline morph_registry& the_morph_registry() {
  static morph_registry r;
  return r;
}

// The model registered under `name`, or null when none is, or two are (morph_target_named says why).
inline const morph_target* find_morph_target(std::string_view name) {
  auto& r = the_morph_registry();
  std::lock_guard lock(r.mutex);
  auto it = r.targets.find(std::string(name));
  if (it == r.targets.end() || !it->second.conflict.empty()) return nullptr;
  return &it->second;
}

inline const morph_target& morph_target_named(std::string_view name, std::string_view child_table) {
  auto& r = the_morph_registry();
  std::lock_guard lock(r.mutex);
  auto it = r.targets.find(std::string(name));
  if (it == r.targets.end())
    throw error("ar: a '" + std::string(child_table) + "' row names the type '" + std::string(name) +
                "', which no model registers: declare AR_MORPH_MANY / AR_MORPH_ONE / AR_MORPH_MANY_THROUGH to it, or "
                "AR_MORPH_NAME(\"" +
                std::string(name) + "\") on the model it means");
  if (!it->second.conflict.empty())
    throw error("ar: two models register the morph name '" + std::string(name) + "' (" + it->second.conflict +
                "): give one of them another AR_MORPH_NAME");
  return it->second;
}

template <class M>
morph_records load_morph_targets(const std::vector<std::int64_t>& keys) {
  using key_def = typename model_of<M>::primary_key;
  morph_records out;
  if (keys.empty()) return out;
  auto rows = std::make_shared<std::vector<M>>();
  // A sharded model: the query below goes to the shards its keys name (they name their shards when
  // the shard key is the primary key, else every shard), each of one backend.
  const std::size_t chunk =
      (sharding_of(&table_meta_v<M>) ? ::ar::shard_databases<M>().front() : ::ar::database_for<M>())
          .dialect()
          .max_parameters() -
      1;
  for (std::size_t at = 0; at < keys.size(); at += chunk) {
    std::vector<std::int64_t> part(keys.begin() + static_cast<std::ptrdiff_t>(at),
                                   keys.begin() + static_cast<std::ptrdiff_t>(std::min(keys.size(), at + chunk)));
    std::vector<M> read = from<M>() | filter(column<M, key_def::index>{}.in(part)) | to_vector;
    if (rows->empty())
      *rows = std::move(read);
    else
      std::move(read.begin(), read.end(), std::back_inserter(*rows));
  }
  out.by_key.reserve(rows->size());
  for (const M& row : *rows)
    out.by_key.emplace_back(static_cast<std::int64_t>(row.*key_def::pointer), std::shared_ptr<const void>(rows, &row));
  std::sort(out.by_key.begin(), out.by_key.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

template <class M>
std::int64_t morph_key_of(const void* record) {
  return static_cast<std::int64_t>(static_cast<const M*>(record)->*model_of<M>::primary_key::pointer);
}

template <class M>
bool register_morph_parent() {
  static_assert(is_integral_key_v<typename model_of<M>::primary_key::type>,
                "a model a morph_to points at needs an integer primary key (the child stores it in an integer field)");
  auto& r = the_morph_registry();
  std::lock_guard lock(r.mutex);
  const std::string name(model_of<M>::morph_name);
  auto it = r.targets.find(name);
  if (it != r.targets.end() && it->second.type != std::type_index(typeid(M))) {
    it->second.conflict = "tables '" + std::string(model_of<M>::table) + "' and another";
    return false;
  }
  r.targets.insert_or_assign(
      name,
      morph_target{std::type_index(typeid(M)), {}, &load_morph_targets<M>, &relation_table_of<M>, &morph_key_of<M>});
  return true;
}

// A morph_many / morph_one's inverse value (relation_loader::inverse_value): the owner, as its
// children's morph_to reads it.
template <class Owner>
std::shared_ptr<const void> morph_inverse_value(std::shared_ptr<const void> fields) {
  static const std::string& name = intern_morph_name(model_of<Owner>::morph_name);
  return std::make_shared<const morph_ref>(interned_t{}, std::move(fields), std::type_index(typeid(Owner)), name);
}

// What a morph_to's batch collects and finds its siblings' targets by: a type value and a key.
struct morph_key {
  std::string type;
  std::int64_t id = 0;
  friend bool operator==(const morph_key&, const morph_key&) = default;
};

}  // namespace detail
}  // namespace ar

template <>
struct std::hash<ar::detail::morph_key> {
  std::size_t operator()(const ar::detail::morph_key& k) const noexcept {
    return std::hash<std::string>{}(k.type) * 1099511628211u ^ std::hash<std::int64_t>{}(k.id);
  }
};

namespace ar {
namespace detail {

// A morph_to's relation_impl (ar/detail/relation_impl.hpp picks it by the relation's kind).
template <class Rel>
struct morph_to_impl {
  using owner = typename Rel::owner;
  using type_def = typename column_named<typename Rel::morph_type_field, typename model_of<owner>::columns>::def;
  using id_def = typename column_named<typename Rel::foreign_key_name, typename model_of<owner>::columns>::def;

  // The type and key the record points at, the type as a view of its field (valid while the record
  // is unchanged), or nothing.
  static std::optional<std::pair<std::string_view, std::int64_t>> target_view(const owner& o) {
    const auto& type = o.*type_def::pointer;
    const auto& id = o.*id_def::pointer;
    std::string_view name;
    if constexpr (type_def::nullable) {
      if (!type) return std::nullopt;
      name = *type;
    } else {
      name = type;
    }
    if (name.empty()) return std::nullopt;
    if constexpr (id_def::nullable) {
      if (!id) return std::nullopt;
      return std::pair{name, static_cast<std::int64_t>(*id)};
    } else {
      return std::pair{name, static_cast<std::int64_t>(id)};
    }
  }

  // The same, the type copied.
  static std::optional<std::pair<std::string, std::int64_t>> target_of(const owner& o) {
    const auto t = target_view(o);
    if (!t) return std::nullopt;
    return std::pair{std::string(t->first), t->second};
  }

  // first_access: a lazy read, on a record other threads may read too (see publish_loaded); else
  // a reload, which replaces the value.
  static void load(const owner& o, bool first_access = false) {
    std::shared_ptr<const void> value = std::make_shared<const morph_ref>();
    if (const auto t = target_of(o)) {
      const morph_target& target = morph_target_named(t->first, model_of<owner>::table);
      // A dangling one (no record) keeps its type.
      value = std::make_shared<const morph_ref>(target.load({t->second}).find(t->second), target.type, t->first);
    }
    store_loaded(slot_of<Rel>(o), std::move(value), first_access);
  }

  static const morph_ref& cached(const owner& o) { return *static_cast<const morph_ref*>((o.*Rel::slot).value.get()); }
  static morph_ref get(const owner& o) {
    if (!(o.*Rel::slot).loaded && !before_lazy_load<Rel>(o)) load(o, true);
    return cached(o);
  }
  static morph_ref reload(const owner& o) {
    load(o);
    return cached(o);
  }
  static int query_for(const owner&) {
    static_assert(always_false<Rel>, "a morph_to has no query: its target's model depends on each row");
    return 0;
  }

  template <class Parent>
  static void associate(owner& o, const Parent& parent) {
    static_assert(model<Parent>, "morph_to associate takes a record of a model");
    if constexpr (model<Parent>) {
      const auto key = primary_key(parent);
      if (model_of<Parent>::generated_key && key == key_type_of<Parent>{})
        throw error("ar: cannot associate a '" + std::string(model_of<Parent>::table) +
                    "' record that has no key yet: save it first");
      // Nothing is changed until nothing can fail: the copies are made first.
      auto copy = std::make_shared<Parent>();
      model_of<Parent>::copy_columns(*copy, parent);
      relation_slot slot{std::make_shared<const morph_ref>(std::move(copy), std::type_index(typeid(Parent)),
                                                           model_of<Parent>::morph_name),
                         true};
      std::string type(model_of<Parent>::morph_name);
      o.*type_def::pointer = std::move(type);
      o.*id_def::pointer = static_cast<scalar_t<typename id_def::type>>(key);
      slot_of<Rel>(o) = std::move(slot);
    }
  }

  static void dissociate(owner& o) {
    static_assert(id_def::nullable, "dissociate sets the id field to NULL: it needs a std::optional id field");
    if constexpr (id_def::nullable) {
      (o.*id_def::pointer).reset();
      if constexpr (type_def::nullable)
        (o.*type_def::pointer).reset();
      else
        (o.*type_def::pointer).clear();
      slot_of<Rel>(o) = relation_slot{std::make_shared<const morph_ref>(), true};
    }
  }

  template <class... A>
  static void add(A&&...) {
    static_assert(always_false<Rel, A...>, "a morph_to points at one record: use associate");
  }
};

// A morph_to's eager_ops (ar/load/registry.hpp picks it by the relation's kind).
// with("commentable"): one statement per distinct type, then each type's own relations.
template <class Rel>
struct morph_to_eager_ops {
  using impl = morph_to_impl<Rel>;
  using owner = typename Rel::owner;

  static eager_commit eager_load(const std::vector<const void*>& owners, const eager_node& node) {
    // The types met, in the order first met (a stable order of statements); there are few, so a
    // scan finds one. Names are views of the owners' fields, which nothing changes until the commit.
    struct type_met {
      std::string_view name;
      const morph_target* target = nullptr;  // resolved before its statement
      std::vector<std::int64_t> keys;
      morph_records records;
      std::shared_ptr<const std::vector<morph_ref>> refs;  // one per record, as by_key orders them
      std::shared_ptr<const void> dangling;                // a key no record has: none, of this type
    };
    std::vector<type_met> types;
    // Per owner: the index of its type in `types` (npos: it points at nothing) and its key.
    constexpr std::size_t npos = static_cast<std::size_t>(-1);
    std::vector<std::pair<std::size_t, std::int64_t>> pointed(owners.size(), {npos, 0});
    for (std::size_t i = 0; i < owners.size(); ++i) {
      const auto t = impl::target_view(*static_cast<const owner*>(owners[i]));
      if (!t) continue;
      std::size_t at = 0;
      while (at < types.size() && types[at].name != t->first) ++at;
      if (at == types.size()) types.push_back(type_met{t->first, nullptr, {}, {}, nullptr, nullptr});
      types[at].keys.push_back(t->second);
      pointed[i] = {at, t->second};
    }
    for (type_met& type : types) {
      type.target = &morph_target_named(type.name, model_of<owner>::table);
      std::sort(type.keys.begin(), type.keys.end());
      type.keys.erase(std::unique(type.keys.begin(), type.keys.end()), type.keys.end());
      type.records = type.target->load(type.keys);
    }
    // One morph_ref per record, which the owners pointing at it share, all in one allocation.
    for (type_met& type : types) {
      const std::string& name = intern_morph_name(type.name);
      auto refs = std::make_shared<std::vector<morph_ref>>();
      refs->reserve(type.records.by_key.size());
      for (const auto& [key, record] : type.records.by_key)
        refs->emplace_back(interned_t{}, record, type.target->type, name);
      type.refs = std::move(refs);
      type.dangling = std::make_shared<const morph_ref>(interned_t{}, nullptr, type.target->type, name);
    }
    auto values = std::make_shared<std::vector<std::shared_ptr<const void>>>();
    values->reserve(owners.size());
    const auto nothing = std::make_shared<const morph_ref>();
    for (const auto& [at, key] : pointed) {
      if (at == npos) {
        values->push_back(nothing);
        continue;
      }
      const type_met& type = types[at];
      const std::size_t found = type.records.position(key);
      values->push_back(found == type.refs->size() ? type.dangling
                                                   : std::shared_ptr<const void>(type.refs, &(*type.refs)[found]));
    }
    // Deeper paths continue per type, on that type's relations (records no one else sees yet).
    if (!node.children.empty())
      for (const type_met& type : types) {
        std::vector<const void*> records;
        records.reserve(type.records.by_key.size());
        for (const auto& [key, record] : type.records.by_key) records.push_back(record.get());
        for (const eager_node& child : node.children)
          type.target->table().find(child.name).eager_load(records, child)();
      }
    return [owners, values] {
      for (std::size_t i = 0; i < owners.size(); ++i) {
        relation_slot& slot = slot_of<Rel>(*static_cast<const owner*>(owners[i]));
        slot.value = std::move((*values)[i]);  // a commit runs once
        slot.loaded = true;
      }
    };
  }

  // The targets of every sibling, by (type, key): one statement per distinct type (per chunk of the
  // bind limit), one value per target, which the siblings pointing at it share (as a batched
  // belongs_to's do). A missing record is a value too: none, of its type. A type that no model
  // registers is left out, so that each record naming it says so when it is read (its own load).
  static void load_batch(batch<morph_key>& siblings) {
    std::unordered_map<std::string, std::vector<std::int64_t>> ids;
    std::vector<std::string> types;  // in the order first met, for a stable order of statements
    for (const morph_key& k : siblings.keys) {
      auto [it, fresh] = ids.try_emplace(k.type);
      if (fresh) types.push_back(k.type);
      it->second.push_back(k.id);
    }
    std::unordered_map<morph_key, std::shared_ptr<const void>> results;
    results.reserve(siblings.keys.size());
    for (const std::string& type : types) {
      const morph_target* target = find_morph_target(type);
      if (!target) continue;
      auto& keys = ids[type];
      std::sort(keys.begin(), keys.end());
      keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
      const morph_records found = target->load(keys);
      const std::string& name = intern_morph_name(type);
      for (const std::int64_t id : keys)
        results.emplace(morph_key{type, id},
                        std::make_shared<const morph_ref>(interned_t{}, found.find(id), target->type, name));
    }
    siblings.results = std::move(results);  // all or nothing: a failed statement leaves the batch unloaded
  }

  // Lazy access with siblings: the first one loads every sibling's target. A record that points at
  // nothing loads alone (no statement).
  static bool load_from_batch(const owner& o) {
    const auto t = impl::target_of(o);
    if (!t) return false;
    batch<morph_key>* b = loaded_batch<morph_key>(o.ar_context.shared, relation_position_of<Rel>(), &load_batch);
    if (!b) return false;
    const auto it = b->results.find(morph_key{t->first, t->second});
    if (it == b->results.end()) return false;
    publish_loaded(slot_of<Rel>(o), it->second);
    return true;
  }

  static std::shared_ptr<void> make_batch(const std::vector<const void*>& records) {
    auto b = std::make_shared<batch<morph_key>>();
    b->keys.reserve(records.size());
    for (const void* p : records)
      if (auto t = impl::target_of(*static_cast<const owner*>(p)))
        b->keys.push_back(morph_key{std::move(t->first), t->second});
    return b;
  }
};

}  // namespace detail

}  // namespace ar

#endif  // AR_MORPH_HPP
