// The buffer rows are read into before they become a std::vector of their model
// (ar/detail/record_buffer.hpp): it keeps their order, moves each record exactly once on the way in
// and once on the way out, and destroys every record it made.

#include <ar/detail/execute.hpp>
#include <ar/detail/record_buffer.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace {

// Counts what happens to records of its kind.
struct tally {
  int moves = 0;
  int destroyed = 0;
};
tally counts;

struct tracked {
  std::int64_t id = 0;
  std::string text;
  int own_moves = 0;

  tracked() = default;
  tracked(std::int64_t i, std::string t) : id(i), text(std::move(t)) {}
  tracked(tracked&& other) noexcept : id(other.id), text(std::move(other.text)), own_moves(other.own_moves + 1) {
    ++counts.moves;
  }
  tracked(const tracked&) = delete;
  tracked& operator=(const tracked&) = delete;
  ~tracked() { ++counts.destroyed; }
};

struct alignas(64) wide {
  double v = 0;
};

TEST(record_buffer, keeps_the_order_of_many_records_across_its_chunks) {
  ar::detail::record_buffer buffer(ar::detail::record_ops_v<tracked>);
  constexpr int n = 1000;  // 1 + 1 + 2 + 4 + ... : ten chunks
  for (int i = 0; i < n; ++i) {
    tracked row(i, "row " + std::to_string(i));
    buffer.push(&row);
  }
  ASSERT_EQ(buffer.size(), static_cast<std::size_t>(n));
  EXPECT_GT(buffer.chunks().size(), 5u);
  const auto pointers = buffer.pointers();
  ASSERT_EQ(pointers.size(), static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) EXPECT_EQ(static_cast<const tracked*>(pointers[i])->id, i);

  const std::vector<tracked> rows = ar::detail::vector_from<tracked>(buffer);
  ASSERT_EQ(rows.size(), static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    EXPECT_EQ(rows[i].id, i);
    EXPECT_EQ(rows[i].text, "row " + std::to_string(i));
    EXPECT_EQ(rows[i].own_moves, 2) << "one move into the buffer, one into the vector, none while it grows";
  }
}

TEST(record_buffer, destroys_every_record_it_made) {
  counts = {};
  {
    ar::detail::record_buffer buffer(ar::detail::record_ops_v<tracked>, 3);
    for (int i = 0; i < 10; ++i) {
      tracked row(i, "x");
      buffer.push(&row);
    }
    EXPECT_EQ(counts.moves, 10);
    EXPECT_EQ(counts.destroyed, 10);  // the rows pushed from
  }
  EXPECT_EQ(counts.destroyed, 20);  // and the ten the buffer held
}

TEST(record_buffer, an_empty_buffer_makes_an_empty_vector) {
  ar::detail::record_buffer buffer(ar::detail::record_ops_v<tracked>);
  EXPECT_EQ(buffer.size(), 0u);
  EXPECT_TRUE(buffer.pointers().empty());
  EXPECT_TRUE(ar::detail::vector_from<tracked>(buffer).empty());
}

TEST(record_buffer, honours_the_alignment_of_its_records) {
  ar::detail::record_buffer buffer(ar::detail::record_ops_v<wide>);
  for (int i = 0; i < 50; ++i) {
    wide w{static_cast<double>(i)};
    buffer.push(&w);
  }
  for (const void* p : buffer.pointers()) EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p) % 64, 0u);
  const auto rows = ar::detail::vector_from<wide>(buffer);
  for (std::size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(rows[i].v, static_cast<double>(i));
}

// Parameters are read from a record's bound columns in the library: every column type, null or not,
// and the column skipped.
TEST(bound_values, read_every_column_type_and_skip_the_one_asked) {
  std::int32_t a = 7;
  std::int64_t b = 1LL << 40;
  double c = 2.5;
  bool d = true;
  std::string e = "text";
  ar::time_point f = ar::time_point{} + std::chrono::seconds{90};
  std::optional<std::int64_t> g;
  std::optional<std::string> h = "there";
  const std::vector<ar::detail::column_binding> columns{
      ar::detail::bind_column(a), ar::detail::bind_column(b), ar::detail::bind_column(c), ar::detail::bind_column(d),
      ar::detail::bind_column(e), ar::detail::bind_column(f), ar::detail::bind_column(g), ar::detail::bind_column(h)};
  std::vector<ar::value> out;
  ar::detail::append_bound_values(columns, 1, out);
  const std::vector<ar::value> expected{ar::value{std::int32_t{7}},     ar::value{2.5}, ar::value{true},
                                        ar::value{std::string("text")}, ar::value{f},   ar::value{},
                                        ar::value{std::string("there")}};
  EXPECT_EQ(out, expected);

  ar::detail::parameter_list params;
  params.append(columns);
  params.append(columns[1]);
  ASSERT_EQ(params.span().size(), columns.size() + 1);
  EXPECT_EQ(params.span()[1], ar::value{std::int64_t{1} << 40});
  EXPECT_EQ(params.span().back(), ar::value{std::int64_t{1} << 40});
}

}  // namespace
