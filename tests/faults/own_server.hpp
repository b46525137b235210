#ifndef AR_TESTS_FAULTS_OWN_SERVER_HPP
#define AR_TESTS_FAULTS_OWN_SERVER_HPP

// A PostgreSQL or MariaDB server of one test file's own, on a port of its own (never the suite's
// shared servers, which the other tests use meanwhile): started when constructed, stopped when
// destroyed, whatever happened. The scripts (scripts/pg-test-server.sh,
// scripts/mariadb-test-server.sh) also halt, resume, restart, freeze and thaw it. Every port used
// here is also in stop_servers of scripts/test.sh, should a test die with its server running.

#include <cstdlib>
#include <stdexcept>
#include <string>
#include <utility>

namespace ar_test {

class own_server {
 public:
  // `environment`: more variables for the script, e.g. "AR_PG_DURABLE=1" or
  // "AR_MARIADB_SERVER_ARGS=--innodb-rollback-on-timeout=ON". `start`: the script's command that
  // makes it, e.g. "start-replica" (with "AR_PG_PRIMARY_PORT=<port>" in `environment`).
  own_server(std::string backend, std::string port, std::string environment = {}, const std::string& start = "start")
      : backend_(std::move(backend)), port_(std::move(port)), environment_(std::move(environment)) {
    run(start);
  }
  ~own_server() { run("stop", false); }
  own_server(const own_server&) = delete;
  own_server& operator=(const own_server&) = delete;

  // Shut down cleanly and started again on the same data and port.
  void restart() { run("restart"); }
  // Stopped at once, as a crash would, keeping its data; and started again on it.
  void halt() { run("halt"); }
  void resume() { run("resume"); }
  // SIGSTOP: it still accepts TCP connections (the kernel's backlog), never answers; and SIGCONT.
  void freeze() { run("freeze"); }
  void thaw(bool must = true) { run("thaw", must); }
  // A replica (start-replica) stops applying what it receives from its primary, and applies it again.
  void pause_replay() { run("pause-replay"); }
  void resume_replay() { run("resume-replay"); }

  std::string url() const {
    if (backend_ == "postgresql") return "postgresql://host=127.0.0.1 port=" + port_ + " dbname=ar_test user=postgres";
    return "mysql://host=127.0.0.1 port=" + port_ + " db=ar_test user=root";
  }
  // The same server as a standard URL (user@host:port/database).
  std::string standard_url() const {
    if (backend_ == "postgresql") return "postgresql://postgres@127.0.0.1:" + port_ + "/ar_test";
    return "mysql://root@127.0.0.1:" + port_ + "/ar_test";
  }

 private:
  void run(const std::string& command, bool must = true) const {
    const std::string line =
        backend_ == "postgresql"
            ? "AR_PG_PORT=" + port_ + " " + environment_ + " '" AR_SOURCE_DIR "/scripts/pg-test-server.sh' " + command
            : "AR_MARIADB_PORT=" + port_ + " " + environment_ + " '" AR_SOURCE_DIR "/scripts/mariadb-test-server.sh' " +
                  command;
    const int status = std::system((line + " >/dev/null 2>&1").c_str());
    if (must && status != 0) throw std::runtime_error("could not " + command + " the test's own server: " + line);
  }

  std::string backend_;
  std::string port_;
  std::string environment_;
};

}  // namespace ar_test

#endif  // AR_TESTS_FAULTS_OWN_SERVER_HPP
