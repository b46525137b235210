#ifndef AR_LOAD_REGISTRY_HPP
#define AR_LOAD_REGISTRY_HPP

// The registry of models and relations for loading: each model's and relation's tables
// (ar/detail/erased_tables.hpp), made as constants from their AR_MODEL definitions (model_rows_v,
// relation_table_v, a relation's relation_loader in eager_ops), and the calls that hand them to the
// algorithm (ar/load/algorithm.hpp): a relation's first lazy access, a query's finished rows, a
// count.

#include <ar/database.hpp>
#include <ar/detail/erased_tables.hpp>
#include <ar/detail/relation_def.hpp>
#include <ar/detail/relation_impl.hpp>
#include <ar/error.hpp>
#include <ar/load/algorithm.hpp>
#include <ar/load/switches.hpp>
#include <ar/model_traits.hpp>
#include <ar/views/aggregate.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeinfo>
#include <vector>

namespace ar::detail {

// Gives records read together one context, so that their lazy loads are batched (see
// share_rows_context).
template <class M>
void share_context(const std::vector<const void*>& records, bool strict = false, bool auto_batch = true,
                   std::span<const std::string_view> preloaded = {});

// --- a model's table ---------------------------------------------------------------------------------

template <class M>
void construct_group(void* at, std::size_t reserve) {
  static_assert(
      sizeof(std::vector<M>) == sizeof(std::vector<char>) && alignof(std::vector<M>) == alignof(std::vector<char>),
      "ar: a group is stored as any std::vector is");
  auto* group = ::new (at) std::vector<M>();
  try {
    group->reserve(reserve);
  } catch (...) {
    group->~vector();
    throw;
  }
}
template <class M>
void destroy_group(void* at) noexcept {
  static_cast<std::vector<M>*>(at)->~vector();
}
template <class M>
std::shared_ptr<void> rows_new_group(std::size_t reserve) {
  return new_group(&construct_group<M>, &destroy_group<M>, reserve);
}
template <class M>
void rows_push(void* group, void* row) {
  static_cast<std::vector<M>*>(group)->push_back(std::move(*static_cast<M*>(row)));
}
template <class M>
std::size_t rows_group_size(const void* group) {
  return static_cast<const std::vector<M>*>(group)->size();
}
template <class M>
const void* rows_group_data(const void* group) {
  return static_cast<const std::vector<M>*>(group)->data();
}
template <class M>
const std::shared_ptr<const void>& rows_empty_group() {
  static const std::shared_ptr<const void> empty = new_group(&construct_group<M>, &destroy_group<M>, 0);
  return empty;
}
template <class M>
record_context& rows_context(const void* record) {
  return static_cast<const M*>(record)->ar_context;  // mutable
}

template <class Rel>
constexpr auto batch_maker() -> std::shared_ptr<void> (*)(const std::vector<const void*>&);

template <class M>
inline constexpr auto relation_batchers_v = []<class... R>(type_list<R...>) {
  return std::array<relation_batcher, sizeof...(R)>{
      relation_batcher{to_string_view(typename R::name_type{}), batch_maker<R>()}...};
}(typename model_of<M>::relations{});

template <class M>
inline constexpr model_rows model_rows_v{sizeof(M),
                                         std::span<const relation_batcher>(relation_batchers_v<M>),
                                         &record_ops_v<M>,
                                         &rows_new_group<M>,
                                         &rows_push<M>,
                                         &rows_group_size<M>,
                                         &rows_group_data<M>,
                                         &rows_empty_group<M>,
                                         &relation_table_of<M>,
                                         &rows_context<M>};

template <class Rel>
std::shared_ptr<const expr_tree> subquery_condition();

// The relation of the targets that assign() fills in (has_one / has_many with an inverse).
template <class Rel, class Inverse = inverse_relation_t<Rel>>
inline constexpr std::array<std::string_view, 1> inverse_names_v{to_string_view(typename Inverse::name_type{})};
template <class Rel>
inline constexpr std::array<std::string_view, 0> inverse_names_v<Rel, void>{};

template <class Rel>
relation_slot& slot_erased(const void* owner) {
  return slot_of<Rel>(*static_cast<const typename Rel::owner*>(owner));
}

// The cache a has_one / has_many with an inverse (AR_INVERSE, or a morph_many / morph_one's morph_to)
// fills in each target it loads: the inverse's slot, reached through a target; none for a
// belongs_to or a relation without one.
template <class Rel>
constexpr auto inverse_slot_of() -> relation_slot& (*)(const void*) {
  if constexpr (!std::is_void_v<inverse_relation_t<Rel>>)
    return &slot_erased<inverse_relation_t<Rel>>;
  else
    return nullptr;
}
// What that cache holds (relation_loader::inverse_value): an ar::morph_ref for a morph_to.
template <class Rel>
constexpr auto inverse_value_of() -> std::shared_ptr<const void> (*)(std::shared_ptr<const void>) {
  if constexpr (!std::is_void_v<inverse_relation_t<Rel>>) {
    if constexpr (inverse_relation_t<Rel>::kind == relation_kind::morph_to)
      return &morph_inverse_value<typename Rel::owner>;
  }
  return nullptr;
}

// --- a relation's loader ------------------------------------------------------------------------------

// What eager loading and batching do for one relation, by kind: belongs_to, has_one and has_many
// below (their relation_loader); has_many_through in ar/through.hpp, morph_to in ar/morph.hpp. A
// model that declares one of those is defined where its header is visible (AR_MODEL's
// static_asserts), so every use of its eager_ops finds the implementation complete.
template <class Rel>
struct direct_eager_ops;
template <class Rel>
struct through_eager_ops;
template <class Rel>
struct morph_to_eager_ops;

template <class Rel>
struct composite_eager_ops;

template <class Rel>
struct eager_ops
    : std::conditional_t<
          Rel::kind == relation_kind::has_many_through || Rel::kind == relation_kind::chain, through_eager_ops<Rel>,
          std::conditional_t<Rel::kind == relation_kind::morph_to, morph_to_eager_ops<Rel>,
                             std::conditional_t<Rel::composite, composite_eager_ops<Rel>, direct_eager_ops<Rel>>>> {};

// Eager loading and batching through a relation_loader, Ops::loader (the loaders of direct_eager_ops
// and composite_eager_ops, declared after their fields).
template <class Rel, class Ops>
struct loader_eager_ops {
  static eager_commit eager_load(const std::vector<const void*>& owners, const eager_node& node) {
    return eager_load_rows(Ops::loader, owners, node);
  }
  // Lazy access with siblings: the first one loads the relation for all of them.
  static bool load_from_batch(const typename Rel::owner& o) { return load_rows_from_batch(Ops::loader, &o); }
  static std::shared_ptr<void> make_batch(const std::vector<const void*>& records) {
    return make_rows_batch(Ops::loader, records);
  }
};

template <class Rel>
struct direct_eager_ops : loader_eager_ops<Rel, direct_eager_ops<Rel>> {
  using impl = relation_impl<Rel>;
  using owner = typename Rel::owner;
  using target = typename Rel::target;
  // The owner's key and the target's matched column: the same type, or two integer types, which
  // share their load key.
  using owner_codec = load_key<typename impl::key_scalar>;
  using match_def = std::conditional_t<impl::belongs, typename impl::key_def, typename impl::fk_def>;
  using match_codec = load_key<scalar_t<typename match_def::type>>;
  using key = typename owner_codec::type;

  static std::optional<key> lookup(const void* o) {
    auto v = impl::lookup_value(*static_cast<const owner*>(o));
    if (!v) return std::nullopt;
    return key(owner_codec::encode(*v));
  }

  static value param(const key& k) {
    return as_parameter<typename expression_traits<typename impl::match_column>::scalar>(match_codec::decode(k));
  }

  static bool match(const void* row, key& out) {
    const auto& value = static_cast<const target*>(row)->*match_def::pointer;
    if constexpr (match_def::nullable) {
      if (!value) return false;
      out = match_codec::encode(*value);
    } else {
      out = match_codec::encode(value);
    }
    return true;
  }

  static constexpr relation_loader<key> loader{
      &model_rows_v<owner>,
      &model_rows_v<target>,
      &table_meta_v<target>,
      impl::many,
      !impl::belongs,
      static_cast<std::uint32_t>(column_lookup<target, match_def::index>::position),
      relation_position_of<Rel>(),
      impl::morph ? &subquery_condition<Rel> : nullptr,
      &lookup,
      &match,
      &param,
      &slot_erased<Rel>,
      inverse_slot_of<Rel>(),
      std::span<const std::string_view>(inverse_names_v<Rel>),
      model_of<owner>::table,
      to_string_view(typename Rel::name_type{}),
      {},
      inverse_value_of<Rel>()};
};

// belongs_to / has_one / has_many over AR_KEYS: the same algorithm, keyed by row_key.
template <class Rel>
struct composite_eager_ops : loader_eager_ops<Rel, composite_eager_ops<Rel>> {
  using impl = relation_impl<Rel>;
  using owner = typename Rel::owner;
  using target = typename Rel::target;

  static std::optional<row_key> lookup(const void* o) { return impl::lookup_value(*static_cast<const owner*>(o)); }
  static bool match(const void* row, row_key& out) { return impl::match(*static_cast<const target*>(row), out); }

  static constexpr relation_loader<row_key> loader{&model_rows_v<owner>,
                                                   &model_rows_v<target>,
                                                   &table_meta_v<target>,
                                                   impl::many,
                                                   !impl::belongs,
                                                   impl::match_positions[0],
                                                   relation_position_of<Rel>(),
                                                   nullptr,
                                                   &lookup,
                                                   &match,
                                                   nullptr,
                                                   &slot_erased<Rel>,
                                                   inverse_slot_of<Rel>(),
                                                   std::span<const std::string_view>(inverse_names_v<Rel>),
                                                   model_of<owner>::table,
                                                   to_string_view(typename Rel::name_type{}),
                                                   std::span<const std::uint32_t>(impl::match_positions)};
};

// A relation's first lazy access on a record (see lazy_load_rows).
template <class Rel>
void lazy_access(const typename Rel::owner& o) {
  lazy_load_rows(eager_ops<Rel>::loader, &o);
}

// A relation of one record, read on its own (lazy access without siblings, reload).
template <class Rel>
void lazy_load(const typename Rel::owner& o) {
  load_rows_for(eager_ops<Rel>::loader, &o);
}

// --- a model's relation table ------------------------------------------------------------------------

template <class Rel>
constexpr auto batch_maker() -> std::shared_ptr<void> (*)(const std::vector<const void*>&) {
  if constexpr (relation_ops<Rel>::ok)
    return &eager_ops<Rel>::make_batch;
  else
    return nullptr;
}

// Gives records read together one context (see share_rows_context).
template <class M>
void share_context(const std::vector<const void*>& records, bool strict, bool auto_batch,
                   std::span<const std::string_view> preloaded) {
  if constexpr (model_of<M>::relations::size > 0)
    share_rows_context(model_rows_v<M>, records, strict, auto_batch, preloaded);
}

template <class M>
void eager_load_all(const std::vector<const void*>& records, const std::vector<eager_node>& tree) {
  eager_load_rows_all(relation_table_of<M>(), records, tree);
}
template <class M>
void eager_load_missing(const std::vector<const void*>& records, const std::vector<eager_node>& tree) {
  eager_load_missing_rows_all(relation_table_of<M>(), records, tree);
}

template <class Rel>
void store_count(const void* record, std::int64_t n) {
  slot_of<Rel>(*static_cast<const typename Rel::owner*>(record)).count = n;
}

template <class Rel>
std::shared_ptr<const expr_tree> subquery_condition() {
  if constexpr (relation_impl<Rel>::morph) {
    auto typed = relation_impl<Rel>::of_this_type(from<typename Rel::target>());
    return std::make_shared<const expr_tree>(*typed.state().where);
  } else {
    return nullptr;
  }
}

// Whether an owner's cache of Rel is loaded, and the records it holds (see relation_entry::cached).
template <class Rel>
bool cached_targets(const void* owner, std::vector<const void*>& targets) {
  const relation_slot& slot = slot_of<Rel>(*static_cast<const typename Rel::owner*>(owner));
  if (!slot.loaded) return false;
  if constexpr (Rel::kind != relation_kind::morph_to) {
    if (!slot.value) return true;
    if constexpr (Rel::kind == relation_kind::has_many || Rel::kind == relation_kind::has_many_through ||
                  (Rel::kind == relation_kind::chain && Rel::chain_many)) {
      for (const auto& t : *static_cast<const std::vector<typename Rel::target>*>(slot.value.get()))
        targets.push_back(&t);
    } else {
      targets.push_back(slot.value.get());
    }
  }
  return true;
}

// A through relation's join model, for its subqueries (ar/through.hpp).
template <class Rel>
std::shared_ptr<const expr_tree> through_join_condition();
template <class Rel>
inline constexpr through_hop through_hop_v{
    &table_meta_v<typename Rel::through_model>,
    static_cast<std::uint32_t>(
        column_lookup<typename Rel::through_model,
                      column_named<typename Rel::foreign_key_name,
                                   typename model_of<typename Rel::through_model>::columns>::def::index>::position),
    static_cast<std::uint32_t>(
        column_lookup<typename Rel::through_model,
                      column_named<typename Rel::through_target_key,
                                   typename model_of<typename Rel::through_model>::columns>::def::index>::position),
    !std::is_void_v<typename Rel::morph_type_field> || !std::is_void_v<typename Rel::morph_target_field>
        ? &through_join_condition<Rel>
        : nullptr,
    &::ar::database_for<typename Rel::through_model>};

// A chain's middle model, for its subqueries (where_has, with_count): mid.owner_column holds the
// owner's value, mid.target_column is what the target's column matches (relation_subquery).
template <class Rel>
inline constexpr through_hop chain_hop_v{&table_meta_v<typename relation_impl<Rel>::mid>,
                                         relation_impl<Rel>::hop_match_position, relation_impl<Rel>::mid_link_position,
                                         nullptr, &::ar::database_for<typename relation_impl<Rel>::mid>};

// A relation's entry in its model's table: names, positions and function pointers, a constant.
template <class Rel>
constexpr relation_entry entry_of() {
  using owner = typename Rel::owner;
  using target = typename Rel::target;
  if constexpr (!relation_ops<Rel>::ok) {
    return relation_entry{"",    Rel::kind, &typeid(void), &wildcard_table, nullptr, 0,  0,      nullptr,
                          false, nullptr,   nullptr,       nullptr,         {},      {}, nullptr};
  } else if constexpr (Rel::kind == relation_kind::morph_to) {
    return relation_entry{to_string_view(typename Rel::name_type{}),
                          Rel::kind,
                          &typeid(void),
                          &wildcard_table,
                          nullptr,
                          0,
                          0,
                          nullptr,
                          false,
                          nullptr,
                          nullptr,
                          &eager_ops<Rel>::eager_load,
                          {},
                          {},
                          &cached_targets<Rel>};
  } else if constexpr (Rel::kind == relation_kind::has_many_through) {
    // The subquery passes through the join model (through_hop_v): target.key = join.target_fk,
    // join.owner_fk = owner.key.
    return relation_entry{
        to_string_view(typename Rel::name_type{}),
        Rel::kind,
        &typeid(target),
        &relation_table_of<target>,
        &table_meta_v<target>,
        static_cast<std::uint32_t>(column_lookup<target, model_of<target>::primary_key::index>::position),
        static_cast<std::uint32_t>(column_lookup<owner, model_of<owner>::primary_key::index>::position),
        &::ar::database_for<target>,
        true,
        nullptr,
        &store_count<Rel>,
        &eager_ops<Rel>::eager_load,
        {},
        {},
        &cached_targets<Rel>,
        &through_hop_v<Rel>};
  } else if constexpr (Rel::kind == relation_kind::chain) {
    // The subqueries pass through the hop's model (chain_hop_v): target.link = mid.link, and
    // mid.match = the owner's column.
    using impl = relation_impl<Rel>;
    return relation_entry{to_string_view(typename Rel::name_type{}),
                          Rel::kind,
                          &typeid(target),
                          &relation_table_of<target>,
                          &table_meta_v<target>,
                          impl::target_link_position,
                          impl::owner_side_position,
                          &::ar::database_for<target>,
                          true,
                          nullptr,
                          impl::many ? &store_count<Rel> : nullptr,
                          &eager_ops<Rel>::eager_load,
                          {},
                          {},
                          &cached_targets<Rel>,
                          &chain_hop_v<Rel>};
  } else if constexpr (Rel::composite) {
    // The subquery correlates every column of the key: the first as for one column, the others after.
    using impl = relation_impl<Rel>;
    return relation_entry{to_string_view(typename Rel::name_type{}),
                          Rel::kind,
                          &typeid(target),
                          &relation_table_of<target>,
                          &table_meta_v<target>,
                          impl::match_positions[0],
                          impl::owner_positions[0],
                          &::ar::database_for<target>,
                          true,
                          nullptr,
                          impl::many ? &store_count<Rel> : nullptr,
                          &eager_ops<Rel>::eager_load,
                          std::span<const std::uint32_t>(impl::match_positions).subspan(1),
                          std::span<const std::uint32_t>(impl::owner_positions).subspan(1),
                          &cached_targets<Rel>};
  } else {
    using impl = relation_impl<Rel>;
    std::uint32_t inner = 0, outer = 0;
    if constexpr (impl::belongs) {
      inner = static_cast<std::uint32_t>(column_lookup<target, impl::key_def::index>::position);
      outer = static_cast<std::uint32_t>(column_lookup<owner, impl::fk_def::index>::position);
    } else {
      inner = static_cast<std::uint32_t>(column_lookup<target, impl::fk_def::index>::position);
      outer = static_cast<std::uint32_t>(column_lookup<owner, impl::key_def::index>::position);
    }
    return relation_entry{to_string_view(typename Rel::name_type{}),
                          Rel::kind,
                          &typeid(target),
                          &relation_table_of<target>,
                          &table_meta_v<target>,
                          inner,
                          outer,
                          &::ar::database_for<target>,
                          true,
                          impl::morph ? &subquery_condition<Rel> : nullptr,
                          impl::many ? &store_count<Rel> : nullptr,
                          &eager_ops<Rel>::eager_load,
                          {},
                          {},
                          &cached_targets<Rel>};
  }
}

// A model's relations, as constants. (A relation whose declaration is wrong has said so in its
// static_assert; its entry is a placeholder.)
template <class M>
inline constexpr auto relation_entries_v = []<class... R>(type_list<R...>) {
  return std::array<relation_entry, sizeof...(R)>{entry_of<R>()...};
}(typename model_of<M>::relations{});

template <class M>
inline constexpr relation_table relation_table_v{model_of<M>::table,
                                                 std::span<const relation_entry>(relation_entries_v<M>)};

template <class M>
const relation_table& relation_table_of() {
  return relation_table_v<M>;
}

// Runs the eager loads a query asked for, and gives its records one context.
template <class M>
void finish_rows(const query_state& state, M* rows, std::size_t n) {
  if constexpr (model_of<M>::relations::size > 0) {
    finish_read_rows(model_rows_v<M>, rows, n, state);
  } else {
    if (state.eager && !state.eager->empty())
      throw error("ar: with(...) on a model without relations");  // unreachable: with() checks names
  }
}

// Called by a relation's first lazy access: strict mode refuses it; with siblings it is batched.
template <class Rel, class Owner>
bool before_lazy_load(const Owner& o) {
  if (strict_for(o))
    throw lazy_load_error(std::string(model_of<typename Rel::owner>::table),
                          std::string(to_string_view(typename Rel::name_type{})));
  return eager_ops<Rel>::load_from_batch(o);
}

template <class Owner, class Name>
std::int64_t relation_count(const Owner& o, Name) {
  using rel = typename find_relation<Owner, Name>::type;
  relation_slot& slot = slot_of<rel>(o);
  if (slot.count) return *slot.count;
  if (slot.loaded)
    return static_cast<std::int64_t>(static_cast<const std::vector<typename rel::target>*>(slot.value.get())->size());
  if (strict_for(o))
    throw lazy_load_error(std::string(model_of<Owner>::table), std::string(to_string_view(Name{})),
                          "count it in the query with with_count(...)");
  slot.count = relation_impl<rel>::query_for(o) | count;
  return *slot.count;
}

}  // namespace ar::detail

#endif  // AR_LOAD_REGISTRY_HPP
