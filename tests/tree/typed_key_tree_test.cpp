// Trees keyed on an ar::uuid, an ar::date and a strong id (a type with an ar::type_mapping): the
// walks up and down (one statement each) and the cycle check on update and save work as over an
// integer key, on every backend. (They compared keys with std::hash and operator== of the key's
// own type; a uuid, a date or a strong id has no std::hash.)

#include "../support/backends.hpp"

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tkt {

struct node_id {
  std::int64_t value = 0;
  friend bool operator==(node_id, node_id) = default;
};

}  // namespace tkt

template <>
struct ar::type_mapping<tkt::node_id> {
  using stored = std::int64_t;
  static stored to_stored(const tkt::node_id& v) { return v.value; }
  static tkt::node_id from_stored(stored s) { return tkt::node_id{s}; }
};

namespace tkt {

using namespace std::chrono;

struct uuid_node {
  ar::uuid id;
  std::optional<ar::uuid> parent_id;
  std::string name;
  AR_MODEL(uuid_node, "tkt_uuid_nodes", AR_FIELDS(id, parent_id, name), AR_KEY_SUPPLIED,
           AR_BELONGS_TO(parent, uuid_node, parent_id, AR_INVERSE(children)),
           AR_HAS_MANY(children, uuid_node, parent_id, AR_INVERSE(parent)));
};

struct date_node {
  ar::date day{};
  std::optional<ar::date> parent_day;
  std::string name;
  AR_MODEL(date_node, "tkt_date_nodes", AR_FIELDS(day, parent_day, name), AR_PRIMARY_KEY(day), AR_KEY_SUPPLIED,
           AR_BELONGS_TO(parent, date_node, parent_day, AR_INVERSE(children)),
           AR_HAS_MANY(children, date_node, parent_day, AR_INVERSE(parent)));
};

struct strong_node {
  node_id id;
  std::optional<node_id> parent_id;
  std::string name;
  AR_MODEL(strong_node, "tkt_strong_nodes", AR_FIELDS(id, parent_id, name), AR_KEY_SUPPLIED,
           AR_BELONGS_TO(parent, strong_node, parent_id, AR_INVERSE(children)),
           AR_HAS_MANY(children, strong_node, parent_id, AR_INVERSE(parent)));
};

ar::uuid uuid_of(int n) {
  ar::uuid u;
  u.bytes[0] = std::byte{0xa0};
  u.bytes[15] = static_cast<std::byte>(n);
  return u;
}
ar::date date_of(int n) { return ar::date{sys_days{2024y / February / 27} + days{n}}; }  // across Feb 29
node_id strong_of(int n) { return node_id{1000 + n}; }

template <class M>
std::vector<std::string> names(const std::vector<M>& v) {
  std::vector<std::string> out;
  for (const auto& m : v) out.push_back(m.name);
  return out;
}

class typed_key_trees : public ar_test::backend_test {
 protected:
  // root(0) -> a(1) -> a1(2) -> a1x(3); root -> b(4); `key(n)` makes each key, `Parent` its field.
  template <class M, class Key>
  void check_tree(Key key) {
    ar::create_table<M>(db);
    const char* const labels[] = {"root", "a", "a1", "a1x", "b"};
    const int parents[] = {-1, 0, 1, 2, 0};
    std::vector<M> nodes;
    for (int n = 0; n < 5; ++n) {
      M m{key(n), std::nullopt, labels[n]};
      if (parents[n] >= 0) m.*parent_field<M>() = key(parents[n]);
      ar::insert(db, m);
      nodes.push_back(m);
    }
    ar::statement_counter counter;
    EXPECT_EQ(names(ar::ancestors(nodes[3], "parent")), (std::vector<std::string>{"a1", "a", "root"}));
    EXPECT_EQ(counter.count(), 1u);
    std::vector<std::string> below = names(ar::descendants(nodes[0], "parent"));
    EXPECT_EQ(counter.count(), 2u);
    ASSERT_EQ(below.size(), 4u);
    EXPECT_EQ(below.back(), "a1x");  // by depth: the deepest last
    // a's great-grandchild as a's parent closes a cycle: refused, nothing saved.
    M a = nodes[1];
    a.*parent_field<M>() = key(3);
    try {
      ar::update(db, a);
      ADD_FAILURE() << "a cycle was saved";
    } catch (const ar::error& e) {
      EXPECT_NE(std::string(e.what()).find("its own ancestor"), std::string::npos) << e.what();
    }
    M b = nodes[4];
    b.*parent_field<M>() = key(4);  // its own parent
    EXPECT_THROW(ar::save(db, b), ar::error);
    b.*parent_field<M>() = key(3);  // a legal move, under a1x
    ar::save(db, b);
    EXPECT_EQ(names(ar::ancestors(b, "parent")), (std::vector<std::string>{"a1x", "a1", "a", "root"}));
    // The children of each, in one statement for all of them.
    const auto all = ar::from<M>(db) | ar::to_vector;
    counter.reset();
    std::size_t children = 0;
    for (const M& m : all) children += m.children().size();
    EXPECT_EQ(children, 4u);
    EXPECT_EQ(counter.count(), 1u);
  }

  template <class M>
  static constexpr auto parent_field() {
    if constexpr (std::is_same_v<M, date_node>)
      return &date_node::parent_day;
    else
      return &M::parent_id;
  }
};

TEST_P(typed_key_trees, a_tree_keyed_on_a_uuid_walks_and_refuses_cycles) { check_tree<uuid_node>(uuid_of); }
TEST_P(typed_key_trees, a_tree_keyed_on_a_date_walks_and_refuses_cycles) { check_tree<date_node>(date_of); }
TEST_P(typed_key_trees, a_tree_keyed_on_a_strong_id_walks_and_refuses_cycles) { check_tree<strong_node>(strong_of); }

AR_INSTANTIATE_BACKEND_SUITE(typed_key_trees);

}  // namespace tkt
