#ifndef AR_DETAIL_RELATION_DEF_HPP
#define AR_DETAIL_RELATION_DEF_HPP

// What AR_BELONGS_TO, AR_HAS_ONE and AR_HAS_MANY declare: a relation type naming its kind, its
// owner and target models, its foreign key, options, and the record member that caches it. The
// target may still be incomplete where the relation is declared, so nothing here looks inside it;
// the checks run where the relation is used (ar/relation.hpp).

#include <boost/hana/string.hpp>

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace ar {

class database;

// What happens to a has_many / has_one's records when their owner is destroyed.
enum class dependent_kind : std::uint8_t {
  none,     // nothing: they keep a foreign key that points nowhere
  destroy,  // each is destroyed through ar::destroy (their own dependents apply)
  remove,   // one DELETE ... WHERE fk = key (AR_DEPENDENT(delete))
  nullify,  // one UPDATE ... SET fk = NULL (the foreign key must be optional)
  restrict  // destroying the owner throws ar::restrict_error while any exist
};

namespace detail {
struct load_context;

// What a record knows of the query that read it: its siblings, for automatic batching, and
// whether it loads strictly; and what its row held when it was read or last written (dirty
// tracking, ar::changed in ar/crud.hpp). Copies share it; it takes no part in comparing records.
struct record_context {
  static constexpr std::uint32_t own_row = 0xffffffffu;
  std::shared_ptr<load_context> shared;
  // The row as stored: null for a record the program built (every field counts as changed); else,
  // when `row` is own_row, a copy of the record's fields made for it alone (share_fields), or the
  // buffer of records its query read, `row` being its place there (ar/detail/record_buffer.hpp:
  // the query moved nothing out of it, it copied, so that a read allocates nothing per record).
  // Immutable once made: a write gives the record a new one, its copies keep theirs.
  std::shared_ptr<const void> saved;
  std::uint32_t row = own_row;
  bool strict = false;

  friend constexpr bool operator==(const record_context&, const record_context&) noexcept { return true; }
};
}  // namespace detail

// Tag: u.posts(ar::reload) loads the relation again.
struct reload_t {
  explicit constexpr reload_t() = default;
};
inline constexpr reload_t reload{};

namespace detail {

// chain: AR_HAS_MANY_VIA / AR_HAS_ONE_VIA, a relation of the owner followed by a relation of its
// target (Rails' has_many / has_one :through another relation, with its source).
enum class relation_kind : std::uint8_t { belongs_to, has_one, has_many, has_many_through, morph_to, chain };

// Whether a relation's cache holds a loaded value. Set after the value is stored (a release
// store) and read before the value is (an acquire load; on x86 both are plain moves): a thread
// that sees it set sees the value stored before it. A lazy load stores the value and sets the
// flag once, under a lock, only while the flag is clear (publish_loaded in ar/loading.hpp), so a
// record several threads read (a belongs_to target that several owners share) is never written
// while another thread reads its cache.
class loaded_flag {
 public:
  constexpr loaded_flag(bool on = false) noexcept : on_(on) {}
  loaded_flag(const loaded_flag& other) noexcept : on_(other.on_.load(std::memory_order_acquire)) {}
  loaded_flag& operator=(const loaded_flag& other) noexcept {
    on_.store(other.on_.load(std::memory_order_acquire), std::memory_order_release);
    return *this;
  }
  loaded_flag& operator=(bool on) noexcept {
    on_.store(on, std::memory_order_release);
    return *this;
  }
  operator bool() const noexcept { return on_.load(std::memory_order_acquire); }

 private:
  std::atomic<bool> on_;
};

// The cache of one relation on one record. Copies share what was loaded (it is immutable), and
// the cache takes no part in comparing records.
struct relation_slot {
  std::shared_ptr<const void> value;
  loaded_flag loaded = false;
  // has_many: the number of rows, when with_count or name_count() has counted them.
  std::optional<std::int64_t> count{};

  relation_slot() = default;
  relation_slot(std::shared_ptr<const void> v, bool on) noexcept : value(std::move(v)), loaded(on) {}
  // A copy reads the flag first and the value only when it is set: copying a record that another
  // thread is loading a relation of lazily copies that relation loaded or not, never half-stored.
  relation_slot(const relation_slot& other) noexcept : loaded(other.loaded), count(other.count) {
    if (loaded) value = other.value;
  }
  relation_slot(relation_slot&&) noexcept = default;
  relation_slot& operator=(const relation_slot& other) noexcept {
    const bool on = other.loaded;
    value = on ? other.value : nullptr;
    loaded = on;
    count = other.count;
    return *this;
  }
  relation_slot& operator=(relation_slot&&) noexcept = default;

  friend constexpr bool operator==(const relation_slot&, const relation_slot&) noexcept { return true; }
};

template <class Name>
struct owner_key_option {
  using name_type = Name;
};
template <class Name>
struct inverse_option {
  using name_type = Name;
};
template <dependent_kind Kind>
struct dependent_option {
  static constexpr dependent_kind kind = Kind;
};

// has_many_through: the join model, and the join model's foreign key to the target.
template <class Through, class TargetKey>
struct through_option {
  using model = Through;
  using name_type = TargetKey;
};
template <class Through, class TargetKey>
constexpr through_option<Through, TargetKey> make_through(TargetKey) {
  return {};
}

// Polymorphic relations: the field holding the type of the other side (morph_to on the child;
// morph_many / morph_one on each parent, whose rows must carry the parent's morph name).
template <class TypeField>
struct morph_option {
  using name_type = TypeField;
};
template <class TypeField>
constexpr morph_option<TypeField> make_morph(TypeField) {
  return {};
}
// has_many_through whose join rows carry the target's type (the reverse side of a polymorphic
// many-to-many).
template <class TypeField>
struct morph_target_option {
  using name_type = TypeField;
};
template <class TypeField>
constexpr morph_target_option<TypeField> make_morph_target(TypeField) {
  return {};
}
// AR_MORPH_NAME: the type value stored for a model (default: its table name).
template <class Name>
struct morph_name_clause {
  using name_type = Name;
};
template <class Name>
constexpr morph_name_clause<Name> make_morph_name(Name) {
  return {};
}
template <class M>
bool register_morph_parent();

// AR_HAS_MANY_VIA / AR_HAS_ONE_VIA: the owner's relation it goes through (the hop), and the
// relation of the hop's target that it ends with (the source), by name; whether it is to-many.
template <class Hop, class Source, bool Many>
struct chain_option {
  using hop_name = Hop;
  using source_name = Source;
  static constexpr bool many = Many;
};
template <bool Many, class Hop, class Source>
constexpr chain_option<Hop, Source, Many> make_chain(Hop, Source) {
  return {};
}
// What a chain declares in place of a foreign key: its keys are those of its two relations.
struct chain_keys {};
// AR_NO_FOREIGN_KEY (belongs_to): create_table makes no FOREIGN KEY constraint for the relation
// (its foreign key is still indexed).
struct no_foreign_key_option {};
// AR_NO_INDEX (belongs_to): create_table makes no index for the relation's foreign key (Rails'
// `index: false`), and verify_schema does not warn that none leads with it.
struct no_index_option {};

template <class Name>
constexpr owner_key_option<Name> make_owner_key(Name) {
  return {};
}
template <class Name>
constexpr inverse_option<Name> make_inverse(Name) {
  return {};
}

template <class Option>
inline constexpr int option_rank = 0;  // 1 owner key, 2 inverse, 3 dependent
template <class N>
inline constexpr int option_rank<owner_key_option<N>> = 1;
template <class N>
inline constexpr int option_rank<inverse_option<N>> = 2;
template <dependent_kind K>
inline constexpr int option_rank<dependent_option<K>> = 3;
template <class T, class N>
inline constexpr int option_rank<through_option<T, N>> = 4;
template <class N>
inline constexpr int option_rank<morph_option<N>> = 5;
template <class N>
inline constexpr int option_rank<morph_target_option<N>> = 6;
template <class H, class S, bool M>
inline constexpr int option_rank<chain_option<H, S, M>> = 7;
template <>
inline constexpr int option_rank<no_foreign_key_option> = 8;
template <>
inline constexpr int option_rank<no_index_option> = 9;

template <int Rank, class Default, class... Options>
struct find_option {
  using type = Default;
};
template <int Rank, class Default, class O, class... Rest>
struct find_option<Rank, Default, O, Rest...>
    : std::conditional_t<option_rank<O> == Rank, std::type_identity<O>, find_option<Rank, Default, Rest...>> {};

struct no_option {
  using name_type = void;
  using model = void;
  using hop_name = void;
  using source_name = void;
  static constexpr bool many = false;
  static constexpr dependent_kind kind = dependent_kind::none;
};

// AR_KEYS(a, b): a foreign key of several fields, by name, in the order of the key they refer to.
template <class... Names>
struct foreign_keys {
  static constexpr std::size_t arity = sizeof...(Names);
};
struct foreign_keys_begin {};
template <class... Names>
constexpr foreign_keys<Names...> make_foreign_keys(foreign_keys_begin, Names...) {
  return {};
}
template <class T>
inline constexpr bool is_foreign_keys_v = false;
template <class... N>
inline constexpr bool is_foreign_keys_v<foreign_keys<N...>> = true;

template <relation_kind Kind, class Owner, class Target, auto Slot, class Name, class ForeignKey, class... Options>
struct relation_def {
  static constexpr relation_kind kind = Kind;
  using owner = Owner;
  using target = Target;
  using name_type = Name;
  // The foreign key's field by name, or foreign_keys<names...> for AR_KEYS(a, b).
  using foreign_key_name = ForeignKey;
  static constexpr bool composite = is_foreign_keys_v<ForeignKey>;
  // The key the foreign key refers to, by name (void: the primary key of the model it refers to).
  using owner_key_name = typename find_option<1, no_option, Options...>::type::name_type;
  // The relation on the target that points back, by name (void: none declared).
  using inverse_name = typename find_option<2, no_option, Options...>::type::name_type;
  static constexpr dependent_kind dependent = find_option<3, no_option, Options...>::type::kind;
  // has_many_through: the join model and its foreign key to the target (void otherwise).
  using through_model = typename find_option<4, no_option, Options...>::type::model;
  using through_target_key = typename find_option<4, no_option, Options...>::type::name_type;
  // Polymorphic: the field holding the other side's type (void otherwise).
  using morph_type_field = typename find_option<5, no_option, Options...>::type::name_type;
  // has_many_through: the join model's field holding the target's type (void otherwise).
  using morph_target_field = typename find_option<6, no_option, Options...>::type::name_type;
  // A chain (AR_HAS_MANY_VIA / AR_HAS_ONE_VIA): its hop and source relations by name (void otherwise).
  using chain_hop = typename find_option<7, no_option, Options...>::type::hop_name;
  using chain_source = typename find_option<7, no_option, Options...>::type::source_name;
  static constexpr bool chain_many = find_option<7, no_option, Options...>::type::many;
  // AR_NO_FOREIGN_KEY: create_table declares no FOREIGN KEY constraint for this belongs_to.
  static constexpr bool no_foreign_key = (std::is_same_v<Options, no_foreign_key_option> || ...);
  // AR_NO_INDEX: create_table makes no index for this belongs_to's foreign key.
  static constexpr bool no_index = (std::is_same_v<Options, no_index_option> || ...);
  static constexpr auto slot = Slot;
  static constexpr std::size_t option_count = sizeof...(Options);
  static constexpr bool options_known = ((option_rank<Options> != 0) && ...);
  static constexpr bool options_unique = (std::size_t{option_rank<Options> == 1} + ... + 0) <= 1 &&
                                         (std::size_t{option_rank<Options> == 2} + ... + 0) <= 1 &&
                                         (std::size_t{option_rank<Options> == 3} + ... + 0) <= 1 &&
                                         (std::size_t{option_rank<Options> == 4} + ... + 0) <= 1 &&
                                         (std::size_t{option_rank<Options> == 5} + ... + 0) <= 1 &&
                                         (std::size_t{option_rank<Options> == 6} + ... + 0) <= 1 &&
                                         (std::size_t{option_rank<Options> == 7} + ... + 0) <= 1 &&
                                         (std::size_t{option_rank<Options> == 8} + ... + 0) <= 1 &&
                                         (std::size_t{option_rank<Options> == 9} + ... + 0) <= 1;
};

template <relation_kind Kind, class Owner, class Target, auto Slot, class Name, class ForeignKey, class... Options>
constexpr relation_def<Kind, Owner, Target, Slot, Name, ForeignKey, Options...> make_relation(Name, ForeignKey,
                                                                                              Options...) {
  return {};
}

// Implemented in ar/relation.hpp; declared here so that the members AR_MODEL writes can name them.
template <class Owner, class Name>
decltype(auto) relation_get(const Owner& owner, Name);
template <class Owner, class Name>
decltype(auto) relation_reload(const Owner& owner, Name);
template <class Owner, class Name>
auto relation_query(const Owner& owner, Name);
template <class Owner, class Name, class Child>
void relation_add(Owner& owner, Name, Child& child);
template <class Owner, class Name, class Parent>
void relation_associate(Owner& owner, Name, const Parent& parent);
template <class Owner, class Name>
void relation_dissociate(Owner& owner, Name);
template <class Owner, class Name>
std::int64_t relation_count(const Owner& owner, Name);
template <class Owner, class Name, class Target, class Join>
bool relation_attach(Owner& owner, Name, const Target& target, const Join* prototype);
template <class Owner, class Name, class Target>
bool relation_detach(Owner& owner, Name, const Target& target);
template <class Owner, class Name, class Keys>
void relation_sync(Owner& owner, Name, const Keys& keys);
template <class Owner, class Name, class Target>
bool relation_toggle(Owner& owner, Name, const Target& target);

template <class M>
bool destroy_with_dependents(const database& db, const M& record);
// Refuses a record that would become its own ancestor (ar/tree.hpp).
template <class M>
void check_no_cycle(const database& db, const M& record, const std::vector<std::size_t>* changed = nullptr);
// Before a relation's lazy load (ar/loading.hpp): refuses under strict loading; loads the relation
// for every sibling when the record has some, returning true.
template <class Rel, class Owner>
bool before_lazy_load(const Owner& owner);
// Reads a relation of one record (ar/loading.hpp).
template <class Rel>
void lazy_load(const typename Rel::owner& owner);
// A relation's first lazy access on a record: before_lazy_load, then lazy_load when it did not
// load (ar/loading.hpp).
template <class Rel>
void lazy_access(const typename Rel::owner& owner);

template <class Clause>
inline constexpr bool is_relation_v = false;
template <relation_kind K, class O, class T, auto S, class N, class F, class... Opts>
inline constexpr bool is_relation_v<relation_def<K, O, T, S, N, F, Opts...>> = true;

}  // namespace detail
}  // namespace ar

#endif  // AR_DETAIL_RELATION_DEF_HPP
