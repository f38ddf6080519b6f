"""Programme managers set up rounds: create, copy, change, share the envelope, open, close."""

import datetime
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from criteria.models import CriteriaSet
from pacesetter.enums import AuditAction
from pacesetter.models import AuditEvent, Organisation, User
from pacesetter.transitions import Refused
from schemes.domain import round_setup
from schemes.enums import RoundState
from schemes.models import IndicativeShare, QuestionSet, Round, StrategicFramework
from tests.factories import RoundFactory

pytestmark = pytest.mark.django_db

MANAGER = "manager@example.org"
ADMIN = "admin@example.org"
NOT_MANAGERS = ["applicant.cav@example.org", "reviewer1@example.org", "chair@example.org"]
NEW = "/rounds/new/"
LONDON = timezone.get_default_timezone()


def at(*args):
    return datetime.datetime(*args, tzinfo=LONDON)


def criteria_2020():
    return CriteriaSet.objects.get(code="2020-22", version=1)


def round_data(**overrides):
    """A complete, valid POST for the round form: Pacesetter 2029-31."""
    data = {
        "code": "2029-31",
        "name": "Pacesetter 2029-31",
        "opens_date_0": "1",
        "opens_date_1": "4",
        "opens_date_2": "2029",
        "opens_time": "09:00",
        "closes_date_0": "30",
        "closes_date_1": "6",
        "closes_date_2": "2029",
        "closes_time": "17:00",
        "earliest_start_date_0": "1",
        "earliest_start_date_1": "4",
        "earliest_start_date_2": "2030",
        "latest_start_date_0": "31",
        "latest_start_date_1": "3",
        "latest_start_date_2": "2031",
        "max_duration_months": "24",
        "envelope_total": "£1,050,000.00",
        "criteria_set": str(criteria_2020().pk),
        "question_set": str(QuestionSet.objects.get(code="2020-22").pk),
        "frameworks": [
            str(pk)
            for pk in StrategicFramework.objects.filter(rounds__code="2020-22").values_list(
                "pk", flat=True
            )
        ],
        "declaration": "I confirm that the board has agreed this application.",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def page(response):
    return BeautifulSoup(response.content, "html.parser")


def summary_errors(response):
    return [a.get_text(strip=True) for a in page(response).select(".govuk-error-summary__list a")]


def field_error(response, field):
    """The error message shown next to a field (without the hidden "Error:" prefix)."""
    message = page(response).select_one(f"#div_id_{field} .govuk-error-message")
    if message is None:
        return None
    message.select_one(".govuk-visually-hidden").extract()
    return message.get_text(strip=True)


def round_values(round):
    """A round's stored details, to show that a refused change left them as they were."""
    return {
        **Round.objects.filter(pk=round.pk).values().get(),
        "frameworks": sorted(round.frameworks.values_list("pk", flat=True)),
        "shares": sorted(round.indicative_shares.values_list("organisation__code", "amount")),
    }


@pytest.fixture
def draft():
    return RoundFactory(
        code="2031-33",
        name="Pacesetter 2031-33",
        state=RoundState.DRAFT,
        opens_at=timezone.now() + datetime.timedelta(days=10),
        closes_at=timezone.now() + datetime.timedelta(days=60),
        envelope_total=Decimal("100000.00"),
        criteria_set=criteria_2020(),
        question_set=QuestionSet.objects.get(code="2020-22"),
    )


# Creating a round


def test_round_create_makes_a_draft_round_with_every_detail(signed_in, demo_user):
    response = signed_in(MANAGER).post(NEW, round_data())

    round = Round.objects.get(code="2029-31")
    assert response.status_code == 302
    assert response["Location"] == "/rounds/2029-31/"
    assert round.name == "Pacesetter 2029-31"
    assert round.state == RoundState.DRAFT
    assert round.opens_at == at(2029, 4, 1, 9, 0)
    assert round.closes_at == at(2029, 6, 30, 17, 0)
    assert round.earliest_start_date == datetime.date(2030, 4, 1)
    assert round.latest_start_date == datetime.date(2031, 3, 31)
    assert round.max_duration_months == 24
    assert round.envelope_total == Decimal("1050000.00")
    assert round.criteria_set == criteria_2020()
    assert round.question_set.code == "2020-22"
    assert sorted(round.frameworks.values_list("code", flat=True)) == sorted(
        StrategicFramework.objects.filter(rounds__code="2020-22").values_list("code", flat=True)
    )
    assert round.declaration == "I confirm that the board has agreed this application."
    assert round.panel_chair is None
    assert round.indicative_shares.count() == 0
    assert round.history.get().history_user == demo_user(MANAGER)


def test_round_create_with_only_what_is_required_leaves_the_rest_blank(signed_in):
    data = round_data(
        earliest_start_date_0="",
        earliest_start_date_1="",
        earliest_start_date_2="",
        latest_start_date_0="",
        latest_start_date_1="",
        latest_start_date_2="",
        max_duration_months="",
        envelope_total="",
        frameworks=None,
    )

    signed_in(MANAGER).post(NEW, data)

    round = Round.objects.get(code="2029-31")
    assert round.earliest_start_date is None
    assert round.latest_start_date is None
    assert round.max_duration_months is None
    assert round.envelope_total is None
    assert round.frameworks.count() == 0


def test_round_create_page_fills_in_the_standard_declaration(signed_in):
    soup = page(signed_in(MANAGER).get(NEW))

    assert soup.select_one("#id_declaration").get_text().strip() == (
        "I confirm that this application has been agreed by the Health Board Executive "
        "team, the Primary Care Directorate, the relevant cluster and those professionals "
        "responsible for delivering the outcomes."
    )
    assert soup.h1.get_text(strip=True) == "Set up a new round"


BAD_ROUND_INPUT = [
    pytest.param(
        {"closes_date_0": "1", "closes_date_1": "3", "closes_date_2": "2029"},
        "closes_date",
        "The closing time must be after the opening time",
        id="closes-before-opens",
    ),
    pytest.param(
        {"closes_date_0": "1", "closes_date_1": "4", "closes_time": "09:00"},
        "closes_date",
        "The closing time must be after the opening time",
        id="closes-when-opens",
    ),
    pytest.param(
        {"envelope_total": "-5"},
        "envelope_total",
        "Enter an amount of £0.00 or more",
        id="negative-envelope",
    ),
    pytest.param(
        {"envelope_total": "1000.505"},
        "envelope_total",
        "Enter an amount in pounds and pence with no more than 2 decimal places, like 1250.50",
        id="over-precise-envelope",
    ),
    pytest.param(
        {"envelope_total": "1e6"},
        "envelope_total",
        "Enter an amount in pounds and pence, like 1250.50",
        id="exponent-envelope",
    ),
    pytest.param(
        {"code": "2027-29"},
        "code",
        "There is already a round with the code 2027-29",
        id="duplicate-code",
    ),
    pytest.param(
        {"name": "pacesetter 2027-29"},
        "name",
        "There is already a round called pacesetter 2027-29",
        id="duplicate-name",
    ),
    pytest.param(
        {"code": "new"},
        "code",
        "Enter the code as a year, a hyphen and the last two digits of a year, like 2029-31",
        id="code-without-years",
    ),
    pytest.param(
        {"opens_date_0": "31", "opens_date_1": "2"},
        "opens_date",
        "The opening date must be a real date between 2000 and 2100, like 1 4 2029",
        id="unreal-date",
    ),
    pytest.param(
        {"opens_date_2": "99999999999999999999"},
        "opens_date",
        "The opening date must be a real date between 2000 and 2100, like 1 4 2029",
        id="huge-year",
    ),
    pytest.param(
        {"closes_date_1": ""},
        "closes_date",
        "The closing date must be a real date between 2000 and 2100, like 30 6 2029",
        id="date-without-month",
    ),
    pytest.param(
        {"opens_time": "25:00"},
        "opens_time",
        "Enter the time as hours and minutes on the 24-hour clock, like 17:00",
        id="unreal-time",
    ),
    pytest.param(
        {"closes_time": ""},
        "closes_time",
        "Enter the closing time, like 17:00",
        id="missing-time",
    ),
    pytest.param(
        {"latest_start_date_2": "2029"},
        "latest_start_date",
        "The latest scheme start date must be the same as or after the earliest",
        id="start-window-backwards",
    ),
    pytest.param(
        {"max_duration_months": "0"},
        "max_duration_months",
        "The maximum duration must be at least 1 month",
        id="zero-duration",
    ),
    pytest.param(
        {"max_duration_months": "two years"},
        "max_duration_months",
        "Enter the maximum duration as a whole number of months, like 24",
        id="duration-in-words",
    ),
    pytest.param(
        {"criteria_set": "999999"},
        "criteria_set",
        "Choose a criteria set from the list",
        id="unknown-criteria-set",
    ),
]


@pytest.mark.parametrize(("overrides", "field", "message"), BAD_ROUND_INPUT)
def test_round_create_refuses_bad_input_with_a_message_and_creates_nothing(
    signed_in, overrides, field, message
):
    count = Round.objects.count()

    response = signed_in(MANAGER).post(NEW, round_data(**overrides))

    assert response.status_code == 200
    assert field_error(response, field) == message
    assert summary_errors(response) == [message]
    assert page(response).title.get_text().startswith("Error: Set up a new round")
    assert Round.objects.count() == count


def test_round_create_domain_refuses_a_duplicate_code_and_creates_nothing(demo_user):
    count = Round.objects.count()

    with pytest.raises(Refused) as refusal:
        round_setup.round_create(
            acting_user=demo_user(MANAGER),
            code="2027-29",
            name="Another",
            opens_at=at(2029, 4, 1, 9),
            closes_at=at(2029, 6, 1, 9),
            criteria_set=criteria_2020(),
            question_set=QuestionSet.objects.get(code="2020-22"),
        )

    assert refusal.value.errors == {"code": "There is already a round with the code 2027-29"}
    assert Round.objects.count() == count


@pytest.mark.parametrize("email", NOT_MANAGERS)
def test_round_create_domain_refuses_anyone_but_a_manager(demo_user, email):
    count = Round.objects.count()

    with pytest.raises(PermissionDenied):
        round_setup.round_create(
            acting_user=demo_user(email),
            code="2029-31",
            name="Pacesetter 2029-31",
            opens_at=at(2029, 4, 1, 9),
            closes_at=at(2029, 6, 1, 9),
            criteria_set=criteria_2020(),
            question_set=QuestionSet.objects.get(code="2020-22"),
        )

    assert Round.objects.count() == count


def test_round_create_without_csrf_token_is_refused(demo_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(demo_user(MANAGER))
    count = Round.objects.count()

    response = client.post(NEW, round_data())

    assert response.status_code == 403
    assert Round.objects.count() == count


def test_round_new_is_not_read_as_a_round_code(signed_in):
    response = signed_in(MANAGER).get(NEW)

    assert response.resolver_match.view_name == "schemes:round_create"


# Copying a round


def test_round_copy_page_suggests_the_next_code_name_and_times(signed_in):
    source = Round.objects.get(code="2020-22")
    opens = timezone.localtime(source.opens_at)

    soup = page(signed_in(MANAGER).get("/rounds/2020-22/copy/"))

    assert soup.select_one("#id_code")["value"] == "2022-24"
    assert soup.select_one("#id_name")["value"] == "Pacesetter 2022-24"
    assert soup.select_one("#id_opens_date_2")["value"] == str(opens.year + 2)
    assert soup.select_one("#id_opens_time")["value"] == opens.strftime("%H:%M")


def test_round_copy_copies_sets_frameworks_money_shares_and_declaration(signed_in, demo_user):
    source = Round.objects.get(code="2027-29")
    data = {
        key: value
        for key, value in round_data().items()
        if key.startswith(("code", "name", "opens", "closes"))
    }

    response = signed_in(MANAGER).post("/rounds/2027-29/copy/", data)

    copy = Round.objects.get(code="2029-31")
    assert response["Location"] == "/rounds/2029-31/"
    assert copy.state == RoundState.DRAFT
    assert copy.name == "Pacesetter 2029-31"
    assert copy.opens_at == at(2029, 4, 1, 9, 0)
    assert copy.closes_at == at(2029, 6, 30, 17, 0)
    assert copy.criteria_set == source.criteria_set
    assert copy.question_set == source.question_set
    assert sorted(copy.frameworks.values_list("pk", flat=True)) == sorted(
        source.frameworks.values_list("pk", flat=True)
    )
    assert copy.max_duration_months == 24
    assert copy.envelope_total == Decimal("1050000.00")
    assert sorted(copy.indicative_shares.values_list("organisation__code", "amount")) == sorted(
        source.indicative_shares.values_list("organisation__code", "amount")
    )
    assert copy.indicative_shares.count() == 7
    assert copy.declaration == source.declaration
    assert copy.earliest_start_date == datetime.date(2029, 4, 1)
    assert copy.latest_start_date == datetime.date(2030, 3, 31)
    assert copy.panel_chair is None
    assert copy.history.get().history_user == demo_user(MANAGER)


def test_round_copy_refuses_a_duplicate_code_and_creates_nothing(signed_in):
    count = Round.objects.count()
    data = round_data(code="2020-22")

    response = signed_in(MANAGER).post("/rounds/2027-29/copy/", data)

    assert field_error(response, "code") == "There is already a round with the code 2020-22"
    assert summary_errors(response) == ["There is already a round with the code 2020-22"]
    assert Round.objects.count() == count


def test_round_copy_refuses_closing_before_opening(signed_in):
    count = Round.objects.count()
    data = round_data(closes_date_2="2028")

    response = signed_in(MANAGER).post("/rounds/2027-29/copy/", data)

    assert summary_errors(response) == ["The closing time must be after the opening time"]
    assert Round.objects.count() == count


def test_shift_years_moves_29_february_to_28_february():
    assert round_setup.shift_years(datetime.date(2028, 2, 29), 1) == datetime.date(2029, 2, 28)


# Changing a round's details


def test_round_edit_changes_every_detail_of_a_draft_round(signed_in, draft):
    flat = CriteriaSet.objects.get(code="2018-19")
    data = round_data(
        criteria_set=str(flat.pk),
        question_set=str(QuestionSet.objects.get(code="2018-19").pk),
        envelope_total="200000",
    )

    response = signed_in(MANAGER).post("/rounds/2031-33/edit/", data)

    draft.refresh_from_db()
    assert response["Location"] == "/rounds/2029-31/"
    assert draft.code == "2029-31"
    assert draft.opens_at == at(2029, 4, 1, 9, 0)
    assert draft.criteria_set == flat
    assert draft.question_set.code == "2018-19"
    assert draft.envelope_total == Decimal("200000.00")
    assert draft.state == RoundState.DRAFT


def test_round_edit_page_shows_the_round_as_it_is(signed_in):
    soup = page(signed_in(MANAGER).get("/rounds/2027-29/edit/"))

    assert soup.select_one("#id_code")["value"] == "2027-29"
    assert soup.select_one("#id_envelope_total")["value"] == "1050000.00"
    assert soup.select_one("#id_max_duration_months")["value"] == "24"
    assert soup.select_one("#id_criteria_set").has_attr("disabled")
    assert soup.select_one("#id_question_set").has_attr("disabled")


def test_round_edit_of_an_open_round_keeps_its_code_and_sets(signed_in):
    round = Round.objects.get(code="2027-29")
    before = (round.code, round.criteria_set_id, round.question_set_id)
    data = round_data(
        code="2027-30",
        name="Pacesetter 2027-29 (renamed)",
        criteria_set=str(CriteriaSet.objects.get(code="2018-19").pk),
        question_set=str(QuestionSet.objects.get(code="2018-19").pk),
    )

    response = signed_in(MANAGER).post("/rounds/2027-29/edit/", data)

    round.refresh_from_db()
    assert response["Location"] == "/rounds/2027-29/"
    assert (round.code, round.criteria_set_id, round.question_set_id) == before
    assert round.name == "Pacesetter 2027-29 (renamed)"
    assert round.state == RoundState.OPEN


def test_round_update_domain_refuses_a_new_criteria_set_for_an_open_round(demo_user):
    round = Round.objects.get(code="2027-29")
    before = round_values(round)
    details = {
        field: getattr(round, field)
        for field in [
            "code",
            "name",
            "opens_at",
            "closes_at",
            "earliest_start_date",
            "latest_start_date",
            "max_duration_months",
            "envelope_total",
            "question_set",
            "declaration",
        ]
    }

    with pytest.raises(Refused) as refusal:
        round_setup.round_update(
            round=round,
            acting_user=demo_user(MANAGER),
            criteria_set=CriteriaSet.objects.get(code="2018-19"),
            frameworks=[],
            **details,
        )

    assert refusal.value.errors == {
        "criteria_set": "The criteria set can be changed only while the round is a draft"
    }
    assert round_values(round) == before


@pytest.mark.parametrize("code", ["2018-19", "2020-22"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_round_edit_after_the_round_closes_is_refused_with_a_message(signed_in, code, method):
    round = Round.objects.get(code=code)
    before = round_values(round)

    response = getattr(signed_in(MANAGER), method)(f"/rounds/{code}/edit/", round_data())

    assert response.status_code == 403
    assert page(response).select_one("main p").get_text(strip=True) == (
        f"The round is {round.get_state_display().lower()}, so its details can no longer "
        "be changed."
    )
    assert round_values(round) == before


def test_round_edit_refuses_an_envelope_smaller_than_the_shares(signed_in):
    round = Round.objects.get(code="2027-29")
    before = round_values(round)
    message = (
        "The indicative shares add up to £1,050,000.00, which is more than the envelope "
        "of £1,000,000.00"
    )

    response = signed_in(MANAGER).post(
        "/rounds/2027-29/edit/", round_data(code="2027-29", envelope_total="1000000")
    )

    assert field_error(response, "envelope_total") == message
    assert summary_errors(response) == [message]
    assert round_values(round) == before


def test_round_edit_refuses_removing_the_envelope_of_a_round_with_shares(signed_in):
    round = Round.objects.get(code="2027-29")
    before = round_values(round)

    response = signed_in(MANAGER).post(
        "/rounds/2027-29/edit/", round_data(code="2027-29", envelope_total="")
    )

    assert summary_errors(response) == [
        "Enter an envelope: the indicative shares add up to £1,050,000.00, so the envelope "
        "must be at least that"
    ]
    assert round_values(round) == before


def test_round_edit_refuses_another_rounds_name(signed_in, draft):
    before = round_values(draft)

    response = signed_in(MANAGER).post(
        "/rounds/2031-33/edit/", round_data(code="2031-33", name="Pacesetter 2020-22")
    )

    assert field_error(response, "name") == "There is already a round called Pacesetter 2020-22"
    assert round_values(draft) == before


def test_round_edit_keeps_the_rounds_own_code_and_name(signed_in, draft):
    response = signed_in(MANAGER).post(
        "/rounds/2031-33/edit/",
        round_data(code="2031-33", name="Pacesetter 2031-33", envelope_total="5"),
    )

    draft.refresh_from_db()
    assert response.status_code == 302
    assert draft.envelope_total == Decimal("5.00")


# Indicative shares


def share_field(code):
    return f"share_{Organisation.objects.get(code=code).pk}"


def test_round_shares_replace_the_rounds_shares(signed_in, draft, demo_user):
    client = signed_in(MANAGER)
    client.post(
        "/rounds/2031-33/shares/", {share_field("CAV"): "40,000.00", share_field("HDD"): "60000"}
    )

    response = client.post("/rounds/2031-33/shares/", {share_field("PTH"): "£25,000.50"})

    assert response["Location"] == "/rounds/2031-33/"
    assert list(draft.indicative_shares.values_list("organisation__code", "amount")) == [
        ("PTH", Decimal("25000.50"))
    ]
    assert draft.history.first().history_user == demo_user(MANAGER)
    assert draft.history.first().history_change_reason == "Indicative shares changed"


def test_round_shares_page_offers_every_health_board(signed_in, draft):
    soup = page(signed_in(MANAGER).get("/rounds/2031-33/shares/"))

    assert [label.get_text(strip=True) for label in soup.select("main form label")] == list(
        Organisation.objects.health_boards().order_by("name").values_list("name", flat=True)
    )


def test_round_shares_page_shows_the_current_shares(signed_in):
    soup = page(signed_in(MANAGER).get("/rounds/2027-29/shares/"))

    assert soup.select_one(f"#id_{share_field('CAV')}")["value"] == "150000.00"


def test_round_shares_over_the_envelope_are_refused(signed_in, draft):
    IndicativeShare.objects.create(
        round=draft, organisation=Organisation.objects.get(code="CAV"), amount=Decimal("10")
    )
    before = round_values(draft)
    message = (
        "The indicative shares add up to £100,000.01, which is more than the envelope "
        "of £100,000.00"
    )

    response = signed_in(MANAGER).post(
        "/rounds/2031-33/shares/", {share_field("CAV"): "50000", share_field("HDD"): "50000.01"}
    )

    assert response.status_code == 200
    assert summary_errors(response) == [message]
    assert round_values(draft) == before


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-1", "Enter an amount of £0.00 or more"),
        (
            "10.001",
            "Enter an amount in pounds and pence with no more than 2 decimal places, like 1250.50",
        ),
        ("ten pounds", "Enter an amount in pounds and pence, like 1250.50"),
    ],
)
def test_round_shares_refuse_bad_amounts(signed_in, draft, amount, message):
    before = round_values(draft)

    response = signed_in(MANAGER).post(
        "/rounds/2031-33/shares/", {share_field("CAV"): "10", share_field("HDD"): amount}
    )

    assert field_error(response, share_field("HDD")) == message
    assert summary_errors(response) == [message]
    assert round_values(draft) == before


def test_round_shares_without_an_envelope_are_refused(signed_in, draft):
    Round.objects.filter(pk=draft.pk).update(envelope_total=None)
    before = round_values(draft)

    response = signed_in(MANAGER).post("/rounds/2031-33/shares/", {share_field("CAV"): "10"})

    assert summary_errors(response) == [
        "Enter an envelope: the indicative shares add up to £10.00, so the envelope must be "
        "at least that"
    ]
    assert round_values(draft) == before


def test_round_shares_of_a_closed_round_are_refused(signed_in):
    round = Round.objects.get(code="2018-19")
    before = round_values(round)

    response = signed_in(MANAGER).post("/rounds/2018-19/shares/", {share_field("CAV"): "10"})

    assert response.status_code == 403
    assert round_values(round) == before


# Opening and closing


def test_round_open_opens_a_draft_round_now(signed_in, draft, demo_user):
    client = signed_in(MANAGER)

    confirm = client.get("/rounds/2031-33/open/")
    response = client.post("/rounds/2031-33/open/")

    draft.refresh_from_db()
    assert [b.get_text(strip=True) for b in page(confirm).select("main form button")] == [
        "Open the round"
    ]
    assert response["Location"] == "/rounds/2031-33/"
    assert draft.state == RoundState.OPEN
    assert draft.opens_at <= timezone.now()
    assert draft.is_open_for_applications() is True
    event = AuditEvent.objects.get(round_pk=draft.pk, action=AuditAction.ROUND_OPENED)
    assert (event.actor, event.from_state, event.to_state) == (
        demo_user(MANAGER),
        RoundState.DRAFT,
        RoundState.OPEN,
    )
    detail = client.get("/rounds/2031-33/")
    assert [
        p.get_text(strip=True) for p in page(detail).select(".govuk-notification-banner p")
    ] == ["Pacesetter 2031-33 is now open."]


def test_round_open_of_an_open_round_shows_the_refusal(signed_in):
    round = Round.objects.get(code="2027-29")
    before = round_values(round)

    response = signed_in(MANAGER).post("/rounds/2027-29/open/")

    assert response.status_code == 200
    assert page(response).select_one(".govuk-error-summary__body").get_text(strip=True) == (
        "The round is open, so it cannot be moved to open."
    )
    assert round_values(round) == before


def test_round_open_after_the_closing_time_is_refused(signed_in, draft):
    Round.objects.filter(pk=draft.pk).update(
        opens_at=timezone.now() - datetime.timedelta(days=20),
        closes_at=timezone.now() - datetime.timedelta(days=1),
    )
    before = round_values(draft)

    response = signed_in(MANAGER).post("/rounds/2031-33/open/")

    assert page(response).select_one(".govuk-error-summary__body").get_text(strip=True) == (
        "The round’s closing time has passed. Change it before opening the round."
    )
    assert round_values(draft) == before


def test_round_close_of_a_draft_round_shows_the_refusal(signed_in, draft):
    before = round_values(draft)
    client = signed_in(MANAGER)

    confirm = client.get("/rounds/2031-33/close/")
    response = client.post("/rounds/2031-33/close/")

    message = "The round is draft, so it cannot be moved to closed."
    assert page(confirm).select_one(".govuk-error-summary__body").get_text(strip=True) == message
    assert page(confirm).select("main form") == []
    assert page(response).select_one(".govuk-error-summary__body").get_text(strip=True) == message
    assert page(response).title.get_text().startswith("Error: Close the round")
    assert round_values(draft) == before
    assert (
        AuditEvent.objects.filter(round_pk=draft.pk, action=AuditAction.ROUND_CLOSED).count() == 0
    )


def test_round_close_closes_an_open_round_now(signed_in):
    client = signed_in(MANAGER)

    response = client.post("/rounds/2027-29/close/")

    round = Round.objects.get(code="2027-29")
    assert response["Location"] == "/rounds/2027-29/"
    assert round.state == RoundState.CLOSED
    assert round.closes_at <= timezone.now()


def test_round_close_without_csrf_token_is_refused(demo_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(demo_user(MANAGER))

    response = client.post("/rounds/2027-29/close/")

    assert response.status_code == 403
    assert Round.objects.get(code="2027-29").state == RoundState.OPEN


# Who may do what

ROUND_PAGES = [
    NEW,
    "/rounds/2027-29/copy/",
    "/rounds/2027-29/edit/",
    "/rounds/2027-29/shares/",
    "/rounds/2027-29/open/",
    "/rounds/2027-29/close/",
]


@pytest.mark.parametrize("email", [MANAGER, ADMIN])
@pytest.mark.parametrize("path", ROUND_PAGES)
def test_round_setup_page_is_shown_to_programme_managers(signed_in, email, path):
    response = signed_in(email).get(path)

    assert response.status_code == 200


@pytest.mark.parametrize("email", NOT_MANAGERS)
@pytest.mark.parametrize("path", ROUND_PAGES)
@pytest.mark.parametrize("method", ["get", "post"])
def test_round_setup_page_is_refused_to_everyone_else(signed_in, email, path, method):
    round = Round.objects.get(code="2027-29")
    before = (Round.objects.count(), round_values(round))

    response = getattr(signed_in(email), method)(path, round_data(code="2027-29"))

    assert response.status_code == 403
    assert (Round.objects.count(), round_values(round)) == before


@pytest.mark.parametrize("path", ROUND_PAGES)
def test_round_setup_page_sends_signed_out_visitor_to_sign_in(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={path}"


@pytest.mark.parametrize("email", NOT_MANAGERS)
@pytest.mark.parametrize("action", ["copy", "edit", "shares", "open", "close"])
def test_round_setup_page_of_a_draft_round_is_404_to_non_managers(signed_in, draft, email, action):
    response = signed_in(email).get(f"/rounds/2031-33/{action}/")

    assert response.status_code == 404


def test_round_setup_page_of_a_missing_round_is_404(signed_in):
    response = signed_in(MANAGER).get("/rounds/2099-01/edit/")

    assert response.status_code == 404


def manager_links(response):
    soup = page(response)
    heading = soup.find("h2", string="Manage this round")
    if heading is None:
        return None
    return [a.get_text(strip=True) for a in heading.find_next("ul").select("a")]


def test_round_page_offers_managers_the_moves_a_draft_round_allows(signed_in, draft):
    links = manager_links(signed_in(MANAGER).get("/rounds/2031-33/"))

    assert links == [
        "Change round details",
        "Change indicative shares",
        "Open the round",
        "Copy this round",
        "Deadline extensions",
        "Timeline",
    ]


def test_round_page_offers_managers_the_moves_an_open_round_allows(signed_in):
    links = manager_links(signed_in(ADMIN).get("/rounds/2027-29/"))

    assert links == [
        "Change round details",
        "Change indicative shares",
        "Close the round",
        "Copy this round",
        "Deadline extensions",
        "Timeline",
    ]


def test_round_page_offers_only_a_copy_of_a_closed_round(signed_in):
    links = manager_links(signed_in(MANAGER).get("/rounds/2018-19/"))

    assert links == ["Copy this round", "Deadline extensions", "Timeline"]


@pytest.mark.parametrize("email", NOT_MANAGERS)
def test_round_pages_offer_no_setup_to_non_managers(signed_in, email):
    client = signed_in(email)

    assert manager_links(client.get("/rounds/2027-29/")) is None
    assert page(client.get("/rounds/")).find("a", string="New round") is None


def test_round_list_offers_managers_a_new_round(signed_in):
    soup = page(signed_in(MANAGER).get("/rounds/"))

    assert soup.find("a", string="New round")["href"] == NEW


# Whatever is typed, never a 500, and only valid input creates a round


def mostly(valid, hostile):
    """Valid-looking input three times in four, so that some examples create a round."""
    return st.one_of(valid, valid, valid, hostile)


MONEY_TEXT = mostly(
    st.decimals(min_value=0, max_value=10**8, places=2).map(str),
    st.one_of(
        st.text(max_size=30),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
        st.sampled_from(["£12.5", "-1", "1.001", "1e3", "100000000.01", "1,00,000"]),
    ),
)
HOSTILE_DATE_PART = st.one_of(
    st.text(max_size=8), st.integers(min_value=-10, max_value=10**25).map(str)
)
DAY_TEXT = mostly(st.integers(1, 31).map(str), HOSTILE_DATE_PART)
MONTH_TEXT = mostly(st.integers(1, 12).map(str), HOSTILE_DATE_PART)
YEAR_TEXT = mostly(st.integers(2030, 2101).map(str), HOSTILE_DATE_PART)
TIME_TEXT = mostly(
    st.times().map(lambda t: t.strftime("%H:%M")),
    st.one_of(st.text(max_size=10), st.sampled_from(["24:00", "9", "noon", "12:60"])),
)


class TestHostileRoundInput(HypothesisTestCase):
    @settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        envelope=MONEY_TEXT,
        day=DAY_TEXT,
        month=MONTH_TEXT,
        year=YEAR_TEXT,
        time=TIME_TEXT,
    )
    @example(envelope="1,050,000.00", day="30", month="6", year="2031", time="17:00")
    @example(envelope="1.005", day="31", month="2", year="2031", time="24:00")
    def test_round_form_never_crashes_and_only_valid_input_creates_a_round(
        self, envelope, day, month, year, time
    ):
        self.client.force_login(User.objects.get(email=MANAGER))
        count = Round.objects.count()
        data = round_data(
            envelope_total=envelope,
            closes_date_0=day,
            closes_date_1=month,
            closes_date_2=year,
            closes_time=time,
        )

        response = self.client.post(NEW, data)

        assert response.status_code in (200, 302)
        if response.status_code == 200:
            assert Round.objects.count() == count
            assert summary_errors(response) != []
        else:
            round = Round.objects.get(code="2029-31")
            assert round.closes_at > round.opens_at == at(2029, 4, 1, 9, 0)
            assert 2029 <= timezone.localtime(round.closes_at).year <= 2100
            assert round.envelope_total is None or (
                Decimal("0") <= round.envelope_total <= Decimal("100000000")
                and round.envelope_total == round.envelope_total.quantize(Decimal("0.01"))
            )
