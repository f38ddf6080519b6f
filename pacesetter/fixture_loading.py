"""Load YAML fixtures without overwriting what people have since edited in the admin."""

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import translation

from pacesetter.languages import WELSH, is_empty, translated_fields

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
    welsh_filled: int = 0


def fill_missing_welsh(instance):
    """Give the stored record of fixture `instance` the fixture's Welsh where it has none.

    Only `<field>_cy` columns that are empty in the database are written, so Welsh typed in
    the admin is never replaced and the English is never touched. Written by an UPDATE, as
    loading writes raw: a criteria set a round uses gains its Welsh without being changed.
    Returns whether anything was written.
    """
    model = type(instance)
    names = [f"{field}_{WELSH}" for field in translated_fields(model)]
    if not names:
        return False
    stored = model._base_manager.filter(pk=instance.pk).values(*names).get()
    missing = {
        name: getattr(instance, name)
        for name in names
        if is_empty(stored[name]) and not is_empty(getattr(instance, name))
    }
    if missing:
        model._base_manager.filter(pk=instance.pk).update(**missing)
    return bool(missing)


def load_fixture_files(names: list[str]) -> LoadResult:
    """Create every fixture object whose primary key is not in the database yet.

    Objects already present are left as they are, so running the load twice changes nothing
    and never undoes an edit made in the admin, with one exception: where a present record's
    Welsh (`<field>_cy`) is empty and the fixture has Welsh for it, the Welsh is filled in, so
    a database loaded before the fixtures were bilingual gains its Welsh. Loads in English,
    the default language, so that a fixture's `name` is the English `name_en` whatever
    language is active. Runs in one transaction.
    """
    result = LoadResult()
    models = set()
    with transaction.atomic(), translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE):
        for name in names:
            with open(FIXTURES_DIR / name, encoding="utf-8") as stream:
                for deserialized in serializers.deserialize("yaml", stream):
                    instance = deserialized.object
                    model = type(instance)
                    models.add(model)
                    if model._base_manager.filter(pk=instance.pk).exists():
                        result.already_present += 1
                        result.welsh_filled += fill_missing_welsh(instance)
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
