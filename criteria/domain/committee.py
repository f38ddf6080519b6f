"""A round's committee paper: the numbers from the record, and the narrative the manager writes.

The paper follows the shape of a commissioning committee paper (seed 004): a header block, the
narrative in a two-column table, a financial summary and a table of schemes with the funding
requested and recommended. Every number is computed here from the record when the paper is
shown or printed; only the narrative is stored (`CommitteePaper`).

- Requested is the application's budget total requested, for every application the panel
  ranks (`schemes.enums.RANKED_STATUSES`), in the ranking's order: both from
  `criteria.domain.ranking`.
- Recommended is the approved amount of an approved application and £0.00 for a declined one.
  An application not yet decided has no recommended figure: it is "awaiting decision" and its
  request is counted apart, so the reduction compares like with like.
- The reduction is requested minus recommended over the decided applications; its percentage
  is exact here and rounded half up to 1 place only for display (`percentage_shown`).
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from criteria.domain.ranking import ranked_rows
from criteria.models import CommitteePaper
from pacesetter.pdf import render_pdf
from pacesetter.permissions import can
from schemes.enums import DECIDED_STATUSES, RANKED_STATUSES, ApplicationStatus
from schemes.models import Application

ZERO = Decimal("0.00")
HUNDRED = Decimal(100)
ONE_PLACE = Decimal("0.1")

# The parts of the paper the programme manager writes, in the order the paper prints them.
NARRATIVE_FIELDS = (
    "committee",
    "meeting_date",
    "agenda_item",
    "paper_number",
    "key_issues",
    "strategic_objectives",
    "actions_requested",
    "principal_risks",
    "other_committees",
    "financial_implications",
)


def percentage_shown(value):
    """Round a percentage half up to 1 place for display; None stays None."""
    if value is None:
        return None
    return Decimal(value).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def reduction_percentage(reduction, requested):
    """Return `reduction` as an exact percentage of `requested`, or None when nothing was asked."""
    if reduction is None or not requested:
        return None
    return reduction / requested * HUNDRED


@dataclass(frozen=True)
class SchemeFunding:
    """One row of the paper's table of schemes."""

    application: Application
    reference: str
    organisation: str
    title: str
    score_percentage: Decimal | None
    requested: Decimal
    recommended: Decimal | None  # None while the application awaits a decision
    status: str

    @property
    def awaiting_decision(self):
        return self.recommended is None

    @property
    def reduction(self):
        return None if self.recommended is None else self.requested - self.recommended

    @property
    def reduction_percentage(self):
        return reduction_percentage(self.reduction, self.requested)

    @property
    def reduction_percentage_shown(self):
        return percentage_shown(self.reduction_percentage)


@dataclass(frozen=True)
class CommitteeFigures:
    """The money of a round as the committee paper prints it."""

    envelope: Decimal | None
    requested: Decimal  # every ranked application
    requested_decided: Decimal
    requested_awaiting: Decimal
    recommended: Decimal
    schemes: list[SchemeFunding]

    @property
    def scheme_count(self):
        return len(self.schemes)

    @property
    def awaiting_count(self):
        return sum(1 for scheme in self.schemes if scheme.awaiting_decision)

    @property
    def decided_count(self):
        return self.scheme_count - self.awaiting_count

    @property
    def reduction(self):
        return self.requested_decided - self.recommended

    @property
    def reduction_percentage(self):
        return reduction_percentage(self.reduction, self.requested_decided)

    @property
    def reduction_percentage_shown(self):
        return percentage_shown(self.reduction_percentage)

    @property
    def envelope_remaining(self):
        return None if self.envelope is None else self.envelope - self.recommended


def committee_figures(round) -> CommitteeFigures:
    """Return the round's committee-paper figures, schemes in ranking order.

    Runs in a fixed number of queries however many applications the round has.
    """
    applications = Application.objects.filter(
        round=round, status__in=RANKED_STATUSES
    ).select_related("organisation", "decision")
    schemes = []
    # In the ranking's order, with its amounts requested (`criteria.domain.ranking`).
    for row in ranked_rows(round, applications):
        application, decision = row.application, row.decision
        decided = application.status in DECIDED_STATUSES and decision is not None
        if decided:
            recommended = decision.approved_amount if decision.approved_amount is not None else ZERO
            status = decision.get_outcome_display()
        else:
            recommended = None
            status = (
                _("Deferred: awaiting decision")
                if application.status == ApplicationStatus.DEFERRED
                else _("Awaiting decision")
            )
        schemes.append(
            SchemeFunding(
                application=application,
                reference=application.reference,
                organisation=application.organisation_name,
                title=application.title,
                score_percentage=row.percentage,
                requested=row.requested,
                recommended=recommended,
                status=status,
            )
        )
    decided = [scheme for scheme in schemes if not scheme.awaiting_decision]
    awaiting = [scheme for scheme in schemes if scheme.awaiting_decision]
    return CommitteeFigures(
        envelope=round.envelope_total,
        requested=sum((scheme.requested for scheme in schemes), ZERO),
        requested_decided=sum((scheme.requested for scheme in decided), ZERO),
        requested_awaiting=sum((scheme.requested for scheme in awaiting), ZERO),
        recommended=sum((scheme.recommended for scheme in decided), ZERO),
        schemes=schemes,
    )


def committee_paper_for(round) -> CommitteePaper:
    """Return the round's committee paper, or an unsaved one with the defaults."""
    try:
        return CommitteePaper.objects.select_related("updated_by").get(round=round)
    except CommitteePaper.DoesNotExist:
        return CommitteePaper(round=round)


def committee_paper_save(*, round, acting_user, **fields) -> CommitteePaper:
    """Create or update the round's committee paper narrative; return it.

    Raises PermissionDenied for anyone but a programme manager, and TypeError for a field
    that is not part of the narrative. Writes a history row with `acting_user` as its author.
    """
    if not can(acting_user, "criteria.export_round", round):
        raise PermissionDenied
    unknown = set(fields) - set(NARRATIVE_FIELDS)
    if unknown:
        raise TypeError(f"Not part of a committee paper: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        # Not get_or_create: that would save twice and write two history rows.
        paper = CommitteePaper.objects.select_for_update().filter(
            round=round
        ).first() or CommitteePaper(round=round)
        for name, value in fields.items():
            setattr(paper, name, value)
        paper.updated_by = acting_user
        paper._history_user = acting_user
        paper.save()
    return paper


def committee_paper_title(round) -> str:
    return _("%(round)s: funding recommendations") % {"round": round.name}


def committee_paper_context(round) -> dict:
    """Return what templates/pdf/committee_paper.html needs: the narrative and the figures."""
    return {
        "round": round,
        "paper": committee_paper_for(round),
        "figures": committee_figures(round),
        "title": committee_paper_title(round),
    }


def committee_paper_pdf_bytes(round, *, lang="en-GB") -> bytes:
    """Render the round's committee paper to a tagged PDF.

    Raises `pacesetter.pdf.PDFRenderTimeout` when rendering passes the time limit.
    """
    context = committee_paper_context(round)
    return render_pdf("pdf/committee_paper.html", context, title=context["title"], lang=lang)
