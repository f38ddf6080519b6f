"""Load YAML fixtures without overwriting what people have since edited in the admin."""

from dataclasses import dataclass
from pathlib import Path

from django.core import serializers
from django.core.management.color import no_style
from django.db import connection, transaction

FIXTURES_DIR = Path(__file__).resolve().parent.parent / "fixtures"

REFERENCE_FILES = [
    "reference/organisations.yaml",
    "reference/criteria.yaml",
    "reference/frameworks.yaml",
    "reference/questions.yaml",
    "reference/rounds.yaml",
    "reference/learning.yaml",
]
DEMO_FILES = ["demo/applications.yaml"]


@dataclass
class LoadResult:
    created: int = 0
    already_present: int = 0


def load_fixture_files(names: list[str]) -> LoadResult:
    """Create every fixture object whose primary key is not in the database yet.

    Objects already present are left exactly as they are, so running the load twice changes
    nothing and never undoes an edit made in the admin. Runs in one transaction.
    """
    result = LoadResult()
    models = set()
    with transaction.atomic():
        for name in names:
            with open(FIXTURES_DIR / name, encoding="utf-8") as stream:
                for deserialized in serializers.deserialize("yaml", stream):
                    instance = deserialized.object
                    model = type(instance)
                    models.add(model)
                    if model._default_manager.filter(pk=instance.pk).exists():
                        result.already_present += 1
                        continue
                    deserialized.save()
                    result.created += 1
        # Explicit primary keys leave PostgreSQL's sequences behind; move them past the data.
        statements = connection.ops.sequence_reset_sql(no_style(), list(models))
        if statements:
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
    return result
