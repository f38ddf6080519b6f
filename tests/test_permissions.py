"""Every role against every page: who sees what, and who gets a plain 404."""

import re

import pytest
from django.urls import reverse

from pacesetter.permissions import can
from schemes.enums import RoundState
from schemes.models import Application, Round

pytestmark = pytest.mark.django_db

APPLICANT_CAV = "applicant.cav@example.org"
APPLICANT_HDD = "applicant.hdd@example.org"
APPLICANT_PTH = "applicant.pth@example.org"
REVIEWERS = ["reviewer1@example.org", "reviewer2@example.org", "reviewer3@example.org"]
CHAIR = "chair@example.org"
MANAGER = "manager@example.org"
ADMIN = "admin@example.org"
EVERYONE = [APPLICANT_CAV, APPLICANT_HDD, APPLICANT_PTH, *REVIEWERS, CHAIR, MANAGER, ADMIN]

CAV_APPLICATION = "/applications/PS-2020-CAV-001/"
HDD_APPLICATION = "/applications/PS-2018-HDD-001/"

PAGES_FOR_EVERYONE = [
    "/",
    "/rounds/",
    "/rounds/2018-19/",
    "/rounds/2020-22/",
    "/rounds/2027-29/",
    "/criteria/",
    "/criteria/2018-19/v1/",
    "/criteria/2020-22/v1/",
]


MISSING_APPLICATION = "/applications/PS-2020-CAV-999/"


def as_seen(response, path):
    """Page content less the CSRF token, masked afresh on every response, and less the page's
    own address, which the header's language link repeats (each page links to itself in
    the other language)."""
    content = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", response.content)
    return content.replace(path.encode(), b"<this page>")


def expected_status(email, path):
    if path == CAV_APPLICATION:
        return 200 if email in (APPLICANT_CAV, MANAGER, ADMIN) else 404
    if path == HDD_APPLICATION:
        return 200 if email in (APPLICANT_HDD, MANAGER, ADMIN) else 404
    return 200


@pytest.mark.parametrize("email", EVERYONE)
@pytest.mark.parametrize("path", [*PAGES_FOR_EVERYONE, CAV_APPLICATION, HDD_APPLICATION])
def test_page_status_for_every_role(signed_in, email, path):
    response = signed_in(email).get(path)

    assert response.status_code == expected_status(email, path)


@pytest.mark.parametrize("path", [*PAGES_FOR_EVERYONE, CAV_APPLICATION, HDD_APPLICATION])
def test_page_sends_signed_out_visitor_to_sign_in(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={path}"


@pytest.mark.parametrize("email", [APPLICANT_HDD, APPLICANT_PTH, *REVIEWERS, CHAIR])
def test_application_of_another_board_is_the_same_404_as_one_that_does_not_exist(signed_in, email):
    client = signed_in(email)

    forbidden = client.get(CAV_APPLICATION)
    missing = client.get(MISSING_APPLICATION)

    assert forbidden.status_code == missing.status_code == 404
    assert as_seen(forbidden, CAV_APPLICATION) == as_seen(missing, MISSING_APPLICATION)


@pytest.mark.parametrize("email", EVERYONE)
def test_view_application_rule_agrees_with_scoped_queryset(demo_user, email):
    user = demo_user(email)

    for application in Application.objects.all():
        visible = Application.objects.visible_to(user).filter(pk=application.pk).exists()
        assert can(user, "schemes.view_application", application) == visible


@pytest.mark.parametrize("email", EVERYONE)
def test_draft_round_is_seen_only_by_programme_managers(signed_in, demo_user, email):
    Round.objects.filter(code="2027-29").update(state=RoundState.DRAFT)
    draft = Round.objects.get(code="2027-29")
    user = demo_user(email)

    response = signed_in(email).get("/rounds/2027-29/")

    expected = 200 if email in (MANAGER, ADMIN) else 404
    assert response.status_code == expected
    assert can(user, "schemes.view_round", draft) == (expected == 200)
    assert Round.objects.visible_to(user).filter(pk=draft.pk).exists() == (expected == 200)


@pytest.mark.parametrize("email", [e for e in EVERYONE if e != ADMIN])
def test_admin_is_refused_to_everyone_but_the_superuser(signed_in, email):
    response = signed_in(email).get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_admin_lets_the_superuser_edit_reference_data(signed_in):
    client = signed_in(ADMIN)

    for path in [
        "/admin/",
        "/admin/criteria/criteriaset/2/change/",
        "/admin/schemes/questionset/2/change/",
        "/admin/schemes/strategicframework/1/change/",
        "/admin/schemes/round/2/change/",
        "/admin/pacesetter/organisation/4/change/",
        "/admin/schemes/application/1/change/",
        "/admin/pacesetter/user/",
    ]:
        assert client.get(path).status_code == 200, path
