#!/usr/bin/env bash
# Installs what ar needs to build and test on Debian 12 (bookworm), as root.
# Only missing packages are installed; apt-get update runs only if something
# is missing. Idempotent.
#
#   scripts/install-deps.sh               build + test dependencies
#   scripts/install-deps.sh --postgresql  ... plus the PostgreSQL 15 server and pgbouncer (1.18; no
#                                         service is started: scripts/pgbouncer-test-server.sh runs its own)
#   scripts/install-deps.sh --mariadb     ... plus the MariaDB server (10.11); no service is
#                                         started (scripts/mariadb-test-server.sh runs its own)
set -euo pipefail

packages=(
  cmake g++ clang-14 make ninja-build ccache
  libclang-rt-14-dev  # clang's sanitizer runtimes and libFuzzer (scripts/fuzz.sh)
  libboost-dev libsoci-dev librange-v3-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libsqlitecpp-dev  # SQLiteCpp, the C++ peer twin (sqlitecpp) of W1, W3, W4, W5 in ar_bench
  libsqlite3-dev libpq-dev libmariadb-dev sqlite3
  pkg-config  # the pkg-config consumer test (ar.pc)
  nlohmann-json3-dev  # nlohmann::json fields (include/ar/json.hpp); their tests build only where it is
  doxygen  # the API reference (ctest docs.api_reference, target ar_api_docs)
  clang-tidy  # the ctest style.clang_tidy (.clang-tidy over src/ and backends/)
  clang-format-19  # the ctest style.clang_format (.clang-format over every C++ file; 19 exactly)
)

for arg in "$@"; do
  case "$arg" in
    --postgresql) packages+=(postgresql-15 pgbouncer) ;;
    --mariadb) packages+=(mariadb-server mariadb-client libsoci-mysql4.0) ;;
    -h|--help)
      sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
      exit 0 ;;
    *) echo "install-deps.sh: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

missing=()
for pkg in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  if [[ "$status" != "install ok installed" ]]; then
    missing+=("$pkg")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=()
if ((EUID != 0)); then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
  else
    echo "install-deps: missing packages (${missing[*]}) and not root; run as root" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive

# Package scripts (mariadb-server's, postgresql's) start their service after installing it. On a
# machine without an init system, or where the tests run their own servers, that start fails or
# takes the default port: while we install, a policy-rc.d forbids it (101: action not allowed). One
# that is already there is left as it is.
POLICY=/usr/sbin/policy-rc.d
if [[ ! -e "$POLICY" ]]; then
  "${SUDO[@]}" sh -c "printf '#!/bin/sh\n# installed by ar scripts/install-deps.sh while it runs\nexit 101\n' > $POLICY && chmod 755 $POLICY"
  trap '"${SUDO[@]}" rm -f "$POLICY"' EXIT
fi

"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y -qq --no-install-recommends \
  -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}" >/dev/null
echo "install-deps: done"
