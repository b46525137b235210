// MariaDB's timeouts, for statements that run through SOCI's statement layer: the server's
// max_statement_time stops a statement at its limit (error 1969, ER_STATEMENT_TIMEOUT: the
// connection stays usable), and a frozen server, which never answers, is given up on by ar's socket
// watch (src/socket_watch.hpp): at the statement's timeout plus a grace of 500 ms (so that a server
// that is alive answers with its own error first), the socket is shut down, the client reports the
// connection lost (error 2013, CR_SERVER_LOST) and ar drops it.
//
// Not the client's own read and write timeouts (MYSQL_OPT_READ_TIMEOUT): Connector/C fixes them
// when a connection opens, in whole seconds, and offers no way to change them after; a timeout set
// by ar::statement_timeout_scope, shorter or longer than the database's, would not hold.

#include "native.hpp"

#include <errmsg.h>
#include <mysql.h>
#include <mysqld_error.h>
#include <soci/mysql/soci-mysql.h>
#include <soci/soci.h>

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace ar::backends {

namespace mysql_native {

MYSQL* session_handle(soci::session& session);  // mysql_session_handle.cpp

namespace {

class timeouts final : public detail::timeout_driver {
 public:
  std::vector<std::pair<std::string, std::string>> connect_parameters(
      std::chrono::milliseconds connect_timeout,
      std::chrono::milliseconds /*statement_timeout: bounded per statement, watched_socket*/) const override {
    std::vector<std::pair<std::string, std::string>> keys;
    if (connect_timeout.count() > 0) keys.emplace_back("connect_timeout", seconds(connect_timeout));
    return keys;
  }

  // max_statement_time is in seconds, with a fraction (MariaDB 10.1+): 0.2 for 200 ms; 0 is no limit.
  void set_statement_timeout(soci::session& session, std::chrono::milliseconds timeout) const override {
    const long long ms = timeout.count();
    std::string fraction = std::to_string(ms % 1000);
    fraction.insert(0, 3 - fraction.size(), '0');
    session.once << "SET SESSION max_statement_time = " + std::to_string(ms / 1000) + "." + fraction;
  }

  verdict classify(soci::session& session, const soci::soci_error& error) const override {
    // The error's own number: the connection's last one may be another's since (a ping).
    const auto* own = dynamic_cast<const soci::mysql_soci_error*>(&error);
    MYSQL* conn = session_handle(session);
    const unsigned int code = own ? own->err_num_ : conn ? mysql_errno(conn) : 0;
    if (code == ER_STATEMENT_TIMEOUT) return verdict::server_timeout;
    if (code == CR_SERVER_LOST || code == CR_SERVER_GONE_ERROR) return verdict::connection_lost;
    if (error.get_error_category() == soci::soci_error::connection_error) return verdict::connection_lost;
    return verdict::other;
  }

  int watched_socket(soci::session& session) const override {
    MYSQL* conn = session_handle(session);
    return conn ? static_cast<int>(mysql_get_socket(conn)) : -1;
  }

 private:
  static std::string seconds(std::chrono::milliseconds t) {
    return std::to_string(std::chrono::ceil<std::chrono::seconds>(t).count());
  }
};

}  // namespace

}  // namespace mysql_native

void register_mysql_timeouts() {
  detail::register_timeout_driver("mysql", std::make_shared<mysql_native::timeouts>());
}

}  // namespace ar::backends
