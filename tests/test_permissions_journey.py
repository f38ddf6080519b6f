"""Every role against every page of the applicant journey, including those to be refused."""

import pytest

from pacesetter.models import Organisation
from schemes.enums import ApplicationStatus
from schemes.models import Round
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db

CAV = "applicant.cav@example.org"
OTHERS = ["applicant.hdd@example.org", "applicant.pth@example.org"]
PANEL = [
    "reviewer1@example.org",
    "reviewer2@example.org",
    "reviewer3@example.org",
    "chair@example.org",
]
MANAGERS = ["manager@example.org", "admin@example.org"]
EVERYONE = [CAV, *OTHERS, *PANEL, *MANAGERS]

EDIT_PAGES = [
    "apply/",
    "apply/section/1/",
    "apply/section/2/",
    "apply/components/",
    "apply/declaration/",
    "apply/check/",
    "apply/budget/",
    "apply/attachments/",
]


@pytest.fixture
def application():
    return ApplicationFactory(
        reference="PS-2027-CAV-001",
        round=Round.objects.get(code="2027-29"),
        organisation=Organisation.objects.get(code="CAV"),
        status=ApplicationStatus.DRAFT,
    )


def expected_for_edit_page(email):
    if email == CAV:
        return 200
    if email in MANAGERS:
        return 403  # they see the application but do not write the board's answers
    return 404  # anyone else cannot know it exists


@pytest.mark.parametrize("email", EVERYONE)
@pytest.mark.parametrize("page", EDIT_PAGES)
def test_edit_pages_for_every_role(signed_in, application, email, page):
    response = signed_in(email).get(f"/applications/PS-2027-CAV-001/{page}")

    assert response.status_code == expected_for_edit_page(email)


@pytest.mark.parametrize("email", EVERYONE)
def test_withdraw_page_for_every_role(signed_in, application, email):
    response = signed_in(email).get("/applications/PS-2027-CAV-001/withdraw/")

    expected = 200 if email == CAV else 403 if email in MANAGERS else 404
    assert response.status_code == expected


@pytest.mark.parametrize("email", EVERYONE)
@pytest.mark.parametrize("page", ["clarification/", "history/"])
def test_manager_pages_for_every_role(signed_in, application, email, page):
    application.status = ApplicationStatus.SUBMITTED
    application.save()

    response = signed_in(email).get(f"/applications/PS-2027-CAV-001/{page}")

    expected = 200 if email in MANAGERS else 403 if email == CAV else 404
    assert response.status_code == expected


@pytest.mark.parametrize("email", EVERYONE)
def test_start_page_for_every_role(signed_in, email):
    response = signed_in(email).get("/rounds/2027-29/apply/")

    expected = 200 if email in (CAV, *OTHERS) else 403
    assert response.status_code == expected


@pytest.mark.parametrize("email", EVERYONE)
def test_extensions_page_for_every_role(signed_in, email):
    response = signed_in(email).get("/rounds/2027-29/extensions/")

    assert response.status_code == (200 if email in MANAGERS else 403)


@pytest.mark.parametrize(
    "path",
    [
        *[f"/applications/PS-2027-CAV-001/{page}" for page in EDIT_PAGES],
        "/applications/PS-2027-CAV-001/withdraw/",
        "/applications/PS-2027-CAV-001/receipt/",
        "/rounds/2027-29/apply/",
        "/rounds/2027-29/extensions/",
    ],
)
def test_journey_pages_send_signed_out_visitors_to_sign_in(client, application, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
