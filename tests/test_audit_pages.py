"""The pages programme managers read the audit trail on: timelines and the portal-wide log."""

import csv
import datetime
import io
import json

import pytest
from bs4 import BeautifulSoup
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from pacesetter.audit import audit_record
from pacesetter.enums import AuditAction
from pacesetter.models import AuditEvent
from pacesetter.spreadsheets import spreadsheet_safe
from schemes.enums import ApplicationStatus, RoundState
from schemes.models import Application, Round
from tests.factories import ApplicationFactory, RoundFactory
from tests.hostile_queries import LIST_SETTINGS, query_strings

pytestmark = pytest.mark.django_db

MANAGER = "manager@example.org"
APPLICANT = "applicant.cav@example.org"
OTHER_APPLICANT = "applicant.hdd@example.org"
REVIEWER = "reviewer1@example.org"

APPLICATION = "PS-2020-CAV-001"
ROUND = "2020-22"
APPLICATION_TIMELINE = f"/applications/{APPLICATION}/timeline/"
ROUND_TIMELINE = f"/rounds/{ROUND}/timeline/"
LOG = "/audit/"
CSV = "/audit/events.csv"


@pytest.fixture(autouse=True)
def no_events(db):
    """Start from an empty audit trail, whatever the demo data wrote."""
    AuditEvent.objects.all().delete()


@pytest.fixture
def signed_in(signed_in):
    """Sign in, then forget the sign-in's own audit event: these tests count the others.

    (That signing in is audited is tested in tests/test_audit.py.)
    """

    def sign_in(email):
        before = set(AuditEvent.objects.values_list("pk", flat=True))
        client = signed_in(email)
        AuditEvent.objects.exclude(pk__in=before).filter(action=AuditAction.SIGN_IN).delete()
        return client

    return sign_in


def at(day, hour=12):
    """A moment in March 2027, London time."""
    return timezone.make_aware(datetime.datetime(2027, 3, day, hour))


def event_ids(response):
    soup = BeautifulSoup(response.content, "html.parser")
    return [int(row["data-event"]) for row in soup.select("#audit-events tbody tr")]


def text_of(response, selector):
    soup = BeautifulSoup(response.content, "html.parser")
    return [" ".join(each.get_text(" ").split()) for each in soup.select(selector)]


# Who may read them ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("email", "url", "expected"),
    [
        (MANAGER, APPLICATION_TIMELINE, 200),
        (APPLICANT, APPLICATION_TIMELINE, 403),
        (OTHER_APPLICANT, APPLICATION_TIMELINE, 404),
        # Reviewers open applications only through their reviews, so the application is not
        # there for them at all.
        (REVIEWER, APPLICATION_TIMELINE, 404),
        (MANAGER, ROUND_TIMELINE, 200),
        (APPLICANT, ROUND_TIMELINE, 403),
        (REVIEWER, ROUND_TIMELINE, 403),
        (MANAGER, LOG, 200),
        (APPLICANT, LOG, 403),
        (REVIEWER, LOG, 403),
        (MANAGER, CSV, 200),
        (APPLICANT, CSV, 403),
        (REVIEWER, CSV, 403),
    ],
)
def test_audit_pages_open_for_managers_only(signed_in, email, url, expected):
    response = signed_in(email).get(url)

    assert response.status_code == expected


@pytest.mark.parametrize("url", [APPLICATION_TIMELINE, ROUND_TIMELINE, LOG, CSV])
def test_audit_pages_send_anonymous_visitors_to_sign_in(client, url):
    response = client.get(url)

    assert (response.status_code, response.url) == (302, f"/accounts/login/?next={url}")


def test_audit_pages_refused_write_no_download_event(signed_in):
    signed_in(APPLICANT).get(CSV)

    assert AuditEvent.objects.count() == 0


def test_draft_round_timeline_is_not_found_for_an_applicant(signed_in):
    RoundFactory(code="2040-41", state=RoundState.DRAFT)

    response = signed_in(APPLICANT).get("/rounds/2040-41/timeline/")

    assert response.status_code == 404


@pytest.mark.parametrize(("email", "shown"), [(MANAGER, 1), (APPLICANT, 0), (REVIEWER, 0)])
def test_audit_log_link_is_in_the_navigation_for_managers_only(signed_in, email, shown):
    response = signed_in(email).get("/rounds/")

    assert text_of(response, "#navigation a[href='/audit/']") == ["Audit log"] * shown


@pytest.mark.parametrize(
    ("email", "url", "link", "shown"),
    [
        (MANAGER, f"/applications/{APPLICATION}/", APPLICATION_TIMELINE, 1),
        (APPLICANT, f"/applications/{APPLICATION}/", APPLICATION_TIMELINE, 0),
        (MANAGER, f"/rounds/{ROUND}/", ROUND_TIMELINE, 1),
        (APPLICANT, f"/rounds/{ROUND}/", ROUND_TIMELINE, 0),
    ],
)
def test_timelines_are_linked_from_their_record_for_managers_only(
    signed_in, email, url, link, shown
):
    response = signed_in(email).get(url)

    assert text_of(response, f"main a[href='{link}']") == ["Timeline"] * shown


# The timelines -------------------------------------------------------------------------------


def test_application_timeline_shows_its_events_newest_first_with_labels(signed_in, demo_user):
    manager = demo_user(MANAGER)
    application = Application.objects.get(reference=APPLICATION)
    other = Application.objects.get(reference="PS-2018-HDD-001")
    submitted = audit_record(
        AuditAction.APPLICATION_SUBMITTED,
        actor=demo_user(APPLICANT),
        obj=application,
        from_state=ApplicationStatus.DRAFT,
        to_state=ApplicationStatus.SUBMITTED,
        at=at(1),
    )
    returned = audit_record(
        AuditAction.APPLICATION_RETURNED,
        actor=manager,
        obj=application,
        from_state=ApplicationStatus.SUBMITTED,
        to_state=ApplicationStatus.CLARIFICATION,
        reason="Please say more about staffing.\nAnd the second year.",
        details={"sections": [2, 3], "urgent": True},
        at=at(2),
    )
    audit_record(AuditAction.APPLICATION_SUBMITTED, actor=manager, obj=other, at=at(3))

    response = signed_in(MANAGER).get(APPLICATION_TIMELINE)

    assert event_ids(response) == [returned.pk, submitted.pk]
    assert text_of(response, "#audit-events tbody tr") == [
        f"2 March 2027 at midday Elin Roberts Returned for clarification Application "
        f"{application} From Submitted to Returned for clarification "
        "Please say more about staffing. And the second year. Sections: 2, 3 Urgent: Yes",
        f"1 March 2027 at midday Carys Evans Application submitted Application {application} "
        "From Draft to Submitted",
    ]
    assert text_of(response, "#audit-events tbody a") == [str(application)] * 2


def test_application_timeline_keeps_a_long_reason_whole(signed_in, demo_user):
    application = Application.objects.get(reference=APPLICATION)
    reason = "word " * 1000
    audit_record(
        AuditAction.APPLICATION_RETURNED, actor=demo_user(MANAGER), obj=application, reason=reason
    )

    response = signed_in(MANAGER).get(APPLICATION_TIMELINE)

    assert text_of(response, "[data-reason]") == [reason.strip()]


def test_application_timeline_is_paged_fifty_at_a_time(signed_in, demo_user):
    application = Application.objects.get(reference=APPLICATION)
    events = [
        audit_record(
            AuditAction.APPLICATION_SUBMITTED,
            actor=demo_user(MANAGER),
            obj=application,
            at=at(1) + datetime.timedelta(minutes=number),
        )
        for number in range(53)
    ]
    client = signed_in(MANAGER)

    first = client.get(APPLICATION_TIMELINE)
    second = client.get(APPLICATION_TIMELINE, {"page": "2"})

    assert event_ids(first) == [event.pk for event in reversed(events[3:])]
    assert event_ids(second) == [event.pk for event in reversed(events[:3])]
    assert text_of(second, "[data-event-count]") == ["Showing 51 to 53 of 53 events"]


def test_round_timeline_shows_the_round_and_its_applications_events(signed_in, demo_user):
    manager = demo_user(MANAGER)
    round = Round.objects.get(code=ROUND)
    application = Application.objects.get(reference=APPLICATION)
    closed = audit_record(
        AuditAction.ROUND_CLOSED,
        actor=manager,
        obj=round,
        from_state=RoundState.OPEN,
        to_state=RoundState.CLOSED,
        at=at(2),
    )
    submitted = audit_record(
        AuditAction.APPLICATION_SUBMITTED, actor=manager, obj=application, at=at(1)
    )
    audit_record(AuditAction.ROUND_CLOSED, actor=manager, obj=RoundFactory(), at=at(3))

    response = signed_in(MANAGER).get(ROUND_TIMELINE)

    assert event_ids(response) == [closed.pk, submitted.pk]
    assert text_of(response, "#audit-events tbody tr:first-child td:nth-child(5)") == [
        "From Open to Closed"
    ]


def test_timeline_row_of_a_deleted_record_has_no_link(signed_in, demo_user):
    round = RoundFactory(state=RoundState.DRAFT)
    audit_record(AuditAction.ROUND_CREATED, actor=demo_user(MANAGER), obj=round, at=at(1))
    label = str(round)
    round_pk = round.pk
    round.delete()

    response = signed_in(MANAGER).get(LOG)

    assert text_of(response, "#audit-events tbody td:nth-child(4)") == [f"Funding round {label}"]
    assert text_of(response, "#audit-events tbody td:nth-child(4) a") == []
    assert AuditEvent.objects.get().round_pk == round_pk


# The portal-wide log's filters ---------------------------------------------------------------


@pytest.fixture
def trail(demo_user):
    """Four events by two people on two kinds of record over four days."""
    manager, applicant = demo_user(MANAGER), demo_user(APPLICANT)
    application = Application.objects.get(reference=APPLICATION)
    round = Round.objects.get(code=ROUND)
    return {
        "submitted": audit_record(
            AuditAction.APPLICATION_SUBMITTED, actor=applicant, obj=application, at=at(1)
        ),
        "returned": audit_record(
            AuditAction.APPLICATION_RETURNED, actor=manager, obj=application, at=at(2, 23)
        ),
        "closed": audit_record(AuditAction.ROUND_CLOSED, actor=manager, obj=round, at=at(3)),
        "signed_in": audit_record(AuditAction.SIGN_IN, actor=applicant, at=at(4, 0)),
    }


def kind(model):
    content_type = ContentType.objects.get_for_model(model)
    return f"{content_type.app_label}.{content_type.model}"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["signed_in", "closed", "returned", "submitted"]),
        ({"actor": "manager"}, ["closed", "returned"]),
        ({"actor": "applicant"}, ["signed_in", "submitted"]),
        ({"kind": "application"}, ["returned", "submitted"]),
        ({"kind": "round"}, ["closed"]),
        ({"action": AuditAction.APPLICATION_RETURNED}, ["returned"]),
        ({"action": AuditAction.SIGN_IN}, ["signed_in"]),
        ({"date_from": "2/3/2027"}, ["signed_in", "closed", "returned"]),
        ({"date_to": "2/3/2027"}, ["returned", "submitted"]),
        ({"date_from": "2/3/2027", "date_to": "3/3/2027"}, ["closed", "returned"]),
        ({"date_from": "2027-03-04", "date_to": "4 3 2027"}, ["signed_in"]),
        ({"search": "cav-001"}, ["returned", "submitted"]),
        ({"search": "pacesetter 2020"}, ["closed"]),
        ({"actor": "manager", "kind": "application"}, ["returned"]),
    ],
)
def test_audit_log_filters_narrow_to_exactly_the_matching_events(
    signed_in, demo_user, trail, query, expected
):
    values = {
        "manager": str(demo_user(MANAGER).pk),
        "applicant": str(demo_user(APPLICANT).pk),
        "application": kind(Application),
        "round": kind(Round),
    }
    params = {name: values.get(value, value) for name, value in query.items()}

    response = signed_in(MANAGER).get(LOG, params)

    assert response.status_code == 200
    assert event_ids(response) == [trail[name].pk for name in expected]


def test_audit_log_offers_the_people_and_kinds_that_have_events(signed_in, trail):
    response = signed_in(MANAGER).get(LOG)

    assert text_of(response, "#filter-actor option") == [
        "All people",
        "Carys Evans (applicant.cav@example.org)",
        "Elin Roberts (manager@example.org)",
    ]
    assert text_of(response, "#filter-kind option") == [
        "All kinds of record",
        "Application",
        "Funding round",
    ]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"date_from": "31/2/2027"}, "date_from", "Enter the ‘from’ date as a real date"),
        ({"date_to": "tomorrow"}, "date_to", "Enter the ‘to’ date as a real date"),
        ({"date_from": "1/1/1066"}, "date_from", "Enter a date between 1900 and 2999"),
        (
            {"date_from": "4/3/2027", "date_to": "1/3/2027"},
            "date_to",
            "The ‘to’ date must be the same as or after the ‘from’ date",
        ),
    ],
)
def test_audit_log_bad_date_is_shown_as_an_error_and_filters_nothing(
    signed_in, trail, query, field, message
):
    response = signed_in(MANAGER).get(LOG, query)

    assert response.status_code == 200
    assert [text.split(",")[0] for text in text_of(response, ".govuk-error-summary__list a")] == [
        message
    ]
    assert [text.split(",")[0] for text in text_of(response, f"#filter-{field}-error")] == [
        f"Error: {message}"
    ]
    expected = ["signed_in", "closed", "returned", "submitted"]
    if field == "date_to" and "date_from" in query:
        expected = ["signed_in"]  # the good ‘from’ date still applies
    assert event_ids(response) == [trail[name].pk for name in expected]


def test_audit_log_ignores_a_person_kind_or_action_not_on_offer(signed_in, trail):
    response = signed_in(MANAGER).get(
        LOG, {"actor": "999999", "kind": "auth.permission", "action": "round.exploded"}
    )

    assert event_ids(response) == [trail[name].pk for name in trail][::-1]
    assert text_of(response, ".govuk-error-summary") == []


@LIST_SETTINGS
@given(
    query=query_strings(
        ["actor", "kind", "action", "date_from", "date_to", "search", "page"],
        also=["1/3/2027", "2027-03-01", AuditAction.SIGN_IN.value, "schemes.application"],
    )
)
def test_audit_log_survives_hostile_query_strings(signed_in, trail, query):
    response = signed_in(MANAGER).get(LOG, query)

    assert response.status_code == 200


@LIST_SETTINGS
@given(query=query_strings(["date_from", "date_to", "search", "kind", "action", "actor"]))
def test_audit_log_csv_survives_hostile_query_strings(signed_in, trail, query):
    response = signed_in(MANAGER).get(CSV, query)

    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith("\ufeff".encode())


def test_audit_log_query_count_is_the_same_for_5_and_50_events(
    signed_in, demo_user, django_assert_max_num_queries
):
    people = [demo_user(MANAGER), demo_user(APPLICANT)]
    application = Application.objects.get(reference=APPLICATION)
    round = Round.objects.get(code=ROUND)

    def add(count):
        for number in range(count):
            audit_record(
                AuditAction.APPLICATION_SUBMITTED,
                actor=people[number % 2],
                obj=application if number % 2 else round,
                at=at(1),
            )

    client = signed_in(MANAGER)
    add(5)
    client.get(LOG)  # warm the session and content types
    with django_assert_max_num_queries(20) as small:
        assert len(event_ids(client.get(LOG))) == 5
    add(45)
    with django_assert_max_num_queries(20) as large:
        assert len(event_ids(client.get(LOG))) == 50

    assert len(large.captured_queries) == len(small.captured_queries)


# The CSV download ----------------------------------------------------------------------------


def csv_rows(response):
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content[1:])))


def test_audit_log_csv_holds_the_filtered_events_exactly(signed_in, demo_user):
    application = Application.objects.get(reference=APPLICATION)
    manager = demo_user(MANAGER)
    audit_record(
        AuditAction.APPLICATION_RETURNED,
        actor=manager,
        obj=application,
        from_state=ApplicationStatus.SUBMITTED,
        to_state=ApplicationStatus.CLARIFICATION,
        reason='=HYPERLINK("http://evil.example")\nsecond line',
        details={"sections": [2, 3]},
        at=at(2),
    )
    audit_record(AuditAction.SIGN_IN, actor=manager, at=at(3))

    response = signed_in(MANAGER).get(CSV, {"kind": kind(Application)})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="pacesetter-audit-log-')
    assert csv_rows(response) == [
        [
            "When",
            "Who",
            "Email address",
            "Action",
            "Kind of record",
            "Record",
            "Record id",
            "From",
            "To",
            "Reason",
            "Details",
        ],
        [
            "2027-03-02T12:00:00+00:00",
            "Elin Roberts",
            "manager@example.org",
            "Returned for clarification",
            "Application",
            str(application),
            str(application.pk),
            "Submitted",
            "Returned for clarification",
            '\'=HYPERLINK("http://evil.example")\nsecond line',
            json.dumps({"sections": [2, 3]}),
        ],
    ]


def test_audit_log_csv_has_every_page_of_events(signed_in, demo_user):
    manager = demo_user(MANAGER)
    for number in range(120):
        audit_record(AuditAction.SIGN_IN, actor=manager, at=at(1) + datetime.timedelta(number))

    response = signed_in(MANAGER).get(CSV)

    assert len(csv_rows(response)) == 121


def test_audit_log_csv_download_writes_one_audit_event(signed_in, demo_user, trail):
    manager = demo_user(MANAGER)
    before = set(AuditEvent.objects.values_list("pk", flat=True))

    response = signed_in(MANAGER).get(CSV, {"action": AuditAction.SIGN_IN, "date_from": "x"})
    rows = csv_rows(response)

    download = AuditEvent.objects.exclude(pk__in=before).get()
    assert (download.action, download.actor, download.details) == (
        AuditAction.EXPORT_AUDIT_LOG,
        manager,
        {"filters": {"action": AuditAction.SIGN_IN.value}},
    )
    assert len(rows) == 2  # the header and the one sign-in; not the download itself


def test_audit_log_csv_link_keeps_the_filters(signed_in, trail):
    response = signed_in(MANAGER).get(
        LOG, {"action": AuditAction.APPLICATION_RETURNED, "search": "cav-001", "page": "1"}
    )

    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one("a[download]")["href"] == (
        "/audit/events.csv?action=application.returned&search=cav-001"
    )


FORMULA_MATERIAL = st.text(
    alphabet=st.sampled_from(["=", "+", "-", "@", "\t", "\r", "\n", " ", "a", "1", "'"])
    | st.characters(max_codepoint=31)
    | st.characters(min_codepoint=127, max_codepoint=159),
    max_size=12,
)


@given(FORMULA_MATERIAL)
def test_spreadsheet_safe_never_leaves_a_formula_start(text):
    cell = spreadsheet_safe(text)

    visible = "".join(
        character
        for character in text
        if character in "\t\r\n" or not (ord(character) < 32 or 127 <= ord(character) < 160)
    )
    dangerous = visible.startswith(("=", "+", "-", "@", "\t", "\r")) or visible.lstrip().startswith(
        ("=", "+", "-", "@")
    )
    assert cell == ("'" + visible if dangerous else visible)
    assert not cell.lstrip().startswith(("=", "+", "-", "@"))
    assert not cell.startswith(("\t", "\r"))


@given(FORMULA_MATERIAL)
def test_audit_log_csv_cells_are_formula_safe(text):
    # Control characters in a cell read back from the CSV are those the cell was given.
    cell = spreadsheet_safe(text)
    written = io.StringIO()
    csv.writer(written).writerow([cell])

    (read,) = list(csv.reader(io.StringIO(written.getvalue())))

    assert read == [cell]
    assert not read[0].lstrip().startswith(("=", "+", "-", "@"))


def test_audit_log_csv_of_a_hostile_label_and_reason_is_safe(signed_in, demo_user):
    application = ApplicationFactory(reference="PS-TEST-EVIL")
    audit_record(
        AuditAction.APPLICATION_RETURNED,
        actor=demo_user(MANAGER),
        obj=application,
        reason="\x00\x1b+SUM(A1:A9)",
        at=at(1),
    )
    AuditEvent.objects.update(object_label="@cmd|' /C calc'!A0")

    rows = csv_rows(signed_in(MANAGER).get(CSV, {"action": AuditAction.APPLICATION_RETURNED}))

    assert (rows[1][5], rows[1][9]) == ("'@cmd|' /C calc'!A0", "'+SUM(A1:A9)")
