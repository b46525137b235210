#ifndef AR_TESTS_SUPPORT_CHINOOK_HPP
#define AR_TESTS_SUPPORT_CHINOOK_HPP

// The Chinook sample database (tests/data/chinook, MIT licence, as its author publishes it): a real
// schema no one here wrote, with PascalCase names, NUMERIC(10,2) prices, dates stored as text on
// SQLite, a composite key (PlaylistTrack) and a self-referential employee tree.

#include <string>
#include <vector>

namespace ar_test {

// A fresh SQLite file loaded from tests/data/chinook/Chinook_Sqlite.sql by the sqlite3 C API
// (the script as published, run with sqlite3_exec), under the test's temporary directory; each
// call makes a new one (named after `file_name` and the process). Returns its path.
std::string make_chinook_sqlite(const std::string& file_name);

// Runs one query on a SQLite file with the sqlite3 C API and returns its first column of every row
// as text (NULL as "NULL"): the raw twin a test compares ar's answer with.
std::vector<std::string> sqlite_column(const std::string& path, const std::string& sql);

}  // namespace ar_test

#endif  // AR_TESTS_SUPPORT_CHINOOK_HPP
