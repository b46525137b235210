#!/bin/sh
# ar-gen on MariaDB (ctest ar_gen.mariadb.catalog): a database of its own on the AR_TEST_MARIADB server
# with what Chinook lacks (an AUTO_INCREMENT key, two foreign keys to one table, a unique foreign key,
# a unique foreign key of two columns, TINYINT(1), a BLOB, a DATE, a FLOAT, unsigned integers, a UUID, and a signed SMALLINT, which no field
# type matches), and the header ar-gen writes for it. Fails without AR_TEST_MARIADB, as every test of a server does.
#
#   mariadb_catalog.sh AR_GEN MYSQL_CLIENT
set -eu
[ -n "${AR_TEST_MARIADB:-}" ] || { echo "AR_TEST_MARIADB is not set (scripts/test.sh sets it): a missing server fails the test, never skips it" >&2; exit 1; }
ar_gen=$1 client=$2
conninfo=${AR_TEST_MARIADB#mysql://}
value() { printf '%s\n' "$conninfo" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
host=$(value host) port=$(value port) user=$(value user) password=$(value password)
db=ar_gen_catalog_$$
sql() { MYSQL_PWD="$password" "$client" -h "${host:-127.0.0.1}" -P "${port:-3306}" -u "${user:-root}" -e "$1"; }
trap 'sql "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true' EXIT

sql "CREATE DATABASE $db; USE $db;
CREATE TABLE teams (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(40) NOT NULL) ENGINE=InnoDB;
CREATE TABLE games (id BIGINT AUTO_INCREMENT PRIMARY KEY, home_team_id INT NOT NULL, away_team_id INT NOT NULL,
  played_at DATETIME NULL, note BLOB, flag TINYINT(1) NOT NULL,
  FOREIGN KEY (home_team_id) REFERENCES teams (id), FOREIGN KEY (away_team_id) REFERENCES teams (id)) ENGINE=InnoDB;
CREATE TABLE captains (id INT PRIMARY KEY, team_id INT NOT NULL UNIQUE, FOREIGN KEY (team_id) REFERENCES teams (id)) ENGINE=InnoDB;
CREATE TABLE venues (id INT UNSIGNED PRIMARY KEY, opened DATE NOT NULL, rating FLOAT NULL, seats SMALLINT UNSIGNED NOT NULL,
  visitors BIGINT UNSIGNED NOT NULL, code UUID NOT NULL, capacity SMALLINT NOT NULL) ENGINE=InnoDB;
CREATE TABLE seasons (team_id INT NOT NULL, yr INT NOT NULL, PRIMARY KEY (team_id, yr)) ENGINE=InnoDB;
CREATE TABLE season_reports (id INT PRIMARY KEY, team_id INT NOT NULL, yr INT NOT NULL, UNIQUE (yr, team_id),
  FOREIGN KEY (team_id, yr) REFERENCES seasons (team_id, yr)) ENGINE=InnoDB;"

url="mysql://$(printf '%s' "$conninfo" | sed "s/\(^\| \)db=[^ ]*/\1db=$db/")"
out=$("$ar_gen" "$url" 2>&1)
printf '%s\n' "$out"
expect() { printf '%s\n' "$out" | grep -qF -- "$1" || { echo "missing: $1"; exit 1; }; }
expect 'AR_MODEL(Team, "teams",'
expect 'std::int32_t id = 0;'
expect 'std::int64_t id = 0;'
expect 'bool flag = false;'
expect 'std::optional<ar::time_point> played_at;'
expect 'AR_HAS_ONE(captain, Captain, team_id, AR_INVERSE(team))'
expect 'AR_HAS_ONE(season_report, SeasonReport, AR_KEYS(team_id, yr), AR_INVERSE(season))'
expect 'AR_HAS_MANY(games_as_home_team, Game, home_team_id, AR_INVERSE(home_team))'
expect 'AR_BELONGS_TO(away_team, Team, away_team_id, AR_INVERSE(games_as_away_team))'
expect 'std::optional<ar::bytes> note;'
expect 'std::uint32_t id = 0;'
expect 'ar::date opened;'
expect 'std::optional<float> rating;'
expect 'std::uint16_t seats = 0;'
expect 'std::uint64_t visitors = 0;'
expect 'ar::uuid code;'
expect 'ar-gen: venues: the column capacity has the type smallint(6), which ar maps to no field type: it is skipped'
# AUTO_INCREMENT keys are the database's; captains.id, venues.id and season_reports.id are supplied (a composite key always is).
[ "$(printf '%s\n' "$out" | grep -c 'AR_KEY_SUPPLIED')" = 3 ] || { echo "AR_KEY_SUPPLIED: expected 3 times"; exit 1; }
