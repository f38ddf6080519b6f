"""Learning summaries: written by a scheme's lead, published by Welsh Government, searched by all.

Every write runs in one transaction and writes one audit event; state changes go through
`pacesetter.transitions.transition` with LEARNING_TRANSITIONS. The library is searched only
through `learning_search`, on SQLite's FTS5 or PostgreSQL's full-text search.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Count, F, Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pacesetter.audit import audit_record
from pacesetter.enums import AuditAction
from pacesetter.paging import paginate
from pacesetter.permissions import can
from pacesetter.transitions import Move, Refused, transition
from schemes.domain.monitoring.common import STALE_EDIT, claim_version
from schemes.enums import (
    LEARNING_EDITABLE_STATUSES,
    REPORT_COUNTED_STATUSES,
    LearningStatus,
    MeasureKind,
    SchemeStatus,
)
from schemes.models import LearningSummary, Measure, MeasureValue, QuarterlyReport, Theme
from schemes.models.learning import fold

L = LearningStatus
PER_PAGE = 20
# Words beyond these are left out, with a message: a pasted essay is not a search.
MAX_TERMS = 20
MAX_TERM_LENGTH = 40
# Ranking weights: title and model first, then results and lessons, then the rest.
# On SQLite, bm25's column weights (title and model 10, lessons 4, the rest 1); bm25 is lower
# for a better match, hence the minus. The table is a constant; the words go as a parameter.
FTS_RANKED = (
    "SELECT rowid, -bm25(schemes_learning_fts, 10.0, 4.0, 1.0) FROM schemes_learning_fts "
    "WHERE schemes_learning_fts MATCH %s"
)
# On PostgreSQL, ts_rank over the stored weighted document (title and model A, results and
# lessons B, the rest D); the words go as a parameter.
PG_RANKED = (
    "SELECT id, ts_rank(search_document, query) FROM schemes_learningsummary, "
    "plainto_tsquery('english', %s) AS query WHERE search_document @@ query"
)
# Summaries loaded at once when a ranked list is read in full (the spreadsheet).
CHUNK = 500

LEARNING_TRANSITIONS = {
    (L.DRAFT, L.SUBMITTED): Move("schemes.edit_learning", AuditAction.LEARNING_SUBMITTED),
    (L.RETURNED, L.SUBMITTED): Move("schemes.edit_learning", AuditAction.LEARNING_RESUBMITTED),
    (L.SUBMITTED, L.PUBLISHED): Move("schemes.review_learning", AuditAction.LEARNING_PUBLISHED),
    (L.SUBMITTED, L.RETURNED): Move("schemes.review_learning", AuditAction.LEARNING_RETURNED),
    # A lead updates a published summary at the end of the scheme or a change of status.
    (L.PUBLISHED, L.DRAFT): Move("schemes.edit_learning_published", AuditAction.LEARNING_SAVED),
}

# What a lead writes; the rest is derived (title, board, results, components) or reviewed.
LEARNING_FIELDS = (
    "problem",
    "what_was_done",
    "model",
    "what_helped",
    "what_got_in_the_way",
    "costs",
    "outcome_reason",
    "advice",
    "contact_role",
)
REQUIRED_TO_SUBMIT = ("problem", "what_was_done", "model", "advice", "contact_role")
NOT_EDITABLE = _("This learning summary has been submitted, so it cannot be changed now.")
INCOMPLETE = _("Complete the learning summary before you submit it.")
RETURN_NEEDS_COMMENTS = _("Enter comments saying what the lead should change.")


@dataclass(frozen=True)
class MeasureResult:
    """One measure of the scheme and where it stands, from the monitoring record."""

    kind: str
    name: str
    unit: str
    baseline: str
    target: str
    latest: str
    period: str


def measure_results(summary):
    """The scheme's measures with their latest submitted values (two queries); [] if historic."""
    return measure_results_of([summary])[summary.pk]


def measure_results_of(summaries):
    """{summary id: its MeasureResults} for all `summaries` at once, in two queries.

    Each measure's latest value counted from submitted or accepted reports (none if not
    collected). Historic entries, which have no scheme in the portal, get [].
    """
    by_application = {
        summary.application_id: summary.pk for summary in summaries if summary.application_id
    }
    results = {summary.pk: [] for summary in summaries}
    if not by_application:
        return results
    measures = list(
        Measure.objects.filter(agreement__application_id__in=by_application)
        .select_related("agreement")
        .order_by("order", "pk")
    )
    latest = {}
    values = (
        MeasureValue.objects.filter(
            measure__in=measures,
            report__status__in=REPORT_COUNTED_STATUSES,
            not_collected=False,
        )
        .select_related("report__period")
        .order_by("report__period__start")
    )
    for value in values:
        latest[value.measure_id] = value
    for measure in measures:
        value = latest.get(measure.pk)
        results[by_application[measure.agreement.application_id]].append(
            MeasureResult(
                kind=measure.get_kind_display(),
                name=measure.name,
                unit=measure.unit,
                baseline=measure.baseline_value,
                target=measure.target_value,
                latest=value.value if value else "",
                period=str(value.report.period) if value else "",
            )
        )
    return results


def _results_text(summary):
    return "\n".join(
        f"{row.kind}: {row.name} ({row.unit}): {row.baseline} -> {row.latest} / {row.target}"
        for row in measure_results(summary)
    )


def _latest_scheme_status(application):
    report = (
        QuarterlyReport.objects.filter(
            agreement__application=application, status__in=REPORT_COUNTED_STATUSES
        )
        .order_by("-period__start")
        .first()
    )
    return report.scheme_status if report else SchemeStatus.ONGOING


def learning_start(*, application, acting_user):
    """Start the learning summary of an application with a delivery agreement; return it.

    The lead of the application's board only (PermissionDenied otherwise); one per scheme
    (Refused if it exists). Writes LEARNING_STARTED.
    """
    if not can(acting_user, "schemes.start_learning", application):
        raise PermissionDenied
    with transaction.atomic():
        if LearningSummary.objects.filter(application=application).exists():
            raise Refused(_("This scheme already has a learning summary."))
        summary = LearningSummary.objects.create(
            application=application,
            organisation_id=application.organisation_id,
            title=application.title[:300],
            scheme_status=_latest_scheme_status(application),
            created_by=acting_user,
        )
        audit_record(AuditAction.LEARNING_STARTED, actor=acting_user, obj=summary, to_state=L.DRAFT)
    return summary


def learning_save(summary, *, expected_version, acting_user, fields, themes=None):
    """Save the lead's text (`fields` of LEARNING_FIELDS) and themes; return the summary.

    Refuses NOT_EDITABLE once submitted or published and STALE_EDIT for a stale page;
    PermissionDenied for anyone but the board's lead. Writes LEARNING_SAVED.
    """
    if not can(acting_user, "schemes.edit_learning", summary):
        raise PermissionDenied
    unknown = set(fields) - set(LEARNING_FIELDS)
    if unknown:
        raise ValueError(f"Not a learning summary field: {sorted(unknown)}")
    errors = {
        name: _("%(field)s must be %(limit)s characters or fewer.")
        % {
            "field": LearningSummary._meta.get_field(name).verbose_name.capitalize(),
            "limit": LearningSummary._meta.get_field(name).max_length,
        }
        for name, value in fields.items()
        if len(value) > LearningSummary._meta.get_field(name).max_length
    }
    if errors:
        raise Refused(_("There is a problem with the learning summary."), errors=errors)
    with transaction.atomic():
        claimed = claim_version(
            LearningSummary,
            summary.pk,
            expected_version=expected_version,
            statuses=LEARNING_EDITABLE_STATUSES,
            not_editable=NOT_EDITABLE,
        )
        for name, value in fields.items():
            setattr(claimed, name, value)
        claimed.save()
        if themes is not None:
            claimed.themes.set(themes)
        audit_record(
            AuditAction.LEARNING_SAVED,
            actor=acting_user,
            obj=claimed,
            details={"fields": sorted(fields)},
        )
    return claimed


def submission_problems(summary):
    """{field: message} for what a summary needs before it can be submitted."""
    return {
        name: _("Enter %(field)s.") % {"field": LearningSummary._meta.get_field(name).verbose_name}
        for name in REQUIRED_TO_SUBMIT
        if not getattr(summary, name).strip()
    }


def _transition(summary, *, to, acting_user, reason="", changes=None):
    return transition(
        summary,
        to=to,
        moves=LEARNING_TRANSITIONS,
        acting_user=acting_user,
        reason=str(reason),
        changes=changes,
        refused_message=lambda current, to: (
            _("This learning summary is %(status)s, so this cannot be done now.")
            % {"status": current.get_status_display().lower()}
        ),
        changed_message=STALE_EDIT,
        select_related=("application",),
    )


def learning_submit(summary, *, expected_version, acting_user):
    """Submit a complete summary for review, with its results copied from monitoring.

    Refuses with `errors` (`submission_problems`) and STALE_EDIT for a stale page. Writes
    LEARNING_SUBMITTED (LEARNING_RESUBMITTED after a return).
    """
    if not can(acting_user, "schemes.edit_learning", summary):
        raise PermissionDenied
    with transaction.atomic():
        current = LearningSummary.objects.select_for_update().get(pk=summary.pk)
        if current.version != expected_version:
            raise Refused(STALE_EDIT)
        problems = submission_problems(current)
        if problems:
            raise Refused(INCOMPLETE, errors=problems)
        return _transition(
            current,
            to=L.SUBMITTED,
            acting_user=acting_user,
            changes={
                "measure_results": _results_text(current),
                "scheme_status": _latest_scheme_status(current.application),
                "version": F("version") + 1,
            },
        )


def learning_publish(summary, *, acting_user, comments=""):
    """Publish a submitted summary to every board (programme manager). Writes LEARNING_PUBLISHED."""
    return _transition(
        summary,
        to=L.PUBLISHED,
        acting_user=acting_user,
        reason=comments,
        changes={
            "published_at": timezone.now(),
            "manager_comments": comments,
            "measure_results": _results_text(summary),
        },
    )


def learning_return(summary, *, comments, acting_user):
    """Return a submitted summary to its lead with comments. Writes LEARNING_RETURNED."""
    if not comments.strip():
        raise Refused(RETURN_NEEDS_COMMENTS, errors={"comments": RETURN_NEEDS_COMMENTS})
    return _transition(
        summary,
        to=L.RETURNED,
        acting_user=acting_user,
        reason=comments,
        changes={"manager_comments": comments},
    )


def learning_reopen(summary, *, acting_user):
    """Reopen a published summary as a draft for its lead to update (end of scheme, new status).

    It leaves the library until a programme manager publishes it again. Writes LEARNING_SAVED
    with the move from published to draft.
    """
    return _transition(summary, to=L.DRAFT, acting_user=acting_user)


def published_with_components(component_ids, limit=5):
    """Up to `limit` published summaries sharing a strategic component with `component_ids`.

    Most shared components first, then the latest published; one query whatever the library's
    size. For a reviewer scoring "outcomes of previous pacesetter schemes".
    """
    ids = list(component_ids)
    if not ids:
        return []
    return list(
        LearningSummary.objects.published()
        .filter(application__components__in=ids)
        .annotate(shared=Count("application__components", distinct=True))
        .select_related("organisation")
        .order_by("-shared", F("published_at").desc(nulls_last=True), "title", "pk")[:limit]
    )


# Where the library is offered: the application's question and the 2020-22 criterion 1b that
# ask about earlier schemes, found by their words since each round copies its questions.
PREVIOUS_SCHEMES_WORDING = (
    "has this idea been tested previously",
    "outcomes of previous pacesetter schemes",
)


def asks_about_previous_schemes(text):
    """Whether a question or criterion asks about earlier schemes, so the library is offered."""
    folded = " ".join(fold(text).split())
    return any(wording in folded for wording in PREVIOUS_SCHEMES_WORDING)


# Search


@dataclass(frozen=True)
class LearningFilters:
    """What the library is narrowed by; empty means any. Built from GET by the page's form."""

    theme: int | None = None
    organisation: int | None = None
    round: int | None = None
    programme: str = ""
    scheme_status: str = ""
    component: int | None = None
    measure_kind: str = ""
    sort: str = "relevance"


@dataclass
class LearningSearch:
    """One page of results, the words searched and a message about the query, if any."""

    results: object
    terms: list[str] = field(default_factory=list)
    message: str = ""


def search_terms(query):
    """(words, message): the folded words of `query`, at most MAX_TERMS; never FTS syntax.

    Only runs of letters and digits survive, so quotes, operators, `NEAR(`, `*` and SQL are
    just punctuation between words.
    """
    words = re.findall(r"\w+", fold(query or ""))
    words = [word[:MAX_TERM_LENGTH] for word in words]
    message = ""
    if (query or "").strip() and not words:
        message = _("Enter a word to search for. Punctuation on its own is not searched.")
    elif len(words) > MAX_TERMS:
        message = _("Only the first %(count)s words were searched.") % {"count": MAX_TERMS}
        words = words[:MAX_TERMS]
    return words, str(message)


def _filtered(summaries, filters):
    if filters.theme:
        summaries = summaries.filter(themes=filters.theme)
    if filters.organisation:
        summaries = summaries.filter(organisation_id=filters.organisation)
    if filters.round:
        summaries = summaries.filter(application__round_id=filters.round)
    if filters.programme:
        summaries = summaries.filter(programme=filters.programme)
    if filters.scheme_status:
        summaries = summaries.filter(scheme_status=filters.scheme_status)
    if filters.component:
        summaries = summaries.filter(application__components=filters.component)
    if filters.measure_kind in MeasureKind.values:
        summaries = summaries.filter(
            application__delivery_agreement__measures__kind=filters.measure_kind
        )
    return summaries


def _match_ranks(terms):
    """{summary id: rank} of every summary matching all `terms`, higher is better; one query.

    SQLite asks its FTS5 table (bm25), PostgreSQL its own full-text search (ts_rank). What a
    person may see is decided by the caller, which keeps only ids from its scoped queryset.
    """
    if connection.vendor == "postgresql":
        # Every word (plainto_tsquery ANDs them), matched through the GIN index on the stored
        # document (schemes migration 0014), never a partial match that ts_rank would score.
        with connection.cursor() as cursor:
            cursor.execute(PG_RANKED, [" ".join(terms)])
            return dict(cursor.fetchall())
    # Each word quoted, so FTS5 reads it as a string and never as syntax; they are all
    # letters and digits anyway.
    match = " ".join(f'"{term}"' for term in terms)
    with connection.cursor() as cursor:
        cursor.execute(FTS_RANKED, [match])
        return dict(cursor.fetchall())


class RankedSummaries(Sequence):
    """Summaries in a ranked order of ids, loaded only when a slice of them is read.

    The paginator counts it by its length (no query) and reads one page (one query, plus one
    for the page's themes), so a search costs much the same whether 20 or 2,000 match.
    """

    def __init__(self, ids, queryset):
        self.ids = ids
        self.queryset = queryset

    def __len__(self):
        return len(self.ids)

    def __getitem__(self, index):
        if isinstance(index, slice):
            ids = self.ids[index]
            loaded = self.queryset.in_bulk(ids)
            return [loaded[pk] for pk in ids if pk in loaded]
        return self[index : index + 1][0]

    def __iter__(self):
        for start in range(0, len(self.ids), CHUNK):
            yield from self[start : start + CHUNK]


def learning_search(query, filters, user, *, page=1, params=None):
    """Search the published summaries `user` may see; return a LearningSearch of 20 a page.

    Ranked by relevance (title and model, then results and lessons, then the rest) when
    words are given, else by date published; `filters.sort == "date"` sorts by date always.
    Never raises for what a person types: `message` says what was left out.
    """
    summaries, terms, message = _searched(query, filters, user)
    results = paginate(summaries, page, params or {}, per_page=PER_PAGE)
    return LearningSearch(results=results, terms=terms, message=message)


def _searched(query, filters, user):
    """(summaries, words, message): what `learning_search` pages and the spreadsheets list.

    Without words, a queryset newest first. With words, the ids `user` may see under
    `filters` (one query) are kept where they match (one more query), ranked best first or
    newest first, and only the summaries read are loaded.
    """
    filters = filters or LearningFilters()
    terms, message = search_terms(query)
    visible = _filtered(LearningSummary.objects.visible_to(user).published(), filters).distinct()
    newest_first = (F("published_at").desc(nulls_last=True), "title", "pk")
    if not terms:
        return _shown(visible.order_by(*newest_first)), terms, message
    ranks = _match_ranks(terms)
    allowed = [
        (pk, title)
        for pk, title in visible.order_by(*newest_first).values_list("pk", "title")
        if pk in ranks
    ]
    if filters.sort != "date":
        allowed.sort(key=lambda row: (-ranks[row[0]], row[1], row[0]))
    ids = [pk for pk, _title in allowed]
    return RankedSummaries(ids, _shown(LearningSummary.objects.all())), terms, message


def _shown(summaries):
    """`summaries` with what a result shows: board, round and themes (two queries a page)."""
    return summaries.select_related("organisation", "application__round").prefetch_related(
        Prefetch("themes", queryset=Theme.objects.order_by("position", "name"))
    )


# The most summaries a learning digest holds: a digest is read, not searched.
DIGEST_LIMIT = 100


@dataclass
class LearningDigest:
    """The published summaries a search finds, best first, for the learning digest PDF."""

    summaries: list
    found: int
    results: dict
    terms: list[str] = field(default_factory=list)
    message: str = ""

    @property
    def shortened(self):
        return self.found > len(self.summaries)


def learning_digest(query, filters, user, *, limit=DIGEST_LIMIT):
    """The first `limit` summaries `learning_search` finds, with their results against measures.

    In the search's own order (relevance with words, else newest first); four queries and one
    more for all the summaries' results, whatever the number found.
    """
    summaries, terms, message = _searched(query, filters, user)
    found = len(summaries) if isinstance(summaries, RankedSummaries) else summaries.count()
    chosen = list(summaries[:limit])
    return LearningDigest(
        summaries=chosen,
        found=found,
        results=measure_results_of(chosen),
        terms=terms,
        message=message,
    )


# The library as a spreadsheet: one row per published summary matching a search.
LIBRARY_COLUMNS = (
    ("title", _("Project")),
    ("board", _("Health board")),
    ("programme", _("Round or programme")),
    ("scheme_status", _("Scheme status")),
    ("themes", _("Themes")),
    ("published", _("Published")),
    ("description", _("Description")),
    ("problem", _("The problem")),
    ("what_was_done", _("What was done")),
    ("model", _("The model in a few lines")),
    ("results", _("Results")),
    ("what_helped", _("What helped")),
    ("what_got_in_the_way", _("What got in the way")),
    ("costs", _("Costs")),
    ("outcome_reason", _("Mainstreamed or stopped, and why")),
    ("advice", _("Advice to a board that wants to adopt it")),
    ("contact_role", _("Contact role")),
    ("address", _("Address")),
)


def library_rows(query, filters, user, *, site=""):
    """Every published summary `learning_search` finds, as LIBRARY_COLUMNS values (text).

    Two queries for each 500 summaries (them, their themes). Results against measures are the
    copy made at publication, so no monitoring record is read.
    """
    summaries, _terms, _message = _searched(query, filters, user)
    if not isinstance(summaries, RankedSummaries):
        summaries = summaries.iterator(chunk_size=CHUNK)
    for summary in summaries:
        yield {
            "title": summary.title,
            "board": summary.board_as_printed or summary.organisation.name,
            "programme": summary.programme_name,
            "scheme_status": summary.get_scheme_status_display(),
            "themes": "; ".join(theme.name for theme in summary.themes.all()),
            "published": summary.published_at.date().isoformat() if summary.published_at else "",
            "description": summary.description,
            "problem": summary.problem,
            "what_was_done": summary.what_was_done,
            "model": summary.model,
            "results": "\n".join(
                part for part in (summary.results, summary.measure_results) if part
            ),
            "what_helped": summary.what_helped,
            "what_got_in_the_way": summary.what_got_in_the_way,
            "costs": summary.costs,
            "outcome_reason": summary.outcome_reason,
            "advice": summary.advice,
            "contact_role": summary.contact_role,
            "address": site + summary.get_absolute_url(),
        }
