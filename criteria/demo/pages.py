"""The pages each demo role can reach, found in the demo data: for screenshots and reflow tests."""

from dataclasses import dataclass

from django.urls import reverse

from criteria.demo import DEMO_ROUND_CODE
from criteria.enums import ReviewStatus
from criteria.models import Assignment, Review
from pacesetter.models import User
from schemes.enums import ApplicationStatus
from schemes.models import Application, LearningSummary, Round

# One demo user for each role, chosen so their pages hold the most: Hywel Dda's lead reads
# released feedback, reviewer2 has a draft review open for scoring.
DEMO_ROLE_EMAILS = {
    "applicant": "applicant.hdd@example.org",
    "reviewer": "reviewer2@example.org",
    "chair": "chair@example.org",
    "manager": "manager@example.org",
}

SEED_APPLICATION = "PS-2020-CAV-001"
DECIDED_APPLICATION = "PS-2018-HDD-001"
REVIEW_ROUND = "2020-22"
DECIDED_ROUND = "2018-19"


@dataclass(frozen=True)
class DemoPage:
    name: str  # a file name's stem: letters, digits and hyphens
    path: str


def demo_pages(role):
    """List the pages `role`'s demo user can reach, in the order a person would meet them.

    A page needs its records to exist: the applicant's task list appears only once Hywel
    Dda has a draft in an open round, the scoring form only while reviewer2's review is a draft.
    """
    user = User.objects.get(email=DEMO_ROLE_EMAILS[role])
    pages = [
        DemoPage("home", reverse("criteria:home")),
        DemoPage("rounds", reverse("schemes:round_list")),
        DemoPage("round", reverse("schemes:round_detail", args=[REVIEW_ROUND])),
        DemoPage("criteria-sets", reverse("criteria:criteria_set_list")),
    ]
    criteria_set = Round.objects.get(code=REVIEW_ROUND).criteria_set
    pages.append(
        DemoPage(
            "criteria-set",
            reverse("criteria:criteria_set_detail", args=[criteria_set.code, criteria_set.version]),
        )
    )
    pages.append(DemoPage("learning-library", reverse("schemes:learning_library")))
    summary = LearningSummary.objects.published().order_by("pk").first()
    if summary is not None:
        pages.append(DemoPage("learning-summary", summary.get_absolute_url()))
    pages += {
        "applicant": applicant_pages,
        "reviewer": reviewer_pages,
        "chair": chair_pages,
        "manager": manager_pages,
    }[role](user)
    return pages


def application_page(name, url_name, reference, *args):
    return DemoPage(name, reverse(f"schemes:{url_name}", args=[reference, *args]))


def draft_pages(application):
    reference = application.reference
    pages = [
        application_page("task-list", "task_list", reference),
        application_page("application-language", "change_language", reference),
        application_page("section", "edit_section", reference, 1),
        application_page("components", "edit_components", reference),
        application_page("budget", "budget", reference),
        application_page("budget-line-add", "add_budget_line", reference),
        application_page("other-funding-add", "add_other_funding", reference),
        application_page("attachments", "attachments", reference),
        application_page("declaration", "declaration", reference),
        application_page("check-answers", "check_answers", reference),
    ]
    line = application.budget_lines.order_by("order", "pk").first()
    if line is not None:
        pages.insert(5, application_page("budget-line", "edit_budget_line", reference, line.pk))
    return pages


def applicant_pages(user):
    pages = [
        DemoPage("round-open", reverse("schemes:round_detail", args=[DEMO_ROUND_CODE])),
        application_page("application", "application_detail", DECIDED_APPLICATION),
        DemoPage("feedback", reverse("criteria:feedback", args=[DECIDED_APPLICATION])),
    ]
    draft = (
        Application.objects.filter(organisation=user.organisation, status=ApplicationStatus.DRAFT)
        .order_by("pk")
        .first()
    )
    if draft is not None:
        pages.append(application_page("application-draft", "application_detail", draft.reference))
        pages += draft_pages(draft)
    return pages


def reviewer_pages(user):
    pages = [DemoPage("review-dashboard", reverse("criteria:review_dashboard"))]
    for assignment in Assignment.objects.filter(reviewer=user).order_by("pk"):
        name = f"scoring-{assignment.application.reference.lower()}"
        pages.append(DemoPage(name, reverse("criteria:score", args=[assignment.pk])))
    draft = Assignment.objects.filter(
        reviewer=user, review__status=ReviewStatus.IN_PROGRESS
    ).first()
    if draft is not None:
        pages.append(
            DemoPage("declare-conflict", reverse("criteria:declare_conflict", args=[draft.pk]))
        )
    submitted = Assignment.objects.filter(
        reviewer=user, review__status=ReviewStatus.SUBMITTED
    ).first()
    if submitted is not None:
        pages.append(
            DemoPage("panel-scores", reverse("criteria:panel_scores", args=[submitted.pk]))
        )
    return pages


def panel_pages(code, reference):
    return [
        DemoPage("score-matrix", reverse("criteria:score_matrix", args=[reference])),
        DemoPage("moderation", reverse("criteria:moderation_queue", args=[code])),
        DemoPage("calibration", reverse("criteria:calibration", args=[code])),
        DemoPage("ranking", reverse("criteria:ranking", args=[code])),
    ]


def chair_pages(user):
    criteria = Round.objects.get(code=REVIEW_ROUND).criteria_set.criteria
    label = criteria.order_by("position").first().label
    moderate = reverse("criteria:moderate", args=[SEED_APPLICATION, label])
    return [*panel_pages(REVIEW_ROUND, SEED_APPLICATION), DemoPage("moderate", moderate)]


def manager_pages(user):
    code, reference = REVIEW_ROUND, SEED_APPLICATION
    review = Review.objects.filter(assignment__application__reference=reference).first()

    def round_page(name, url_name, round_code=code):
        return DemoPage(name, reverse(url_name, args=[round_code]))

    pages = [
        application_page("application", "application_detail", reference),
        application_page("application-history", "history", reference),
        application_page("application-timeline", "application_timeline", reference),
        application_page("clarification", "request_clarification", reference),
        application_page("decide", "decide", reference),
        round_page("round-edit", "schemes:round_edit", DEMO_ROUND_CODE),
        round_page("round-shares", "schemes:round_shares", DEMO_ROUND_CODE),
        round_page("round-copy", "schemes:round_copy"),
        round_page("round-close", "schemes:round_close", DEMO_ROUND_CODE),
        DemoPage("round-new", reverse("schemes:round_create")),
        round_page("extensions", "schemes:extensions", DEMO_ROUND_CODE),
        round_page("round-timeline", "schemes:round_timeline"),
        round_page("assignments", "criteria:assignments"),
        *panel_pages(code, reference),
        round_page("release-feedback", "criteria:release_feedback", DECIDED_ROUND),
        round_page("committee-paper", "criteria:committee_paper"),
        round_page("exports", "criteria:round_export"),
        round_page("charts", "criteria:round_charts"),
        round_page("pack", "criteria:pack"),
        DemoPage("audit-log", reverse("audit_log")),
        DemoPage("translation-status", reverse("schemes:translation_status")),
    ]
    if review is not None:
        pages.append(DemoPage("reopen-review", reverse("criteria:reopen_review", args=[review.pk])))
    return pages
