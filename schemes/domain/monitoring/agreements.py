"""Delivery agreements: set up from an approved application, agreed, then varied.

A programme manager sets up the agreement of an APPROVED application
(`agreement_create_from_application`): its milestones come from the application's key
stages, its budget profile from the application's budget scaled to the approved amount, and
its reporting periods from its dates. While it is a draft the manager changes it
(`agreement_update`, `measure_add` / `measure_change` / `measure_remove`), each save claiming
the agreement's version; then sends it for acceptance, and the board's lead accepts it. After
acceptance it changes only by an approved variation.

Every function here is keyword-only, runs in one transaction and writes one audit event.
"""

import datetime
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pacesetter.audit import audit_record
from pacesetter.enums import AuditAction
from pacesetter.money import PENNY, format_pounds
from pacesetter.permissions import can
from pacesetter.transitions import Move, Refused, transition
from schemes.budget import budget_totals
from schemes.domain.monitoring.common import (
    NOTHING_SAVED,
    as_number,
    board_leads,
    claim_version,
    mail_people,
    money_or_error,
)
from schemes.domain.monitoring.periods import add_months, end_of_month, sync_periods
from schemes.enums import (
    AgreementStatus,
    ApplicationStatus,
    BudgetCategory,
    CollectionFrequency,
    MeasureKind,
    VariationStatus,
)
from schemes.models import (
    Answer,
    Application,
    BudgetProfileLine,
    DeliveryAgreement,
    Measure,
    Milestone,
    Variation,
)
from schemes.models.monitoring import (
    LONG_TEXT,
    SHORT_TEXT,
    VALUE_LENGTH,
    financial_year_label,
    financial_year_of,
)

A = AgreementStatus
V = VariationStatus

AGREEMENT_TRANSITIONS = {
    (A.DRAFT, A.AWAITING_ACCEPTANCE): Move("schemes.manage_agreement", AuditAction.AGREEMENT_SENT),
    # The manager takes it back, or the lead asks for a change before accepting.
    (A.AWAITING_ACCEPTANCE, A.DRAFT): Move(
        "schemes.view_agreement", AuditAction.AGREEMENT_REOPENED
    ),
    (A.AWAITING_ACCEPTANCE, A.ACCEPTED): Move(
        "schemes.accept_agreement", AuditAction.AGREEMENT_ACCEPTED
    ),
}

VARIATION_TRANSITIONS = {
    (V.PROPOSED, V.APPROVED): Move(
        "schemes.decide_variation", AuditAction.VARIATION_APPROVED, subject=lambda v: v.agreement
    ),
    (V.PROPOSED, V.REFUSED): Move(
        "schemes.decide_variation", AuditAction.VARIATION_REFUSED, subject=lambda v: v.agreement
    ),
}

NOT_APPROVED = gettext_lazy("Only an approved application can have a delivery agreement.")
ALREADY_SET_UP = gettext_lazy("This application already has a delivery agreement.")
NO_BUDGET = gettext_lazy(
    "The application’s budget has no costs, so there is no budget profile to set up."
)
NOT_DRAFT = gettext_lazy(
    "This delivery agreement has been sent for acceptance or accepted, so it cannot be "
    "changed here. After acceptance, propose a variation."
)
NOT_ACCEPTED = gettext_lazy("Only an accepted delivery agreement can be varied.")
NEEDS_MEASURES = gettext_lazy(
    "Add at least one outcome measure and at least one balancing measure before the "
    "agreement is accepted."
)
NEEDS_MILESTONES = gettext_lazy("Add at least one milestone.")
AGREEMENT_CHANGED = gettext_lazy("This delivery agreement changed while you were working on it.")
VARIATION_DECIDED = gettext_lazy("This variation has already been approved or refused.")


# ---------------------------------------------------------------------------------------
# The budget profile


@dataclass(frozen=True)
class ProfileLine:
    financial_year: int
    category: str
    approved_amount: Decimal


def budget_by_year_and_category(totals, first_financial_year):
    """{(financial year, category): amount} from `budget_totals`: budget year 1 is the first."""
    amounts = {}
    for year in totals.years:
        financial_year = first_financial_year + year.year - 1
        for entry in year.lines:
            key = (financial_year, entry.line.category)
            amounts[key] = amounts.get(key, Decimal("0.00")) + entry.amount
    return {key: amount for key, amount in amounts.items() if amount > 0}


def scale_to_approved(amounts, approved):
    """Scale `amounts` ({key: pounds}) so they sum to exactly `approved`; return {key: pounds}.

    Every amount is multiplied by approved / requested and rounded half up to the penny;
    what rounding leaves over (a few pence either way) goes on the largest line (the first
    of equals in key order), so the profile sums exactly to the approved amount. With
    approved amounts of pounds rather than pence the largest line stays positive.
    """
    requested = sum(amounts.values(), Decimal("0.00"))
    if requested <= 0:
        raise Refused(NO_BUDGET)
    ordered = sorted(amounts)
    scaled = {
        key: (amounts[key] * approved / requested).quantize(PENNY, rounding=ROUND_HALF_UP)
        for key in ordered
    }
    remainder = approved - sum(scaled.values(), Decimal("0.00"))
    if remainder:
        largest = max(ordered, key=lambda key: (scaled[key], -ordered.index(key)))
        scaled[largest] += remainder
    return scaled


def budget_profile(application, first_financial_year):
    """The approved budget profile of `application`, as ProfileLines in year, category order."""
    totals = budget_totals(application.budget_lines.all(), application.other_funding.all())
    scaled = scale_to_approved(
        budget_by_year_and_category(totals, first_financial_year),
        application.decision.approved_amount,
    )
    return [ProfileLine(year, category, amount) for (year, category), amount in scaled.items()]


def profile_problems(profile, approved):
    """What is wrong with a profile {(financial year, category): amount}, as messages."""
    problems = []
    total = Decimal("0.00")
    for (year, category), value in profile.items():
        amount, error = money_or_error(value)
        label = f"{financial_year_label(year)} {BudgetCategory(category).label}"
        if error:
            problems.append(f"{label}: {error}")
            continue
        total += amount
    if not problems and total != approved:
        problems.append(
            _("The budget profile adds up to %(total)s but the approved amount is %(approved)s.")
            % {"total": format_pounds(total), "approved": format_pounds(approved)}
        )
    return problems


def write_profile(agreement, profile, acting_user):
    """Replace the agreement's profile lines with `profile` {(year, category): amount}."""
    agreement.profile_lines.all().delete()
    for (year, category), value in sorted(profile.items()):
        amount, _error = money_or_error(value)
        line = BudgetProfileLine(
            agreement=agreement, financial_year=year, category=category, approved_amount=amount
        )
        line._history_user = acting_user
        line.save()


# ---------------------------------------------------------------------------------------
# Milestones from the application's key stages

MONTH_NAMES = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
MONTH = r"(january|february|march|april|may|june|july|august|september|october|november|december)"
DATE_RANGE = re.compile(rf"^(?:{MONTH}(?:\s+(\d{{4}}))?\s*[–-]\s*)?{MONTH}\s+(\d{{4}})", re.I)
STAGE = re.compile(r"^(stage\s+\d+)\s*:\s*(.*?)\s*(?::\s*(.*))?$", re.I)
YEAR = re.compile(r"^(year\s+\d+)\s*:\s*(.*)$", re.I)
BULLET = "•"


@dataclass(frozen=True)
class KeyStage:
    """A milestone read from the key stages: its title and due date (None: none was given)."""

    title: str
    due_date: datetime.date | None


def range_end(text):
    """The last day of the date range `text` starts with ("January – March 2018"), or None."""
    match = DATE_RANGE.match(text.strip())
    if match is None:
        return None
    month, year = match.group(3), int(match.group(4))
    return end_of_month(year, MONTH_NAMES.index(month.lower()) + 1)


def milestones_from_key_stages(text):
    """Read milestones from an answer about key stages and their timescales.

    "Stage N : title : dates – ..." lines are milestones due at the end of their dates; a
    stage without dates followed by "Year N : dates" lines gives one milestone per year; a
    stage with no dates at all has none. Without any "Stage" line, each line (bullets
    included) is a milestone with no date. Titles are cut to 300 characters.
    """
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    stages = []
    current = None  # (title, had its own date or years)

    def close(stage):
        if stage is not None and not stage[1]:
            stages.append(KeyStage(stage[0], None))

    for line in lines:
        stage = STAGE.match(line)
        if stage:
            close(current)
            title = f"{stage.group(1).capitalize()}: {stage.group(2)}".strip().rstrip(":")
            due = range_end(stage.group(3) or "")
            if due is not None:
                stages.append(KeyStage(title[:300], due))
            current = (title, due is not None)
            continue
        year = YEAR.match(line)
        if year and current is not None and (not current[1] or current[1] == "years"):
            due = range_end(year.group(2))
            if due is not None:
                stages.append(KeyStage(f"{current[0]} – {year.group(1)}"[:300], due))
                current = (current[0], "years")
    close(current)
    if stages or any(STAGE.match(line) for line in lines):
        return stages
    return [KeyStage(line.removeprefix(BULLET).strip()[:300], None) for line in lines]


def key_stages_answer(application):
    """The application's answer to its form's key-stages question ("stage" in its label)."""
    answer = (
        Answer.objects.filter(application=application, question__label__icontains="stage")
        .order_by("question__section__number", "question__number")
        .first()
    )
    return answer.text if answer else ""


# ---------------------------------------------------------------------------------------
# The agreement


def default_dates(application):
    """(start, end) for a new agreement: the application's start and duration."""
    start = application.start_date or application.decision.decided_on
    months = application.duration_months or 12
    return start, add_months(start, months) - datetime.timedelta(days=1)


def _mail_agreement_sent(agreement):
    try:
        url = reverse("schemes:agreement_detail", args=[agreement.application.reference])
    except NoReverseMatch:  # the pages come later; the mail still says what to do
        url = ""
    mail_people(
        board_leads(agreement.application.organisation_id),
        "schemes/email/agreement_sent",
        {
            "reference": agreement.application.reference,
            "title": agreement.application.title,
            "url": url,
        },
    )


def agreement_create_from_application(
    *, application, acting_user, start_date=None, end_date=None, report_due_days=None
):
    """Set up the draft delivery agreement of an approved application; return it.

    The approved amount and conditions come from the decision; milestones from the key
    stages (`milestones_from_key_stages`; a stage without a date is due at the end date);
    the budget profile from `budget_profile`; the reporting periods from the dates
    (`periods.sync_periods`). Raises PermissionDenied for anyone but a programme manager,
    and Refused if the application is not approved, already has an agreement, or has no
    costs. Writes AGREEMENT_CREATED.
    """
    if not can(acting_user, "schemes.manage_agreement"):
        raise PermissionDenied
    with transaction.atomic():
        current = (
            Application.objects.select_related("decision", "round")
            .prefetch_related("budget_lines", "other_funding")
            .get(pk=application.pk)
        )
        if current.status != ApplicationStatus.APPROVED:
            raise Refused(NOT_APPROVED)
        if DeliveryAgreement.objects.filter(application=current).exists():
            raise Refused(ALREADY_SET_UP)
        default_start, default_end = default_dates(current)
        start, end = start_date or default_start, end_date or default_end
        errors = date_problems(start, end)
        if report_due_days is not None and not 1 <= report_due_days <= 90:
            errors["report_due_days"] = _("Enter a number of days from 1 to 90")
        if errors:
            raise Refused(NOTHING_SAVED, errors=errors)
        profile = budget_profile(current, financial_year_of(start))
        agreement = DeliveryAgreement(
            application=current,
            conditions=current.decision.conditions,
            start_date=start,
            end_date=end,
            created_by=acting_user,
        )
        if report_due_days is not None:
            agreement.report_due_days = report_due_days
        agreement._history_user = acting_user
        agreement.save()
        write_profile(
            agreement,
            {(line.financial_year, line.category): line.approved_amount for line in profile},
            acting_user,
        )
        stages = milestones_from_key_stages(key_stages_answer(current))
        for order, stage in enumerate(stages, start=1):
            milestone = Milestone(
                agreement=agreement,
                order=order,
                title=stage.title,
                due_date=stage.due_date or end,
            )
            milestone._history_user = acting_user
            milestone.save()
        sync_periods(agreement)
        audit_record(
            AuditAction.AGREEMENT_CREATED,
            actor=acting_user,
            obj=agreement,
            to_state=agreement.status,
            details={
                "approved_amount": str(current.decision.approved_amount),
                "start_date": start.isoformat(),
                "end_date": end.isoformat(),
                "milestones": len(stages),
                "profile_lines": len(profile),
            },
        )
    return agreement


def date_problems(start, end):
    errors = {}
    if start is None:
        errors["start_date"] = _("Enter the start date")
    if end is None:
        errors["end_date"] = _("Enter the end date")
    if start and end and end < start:
        errors["end_date"] = _("The end date must be on or after the start date")
    return errors


@dataclass(frozen=True)
class MilestoneInput:
    """A milestone as a form gives it; `pk` None for a new one."""

    title: str
    due_date: datetime.date | None
    pk: int | None = None


def milestone_problems(milestones):
    errors = {}
    for index, milestone in enumerate(milestones):
        title = (milestone.title or "").strip()
        if not title:
            errors[f"milestones-{index}-title"] = _("Enter the milestone")
        elif len(title) > 300:
            errors[f"milestones-{index}-title"] = _("Enter a milestone of 300 characters or fewer")
        if milestone.due_date is None:
            errors[f"milestones-{index}-due_date"] = _("Enter the milestone’s due date")
    return errors


def agreement_update(
    agreement,
    *,
    expected_version,
    acting_user,
    conditions=None,
    start_date=None,
    end_date=None,
    report_due_days=None,
    variance_threshold=None,
    milestones=None,
    profile=None,
):
    """Change a draft agreement: any of its details, its milestones or its budget profile.

    Only what is given changes. `milestones` (a list of MilestoneInput, in order) replaces
    the milestones: a listed pk keeps its row, an unlisted one is deleted. `profile`
    ({(financial year, category): amount}) replaces the profile and must sum exactly to the
    approved amount. Claims the version (a stale page is refused with STALE_EDIT); refuses
    unless the agreement is a draft (NOT_DRAFT) and, with `errors` by field, bad input.
    Writes AGREEMENT_CHANGED naming the fields changed.
    """
    if not can(acting_user, "schemes.manage_agreement", agreement):
        raise PermissionDenied
    errors = {}
    if conditions is not None and len(conditions) > LONG_TEXT:
        errors["conditions"] = _("Enter conditions of %(limit)s characters or fewer") % {
            "limit": f"{LONG_TEXT:,}"
        }
    if report_due_days is not None and not 1 <= report_due_days <= 90:
        errors["report_due_days"] = _("Enter a number of days from 1 to 90")
    if variance_threshold is not None and not Decimal(0) <= variance_threshold <= Decimal(100):
        errors["variance_threshold"] = _("Enter a percentage from 0 to 100")
    if milestones is not None:
        errors.update(milestone_problems(milestones))
    with transaction.atomic():
        start = start_date or agreement.start_date
        end = end_date or agreement.end_date
        errors.update(date_problems(start, end))
        if profile is not None:
            problems = profile_problems(profile, agreement.approved_amount)
            if problems:
                errors["profile"] = " ".join(problems)
        if errors:
            raise Refused(NOTHING_SAVED, errors=errors)
        fresh = claim_version(
            DeliveryAgreement,
            agreement.pk,
            expected_version=expected_version,
            statuses=[A.DRAFT],
            not_editable=NOT_DRAFT,
        )
        changed = []
        for name, value in (
            ("conditions", conditions.strip() if conditions is not None else None),
            ("start_date", start_date),
            ("end_date", end_date),
            ("report_due_days", report_due_days),
            ("variance_threshold", variance_threshold),
        ):
            if value is not None and getattr(fresh, name) != value:
                setattr(fresh, name, value)
                changed.append(name)
        fresh._history_user = acting_user
        fresh.save()
        if milestones is not None:
            write_milestones(fresh, milestones, acting_user)
            changed.append("milestones")
        if profile is not None:
            write_profile(fresh, profile, acting_user)
            changed.append("profile")
        sync_periods(fresh)
        audit_record(
            AuditAction.AGREEMENT_CHANGED,
            actor=acting_user,
            obj=fresh,
            details={"changed": changed},
        )
    return fresh


def write_milestones(agreement, milestones, acting_user):
    """Make the agreement's milestones exactly `milestones`, in that order."""
    existing = {milestone.pk: milestone for milestone in agreement.milestones.all()}
    kept = set()
    for order, entry in enumerate(milestones, start=1):
        row = existing.get(entry.pk) if entry.pk is not None else None
        if row is None:
            row = Milestone(agreement=agreement)
        row.order, row.title, row.due_date = order, entry.title.strip(), entry.due_date
        row._history_user = acting_user
        row.save()
        kept.add(row.pk)
    for pk, row in existing.items():
        if pk not in kept:
            row._history_user = acting_user
            row.delete()


# ---------------------------------------------------------------------------------------
# Measures

MEASURE_FIELDS = (
    "kind",
    "name",
    "definition",
    "numerator",
    "denominator",
    "unit",
    "is_numeric",
    "data_source",
    "collection_frequency",
    "baseline_value",
    "baseline_date",
    "target_value",
    "target_date",
)
TEXT_LIMITS = {
    "name": 200,
    "definition": SHORT_TEXT,
    "numerator": 300,
    "denominator": 300,
    "unit": 100,
    "data_source": 300,
    "baseline_value": VALUE_LENGTH,
    "target_value": VALUE_LENGTH,
}
REQUIRED_MESSAGES = {
    "name": gettext_lazy("Enter the measure’s name"),
    "definition": gettext_lazy("Enter what is counted"),
    "unit": gettext_lazy("Enter the unit"),
    "data_source": gettext_lazy("Enter the data source"),
    "target_value": gettext_lazy("Enter the target"),
    "target_date": gettext_lazy("Enter the target date"),
}


def measure_problems(fields):
    """What is wrong with a measure's fields (a dict of MEASURE_FIELDS), by field."""
    errors = {}
    if fields.get("kind") not in MeasureKind.values:
        errors["kind"] = _("Choose process, outcome or balancing")
    if fields.get("collection_frequency") not in CollectionFrequency.values:
        errors["collection_frequency"] = _("Choose how often it is collected")
    for name, message in REQUIRED_MESSAGES.items():
        value = fields.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            errors[name] = str(message)
    for name, limit in TEXT_LIMITS.items():
        if len(str(fields.get(name) or "")) > limit and name not in errors:
            errors[name] = _("Enter %(limit)s characters or fewer") % {"limit": f"{limit:,}"}
    if fields.get("is_numeric", True):
        for name in ("baseline_value", "target_value"):
            text = str(fields.get(name) or "").strip()
            if text and name not in errors and as_number(text) is None:
                errors[name] = _("Enter a number, like 12.5: this measure’s unit is a number")
    baseline_value = str(fields.get("baseline_value") or "").strip()
    baseline_date, target_date = fields.get("baseline_date"), fields.get("target_date")
    if baseline_value and baseline_date is None:
        errors.setdefault("baseline_date", _("Enter the date of the baseline"))
    if baseline_date is not None and not baseline_value:
        errors.setdefault("baseline_value", _("Enter the baseline value, or remove its date"))
    if baseline_date and target_date and baseline_date > target_date:
        errors.setdefault("baseline_date", _("The baseline date must not be after the target date"))
    return errors


def _cleaned_measure(fields):
    cleaned = {name: fields.get(name) for name in MEASURE_FIELDS if name in fields}
    for name in TEXT_LIMITS:
        if name in cleaned:
            cleaned[name] = str(cleaned[name] or "").strip()
    cleaned.setdefault("is_numeric", True)
    return cleaned


def _draft_claim(agreement, expected_version, acting_user):
    if not can(acting_user, "schemes.manage_agreement", agreement):
        raise PermissionDenied
    return claim_version(
        DeliveryAgreement,
        agreement.pk,
        expected_version=expected_version,
        statuses=[A.DRAFT],
        not_editable=NOT_DRAFT,
    )


def measure_add(*, agreement, fields, expected_version, acting_user):
    """Add an evaluation measure to a draft agreement; return it.

    `fields` has MEASURE_FIELDS (a form's cleaned data). Refuses bad input with `errors` by
    field (`measure_problems`: target missing, baseline date after target date, a non-number
    for a numeric unit...), a stale page, or an agreement that is not a draft. Writes
    MEASURE_ADDED.
    """
    if not can(acting_user, "schemes.manage_agreement", agreement):
        raise PermissionDenied
    errors = measure_problems(fields)
    if errors:
        raise Refused(NOTHING_SAVED, errors=errors)
    with transaction.atomic():
        fresh = _draft_claim(agreement, expected_version, acting_user)
        last = fresh.measures.order_by("-order").values_list("order", flat=True).first() or 0
        measure = Measure(agreement=fresh, order=last + 1, **_cleaned_measure(fields))
        measure._history_user = acting_user
        measure.save()
        audit_record(
            AuditAction.MEASURE_ADDED,
            actor=acting_user,
            obj=measure,
            details={"kind": measure.kind, "name": measure.name},
        )
    return measure


def measure_change(*, measure, fields, expected_version, acting_user):
    """Change a measure of a draft agreement (the same checks as `measure_add`); return it."""
    agreement = measure.agreement
    if not can(acting_user, "schemes.manage_agreement", agreement):
        raise PermissionDenied
    merged = {name: getattr(measure, name) for name in MEASURE_FIELDS} | dict(fields)
    errors = measure_problems(merged)
    if errors:
        raise Refused(NOTHING_SAVED, errors=errors)
    with transaction.atomic():
        _draft_claim(agreement, expected_version, acting_user)
        current = Measure.objects.get(pk=measure.pk)
        changed = []
        for name, value in _cleaned_measure(merged).items():
            if getattr(current, name) != value:
                setattr(current, name, value)
                changed.append(name)
        current._history_user = acting_user
        current.save()
        audit_record(
            AuditAction.MEASURE_CHANGED,
            actor=acting_user,
            obj=current,
            details={"changed": changed},
        )
    return current


def measure_remove(*, measure, expected_version, acting_user):
    """Remove a measure from a draft agreement. Writes MEASURE_REMOVED."""
    agreement = measure.agreement
    if not can(acting_user, "schemes.manage_agreement", agreement):
        raise PermissionDenied
    with transaction.atomic():
        _draft_claim(agreement, expected_version, acting_user)
        current = Measure.objects.select_related("agreement__application").get(pk=measure.pk)
        audit_record(
            AuditAction.MEASURE_REMOVED,
            actor=acting_user,
            obj=current,
            details={"kind": current.kind, "name": current.name},
        )
        current._history_user = acting_user
        current.delete()


# ---------------------------------------------------------------------------------------
# Agreeing


def acceptance_problems(agreement):
    """What stops an agreement being sent or accepted, as messages."""
    problems = []
    kinds = set(agreement.measures.values_list("kind", flat=True))
    if not {MeasureKind.OUTCOME, MeasureKind.BALANCING} <= kinds:
        problems.append(str(NEEDS_MEASURES))
    if not agreement.milestones.exists():
        problems.append(str(NEEDS_MILESTONES))
    profile = {
        (line.financial_year, line.category): line.approved_amount
        for line in agreement.profile_lines.all()
    }
    problems.extend(profile_problems(profile, agreement.approved_amount))
    return problems


def _agreement_refused(current, to):
    return _("This delivery agreement is %(status)s, so this cannot be done now.") % {
        "status": current.get_status_display().lower()
    }


def _agreement_transition(agreement, *, to, acting_user, reason="", changes=None, mail=None):
    return transition(
        agreement,
        to=to,
        moves=AGREEMENT_TRANSITIONS,
        acting_user=acting_user,
        reason=str(reason),
        changes=changes,
        mail=mail,
        refused_message=_agreement_refused,
        changed_message=AGREEMENT_CHANGED,
        select_related=("application",),
    )


def agreement_send_for_acceptance(agreement, *, acting_user):
    """Send a draft agreement to the board's lead; mail the board's leads on commit.

    Refuses (Refused, with the problems as the message) without an outcome and a balancing
    measure, without milestones, or with a profile that does not sum to the approved amount.
    """
    if not can(acting_user, "schemes.manage_agreement", agreement):
        raise PermissionDenied
    problems = acceptance_problems(agreement)
    if problems:
        raise Refused(" ".join(problems))
    return _agreement_transition(
        agreement,
        to=A.AWAITING_ACCEPTANCE,
        acting_user=acting_user,
        mail=_mail_agreement_sent,
    )


def agreement_reopen(agreement, *, reason, acting_user):
    """Take an agreement awaiting acceptance back to draft, with the reason (manager or lead)."""
    reason = str(reason or "").strip()
    if not reason:
        raise Refused(NOTHING_SAVED, errors={"reason": _("Say what needs to change")})
    return _agreement_transition(agreement, to=A.DRAFT, acting_user=acting_user, reason=reason)


def agreement_accept(agreement, *, acting_user, now=None):
    """Accept an agreement for the lead's own board; return it.

    PermissionDenied for anyone but a lead of the agreement's board; Refused without an
    outcome and a balancing measure (NEEDS_MEASURES) or if it is not awaiting acceptance.
    """
    if not can(acting_user, "schemes.accept_agreement", agreement):
        raise PermissionDenied
    problems = acceptance_problems(agreement)
    if problems:
        raise Refused(" ".join(problems))
    return _agreement_transition(
        agreement,
        to=A.ACCEPTED,
        acting_user=acting_user,
        changes={"accepted_by": acting_user, "accepted_at": now or timezone.now()},
    )


# ---------------------------------------------------------------------------------------
# Variations


def variation_problems(
    agreement, *, description, reason, new_end_date, new_milestone_dates, new_profile
):
    errors = {}
    if not description:
        errors["description"] = _("Say what changes")
    elif len(description) > LONG_TEXT:
        errors["description"] = _("Enter %(limit)s characters or fewer") % {
            "limit": f"{LONG_TEXT:,}"
        }
    if not reason:
        errors["reason"] = _("Give the reason for the change")
    elif len(reason) > LONG_TEXT:
        errors["reason"] = _("Enter %(limit)s characters or fewer") % {"limit": f"{LONG_TEXT:,}"}
    if new_end_date is not None:
        if new_end_date < agreement.start_date:
            errors["new_end_date"] = _("The end date must be on or after the start date")
        elif agreement.periods.filter(report__isnull=False, start__gt=new_end_date).exists():
            errors["new_end_date"] = _(
                "The end date must not be before a quarter that has already been reported on"
            )
    milestone_ids = set(agreement.milestones.values_list("pk", flat=True))
    for pk, due in (new_milestone_dates or {}).items():
        if int(pk) not in milestone_ids:
            errors["new_milestone_dates"] = _("Choose milestones of this agreement")
        elif not isinstance(due, datetime.date):
            errors["new_milestone_dates"] = _("Enter each milestone’s new due date")
    if new_profile is not None:
        problems = profile_problems(new_profile, agreement.approved_amount)
        if problems:
            errors["new_profile"] = " ".join(problems)
    return errors


def variation_propose(
    *,
    agreement,
    description,
    reason,
    acting_user,
    new_end_date=None,
    new_milestone_dates=None,
    new_profile=None,
):
    """Propose a change to an accepted agreement (manager or the board's lead); return it.

    `new_milestone_dates` maps milestone pk to a date; `new_profile` maps (financial year,
    category) to an amount and must sum exactly to the approved amount. Refuses unless the
    agreement is accepted (NOT_ACCEPTED), and bad input with `errors` by field. Writes
    VARIATION_PROPOSED.
    """
    if not can(acting_user, "schemes.propose_variation", agreement):
        raise PermissionDenied
    description, reason = str(description or "").strip(), str(reason or "").strip()
    with transaction.atomic():
        current = DeliveryAgreement.objects.select_related("application__decision").get(
            pk=agreement.pk
        )
        if current.status != A.ACCEPTED:
            raise Refused(NOT_ACCEPTED)
        errors = variation_problems(
            current,
            description=description,
            reason=reason,
            new_end_date=new_end_date,
            new_milestone_dates=new_milestone_dates,
            new_profile=new_profile,
        )
        if errors:
            raise Refused(NOTHING_SAVED, errors=errors)
        variation = Variation(
            agreement=current,
            description=description,
            reason=reason,
            new_end_date=new_end_date,
            new_milestone_dates={
                str(pk): due.isoformat() for pk, due in (new_milestone_dates or {}).items()
            },
            new_profile={
                f"{year}:{category}": str(money_or_error(value)[0])
                for (year, category), value in (new_profile or {}).items()
            },
            proposed_by=acting_user,
        )
        variation._history_user = acting_user
        variation.save()
        audit_record(
            AuditAction.VARIATION_PROPOSED,
            actor=acting_user,
            obj=variation,
            to_state=variation.status,
            reason=reason,
            details={"description": description, **variation_changes(variation)},
        )
    return variation


def variation_changes(variation):
    """What a variation changes, as the audit event keeps it."""
    return {
        "new_end_date": variation.new_end_date.isoformat() if variation.new_end_date else None,
        "new_milestone_dates": variation.new_milestone_dates,
        "new_profile": variation.new_profile,
    }


def stored_profile(variation):
    """A variation's new profile as {(financial year, category): Decimal}."""
    profile = {}
    for key, amount in variation.new_profile.items():
        year, category = key.split(":", 1)
        profile[(int(year), category)] = Decimal(amount)
    return profile


def _apply_variation(variation, acting_user):
    agreement = DeliveryAgreement.objects.select_related("application__decision").get(
        pk=variation.agreement_id
    )
    if variation.new_profile:
        problems = profile_problems(stored_profile(variation), agreement.approved_amount)
        if problems:
            raise Refused(" ".join(problems))
        write_profile(agreement, stored_profile(variation), acting_user)
    for pk, due in variation.new_milestone_dates.items():
        milestone = agreement.milestones.filter(pk=int(pk)).first()
        if milestone is not None:
            milestone.due_date = datetime.date.fromisoformat(due)
            milestone._history_user = acting_user
            milestone.save()
    if variation.new_end_date:
        agreement.end_date = variation.new_end_date
    agreement.version += 1  # a page drawn before the variation is now stale
    agreement._history_user = acting_user
    agreement.save()
    sync_periods(agreement)


def variation_approve(variation, *, acting_user, reason="", now=None):
    """Approve a proposed variation and apply it to the agreement; return the variation.

    The agreement's end date (and with it the reporting periods), the milestones' dates and
    the profile change in the same transaction. PermissionDenied for anyone but a programme
    manager; Refused if it was already decided (VARIATION_DECIDED). Writes VARIATION_APPROVED.
    """
    with transaction.atomic():
        moved = transition(
            variation,
            to=V.APPROVED,
            moves=VARIATION_TRANSITIONS,
            acting_user=acting_user,
            reason=str(reason or ""),
            changes={
                "decided_by": acting_user,
                "decided_at": now or timezone.now(),
                "decision_reason": str(reason or "").strip(),
            },
            details=variation_changes(variation),
            refused_message=lambda current, to: VARIATION_DECIDED,
            select_related=("agreement__application",),
        )
        _apply_variation(moved, acting_user)
    return moved


def variation_refuse(variation, *, reason, acting_user, now=None):
    """Refuse a proposed variation with reasons (required); nothing else changes."""
    reason = str(reason or "").strip()
    if not reason:
        raise Refused(NOTHING_SAVED, errors={"reason": _("Give the reasons for refusing")})
    return transition(
        variation,
        to=V.REFUSED,
        moves=VARIATION_TRANSITIONS,
        acting_user=acting_user,
        reason=reason,
        changes={
            "decided_by": acting_user,
            "decided_at": now or timezone.now(),
            "decision_reason": reason,
        },
        refused_message=lambda current, to: VARIATION_DECIDED,
        select_related=("agreement__application",),
    )
