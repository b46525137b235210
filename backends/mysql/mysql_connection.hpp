#ifndef AR_BACKENDS_MYSQL_MYSQL_CONNECTION_HPP
#define AR_BACKENDS_MYSQL_MYSQL_CONNECTION_HPP

// MariaDB's connection (ar/backend/driver.hpp): a SOCI session of SOCI's mysql backend (it opens
// the connection), whose statements run as the MariaDB client's (Connector/C) prepared statements
// on its connection (mysql_statement.cpp), and what the client tells about it besides: the server's transaction status, whether an idle
// connection still has its server, the socket ar watches for a statement's timeout, the error
// number of a failure.

#include <ar/backend/driver.hpp>

#include <mysql.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

namespace soci {
class session;
class soci_error;
}  // namespace soci

namespace ar::backends::mysql_native {

MYSQL* session_handle(soci::session& session);  // mysql_session_handle.cpp

class connection final : public backend::connection {
 public:
  explicit connection(std::unique_ptr<soci::session> session);
  ~connection() override;

  std::unique_ptr<backend::statement> prepare(std::string_view sql, bool persistent) override;
  void set_statement_timeout(std::chrono::milliseconds timeout) override;
  backend::server_transaction transaction_status(bool after_failure) noexcept override;
  bool has_server() const noexcept override { return true; }
  bool alive() noexcept override;
  int watched_socket() noexcept override;

  soci::session& session() noexcept { return *session_; }
  MYSQL* handle() noexcept { return conn_; }
  // A statement began to run (its bind): when its timeout started, for fail().
  void statement_begins() {
    if (timeout_.count() > 0) begun_ = std::chrono::steady_clock::now();
  }
  // What a SOCI error on this connection means, as a driver_error: the server's error number and
  // its kind, whether the statement ran past its timeout, whether the connection is lost (asked
  // of the server when the error does not say: SOCI's is_connected pings it), and whether the
  // statement was never sent.
  [[noreturn]] void fail(const soci::soci_error& e);
  // The same for a prepared statement's failure (its error number and message), and for one of the
  // client's own (mysql_stmt_init: out of memory).
  [[noreturn]] void fail_statement(MYSQL_STMT* stmt);
  [[noreturn]] void fail_client();

 private:
  [[noreturn]] void fail(unsigned int number, const std::string& message, bool connection_error);

  std::unique_ptr<soci::session> session_;
  MYSQL* conn_;
  std::chrono::milliseconds timeout_{0};
  std::chrono::steady_clock::time_point begun_{};
};

}  // namespace ar::backends::mysql_native

#endif  // AR_BACKENDS_MYSQL_MYSQL_CONNECTION_HPP
