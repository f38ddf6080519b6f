"""The programme manager's decisions on applications."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy

from pacesetter.permissions import can
from pacesetter.transitions import Refused
from schemes.domain import decisions as domain
from schemes.enums import DecisionOutcome
from schemes.forms.decisions import DecisionForm
from schemes.models import Application, Decision
from schemes.views.common import get_visible_application

SUCCESS_MESSAGES = {
    DecisionOutcome.APPROVED: gettext_lazy("%(reference)s has been approved."),
    DecisionOutcome.DECLINED: gettext_lazy("%(reference)s has been declined."),
    DecisionOutcome.DEFERRED: gettext_lazy("The decision on %(reference)s has been deferred."),
}


# The ranking's own GET parameters, carried to the decision page and back so that the
# programme manager returns to the page of the ranking they were on.
RANKING_PARAMETERS = ("search", "organisation", "status", "sort", "page")


def ranking_url(request, round):
    """The ranking page the decision was opened from: its path and known parameters only."""
    asked = QueryDict(request.GET.get("ranking", ""))
    kept = {key: asked[key][:100] for key in RANKING_PARAMETERS if asked.get(key)}
    query = QueryDict(mutable=True)
    query.update(kept)
    url = reverse("criteria:ranking", args=[round.code])
    return f"{url}?{query.urlencode()}" if kept else url


@login_required
def decide(request, reference):
    application = get_visible_application(
        request,
        reference,
        Application.objects.prefetch_related("budget_lines", "other_funding"),
    )
    if not can(request.user, "schemes.decide_application", application):
        raise PermissionDenied
    decision = Decision.objects.filter(application=application).select_related("decided_by").first()
    refusal = domain.decision_refusal(application)
    form = (
        None
        if refusal
        else DecisionForm(
            request.POST if request.method == "POST" else None, application=application
        )
    )
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            domain.decision_record(
                application=application, acting_user=request.user, **form.decision_values()
            )
        except Refused as refused:
            for name, message in refused.errors.items():
                form.add_error(name if name in form.fields else None, message)
            if not refused.errors:
                form.add_error(None, refused.message)
        else:
            outcome = form.cleaned_data["outcome"]
            messages.success(
                request,
                SUCCESS_MESSAGES[outcome] % {"reference": application.reference},
            )
            return redirect(ranking_url(request, application.round))
    return render(
        request,
        "schemes/decision/decide.html",
        {
            "application": application,
            "round": application.round,
            "ranking_url": ranking_url(request, application.round),
            "decision": decision,
            "requested": application.totals().requested,
            "form": form,
            "refusal": refusal,
            "refused_post": request.method == "POST" and bool(refusal),
        },
    )
