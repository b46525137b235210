#!/bin/sh
# ar-gen on Chinook in MariaDB (ctest ar_gen.mariadb.chinook): converts tests/data/chinook/Chinook_PostgreSql.sql
# with tests/support/chinook_mariadb.sed, loads it into a fresh database on the AR_TEST_MARIADB server
# with the mariadb client, runs ar-gen on it, builds test_ar_gen_chinook_mariadb on the header it
# wrote, runs it there (its SQL counts on the same database), and drops the database.
# Fails without AR_TEST_MARIADB, as every test of a server does.
#
#   mariadb_chinook.sh SOURCE_DIR BUILD_DIR AR_GEN HEADER PROGRAM MYSQL_CLIENT
set -eu
[ -n "${AR_TEST_MARIADB:-}" ] || { echo "AR_TEST_MARIADB is not set (scripts/test.sh sets it): a missing server fails the test, never skips it" >&2; exit 1; }
source_dir=$1 build_dir=$2 ar_gen=$3 header=$4 program=$5 client=$6
conninfo=${AR_TEST_MARIADB#mysql://}
value() { printf '%s\n' "$conninfo" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
host=$(value host) port=$(value port) user=$(value user) password=$(value password)
db=ar_gen_chinook_$$
sql() { MYSQL_PWD="$password" "$client" -h "${host:-127.0.0.1}" -P "${port:-3306}" -u "${user:-root}" --default-character-set=utf8mb4 "$@"; }
trap 'sql -e "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true' EXIT

sql -e "CREATE DATABASE $db CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin"
sed -f "$source_dir/tests/support/chinook_mariadb.sed" "$source_dir/tests/data/chinook/Chinook_PostgreSql.sql" | sql "$db"

url="mysql://$(printf '%s' "$conninfo" | sed "s/\(^\| \)db=[^ ]*/\1db=$db/")"
mkdir -p "$(dirname "$header")"
"$ar_gen" "$url" --options "$source_dir/tests/ar-gen/chinook.options" -o "$header"
# The models of the MariaDB load are those of the PostgreSQL dump: INT is std::int32_t, DATETIME an
# ar::time_point, and the names need no naming convention.
grep -q 'AR_HAS_MANY_THROUGH(tracks, Track, PlaylistTrack, playlist_id, track_id)' "$header"
grep -q 'std::int32_t album_id = 0;' "$header"
grep -q 'ar::time_point invoice_date;' "$header"
if grep -q 'name_style::' "$header"; then echo "unexpected naming comment"; exit 1; fi

cmake --build "$build_dir" --target test_ar_gen_chinook_mariadb
AR_GEN_CHINOOK_URL="$url" "$program"
