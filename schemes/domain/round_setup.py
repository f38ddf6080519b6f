"""Setting up a round: create, copy, change its details, set its indicative shares.

Opening and closing are moves of state and belong to `schemes.domain.rounds.round_transition`.
Every function here checks the acting user's permission, runs in one transaction, refuses
with `Refused` (changing nothing, its `errors` by round field, None for the round as a whole),
records the acting user in the round's history and writes one audit event.
The rules a round's details must keep are in one place, `round_problems`, which forms call
to put each message next to its field and these functions call again before writing.
A round's `name` and `declaration` are given in English, `name_cy` and `declaration_cy` in
Welsh; they are written to their own language's columns whatever language is active.
"""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pacesetter.audit import audit_record
from pacesetter.enums import AuditAction
from pacesetter.money import format_pounds
from pacesetter.permissions import can
from pacesetter.transitions import Refused
from schemes.domain.rounds import ROUND_TRANSITIONS, round_transition
from schemes.domain.translation_status import round_untranslated, round_untranslated_message
from schemes.enums import RoundState
from schemes.models import IndicativeShare, Round

# A round's details may change while it is a draft or open; after that they are the record.
EDITABLE_STATES = (RoundState.DRAFT, RoundState.OPEN)
# What applicants answer, what reviewers score and the code in application references are
# fixed once the round is open.
DRAFT_ONLY_FIELDS = {
    "code": _("The code can be changed only while the round is a draft"),
    "criteria_set": _("The criteria set can be changed only while the round is a draft"),
    "question_set": _("The question set can be changed only while the round is a draft"),
}


def refusal(problems):
    """A `Refused` for a change the rules do not allow.

    `problems` is a message, or maps a round field (None for the round as a whole) to one; the
    refusal's `errors` always map, and its message is the first problem.
    """
    if not isinstance(problems, dict):
        problems = {None: problems}
    return Refused(next(iter(problems.values())), errors=problems)


def shares_total(round):
    """The sum of a round's indicative shares, £0.00 when it has none (`Round.shares_total`)."""
    return round.shares_total()


def state_problem(round):
    """Why a round's details can no longer change, or None while they can."""
    if round.state in EDITABLE_STATES:
        return None
    return _("The round is %(state)s, so its details can no longer be changed.") % {
        "state": round.get_state_display().lower()
    }


def round_problems(*, round=None, **values):
    """Return {field: message} for every rule the given round details break.

    `round` is the round being changed (None for a new one). Only the details passed in are
    checked, so a form can leave out a field that already has an error of its own.
    """
    problems = {}
    others = Round.objects.all() if round is None else Round.objects.exclude(pk=round.pk)
    code = values.get("code")
    if code and others.filter(code__iexact=code).exists():
        problems["code"] = _("There is already a round with the code %(code)s") % {"code": code}
    for field, column, message in (
        ("name", "name_en", _("There is already a round called %(name)s")),
        ("name_cy", "name_cy", _("There is already a round called %(name)s in Welsh")),
    ):
        name = values.get(field)
        if name and others.filter(**{f"{column}__iexact": name}).exists():
            problems[field] = message % {"name": name}
    opens_at, closes_at = values.get("opens_at"), values.get("closes_at")
    if opens_at and closes_at and closes_at <= opens_at:
        problems["closes_at"] = _("The closing time must be after the opening time")
    earliest, latest = values.get("earliest_start_date"), values.get("latest_start_date")
    if earliest and latest and latest < earliest:
        problems["latest_start_date"] = _(
            "The latest scheme start date must be the same as or after the earliest"
        )
    if round is not None:
        for field, message in DRAFT_ONLY_FIELDS.items():
            changed = field in values and values[field] != getattr(round, field)
            if changed and round.state != RoundState.DRAFT:
                problems[field] = message
        if "envelope_total" in values:
            problem = shares_problem(
                envelope_total=values["envelope_total"], total=shares_total(round)
            )
            if problem:
                problems["envelope_total"] = problem
    return problems


def shares_problem(*, envelope_total, total):
    """Why shares adding up to `total` do not fit the envelope, or None if they do."""
    if not total:
        return None
    if envelope_total is None:
        return _(
            "Enter an envelope: the indicative shares add up to %(total)s, so the envelope "
            "must be at least that"
        ) % {"total": format_pounds(total)}
    if total > envelope_total:
        return _(
            "The indicative shares add up to %(total)s, which is more than the envelope "
            "of %(envelope)s"
        ) % {"total": format_pounds(total), "envelope": format_pounds(envelope_total)}
    return None


def refuse_unless_manager(acting_user, round=None):
    if not can(acting_user, "schemes.manage_round", round):
        raise PermissionDenied


def save_round(round, acting_user, reason=""):
    """Save a round as `acting_user`, turning a lost race for a unique code or name into a
    refusal."""
    round._history_user = acting_user
    if reason:
        round._change_reason = str(reason)
    try:
        with transaction.atomic():
            round.save()
    except IntegrityError as error:
        raise refusal(
            _("Another round with this code or name was saved while you were working")
        ) from error


def in_columns(details):
    """Round details with the English and Welsh texts under their own columns' names.

    An empty Welsh name is stored as NULL: names are unique in each language.
    """
    columns = {"name": "name_en", "declaration": "declaration_en"}
    stored = {columns.get(field, field): value for field, value in details.items()}
    if "name_cy" in stored:
        stored["name_cy"] = stored["name_cy"] or None
    return stored


def round_create(
    *,
    acting_user,
    code,
    name,
    opens_at,
    closes_at,
    criteria_set,
    question_set,
    frameworks=(),
    earliest_start_date=None,
    latest_start_date=None,
    max_duration_months=None,
    envelope_total=None,
    declaration=None,
    name_cy="",
    declaration_cy=None,
    copied_from=None,
):
    """Create a draft round; refuse with every problem if its details break a rule.

    `copied_from` is the round it copies, if any, named in the audit event. Without a
    declaration the model's default is used (in each language the catalogue has).
    """
    refuse_unless_manager(acting_user)
    details = {
        "code": code,
        "name": name,
        "name_cy": name_cy,
        "opens_at": opens_at,
        "closes_at": closes_at,
        "earliest_start_date": earliest_start_date,
        "latest_start_date": latest_start_date,
        "max_duration_months": max_duration_months,
        "envelope_total": envelope_total,
        "criteria_set": criteria_set,
        "question_set": question_set,
    }
    if declaration:
        details["declaration"] = declaration
    if declaration_cy is not None:
        details["declaration_cy"] = declaration_cy
    with transaction.atomic():
        problems = round_problems(**details)
        if problems:
            raise refusal(problems)
        round = Round(state=RoundState.DRAFT, **in_columns(details))
        save_round(round, acting_user, _("Round created"))
        round.frameworks.set(frameworks)
        audit_record(
            AuditAction.ROUND_CREATED,
            actor=acting_user,
            obj=round,
            to_state=round.state,
            details={"copied_from": copied_from.code} if copied_from is not None else None,
        )
    return round


def shift_years(day, years):
    """The same day `years` later (28 February for a 29th), or None if there is no such day."""
    if day is None or years is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        try:
            return day.replace(year=day.year + years, day=28)
        except ValueError:
            return None


def code_year(code):
    """The first year a round code names (2020 for 2020-22), or None if it names none."""
    first = code.split("-")[0]
    return int(first) if first.isdigit() else None


def years_between(source_code, code):
    first, then = code_year(source_code), code_year(code)
    return None if first is None or then is None else then - first


def copy_suggestion(source):
    """Suggest the code, name and times of the round after `source`.

    The next round starts where the source's code ends (2020-22 -> 2022-24) and its times
    move by the same number of years. A code that names no years suggests nothing.
    """
    first = code_year(source.code)
    parts = source.code.split("-")
    if first is None or len(parts) != 2 or not parts[1].isdigit() or len(parts[1]) != 2:
        return {}
    last = first - first % 100 + int(parts[1])
    if last < first:
        last += 100
    span = max(last - first, 1)
    code = f"{first + span}-{(last + span) % 100:02d}"
    names = {
        field: name.replace(source.code, code) if name and source.code in name else ""
        for field, name in (("name", source.name_en), ("name_cy", source.name_cy))
    }
    return {
        "code": code,
        **names,
        "opens_at": shift_years(timezone.localtime(source.opens_at), span),
        "closes_at": shift_years(timezone.localtime(source.closes_at), span),
    }


def round_copy(*, source, acting_user, code, name, opens_at, closes_at, name_cy=""):
    """Create a draft round like `source` with a new code, names and times.

    Copies the criteria set, question set, tick-matrix frameworks, maximum duration, envelope,
    indicative shares and declaration (in both languages). The scheme start window moves by
    the years between the two codes (blank if a code names no year). The panel chair is not
    copied: each round's panel is chosen afresh.
    """
    refuse_unless_manager(acting_user)
    years = years_between(source.code, code)
    with transaction.atomic():
        round = round_create(
            acting_user=acting_user,
            code=code,
            name=name,
            opens_at=opens_at,
            closes_at=closes_at,
            criteria_set=source.criteria_set,
            question_set=source.question_set,
            frameworks=list(source.frameworks.all()),
            earliest_start_date=shift_years(source.earliest_start_date, years),
            latest_start_date=shift_years(source.latest_start_date, years),
            max_duration_months=source.max_duration_months,
            envelope_total=source.envelope_total,
            declaration=source.declaration_en,
            declaration_cy=source.declaration_cy or "",
            name_cy=name_cy,
            copied_from=source,
        )
        IndicativeShare.objects.bulk_create(
            IndicativeShare(round=round, organisation_id=share.organisation_id, amount=share.amount)
            for share in source.indicative_shares.all()
        )
    return round


def round_update(
    *,
    round,
    acting_user,
    code,
    name,
    opens_at,
    closes_at,
    criteria_set,
    question_set,
    frameworks,
    earliest_start_date,
    latest_start_date,
    max_duration_months,
    envelope_total,
    declaration,
    name_cy=None,
    declaration_cy=None,
):
    """Change a draft or open round's details.

    The code, criteria set and question set change only while the round is a draft. A Welsh
    text left out (None) stays as it is. The audit event names the fields that changed as the
    form does ("name", "name_cy"), not by their columns.
    """
    refuse_unless_manager(acting_user, round)
    details = {
        "code": code,
        "name": name,
        "name_cy": name_cy,
        "opens_at": opens_at,
        "closes_at": closes_at,
        "earliest_start_date": earliest_start_date,
        "latest_start_date": latest_start_date,
        "max_duration_months": max_duration_months,
        "envelope_total": envelope_total,
        "criteria_set": criteria_set,
        "question_set": question_set,
        "declaration": declaration,
        "declaration_cy": declaration_cy,
    }
    with transaction.atomic():
        current = Round.objects.select_for_update().get(pk=round.pk)
        for welsh in ("name_cy", "declaration_cy"):
            if details[welsh] is None:
                details[welsh] = getattr(current, welsh) or ""
        refused = state_problem(current)
        if refused:
            raise refusal(refused)
        problems = round_problems(round=current, **details)
        if problems:
            raise refusal(problems)
        columns = in_columns(details)
        named = dict(zip(columns, details, strict=True))
        changed = [
            named[column] for column, value in columns.items() if getattr(current, column) != value
        ]
        for field, value in columns.items():
            setattr(current, field, value)
        save_round(current, acting_user, _("Round details changed"))
        frameworks_before = set(current.frameworks.values_list("pk", flat=True))
        current.frameworks.set(frameworks)
        if set(current.frameworks.values_list("pk", flat=True)) != frameworks_before:
            changed.append("frameworks")
        audit_record(
            AuditAction.ROUND_CHANGED,
            actor=acting_user,
            obj=current,
            details={"changed": changed},
        )
    return current


def round_set_shares(*, round, acting_user, amounts):
    """Replace a draft or open round's indicative shares.

    `amounts` maps an organisation to its share; None (or leaving an organisation out)
    means no share. Refuses shares adding up to more than the envelope.
    """
    refuse_unless_manager(acting_user, round)
    amounts = {org: amount for org, amount in amounts.items() if amount is not None}
    with transaction.atomic():
        current = Round.objects.select_for_update().get(pk=round.pk)
        refused = state_problem(current)
        if refused:
            raise refusal(refused)
        problem = shares_problem(envelope_total=current.envelope_total, total=sum(amounts.values()))
        if problem:
            raise refusal(problem)
        current.indicative_shares.all().delete()
        IndicativeShare.objects.bulk_create(
            IndicativeShare(round=current, organisation=org, amount=amount)
            for org, amount in amounts.items()
        )
        # The shares have no history of their own; the round's records who changed them.
        save_round(current, acting_user, _("Indicative shares changed"))
        audit_record(
            AuditAction.ROUND_CHANGED,
            actor=acting_user,
            obj=current,
            reason=_("Indicative shares changed"),
            details={
                "shares": {
                    org.code: str(amount)
                    for org, amount in sorted(amounts.items(), key=lambda item: item[0].code)
                }
            },
        )
    return current


def move_problem(round, to, now=None):
    """Why `round` cannot move to state `to` now, or None if it can.

    `round_transition` has the final word; this lets a page say so before anyone presses
    the button, and keeps a round from opening after its closing time.
    """
    now = now or timezone.now()
    if (round.state, to) not in ROUND_TRANSITIONS:
        return _("The round is %(state)s, so it cannot be moved to %(to)s.") % {
            "state": round.get_state_display().lower(),
            "to": RoundState(to).label.lower(),
        }
    if to == RoundState.OPEN and round.closes_at <= now:
        return _("The round’s closing time has passed. Change it before opening the round.")
    if to == RoundState.OPEN:
        return round_untranslated_message(round_untranslated(round))
    return None


def round_open(round, *, acting_user, now=None):
    """Open a round through `round_transition`, unless its closing time has already passed."""
    now = now or timezone.now()
    if round.state == RoundState.DRAFT and round.closes_at <= now:
        raise Refused(move_problem(round, RoundState.OPEN, now))
    return round_transition(round, to=RoundState.OPEN, acting_user=acting_user, now=now)


def round_close(round, *, acting_user, now=None):
    """Close a round through `round_transition` (its closing time comes forward to now)."""
    return round_transition(round, to=RoundState.CLOSED, acting_user=acting_user, now=now)


__all__ = [
    "EDITABLE_STATES",
    "copy_suggestion",
    "move_problem",
    "round_close",
    "round_copy",
    "round_create",
    "round_open",
    "round_problems",
    "round_set_shares",
    "round_update",
    "shares_problem",
    "state_problem",
]
