"""A round's ranking against its envelope.

Every score figure comes from
`criteria.domain.aggregation`; ranks, cumulative money and the round's money by board and in
total from `criteria.domain.ranking`.
The ranking is worked out over the whole round, then searched, filtered, sorted and paged.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from criteria.domain.ranking import ZERO, ranked_applications, round_money, with_decisions_allowed
from pacesetter.paging import PER_PAGE, choice, paginate, query_string, search_term
from pacesetter.permissions import can
from schemes.enums import ApplicationStatus
from schemes.models import Round

SORT_SCORE = "score"
SORTS = {
    SORT_SCORE: _("Final score"),
    "requested": _("Amount requested"),
    "organisation": _("Organisation"),
    "reference": _("Reference"),
}


def sorted_rows(rows, sort):
    if sort == "requested":
        return sorted(rows, key=lambda row: (-row.requested, row.application.reference))
    if sort == "organisation":
        return sorted(
            rows, key=lambda row: (row.application.organisation.name, row.application.reference)
        )
    if sort == "reference":
        return sorted(rows, key=lambda row: row.application.reference)
    return rows


def matches(row, search):
    """Whether the row's reference, title or organisation contains `search`, in any case."""
    if not search:
        return True
    wanted = search.casefold()
    application = row.application
    return any(
        wanted in text.casefold()
        for text in (
            application.reference,
            application.title,
            application.organisation.name,
            application.organisation.former_name,
        )
    )


@login_required
def ranking(request, code):
    round = get_object_or_404(Round.objects.visible_to(request.user), code=code)
    if not can(request.user, "criteria.view_ranking", round):
        raise PermissionDenied
    rows = ranked_applications(round, request.user)
    organisations = sorted(
        {row.application.organisation for row in rows}, key=lambda organisation: organisation.name
    )
    statuses = [
        (value, label)
        for value, label in ApplicationStatus.choices
        if value in {row.application.status for row in rows}
    ]
    search = search_term(request.GET.get("search"))
    sort = choice(request.GET.get("sort"), SORTS, SORT_SCORE)
    organisation = choice(request.GET.get("organisation"), {o.code for o in organisations})
    status = choice(request.GET.get("status"), {value for value, _label in statuses})
    shown_rows = [
        row
        for row in sorted_rows(rows, sort)
        if (not organisation or row.application.organisation.code == organisation)
        and (not status or row.application.status == status)
        and matches(row, search)
    ]
    filters = {"search": search, "organisation": organisation, "status": status}
    sort_links = [
        {
            "key": key,
            "label": label,
            "current": key == sort,
            "url": query_string({"sort": key, **filters}),
        }
        for key, label in SORTS.items()
    ]
    params = {"sort": "" if sort == SORT_SCORE else sort, **filters}
    listing = paginate(shown_rows, request.GET.get("page"), params)
    # The decision page sends the manager back to this page of the ranking.
    here = query_string(params, page=listing.page.number if listing.page.number > 1 else "")
    decide_query = query_string({"ranking": here[1:]}) if len(here) > 1 else ""
    page_rows = with_decisions_allowed(listing.rows, request.user)
    runs_out = next((row for row in rows if row.money_runs_out), None)
    runs_out_page = None
    position = next((index for index, row in enumerate(shown_rows) if row is runs_out), None)
    if position is not None and sort == SORT_SCORE:
        number = position // PER_PAGE + 1
        if number != listing.page.number:
            runs_out_page = {
                "number": number,
                "url": query_string(filters, page=number if number > 1 else ""),
            }
    money = round_money(round, rows)
    return render(
        request,
        "criteria/ranking/ranking.html",
        {
            "round": round,
            "listing": listing,
            "rows": page_rows,
            "row_count": len(rows),
            "runs_out": runs_out,
            "runs_out_page": runs_out_page,
            "decide_query": decide_query,
            "sort": sort,
            "sorted_by_score": sort == SORT_SCORE,
            "sort_links": sort_links,
            "sort_label": SORTS[sort],
            "search": search,
            "organisations": organisations,
            "statuses": statuses,
            "organisation": organisation,
            "status": status,
            "filtered": bool(search or organisation or status),
            "boards": money.boards,
            "requested_total": money.requested,
            "approved_total": money.approved,
            "page_requested": sum((row.requested for row in page_rows), ZERO),
            "page_approved": sum((row.approved for row in page_rows), ZERO),
            "envelope_left": money.envelope_left,
            "shares_total": money.shares,
            "can_release": can(request.user, "criteria.release_feedback", round),
        },
    )
