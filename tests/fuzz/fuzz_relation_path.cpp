// libFuzzer target: relation paths, as every user-facing entry takes them.
//
// The input is one header byte, for two of the entries a modifier byte, then the paths, one per
// line ('\n'); a path is any bytes (NUL, dots, UTF-8 or not). The header byte h chooses
//
//   root model  h % 10         user, post, comment, profile, order, order_item, tag, post_tag,
//                              note, category (fuzz_models.hpp)
//   entry       (h / 10) % 8   0 with(paths...)        1 ar::load(records, paths...)
//                              2 where_has(path)       3 where_doesnt_have(path)
//                              4 with_count(names...)  5 with(path, modifier)
//                              6 where_has(path, modifier)   7 all of 0-4
//   run         h >= 80        also run the queries on the in-memory SQLite database
//
// and the modifier byte one of the modifiers below (each a query of one model: it may or may not
// be the model the path leads to). E.g. "P" + "posts.comments\nprofile" is user, with, run.
//
// Every outcome is checked against the fuzzer's own copy of the model graph (`graph`): a valid
// path never throws, a malformed one throws ar::invalid_relation_path, an unknown name
// ar::relation_not_found, a path a subquery cannot follow (past a morph_to) or a
// modifier of another model ar::error; nothing else ever comes out. Several paths build the same
// tree whether given at once or one with() at a time. Run, a valid query succeeds (only names past
// a morph_to, which a row's model may lack, and where_has nested deeper than SQLite's parser takes
// may fail, with ar::error), sends at most 1 + 2 statements per relation in the path tree (no
// N+1), and every statement it sends passes the same SQL check as rendered ones (fuzz_support.hpp).
// After with(...) / ar::load(...), every relation of the path tree reads, under strict loading and
// without a statement, exactly the rows the data holds (`world`), in key order.

#include "fuzz_models.hpp"
#include "fuzz_support.hpp"

#include <ar/ar.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeinfo>
#include <vector>

namespace {

using namespace fuzz;

// --- the oracle: the model graph of fuzz_models.hpp ---------------------------------------------

enum model_id : int {
  m_user,
  m_post,
  m_comment,
  m_profile,
  m_order,
  m_order_item,
  m_tag,
  m_post_tag,
  m_note,
  m_category,
  model_count,
  m_any = -1  // past a morph_to: any model
};
enum class rk { belongs_to, has_one, has_many, through, morph_many, morph_to, chain_many, chain_one };
struct rel {
  std::string_view name;
  int target;
  rk kind;
};
const std::vector<rel> graph[model_count] = {
    /* user */
    {{"posts", m_post, rk::has_many},
     {"profile", m_profile, rk::has_one},
     {"orders", m_order, rk::has_many},
     {"post_comments", m_comment, rk::chain_many}},
    /* post */
    {{"author", m_user, rk::belongs_to},
     {"comments", m_comment, rk::has_many},
     {"tags", m_tag, rk::through},
     {"notes", m_note, rk::morph_many}},
    /* comment */ {{"post", m_post, rk::belongs_to}, {"post_author", m_user, rk::chain_one}},
    /* profile */ {{"owner", m_user, rk::belongs_to}},
    /* order */ {{"buyer", m_user, rk::belongs_to}, {"items", m_order_item, rk::has_many}},
    /* order_item */ {{"parent", m_order, rk::belongs_to}},
    /* tag */ {{"posts", m_post, rk::through}},
    /* post_tag */ {},
    /* note */ {{"notable", m_any, rk::morph_to}},
    /* category */
    {{"parent", m_category, rk::belongs_to}, {"children", m_category, rk::has_many}, {"notes", m_note, rk::morph_many}},
};

enum class outcome { ok, invalid_path, not_found, error };

const char* name_of(outcome o) {
  switch (o) {
    case outcome::ok: return "no exception";
    case outcome::invalid_path: return "ar::invalid_relation_path";
    case outcome::not_found: return "ar::relation_not_found";
    case outcome::error: return "ar::error";
  }
  return "?";
}

std::vector<std::string_view> split(std::string_view path) {
  std::vector<std::string_view> names;
  std::size_t start = 0;
  for (;;) {
    const std::size_t dot = path.find('.', start);
    if (dot == std::string_view::npos) {
      names.push_back(path.substr(start));
      return names;
    }
    names.push_back(path.substr(start, dot - start));
    start = dot + 1;
  }
}

struct walked {
  outcome result = outcome::ok;
  int model = 0;           // where the path leads (m_any past a morph_to)
  rk kind = rk::has_many;  // the last relation's kind (morph_to past a morph_to)
  bool wildcard = false;   // names past a morph_to: checked per row when it loads
  std::size_t depth = 0;   // subqueries nested (a through relation or a chain is two: its middle model, its target)
};

// What following `path` from `root` gives; `subquery`: as where_has / where_doesnt_have follow it.
walked walk(int root, std::string_view path, bool subquery) {
  walked w;
  w.model = root;
  const auto names = split(path);
  for (std::string_view n : names)
    if (n.empty()) return {outcome::invalid_path, root, rk::has_many};
  if (names.size() > ar::detail::max_relation_path_names) return {outcome::invalid_path, root, rk::has_many};
  for (std::string_view n : names) {
    if (w.model == m_any) {  // a morph_to's wildcard takes any name
      if (subquery) return {outcome::error, w.model, w.kind};
      w.kind = rk::morph_to;
      w.wildcard = true;
      continue;
    }
    const rel* found = nullptr;
    for (const rel& r : graph[w.model])
      if (r.name == n) found = &r;
    if (!found) return {outcome::not_found, w.model, w.kind};
    if (subquery && found->kind == rk::morph_to) return {outcome::error, w.model, w.kind};
    w.depth += found->kind == rk::through || found->kind == rk::chain_many || found->kind == rk::chain_one ? 2 : 1;
    w.model = found->target;
    w.kind = found->kind;
  }
  return w;
}

// Whether loading the paths may fail at run time: only names past a morph_to, which each row's
// model may not have. Anything else valid loads from the in-memory database without an error.
bool may_fail(int root, const std::vector<std::string>& paths) {
  for (const auto& p : paths)
    if (walk(root, p, false).wildcard) return true;
  return false;
}

// SQLite's parser takes where_has / where_doesnt_have subqueries nested 10 deep, not 11 ("parser stack
// overflow", an ar::database_error): deeper ones may fail.
constexpr std::size_t sqlite_subquery_depth = 10;
bool too_deep_for_sqlite(int root, std::string_view path) {
  return walk(root, path, true).depth > sqlite_subquery_depth;
}

// The first failure among several paths, as with(p1, p2, ...) and load(...) check them in order.
outcome first_failure(int root, const std::vector<std::string>& paths) {
  for (const auto& p : paths)
    if (auto w = walk(root, p, false); w.result != outcome::ok) return w.result;
  return outcome::ok;
}

outcome with_count_outcome(int root, const std::vector<std::string>& names) {
  for (const auto& n : names) {
    const rel* found = nullptr;
    for (const rel& r : graph[root])
      if (r.name == n) found = &r;
    if (!found) return outcome::not_found;
    if (found->kind != rk::has_many && found->kind != rk::morph_many && found->kind != rk::through &&
        found->kind != rk::chain_many)
      return outcome::error;
  }
  return outcome::ok;
}

// Runs f and says which of ar's exceptions came out; any other exception escapes (a crash).
template <class F>
outcome outcome_of(F&& f) {
  try {
    f();
    return outcome::ok;
  } catch (const ar::invalid_relation_path&) {
    return outcome::invalid_path;
  } catch (const ar::relation_not_found&) {
    return outcome::not_found;
  } catch (const ar::error&) {
    return outcome::error;
  }
}

std::string shown(const std::vector<std::string>& paths) {
  std::string out;
  for (const auto& p : paths) {
    if (!out.empty()) out += ", ";
    out += '"';
    for (char c : p) {
      if (static_cast<unsigned char>(c) < 32 || static_cast<unsigned char>(c) > 126) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned char>(c));
        out += buf;
      } else {
        out += c;
      }
    }
    out += '"';
  }
  return out;
}

void expect(outcome got, outcome want, std::string_view what, const std::vector<std::string>& paths) {
  if (got != want)
    fail(std::string(what) + " of " + shown(paths) + ": " + name_of(got) + " where the model graph says " +
         name_of(want));
}

// --- the database --------------------------------------------------------------------------------

const identifiers& relation_identifiers() {
  static const identifiers ids{&ar::table_meta_v<user>,    &ar::table_meta_v<post>,     &ar::table_meta_v<comment>,
                               &ar::table_meta_v<profile>, &ar::table_meta_v<order>,    &ar::table_meta_v<order_item>,
                               &ar::table_meta_v<tag>,     &ar::table_meta_v<post_tag>, &ar::table_meta_v<note>,
                               &ar::table_meta_v<category>};
  return ids;
}

// Opens sqlite3://db=:memory: once, with a little of everything: several children per parent (so
// that N+1 would show in the statement count), null keys, a tree five levels deep, notes on posts
// and on categories.
// Every row ensure_database inserted, as inserted (keys set): what each relation must load.
struct world_rows {
  std::vector<user> users;
  std::vector<post> posts;
  std::vector<comment> comments;
  std::vector<profile> profiles;
  std::vector<order> orders;
  std::vector<order_item> items;
  std::vector<tag> tags;
  std::vector<post_tag> links;
  std::vector<category> cats;
  std::vector<note> notes;
};
world_rows& world() {
  static world_rows w;
  return w;
}

template <class M>
const std::vector<M>& rows_of() {
  const world_rows& w = world();
  if constexpr (std::is_same_v<M, user>)
    return w.users;
  else if constexpr (std::is_same_v<M, post>)
    return w.posts;
  else if constexpr (std::is_same_v<M, comment>)
    return w.comments;
  else if constexpr (std::is_same_v<M, profile>)
    return w.profiles;
  else if constexpr (std::is_same_v<M, order>)
    return w.orders;
  else if constexpr (std::is_same_v<M, order_item>)
    return w.items;
  else if constexpr (std::is_same_v<M, tag>)
    return w.tags;
  else if constexpr (std::is_same_v<M, post_tag>)
    return w.links;
  else if constexpr (std::is_same_v<M, note>)
    return w.notes;
  else
    return w.cats;
}

void ensure_database() {
  static const bool done = [] {
    auto db = ar::open("sqlite3://db=:memory:");
    ar::create_tables<user, post, comment, profile, order, order_item, tag, post_tag, note, category>(db);
    std::vector<user> users;
    for (const char* n : {"ann", "bob", "cy", "dee", "eve", "fay"}) users.push_back({0, n});
    ar::insert_all(users);
    std::vector<post> posts;
    for (const user& u : users)
      for (int i = 0; i < 2; ++i)
        posts.push_back({0, u.id, u.username + " " + std::to_string(i), i ? "draft" : "published"});
    posts.push_back({0, std::nullopt, "orphan", "published"});
    ar::insert_all(posts);
    std::vector<comment> comments;
    for (const post& p : posts)
      for (int i = 0; i < 2; ++i) comments.push_back({0, p.id, "on " + p.title});
    ar::insert_all(comments);
    std::vector<profile> profiles;
    for (std::size_t i = 0; i < 4; ++i) profiles.push_back({0, users[i].id, "bio"});
    ar::insert_all(profiles);
    std::vector<order> orders;
    for (std::size_t i = 0; i < 5; ++i) orders.push_back({0, users[i].id, "o" + std::to_string(i)});
    orders.push_back({0, std::nullopt, "walk-in"});
    ar::insert_all(orders);
    std::vector<order_item> items;
    for (const order& o : orders)
      for (int i = 0; i < 2; ++i) items.push_back({0, o.id, "sku" + std::to_string(i), i + 1});
    ar::insert_all(items);
    std::vector<tag> tags{{0, "t1"}, {0, "t2"}, {0, "t3"}};
    ar::insert_all(tags);
    std::vector<post_tag> links;
    for (std::size_t i = 0; i < posts.size(); ++i) {
      links.push_back({0, posts[i].id, tags[i % 3].id});
      if (i % 2) links.push_back({0, posts[i].id, tags[(i + 1) % 3].id});
    }
    ar::insert_all(links);
    std::vector<category> cats;
    auto add = [&](std::optional<std::int64_t> parent, const char* name) {
      category c{0, parent, name};
      ar::insert(c);
      cats.push_back(c);
      return c.id;
    };
    const std::int64_t root = add(std::nullopt, "root");
    const std::int64_t a = add(root, "a"), b = add(root, "b");
    const std::int64_t a1 = add(a, "a1");
    add(b, "b1");
    add(add(a1, "a11"), "a111");
    std::vector<note> notes;
    for (std::size_t i = 0; i < 4; ++i) notes.push_back({0, "posts", posts[i].id, "n"});
    for (std::size_t i = 0; i < 3; ++i) notes.push_back({0, "categories", cats[i].id, "n"});
    notes.push_back({0, "posts", std::nullopt, "about nothing"});
    ar::insert_all(notes);
    world() = {users, posts, comments, profiles, orders, items, tags, links, cats, notes};
    return true;
  }();
  (void)done;
}

// Every statement sent while this lives is checked and counted.
struct sent_statements {
  std::size_t count = 0;
  ar::observer_handle handle;
  sent_statements()
      : handle(ar::observe([this](const ar::statement_event& e) {
          ++count;
          check_sql(e.sql, e.params.size(), dialects()[0], relation_identifiers(), "a statement sent");
        })) {}
};

// --- the eager tree ------------------------------------------------------------------------------

bool same_tree(const std::vector<ar::detail::eager_node>& a, const std::vector<ar::detail::eager_node>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].name != b[i].name || (a[i].modifier == nullptr) != (b[i].modifier == nullptr)) return false;
    if (!same_tree(a[i].children, b[i].children)) return false;
  }
  return true;
}

std::size_t tree_size(const std::vector<ar::detail::eager_node>& t) {
  std::size_t n = t.size();
  for (const auto& node : t) n += tree_size(node.children);
  return n;
}

// Whether the tree holds the path, name by name.
bool holds(const std::vector<ar::detail::eager_node>& tree, std::string_view path) {
  const std::vector<ar::detail::eager_node>* level = &tree;
  for (std::string_view name : split(path)) {
    const ar::detail::eager_node* found = nullptr;
    for (const auto& n : *level)
      if (n.name == name) {
        if (found) return false;  // one node per name and level
        found = &n;
      }
    if (!found) return false;
    level = &found->children;
  }
  return true;
}

// with(p1, ..., pk) for k = 1..4 at once.
template <class M>
ar::query<M> with_at_once(const std::vector<std::string>& p) {
  switch (p.size()) {
    case 1: return ar::from<M>() | ar::with(p[0]);
    case 2: return ar::from<M>() | ar::with(p[0], p[1]);
    case 3: return ar::from<M>() | ar::with(p[0], p[1], p[2]);
    default: return ar::from<M>() | ar::with(p[0], p[1], p[2], p[3]);
  }
}

template <class M>
void load_at_once(const std::vector<M>& records, const std::vector<std::string>& p) {
  switch (p.size()) {
    case 1: return ar::load(records, p[0]);
    case 2: return ar::load(records, p[0], p[1]);
    case 3: return ar::load(records, p[0], p[1], p[2]);
    default: return ar::load(records, p[0], p[1], p[2], p[3]);
  }
}

template <class M>
ar::query<M> with_count_at_once(const std::vector<std::string>& p) {
  switch (p.size()) {
    case 1: return ar::from<M>() | ar::with_count(p[0]);
    case 2: return ar::from<M>() | ar::with_count(p[0], p[1]);
    case 3: return ar::from<M>() | ar::with_count(p[0], p[1], p[2]);
    default: return ar::from<M>() | ar::with_count(p[0], p[1], p[2], p[3]);
  }
}

// Renders for every dialect and checks each statement.
template <class Q>
void check_rendered(const Q& q, std::string_view what) {
  for (const auto& dc : dialects()) {
    const auto r = q.render(*dc.d);
    check_sql(r.sql, r.parameters.size(), dc, relation_identifiers(), what);
  }
}

// A query run on the database fails only where a morph_to's wildcard names a relation a row's
// model lacks, with ar::error only, and costs at most 1 + 2 statements per node of its tree.
template <class F>
void run_bounded(std::size_t nodes, std::string_view what, const std::vector<std::string>& paths, bool may_fail,
                 F&& f) {
  sent_statements sent;
  try {
    f();
  } catch (const ar::error& e) {
    if (!may_fail) fail(std::string(what) + " of " + shown(paths) + " failed on valid data", e.what());
  }
  if (sent.count > 1 + 2 * nodes)
    fail(std::string(what) + " of " + shown(paths) + " sent " + std::to_string(sent.count) + " statements for " +
         std::to_string(nodes) + " relations");
}

// --- what eager loading must have loaded ---------------------------------------------------------

// Read under strict loading, with no statement: every relation of the tree is loaded (an empty
// collection or a missing record included), and holds exactly the rows the data says, in key order.

using tree_nodes = std::vector<ar::detail::eager_node>;

template <class T>
std::vector<std::int64_t> ids_of(const std::vector<T>& rows) {
  std::vector<std::int64_t> ids;
  for (const T& r : rows) ids.push_back(r.id);
  return ids;
}
// A to-many relation's rows, as its accessor gives them.
template <class T>
std::vector<std::int64_t> ids_of(const ar::collection<T>& rows) {
  return ids_of(rows.vector());
}

template <class T, class P>
std::vector<std::int64_t> ids_where(const std::vector<T>& rows, P&& keep) {
  std::vector<std::int64_t> ids;
  for (const T& r : rows)
    if (keep(r)) ids.push_back(r.id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

void same_rows(std::string_view what, std::int64_t owner, const std::vector<std::int64_t>& got,
               const std::vector<std::int64_t>& want) {
  if (got == want) return;
  auto text = [](const std::vector<std::int64_t>& v) {
    std::string out;
    for (auto x : v) out += (out.empty() ? "" : ",") + std::to_string(x);
    return "[" + out + "]";
  };
  fail(std::string(what) + " of record " + std::to_string(owner) + " holds " + text(got) + " where the data has " +
       text(want));
}

// A record relation (belongs_to, has_one): the record's key, or none.
template <class Ptr>
std::vector<std::int64_t> key_of(const Ptr& p) {
  return p ? std::vector<std::int64_t>{p->id} : std::vector<std::int64_t>{};
}
std::vector<std::int64_t> key_if(std::optional<std::int64_t> k) {
  return k ? std::vector<std::int64_t>{*k} : std::vector<std::int64_t>{};
}

template <class T>
void touch_all(const std::vector<T>& rows, const tree_nodes& children);
void touch(const user& u, const tree_nodes& nodes);
void touch(const post& p, const tree_nodes& nodes);
void touch(const comment& c, const tree_nodes& nodes);
void touch(const profile& p, const tree_nodes& nodes);
void touch(const order& o, const tree_nodes& nodes);
void touch(const order_item& i, const tree_nodes& nodes);
void touch(const tag& t, const tree_nodes& nodes);
void touch(const post_tag& l, const tree_nodes& nodes);
void touch(const note& n, const tree_nodes& nodes);
void touch(const category& c, const tree_nodes& nodes);

template <class T>
void touch_all(const std::vector<T>& rows, const tree_nodes& children) {
  if (!children.empty())
    for (const T& r : rows) touch(r, children);
}
template <class T>
void touch_all(const ar::collection<T>& rows, const tree_nodes& children) {
  touch_all(rows.vector(), children);
}
template <class Ptr>
void touch_one(const Ptr& p, const tree_nodes& children) {
  if (p && !children.empty()) touch(*p, children);
}

[[noreturn]] void unexpected(std::string_view model, const std::string& name) {
  fail("the eager tree of a " + std::string(model) + " has a node '" + name + "' the model graph lacks");
}

void touch(const user& u, const tree_nodes& nodes) {
  const world_rows& w = world();
  for (const auto& n : nodes) {
    if (n.name == "posts") {
      same_rows("user.posts", u.id, ids_of(u.posts()),
                ids_where(w.posts, [&](const post& p) { return p.user_id == u.id; }));
      touch_all(u.posts(), n.children);
    } else if (n.name == "profile") {
      auto want = ids_where(w.profiles, [&](const profile& p) { return p.user_id == u.id; });
      want.resize(std::min<std::size_t>(want.size(), 1));
      same_rows("user.profile", u.id, key_of(u.profile()), want);
      touch_one(u.profile(), n.children);
    } else if (n.name == "orders") {
      same_rows("user.orders", u.id, ids_of(u.orders()),
                ids_where(w.orders, [&](const order& o) { return o.user_id == u.id; }));
      touch_all(u.orders(), n.children);
    } else if (n.name == "post_comments") {
      same_rows("user.post_comments", u.id, ids_of(u.post_comments()), ids_where(w.comments, [&](const comment& c) {
                  return std::any_of(w.posts.begin(), w.posts.end(),
                                     [&](const post& p) { return p.id == c.post_id && p.user_id == u.id; });
                }));
      touch_all(u.post_comments(), n.children);
    } else {
      unexpected("user", n.name);
    }
  }
}

void touch(const post& p, const tree_nodes& nodes) {
  const world_rows& w = world();
  for (const auto& n : nodes) {
    if (n.name == "author") {
      same_rows("post.author", p.id, key_of(p.author()), key_if(p.user_id));
      touch_one(p.author(), n.children);
    } else if (n.name == "comments") {
      same_rows("post.comments", p.id, ids_of(p.comments()),
                ids_where(w.comments, [&](const comment& c) { return c.post_id == p.id; }));
      touch_all(p.comments(), n.children);
    } else if (n.name == "tags") {
      same_rows("post.tags", p.id, ids_of(p.tags()), ids_where(w.tags, [&](const tag& t) {
                  return std::any_of(w.links.begin(), w.links.end(),
                                     [&](const post_tag& l) { return l.post_id == p.id && l.tag_id == t.id; });
                }));
      touch_all(p.tags(), n.children);
    } else if (n.name == "notes") {
      same_rows("post.notes", p.id, ids_of(p.notes()),
                ids_where(w.notes, [&](const note& x) { return x.notable_type == "posts" && x.notable_id == p.id; }));
      touch_all(p.notes(), n.children);
    } else {
      unexpected("post", n.name);
    }
  }
}

void touch(const comment& c, const tree_nodes& nodes) {
  const world_rows& w = world();
  for (const auto& n : nodes) {
    if (n.name == "post") {
      same_rows("comment.post", c.id, key_of(c.post()), {c.post_id});
      touch_one(c.post(), n.children);
    } else if (n.name == "post_author") {
      std::vector<std::int64_t> want;
      for (const post& p : w.posts)
        if (p.id == c.post_id && p.user_id) want.push_back(*p.user_id);
      same_rows("comment.post_author", c.id, key_of(c.post_author()), want);
      touch_one(c.post_author(), n.children);
    } else {
      unexpected("comment", n.name);
    }
  }
}

void touch(const profile& p, const tree_nodes& nodes) {
  for (const auto& n : nodes) {
    if (n.name != "owner") unexpected("profile", n.name);
    same_rows("profile.owner", p.id, key_of(p.owner()), {p.user_id});
    touch_one(p.owner(), n.children);
  }
}

void touch(const order& o, const tree_nodes& nodes) {
  const world_rows& w = world();
  for (const auto& n : nodes) {
    if (n.name == "buyer") {
      same_rows("order.buyer", o.id, key_of(o.buyer()), key_if(o.user_id));
      touch_one(o.buyer(), n.children);
    } else if (n.name == "items") {
      same_rows("order.items", o.id, ids_of(o.items()),
                ids_where(w.items, [&](const order_item& i) { return i.order_id == o.id; }));
      touch_all(o.items(), n.children);
    } else {
      unexpected("order", n.name);
    }
  }
}

void touch(const order_item& i, const tree_nodes& nodes) {
  for (const auto& n : nodes) {
    if (n.name != "parent") unexpected("order_item", n.name);
    same_rows("order_item.parent", i.id, key_of(i.parent()), {i.order_id});
    touch_one(i.parent(), n.children);
  }
}

void touch(const tag& t, const tree_nodes& nodes) {
  const world_rows& w = world();
  for (const auto& n : nodes) {
    if (n.name != "posts") unexpected("tag", n.name);
    same_rows("tag.posts", t.id, ids_of(t.posts()), ids_where(w.posts, [&](const post& p) {
                return std::any_of(w.links.begin(), w.links.end(),
                                   [&](const post_tag& l) { return l.post_id == p.id && l.tag_id == t.id; });
              }));
    touch_all(t.posts(), n.children);
  }
}

void touch(const post_tag&, const tree_nodes& nodes) {
  if (!nodes.empty()) unexpected("post_tag", nodes.front().name);
}

void touch(const note& x, const tree_nodes& nodes) {
  for (const auto& n : nodes) {
    if (n.name != "notable") unexpected("note", n.name);
    const ar::morph_ref r = x.notable();
    if (!x.notable_id) {
      FUZZ_CHECK(!r, "note " + std::to_string(x.id) + " without a key points at a record");
      continue;
    }
    FUZZ_CHECK(r.type() == x.notable_type, "note.notable names the type '" + r.type() + "'");
    if (x.notable_type == "posts") {
      FUZZ_CHECK(r.is<post>() && r.as<post>()->id == *x.notable_id, "note.notable is not its post");
      touch_one(r.as<post>(), n.children);
    } else {
      FUZZ_CHECK(r.is<category>() && r.as<category>()->id == *x.notable_id, "note.notable is not its category");
      touch_one(r.as<category>(), n.children);
    }
  }
}

void touch(const category& c, const tree_nodes& nodes) {
  const world_rows& w = world();
  for (const auto& n : nodes) {
    if (n.name == "parent") {
      same_rows("category.parent", c.id, key_of(c.parent()), key_if(c.parent_id));
      touch_one(c.parent(), n.children);
    } else if (n.name == "children") {
      same_rows("category.children", c.id, ids_of(c.children()),
                ids_where(w.cats, [&](const category& k) { return k.parent_id == c.id; }));
      touch_all(c.children(), n.children);
    } else if (n.name == "notes") {
      same_rows("category.notes", c.id, ids_of(c.notes()), ids_where(w.notes, [&](const note& x) {
                  return x.notable_type == "categories" && x.notable_id == c.id;
                }));
      touch_all(c.notes(), n.children);
    } else {
      unexpected("category", n.name);
    }
  }
}

// Reads what the records loaded along `tree`, strictly, and checks it against the data; no
// statement may be sent (a lazy load would be one, and throws under strict loading first).
template <class M>
void check_loaded(const std::vector<M>& records, const tree_nodes& tree, std::string_view what,
                  const std::vector<std::string>& paths) {
  FUZZ_CHECK(records.size() == ids_where(rows_of<M>(), [](const M&) { return true; }).size(),
             std::string(what) + ": the main query read " + std::to_string(records.size()) + " rows");
  sent_statements sent;
  try {
    touch_all(records, tree);
  } catch (const ar::lazy_load_error& e) {
    fail(std::string(what) + " of " + shown(paths) + " left a relation unloaded", e.what());
  }
  FUZZ_CHECK(sent.count == 0,
             std::string(what) + " of " + shown(paths) + ": reading the loaded relations sent statements");
}

// --- the entries ---------------------------------------------------------------------------------

template <class M>
void entry_with(int root, const std::vector<std::string>& paths, bool run) {
  const outcome want = first_failure(root, paths);
  // One with() per path...
  ar::query<M> chained = ar::from<M>();
  const outcome one_by_one = outcome_of([&] {
    for (const auto& p : paths) chained = chained | ar::with(p);
  });
  expect(one_by_one, want, "with(p) | with(q) ...", paths);
  // ... and all at once, as a temporary and from a query kept: the same.
  const std::vector<std::string> first(
      paths.begin(), paths.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(4, paths.size())));
  ar::query<M> at_once;
  expect(outcome_of([&] { at_once = with_at_once<M>(first); }), first_failure(root, first), "with(p, q, ...)", first);
  if (want != outcome::ok) return;
  const auto& tree = *chained.state().eager;
  for (const auto& p : paths) FUZZ_CHECK(holds(tree, p), "the eager tree lacks " + shown({p}));
  if (first.size() == paths.size())
    FUZZ_CHECK(same_tree(tree, *at_once.state().eager), "with(p, q) and with(p) | with(q) differ for " + shown(paths));
  // with() adds nothing to the main statement.
  check_rendered(chained, "with");
  FUZZ_CHECK(chained.render(*dialects()[0].d).sql == ar::from<M>().render(*dialects()[0].d).sql);
  if (!run) return;
  std::optional<std::vector<M>> rows;
  run_bounded(tree_size(tree), "with", paths, may_fail(root, paths),
              [&] { rows = chained | ar::strict_loading | ar::to_vector; });
  if (rows) check_loaded(*rows, tree, "with", paths);
}

template <class M>
void entry_load(int root, const std::vector<std::string>& paths, bool run) {
  const outcome want = first_failure(root, paths);
  std::vector<M> records;
  if (run) records = ar::from<M>() | ar::strict_loading | ar::to_vector;
  // Paths are checked before anything loads: without records nothing runs at all.
  const std::vector<std::string> first(
      paths.begin(), paths.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(4, paths.size())));
  const outcome first_want = first_failure(root, first);
  if (!run) {
    expect(outcome_of([&] { load_at_once(records, first); }), first_want, "load(records, ...)", first);
    return;
  }
  std::vector<ar::detail::eager_node> tree;
  if (first_want == outcome::ok)
    for (const auto& p : first) ar::detail::add_path(tree, ar::detail::relation_table_of<M>(), p);
  sent_statements sent;
  try {
    load_at_once(records, first);
    FUZZ_CHECK(first_want == outcome::ok, "load(records, " + shown(first) + ") did not throw");
    check_loaded(records, tree, "load(records, ...)", first);
  } catch (const ar::invalid_relation_path&) {
    FUZZ_CHECK(first_want == outcome::invalid_path, "load(records, " + shown(first) + ")");
  } catch (const ar::relation_not_found& e) {
    // Past a morph_to, names are checked against each row's model when it loads.
    FUZZ_CHECK(first_want == outcome::not_found || (first_want == outcome::ok && may_fail(root, first)),
               "load(records, " + shown(first) + ")", e.what());
  } catch (const ar::error& e) {
    FUZZ_CHECK(first_want == outcome::ok && may_fail(root, first), "load(records, " + shown(first) + ")", e.what());
  }
  if (sent.count > 2 * tree_size(tree))
    fail("load(records, " + shown(first) + ") sent " + std::to_string(sent.count) + " statements");
  (void)want;
}

template <class M>
void entry_where_has(int root, const std::vector<std::string>& paths, bool run, bool negate) {
  for (const auto& p : paths) {
    const outcome want = walk(root, p, true).result;
    ar::query<M> q;
    const outcome got =
        outcome_of([&] { q = negate ? ar::from<M>() | ar::where_doesnt_have(p) : ar::from<M>() | ar::where_has(p); });
    expect(got, want, negate ? "where_doesnt_have" : "where_has", {p});
    if (got != outcome::ok) continue;
    check_rendered(q, negate ? "where_doesnt_have" : "where_has");
    if (run) run_bounded(0, "where_has", {p}, too_deep_for_sqlite(root, p), [&] { (void)(q | ar::count); });
  }
}

template <class M>
void entry_with_count(int root, const std::vector<std::string>& names, bool run) {
  const std::vector<std::string> first(
      names.begin(), names.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(4, names.size())));
  ar::query<M> q;
  const outcome got = outcome_of([&] { q = with_count_at_once<M>(first); });
  expect(got, with_count_outcome(root, first), "with_count", first);
  if (got != outcome::ok) return;
  check_rendered(q, "with_count");
  if (run) run_bounded(0, "with_count", first, false, [&] { (void)(q | ar::to_vector); });
}

// The modifiers: each a query of one model, some only filtering.
struct modifier_info {
  int model;
  bool filter_only;
};
constexpr modifier_info modifiers[] = {{m_post, true},        {m_comment, false}, {m_tag, true},
                                       {m_category, false},   {m_user, true},     {m_note, false},
                                       {m_order_item, false}, {m_post, false},    {m_category, true},
                                       {m_profile, true},     {m_post, false},    {m_category, true}};
constexpr std::size_t modifier_count = sizeof modifiers / sizeof modifiers[0];

template <class F>
void with_modifier(std::size_t which, F&& f) {
  switch (which) {
    case 0: return f([](ar::query<post> q) { return q | ar::filter(post::c.status == "published"); });
    case 1: return f([](ar::query<comment> q) { return q | ar::order_by(ar::desc(comment::c.id)) | ar::take(1); });
    case 2: return f([](ar::query<tag> q) { return q | ar::filter(tag::c.name.like("t%")); });
    case 3: return f([](ar::query<category> q) { return q | ar::drop(1) | ar::take(2); });
    case 4: return f([](ar::query<user> q) { return q | ar::filter(user::c.username != "bob"); });
    case 5: return f([](ar::query<note> q) { return q | ar::take(1); });
    case 6: return f([](ar::query<order_item> q) { return q | ar::filter(order_item::c.quantity > 1) | ar::drop(1); });
    case 7: return f([](ar::query<post> q) { return q | ar::distinct; });
    case 8: return f([](ar::query<category> q) { return q | ar::filter(category::c.parent_id.is_not_null()); });
    case 9: return f([](ar::query<profile> q) { return q | ar::filter(profile::c.bio.in({"bio", "none"})); });
    // with_count in a modifier, with and without a per-parent window.
    case 10: return f([](ar::query<post> q) { return q | ar::with_count("comments") | ar::take(1); });
    default: return f([](ar::query<category> q) { return q | ar::with_count("children", "notes"); });
  }
}

template <class M>
void entry_with_modifier(int root, const std::vector<std::string>& paths, std::size_t which, bool run) {
  const modifier_info& info = modifiers[which];
  for (const auto& p : paths) {
    const walked w = walk(root, p, false);
    outcome want = w.result;
    if (want == outcome::ok) {
      if (w.kind == rk::morph_to || w.model != info.model ||
          ((w.kind == rk::through || w.kind == rk::chain_many || w.kind == rk::chain_one) && !info.filter_only))
        want = outcome::error;
    }
    ar::query<M> q;
    with_modifier(which, [&](auto modifier) {
      expect(outcome_of([&] { q = ar::from<M>() | ar::with(p, modifier); }), want,
             "with(path, modifier " + std::to_string(which) + ")", {p});
    });
    if (want != outcome::ok) continue;
    FUZZ_CHECK(holds(*q.state().eager, p));
    if (run)
      run_bounded(tree_size(*q.state().eager), "with(path, modifier)", {p}, w.wildcard,
                  [&] { (void)(q | ar::to_vector); });
  }
}

template <class M>
void entry_where_has_modifier(int root, const std::vector<std::string>& paths, std::size_t which, bool run) {
  const modifier_info& info = modifiers[which];
  for (const auto& p : paths) {
    const walked w = walk(root, p, false);
    outcome want = w.result;
    if (want == outcome::ok) {
      if (w.model != info.model || !info.filter_only)
        want = outcome::error;
      else
        want = walk(root, p, true).result;
    }
    ar::query<M> q;
    with_modifier(which, [&](auto modifier) {
      expect(outcome_of([&] { q = ar::from<M>() | ar::where_has(p, modifier); }), want,
             "where_has(path, modifier " + std::to_string(which) + ")", {p});
    });
    if (want != outcome::ok) continue;
    check_rendered(q, "where_has(path, modifier)");
    if (run)
      run_bounded(0, "where_has(path, modifier)", {p}, too_deep_for_sqlite(root, p), [&] { (void)(q | ar::count); });
  }
}

template <class M>
void fuzz_root(int root, unsigned entry, std::size_t which, const std::vector<std::string>& paths, bool run) {
  switch (entry) {
    case 0: return entry_with<M>(root, paths, run);
    case 1: return entry_load<M>(root, paths, run);
    case 2: return entry_where_has<M>(root, paths, run, false);
    case 3: return entry_where_has<M>(root, paths, run, true);
    case 4: return entry_with_count<M>(root, paths, run);
    case 5: return entry_with_modifier<M>(root, paths, which, run);
    case 6: return entry_where_has_modifier<M>(root, paths, which, run);
    default:
      entry_with<M>(root, paths, run);
      entry_where_has<M>(root, paths, false, false);
      entry_with_count<M>(root, paths, false);
      entry_load<M>(root, paths, run);
      return;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  ensure_database();
  // Every input makes new SQL texts; the statement cache keeps its bound (one connection here).
  FUZZ_CHECK(ar::default_database().cached_statements() <= ar::default_database().statement_cache_size());
  const unsigned h = data[0];
  const int root = static_cast<int>(h % 10);
  const unsigned entry = (h / 10) % 8;
  const bool run = h >= 80;
  std::size_t at = 1;
  std::size_t which = 0;
  if (entry == 5 || entry == 6) {
    if (size < 2) return 0;
    which = data[1] % modifier_count;
    at = 2;
  }
  std::vector<std::string> paths;
  std::string current;
  for (std::size_t i = at; i < size; ++i) {
    if (data[i] == '\n') {
      paths.push_back(std::move(current));
      current.clear();
      if (paths.size() == 8) break;
    } else {
      current += static_cast<char>(data[i]);
    }
  }
  if (paths.size() < 8) paths.push_back(std::move(current));

  switch (root) {
    case m_user: fuzz_root<user>(root, entry, which, paths, run); break;
    case m_post: fuzz_root<post>(root, entry, which, paths, run); break;
    case m_comment: fuzz_root<comment>(root, entry, which, paths, run); break;
    case m_profile: fuzz_root<profile>(root, entry, which, paths, run); break;
    case m_order: fuzz_root<order>(root, entry, which, paths, run); break;
    case m_order_item: fuzz_root<order_item>(root, entry, which, paths, run); break;
    case m_tag: fuzz_root<tag>(root, entry, which, paths, run); break;
    case m_post_tag: fuzz_root<post_tag>(root, entry, which, paths, run); break;
    case m_note: fuzz_root<note>(root, entry, which, paths, run); break;
    default: fuzz_root<category>(root, entry, which, paths, run); break;
  }
  return 0;
}
