"""The version of every round's ranking, moved by the database on every write that counts.

A round's ranking is worked out from every submitted score (`round_scores`) and every budget
line of its applications (`round_requested`): the slowest part of the ranking page. Those
figures may be kept between requests only while nothing they depend on has been written.
Rather than trusting every write path to say so (a form, the admin, a queryset `update()`, a
bulk load, raw SQL), database triggers add a `RankingChange` row after every insert, update
or delete of scores, reviews, assignments, moderations and budget lines, and after an
application is added, removed, or has its status, round or reference changed.

`ranking_version()` is the number of those rows, the newest id and its random token:

- every committed write adds a row, so the count grows, even when transactions commit out of
  the order of their ids (PostgreSQL);
- a rolled-back transaction's rows disappear, and SQLite may reuse their ids, but not their
  random tokens.

Read the version before the data it stands for: a write committed in between then makes the
data newer than its version, which only costs one extra working-out later, never a stale
answer. Rows are never deleted: deleting while a transaction is in flight could bring back a
count already seen. PostgreSQL adds one row per statement, SQLite one per row written.

Migrations run without the triggers: they are dropped before every `migrate` (`remove_triggers`,
on `pre_migrate`) and made again after it (`install_triggers`, on `post_migrate`), with one row
for whatever the migrations wrote. SQLite drops a table's triggers when a migration rebuilds
the table, and refuses to rebuild the `RankingChange` table while triggers name it.
"""

import secrets

from django.apps import apps
from django.db import connections

# Tables whose every insert, update and delete can move a round's ranking.
WATCHED = (
    ("criteria", "Score"),
    ("criteria", "Review"),
    ("criteria", "Assignment"),
    ("criteria", "Moderation"),
    ("schemes", "BudgetLine"),
)
# Applications move the ranking when added or removed, or when one of these columns changes.
APPLICATION = ("schemes", "Application")
APPLICATION_COLUMNS = ("status", "round_id", "reference")

VENDORS = ("sqlite", "postgresql")
PREFIX = "criteria_rankingchange_on_"
FUNCTION = "criteria_note_ranking_change"


def _table(app_label, model_name):
    return apps.get_model(app_label, model_name)._meta.db_table


def _change_table():
    return _table("criteria", "RankingChange")


def _sqlite_statements():
    quote = connections["default"].ops.quote_name
    # Every name in these statements is a model's table or column, quoted; no value is input.
    changes = quote(_change_table())
    note = f"INSERT INTO {changes} (token) VALUES (lower(hex(randomblob(16))));"  # noqa: S608
    statements = []
    for app_label, model_name in WATCHED:
        table = _table(app_label, model_name)
        for event in ("INSERT", "UPDATE", "DELETE"):
            statements.append(
                f"CREATE TRIGGER IF NOT EXISTS {quote(PREFIX + table + '_' + event.lower())} "
                f"AFTER {event} ON {quote(table)} BEGIN {note} END"
            )
    table = _table(*APPLICATION)
    for event in ("INSERT", "DELETE"):
        statements.append(
            f"CREATE TRIGGER IF NOT EXISTS {quote(PREFIX + table + '_' + event.lower())} "
            f"AFTER {event} ON {quote(table)} BEGIN {note} END"
        )
    changed = " OR ".join(f"OLD.{quote(c)} IS NOT NEW.{quote(c)}" for c in APPLICATION_COLUMNS)
    statements.append(
        f"CREATE TRIGGER IF NOT EXISTS {quote(PREFIX + table + '_update')} "
        f"AFTER UPDATE ON {quote(table)} WHEN {changed} BEGIN {note} END"
    )
    return statements


def _postgresql_statements():
    quote = connections["default"].ops.quote_name
    changes = quote(_change_table())
    note = f"INSERT INTO {changes} (token) VALUES (md5(random()::text || clock_timestamp()::text));"  # noqa: S608
    statements = [
        f"CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN {note} RETURN NULL; END $$"
    ]
    for app_label, model_name in WATCHED:
        table = _table(app_label, model_name)
        # Once per statement: a bulk write of thousands of scores adds one row.
        statements.append(
            f"CREATE OR REPLACE TRIGGER {quote(PREFIX + table)} "
            f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {quote(table)} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
        )
    table = _table(*APPLICATION)
    statements.append(
        f"CREATE OR REPLACE TRIGGER {quote(PREFIX + table)} "
        f"AFTER INSERT OR DELETE OR TRUNCATE ON {quote(table)} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
    )
    changed = " OR ".join(
        f"OLD.{quote(c)} IS DISTINCT FROM NEW.{quote(c)}" for c in APPLICATION_COLUMNS
    )
    statements.append(
        f"CREATE OR REPLACE TRIGGER {quote(PREFIX + table + '_update')} "
        f"AFTER UPDATE ON {quote(table)} FOR EACH ROW WHEN ({changed}) "
        f"EXECUTE FUNCTION {FUNCTION}()"
    )
    return statements


def install_triggers(using="default", **kwargs):
    """Make the triggers that add a `RankingChange` row, and add one row; safe to run again.

    Connected to `post_migrate`, so it runs after every `migrate` (and when tests create their
    database). Migrations run without the triggers (`remove_triggers`), so the row added here
    stands for whatever they wrote.
    """
    connection = connections[using]
    if connection.vendor not in VENDORS:
        return
    if _change_table() not in connection.introspection.table_names():
        return  # not migrated this far yet
    statements = _sqlite_statements() if connection.vendor == "sqlite" else _postgresql_statements()
    changes = connection.ops.quote_name(_change_table())
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
        cursor.execute(f"INSERT INTO {changes} (token) VALUES (%s)", [secrets.token_hex(16)])  # noqa: S608


def remove_triggers(using="default", **kwargs):
    """Drop the triggers, so migrations never meet them.

    Connected to `pre_migrate`. On SQLite a migration that rebuilds the `RankingChange` table
    itself would otherwise fail: renaming the rebuilt table checks every trigger that names it.
    """
    connection = connections[using]
    if connection.vendor not in VENDORS:
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for name, table in _triggers(connection):
            if connection.vendor == "sqlite":
                cursor.execute(f"DROP TRIGGER IF EXISTS {quote(name)}")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {quote(name)} ON {quote(table)}")


def _triggers(connection):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute(
                "SELECT t.tgname, c.relname FROM pg_trigger t "
                "JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal"
            )
        return [(name, table) for name, table in cursor.fetchall() if name.startswith(PREFIX)]


def installed_triggers(using="default"):
    """Names of the ranking-change triggers the database has, for checks and tests."""
    return {name for name, _table in _triggers(connections[using])}


def expected_triggers(vendor):
    """Names `install_triggers` makes on `vendor`."""
    tables = [_table(*model) for model in WATCHED]
    application = _table(*APPLICATION)
    if vendor == "sqlite":
        names = {
            f"{PREFIX}{table}_{event}"
            for table in tables
            for event in ("insert", "update", "delete")
        }
        return names | {
            f"{PREFIX}{application}_{event}" for event in ("insert", "delete", "update")
        }
    return {PREFIX + table for table in tables} | {
        PREFIX + application,
        f"{PREFIX}{application}_update",
    }


def ranking_version(using="default"):
    """Return the ranking's version now, or None where this database has no triggers.

    One query: (number of ranking changes, newest id, its token).
    """
    connection = connections[using]
    if connection.vendor not in VENDORS:
        return None
    table = connection.ops.quote_name(_change_table())
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT latest.n, latest.m, change.token FROM "  # noqa: S608 (a model's table)
            f"(SELECT COUNT(*) AS n, MAX(id) AS m FROM {table}) AS latest "
            f"LEFT JOIN {table} AS change ON change.id = latest.m"
        )
        return tuple(cursor.fetchone())


def kept(store, key, inputs, work_out):
    """Return `work_out()`, a dict, as kept in `store[key]` while `inputs` stand; a copy.

    `inputs` starts with `ranking_version()` and holds everything else the result depends on.
    With no version (a database without the triggers) it is worked out every time.
    """
    remembered = store.get(key)
    if inputs[0] is not None and remembered is not None and remembered[0] == inputs:
        return dict(remembered[1])
    result = work_out()
    if inputs[0] is not None:
        store[key] = (inputs, result)
    return dict(result)
