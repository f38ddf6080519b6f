"""Read the one audit trail: events as rows people read, the log's filters, and its CSV.

`audit_rows` is the one place an `AuditEvent` becomes what the timelines and the portal-wide
log show; the CSV download writes the same rows, each cell made safe for spreadsheets.
"""

import csv
import datetime
import json
from dataclasses import dataclass
from functools import cache

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pacesetter.enums import AuditAction
from pacesetter.models import AuditEvent, User
from pacesetter.paging import choice, search_term
from pacesetter.spreadsheets import spreadsheet_safe

# Dates the log can be filtered by: wide enough for any event, narrow enough for any database.
EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2999, 12, 31)
DATE_FORMATS = ["%d/%m/%Y", "%d %m %Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]


@dataclass(frozen=True)
class AuditRow:
    """One audit event as people read it: names and labels, not ids and codes."""

    event: AuditEvent
    at: datetime.datetime
    actor: str
    action: str
    kind: str
    record: str
    record_url: str
    from_state: str
    to_state: str
    reason: str
    details: list[tuple[str, str]]


@cache
def state_labels(model):
    """Return {code: label} of every choice field of `model`, for showing from and to."""
    labels = {}
    for field in model._meta.concrete_fields:
        for value, label in field.flatchoices or ():
            labels.setdefault(str(value), label)
    return labels


def state_label(model, code):
    """Return the label of the state `code` of a `model` record, or the code if unknown."""
    if not code or model is None:
        return code
    return str(state_labels(model).get(code, code))


def kind_label(content_type):
    """Return what kind of record a content type is, in the users' words."""
    if content_type is None:
        return ""
    model = content_type.model_class()
    return capfirst(model._meta.verbose_name) if model else capfirst(content_type.model)


def actor_name(actor):
    if actor is None:
        return gettext("The portal")
    return actor.full_name or actor.email


def detail_value(value):
    """Return one structured detail as a line of text."""
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if value is None:
        return "–"
    if isinstance(value, list):
        return ", ".join(detail_value(each) for each in value)
    if isinstance(value, dict):
        return "; ".join(f"{detail_label(key)}: {detail_value(v)}" for key, v in value.items())
    return str(value)


def detail_label(key):
    return capfirst(str(key).replace("_", " "))


def detail_lines(details):
    """Return an event's details as (label, value) lines, ordered by key.

    By key, not as recorded: PostgreSQL's JSON column keeps keys in an order of its own.
    """
    if not isinstance(details, dict):
        return [("", detail_value(details))] if details not in (None, "", []) else []
    return [(detail_label(key), detail_value(details[key])) for key in sorted(details)]


def record_urls(events):
    """Return {(content type id, object id): address} for the events' records that have a page.

    One query per kind of record among `events`, however many events there are; a record
    deleted since has no address.
    """
    wanted = {}
    for event in events:
        if event.content_type_id and event.object_id:
            wanted.setdefault(event.content_type, set()).add(event.object_id)
    urls = {}
    for content_type, object_ids in wanted.items():
        model = content_type.model_class()
        if model is None or not hasattr(model, "get_absolute_url"):
            continue
        try:
            records = model._base_manager.in_bulk(object_ids)
        except (ValueError, TypeError):
            continue
        for pk, record in records.items():
            urls[(content_type.pk, str(pk))] = record.get_absolute_url()
    return urls


def audit_rows(events, *, links=True):
    """Return `events` (with actor and content type selected) as rows people read.

    With `links`, each row has the address of its record's page, where it has one.
    """
    events = list(events)
    urls = record_urls(events) if links else {}
    rows = []
    for event in events:
        model = event.content_type.model_class() if event.content_type else None
        rows.append(
            AuditRow(
                event=event,
                at=event.at,
                actor=actor_name(event.actor),
                action=str(event.action_label),
                kind=kind_label(event.content_type),
                record=event.object_label,
                record_url=urls.get((event.content_type_id, event.object_id), ""),
                from_state=state_label(model, event.from_state),
                to_state=state_label(model, event.to_state),
                reason=event.reason,
                details=detail_lines(event.details),
            )
        )
    return rows


def events_for_reading(events):
    """The events with what `audit_rows` needs, newest first."""
    return events.select_related("actor", "content_type").order_by("-at", "-pk")


# The portal-wide log's filters ---------------------------------------------------------------


def kind_key(content_type):
    return f"{content_type.app_label}.{content_type.model}"


class AuditLogFilterForm(forms.Form):
    """The audit log's filters, from the query string.

    A person, kind or action that is not on offer is ignored, as on the other lists; a date
    that is not a real date is an error shown next to its field, and filters nothing.
    """

    actor = forms.ChoiceField(label=_("Person"), required=False)
    kind = forms.ChoiceField(label=_("Kind of record"), required=False)
    action = forms.ChoiceField(label=_("Action"), required=False)
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        input_formats=DATE_FORMATS,
        help_text=_("For example, 27/3/2027"),
        error_messages={"invalid": _("Enter the ‘from’ date as a real date, like 27/3/2027")},
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        input_formats=DATE_FORMATS,
        help_text=_("For example, 31/3/2027"),
        error_messages={"invalid": _("Enter the ‘to’ date as a real date, like 31/3/2027")},
    )
    search = forms.CharField(label=_("Search records"), required=False)

    def __init__(self, query):
        actors = User.objects.filter(
            pk__in=AuditEvent.objects.filter(actor__isnull=False).order_by().values("actor")
        ).order_by("full_name", "email")
        self.kinds = {
            kind_key(content_type): content_type
            for content_type in ContentType.objects.filter(
                pk__in=AuditEvent.objects.filter(content_type__isnull=False)
                .order_by()
                .values("content_type")
            )
        }
        actor_choices = [(str(user.pk), f"{actor_name(user)} ({user.email})") for user in actors]
        kind_choices = sorted(
            ((key, kind_label(content_type)) for key, content_type in self.kinds.items()),
            key=lambda pair: str(pair[1]),
        )
        selects = {
            "actor": actor_choices,
            "kind": kind_choices,
            "action": list(AuditAction.choices),
        }
        data = {name: query.get(name, "") for name in self.base_fields}
        for name, choices in selects.items():
            data[name] = choice(data[name], {value for value, _label in choices})
        data["search"] = search_term(data["search"])
        data["date_from"] = search_term(data["date_from"])
        data["date_to"] = search_term(data["date_to"])
        super().__init__(data)
        for name, choices in selects.items():
            self.fields[name].choices = choices

    def clean_date_from(self):
        return self.in_range(self.cleaned_data.get("date_from"))

    def clean_date_to(self):
        return self.in_range(self.cleaned_data.get("date_to"))

    @staticmethod
    def in_range(date):
        if date is not None and not EARLIEST_DATE <= date <= LATEST_DATE:
            raise forms.ValidationError(
                _("Enter a date between 1900 and 2999"), code="out_of_range"
            )
        return date

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_to < date_from:
            self.add_error(
                "date_to", _("The ‘to’ date must be the same as or after the ‘from’ date")
            )
        return cleaned

    def value(self, name):
        """The filter `name` as it is applied: empty if it was not given or is in error."""
        self.is_valid()
        return self.cleaned_data.get(name)

    def params(self):
        """The filters applied, as query-string values, for paging and the CSV link."""
        params = {}
        for name in self.base_fields:
            value = self.value(name)
            if isinstance(value, datetime.date):
                value = value.strftime("%d/%m/%Y")
            params[name] = value or ""
        return params

    def filtered(self, events):
        """Return `events` narrowed by every filter given without error."""
        conditions = Q()
        if actor := self.value("actor"):
            conditions &= Q(actor_id=actor)
        if kind := self.value("kind"):
            conditions &= Q(content_type=self.kinds[kind])
        if action := self.value("action"):
            conditions &= Q(action=action)
        if date_from := self.value("date_from"):
            conditions &= Q(at__gte=start_of(date_from))
        if (date_to := self.value("date_to")) and date_to < LATEST_DATE:
            conditions &= Q(at__lt=start_of(date_to + datetime.timedelta(days=1)))
        if search := self.value("search"):
            conditions &= Q(object_label__icontains=search)
        return events.filter(conditions)

    @property
    def filtering(self):
        return any(self.params().values())


def start_of(date):
    """The first moment of `date` in the portal's time zone."""
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time.min))


# The CSV download ----------------------------------------------------------------------------


def csv_header():
    return [
        gettext("When"),
        gettext("Who"),
        gettext("Email address"),
        gettext("Action"),
        gettext("Kind of record"),
        gettext("Record"),
        gettext("Record id"),
        gettext("From"),
        gettext("To"),
        gettext("Reason"),
        gettext("Details"),
    ]


def csv_cells(row):
    """Return one row of the CSV download for an `AuditRow`."""
    event = row.event
    return [
        timezone.localtime(event.at).isoformat(timespec="seconds"),
        row.actor,
        event.actor.email if event.actor else "",
        row.action,
        row.kind,
        row.record,
        event.object_id,
        row.from_state,
        row.to_state,
        row.reason,
        json.dumps(event.details, ensure_ascii=False, sort_keys=True) if event.details else "",
    ]


class Echo:
    """A file that hands back what is written to it, for streaming CSV lines."""

    def write(self, value):
        return value


# Events read from the database at a time while the CSV streams.
CSV_CHUNK = 500


def csv_lines(events):
    """Yield the CSV download of `events` line by line, every cell spreadsheet-safe.

    Starts with a byte order mark so that Excel reads Welsh letters.
    """
    writer = csv.writer(Echo())
    yield "\ufeff" + writer.writerow([spreadsheet_safe(cell) for cell in csv_header()])
    chunk = []
    for event in events.iterator(chunk_size=CSV_CHUNK):
        chunk.append(event)
        if len(chunk) == CSV_CHUNK:
            yield from csv_chunk(writer, chunk)
            chunk = []
    yield from csv_chunk(writer, chunk)


def csv_chunk(writer, events):
    for row in audit_rows(events, links=False):
        yield writer.writerow([spreadsheet_safe(cell) for cell in csv_cells(row)])
