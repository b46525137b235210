#include "generator.hpp"

#include "names.hpp"

#include <algorithm>
#include <cstddef>
#include <map>
#include <set>
#include <sstream>
#include <utility>

namespace ar_gen {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool has(std::string_view s, std::string_view part) { return s.find(part) != std::string_view::npos; }

// A field's C++ type: a mapped one (float, the unsigned integers) by its range, else its stored type.
std::string_view cpp_type(ar::value_type t, ar::value_range range = ar::value_range::stored) {
  switch (range) {
    case ar::value_range::stored: break;
    case ar::value_range::float32: return "float";
    case ar::value_range::uint8: return "std::uint8_t";
    case ar::value_range::uint16: return "std::uint16_t";
    case ar::value_range::uint32: return "std::uint32_t";
    case ar::value_range::uint64: return "std::uint64_t";
  }
  switch (t) {
    case ar::value_type::int32: return "std::int32_t";
    case ar::value_type::int64: return "std::int64_t";
    case ar::value_type::float64: return "double";
    case ar::value_type::boolean: return "bool";
    case ar::value_type::text: return "std::string";
    case ar::value_type::time: return "ar::time_point";
    case ar::value_type::date: return "ar::date";
    case ar::value_type::bytes: return "ar::bytes";
    case ar::value_type::uuid: return "ar::uuid";
    case ar::value_type::decimal: return "ar::decimal";
    case ar::value_type::json: return "ar::json";
  }
  return "?";
}

std::string_view initializer(ar::value_type t) {
  switch (t) {
    case ar::value_type::int32:
    case ar::value_type::int64:
    case ar::value_type::float64: return " = 0";
    case ar::value_type::boolean: return " = false";
    case ar::value_type::text:
    case ar::value_type::time:
    case ar::value_type::date:
    case ar::value_type::bytes:
    case ar::value_type::uuid:
    case ar::value_type::decimal:
    case ar::value_type::json: return "";
  }
  return "";
}

std::string_view style_name(ar::name_style s) {
  switch (s) {
    case ar::name_style::as_declared: return "as_declared";
    case ar::name_style::snake_case: return "snake_case";
    case ar::name_style::pascal_case: return "pascal_case";
    case ar::name_style::camel_case: return "camel_case";
    case ar::name_style::upper_snake_case: return "upper_snake_case";
  }
  return "?";
}

struct field {
  std::string name;
  std::string column;
  ar::value_type type = ar::value_type::int64;
  bool nullable = false;
  ar::value_range range = ar::value_range::stored;  // float, std::uint8_t ... std::uint64_t
  std::string catalog_type;                         // as the catalog spells it: a decimal's precision and scale
};

// A decimal field's C++ type: ar::numeric<P, S> when the column declares NUMERIC(P, S) or
// DECIMAL(P, S) of at most 38 digits, else a plain ar::decimal.
std::string decimal_cpp_type(std::string_view catalog_type) {
  const std::size_t open = catalog_type.find('(');
  if (open == std::string_view::npos) return "ar::decimal";
  int p = 0, s = 0, which = 0;
  bool digits = false;
  for (std::size_t i = open + 1; i < catalog_type.size() && catalog_type[i] != ')'; ++i) {
    const char ch = catalog_type[i];
    if (ch >= '0' && ch <= '9') {
      (which == 0 ? p : s) = (which == 0 ? p : s) * 10 + (ch - '0');
      digits = true;
    } else if (ch == ',' && which == 0) {
      which = 1;
    } else if (ch != ' ') {
      return "ar::decimal";
    }
  }
  if (!digits || p < 1 || p > 38 || s > p) return "ar::decimal";
  return "ar::numeric<" + std::to_string(p) + ", " + std::to_string(s) + ">";
}

std::string field_cpp_type(const field& f) {
  if (f.type == ar::value_type::decimal) return decimal_cpp_type(f.catalog_type);
  return std::string(cpp_type(f.type, f.range));
}

enum class rel_kind { belongs_to, has_one, has_many, has_many_through };

struct relation {
  rel_kind kind = rel_kind::belongs_to;
  std::string name;
  std::size_t target = 0;   // model index
  std::string foreign_key;  // belongs_to: a field of this model; has_one / has_many: of the target
  std::size_t through = 0;  // has_many_through: the join model, its owner_fk and target_fk
  std::string owner_fk;
  std::string target_fk;
  std::optional<std::pair<std::size_t, std::size_t>> inverse;  // (model, relation)
  bool dropped = false;
};

relation make_relation(rel_kind kind, std::string name, std::size_t target, std::string foreign_key) {
  relation r;
  r.kind = kind;
  r.name = std::move(name);
  r.target = target;
  r.foreign_key = std::move(foreign_key);
  return r;
}

struct model {
  const ar::catalog_table* table = nullptr;
  std::string struct_name;
  std::string table_string;  // the table as AR_MODEL names it
  std::vector<field> fields;
  std::vector<std::string> key;  // fields
  bool generated_key = false;
  bool dropped = false;
  std::vector<std::string> notes;  // comments above the struct
  std::vector<relation> relations;

  const field* find_field(std::string_view column) const {
    for (const field& f : fields)
      if (lower(f.column) == lower(column)) return &f;
    return nullptr;
  }
};

class generator {
 public:
  generator(const std::vector<ar::catalog_table>& tables, const ar::dialect& d, const options& opts)
      : tables_(tables), d_(d), opts_(opts) {}

  result run() {
    build_models();
    apply_table_rules();
    choose_naming();
    infer_relations();
    resolve_clashes();
    apply_relation_rules();
    check_rules_used();
    result out;
    out.header = emit();
    out.reports = reports_;
    out.style = style_ == ar::name_style::as_declared ? std::nullopt : std::optional(style_);
    return out;
  }

 private:
  void report(std::string where, std::string what) { reports_.push_back(where.empty() ? what : where + ": " + what); }

  void build_models() {
    for (const ar::catalog_table& t : tables_) {
      model m;
      m.table = &t;
      m.struct_name = struct_name(t.name);
      const std::string where = t.name;
      std::vector<std::pair<std::int64_t, std::string>> key;
      bool skip = false;
      for (const ar::catalog_column& c : t.columns) {
        const std::optional<ar::dialect::column_field> type = field_type(d_, c.type);
        if (!type) {
          if (c.key_position > 0) {
            report(where, "the key column " + c.name + " has the type " + c.type +
                              ", which ar maps to no field type: the whole table is skipped");
            skip = true;
          } else {
            const std::string what =
                "the column " + c.name + " has the type " + c.type + ", which ar maps to no field type: it is skipped";
            report(where, what);
            m.notes.push_back(what);
          }
          continue;
        }
        field f{identifier(snake(c.name)), c.name, type->type, c.nullable && c.key_position == 0, type->range, c.type};
        // Two columns that spell one field (Name and name): the second gets a number.
        for (int n = 2; std::any_of(m.fields.begin(), m.fields.end(), [&](const field& g) { return g.name == f.name; });
             ++n)
          f.name = identifier(snake(c.name)) + "_" + std::to_string(n);
        if (c.key_position > 0) {
          key.emplace_back(c.key_position, f.name);
          if (c.generated) m.generated_key = true;
        }
        m.fields.push_back(std::move(f));
      }
      if (!skip && key.empty()) {
        report(where, "the table has no primary key, which ar needs to address a row: it is skipped");
        skip = true;
      }
      if (skip) continue;
      std::sort(key.begin(), key.end());
      for (auto& k : key) m.key.push_back(k.second);
      if (m.key.size() > 1) m.generated_key = false;
      models_.push_back(std::move(m));
    }
    // Two tables that make one struct name (album and albums): the second gets the table's own spelling.
    std::map<std::string, std::size_t> seen;
    for (model& m : models_) {
      if (seen.count(m.struct_name)) {
        const std::string other = pascal(identifier(snake(m.table->name)));
        report(m.table->name, "its struct would be " + m.struct_name + " as the table " +
                                  models_[seen[m.struct_name]].table->name + "'s is: named " + other + " instead");
        m.struct_name = other;
      }
      seen[m.struct_name] = static_cast<std::size_t>(&m - models_.data());
    }
  }

  model* find_model(std::string_view name) {
    for (model& m : models_)
      if (!m.dropped && (m.struct_name == name || m.table->name == name)) return &m;
    return nullptr;
  }

  void apply_table_rules() {
    for (const option_rule& r : opts_.rules) {
      if (r.subject.find('.') != std::string::npos) continue;
      model* m = find_model(r.subject);
      if (!m) throw usage_error("option line " + std::to_string(r.line) + ": no table or struct named " + r.subject);
      used_.insert(r.line);
      if (r.what == option_rule::action::drop) {
        m->dropped = true;
        report(m->table->name, "dropped by the option file (line " + std::to_string(r.line) + ")");
      } else {
        m->struct_name = r.new_name;
      }
    }
  }

  void choose_naming() {
    const auto fits = [&](ar::name_style s, bool tables_only) {
      for (const model& m : models_) {
        if (m.dropped) continue;
        if (ar::apply_name_style(snake(m.table->name), s) != m.table->name) return false;
        if (tables_only) continue;
        for (const field& f : m.fields)
          if (ar::apply_name_style(f.name, s) != f.column) return false;
      }
      return true;
    };
    if (opts_.naming) {
      style_ = *opts_.naming;
      if (!fits(style_, true))
        throw usage_error("--naming " + std::string(style_name(style_)) + ": not every table is the " +
                          std::string(style_name(style_)) + " spelling of its snake_case name; choose as_declared");
    } else {
      style_ = ar::name_style::as_declared;
      for (ar::name_style s :
           {ar::name_style::pascal_case, ar::name_style::camel_case, ar::name_style::upper_snake_case})
        if (!fits(ar::name_style::snake_case, false) && fits(s, false)) {
          style_ = s;
          break;
        }
    }
    for (model& m : models_)
      m.table_string = style_ == ar::name_style::as_declared ? m.table->name : snake(m.table->name);
  }

  bool has_field(const model& m, std::string_view name) const {
    return std::any_of(m.fields.begin(), m.fields.end(), [&](const field& f) { return f.name == name; });
  }

  std::size_t index_of(const model& m) const { return static_cast<std::size_t>(&m - models_.data()); }

  // A foreign key that ar can declare: one column, a field of `holder`, referring to the whole
  // single-column key of a generated model; or several columns referring to the whole composite key
  // of one (AR_KEYS, in the key's order). Else nullopt, reported.
  struct usable_fk {
    std::size_t target;
    std::string field;  // one field, or "AR_KEYS(a, b)"
    bool unique;
    bool composite = false;
  };
  std::optional<usable_fk> usable(const model& holder, const ar::catalog_foreign_key& fk) {
    std::string cols;
    for (const std::string& c : fk.columns) cols += (cols.empty() ? "" : ", ") + c;
    const std::string what = "the foreign key (" + cols + ") -> " + fk.target_table;
    const model* target = nullptr;
    for (const model& m : models_)
      if (!m.dropped && lower(m.table->name) == lower(fk.target_table)) target = &m;
    if (!target) {
      report(holder.table->name, what + ": its table is not generated: no relation");
      return std::nullopt;
    }
    if (fk.columns.size() != 1) return usable_composite(holder, fk, *target, what);
    if (target->key.size() != 1) {
      report(holder.table->name, what + " refers to a key of several columns: no relation");
      return std::nullopt;
    }
    const field* key = nullptr;
    for (const field& f : target->fields)
      if (f.name == target->key[0]) key = &f;
    if (!fk.target_columns.empty() && lower(fk.target_columns[0]) != lower(key->column)) {
      report(holder.table->name,
             what + " refers to " + fk.target_columns[0] + ", not to the key " + key->column + ": no relation");
      return std::nullopt;
    }
    const field* f = holder.find_field(fk.columns[0]);
    if (!f) {
      report(holder.table->name, what + ": its column is skipped: no relation");
      return std::nullopt;
    }
    // A relation joins fields of one type (two integer types of ar's own, std::int32_t and
    // std::int64_t, also join): an INT UNSIGNED key and an INT foreign key do not.
    const auto integral = [](const field& g) {
      return g.range == ar::value_range::stored && (g.type == ar::value_type::int32 || g.type == ar::value_type::int64);
    };
    // Nor does one join on a floating-point, bool, time or bytes key.
    const bool joinable = f->type != ar::value_type::float64 && f->type != ar::value_type::boolean &&
                          f->type != ar::value_type::time && f->type != ar::value_type::bytes;
    if (!joinable ||
        (cpp_type(f->type, f->range) != cpp_type(key->type, key->range) && !(integral(*f) && integral(*key)))) {
      const std::string why = what + ": its column is a " + std::string(cpp_type(f->type, f->range)) +
                              " and the key a " + std::string(cpp_type(key->type, key->range)) +
                              ", which a relation does not join: no relation";
      report(holder.table->name, why);
      models_[index_of(holder)].notes.push_back(why);
      return std::nullopt;
    }
    bool unique = false;
    for (const ar::catalog_column& c : holder.table->columns)
      if (lower(c.name) == lower(fk.columns[0])) unique = c.unique;
    return usable_fk{index_of(*target), f->name, unique};
  }

  // Whether the columns together are unique in the holder's table: exactly the columns of one of its
  // unique indexes, or of its whole primary key (in any order). A foreign key that is unique refers
  // to its target at most once: has_one, not has_many.
  bool unique_together(const model& holder, const std::vector<std::string>& columns) const {
    const auto same_set = [&](const std::vector<std::string>& key) {
      if (key.size() != columns.size()) return false;
      for (const std::string& c : columns)
        if (std::none_of(key.begin(), key.end(), [&](const std::string& k) { return lower(k) == lower(c); }))
          return false;
      return true;
    };
    std::vector<std::string> primary;
    for (const ar::catalog_column& c : holder.table->columns)
      if (c.key_position > 0) primary.push_back(c.name);
    return same_set(primary) ||
           std::any_of(holder.table->unique_keys.begin(), holder.table->unique_keys.end(), same_set);
  }

  // Several columns: AR_KEYS of the holder's fields, one for each field of the target's key, in the
  // key's order (the catalog may list the pairs in another).
  std::optional<usable_fk> usable_composite(const model& holder, const ar::catalog_foreign_key& fk, const model& target,
                                            const std::string& what) {
    const auto refuse = [&](const std::string& why) -> std::optional<usable_fk> {
      const std::string line = what + " " + why + ": no relation";
      report(holder.table->name, line);
      models_[index_of(holder)].notes.push_back(line);
      return std::nullopt;
    };
    if (target.key.size() != fk.columns.size() || fk.target_columns.size() != fk.columns.size())
      return refuse("does not refer to the whole primary key of " + target.table->name);
    std::string keys;
    for (const std::string& key_field : target.key) {
      const field* key = nullptr;
      for (const field& f : target.fields)
        if (f.name == key_field) key = &f;
      std::size_t at = fk.target_columns.size();
      for (std::size_t i = 0; i < fk.target_columns.size(); ++i)
        if (key && lower(fk.target_columns[i]) == lower(key->column)) at = i;
      if (at == fk.target_columns.size())
        return refuse("does not refer to the whole primary key of " + target.table->name);
      const field* f = holder.find_field(fk.columns[at]);
      if (!f) return refuse("has a column that is skipped");
      keys += (keys.empty() ? "" : ", ") + f->name;
    }
    return usable_fk{index_of(target), "AR_KEYS(" + keys + ")", unique_together(holder, fk.columns), true};
  }

  void infer_relations() {
    for (model& holder : models_) {
      if (holder.dropped) continue;
      std::vector<const ar::catalog_foreign_key*> fks;
      for (const ar::catalog_foreign_key& fk : holder.table->foreign_keys) fks.push_back(&fk);
      // The catalog's order differs between databases: by the first column.
      std::stable_sort(fks.begin(), fks.end(),
                       [](auto* a, auto* b) { return lower(a->columns[0]) < lower(b->columns[0]); });
      std::vector<usable_fk> found;
      for (const ar::catalog_foreign_key* fk : fks) {
        const std::optional<usable_fk> u = usable(holder, *fk);
        if (!u) continue;
        found.push_back(*u);
        model& target = models_[u->target];
        const std::size_t h = index_of(holder);
        const std::string bt_name =
            u->composite ? snake(target.struct_name) : belongs_to_name(u->field, target.struct_name);
        const relation bt = make_relation(rel_kind::belongs_to, bt_name, u->target, u->field);
        const relation back =
            make_relation(u->unique ? rel_kind::has_one : rel_kind::has_many,
                          u->unique ? snake(holder.struct_name) : pluralize(snake(holder.struct_name)), h, u->field);
        holder.relations.push_back(bt);
        const std::size_t bt_index = holder.relations.size() - 1;
        target.relations.push_back(back);
        const std::size_t back_index = target.relations.size() - 1;
        holder.relations[bt_index].inverse = std::pair{u->target, back_index};
        target.relations[back_index].inverse = std::pair{h, bt_index};
      }
      // A join table: its columns are two foreign keys, which together are its key.
      if (found.size() == 2 && holder.fields.size() == 2 && holder.key.size() == 2 &&
          holder.table->columns.size() == 2 &&
          std::is_permutation(holder.key.begin(), holder.key.end(),
                              std::vector{found[0].field, found[1].field}.begin())) {
        for (int side = 0; side < 2; ++side) {
          const usable_fk& own = found[static_cast<std::size_t>(side)];
          const usable_fk& other = found[static_cast<std::size_t>(1 - side)];
          relation r = make_relation(rel_kind::has_many_through, pluralize(snake(models_[other.target].struct_name)),
                                     other.target, {});
          r.through = index_of(holder);
          r.owner_fk = own.field;
          r.target_fk = other.field;
          models_[own.target].relations.push_back(r);
        }
      }
    }
  }

  std::string id(const model& m, const relation& r) const { return m.struct_name + "." + r.name; }

  void resolve_clashes() {
    for (model& m : models_) {
      if (m.dropped) continue;
      // First the natural disambiguation: a has_one / has_many named after the belongs_to it
      // answers, a through relation after its join model.
      const auto clashing = [&](const relation& r) {
        if (has_field(m, r.name)) return true;
        return std::count_if(m.relations.begin(), m.relations.end(),
                             [&](const relation& o) { return o.name == r.name; }) > 1;
      };
      std::vector<std::string> renamed(m.relations.size());
      for (std::size_t i = 0; i < m.relations.size(); ++i) {
        relation& r = m.relations[i];
        if (!clashing(r)) continue;
        if ((r.kind == rel_kind::has_many || r.kind == rel_kind::has_one) && r.inverse)
          renamed[i] = r.name + "_as_" + models_[r.inverse->first].relations[r.inverse->second].name;
        else if (r.kind == rel_kind::has_many_through)
          renamed[i] = r.name + "_through_" + snake(models_[r.through].struct_name);
      }
      for (std::size_t i = 0; i < m.relations.size(); ++i)
        if (!renamed[i].empty()) {
          report(m.struct_name,
                 "the relation name " + m.relations[i].name + " is taken twice (or by a field): one is " + renamed[i]);
          m.relations[i].name = renamed[i];
        }
      // Then numbers, in the order of the relations.
      for (std::size_t i = 0; i < m.relations.size(); ++i) {
        relation& r = m.relations[i];
        const std::string base = r.name;
        for (int n = 2; has_field(m, r.name) ||
                        std::any_of(m.relations.begin(), m.relations.begin() + static_cast<std::ptrdiff_t>(i),
                                    [&](const relation& o) { return o.name == r.name; });
             ++n)
          r.name = base + "_" + std::to_string(n);
        if (r.name != base) report(m.struct_name, "the relation name " + base + " is taken: this one is " + r.name);
      }
    }
  }

  void apply_relation_rules() {
    for (const option_rule& r : opts_.rules) {
      const std::size_t dot = r.subject.find('.');
      if (dot == std::string::npos) continue;
      model* m = find_model(r.subject.substr(0, dot));
      const std::string name = r.subject.substr(dot + 1);
      relation* rel = nullptr;
      if (m)
        for (relation& x : m->relations)
          if (!x.dropped && x.name == name) rel = &x;
      if (!rel)
        throw usage_error("option line " + std::to_string(r.line) + ": no relation " + r.subject +
                          " (run without the rule to see the names ar-gen chose)");
      used_.insert(r.line);
      if (r.what == option_rule::action::drop) {
        rel->dropped = true;
        if (rel->inverse) models_[rel->inverse->first].relations[rel->inverse->second].inverse.reset();
      } else {
        if (has_field(*m, r.new_name) || std::any_of(m->relations.begin(), m->relations.end(), [&](const relation& o) {
              return !o.dropped && o.name == r.new_name;
            }))
          throw usage_error("option line " + std::to_string(r.line) + ": " + m->struct_name +
                            " already has a field or relation named " + r.new_name);
        rel->name = r.new_name;
      }
    }
  }

  void check_rules_used() {
    for (const option_rule& r : opts_.rules)
      if (!used_.count(r.line)) throw usage_error("option line " + std::to_string(r.line) + " applies to nothing");
  }

  bool kept(const relation& r) const {
    if (r.dropped || models_[r.target].dropped) return false;
    return r.kind != rel_kind::has_many_through || !models_[r.through].dropped;
  }

  std::string emit() {
    std::ostringstream out;
    out << "// Generated by ar-gen";
    if (!opts_.source.empty()) out << " from " << opts_.source;
    out << ". Edit it as your own code: ar-gen does not read it back.\n";
    if (style_ != ar::name_style::as_declared)
      out << "//\n// Every table and column is the " << style_name(style_)
          << " spelling of its snake_case name: open the database with\n"
             "//   ar::open_options options;\n"
             "//   options.naming.style = ar::name_style::"
          << style_name(style_) << ";\n";
    if (!reports_.empty()) {
      out << "//\n// What ar-gen could not say in C++, or chose:\n";
      for (const std::string& r : reports_) out << "//   " << r << "\n";
    }
    out << "\n#pragma once\n\n#include <ar/ar.hpp>\n\n#include <cstdint>\n#include <optional>\n#include <string>\n\n";
    if (!opts_.name_space.empty()) out << "namespace " << opts_.name_space << " {\n\n";
    for (const model& m : models_)
      if (!m.dropped) out << "struct " << m.struct_name << ";\n";
    for (const model& m : models_) {
      if (m.dropped) continue;
      out << "\n";
      for (const std::string& n : m.notes) out << "// " << n << "\n";
      out << "struct " << m.struct_name << " {\n";
      for (const field& f : m.fields) {
        if (f.nullable)
          out << "  std::optional<" << field_cpp_type(f) << "> " << f.name << ";\n";
        else
          out << "  " << field_cpp_type(f) << " " << f.name << initializer(f.type) << ";\n";
      }
      std::vector<std::string> clauses;
      std::string fields = "AR_FIELDS(";
      for (std::size_t i = 0; i < m.fields.size(); ++i) fields += (i ? ", " : "") + m.fields[i].name;
      clauses.push_back(fields + ")");
      for (const field& f : m.fields)
        if (ar::apply_name_style(f.name, style_) != f.column)
          clauses.push_back("AR_COLUMN(" + f.name + ", \"" + f.column + "\")");
      std::string key = "AR_PRIMARY_KEY(";
      for (std::size_t i = 0; i < m.key.size(); ++i) key += (i ? ", " : "") + m.key[i];
      clauses.push_back(key + ")");
      if (m.key.size() == 1 && !m.generated_key) clauses.push_back("AR_KEY_SUPPLIED");
      // belongs_to first, then has_one / has_many, then through: the order a person reads them in.
      std::vector<const relation*> ordered;
      for (const relation& r : m.relations) ordered.push_back(&r);
      std::stable_sort(ordered.begin(), ordered.end(), [](const relation* a, const relation* b) {
        const auto rank = [](rel_kind k) {
          return k == rel_kind::belongs_to ? 0 : k == rel_kind::has_many_through ? 2 : 1;
        };
        return rank(a->kind) < rank(b->kind);
      });
      for (const relation* rp : ordered) {
        const relation& r = *rp;
        if (!kept(r)) continue;
        std::string inverse;
        if (r.inverse) {
          const model& other = models_[r.inverse->first];
          const relation& back = other.relations[r.inverse->second];
          if (kept(back) && !other.dropped) inverse = ", AR_INVERSE(" + back.name + ")";
        }
        const std::string& target = models_[r.target].struct_name;
        switch (r.kind) {
          case rel_kind::belongs_to:
            clauses.push_back("AR_BELONGS_TO(" + r.name + ", " + target + ", " + r.foreign_key + inverse + ")");
            break;
          case rel_kind::has_one:
            clauses.push_back("AR_HAS_ONE(" + r.name + ", " + target + ", " + r.foreign_key + inverse + ")");
            break;
          case rel_kind::has_many:
            clauses.push_back("AR_HAS_MANY(" + r.name + ", " + target + ", " + r.foreign_key + inverse + ")");
            break;
          case rel_kind::has_many_through:
            clauses.push_back("AR_HAS_MANY_THROUGH(" + r.name + ", " + target + ", " + models_[r.through].struct_name +
                              ", " + r.owner_fk + ", " + r.target_fk + ")");
            break;
        }
      }
      out << "  AR_MODEL(" << m.struct_name << ", \"" << m.table_string << "\",\n";
      for (std::size_t i = 0; i < clauses.size(); ++i)
        out << "           " << clauses[i] << (i + 1 < clauses.size() ? ",\n" : ");\n");
      out << "};\n";
    }
    if (!opts_.name_space.empty()) out << "\n}  // namespace " << opts_.name_space << "\n";
    return out.str();
  }

  const std::vector<ar::catalog_table>& tables_;
  const ar::dialect& d_;
  const options& opts_;
  std::vector<model> models_;
  std::vector<std::string> reports_;
  std::set<int> used_;
  ar::name_style style_ = ar::name_style::as_declared;
};

}  // namespace

std::vector<option_rule> parse_options(std::string_view text) {
  std::vector<option_rule> out;
  int line_number = 0;
  std::istringstream in{std::string(text)};
  std::string line;
  while (std::getline(in, line)) {
    ++line_number;
    if (const std::size_t hash = line.find('#'); hash != std::string::npos) line.erase(hash);
    std::istringstream words(line);
    std::vector<std::string> w;
    for (std::string word; words >> word;) w.push_back(word);
    if (w.empty()) continue;
    option_rule r;
    r.line = line_number;
    if (w[0] == "drop" && w.size() == 2) {
      r.what = option_rule::action::drop;
      r.subject = w[1];
    } else if (w[0] == "rename" && w.size() == 3) {
      r.what = option_rule::action::rename;
      r.subject = w[1];
      r.new_name = w[2];
      if (identifier(r.new_name) != r.new_name)
        throw usage_error("option line " + std::to_string(line_number) + ": " + r.new_name +
                          " is not a name ar-gen can give");
    } else {
      throw usage_error("option line " + std::to_string(line_number) +
                        ": expected 'drop Struct', 'drop Struct.relation', 'rename Struct.relation name' or "
                        "'rename Struct Name', not: " +
                        line);
    }
    out.push_back(std::move(r));
  }
  return out;
}

std::optional<ar::dialect::column_field> field_type(const ar::dialect& d, std::string_view catalog_type) {
  // The dialect says which field type a column of its catalog's type holds exactly, and is held by
  // (dialect::field_for_column, the converse of column_holds_range): the same rule verify_schema
  // applies, with no guess from the spelling here.
  if (const auto f = d.field_for_column(catalog_type)) return f;
  // NUMERIC and DECIMAL, which the dialects leave to ar-gen.
  const std::string t = lower(catalog_type);
  std::vector<ar::value_type> candidates;
  if (has(t, "numeric") || has(t, "decimal")) {
    // Exact: ar::numeric<P, S> (field_cpp_type), as the column declares it.
    candidates = {ar::value_type::decimal, ar::value_type::float64};
  }
  for (ar::value_type v : candidates)
    if (d.column_type_holds(catalog_type, v)) return ar::dialect::column_field{v};
  return std::nullopt;
}

result generate(const std::vector<ar::catalog_table>& tables, const ar::dialect& d, const options& opts) {
  return generator(tables, d, opts).run();
}

}  // namespace ar_gen
