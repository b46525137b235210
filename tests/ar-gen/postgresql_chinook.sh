#!/bin/sh
# ar-gen on Chinook's PostgreSQL dump (ctest ar_gen.postgresql.chinook): loads
# tests/data/chinook/Chinook_PostgreSql.sql into a fresh schema of the AR_TEST_POSTGRESQL database with
# psql (without the script's DROP/CREATE DATABASE and \c), runs ar-gen on it, builds
# test_ar_gen_chinook_postgresql on the header it wrote, runs it there (its SQL counts on the same
# schema), and drops the schema. mariadb_chinook.sh does the same on MariaDB.
# Fails without AR_TEST_POSTGRESQL, as every test of a server does.
#
#   postgresql_chinook.sh SOURCE_DIR BUILD_DIR AR_GEN HEADER PROGRAM
set -eu
[ -n "${AR_TEST_POSTGRESQL:-}" ] || { echo "AR_TEST_POSTGRESQL is not set (scripts/test.sh sets it): a missing server fails the test, never skips it" >&2; exit 1; }
source_dir=$1 build_dir=$2 ar_gen=$3 header=$4 program=$5
conninfo=${AR_TEST_POSTGRESQL#postgresql://}
schema=ar_gen_chinook_$$
trap 'psql "$conninfo" -q -c "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1 || true' EXIT

{
  echo "CREATE SCHEMA $schema; SET search_path TO $schema;"
  grep -v -E '^(DROP DATABASE|CREATE DATABASE|\\c )' "$source_dir/tests/data/chinook/Chinook_PostgreSql.sql"
} | psql "$conninfo" -q -v ON_ERROR_STOP=1 -1 >/dev/null

url="$AR_TEST_POSTGRESQL options='-c search_path=$schema'"
mkdir -p "$(dirname "$header")"
"$ar_gen" "$url" --options "$source_dir/tests/ar-gen/chinook.options" -o "$header"
# The models of the PostgreSQL dump are those of the SQLite file, but INT is std::int32_t there and
# the names need no naming convention.
grep -q 'AR_HAS_MANY_THROUGH(tracks, Track, PlaylistTrack, playlist_id, track_id)' "$header"
grep -q 'std::int32_t album_id = 0;' "$header"
if grep -q 'name_style::pascal_case' "$header"; then echo "unexpected naming comment"; exit 1; fi

cmake --build "$build_dir" --target test_ar_gen_chinook_postgresql
AR_GEN_CHINOOK_URL="$url" "$program"
