// What the MariaDB/MySQL client can tell about a SOCI session whose statements all go through SOCI
// (the driver's attach gives no native side): the code of a failure, and whether the server still
// holds the transaction after one (a deadlock's victim is rolled back whole). See src/native.hpp.

#include "native.hpp"

#include <soci/mysql/soci-mysql.h>
#include <soci/soci.h>

#include <memory>
#include <string>

namespace ar::backends {

namespace mysql_native {

MYSQL* session_handle(soci::session& session);  // mysql_session_handle.cpp

namespace {

error_kind kind_of(unsigned int error_number) noexcept {
  switch (error_number) {
    case 1213: return error_kind::deadlock;               // ER_LOCK_DEADLOCK
    case 1205: return error_kind::lock_timeout;           // ER_LOCK_WAIT_TIMEOUT
    case 1020: return error_kind::serialization_failure;  // ER_CHECKREAD: the record changed since it was read
    default: return error_kind::other;
  }
}

class driver final : public detail::native_driver {
 public:
  std::unique_ptr<detail::native_connection> attach(soci::session&) const override { return nullptr; }

  detail::server_transaction transaction_status(soci::session& session, bool after_failure) const noexcept override {
    MYSQL* conn = session_handle(session);
    if (conn == nullptr) return detail::server_transaction::unknown;
    // The client keeps the status flags of the server's last OK packet; an error packet carries
    // none, so after a failure a statement that does nothing brings them up to date.
    if (after_failure && mysql_real_query(conn, "DO 0", 4) != 0) return detail::server_transaction::none;
    return (conn->server_status & SERVER_STATUS_IN_TRANS) != 0 ? detail::server_transaction::open
                                                               : detail::server_transaction::none;
  }

  // The server's error number, which SOCI's mysql backend keeps in its exception. (Not
  // mysql_errno: an error SOCI raises itself, before any call to the client, would get the code of
  // an older failure.)
  detail::failure_class classify(soci::session&, const soci::soci_error& e) const override {
    const auto* mysql_error = dynamic_cast<const soci::mysql_soci_error*>(&e);
    if (mysql_error == nullptr || mysql_error->err_num_ == 0) return {};
    return {std::to_string(mysql_error->err_num_), kind_of(mysql_error->err_num_)};
  }
};

}  // namespace

}  // namespace mysql_native

void register_mysql_driver() {
  detail::register_native_driver("mysql", std::make_shared<mysql_native::driver>());
}

}  // namespace ar::backends
