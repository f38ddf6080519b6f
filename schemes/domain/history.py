"""An application's history as people read it: who changed what, from what, to what, when."""

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from schemes.models import Answer, Attachment, BudgetLine, OtherFunding

# Bookkeeping fields nobody needs to see in a history.
IGNORED_FIELDS = {"version", "updated_at", "created_at"}


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    who: str
    what: str
    old: str
    new: str


def _who(record):
    user = record.history_user
    return user.full_name or user.email if user else _("The system")


def _value(record, field_name):
    field = record.instance._meta.get_field(field_name)
    value = getattr(record, field.attname)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value or ""))
    if field.is_relation and value is not None:
        related = getattr(record, field.name, None)
        return str(related) if related is not None else str(value)
    return "" if value is None else str(value)


def _change_values(record, previous, change):
    field = record.instance._meta.get_field(change.field)
    if field.many_to_many:
        # simple-history gives many-to-many changes as lists of through-table rows.
        target = field.m2m_reverse_field_name()
        labels = {obj.pk: str(obj) for obj in field.related_model.objects.all()}

        def describe_rows(rows):
            return "\n".join(labels.get(row[target], str(row[target])) for row in rows)

        return describe_rows(change.old), describe_rows(change.new)
    return _value(previous, change.field), _value(record, change.field)


def _diffs(records, describe):
    """Turn one object's historical records (oldest first) into field-level entries."""
    entries = []
    previous = None
    for record in records:
        if record.history_type == "+":
            added = getattr(record, "text", None) or _("Added")
            entries.append(
                HistoryEntry(record.history_date, _who(record), describe(record, None), "", added)
            )
        elif record.history_type == "-":
            entries.append(
                HistoryEntry(
                    record.history_date, _who(record), describe(record, None), _("Removed"), ""
                )
            )
        elif previous is not None:
            delta = record.diff_against(previous)
            for change in delta.changes:
                if change.field in IGNORED_FIELDS:
                    continue
                old, new = _change_values(record, previous, change)
                entries.append(
                    HistoryEntry(
                        record.history_date, _who(record), describe(record, change.field), old, new
                    )
                )
        previous = record
    return entries


def _grouped(history_queryset):
    groups = {}
    for record in history_queryset.order_by("history_date", "history_id"):
        groups.setdefault(record.id, []).append(record)
    return groups.values()


def application_history(application):
    """Return every recorded change to an application and its parts, newest first."""

    def application_field(record, field):
        if field is None:
            return str(_("Application"))
        return str(record.instance._meta.get_field(field).verbose_name).capitalize()

    def answer_field(record, field):
        return str(_("Answer: %(question)s")) % {"question": record.question.label[:80]}

    def line_field(record, field):
        name = record.description
        if field is None:
            return str(_("Budget line: %(line)s")) % {"line": name}
        label = record.instance._meta.get_field(field).verbose_name
        return str(_("Budget line %(line)s: %(field)s")) % {"line": name, "field": label}

    def funding_field(record, field):
        name = record.source
        if field is None:
            return str(_("Other funding: %(source)s")) % {"source": name}
        label = record.instance._meta.get_field(field).verbose_name
        return str(_("Other funding %(source)s: %(field)s")) % {"source": name, "field": label}

    def attachment_field(record, field):
        return str(_("Attachment (%(kind)s): %(name)s")) % {
            "kind": record.get_kind_display(),
            "name": record.original_name,
        }

    entries = _diffs(
        application.history.select_related("history_user").order_by("history_date", "history_id"),
        application_field,
    )
    for model, describe in (
        (Answer, answer_field),
        (BudgetLine, line_field),
        (OtherFunding, funding_field),
        (Attachment, attachment_field),
    ):
        records = model.history.filter(application_id=application.pk).select_related("history_user")
        if model is Answer:
            records = records.select_related("question")
        for group in _grouped(records):
            entries.extend(_diffs(group, describe))
    return sorted(entries, key=lambda entry: entry.at, reverse=True)
