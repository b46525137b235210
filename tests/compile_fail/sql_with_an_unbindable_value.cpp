// expect: ar::sql / ar::execute: a value of this type cannot be bound
#include <ar/ar.hpp>

#include <vector>

auto changed(const ar::database& db) { return ar::execute(db, "UPDATE t SET x = ?", std::vector<int>{1, 2}); }
