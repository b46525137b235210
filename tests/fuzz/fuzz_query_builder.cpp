// libFuzzer target: the query builder, driven by a little program the input spells.
//
// The input is read by FuzzedDataProvider (integers from its end, strings from its start): a byte
// of flags (bit 0: also run the query on the in-memory SQLite database; bits 1-2: the dialect that
// select and the aggregates are checked in), then up to 48 operations. Conditions are built on a stack from
// the typed column handles of `record` (fuzz_models.hpp): comparisons of a column with a fuzzed
// value or another column, like, in / not_in (empty lists too), between, is_null, bool columns,
// and &&, || and ! of what is on the stack; the pipeline takes them with filter, order_by,
// take, drop, distinct, where_has / where_doesnt_have on `items` (with a fuzzed condition on item),
// with_count, and with("items", take / drop modifier). Values are any bytes for strings (NUL
// included), any 64 bits for doubles (NaN, infinities), the integers' extremes, and integers
// out of a column's range, which must be refused with ar::error.
//
// Invariants, for SQLite, PostgreSQL and MySQL alike:
//   - every rendered statement passes check_sql (fuzz_support.hpp): no literal, no unknown word,
//     so no value is ever spliced into the text; placeholders numbered in order and exactly as
//     many as the bound values;
//   - the bound values are exactly the values the program gave (compared bit for bit, as a
//     multiset), plus LIMIT / OFFSET;
//   - take / drop compose like ranges::views::take / drop (checked against a reference window),
//     and a negative count throws ar::error;
//   - a query is a value: a copy kept earlier renders the same after the pipeline went on, in
//     place or not;
//   - the same holds for select(...) and for the aggregates' statements (in one dialect per input);
//   - run on SQLite: only ar::error may come out, count equals the size of to_vector, and without
//     take / drop the rows read are exactly those every filter holds for under SQL's three-valued
//     logic, computed here from the data (`tri`, `sql_value`), independently of ar's expression tree.

#include "fuzz_models.hpp"
#include "fuzz_support.hpp"

#include <ar/ar.hpp>

#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace {

using namespace fuzz;

using condition = ar::expr<bool, record>;

// A value as a comparable key: its type, then its bits (NaN equals itself, -0 differs from 0).
std::string key_of(const ar::value& v) {
  std::string k(1, static_cast<char>('0' + v.index()));
  std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::string>) {
          k += x;
        } else if constexpr (std::is_same_v<T, ar::time_point>) {
          const auto n = x.time_since_epoch().count();
          k.append(reinterpret_cast<const char*>(&n), sizeof n);
        } else if constexpr (!std::is_same_v<T, std::monostate>) {
          k.append(reinterpret_cast<const char*>(&x), sizeof x);
        }
      },
      v);
  return k;
}

std::vector<std::string> keys_of(const std::vector<ar::value>& values) {
  std::vector<std::string> keys;
  keys.reserve(values.size());
  for (const auto& v : values) keys.push_back(key_of(v));
  std::sort(keys.begin(), keys.end());
  return keys;
}

// --- what SQLite must answer ---------------------------------------------------------------------

// SQL's three truth values, and a value as SQLite holds and compares it: NULL, an integer (bools as
// 0 / 1), a real, text compared byte by byte, a time point (stored as text in an order that is its
// microseconds'). (A NaN is refused with ar::error before it reaches SQLite: no rows to compare.)
enum class tri : std::uint8_t { f, t, null };
tri tri_of(bool b) { return b ? tri::t : tri::f; }
tri tri_and(tri a, tri b) {
  if (a == tri::f || b == tri::f) return tri::f;
  return a == tri::null || b == tri::null ? tri::null : tri::t;
}
tri tri_or(tri a, tri b) {
  if (a == tri::t || b == tri::t) return tri::t;
  return a == tri::null || b == tri::null ? tri::null : tri::f;
}
tri tri_not(tri a) { return a == tri::null ? a : tri_of(a == tri::f); }

struct sql_value {
  enum kind_t : std::uint8_t { null, integer, real, text, time } kind = null;
  std::int64_t i = 0;
  double d = 0;
  std::string s;
};

// Thrown where this model does not say what SQLite answers: the comparison of results is skipped.
struct unmodeled {};

sql_value sql_of(bool v) { return {sql_value::integer, v ? 1 : 0, 0, {}}; }
sql_value sql_of(std::int32_t v) { return {sql_value::integer, v, 0, {}}; }
sql_value sql_of(std::int64_t v) { return {sql_value::integer, v, 0, {}}; }
sql_value sql_of(double v) { return std::isnan(v) ? sql_value{} : sql_value{sql_value::real, 0, v, {}}; }
sql_value sql_of(const std::string& v) { return {sql_value::text, 0, 0, v}; }
sql_value sql_of(ar::time_point v) {
  return {sql_value::time, std::chrono::floor<std::chrono::microseconds>(v.time_since_epoch()).count(), 0, {}};
}
template <class T>
sql_value sql_of(const std::optional<T>& v) {
  return v ? sql_of(*v) : sql_value{};
}
sql_value sql_of(tri v) { return v == tri::null ? sql_value{} : sql_of(v == tri::t); }

std::optional<int> sql_compare(const sql_value& a, const sql_value& b) {
  if (a.kind == sql_value::null || b.kind == sql_value::null) return std::nullopt;
  auto sign = [](auto x, auto y) { return (x > y) - (x < y); };
  if (a.kind == sql_value::integer && b.kind == sql_value::integer) return sign(a.i, b.i);
  const auto number = [](const sql_value& v) { return v.kind == sql_value::integer || v.kind == sql_value::real; };
  if (number(a) && number(b)) {
    // SQLite compares an integer with a real exactly; doubles do only up to 2^53.
    const auto as_double = [](const sql_value& v) {
      if (v.kind == sql_value::integer && (v.i > (std::int64_t{1} << 53) || v.i < -(std::int64_t{1} << 53)))
        throw unmodeled{};
      return v.kind == sql_value::integer ? static_cast<double>(v.i) : v.d;
    };
    return sign(as_double(a), as_double(b));
  }
  if (a.kind == sql_value::text && b.kind == sql_value::text) return sign(a.s.compare(b.s), 0);
  if (a.kind == sql_value::time && b.kind == sql_value::time) return sign(a.i, b.i);
  throw unmodeled{};
}

tri compare_tri(int op, const sql_value& a, const sql_value& b) {
  const auto c = sql_compare(a, b);
  if (!c) return tri::null;
  switch (op) {
    case 0: return tri_of(*c == 0);
    case 1: return tri_of(*c != 0);
    case 2: return tri_of(*c < 0);
    case 3: return tri_of(*c <= 0);
    case 4: return tri_of(*c > 0);
    default: return tri_of(*c >= 0);
  }
}

// SQLite's LIKE, modelled for ASCII without NUL: case-insensitive letters, % any run, _ one character.
bool like_match(std::string_view v, std::string_view p) {
  const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  std::size_t vi = 0, pi = 0, star = std::string_view::npos, mark = 0;
  while (vi < v.size()) {
    if (pi < p.size() && p[pi] == '%') {
      star = pi++;
      mark = vi;
    } else if (pi < p.size() && (p[pi] == '_' || lower(p[pi]) == lower(v[vi]))) {
      ++pi;
      ++vi;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      vi = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '%') ++pi;
  return pi == p.size();
}
tri like_tri(const sql_value& v, const std::string& pattern) {
  if (v.kind == sql_value::null) return tri::null;
  for (const std::string* text : {&v.s, &pattern})
    for (unsigned char c : *text)
      if (c == 0 || c >= 0x80) throw unmodeled{};
  if (pattern.size() > 50000) throw unmodeled{};  // SQLite refuses longer patterns
  return tri_of(like_match(v.s, pattern));
}

tri in_tri(const sql_value& x, const std::vector<sql_value>& list) {
  if (list.empty()) return tri::f;  // rendered "1 = 0"
  if (x.kind == sql_value::null) return tri::null;
  bool saw_null = false;
  for (const auto& e : list) {
    const auto c = sql_compare(x, e);
    if (!c)
      saw_null = true;
    else if (*c == 0)
      return tri::t;
  }
  return saw_null ? tri::null : tri::f;
}

sql_value column_value(const record& r, int c) {
  switch (c) {
    case 0: return sql_of(r.id);
    case 1: return sql_of(r.small);
    case 2: return sql_of(r.big);
    case 3: return sql_of(r.real);
    case 4: return sql_of(r.flag);
    case 5: return sql_of(r.text);
    case 6: return sql_of(r.at);
    case 7: return sql_of(r.note);
    case 8: return sql_of(r.maybe);
    default: return sql_of(r.ratio);
  }
}

using record_test = std::function<tri(const record&)>;
using item_test = std::function<tri(const item&)>;

// The rows ensure_database inserted, keys set.
std::vector<record>& all_records() {
  static std::vector<record> rows;
  return rows;
}
std::vector<item>& all_items() {
  static std::vector<item> rows;
  return rows;
}

// A condition on the stack, with the values it binds.
struct entry {
  condition e;
  std::vector<ar::value> values;
  record_test test;  // what the condition is on each row, as SQLite must find it
};

template <class E>
condition normalized(E&& e) {
  condition out;
  out.tree = std::move(e.tree);
  return out;
}

template <class C>
using scalar_of = typename ar::detail::expression_traits<C>::scalar;

// --- values ------------------------------------------------------------------------------------

template <class T>
T int_value(FuzzedDataProvider& in) {
  switch (in.ConsumeIntegralInRange<int>(0, 7)) {
    case 0: return std::numeric_limits<T>::min();
    case 1: return std::numeric_limits<T>::max();
    case 2: return 0;
    case 3: return static_cast<T>(-1);
    case 4: return static_cast<T>(in.ConsumeIntegralInRange<int>(-3, 20));
    default: return in.ConsumeIntegral<T>();
  }
}

double double_value(FuzzedDataProvider& in) {
  switch (in.ConsumeIntegralInRange<int>(0, 7)) {
    case 0: return std::numeric_limits<double>::quiet_NaN();
    case 1: return std::numeric_limits<double>::infinity();
    case 2: return -std::numeric_limits<double>::infinity();
    case 3: return -0.0;
    case 4: return std::numeric_limits<double>::denorm_min();
    case 5: return static_cast<double>(in.ConsumeIntegralInRange<int>(-3, 20)) / 2;
    default: {
      const auto bits = in.ConsumeIntegral<std::uint64_t>();
      double d;
      std::memcpy(&d, &bits, sizeof d);
      return d;
    }
  }
}

std::string string_value(FuzzedDataProvider& in) {
  std::string s = in.ConsumeRandomLengthString(64);
  // Now and then a long one.
  if (!s.empty() && s[0] == '~') s = std::string(70000, s.size() > 1 ? s[1] : 'x') + s;
  return s;
}

template <class S>
S value_of(FuzzedDataProvider& in) {
  if constexpr (std::is_same_v<S, bool>)
    return in.ConsumeBool();
  else if constexpr (std::is_same_v<S, double>)
    return double_value(in);
  else if constexpr (std::is_integral_v<S>)
    return int_value<S>(in);
  else if constexpr (std::is_same_v<S, std::string>)
    return string_value(in);
  else
    return ar::time_point{ar::time_point::duration{int_value<std::int64_t>(in)}};
}

// --- columns -----------------------------------------------------------------------------------

constexpr int column_count = 10;

template <class F>
void with_column(int i, F&& f) {
  switch (i) {
    case 0: return f(record::c.id);
    case 1: return f(record::c.small);
    case 2: return f(record::c.big);
    case 3: return f(record::c.real);
    case 4: return f(record::c.flag);
    case 5: return f(record::c.text);
    case 6: return f(record::c.at);
    case 7: return f(record::c.note);
    case 8: return f(record::c.maybe);
    default: return f(record::c.ratio);
  }
}

template <class F>
void with_number_column(int i, F&& f) {
  switch (i % 6) {
    case 0: return f(record::c.id);
    case 1: return f(record::c.small);
    case 2: return f(record::c.big);
    case 3: return f(record::c.real);
    case 4: return f(record::c.maybe);
    default: return f(record::c.ratio);
  }
}

// The positions (with_column's) of the two columns with_column_pair gives.
std::pair<int, int> column_pair(int i, int j) {
  static constexpr int numbers[] = {0, 1, 2, 3, 8, 9};
  switch (i % 4) {
    case 0: return {numbers[j % 6], numbers[(j / 6) % 6]};
    case 1: return j % 2 ? std::pair{5, 7} : std::pair{7, 5};
    case 2: return {4, 4};
    default: return {6, 6};
  }
}

// Two columns of one kind of value.
template <class F>
void with_column_pair(int i, int j, F&& f) {
  switch (i % 4) {
    case 0: return with_number_column(j, [&](auto a) { with_number_column(j / 6, [&](auto b) { f(a, b); }); });
    case 1:
      if (j % 2) return f(record::c.text, record::c.note);
      return f(record::c.note, record::c.text);
    case 2: return f(record::c.flag, record::c.flag);
    default: return f(record::c.at, record::c.at);
  }
}

template <class L, class R>
auto compare(int op, const L& l, const R& r) {
  switch (op) {
    case 0: return normalized(l == r);
    case 1: return normalized(l != r);
    case 2: return normalized(l < r);
    case 3: return normalized(l <= r);
    case 4: return normalized(l > r);
    default: return normalized(l >= r);
  }
}

// --- the reference for take / drop -------------------------------------------------------------

// The rows a pipeline keeps, as ranges::views::take / drop would: [start, end), end unbounded
// when nullopt, computed without overflow.
struct window {
  using wide = __int128;
  static constexpr std::int64_t most = std::numeric_limits<std::int64_t>::max();
  wide start = 0;
  std::optional<wide> end;

  void take(std::int64_t n) {
    const wide e = start + n;
    end = end ? std::min(*end, e) : e;
  }
  void drop(std::int64_t n) {
    start += n;
    if (end) start = std::min(start, *end);
  }
  // The same rows, where no table has more than INT64_MAX: both bounds capped there.
  static bool same_rows(wide lo1, wide hi1, wide lo2, wide hi2) {
    auto cap = [](wide x) { return std::min<wide>(x, most); };
    lo1 = cap(lo1), hi1 = cap(hi1), lo2 = cap(lo2), hi2 = cap(hi2);
    if (lo1 >= hi1 && lo2 >= hi2) return true;  // both empty
    return lo1 == lo2 && hi1 == hi2;
  }
};

// --- the program -------------------------------------------------------------------------------

class program {
 public:
  explicit program(FuzzedDataProvider& in) : in_(in) {}

  void build() {
    for (int ops = 0; ops < 48 && in_.remaining_bytes() > 0; ++ops) step(in_.ConsumeIntegralInRange<int>(0, 23));
  }

  void check(unsigned extra_dialect) {
    const ar::detail::query_state& s = q_.state();
    // take / drop against the reference window.
    {
      const window::wide offset = s.offset.value_or(0);
      const window::wide hi = s.limit ? offset + *s.limit : window::wide(window::most);
      const window::wide ref_hi = ref_.end ? *ref_.end : window::wide(window::most);
      auto text = [](window::wide x) { return std::to_string(static_cast<long double>(x)); };
      FUZZ_CHECK(window::same_rows(offset, hi, ref_.start, ref_hi), "LIMIT / OFFSET keep the rows " + text(offset) +
                                                                        " to " + text(hi) + " where take / drop keep " +
                                                                        text(ref_.start) + " to " + text(ref_hi));
    }
    std::vector<ar::value> expected = values_;
    append(expected, order_values_);
    if (s.limit) expected.emplace_back(*s.limit);
    if (s.offset) expected.emplace_back(*s.offset);
    const auto want = keys_of(expected);
    // An aggregate leaves ORDER BY out, unless DISTINCT, LIMIT or OFFSET make it a subquery's.
    const bool wrapped = s.distinct || s.limit || s.offset;
    const auto want_aggregate = wrapped ? want : keys_of(values_);

    for (const auto& dc : dialects()) {
      const auto r = q_.render(*dc.d);
      check_sql(r.sql, r.parameters.size(), dc, ids(), "the query");
      FUZZ_CHECK(keys_of(r.parameters) == want, "the bound values differ from the program's", r.sql);
    }
    // select(...) and the aggregates in one dialect per input (the flags' bits 1-2 choose it).
    const dialect_case& dc = dialects()[extra_dialect % dialects().size()];
    const auto selected = q_ | ar::select(record::c.id, record::c.text, record::c.ratio);
    const auto rs = selected.render(*dc.d);
    check_sql(rs.sql, rs.parameters.size(), dc, ids(), "select(...)");
    FUZZ_CHECK(keys_of(rs.parameters) == want, "select(...): the bound values differ", rs.sql);
    const ar::detail::expr_tree argument = ar::detail::to_tree(record::c.big);
    for (auto kind :
         {ar::detail::aggregate_kind::count, ar::detail::aggregate_kind::exists, ar::detail::aggregate_kind::sum,
          ar::detail::aggregate_kind::min, ar::detail::aggregate_kind::max, ar::detail::aggregate_kind::avg}) {
      std::string sql;
      std::vector<ar::value> params;
      ar::detail::render_select(sql, params, *dc.d, s, kind, &argument);
      check_sql(sql, params.size(), dc, ids(), "an aggregate");
      FUZZ_CHECK(keys_of(params) == want_aggregate, "an aggregate: the bound values differ", sql);
    }
    if (saved_) {
      const auto again = saved_->render(*dialects()[1].d);
      FUZZ_CHECK(again.sql == saved_sql_ && keys_of(again.parameters) == saved_keys_,
                 "a copy of a query changed when the pipeline went on", saved_sql_ + "\n*** now: " + again.sql);
    }
  }

  void run() {
    sent_statements sent;
    std::optional<std::size_t> rows, counted;
    std::optional<std::vector<std::int64_t>> ids;
    if (!throws_ar_error([&] {
          std::vector<std::int64_t> read;
          for (const record& r : q_ | ar::to_vector) read.push_back(r.id);
          rows = read.size();
          ids = std::move(read);
        }))
      FUZZ_CHECK(rows.has_value());
    (void)throws_ar_error([&] { counted = static_cast<std::size_t>(q_ | ar::count); });
    (void)throws_ar_error(
        [&] { (void)(q_ | ar::select(record::c.text, record::c.at, record::c.maybe) | ar::to_vector); });
    (void)throws_ar_error([&] { (void)(q_ | ar::sum(record::c.big)); });
    if (rows && counted)
      FUZZ_CHECK(*rows == *counted,
                 "count says " + std::to_string(*counted) + ", to_vector read " + std::to_string(*rows),
                 q_.render(*dialects()[0].d).sql);
    // Without take / drop, the rows are those every filter holds for, as SQL's logic says.
    if (ids && ref_.start == 0 && !ref_.end) {
      std::vector<std::int64_t> want;
      try {
        for (const record& r : all_records()) {
          tri keep = tri::t;
          for (const auto& test : tests_) keep = tri_and(keep, test(r));
          if (keep == tri::t) want.push_back(r.id);
        }
      } catch (const unmodeled&) {
        return;
      }
      std::sort(ids->begin(), ids->end());
      if (*ids != want) {
        auto text = [](const std::vector<std::int64_t>& v) {
          std::string out;
          for (auto x : v) out += (out.empty() ? "" : ",") + std::to_string(x);
          return "[" + out + "]";
        };
        fail("the query read the rows " + text(*ids) + " where SQL's logic keeps " + text(want),
             q_.render(*dialects()[0].d).sql);
      }
    }
  }

  static const identifiers& ids() {
    static const identifiers all{&ar::table_meta_v<record>, &ar::table_meta_v<item>};
    return all;
  }

  // Every statement sent while this lives passes check_sql.
  struct sent_statements {
    ar::observer_handle handle = ar::observe([](const ar::statement_event& e) {
      check_sql(e.sql, e.params.size(), dialects()[0], ids(), "a statement sent");
    });
  };

 private:
  void push(condition c, std::vector<ar::value> values, record_test test) {
    if (stack_.size() >= 16) stack_.erase(stack_.begin());
    stack_.push_back({std::move(c), std::move(values), std::move(test)});
  }
  entry pop() {
    entry e = std::move(stack_.back());
    stack_.pop_back();
    return e;
  }
  static void append(std::vector<ar::value>& to, const std::vector<ar::value>& from) {
    to.insert(to.end(), from.begin(), from.end());
  }

  // q = q | op, as a temporary (changed in place when nothing else holds it) or from a kept query.
  template <class Op>
  void apply(Op&& op) {
    if (in_.ConsumeBool())
      q_ = std::move(q_) | std::forward<Op>(op);
    else
      q_ = q_ | std::forward<Op>(op);
  }

  void step(int op) {
    switch (op) {
      case 0:
      case 1: {  // column OP value (or value OP column)
        const int c = in_.ConsumeIntegralInRange<int>(0, column_count - 1), o = in_.ConsumeIntegralInRange<int>(0, 5);
        const bool reversed = in_.ConsumeBool();
        with_column(c, [&](auto col) {
          using S = scalar_of<decltype(col)>;
          S v = value_of<S>(in_);
          const sql_value x = sql_of(v);
          push(reversed ? compare(o, v, col) : compare(o, col, v), {ar::value{v}}, [=](const record& r) {
            return reversed ? compare_tri(o, x, column_value(r, c)) : compare_tri(o, column_value(r, c), x);
          });
        });
        return;
      }
      case 2: {  // an integer column with a value maybe out of its range
        const int o = in_.ConsumeIntegralInRange<int>(0, 5);
        if (in_.ConsumeBool()) {
          const auto v = int_value<std::int64_t>(in_);
          const bool fits = std::in_range<std::int32_t>(v);
          std::optional<condition> c;
          const bool threw = throws_ar_error([&] { c = compare(o, record::c.small, v); });
          FUZZ_CHECK(threw == !fits, "an int32 column compared with " + std::to_string(v));
          const sql_value x = sql_of(v);
          if (c)
            push(std::move(*c), {ar::value{static_cast<std::int32_t>(v)}},
                 [=](const record& r) { return compare_tri(o, column_value(r, 1), x); });
        } else {
          const auto v = int_value<std::uint64_t>(in_);
          const bool fits = std::in_range<std::int64_t>(v);
          std::optional<condition> c;
          const bool threw = throws_ar_error([&] { c = compare(o, record::c.maybe, v); });
          FUZZ_CHECK(threw == !fits, "an int64 column compared with " + std::to_string(v));
          const sql_value x = sql_of(static_cast<std::int64_t>(v));
          if (c)
            push(std::move(*c), {ar::value{static_cast<std::int64_t>(v)}},
                 [=](const record& r) { return compare_tri(o, column_value(r, 8), x); });
        }
        return;
      }
      case 3: {  // column OP column
        const int k = in_.ConsumeIntegral<std::uint8_t>(), j = in_.ConsumeIntegral<std::uint8_t>();
        const int o = in_.ConsumeIntegralInRange<int>(0, 5);
        const auto [ca, cb] = column_pair(k, j);
        with_column_pair(k, j, [&, ca = ca, cb = cb](auto a, auto b) {
          push(compare(o, a, b), {},
               [=](const record& r) { return compare_tri(o, column_value(r, ca), column_value(r, cb)); });
        });
        return;
      }
      case 4: {  // like / not_like
        std::string pattern = string_value(in_);
        const bool negate = in_.ConsumeBool();
        const bool on_note = in_.ConsumeBool();
        auto make = [&](auto col) {
          return negate ? normalized(col.not_like(pattern)) : normalized(col.like(pattern));
        };
        push(on_note ? make(record::c.note) : make(record::c.text), {ar::value{pattern}}, [=](const record& r) {
          const tri like = like_tri(column_value(r, on_note ? 7 : 5), pattern);
          return negate ? tri_not(like) : like;
        });
        return;
      }
      case 5: {  // in / not_in
        const int c = in_.ConsumeIntegralInRange<int>(0, column_count - 1);
        const bool negate = in_.ConsumeBool();
        const std::size_t n = in_.ConsumeBool() ? in_.ConsumeIntegralInRange<std::size_t>(0, 4)
                                                : in_.ConsumeIntegralInRange<std::size_t>(0, 1500);
        with_column(c, [&](auto col) {
          using S = scalar_of<decltype(col)>;
          std::vector<S> list;
          std::vector<ar::value> values;
          std::vector<sql_value> xs;
          for (std::size_t i = 0; i < n && in_.remaining_bytes() > 0; ++i) {
            list.push_back(value_of<S>(in_));
            values.emplace_back(S(list.back()));
            xs.push_back(sql_of(S(list.back())));
          }
          push(negate ? normalized(col.not_in(list)) : normalized(col.in(list)), std::move(values),
               [=, xs = std::move(xs)](const record& r) {
                 if (negate && xs.empty()) return tri::t;  // rendered "1 = 1"
                 const tri in = in_tri(column_value(r, c), xs);
                 return negate ? tri_not(in) : in;
               });
        });
        return;
      }
      case 6: {  // between
        const int c = in_.ConsumeIntegralInRange<int>(0, column_count - 1);
        with_column(c, [&](auto col) {
          using S = scalar_of<decltype(col)>;
          S lo = value_of<S>(in_);
          S hi = value_of<S>(in_);
          const sql_value l = sql_of(lo), h = sql_of(hi);
          push(normalized(col.between(lo, hi)), {ar::value{lo}, ar::value{hi}}, [=](const record& r) {
            const sql_value x = column_value(r, c);
            return tri_and(compare_tri(5, x, l), compare_tri(3, x, h));
          });
        });
        return;
      }
      case 7: {  // is_null / is_not_null
        const int c = in_.ConsumeIntegralInRange<int>(0, column_count - 1);
        const bool negate = in_.ConsumeBool();
        with_column(c, [&](auto col) {
          push(negate ? normalized(col.is_not_null()) : normalized(col.is_null()), {},
               [=](const record& r) { return tri_of((column_value(r, c).kind == sql_value::null) != negate); });
        });
        return;
      }
      case 8:
      case 9: {  // && / ||
        if (stack_.size() < 2) return;
        entry b = pop(), a = pop();
        append(a.values, b.values);
        push(op == 8 ? normalized(a.e && b.e) : normalized(a.e || b.e), std::move(a.values),
             [ta = a.test, tb = b.test, op](const record& r) {
               return op == 8 ? tri_and(ta(r), tb(r)) : tri_or(ta(r), tb(r));
             });
        return;
      }
      case 10: {  // !
        if (stack_.empty()) return;
        entry a = pop();
        push(normalized(!a.e), std::move(a.values), [t = a.test](const record& r) { return tri_not(t(r)); });
        return;
      }
      case 11: {  // a condition as an operand: == bool, in (bools), between, is_null
        if (stack_.empty()) return;
        entry a = pop();
        switch (in_.ConsumeIntegralInRange<int>(0, 3)) {
          case 0: {
            const bool b = in_.ConsumeBool();
            append(a.values, {ar::value{b}});
            push(normalized(a.e == b), std::move(a.values),
                 [t = a.test, b](const record& r) { return compare_tri(0, sql_of(t(r)), sql_of(b)); });
            return;
          }
          case 1: {
            std::vector<bool> list;
            for (std::size_t i = in_.ConsumeIntegralInRange<std::size_t>(0, 3); i > 0; --i)
              list.push_back(in_.ConsumeBool());
            // An empty list is "1 = 0": the operand, and its values, are not in the statement.
            std::vector<ar::value> values = list.empty() ? std::vector<ar::value>{} : a.values;
            for (bool b : list) values.emplace_back(b);
            std::vector<sql_value> xs;
            for (bool b : list) xs.push_back(sql_of(b));
            push(normalized(a.e.in(list)), std::move(values),
                 [t = a.test, xs = std::move(xs)](const record& r) { return in_tri(sql_of(t(r)), xs); });
            return;
          }
          case 2: {
            const bool lo = in_.ConsumeBool(), hi = in_.ConsumeBool();
            append(a.values, {ar::value{lo}, ar::value{hi}});
            push(normalized(a.e.between(lo, hi)), std::move(a.values), [t = a.test, lo, hi](const record& r) {
              const sql_value x = sql_of(t(r));
              return tri_and(compare_tri(5, x, sql_of(lo)), compare_tri(3, x, sql_of(hi)));
            });
            return;
          }
          default:
            push(normalized(a.e.is_null()), std::move(a.values),
                 [t = a.test](const record& r) { return tri_of(t(r) == tri::null); });
            return;
        }
      }
      case 12:
      case 13: {  // filter(condition), from a temporary closure or from one kept and used twice
        if (stack_.empty()) return;
        entry a = pop();
        tests_.push_back(a.test);
        if (op == 12) {
          append(values_, a.values);
          apply(ar::filter(a.e));
        } else {
          const auto kept = ar::filter(a.e);
          append(values_, a.values);
          append(values_, a.values);
          apply(kept);
          apply(kept);
        }
        return;
      }
      case 14:
        tests_.push_back([](const record& r) { return tri_of(r.flag); });
        apply(ar::filter(record::c.flag));
        return;
      case 15: {  // order_by a column, desc or not, or a condition
        if (!stack_.empty() && in_.ConsumeBool()) {
          entry a = pop();
          append(order_values_, a.values);
          if (in_.ConsumeBool())
            apply(ar::order_by(ar::desc(a.e)));
          else
            apply(ar::order_by(a.e));
          return;
        }
        const bool descending = in_.ConsumeBool();
        with_column(in_.ConsumeIntegralInRange<int>(0, column_count - 1), [&](auto col) {
          if (descending)
            apply(ar::order_by(ar::desc(col)));
          else
            apply(ar::order_by(col));
        });
        return;
      }
      case 16:
      case 17: {  // take / drop
        const auto n = int_value<std::int64_t>(in_);
        const bool threw = throws_ar_error([&] {
          if (op == 16)
            apply(ar::take(n));
          else
            apply(ar::drop(n));
        });
        FUZZ_CHECK(threw == (n < 0), (op == 16 ? "take(" : "drop(") + std::to_string(n) + ")");
        if (!threw) op == 16 ? ref_.take(n) : ref_.drop(n);
        return;
      }
      case 18: apply(ar::distinct); return;
      case 19:
      case 20: {  // where_has / where_doesnt_have("items"), with a condition on the item or not
        const bool negate = op == 20;
        auto exists = [negate](item_test test) {
          return [negate, test = std::move(test)](const record& r) {
            bool any = false;
            for (const item& i : all_items())
              if (i.record_id == r.id && (!test || test(i) == tri::t)) any = true;
            return tri_of(any != negate);
          };
        };
        if (in_.ConsumeBool()) {
          tests_.push_back(exists(nullptr));
          if (negate)
            apply(ar::where_doesnt_have("items"));
          else
            apply(ar::where_has("items"));
          return;
        }
        std::vector<ar::value> values;
        ar::expr<bool, item> e;
        item_test test;
        const int o = in_.ConsumeIntegralInRange<int>(0, 5);
        switch (in_.ConsumeIntegralInRange<int>(0, 2)) {
          case 0: {
            std::string sku = string_value(in_);
            e = normalized_item(compare(o, item::c.sku, sku));
            values.emplace_back(sku);
            test = [o, x = sql_of(sku)](const item& i) { return compare_tri(o, sql_of(i.sku), x); };
            break;
          }
          case 1: {
            const auto n = int_value<std::int32_t>(in_);
            e = normalized_item(compare(o, item::c.quantity, n));
            values.emplace_back(n);
            test = [o, x = sql_of(n)](const item& i) { return compare_tri(o, sql_of(i.quantity), x); };
            break;
          }
          default:
            e = normalized_item(item::c.sku.is_null());
            test = [](const item&) { return tri::f; };
            break;
        }
        tests_.push_back(exists(std::move(test)));
        append(values_, values);
        auto modifier = [e](ar::query<item> q) { return q | ar::filter(e); };
        if (negate)
          apply(ar::where_doesnt_have("items", modifier));
        else
          apply(ar::where_has("items", modifier));
        return;
      }
      case 21: apply(ar::with_count("items")); return;
      case 22: {  // with("items", drop / take): per-record bounds, rendered when the query runs
        const auto skip = int_value<std::int64_t>(in_), keep = int_value<std::int64_t>(in_);
        if (skip < 0 || keep < 0) return;
        apply(ar::with("items", [skip, keep](ar::query<item> q) { return q | ar::drop(skip) | ar::take(keep); }));
        return;
      }
      default:  // keep a copy: whatever follows must not change it
        saved_ = q_;
        {
          const auto r = saved_->render(*dialects()[1].d);
          saved_sql_ = r.sql;
          saved_keys_ = keys_of(r.parameters);
        }
        return;
    }
  }

  template <class E>
  static ar::expr<bool, item> normalized_item(E&& e) {
    ar::expr<bool, item> out;
    out.tree = std::move(e.tree);
    return out;
  }

  FuzzedDataProvider& in_;
  std::vector<entry> stack_;
  ar::query<record> q_ = ar::from<record>();
  std::vector<ar::value> values_;        // bound by the pipeline's conditions
  std::vector<ar::value> order_values_;  // bound by its order keys
  std::vector<record_test> tests_;       // its filters, as SQLite must find them
  window ref_;
  std::optional<ar::query<record>> saved_;
  std::string saved_sql_;
  std::vector<std::string> saved_keys_;
};

void ensure_database() {
  static const bool done = [] {
    auto db = ar::open("sqlite3://db=:memory:");
    ar::create_tables<record, item>(db);
    using namespace std::chrono;
    std::vector<record> rows{
        {0, 1, 10, 1.5, true, "alpha", ar::time_point{seconds{0}}, "n", 3, 0.5},
        {0, -7, std::numeric_limits<std::int64_t>::min(), -2.25, false, std::string("nul\0inside", 10),
         ar::time_point{seconds{1700000000}}, std::nullopt, std::nullopt, std::nullopt},
        {0, std::numeric_limits<std::int32_t>::max(), std::numeric_limits<std::int64_t>::max(), 1e300, true, "",
         ar::time_point{seconds{-86400}}, "", 0, -0.0},
        {0, 0, 0, 0, false, "it's \"quoted\"; --", ar::time_point{seconds{4102444800}}, "%_", -1, 2},
        {0, 5, 5, 5, true, "\xc3\xa9t\xc3\xa9", ar::time_point{microseconds{1}}, std::nullopt, 5, std::nullopt}};
    ar::insert_all(rows);
    std::vector<item> items;
    for (const record& r : rows)
      for (int i = 0; i < 3; ++i) items.push_back({0, r.id, "sku" + std::to_string(i), i});
    ar::insert_all(items);
    all_records() = rows;
    all_items() = items;
    // Every statement also goes through the query log's formatting (values shown, times printed).
    ar::set_query_log([](const ar::statement_event& e) { (void)ar::format_event(e); });
    return true;
  }();
  (void)done;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  ensure_database();
  // Every input makes new SQL texts; the statement cache keeps its bound (one connection here).
  FUZZ_CHECK(ar::default_database().cached_statements() <= ar::default_database().statement_cache_size());
  FuzzedDataProvider in(data, size);
  const auto flags = in.ConsumeIntegral<std::uint8_t>();
  program p(in);
  p.build();
  p.check(flags >> 1);
  if (flags & 1) p.run();
  return 0;
}
