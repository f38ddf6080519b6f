"""Conflicts of interest: a conflicted reviewer never opens the application, from anywhere."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from criteria.domain import reviews as domain
from criteria.enums import ConflictKind, ReviewStatus
from criteria.models import Assignment, ConflictOfInterest, Review
from pacesetter.models import Organisation, User
from tests.test_reviews import (
    APPLICANT_CAV,
    MANAGER,
    REVIEWER1,
    REVIEWER2,
    REVIEWER3,
    application,
    assign,
    attach,
    complete_scores,
    criteria_of,
    error_summary,
    field_errors,
    messages_on,
    review_data,
    review_state,
    soup_of,
    submit_review,
    text,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_assignments(db):
    """Start from a panel with nobody assigned: the demo data's own reviews are left out."""
    Assignment.objects.all().delete()


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def reviewer_urls(assignment, attachment):
    return [
        reverse("criteria:score", args=[assignment.pk]),
        reverse("criteria:panel_scores", args=[assignment.pk]),
        reverse("criteria:declare_conflict", args=[assignment.pk]),
        reverse("criteria:review_attachment", args=[assignment.pk, attachment.pk]),
    ]


def statuses(client, urls):
    return [client.get(url).status_code for url in urls]


def listed(client):
    soup = soup_of(client.get(reverse("criteria:review_dashboard")))
    return [row.td.get_text(strip=True) for row in soup.select("#assignments tbody tr")]


def declare(assignment, **fields):
    """A conflict declared as a database row, on the application or its organisation."""
    return ConflictOfInterest.objects.create(
        reviewer=assignment.reviewer, kind=ConflictKind.PERSONAL, **fields
    )


# A conflict the reviewer did not declare: their employer applied.


def test_reviewer_employed_by_the_applicant_is_refused_everywhere_even_when_assigned(
    signed_in, media_root
):
    assignment = assign(REVIEWER3)  # a direct row: the assignment page would have refused it
    attachment = attach(assignment.application)
    client = signed_in(REVIEWER3)

    assert statuses(client, reviewer_urls(assignment, attachment)) == [404, 404, 404, 404]
    assert listed(client) == []


def test_score_post_by_a_reviewer_employed_by_the_applicant_writes_nothing(signed_in):
    assignment = assign(REVIEWER3)

    response = signed_in(REVIEWER3).post(
        reverse("criteria:score", args=[assignment.pk]),
        review_data(assignment, complete_scores(assignment), "fund", action="submit_review"),
    )

    assert response.status_code == 404
    assert review_state(assignment) is None


def test_conflict_post_by_a_reviewer_employed_by_the_applicant_is_not_found(signed_in):
    assignment = assign(REVIEWER3)

    response = signed_in(REVIEWER3).post(
        reverse("criteria:declare_conflict", args=[assignment.pk]),
        {"kind": "employer", "note": "I work there."},
    )

    assert response.status_code == 404
    assert ConflictOfInterest.objects.filter(reviewer=assignment.reviewer).count() == 0


def test_reviewer_employed_by_the_applicant_sees_other_applications(signed_in):
    elsewhere = assign(REVIEWER3, "PS-2018-HDD-001")

    client = signed_in(REVIEWER3)

    assert listed(client) == ["PS-2018-HDD-001"]
    assert client.get(reverse("criteria:score", args=[elsewhere.pk])).status_code == 200


def test_domain_refuses_a_review_by_a_reviewer_employed_by_the_applicant():
    assignment = assign(REVIEWER3)

    with pytest.raises(PermissionDenied):
        domain.review_save(
            assignment=assignment,
            expected_version=0,
            acting_user=assignment.reviewer,
            scores={},
            recommendation="",
            comment="",
        )

    assert review_state(assignment) is None


# Conflicts declared on the application or on its organisation.


@pytest.mark.parametrize("on", ["application", "organisation"])
def test_declared_conflict_refuses_the_reviewer_everywhere(signed_in, media_root, on):
    assignment = assign(REVIEWER1)
    submit_review(assignment)
    attachment = attach(assignment.application)
    target = {
        "application": {"application": assignment.application},
        "organisation": {"organisation": assignment.application.organisation},
    }[on]
    declare(assignment, **target)
    client = signed_in(REVIEWER1)

    assert statuses(client, reviewer_urls(assignment, attachment)) == [404, 404, 404, 404]
    assert listed(client) == []


@pytest.mark.parametrize("on", ["application", "organisation"])
def test_score_post_after_a_declared_conflict_writes_nothing(signed_in, on):
    assignment = assign(REVIEWER1)
    first = criteria_of(assignment)[0]
    signed_in(REVIEWER1).post(
        reverse("criteria:score", args=[assignment.pk]),
        review_data(assignment, {first: (2, "Before I knew.")}),
    )
    target = {
        "application": {"application": assignment.application},
        "organisation": {"organisation": assignment.application.organisation},
    }[on]
    declare(assignment, **target)
    before = review_state(assignment)

    response = signed_in(REVIEWER1).post(
        reverse("criteria:score", args=[assignment.pk]),
        review_data(assignment, {first: (5, "After.")}),
    )

    assert response.status_code == 404
    assert review_state(assignment) == before


def test_conflict_on_another_organisation_changes_nothing(signed_in):
    assignment = assign(REVIEWER1)
    declare(assignment, organisation=Organisation.objects.get(code="HDD"))

    client = signed_in(REVIEWER1)

    assert listed(client) == ["PS-2020-CAV-001"]
    assert client.get(reverse("criteria:score", args=[assignment.pk])).status_code == 200


def test_schemes_pages_stay_not_found_for_an_assigned_reviewer(signed_in, media_root):
    assignment = assign(REVIEWER1)
    attachment = attach(assignment.application)
    client = signed_in(REVIEWER1)

    page = client.get("/applications/PS-2020-CAV-001/")
    download = client.get(
        reverse("schemes:attachment_download", args=["PS-2020-CAV-001", attachment.pk])
    )

    assert (page.status_code, download.status_code) == (404, 404)


def test_conflicted_reviewer_cannot_see_the_panel_scores_of_a_colleague(signed_in):
    colleague = assign(REVIEWER2)
    submit_review(colleague, who="Siân")
    mine = assign(REVIEWER1)
    submit_review(mine, who="Rhodri")
    declare(mine, application=mine.application)
    client = signed_in(REVIEWER1)

    assert client.get(reverse("criteria:panel_scores", args=[mine.pk])).status_code == 404
    assert client.get(reverse("criteria:panel_scores", args=[colleague.pk])).status_code == 404


# Declaring a conflict.


def conflict_url(assignment):
    return reverse("criteria:declare_conflict", args=[assignment.pk])


def test_conflict_page_offers_every_type(signed_in):
    assignment = assign(REVIEWER1)

    soup = soup_of(signed_in(REVIEWER1).get(conflict_url(assignment)))

    assert text(soup.h1) == "Declare a conflict of interest"
    assert [text(label) for label in soup.select(".govuk-radios__label")] == [
        "Employer or organisation",
        "Personal",
        "Financial",
        "Other",
    ]
    assert text(soup.select_one("label[for=id_note]")) == "Describe the conflict"


def test_declare_conflict_withdraws_the_assignment_and_records_it(signed_in):
    assignment = assign(REVIEWER1)
    client = signed_in(REVIEWER1)

    response = client.post(
        conflict_url(assignment),
        {"kind": "financial", "note": "I hold shares in the supplier."},
        follow=True,
    )

    assert response.redirect_chain == [(reverse("criteria:review_dashboard"), 302)]
    assert messages_on(response) == [
        "You have declared a conflict of interest on PS-2020-CAV-001. It has been withdrawn "
        "from your assignments."
    ]
    conflict = ConflictOfInterest.objects.get(reviewer=assignment.reviewer)
    assert (conflict.application, conflict.organisation, conflict.kind, conflict.note) == (
        assignment.application,
        None,
        "financial",
        "I hold shares in the supplier.",
    )
    assignment.refresh_from_db()
    assert assignment.withdrawn_at is not None
    assert assignment.withdrawn_reason == (
        "The reviewer declared a conflict of interest (financial): I hold shares in the supplier."
    )
    latest = assignment.history.order_by("-history_date").first()
    assert (latest.history_user.email, latest.history_change_reason) == (
        REVIEWER1,
        "Conflict of interest declared",
    )
    assert listed(client) == []
    assert client.get(reverse("criteria:score", args=[assignment.pk])).status_code == 404


def test_declare_conflict_after_submitting_takes_the_review_off_the_panel(signed_in):
    mine = assign(REVIEWER1)
    submit_review(mine, who="Rhodri")
    colleague = assign(REVIEWER2)
    submit_review(colleague, who="Siân")

    signed_in(REVIEWER1).post(conflict_url(mine), {"kind": "personal", "note": "My cousin."})

    soup = soup_of(signed_in(REVIEWER2).get(reverse("criteria:panel_scores", args=[colleague.pk])))
    assert [text(row.th) for row in soup.select("[data-panel-criterion='1a'] tbody tr")] == [
        "Siân Morgan"
    ]
    assert Review.objects.get(assignment=mine).status == ReviewStatus.SUBMITTED


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({}, ["Choose the type of conflict", "Describe the conflict of interest"]),
        ({"kind": "personal", "note": "   "}, ["Describe the conflict of interest"]),
        ({"kind": "grudge", "note": "They beat me at golf."}, ["Choose the type of conflict"]),
        (
            {"kind": "other", "note": "x" * 2001},
            ["The description must be 2,000 characters or fewer"],
        ),
    ],
)
def test_declare_conflict_with_bad_input_changes_nothing(signed_in, data, errors):
    assignment = assign(REVIEWER1)

    response = signed_in(REVIEWER1).post(conflict_url(assignment), data)

    assert response.status_code == 200
    assert error_summary(response) == errors
    assert field_errors(response, "kind") + field_errors(response, "note") == errors
    assert ConflictOfInterest.objects.count() == 0
    assert Assignment.objects.get(pk=assignment.pk).withdrawn_at is None


def test_declare_conflict_on_someone_elses_assignment_is_not_found(signed_in):
    theirs = assign(REVIEWER2)

    response = signed_in(REVIEWER1).post(
        conflict_url(theirs), {"kind": "personal", "note": "Not mine to declare."}
    )

    assert response.status_code == 404
    assert ConflictOfInterest.objects.count() == 0


def test_conflict_declare_twice_through_the_domain_is_refused(demo_user):
    assignment = assign(REVIEWER1)
    domain.conflict_declare(
        assignment=assignment, kind="personal", note="Once.", acting_user=assignment.reviewer
    )

    with pytest.raises(PermissionDenied):
        domain.conflict_declare(
            assignment=Assignment.objects.get(pk=assignment.pk),
            kind="personal",
            note="Twice.",
            acting_user=assignment.reviewer,
        )

    assert ConflictOfInterest.objects.count() == 1


def test_conflict_declare_by_another_user_is_refused(demo_user):
    assignment = assign(REVIEWER1)

    with pytest.raises(PermissionDenied):
        domain.conflict_declare(
            assignment=assignment,
            kind="personal",
            note="Declared for them.",
            acting_user=demo_user(MANAGER),
        )

    assert Assignment.objects.get(pk=assignment.pk).withdrawn_at is None


def test_conflict_declare_on_a_withdrawn_assignment_is_refused():
    assignment = assign(REVIEWER1, withdrawn_at=timezone.now())

    with pytest.raises(PermissionDenied):
        domain.conflict_declare(
            assignment=assignment, kind="other", note="Late.", acting_user=assignment.reviewer
        )

    assert ConflictOfInterest.objects.count() == 0


def test_applicant_never_sees_who_declared_a_conflict(signed_in):
    assignment = assign(REVIEWER1)
    signed_in(REVIEWER1).post(
        conflict_url(assignment), {"kind": "personal", "note": "I know the lead."}
    )

    content = signed_in(APPLICANT_CAV).get(application().get_absolute_url()).content.decode()

    assert "Rhodri" not in content
    assert "I know the lead." not in content
    assert User.objects.get(email=REVIEWER1).conflicts.count() == 1


# The one-application question and the scoped query agree.


@pytest.mark.parametrize("declared_on", [None, "application", "organisation", "another"])
@pytest.mark.parametrize("email", [REVIEWER1, REVIEWER3])
def test_is_conflicted_agrees_with_the_conflicted_applications_query(email, declared_on):
    from criteria.conflicts import conflicted_application_ids, is_conflicted
    from schemes.models import Application

    reviewer = User.objects.get(email=email)
    cardiff = application("PS-2020-CAV-001")
    if declared_on == "application":
        ConflictOfInterest.objects.create(
            reviewer=reviewer, application=cardiff, kind=ConflictKind.PERSONAL
        )
    elif declared_on == "organisation":
        ConflictOfInterest.objects.create(
            reviewer=reviewer, organisation=cardiff.organisation, kind=ConflictKind.PERSONAL
        )
    elif declared_on == "another":
        ConflictOfInterest.objects.create(
            reviewer=reviewer,
            application=application("PS-2018-HDD-001"),
            kind=ConflictKind.PERSONAL,
        )
    conflicted = set(conflicted_application_ids(reviewer).values_list("pk", flat=True))

    answers = {app.pk: is_conflicted(reviewer, app) for app in Application.objects.all()}

    assert {pk for pk, answer in answers.items() if answer} == conflicted
    expected = email == REVIEWER3 or declared_on in {"application", "organisation"}
    assert answers[cardiff.pk] is expected
