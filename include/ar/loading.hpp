#ifndef AR_LOADING_HPP
#define AR_LOADING_HPP

// Loading strategies for relations.
//
// Eager:   from<User>() | with("posts.comments", "profile") | to_vector
//          runs the main statement, then one statement per relation per level for all parents at
//          once (fk IN (...), split at the backend's bind limit), grouped in memory. A modifier
//          refines one path: with("posts", [](ar::query<Post> q) { return q | filter(...); }); a
//          take(k) in a modifier keeps k rows per parent (one statement, a window function).
// In hand: ar::load(users, "posts.comments") does the same for records already read.
// Lazy:    u.posts() loads on first access. Records that came from one collection query share a
//          context: the first lazy access of a relation loads it for all of them in one statement
//          (automatic batching; opt out per query with no_auto_batching, or globally).
// Strict:  lazily touching a relation that was not loaded throws ar::lazy_load_error (per query
//          with strict_loading, per record with ar::set_strict, or globally).
//
// The pieces, each in its own header:
//   ar/detail/erased_tables.hpp  the type-erased model and relation tables (and why they are erased)
//   ar/load/switches.hpp         strict loading and automatic batching: global, per query, per record
//   ar/load/paths.hpp            relation paths, parsed and checked at run time and at compile time
//   ar/load/algorithm.hpp        the eager / lazy algorithm over the tables, once per key type
//   ar/load/registry.hpp         each model's and relation's tables, and the calls into the algorithm
//   ar/load/with.hpp             with, with_path, with_path_modified, strict_loading, no_auto_batching, load

#include <ar/load/algorithm.hpp>
#include <ar/load/paths.hpp>
#include <ar/load/registry.hpp>
#include <ar/load/switches.hpp>
#include <ar/load/with.hpp>
#include <ar/relation.hpp>

#endif  // AR_LOADING_HPP
