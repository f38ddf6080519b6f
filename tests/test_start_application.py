"""Starting an application: a board is asked before it starts a second with the same title."""

import pytest
from bs4 import BeautifulSoup

from pacesetter.models import Organisation
from schemes.enums import ApplicationStatus
from schemes.models import Application, Round
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db

CAV = "applicant.cav@example.org"
START_URL = "/rounds/2027-29/apply/"


@pytest.fixture
def existing():
    return ApplicationFactory(
        reference="PS-2027-CAV-001",
        round=Round.objects.get(code="2027-29"),
        organisation=Organisation.objects.get(code="CAV"),
        title="Cluster quality improvement",
    )


def references():
    return list(
        Application.objects.filter(round__code="2027-29")
        .order_by("reference")
        .values_list("reference", flat=True)
    )


def soup_of(response):
    return BeautifulSoup(response.content, "html.parser")


@pytest.mark.parametrize(
    "title",
    [
        "Cluster quality improvement",
        "  CLUSTER   quality Improvement ",
        "cluster\tquality\nimprovement",
    ],
)
def test_start_with_a_title_the_board_has_in_the_round_asks_first(signed_in, existing, title):
    response = signed_in(CAV).post(START_URL, {"title": title})

    soup = soup_of(response)
    assert response.status_code == 200
    assert soup.h1.get_text(strip=True) == (
        "Your organisation already has an application with this title"
    )
    assert [a["href"] for a in soup.select("#duplicates a")] == ["/applications/PS-2027-CAV-001/"]
    assert references() == ["PS-2027-CAV-001"]


def test_start_confirmed_for_the_same_title_starts_a_second(signed_in, existing):
    response = signed_in(CAV).post(
        START_URL,
        {"title": "Cluster quality improvement", "confirmed_title": "Cluster quality improvement"},
    )

    assert response["Location"] == "/applications/PS-2027-CAV-002/apply/"
    assert references() == ["PS-2027-CAV-001", "PS-2027-CAV-002"]


def test_start_confirmed_for_another_title_asks_again(signed_in, existing):
    response = signed_in(CAV).post(
        START_URL, {"title": "Cluster quality improvement", "confirmed_title": "Something else"}
    )

    assert response.status_code == 200
    assert references() == ["PS-2027-CAV-001"]


def test_start_with_a_new_title_needs_no_confirmation(signed_in, existing):
    response = signed_in(CAV).post(START_URL, {"title": "Cluster quality improvement 2"})

    assert response["Location"] == "/applications/PS-2027-CAV-002/apply/"


def test_start_with_a_title_another_board_or_a_withdrawn_one_has_needs_no_confirmation(
    signed_in, existing
):
    existing.status = ApplicationStatus.WITHDRAWN
    existing.save()
    ApplicationFactory(
        round=existing.round,
        organisation=Organisation.objects.get(code="PTH"),
        title="Cluster quality improvement",
    )

    response = signed_in(CAV).post(START_URL, {"title": "Cluster quality improvement"})

    assert response["Location"] == "/applications/PS-2027-CAV-002/apply/"


def test_start_confirmation_escapes_a_hostile_title(signed_in, existing):
    hostile = '<script>alert(1)</script>" onfocus="x'
    existing.title = hostile
    existing.save()

    response = signed_in(CAV).post(START_URL, {"title": hostile})

    content = response.content.decode()
    soup = soup_of(response)
    assert "<script>alert(1)</script>" not in content
    assert [i["value"] for i in soup.select("form input[type=hidden][name$=title]")] == [
        hostile,
        hostile,
    ]
    assert soup.select("form input[onfocus]") == []
