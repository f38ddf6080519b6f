"""Monitoring's pages: the delivery agreement, variations and quarterly reports, by role."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pacesetter.enums import Role
from schemes.domain.monitoring import (
    MilestoneEntry,
    agreement_create_from_application,
    report_save,
    report_start,
    report_submit,
)
from schemes.enums import AgreementStatus, BudgetCategory, ReportStatus, VariationStatus
from schemes.models import DeliveryAgreement, Measure, QuarterlyReport, ReportVersion, SpendLine
from tests.factories import UserFactory
from tests.factories.monitoring import accepted_agreement, approved_application, lead_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(demo_user):
    return demo_user("manager@example.org")


@pytest.fixture
def scheme(manager):
    """An accepted agreement starting 1 April 2018 (its quarters have ended), and its lead."""
    return accepted_agreement(manager=manager)


def url(name, agreement, *args):
    return reverse(f"schemes:{name}", args=[agreement.application.reference, *args])


def first_period(agreement):
    return agreement.periods.order_by("start").first()


def started_report(agreement, lead):
    return report_start(agreement=agreement, period=first_period(agreement), acting_user=lead)


def report_url(name, report):
    return reverse(
        f"schemes:{name}",
        args=[report.agreement.application.reference, report.period.start.isoformat()],
    )


def report_post(report, **overrides):
    """What the report form posts for a complete report, with `overrides`."""
    report.refresh_from_db()
    data = {
        "version": str(report.version),
        "delivery_rating": "green",
        "spend_rating": "amber",
        "spend_narrative": "",
        "delivery_narrative": "",
        "risks": "Recruitment",
        "learning": "Start early",
        "scheme_status": "ongoing",
    }
    for row in report.milestone_progress.all():
        data[f"milestone-{row.milestone_id}-status"] = "on_track"
        data[f"milestone-{row.milestone_id}-comment"] = "Going well"
    for line in report.spend_lines.all():
        data[f"spend-{line.category}-actual"] = "100.00"
        data[f"spend-{line.category}-forecast"] = "200.00"
    for row in report.measure_values.all():
        data[f"measure-{row.measure_id}-value"] = "5"
    data.update(overrides)
    return data


def errors_of(response):
    """The error summary's messages, in order."""
    form = response.context["form"]
    return [str(error) for errors in form.errors.values() for error in errors]


# --- The manager sets up and sends the agreement ----------------------------------------


def test_set_up_page_creates_agreement_from_approved_application(client, manager):
    application = approved_application(manager=manager)
    client.force_login(manager)

    response = client.post(reverse("schemes:agreement_create", args=[application.reference]))

    agreement = DeliveryAgreement.objects.get(application=application)
    assert response.status_code == 302
    assert response["Location"] == url("agreement_detail", agreement)
    assert agreement.status == AgreementStatus.DRAFT


def test_application_page_offers_set_up_to_manager_only(client, manager):
    application = approved_application(manager=manager)
    lead = lead_of(application.organisation)
    set_up = reverse("schemes:agreement_create", args=[application.reference])

    client.force_login(manager)
    manager_page = client.get(application.get_absolute_url()).content.decode()
    client.force_login(lead)
    lead_page = client.get(application.get_absolute_url()).content.decode()

    assert set_up in manager_page
    assert set_up not in lead_page


def test_set_up_page_refuses_unapproved_application(client, manager):
    application = approved_application(manager=manager)
    application.status = "submitted"
    application.save(update_fields=["status"])
    client.force_login(manager)

    response = client.post(reverse("schemes:agreement_create", args=[application.reference]))

    assert response.status_code == 200
    assert response.context["refusal"] == (
        "Only an approved application can have a delivery agreement."
    )
    assert not DeliveryAgreement.objects.filter(application=application).exists()


@pytest.fixture
def draft(manager):
    application = approved_application(
        manager=manager,
        amount="900.00",
        lines=((1, BudgetCategory.STAFF, "600.00"), (1, BudgetCategory.NON_STAFF, "400.00")),
    )
    return agreement_create_from_application(application=application, acting_user=manager)


def test_profile_page_saves_amounts_adding_up_to_approved(client, manager, draft):
    client.force_login(manager)

    response = client.post(
        url("agreement_profile", draft),
        {"version": draft.version, "profile-2018-staff": "500.00", "profile-2018-non_staff": "400"},
    )

    assert response.status_code == 302
    assert {(line.category, line.approved_amount) for line in draft.profile_lines.all()} == {
        ("staff", Decimal("500.00")),
        ("non_staff", Decimal("400.00")),
    }


def test_profile_page_refuses_total_other_than_approved(client, manager, draft):
    client.force_login(manager)
    before = list(draft.profile_lines.values_list("category", "approved_amount"))

    response = client.post(
        url("agreement_profile", draft),
        {"version": draft.version, "profile-2018-staff": "600.00", "profile-2018-non_staff": "400"},
    )

    assert response.status_code == 200
    assert errors_of(response) == [
        "The budget profile adds up to £1,000.00 but the approved amount is £900.00."
    ]
    assert list(draft.profile_lines.values_list("category", "approved_amount")) == before


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-5", "Enter an amount of £0.00 or more"),
        (
            "1.005",
            "Enter an amount in pounds and pence with no more than 2 decimal places, like 1250.50",
        ),
    ],
)
def test_profile_page_refuses_bad_amount_next_to_field(client, manager, draft, amount, message):
    client.force_login(manager)

    response = client.post(
        url("agreement_profile", draft),
        {"version": draft.version, "profile-2018-staff": amount},
    )

    assert response.context["form"].errors == {"profile-2018-staff": [message]}


def measure_post(version, **overrides):
    return {
        "version": str(version),
        "kind": "outcome",
        "name": "Sustainable practices",
        "definition": "Practices at level 1",
        "unit": "practices",
        "is_numeric": "yes",
        "data_source": "GMS matrix",
        "collection_frequency": "quarterly",
        "baseline_value": "4",
        "baseline_date_0": "31",
        "baseline_date_1": "3",
        "baseline_date_2": "2018",
        "target_value": "10",
        "target_date_0": "31",
        "target_date_1": "3",
        "target_date_2": "2020",
        **overrides,
    }


def test_measure_page_adds_measure(client, manager, draft):
    client.force_login(manager)

    response = client.post(url("measure_add", draft), measure_post(draft.version))

    assert response.status_code == 302
    assert list(draft.measures.values_list("name", "kind", "target_value")) == [
        ("Sustainable practices", "outcome", "10")
    ]


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        (
            {"baseline_date_2": "2021"},
            {"baseline_date": ["The baseline date must not be after the target date"]},
        ),
        ({"target_value": ""}, {"target_value": ["Enter the target"]}),
        (
            {"target_date_0": "", "target_date_1": "", "target_date_2": ""},
            {"target_date": ["Enter the target date"]},
        ),
        (
            {"target_value": "ten"},
            {"target_value": ["Enter a number, like 12.5: this measure’s unit is a number"]},
        ),
    ],
)
def test_measure_page_refuses_bad_measure_next_to_field(client, manager, draft, overrides, errors):
    client.force_login(manager)

    response = client.post(url("measure_add", draft), measure_post(draft.version, **overrides))

    assert response.status_code == 200
    assert {
        name: [str(e) for e in messages]
        for name, messages in response.context["form"].errors.items()
        if name != "__all__"
    } == errors
    assert draft.measures.count() == 0


def test_milestones_page_replaces_list_and_adds_row_without_saving(client, manager, draft):
    client.force_login(manager)
    adding = {"version": draft.version, "rows": "0", "add_row": "yes"}

    added = client.post(url("agreement_milestones", draft), adding)
    saved = client.post(
        url("agreement_milestones", draft),
        {
            "version": draft.version,
            "rows": "1",
            "milestones-0-title": "Recruit the team",
            "milestones-0-due_date_0": "30",
            "milestones-0-due_date_1": "9",
            "milestones-0-due_date_2": "2018",
        },
    )

    assert added.context["form"].count == 1
    assert saved.status_code == 302
    assert list(draft.milestones.values_list("title", "due_date")) == [
        ("Recruit the team", datetime.date(2018, 9, 30))
    ]


def test_milestones_page_refuses_title_without_date(client, manager, draft):
    client.force_login(manager)

    response = client.post(
        url("agreement_milestones", draft),
        {"version": draft.version, "rows": "1", "milestones-0-title": "Recruit the team"},
    )

    assert response.context["form"].errors["milestones-0-due_date"] == [
        "Enter the milestone’s due date"
    ]


def test_details_page_refuses_stale_page(client, manager, draft):
    client.force_login(manager)
    post = {
        "version": draft.version,
        "conditions": "First",
        "start_date_0": "1",
        "start_date_1": "4",
        "start_date_2": "2018",
        "end_date_0": "31",
        "end_date_1": "3",
        "end_date_2": "2020",
        "report_due_days": "20",
        "variance_threshold": "10",
    }
    client.post(url("agreement_edit", draft), post)

    response = client.post(url("agreement_edit", draft), {**post, "conditions": "Second"})

    draft.refresh_from_db()
    assert response.context["form"].non_field_errors() == [
        "Someone else changed this after you opened this page. Nothing you entered here has "
        "been saved. Open the page again to see their changes, then make yours."
    ]
    assert draft.conditions == "First"


def test_send_without_measures_shows_why(client, manager, draft):
    client.force_login(manager)

    response = client.post(url("agreement_send", draft))

    draft.refresh_from_db()
    assert response.status_code == 200
    assert response.context["problems"] == [
        "Add at least one outcome measure and at least one balancing measure before the "
        "agreement is accepted.",
        "Add at least one milestone.",
    ]
    assert draft.status == AgreementStatus.DRAFT


# --- The lead accepts; variations ---------------------------------------------------------


def test_lead_accepts_agreement_sent_to_them(client, manager):
    agreement, lead = accepted_agreement(manager=manager)
    DeliveryAgreement.objects.filter(pk=agreement.pk).update(
        status=AgreementStatus.AWAITING_ACCEPTANCE
    )
    client.force_login(lead)

    response = client.post(url("agreement_accept", agreement))

    agreement.refresh_from_db()
    assert response.status_code == 302
    assert agreement.status == AgreementStatus.ACCEPTED


def test_variation_proposed_by_lead_and_refused_with_reasons(client, manager, scheme):
    agreement, lead = scheme
    client.force_login(lead)
    client.post(
        url("variation_propose", agreement),
        {
            "description": "Two more months",
            "reason": "Late recruitment",
            "new_end_date_0": "31",
            "new_end_date_1": "5",
            "new_end_date_2": "2020",
        },
    )
    variation = agreement.variations.get()
    client.force_login(manager)

    refused_blank = client.post(
        url("variation_detail", agreement, variation.pk), {"decision": "refuse", "reason": ""}
    )
    refused = client.post(
        url("variation_detail", agreement, variation.pk),
        {"decision": "refuse", "reason": "Not affordable"},
    )

    variation.refresh_from_db()
    assert refused_blank.context["form"].errors == {"reason": ["Give the reasons for refusing"]}
    assert refused.status_code == 302
    assert (variation.status, variation.decision_reason, variation.new_end_date) == (
        VariationStatus.REFUSED,
        "Not affordable",
        datetime.date(2020, 5, 31),
    )


def test_variation_approved_moves_end_date(client, manager, scheme):
    agreement, lead = scheme
    client.force_login(lead)
    client.post(
        url("variation_propose", agreement),
        {
            "description": "Two more months",
            "reason": "Late recruitment",
            "new_end_date_0": "31",
            "new_end_date_1": "5",
            "new_end_date_2": "2020",
        },
    )
    variation = agreement.variations.get()
    client.force_login(manager)

    client.post(url("variation_detail", agreement, variation.pk), {"decision": "approve"})

    agreement.refresh_from_db()
    assert agreement.end_date == datetime.date(2020, 5, 31)


# --- Quarterly reports --------------------------------------------------------------------


def test_lead_starts_report_for_ended_quarter(client, scheme):
    agreement, lead = scheme
    client.force_login(lead)
    period = first_period(agreement)

    response = client.post(url("report_start", agreement, period.start.isoformat()))

    report = QuarterlyReport.objects.get(period=period)
    assert response["Location"] == report_url("report_edit", report)


def test_report_start_refuses_quarter_not_ended(client, scheme):
    agreement, lead = scheme
    agreement.periods.update(end=datetime.date(2099, 6, 30))
    client.force_login(lead)
    period = first_period(agreement)

    response = client.post(url("report_start", agreement, period.start.isoformat()))

    assert response.status_code == 200
    assert response.context["problems"] == [
        "This quarter has not ended yet, so its report cannot be started. "
        "Start it on or after 01/07/2099."
    ]
    assert not QuarterlyReport.objects.filter(agreement=agreement).exists()


def test_report_start_refuses_second_report_for_quarter(client, scheme):
    agreement, lead = scheme
    started_report(agreement, lead)
    client.force_login(lead)

    response = client.post(
        url("report_start", agreement, first_period(agreement).start.isoformat())
    )

    assert response.context["problems"] == ["A report for this quarter has already been started."]
    assert QuarterlyReport.objects.filter(agreement=agreement).count() == 1


def test_report_saves_and_goes_to_check_answers(client, scheme):
    agreement, lead = scheme
    report = started_report(agreement, lead)
    client.force_login(lead)

    response = client.post(report_url("report_edit", report), report_post(report))

    line = SpendLine.objects.get(report=report)
    assert response["Location"] == report_url("report_check", report)
    assert (line.actual, line.forecast) == (Decimal("100.00"), Decimal("200.00"))


@pytest.mark.parametrize(
    ("spend", "message"),
    [
        ("-1", "Enter an amount of £0.00 or more"),
        (
            "10.001",
            "Enter an amount in pounds and pence with no more than 2 decimal places, like 1250.50",
        ),
    ],
)
def test_report_refuses_bad_spend_next_to_field(client, scheme, spend, message):
    agreement, lead = scheme
    report = started_report(agreement, lead)
    client.force_login(lead)

    response = client.post(
        report_url("report_edit", report), report_post(report, **{"spend-staff-actual": spend})
    )

    assert response.context["form"].errors["spend-staff-actual"] == [message]
    assert SpendLine.objects.get(report=report).actual == Decimal("0.00")


def test_report_refuses_spend_on_category_budget_lacks(client, scheme):
    agreement, lead = scheme
    report = started_report(agreement, lead)
    client.force_login(lead)

    response = client.post(
        report_url("report_edit", report),
        report_post(report, **{"spend-evaluation-actual": "5", "spend-evaluation-forecast": "0"}),
    )

    assert response.context["form"].errors["spend-evaluation-actual"] == [
        "The budget profile has no evaluation for this year, so no spend can be recorded against it"
    ]
    assert list(SpendLine.objects.filter(report=report).values_list("category", flat=True)) == [
        "staff"
    ]


def test_report_refuses_word_for_numeric_measure(client, scheme):
    agreement, lead = scheme
    report = started_report(agreement, lead)
    measure = agreement.measures.first()
    client.force_login(lead)

    response = client.post(
        report_url("report_edit", report),
        report_post(report, **{f"measure-{measure.pk}-value": "lots"}),
    )

    assert response.context["form"].errors[f"measure-{measure.pk}-value"] == [
        f"Enter a number for {measure.name}, like 12.5, or say it was not collected"
    ]


def test_report_submit_refuses_milestone_without_status_and_red_without_narrative(client, scheme):
    agreement, lead = scheme
    report = started_report(agreement, lead)
    milestone = agreement.milestones.first()
    client.force_login(lead)
    client.post(
        report_url("report_edit", report),
        report_post(report, **{f"milestone-{milestone.pk}-status": "", "delivery_rating": "red"}),
    )
    report.refresh_from_db()

    response = client.post(report_url("report_check", report), {"version": report.version})

    report.refresh_from_db()
    assert response.status_code == 200
    assert response.context["form"].errors[f"milestone-{milestone.pk}-status"] == [
        f"Choose the progress of {milestone.title}"
    ]
    assert response.context["form"].errors["delivery_narrative"] == [
        "Explain the red delivery rating"
    ]
    assert report.status == ReportStatus.DRAFT


def test_report_submitted_returned_resubmitted_accepted_keeps_each_version(client, manager, scheme):
    agreement, lead = scheme
    report = started_report(agreement, lead)
    client.force_login(lead)
    client.post(report_url("report_edit", report), report_post(report))
    report.refresh_from_db()
    client.post(report_url("report_check", report), {"version": report.version})
    client.force_login(manager)
    client.post(
        report_url("report_review", report), {"decision": "return", "comments": "Add risks"}
    )
    client.force_login(lead)
    client.post(report_url("report_edit", report), report_post(report, risks="Staffing"))
    report.refresh_from_db()
    client.post(report_url("report_check", report), {"version": report.version})
    client.force_login(manager)

    client.post(report_url("report_review", report), {"decision": "accept", "comments": ""})

    report.refresh_from_db()
    versions = ReportVersion.objects.filter(report=report).order_by("number")
    assert report.status == ReportStatus.ACCEPTED
    assert [version.snapshot["risks"] for version in versions] == ["Recruitment", "Staffing"]
    first = client.get(
        reverse(
            "schemes:report_version",
            args=[agreement.application.reference, report.period.start.isoformat(), 1],
        )
    )
    assert first.context["document"]["risks"] == "Recruitment"


def test_return_without_comments_is_refused(client, manager, scheme):
    agreement, lead = scheme
    report = submitted_report(agreement, lead)
    client.force_login(manager)

    response = client.post(report_url("report_review", report), {"decision": "return"})

    report.refresh_from_db()
    assert response.context["form"].errors == {"comments": ["Say what the board should change"]}
    assert report.status == ReportStatus.SUBMITTED


def submitted_report(agreement, lead):
    report = started_report(agreement, lead)
    report = report_save(
        report,
        expected_version=report.version,
        acting_user=lead,
        fields={"delivery_rating": "green", "spend_rating": "green"},
        milestones={
            row.milestone_id: MilestoneEntry("on_track") for row in report.milestone_progress.all()
        },
        measures={},
    )
    for row in report.measure_values.all():
        row.value = "5"
        row.save()
    return report_submit(report, expected_version=report.version, acting_user=lead)


def test_editing_accepted_report_is_refused(client, manager, scheme):
    agreement, lead = scheme
    report = submitted_report(agreement, lead)
    QuarterlyReport.objects.filter(pk=report.pk).update(status=ReportStatus.ACCEPTED)
    client.force_login(lead)

    page = client.get(report_url("report_edit", report))
    saved = client.post(report_url("report_edit", report), report_post(report, risks="Changed"))

    report.refresh_from_db()
    assert page.status_code == 403
    assert saved.context["form"].non_field_errors() == [
        "This report cannot be changed: it has been submitted or accepted."
    ]
    assert report.risks == ""


def test_report_stale_page_keeps_nothing(client, scheme):
    agreement, lead = scheme
    report = started_report(agreement, lead)
    client.force_login(lead)
    stale = report_post(report)
    client.post(report_url("report_edit", report), report_post(report, risks="Newer"))

    response = client.post(report_url("report_edit", report), {**stale, "risks": "Older"})

    report.refresh_from_db()
    assert response.context["form"].non_field_errors() == [
        "Someone else changed this after you opened this page. Nothing you entered here has "
        "been saved. Open the page again to see their changes, then make yours."
    ]
    assert report.risks == "Newer"


# --- Every role against every page --------------------------------------------------------


def pages(agreement, report, measure, variation):
    start = report.period.start.isoformat()
    return [
        url("agreement_detail", agreement),
        url("agreement_edit", agreement),
        url("agreement_milestones", agreement),
        url("agreement_profile", agreement),
        url("measure_add", agreement),
        url("measure_edit", agreement, measure.pk),
        url("measure_remove", agreement, measure.pk),
        url("variation_propose", agreement),
        url("variation_detail", agreement, variation.pk),
        url("report_detail", agreement, start),
        url("report_edit", agreement, start),
        url("report_check", agreement, start),
        url("report_version", agreement, start, 1),
    ]


@pytest.fixture
def every_page(client, manager, scheme):
    agreement, lead = scheme
    report = submitted_report(agreement, lead)
    QuarterlyReport.objects.filter(pk=report.pk).update(status=ReportStatus.RETURNED)
    variation = agreement.variations.create(
        description="More time", reason="Late", proposed_by=lead
    )
    return agreement, lead, pages(agreement, report, agreement.measures.first(), variation)


# What each page answers each role: manager, own board's lead, another board's lead, reviewer,
# chair. The agreement is accepted, so its draft-only pages refuse the manager with 403 too.
EXPECTED = {
    "manager": [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 403, 403, 200],
    "lead": [200, 403, 403, 403, 403, 403, 403, 200, 200, 200, 200, 200, 200],
}


def status_codes(client, user, urls):
    client.force_login(user)
    return [client.get(page).status_code for page in urls]


def test_manager_sees_every_page(client, manager, every_page):
    agreement, lead, urls = every_page

    assert status_codes(client, manager, urls) == EXPECTED["manager"]


def test_own_board_lead_sees_own_pages(client, every_page):
    agreement, lead, urls = every_page

    assert status_codes(client, lead, urls) == EXPECTED["lead"]


def test_other_board_lead_gets_404_everywhere(client, every_page):
    agreement, lead, urls = every_page
    other = UserFactory(role=Role.APPLICANT)

    assert status_codes(client, other, urls) == [404] * len(urls)


@pytest.mark.parametrize("email", ["reviewer1@example.org", "chair@example.org"])
def test_reviewer_and_chair_see_no_monitoring(client, demo_user, every_page, email):
    agreement, lead, urls = every_page

    assert status_codes(client, demo_user(email), urls) == [404] * len(urls)


def test_anonymous_is_sent_to_sign_in(client, every_page):
    agreement, lead, urls = every_page

    responses = [client.get(page) for page in urls]

    assert [response.status_code for response in responses] == [302] * len(urls)
    assert all(r["Location"].startswith(reverse("login")) for r in responses)


def test_other_board_lead_cannot_post_to_report(client, scheme):
    agreement, lead = scheme
    report = started_report(agreement, lead)
    other = UserFactory(role=Role.APPLICANT)
    client.force_login(other)

    response = client.post(report_url("report_edit", report), report_post(report, risks="x"))

    report.refresh_from_db()
    assert response.status_code == 404
    assert report.risks == ""


# --- Hostile input ------------------------------------------------------------------------

HOSTILE = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=6000,
)


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(risks=HOSTILE, spend=st.text(max_size=40))
def test_report_hostile_text_and_money_saved_exactly_or_refused(client, scheme, risks, spend):
    agreement, lead = scheme
    report = QuarterlyReport.objects.filter(agreement=agreement).first() or started_report(
        agreement, lead
    )
    before = (report.risks, SpendLine.objects.get(report=report).actual)
    client.force_login(lead)

    response = client.post(
        report_url("report_edit", report),
        report_post(report, risks=risks, **{"spend-staff-actual": spend}),
    )

    report.refresh_from_db()
    after = (report.risks, SpendLine.objects.get(report=report).actual)
    if response.status_code == 302:
        assert report.risks == risks.strip().replace("\r\n", "\n") or report.risks == risks.strip()
    else:
        assert response.status_code == 200
        assert response.context["form"].errors != {}
        assert after == before


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=HOSTILE)
def test_measure_hostile_name_saved_or_refused(client, manager, name):
    application = approved_application(manager=manager)
    agreement = agreement_create_from_application(application=application, acting_user=manager)
    client.force_login(manager)

    response = client.post(
        url("measure_add", agreement), measure_post(agreement.version, name=name)
    )

    if response.status_code == 302:
        assert Measure.objects.get(agreement=agreement).name == name.strip()
    else:
        assert response.context["form"].errors != {}
        assert not Measure.objects.filter(agreement=agreement).exists()
