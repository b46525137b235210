# Chinook's PostgreSQL dump (tests/data/chinook/Chinook_PostgreSql.sql) in MariaDB's spelling:
#
#   sed -f tests/support/chinook_mariadb.sed tests/data/chinook/Chinook_PostgreSql.sql
#
# The names stay as the dump has them (snake_case), and so do the types, keys, foreign keys,
# indexes and rows, but for what MariaDB spells otherwise. tests/ar-gen/mariadb_chinook.sh loads
# the output with the mariadb client, tests/support/chinook.cpp statement by statement.

# The dump makes and enters a database of its own: whoever loads it chooses one.
/^DROP DATABASE /d
/^CREATE DATABASE /d
/^\\c /d

# PostgreSQL's TIMESTAMP is a date and time of day with no time zone: MariaDB's DATETIME. (MariaDB's
# TIMESTAMP is converted through the session's time zone and may update itself.)
/^    [a-z_]* TIMESTAMP/s/ TIMESTAMP/ DATETIME/

# MariaDB reads a backslash in a string literal as an escape ('\ A' is ' A'); PostgreSQL, as the SQL
# standard, as a backslash. The session that loads the dump reads them as PostgreSQL does.
1i\
SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_BACKSLASH_ESCAPES');
