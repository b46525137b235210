#ifndef AR_THROUGH_HPP
#define AR_THROUGH_HPP

// Many-to-many through a join model that stays an ordinary model with its own fields:
//
//   struct Post { ... AR_MODEL(Post, "posts", AR_FIELDS(id, title),
//                              AR_HAS_MANY_THROUGH(tags, Tag, PostTag, post_id, tag_id)); };
//   struct Tag  { ... AR_MODEL(Tag, "tags", AR_FIELDS(id, name),
//                              AR_HAS_MANY_THROUGH(posts, Post, PostTag, tag_id, post_id)); };
//   struct PostTag { std::int64_t id; std::int64_t post_id; std::int64_t tag_id; ar::time_point created_at;
//                    AR_MODEL(PostTag, "post_tags", AR_FIELDS(id, post_id, tag_id, created_at)); };
//
// post.tags() loads in one statement when the join model and the target share a database (the
// join is done in SQL), in two when they do not; with("tags") adds one statement per level in the
// first case, two in the second. Writes: tags_attach(tag[, join prototype]), tags_detach(tag),
// tags_sync(keys) (one transaction, only the statements needed), tags_toggle(tag).

//
// A model that declares AR_HAS_MANY_THROUGH or AR_MORPH_MANY_THROUGH is defined where this header
// is visible (AR_MODEL checks it).

#include <ar/crud.hpp>
#include <ar/database.hpp>
#include <ar/backend/dialect.hpp>
#include <ar/error.hpp>
#include <ar/export.hpp>
#include <ar/load/algorithm.hpp>
#include <ar/load/registry.hpp>
#include <ar/loading.hpp>
#include <ar/query.hpp>
#include <ar/relation.hpp>
#include <ar/transaction.hpp>
#include <ar/views/aggregate.hpp>
#include <ar/views/delete_all.hpp>
#include <ar/views/filter.hpp>
#include <ar/views/select.hpp>
#include <ar/views/to_vector.hpp>

#include <algorithm>
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#undef AR_DETAIL_THROUGH_INCLUDED
#define AR_DETAIL_THROUGH_INCLUDED 1

namespace ar::detail {

// SELECT target columns and the join's owner key FROM target JOIN join ON join.target_fk =
// target.key WHERE join.owner_fk IN (placeholders) [AND conditions on the target] ORDER BY
// target.order_column. Its parameters: the keys, then the conditions' values. A chain's hop is the
// join: target.key is then the target's column its source matches (its key, or its foreign key).
AR_API void render_through(std::string& sql, std::vector<value>& params, const dialect& d, const table_meta& target,
                           std::size_t target_key, const table_meta& join, std::size_t join_owner,
                           std::size_t join_target, const std::vector<value>& keys,
                           const std::optional<std::pair<std::size_t, value>>& join_type, const expr_tree* conditions,
                           std::size_t order_column);

// A has_many_through's relation_impl (ar/detail/relation_impl.hpp picks it by the relation's kind).
template <class Rel>
struct through_impl {
  using owner = typename Rel::owner;
  using target = typename Rel::target;
  using join = typename Rel::through_model;
  using owner_key_def = typename model_of<owner>::primary_key;
  using target_key_def = typename model_of<target>::primary_key;
  using join_owner_def = typename column_named<typename Rel::foreign_key_name, typename model_of<join>::columns>::def;
  using join_target_def =
      typename column_named<typename Rel::through_target_key, typename model_of<join>::columns>::def;
  using key_scalar = scalar_t<typename owner_key_def::type>;
  using target_key = scalar_t<typename target_key_def::type>;
  // Keys are grouped, hashed and ordered by their load key (an integer or a text: an ar::uuid,
  // an ar::date or a strong id has no std::hash of its own), as the direct relations' are.
  using owner_codec = load_key<key_scalar>;
  using target_codec = load_key<target_key>;
  using owner_load_key = typename owner_codec::type;
  using target_load_key = typename target_codec::type;
  static key_scalar decoded(const owner_load_key& k) { return static_cast<key_scalar>(owner_codec::decode(k)); }
  using join_owner_column = column<join, join_owner_def::index>;
  using join_target_column = column<join, join_target_def::index>;
  using target_key_column = column<target, target_key_def::index>;
  using modifier_fn = std::function<query<target>(query<target>)>;
  static constexpr bool belongs = false;
  static constexpr bool many = true;
  static constexpr bool morph = false;  // no morph_many-style condition on the target itself

  // Polymorphic many-to-many: the join rows carry the owner's type (AR_MORPH_MANY_THROUGH) or the
  // target's (AR_MORPH_TARGET).
  using join_type_field = std::conditional_t<!std::is_void_v<typename Rel::morph_type_field>,
                                             typename Rel::morph_type_field, typename Rel::morph_target_field>;
  static constexpr bool typed_join = !std::is_void_v<join_type_field>;
  static std::string join_type_value() {
    if constexpr (!std::is_void_v<typename Rel::morph_type_field>)
      return std::string(model_of<owner>::morph_name);
    else
      return std::string(model_of<target>::morph_name);
  }
  template <class L = join>
  static auto join_type_column() {
    using def = typename column_named<join_type_field, typename model_of<L>::columns>::def;
    return column<L, def::index>{};
  }
  // The join rows of this relation: the owner key test, with the type test when there is one.
  template <class Condition>
  static auto typed(const Condition& condition) {
    if constexpr (typed_join)
      return condition && join_type_column() == join_type_value();
    else
      return condition;
  }

  static std::optional<key_scalar> lookup_value(const owner& o) {
    const auto& key = o.*owner_key_def::pointer;
    if (model_of<owner>::generated_key && key == key_scalar{}) return std::nullopt;  // not saved yet
    return key;
  }

  static bool joined_in_sql() {
    refuse_sharded_through(table_meta_v<owner>.table, to_string_view(typename Rel::name_type{}),
                           {&table_meta_v<join>, &table_meta_v<target>});
    return ::ar::database_for<join>() == ::ar::database_for<target>();
  }

  // The targets of one owner as a query: EXISTS a join row pointing at them from this owner.
  static query<target> query_for(const owner& o) {
    const auto v = lookup_value(o);
    if (!v) return from<target>() | filter(target_key_column{}.in(std::vector<target_key>{}));
    if (!joined_in_sql()) {
      // The join model lives on another database: read its keys there (one statement) and ask the
      // target's database for those.
      std::vector<target_key> keys;
      for (auto [k] :
           from<join>() | filter(typed(join_owner_column{} == *v)) | select(join_target_column{}) | to_vector)
        keys.push_back(static_cast<target_key>(k));
      return from<target>() | filter(target_key_column{}.in(keys));
    }
    auto where = std::make_shared<expr_tree>(to_tree(typed(join_owner_column{} == *v)));
    auto sub = std::make_shared<subquery>();
    sub->table = &table_meta_v<join>;
    sub->inner_column = static_cast<std::uint32_t>(column_lookup<join, join_target_def::index>::position);
    sub->outer_table = &table_meta_v<target>;
    sub->outer_column = static_cast<std::uint32_t>(column_lookup<target, target_key_def::index>::position);
    sub->where = std::move(where);
    expr_tree exists;
    exists.subqueries.push_back(std::move(sub));
    exists.add(node{node_kind::exists, compare_op::eq, 0});
    return from<target>().transformed([&](query_state& s) { s.where = std::move(exists); });
  }

  // Targets grouped by owner key (its load key), for `keys` (load keys): one statement when the
  // join is done in SQL (per chunk of keys), else the join rows then the targets.
  static std::unordered_map<owner_load_key, std::vector<target>> select_in(const std::vector<owner_load_key>& keys,
                                                                           const modifier_fn* modifier) {
    std::unordered_map<owner_load_key, std::vector<target>> grouped;
    if (keys.empty()) return grouped;
    (void)joined_in_sql();  // refuses shards before anything is sent
    query<target> refined = from<target>();
    if (modifier) refined = (*modifier)(refined);
    const query_state& rs = refined.state();
    if (!rs.order.empty() || rs.limit || rs.offset || rs.distinct)
      throw error("ar::with: a modifier of a has_many_through relation may only filter");
    const ar::database target_db = ::ar::database_for<target>();
    const std::size_t limit = target_db.dialect().max_parameters();
    const std::size_t used = refined.parameters().size();
    const std::size_t chunk = limit > used + 1 ? limit - used - 1 : 1;
    if (joined_in_sql()) {
      for (std::size_t at = 0; at < keys.size(); at += chunk) {
        const std::size_t n = std::min(chunk, keys.size() - at);
        std::vector<value> key_values;
        for (std::size_t i = 0; i < n; ++i) key_values.push_back(to_value(decoded(keys[at + i])));
        std::string sql;
        std::vector<value> params;
        std::optional<std::pair<std::size_t, value>> join_type;
        if constexpr (typed_join) {
          using type_def = typename column_named<join_type_field, typename model_of<join>::columns>::def;
          join_type.emplace(column_lookup<join, type_def::index>::position, value{join_type_value()});
        }
        const naming_scope names(target_db.naming());
        render_through(sql, params, target_db.dialect(), table_meta_v<target>,
                       column_lookup<target, target_key_def::index>::position, table_meta_v<join>,
                       column_lookup<join, join_owner_def::index>::position,
                       column_lookup<join, join_target_def::index>::position, key_values, join_type,
                       rs.where ? &*rs.where : nullptr, column_lookup<target, target_key_def::index>::position);
        target staging{};
        key_scalar owner_key{};
        std::array<column_binding, model_of<target>::size + 1> columns;
        bind_record(staging, std::span<column_binding>(columns.data(), model_of<target>::size));
        columns.back() = bind_column(owner_key);
        auto on_row = [&] { grouped[owner_codec::encode(owner_key)].push_back(std::move(staging)); };
        run(detail::state_of(target_db), sql, params, columns, row_callback::of(on_row));
      }
      return grouped;
    }
    // The join model lives elsewhere: read its rows, then the targets they point at.
    std::vector<std::pair<key_scalar, target_key>> links;
    for (std::size_t at = 0; at < keys.size(); at += chunk) {
      const std::size_t n = std::min(chunk, keys.size() - at);
      std::vector<key_scalar> part;
      for (std::size_t i = 0; i < n; ++i) part.push_back(decoded(keys[at + i]));
      for (auto [o, t] : from<join>() | filter(typed(join_owner_column{}.in(part))) |
                             select(join_owner_column{}, join_target_column{}) | to_vector)
        links.emplace_back(static_cast<key_scalar>(o), static_cast<target_key>(t));
    }
    std::vector<target_key> wanted;
    std::unordered_set<target_load_key> seen;
    for (const auto& link : links)
      if (seen.insert(target_codec::encode(link.second)).second) wanted.push_back(link.second);
    std::unordered_map<target_load_key, std::shared_ptr<const target>> by_key;
    for (std::size_t at = 0; at < wanted.size(); at += chunk) {
      const std::size_t n = std::min(chunk, wanted.size() - at);
      std::vector<target_key> part(wanted.begin() + static_cast<std::ptrdiff_t>(at),
                                   wanted.begin() + static_cast<std::ptrdiff_t>(at + n));
      for (target& t : refined | filter(target_key_column{}.in(part)) | to_vector) {
        target_load_key k = target_codec::encode(t.*target_key_def::pointer);
        by_key.emplace(std::move(k), std::make_shared<target>(std::move(t)));
      }
    }
    for (const auto& [o, t] : links)
      if (auto it = by_key.find(target_codec::encode(t)); it != by_key.end())
        grouped[owner_codec::encode(o)].push_back(*it->second);
    // In the target key's order, as the joined statement's ORDER BY (a uuid by its bytes, a date
    // by its day).
    for (auto& [o, rows] : grouped)
      std::sort(rows.begin(), rows.end(), [](const target& a, const target& b) {
        return target_codec::encode(a.*target_key_def::pointer) < target_codec::encode(b.*target_key_def::pointer);
      });
    return grouped;
  }

  // first_access: a lazy read, on a record other threads may read too (see publish_loaded); else
  // a reload, which replaces the value.
  static void load(const owner& o, bool first_access = false) {
    std::shared_ptr<const void> value;
    if (const auto v = lookup_value(o)) {
      const owner_load_key k = owner_codec::encode(*v);
      auto grouped = select_in({k}, nullptr);
      value = std::make_shared<std::vector<target>>(std::move(grouped[k]));
    } else {
      value = std::make_shared<std::vector<target>>();
    }
    store_loaded(slot_of<Rel>(o), std::move(value), first_access);
  }

  static const std::vector<target>& cached(const owner& o) {
    return *static_cast<const std::vector<target>*>((o.*Rel::slot).value.get());
  }
  static const std::vector<target>& get(const owner& o) {
    if (!(o.*Rel::slot).loaded && !before_lazy_load<Rel>(o)) load(o, true);
    return cached(o);
  }
  static const std::vector<target>& reload(const owner& o) {
    load(o);
    return cached(o);
  }

  static key_scalar saved_key(const owner& o) {
    const auto v = lookup_value(o);
    if (!v)
      throw error("ar: cannot change '" + std::string(to_string_view(typename Rel::name_type{})) + "' of a '" +
                  std::string(model_of<owner>::table) + "' record that has no key yet: save it first");
    return *v;
  }
  static target_key saved_target_key(const target& t) {
    const target_key k = t.*target_key_def::pointer;
    if (model_of<target>::generated_key && k == target_key{})
      throw error("ar: cannot link a '" + std::string(model_of<target>::table) +
                  "' record that has no key yet: save it first");
    return k;
  }

  // Whether a join row links the pair (one statement).
  static bool linked(const owner& o, const target& t) {
    return from<join>() |
           filter(typed(join_owner_column{} == saved_key(o) && join_target_column{} == saved_target_key(t))) | exists;
  }

  // A second link for a pair that has one is not written (false): reading first, one statement
  // more than the INSERT. Two writers at once can both find none: a unique index on the join's two
  // keys is what makes that hold under concurrency.
  template <class Prototype>
  static bool attach(const owner& o, const target& t, const Prototype* prototype) {
    if (linked(o, t)) return false;
    insert_link(o, t, prototype);
    return true;
  }

  template <class Prototype>
  static void insert_link(const owner& o, const target& t, const Prototype* prototype) {
    join link{};
    if constexpr (!std::is_void_v<Prototype>) {
      static_assert(std::is_same_v<Prototype, join>, "ar: attach's second argument is a record of the join model");
      link = *prototype;
      primary_key(link) = key_type_of<join>{};
    }
    link.*join_owner_def::pointer = static_cast<scalar_t<typename join_owner_def::type>>(saved_key(o));
    link.*join_target_def::pointer = static_cast<scalar_t<typename join_target_def::type>>(saved_target_key(t));
    set_join_type(link);
    insert(link);
    relation_slot& slot = slot_of<Rel>(o);
    if (!slot.loaded) return;
    auto rows = std::make_shared<std::vector<target>>(cached(o));
    rows->push_back(*fields_of_target(t));
    slot.value = std::move(rows);
  }

  static void set_join_type(join& link) {
    if constexpr (typed_join) {
      using type_def = typename column_named<join_type_field, typename model_of<join>::columns>::def;
      link.*type_def::pointer = join_type_value();
    }
  }

  static std::shared_ptr<const target> fields_of_target(const target& t) {
    auto copy = std::make_shared<target>();
    model_of<target>::copy_columns(*copy, t);
    return copy;
  }

  static bool detach(const owner& o, const target& t) {
    const auto removed =
        from<join>() |
        filter(typed(join_owner_column{} == saved_key(o) && join_target_column{} == saved_target_key(t))) | delete_all;
    relation_slot& slot = slot_of<Rel>(o);
    if (slot.loaded) {
      auto rows = std::make_shared<std::vector<target>>(cached(o));
      const target_load_key gone = target_codec::encode(t.*target_key_def::pointer);
      std::erase_if(*rows, [&](const target& r) { return target_codec::encode(r.*target_key_def::pointer) == gone; });
      slot.value = std::move(rows);
    }
    return removed > 0;
  }

  // The wanted keys that no target has (one statement per chunk of keys), for sync to refuse.
  static std::vector<target_key> missing_targets(const std::vector<target_key>& wanted) {
    std::unordered_set<target_load_key> found;
    const std::size_t limit = ::ar::database_for<target>().dialect().max_parameters();
    const std::size_t chunk = limit > 1 ? limit : 1;
    for (std::size_t at = 0; at < wanted.size(); at += chunk) {
      const std::size_t n = std::min(chunk, wanted.size() - at);
      std::vector<target_key> part(wanted.begin() + static_cast<std::ptrdiff_t>(at),
                                   wanted.begin() + static_cast<std::ptrdiff_t>(at + n));
      for (auto [k] : from<target>() | filter(target_key_column{}.in(part)) | select(target_key_column{}) | to_vector)
        found.insert(target_codec::encode(static_cast<target_key>(k)));
    }
    std::vector<target_key> missing;
    for (const auto& k : wanted)
      if (!found.count(target_codec::encode(k))) missing.push_back(k);
    return missing;
  }

  template <class Keys>
  static void sync(const owner& o, const Keys& keys) {
    const key_scalar key = saved_key(o);
    std::vector<target_key> wanted;
    for (const auto& k : keys) wanted.push_back(static_cast<target_key>(k));
    // Every key must name a target: a link to nothing is refused before anything is written.
    if (!wanted.empty()) {
      const std::vector<target_key> missing = missing_targets(wanted);
      if (!missing.empty()) {
        std::string list;
        for (std::size_t i = 0; i < missing.size() && i < 10; ++i)
          list += (i ? ", " : "") + key_string<target>(missing[i]);
        if (missing.size() > 10) list += ", ... (" + std::to_string(missing.size()) + " in all)";
        throw error("ar: sync of '" + std::string(to_string_view(typename Rel::name_type{})) + "' of a '" +
                    std::string(model_of<owner>::table) + "' record: no '" + std::string(model_of<target>::table) +
                    "' record has the key " + list + "; nothing was changed");
      }
    }
    const ar::database db = ::ar::database_for<join>();
    std::optional<transaction> tx;
    if (!db.in_transaction()) tx.emplace(db);
    std::unordered_set<target_load_key> current;
    std::vector<target_key> current_keys;
    for (auto [k] :
         from<join>() | filter(typed(join_owner_column{} == key)) | select(join_target_column{}) | to_vector) {
      const auto t = static_cast<target_key>(k);
      if (current.insert(target_codec::encode(t)).second) current_keys.push_back(t);
    }
    std::unordered_set<target_load_key> keep;
    for (const auto& k : wanted) keep.insert(target_codec::encode(k));
    std::vector<target_key> remove;
    for (const auto& k : current_keys)
      if (!keep.count(target_codec::encode(k))) remove.push_back(k);
    if (!remove.empty())
      (void)(from<join>() | filter(typed(join_owner_column{} == key && join_target_column{}.in(remove))) | delete_all);
    std::vector<join> add;
    std::unordered_set<target_load_key> added;
    for (const auto& k : wanted) {
      const target_load_key e = target_codec::encode(k);
      if (current.count(e) || !added.insert(e).second) continue;
      join link{};
      link.*join_owner_def::pointer = static_cast<scalar_t<typename join_owner_def::type>>(key);
      link.*join_target_def::pointer = static_cast<scalar_t<typename join_target_def::type>>(k);
      set_join_type(link);
      add.push_back(std::move(link));
    }
    if (!add.empty()) insert_all(db, add);
    if (tx) tx->commit();
    slot_of<Rel>(o) = relation_slot{};  // loads again, true, when read
  }

  static bool toggle(const owner& o, const target& t) {
    if (linked(o, t)) {
      detach(o, t);
      return false;
    }
    insert_link(o, t, static_cast<const void*>(nullptr));
    return true;
  }
};

// A chain's value in its owner's cache from the rows found for it, in the target key's order:
// the rows (to-many), or the first or none (to-one).
template <class Target, bool Many>
std::shared_ptr<const void> chain_value(const std::vector<Target>* rows) {
  if constexpr (Many) {
    return rows ? std::make_shared<std::vector<Target>>(*rows) : std::make_shared<std::vector<Target>>();
  } else {
    if (!rows || rows->empty()) return nullptr;
    return std::make_shared<Target>(rows->front());
  }
}

// AR_HAS_MANY_VIA / AR_HAS_ONE_VIA: the hop (owner -> mid) then the source (mid -> target), read
// as one statement (target JOIN mid) when mid and the target share a database, as two (mid's
// links, then the targets) when they do not; read-only. Each target comes once per owner, however
// many paths lead to it (as a count of the relation counts it).
template <class Rel>
struct chain_impl {
  using owner = typename Rel::owner;
  using target = typename Rel::target;
  using hop = typename find_relation<owner, typename Rel::chain_hop>::type;
  using mid = typename hop::target;
  using source = typename find_relation<mid, typename Rel::chain_source>::type;
  using hop_impl = relation_impl<hop>;
  using source_impl = relation_impl<source>;
  static constexpr bool belongs = false;
  static constexpr bool many = Rel::chain_many;
  static constexpr bool morph = false;
  // The hop: mid's column that holds the owner's lookup value (its key for a belongs_to, else its
  // foreign key); the owner's column that value comes from.
  using hop_match_def = std::conditional_t<hop_impl::belongs, typename hop_impl::key_def, typename hop_impl::fk_def>;
  using owner_side_def = std::conditional_t<hop_impl::belongs, typename hop_impl::fk_def, typename hop_impl::key_def>;
  // The source: mid's column and the target's column that are equal.
  using mid_link_def =
      std::conditional_t<source_impl::belongs, typename source_impl::fk_def, typename source_impl::key_def>;
  using target_link_def =
      std::conditional_t<source_impl::belongs, typename source_impl::key_def, typename source_impl::fk_def>;
  using target_key_def = typename model_of<target>::primary_key;
  using key_scalar = typename hop_impl::key_scalar;
  using owner_codec = load_key<key_scalar>;
  using owner_load_key = typename owner_codec::type;
  using target_codec = load_key<scalar_t<typename target_key_def::type>>;
  using mid_link_scalar = scalar_t<typename mid_link_def::type>;
  using target_link_scalar = scalar_t<typename target_link_def::type>;
  using link_codec = load_key<mid_link_scalar>;
  using target_link_codec = load_key<target_link_scalar>;
  using hop_match_column = column<mid, hop_match_def::index>;
  using mid_link_column = column<mid, mid_link_def::index>;
  using target_link_column = column<target, target_link_def::index>;
  using target_key_column = column<target, target_key_def::index>;
  using modifier_fn = std::function<query<target>(query<target>)>;
  // Several paths can lead to one target only through a belongs_to source (several mid rows
  // pointing at one target).
  static constexpr bool repeats = source_impl::belongs;

  static constexpr std::uint32_t hop_match_position = column_lookup<mid, hop_match_def::index>::position;
  static constexpr std::uint32_t mid_link_position = column_lookup<mid, mid_link_def::index>::position;
  static constexpr std::uint32_t target_link_position = column_lookup<target, target_link_def::index>::position;
  static constexpr std::uint32_t owner_side_position = column_lookup<owner, owner_side_def::index>::position;

  static std::optional<key_scalar> lookup_value(const owner& o) { return hop_impl::lookup_value(o); }
  static key_scalar decoded(const owner_load_key& k) { return static_cast<key_scalar>(owner_codec::decode(k)); }

  static bool joined_in_sql() {
    refuse_sharded_through(table_meta_v<owner>.table, to_string_view(typename Rel::name_type{}),
                           {&table_meta_v<mid>, &table_meta_v<target>});
    return ::ar::database_for<mid>() == ::ar::database_for<target>();
  }

  // A field's value, or nothing when it is a null optional.
  template <class T>
  static auto present(const T& v) {
    if constexpr (is_optional_v<T>)
      return v;
    else
      return std::optional<T>(v);
  }

  // The targets of one owner as a query: EXISTS a mid row of the owner linked to them (each once).
  static query<target> query_for(const owner& o) {
    const auto v = lookup_value(o);
    if (!v)
      return from<target>() | filter(target_key_column{}.in(std::vector<scalar_t<typename target_key_def::type>>{}));
    if (!joined_in_sql()) {
      // mid lives on another database: read its links there (one statement), then ask the
      // target's database for those.
      std::vector<target_link_scalar> links;
      for (auto [l] : from<mid>() | filter(hop_match_column{} == *v) | select(mid_link_column{}) | to_vector)
        if (const auto p = present(l)) links.push_back(static_cast<target_link_scalar>(*p));
      return from<target>() | filter(target_link_column{}.in(links));
    }
    auto sub = std::make_shared<subquery>();
    sub->table = &table_meta_v<mid>;
    sub->inner_column = mid_link_position;
    sub->outer_table = &table_meta_v<target>;
    sub->outer_column = target_link_position;
    sub->where = std::make_shared<expr_tree>(to_tree(hop_match_column{} == *v));
    expr_tree exists;
    exists.subqueries.push_back(std::move(sub));
    exists.add(node{node_kind::exists, compare_op::eq, 0});
    return from<target>().transformed([&](query_state& st) { st.where = std::move(exists); });
  }

  // Appends a row unless it repeats the last one of its owner (rows come in the target key's order).
  static void add_row(std::vector<target>& rows, target&& t) {
    if constexpr (repeats)
      if (!rows.empty() && target_codec::encode(rows.back().*target_key_def::pointer) ==
                               target_codec::encode(t.*target_key_def::pointer))
        return;
    rows.push_back(std::move(t));
  }

  // Targets grouped by owner lookup value (its load key), for `keys`: one statement per chunk of
  // keys when mid and the target share a database, else mid's links then the targets.
  static std::unordered_map<owner_load_key, std::vector<target>> select_in(const std::vector<owner_load_key>& keys,
                                                                           const modifier_fn* modifier) {
    std::unordered_map<owner_load_key, std::vector<target>> grouped;
    if (keys.empty()) return grouped;
    (void)joined_in_sql();  // refuses shards before anything is sent
    query<target> refined = from<target>();
    if (modifier) refined = (*modifier)(refined);
    const query_state& rs = refined.state();
    if (!rs.order.empty() || rs.limit || rs.offset || rs.distinct)
      throw error("ar::with: a modifier of the chain '" + std::string(to_string_view(typename Rel::name_type{})) +
                  "' may only filter");
    const ar::database target_db = ::ar::database_for<target>();
    const std::size_t limit = target_db.dialect().max_parameters();
    const std::size_t used = refined.parameters().size();
    const std::size_t chunk = limit > used + 1 ? limit - used - 1 : 1;
    if (joined_in_sql()) {
      for (std::size_t at = 0; at < keys.size(); at += chunk) {
        const std::size_t n = std::min(chunk, keys.size() - at);
        std::vector<value> key_values;
        for (std::size_t i = 0; i < n; ++i) key_values.push_back(to_value(decoded(keys[at + i])));
        std::string sql;
        std::vector<value> params;
        const naming_scope names(target_db.naming());
        render_through(sql, params, target_db.dialect(), table_meta_v<target>, target_link_position, table_meta_v<mid>,
                       hop_match_position, mid_link_position, key_values, std::nullopt, rs.where ? &*rs.where : nullptr,
                       column_lookup<target, target_key_def::index>::position);
        target staging{};
        key_scalar owner_key{};
        std::array<column_binding, model_of<target>::size + 1> columns;
        bind_record(staging, std::span<column_binding>(columns.data(), model_of<target>::size));
        columns.back() = bind_column(owner_key);
        auto on_row = [&] { add_row(grouped[owner_codec::encode(owner_key)], std::move(staging)); };
        run(detail::state_of(target_db), sql, params, columns, row_callback::of(on_row));
      }
      return grouped;
    }
    // mid lives elsewhere: read its links, then the targets they point at.
    std::unordered_map<typename link_codec::type, std::vector<key_scalar>> owners_of_link;
    std::vector<target_link_scalar> wanted;
    for (std::size_t at = 0; at < keys.size(); at += chunk) {
      const std::size_t n = std::min(chunk, keys.size() - at);
      std::vector<key_scalar> part;
      for (std::size_t i = 0; i < n; ++i) part.push_back(decoded(keys[at + i]));
      for (auto [o, l] : from<mid>() | filter(hop_match_column{}.in(part)) |
                             select(hop_match_column{}, mid_link_column{}) | to_vector) {
        const auto owner_value = present(o);
        const auto link = present(l);
        if (!owner_value || !link) continue;
        auto& owners = owners_of_link[link_codec::encode(*link)];
        if (owners.empty()) wanted.push_back(static_cast<target_link_scalar>(*link));
        owners.push_back(static_cast<key_scalar>(*owner_value));
      }
    }
    std::vector<target> found;
    for (std::size_t at = 0; at < wanted.size(); at += chunk) {
      const std::size_t n = std::min(chunk, wanted.size() - at);
      std::vector<target_link_scalar> part(wanted.begin() + static_cast<std::ptrdiff_t>(at),
                                           wanted.begin() + static_cast<std::ptrdiff_t>(at + n));
      for (target& t : refined | filter(target_link_column{}.in(part)) | to_vector) found.push_back(std::move(t));
    }
    // In the target key's order, as the joined statement's ORDER BY.
    std::sort(found.begin(), found.end(), [](const target& a, const target& b) {
      return target_codec::encode(a.*target_key_def::pointer) < target_codec::encode(b.*target_key_def::pointer);
    });
    for (const target& t : found) {
      const auto link = present(t.*target_link_def::pointer);
      if (!link) continue;
      auto it = owners_of_link.find(link_codec::encode(static_cast<mid_link_scalar>(*link)));
      if (it == owners_of_link.end()) continue;
      for (const key_scalar& o : it->second) add_row(grouped[owner_codec::encode(o)], target(t));
    }
    return grouped;
  }

  // first_access: a lazy read, on a record other threads may read too (see publish_loaded); else
  // a reload, which replaces the value.
  static void load(const owner& o, bool first_access = false) {
    std::shared_ptr<const void> value;
    if (const auto v = lookup_value(o)) {
      const owner_load_key k = owner_codec::encode(*v);
      auto grouped = select_in({k}, nullptr);
      auto it = grouped.find(k);
      value = chain_value<target, many>(it == grouped.end() ? nullptr : &it->second);
    } else {
      value = chain_value<target, many>(nullptr);
    }
    store_loaded(slot_of<Rel>(o), std::move(value), first_access);
  }

  static decltype(auto) cached(const owner& o) {
    const relation_slot& slot = o.*Rel::slot;
    if constexpr (many)
      return static_cast<const std::vector<target>&>(*static_cast<const std::vector<target>*>(slot.value.get()));
    else
      return std::shared_ptr<const target>(slot.value, static_cast<const target*>(slot.value.get()));
  }
  static decltype(auto) get(const owner& o) {
    if (!(o.*Rel::slot).loaded && !before_lazy_load<Rel>(o)) load(o, true);
    return cached(o);
  }
  static decltype(auto) reload(const owner& o) {
    load(o);
    return cached(o);
  }
};

// The join rows' type test of a polymorphic many-to-many, for its subqueries (through_hop_v).
template <class Rel>
std::shared_ptr<const expr_tree> through_join_condition() {
  using impl = through_impl<Rel>;
  if constexpr (impl::typed_join)
    return std::make_shared<const expr_tree>(to_tree(impl::join_type_column() == impl::join_type_value()));
  else
    return nullptr;
}

// Eager loading and automatic batching of a through relation or a chain: its eager_ops
// (ar/load/registry.hpp picks it by the relation's kind).
template <class Rel>
struct through_eager_ops {
  using impl = relation_impl<Rel>;
  using owner = typename Rel::owner;
  using target = typename Rel::target;
  using key = typename impl::owner_load_key;

  static std::optional<key> lookup(const owner& o) {
    const auto v = impl::lookup_value(o);
    if (!v) return std::nullopt;
    return key(impl::owner_codec::encode(*v));
  }
  // The owners' keys, non-null, in their order, repeats kept.
  static std::vector<key> lookups(const std::vector<const void*>& owners) {
    std::vector<key> keys;
    keys.reserve(owners.size());
    for (const void* p : owners)
      if (auto k = lookup(*static_cast<const owner*>(p))) keys.push_back(std::move(*k));
    return keys;
  }

  static std::shared_ptr<const void> value_for(std::unordered_map<key, std::vector<target>>& grouped,
                                               const std::optional<key>& v) {
    if (v)
      if (auto it = grouped.find(*v); it != grouped.end()) return chain_value<target, impl::many>(&it->second);
    return chain_value<target, impl::many>(nullptr);
  }
  // The records a value holds, for the next level of the path.
  static void append_targets(const std::shared_ptr<const void>& value, std::vector<const void*>& targets) {
    if constexpr (impl::many) {
      for (const target& t : *static_cast<const std::vector<target>*>(value.get())) targets.push_back(&t);
    } else {
      if (value) targets.push_back(value.get());
    }
  }

  static eager_commit eager_load(const std::vector<const void*>& owners, const eager_node& node) {
    std::vector<key> keys = lookups(owners);
    keep_distinct(keys);
    auto grouped = impl::select_in(keys, static_cast<const typename impl::modifier_fn*>(node.modifier.get()));
    std::vector<const void*> targets;
    auto values = std::make_shared<std::vector<std::shared_ptr<const void>>>();
    values->reserve(owners.size());
    for (const void* p : owners) {
      auto value = value_for(grouped, lookup(*static_cast<const owner*>(p)));
      append_targets(value, targets);
      values->push_back(std::move(value));
    }
    share_context<target>(targets, !owners.empty() && strict_for(*static_cast<const owner*>(owners.front())));
    for (const eager_node& child : node.children)
      relation_table_of<target>().find(child.name).eager_load(targets, child)();
    return [owners, values] {
      for (std::size_t i = 0; i < owners.size(); ++i) {
        relation_slot& slot = slot_of<Rel>(*static_cast<const owner*>(owners[i]));
        slot.value = (*values)[i];
        slot.loaded = true;
      }
    };
  }

  static bool load_from_batch(const owner& o) {
    batch<key>* b = loaded_batch<key>(o.ar_context.shared, relation_position_of<Rel>(), [](batch<key>& siblings) {
      for (auto& [k, rows] : impl::select_in(siblings.keys, nullptr))
        siblings.results.emplace(k, chain_value<target, impl::many>(&rows));
    });
    if (!b) return false;
    const auto v = lookup(o);
    auto it = v ? b->results.find(*v) : b->results.end();
    publish_loaded(slot_of<Rel>(o), it == b->results.end() ? chain_value<target, impl::many>(nullptr) : it->second);
    return true;
  }

  static std::shared_ptr<void> make_batch(const std::vector<const void*>& records) {
    auto b = std::make_shared<batch<key>>();
    b->keys = lookups(records);
    return b;
  }
};

template <class Owner, class Name, class Target, class Join>
bool relation_attach(Owner& owner, Name, const Target& t, const Join* prototype) {
  using rel = typename find_relation<Owner, Name>::type;
  static_assert(std::is_same_v<Target, typename rel::target>,
                "ar: attach takes a record of the relation's target model");
  if constexpr (std::is_same_v<Target, typename rel::target>)
    return relation_impl<rel>::attach(owner, t, prototype);
  else
    return false;
}
template <class Owner, class Name, class Target>
bool relation_detach(Owner& owner, Name, const Target& t) {
  using rel = typename find_relation<Owner, Name>::type;
  static_assert(std::is_same_v<Target, typename rel::target>,
                "ar: detach takes a record of the relation's target model");
  return relation_impl<rel>::detach(owner, t);
}
template <class Owner, class Name, class Keys>
void relation_sync(Owner& owner, Name, const Keys& keys) {
  relation_impl<typename find_relation<Owner, Name>::type>::sync(owner, keys);
}
template <class Owner, class Name, class Target>
bool relation_toggle(Owner& owner, Name, const Target& t) {
  using rel = typename find_relation<Owner, Name>::type;
  static_assert(std::is_same_v<Target, typename rel::target>,
                "ar: toggle takes a record of the relation's target model");
  return relation_impl<rel>::toggle(owner, t);
}

}  // namespace ar::detail

#endif  // AR_THROUGH_HPP
