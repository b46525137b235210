#!/usr/bin/env bash
# ctest package.deb (tests/infra/CMakeLists.txt; label "deb", root and dpkg only): builds the
# Debian package of this build tree with `cpack -G DEB`, checks its Depends, installs it with
# `dpkg -i`, builds and runs a consumer against /usr both ways (CMake find_package, with the
# components, and a Makefile with pkg-config), then removes it with `dpkg -r`. The package is
# removed on every exit, failed or not.
#
#   deb_test.sh <build dir> <work dir> <source dir> <c++ compiler> <sanitizers or ""> <backends, ;-separated>
set -euo pipefail

BUILD_DIR="$1"; WORK_DIR="$2"; SOURCE_DIR="$3"; CXX_COMPILER="$4"; SANITIZE="$5"; BACKENDS="$6"
PACKAGE=libar-dev

say() { printf '[package.deb] %s\n' "$*"; }
fail() { say "FAILED: $*" >&2; exit 1; }

installed() { [[ "$(dpkg-query -W -f='${Status}' "$PACKAGE" 2>/dev/null)" == "install ok installed" ]]; }

# A package left by an earlier run that was killed (a timeout) is ours only if its vendor says so.
if installed; then
  if [[ "$(dpkg-query -W -f='${Maintainer}' "$PACKAGE")" == *"the ar authors"* ]]; then
    say "removing $PACKAGE left installed by an earlier run"
    dpkg -r "$PACKAGE" >/dev/null
  else
    fail "$PACKAGE is installed and is not ar's: refusing to replace it"
  fi
fi

cleanup() {
  status=$?
  if installed; then
    say "dpkg -r $PACKAGE"
    dpkg -r "$PACKAGE" >/dev/null || { say "dpkg -r failed" >&2; status=1; }
  fi
  if [[ -e /usr/include/ar/ar.hpp ]]; then
    say "/usr/include/ar/ar.hpp is still there after dpkg -r" >&2
    status=1
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

rm -rf "$WORK_DIR"
mkdir -p "$WORK_DIR"

say "cpack -G DEB"
(cd "$WORK_DIR" && cpack -G DEB --config "$BUILD_DIR/CPackConfig.cmake" -B "$WORK_DIR/deb" >"$WORK_DIR/cpack.log" 2>&1) \
  || { cat "$WORK_DIR/cpack.log"; fail "cpack"; }
deb=$(ls "$WORK_DIR"/deb/${PACKAGE}_*.deb)
say "built $(basename "$deb") ($(du -h "$deb" | cut -f1))"

depends=$(dpkg-deb -f "$deb" Depends)
say "Depends: $depends"
expected=(libsoci-dev libboost-dev librange-v3-dev)
IFS=';' read -r -a backends <<<"$BACKENDS"
for backend in "${backends[@]}"; do
  case "$backend" in
    sqlite) expected+=(libsqlite3-dev) ;;
    postgresql) expected+=(libpq-dev) ;;
    mysql) expected+=(libmariadb-dev) ;;
  esac
done
for dep in "${expected[@]}"; do
  grep -Eq "(^|[ ,|])$dep( |,|$)" <<<"$depends" || fail "Depends lacks $dep"
done
# Each dependency names a package this machine knows (installed: ar was just built with it).
for dep in "${expected[@]}"; do
  dpkg-query -W "$dep" >/dev/null 2>&1 || fail "Depends names $dep, which dpkg does not know"
done
contents=$(dpkg-deb -c "$deb")
for path in ./usr/share/doc/ar/LICENSE ./usr/include/ar/version.hpp ./usr/include/ar/export.hpp /ar.pc /arConfig.cmake; do
  grep -qF "$path" <<<"$contents" || fail "the package lacks $path"
done

say "dpkg -i"
dpkg -i "$deb" >"$WORK_DIR/dpkg.log" 2>&1 || { cat "$WORK_DIR/dpkg.log"; fail "dpkg -i"; }

linker_flags=()
if [[ -n "$SANITIZE" ]]; then
  linker_flags=("-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=$SANITIZE")
fi
generator=()
if command -v ninja >/dev/null 2>&1; then generator=(-G Ninja); fi

say "CMake consumer: find_package(ar CONFIG REQUIRED COMPONENTS ${BACKENDS//;/ }) from /usr"
cmake -S "$SOURCE_DIR/tests/consumer" -B "$WORK_DIR/cmake" "${generator[@]}" \
  -DCMAKE_CXX_COMPILER="$CXX_COMPILER" -DCMAKE_BUILD_TYPE=Debug \
  -DAR_CONSUMER_MODE=package "-DAR_CONSUMER_COMPONENTS=$BACKENDS" \
  -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF "${linker_flags[@]}" >"$WORK_DIR/cmake.log" 2>&1 \
  || { cat "$WORK_DIR/cmake.log"; fail "configure"; }
grep -q "from /usr/lib" "$WORK_DIR/cmake.log" || { cat "$WORK_DIR/cmake.log"; fail "ar was not found under /usr"; }
cmake --build "$WORK_DIR/cmake" >"$WORK_DIR/build.log" 2>&1 || { cat "$WORK_DIR/build.log"; fail "build"; }
"$WORK_DIR/cmake/consumer" || fail "the CMake consumer"

say "Makefile consumer: pkg-config ar from /usr"
env -u PKG_CONFIG_PATH pkg-config --cflags --libs ar
make_flags=()
if [[ -n "$SANITIZE" ]]; then make_flags=("LDFLAGS=-fsanitize=$SANITIZE"); fi
env -u PKG_CONFIG_PATH make -f "$SOURCE_DIR/tests/pkgconfig/Makefile" "OUT=$WORK_DIR" "CXX=$CXX_COMPILER" \
  "${make_flags[@]}" check || fail "the Makefile consumer"

say "PASSED (the package is removed on exit)"
