// ar-gen: writes AR_MODEL declarations for the tables of a live database (docs/existing-databases.md,
// "Generating models: ar-gen").
//
//   ar-gen [-o models.hpp] [--naming STYLE] [--namespace NS] [--options FILE] URL
//
// URL is what ar::open takes: sqlite3://db=chinook.db, postgresql://..., mysql://...

#include "generator.hpp"

#include <ar/ar.hpp>
#include <ar/catalog.hpp>

#include <exception>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

namespace {

constexpr const char* usage =
    "usage: ar-gen [-o FILE] [--naming as_declared|snake_case|pascal_case|camel_case|upper_snake_case]\n"
    "              [--namespace NS] [--options FILE] URL\n"
    "  URL is what ar::open takes: sqlite3://db=file.db, postgresql://dbname=... , mysql://db=...\n"
    "  Writes a header of AR_MODEL declarations for the database's tables to stdout (or FILE);\n"
    "  what it cannot say in C++ goes into the header's comments and to stderr.\n";

ar::name_style parse_style(const std::string& s) {
  if (s == "as_declared") return ar::name_style::as_declared;
  if (s == "snake_case") return ar::name_style::snake_case;
  if (s == "pascal_case") return ar::name_style::pascal_case;
  if (s == "camel_case") return ar::name_style::camel_case;
  if (s == "upper_snake_case") return ar::name_style::upper_snake_case;
  throw ar_gen::usage_error("--naming: unknown style " + s);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    ar_gen::options opts;
    std::string output;
    std::string url;
    for (int i = 1; i < argc; ++i) {
      const std::string arg = argv[i];
      const auto value = [&]() -> std::string {
        if (i + 1 >= argc) throw ar_gen::usage_error(arg + " needs a value");
        return argv[++i];
      };
      if (arg == "-h" || arg == "--help") {
        std::cout << usage;
        return 0;
      } else if (arg == "-o") {
        output = value();
      } else if (arg == "--naming") {
        opts.naming = parse_style(value());
      } else if (arg == "--namespace") {
        opts.name_space = value();
      } else if (arg == "--options") {
        const std::string file = value();
        std::ifstream in(file);
        if (!in) throw ar_gen::usage_error("--options: cannot read " + file);
        std::stringstream text;
        text << in.rdbuf();
        opts.rules = ar_gen::parse_options(text.str());
      } else if (!arg.empty() && arg[0] == '-') {
        throw ar_gen::usage_error("unknown option " + arg);
      } else if (url.empty()) {
        url = arg;
      } else {
        throw ar_gen::usage_error("one URL only");
      }
    }
    if (url.empty()) throw ar_gen::usage_error("no database URL");

    const ar::database db = ar::open(url, "ar-gen");
    opts.source = db.url();  // its password masked
    const std::vector<ar::catalog_table> tables = ar::read_catalog(db);
    if (tables.empty()) std::cerr << "ar-gen: the database has no tables\n";
    const ar_gen::result result = ar_gen::generate(tables, db.dialect(), opts);
    for (const std::string& r : result.reports) std::cerr << "ar-gen: " << r << "\n";
    if (output.empty()) {
      std::cout << result.header;
    } else {
      std::ofstream out(output);
      out << result.header;
      if (!out.flush()) {
        std::cerr << "ar-gen: cannot write " << output << "\n";
        return 1;
      }
    }
    return 0;
  } catch (const ar_gen::usage_error& e) {
    std::cerr << "ar-gen: " << e.what() << "\n" << usage;
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "ar-gen: " << e.what() << "\n";
    return 1;
  }
}
