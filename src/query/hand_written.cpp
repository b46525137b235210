// SQL written by hand (ar::sql, ar::sql_stream, ar::execute, db.execute): its ? become the dialect's placeholders,
// and a SELECT's result columns are checked against what its rows are read into (a model's columns
// by name, a struct's members by name, a tuple's elements by count) before the first row is read.
// ar::sql_stream runs its SELECT through ar::stream's cursor (src/query/stream.cpp), with that check.

#include "exec/database_state.hpp"

#include <ar/database.hpp>
#include <ar/detail/execute.hpp>
#include <ar/detail/names.hpp>
#include <ar/detail/placeholders.hpp>
#include <ar/error.hpp>
#include <ar/sql.hpp>
#include <ar/stream.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <string>
#include <vector>

namespace ar::detail {

namespace {

bool same_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// The check of a result's columns, run once the statement has run: it matches them to the
// target's and binds each result column to its field.
struct shape_check {
  const database& db;
  const std::string& sql;
  const hand_written_target& target;
  std::vector<std::string> target_names;    // empty: by position
  std::string target_text;                  // the target as messages name it
  std::span<const column_binding> natural;  // bound in the target's order
  std::vector<column_binding>& columns;     // what the statement reads, in the result's order

  [[noreturn]] void refuse(const std::string& why) const { throw database_error(db.name(), sql, why); }

  std::string listed() const {
    std::string out;
    for (const auto& n : target_names) out += (out.empty() ? "" : ", ") + n;
    return out;
  }

  void operator()(std::span<const std::string> names) {
    if (target_names.empty()) {
      if (names.size() != target.width)
        refuse("the result has " + std::to_string(names.size()) + " column" + (names.size() == 1 ? "" : "s") + " but " +
               target_text + " takes " + std::to_string(target.width));
      return;  // read in order: columns is natural already
    }
    std::vector<bool> taken(target_names.size(), false);
    for (std::size_t i = 0; i < names.size(); ++i) {
      const std::string& name = names[i];
      std::size_t found = target_names.size();
      for (std::size_t j = 0; j < target_names.size() && found == target_names.size(); ++j)
        if (target_names[j] == name) found = j;
      // A name the database folded (PostgreSQL lowers an unquoted alias): matched ignoring case
      // when only one column fits.
      if (found == target_names.size()) {
        std::size_t fits = 0;
        for (std::size_t j = 0; j < target_names.size(); ++j)
          if (same_ignoring_case(target_names[j], name)) {
            found = j;
            ++fits;
          }
        if (fits > 1) found = target_names.size();
      }
      if (found == target_names.size())
        refuse("the result column '" + name + "' (column " + std::to_string(i + 1) + ") is no column of " +
               target_text + " (" + listed() + ")");
      if (taken[found]) refuse("the result has the column '" + target_names[found] + "' twice");
      taken[found] = true;
      columns[i] = natural[found];
    }
    for (std::size_t j = 0; j < target_names.size(); ++j)
      if (!taken[j]) refuse("the result has no column '" + target_names[j] + "' of " + target_text);
  }
};

// A SELECT written by hand, ready to run: its text with the dialect's placeholders, its target's
// fields bound, and the check of its result's columns (which rebinds `columns` to the result's
// order). Neither copied nor moved: the check points into it.
struct hand_written_read {
  hand_written_read(const database& db, std::string_view sql, std::size_t values, const hand_written_target& t,
                    void* staging, void (*bind)(void* staging, std::span<column_binding> out))
      : text(hand_written_text(db.dialect(), db.name(), sql, values, false)),
        target(t),
        natural(t.width),
        check{db, text, target, {}, {}, natural, columns} {
    bind(staging, natural);
    columns = natural;
    if (target.table != nullptr) {
      const naming_scope names(db.naming());
      check.target_text = std::string(target.what) + " '" + std::string(table_name(*target.table)) + "'";
      for (std::size_t i = 0; i < target.table->columns.size(); ++i)
        check.target_names.emplace_back(column_name(*target.table, i));
    } else {
      check.target_text = std::string(target.what);
      for (std::string_view n : target.names) check.target_names.emplace_back(n);
    }
    if (target.table == nullptr && target.names.empty())
      check.target_text += " of " + std::to_string(target.width) + " column" + (target.width == 1 ? "" : "s");
  }
  hand_written_read(const hand_written_read&) = delete;
  hand_written_read& operator=(const hand_written_read&) = delete;

  result_check on_columns() noexcept {
    return {&check, [](void* c, std::span<const std::string> names) { (*static_cast<shape_check*>(c))(names); }};
  }

  std::string text;
  hand_written_target target;  // its names and table are static (a struct's, a model's)
  std::vector<column_binding> natural;
  std::vector<column_binding> columns;
  shape_check check;
};

}  // namespace

std::uint64_t execute_hand_written(const database& db, std::string_view sql, std::span<const value> params) {
  const std::string text = hand_written_text(db.dialect(), db.name(), sql, params.size(), false);
  return run(state_of(db), text, params).rows_affected;
}

void read_hand_written(const database& db, std::string_view sql, std::span<const value> params,
                       const hand_written_target& target, void* staging,
                       void (*bind)(void* staging, std::span<column_binding> out), void (*sink)(void* context),
                       void* context) {
  hand_written_read read(db, sql, params.size(), target, staging, bind);
  database_state& writer = state_of(db);
  if (writer.readers.empty() || !reader_may_run(read.text)) {
    run_checked(writer, read.text, params, read.columns, read.on_columns(), row_callback{context, sink});
    return;
  }
  // A SELECT that locks nothing: on a reader (run_read), counting the rows handed over.
  std::size_t rows = 0;
  auto counted = [&] {
    ++rows;
    sink(context);
  };
  run_read(writer, rows, [&](database_state& server) {
    return run_checked(server, read.text, params, read.columns, read.on_columns(), row_callback::of(counted));
  });
}

struct hand_written_cursor::impl {
  impl(const database& d, std::string_view sql, std::vector<value> p, const hand_written_target& target, void* staging,
       void (*bind)(void*, std::span<column_binding>))
      : db(d), params(std::move(p)), read(db, sql, params.size(), target, staging, bind) {}

  ar::database db;  // what the check's messages name, for as long as the cursor lives
  std::vector<value> params;
  hand_written_read read;
  std::optional<stream_cursor> source;  // ar::stream's statements, once open
};

hand_written_cursor::hand_written_cursor(const database& db, std::string_view sql, std::vector<value> params,
                                         const hand_written_target& target, void* staging,
                                         void (*bind)(void* staging, std::span<column_binding> out))
    : impl_(std::make_unique<impl>(db, sql, std::move(params), target, staging, bind)) {}

hand_written_cursor::~hand_written_cursor() = default;

void hand_written_cursor::open() {
  impl& s = *impl_;
  s.source.emplace(s.db, s.read.text, std::move(s.params), s.read.columns, std::nullopt, s.read.on_columns());
}

bool hand_written_cursor::batched() const noexcept { return impl_->source && impl_->source->batched(); }

bool hand_written_cursor::next() { return impl_->source && impl_->source->next(); }

bool hand_written_cursor::fetch(row_callback on_row) { return impl_->source && impl_->source->fetch(on_row); }

}  // namespace ar::detail
