"""Drop the ranking-change triggers, then the table they wrote to.

Round figures are now kept under each round's figures version (`criteria.domain.round_figures`),
so nothing reads `RankingChange` any more. The triggers were made outside migrations (on
`post_migrate`) by the removed `criteria.domain.ranking_version`; their names are written out
here as it made them, so this migration does not depend on code that is gone.
"""

from django.db import migrations

PREFIX = "criteria_rankingchange_on_"
FUNCTION = "criteria_note_ranking_change"
WATCHED_TABLES = (
    "criteria_score",
    "criteria_review",
    "criteria_assignment",
    "criteria_moderation",
    "schemes_budgetline",
)
APPLICATION_TABLE = "schemes_application"


def drop_triggers(apps, schema_editor):
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    if connection.vendor == "sqlite":
        names = [
            f"{PREFIX}{table}_{event}"
            for table in (*WATCHED_TABLES, APPLICATION_TABLE)
            for event in ("insert", "update", "delete")
        ]
        statements = [f"DROP TRIGGER IF EXISTS {quote(name)}" for name in names]
    elif connection.vendor == "postgresql":
        tables = [(PREFIX + table, table) for table in (*WATCHED_TABLES, APPLICATION_TABLE)]
        tables.append((f"{PREFIX}{APPLICATION_TABLE}_update", APPLICATION_TABLE))
        statements = [
            f"DROP TRIGGER IF EXISTS {quote(name)} ON {quote(table)}" for name, table in tables
        ]
        statements.append(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
    else:
        return
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("criteria", "0006_ranking_change"),
    ]

    operations = [
        migrations.RunPython(drop_triggers, migrations.RunPython.noop, elidable=True),
        migrations.DeleteModel(name="RankingChange"),
    ]
