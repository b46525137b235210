// A deadline on a blocking client library: while a statement is watched, the socket of its
// connection is shut down once the deadline passes, so that a read or write the library blocks in
// (a frozen server never answers) returns at once, and the library reports its connection lost.
// For drivers whose own timeouts cannot change once a connection is open (MariaDB Connector/C
// fixes its read and write timeouts at connect): ar's statement timeout, set per database or per
// scope, then holds for every statement. The connection is dropped afterwards (its socket is shut).
//
// One thread for the process sleeps until the earliest deadline; watching and unwatching take a
// mutex and wake it only when a deadline comes sooner than the one it sleeps to.

#pragma once

#include <chrono>
#include <cstdint>

namespace ar::detail {

// Watches `socket` until unwatch_socket(ticket): at `deadline`, it is shut down (both ways).
// Returns the ticket (never 0).
std::uint64_t watch_socket(int socket, std::chrono::steady_clock::time_point deadline);

// Ends a watch (a ticket of 0 is none). True when the deadline passed and the socket was shut
// down: its connection cannot be used again.
bool unwatch_socket(std::uint64_t ticket) noexcept;

}  // namespace ar::detail
