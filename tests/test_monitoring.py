"""Monitoring's domain: agreements, measures, variations, quarterly reports, reminders."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import TestCase

from pacesetter.enums import AuditAction, Role
from pacesetter.models import AuditEvent
from pacesetter.transitions import Refused
from schemes.domain.monitoring import (
    STALE_EDIT,
    MeasureEntry,
    MilestoneEntry,
    MilestoneInput,
    SpendEntry,
    agreement_accept,
    agreement_create_from_application,
    agreement_send_for_acceptance,
    agreement_update,
    measure_add,
    measure_change,
    measure_remove,
    milestones_from_key_stages,
    overdue_reports,
    report_accept,
    report_return,
    report_save,
    report_start,
    report_submit,
    reporting_periods,
    reports_due_soon,
    send_reminders,
    variation_approve,
    variation_propose,
    variation_refuse,
)
from schemes.domain.monitoring.agreements import NEEDS_MEASURES, NOT_APPROVED, NOT_DRAFT
from schemes.domain.monitoring.reports import ALREADY_STARTED, NOT_EDITABLE
from schemes.enums import (
    AgreementStatus,
    BudgetCategory,
    ReportStatus,
    VariationStatus,
)
from schemes.models import (
    Application,
    DeliveryAgreement,
    Measure,
    MonitoringReminder,
    QuarterlyReport,
    SpendLine,
)
from tests.factories import ApplicationFactory, UserFactory
from tests.factories.monitoring import (
    accepted_agreement,
    add_required_measures,
    approved_application,
    lead_of,
    measure_fields,
    remove_demo_monitoring,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2018, 7, 10)  # the first quarter of 2018-19 has ended


@pytest.fixture(autouse=True)
def without_demo_monitoring(db):
    """Start every test here with no monitoring: each sets up and counts its own."""
    remove_demo_monitoring()


@pytest.fixture
def manager(demo_user):
    return demo_user("manager@example.org")


def events(action):
    return list(AuditEvent.objects.filter(action=action))


# --- Key stages and periods ---------------------------------------------------------------


def test_milestones_from_key_stages_reads_hywel_dda_stages_and_years(manager):
    hywel_dda = Application.objects.get(organisation__code="HDD", round__code="2018-19")
    agreement = agreement_create_from_application(application=hywel_dda, acting_user=manager)

    milestones = [(m.title, m.due_date) for m in agreement.milestones.all()]

    assert milestones == [
        ("Stage 1: Development & Preparation of Vision", datetime.date(2018, 1, 31)),
        ("Stage 2: Scoping Network Proposals", datetime.date(2018, 3, 31)),
        ("Stage 3: Implement Network Development – Year 1", datetime.date(2019, 3, 31)),
        ("Stage 3: Implement Network Development – Year 2", datetime.date(2020, 3, 31)),
        ("Stage 3: Implement Network Development – Year 3", datetime.date(2021, 3, 31)),
        ("Stage 4: Mainstream Implementation", datetime.date(2021, 3, 31)),
    ]


def test_milestones_from_key_stages_takes_bullets_without_dates_when_no_stage_is_named():
    stages = milestones_from_key_stages("• Recruit Lead CD\n• Promote new function")

    assert [(stage.title, stage.due_date) for stage in stages] == [
        ("Recruit Lead CD", None),
        ("Promote new function", None),
    ]


def test_reporting_periods_are_financial_year_quarters_due_20_days_after():
    periods = reporting_periods(datetime.date(2018, 5, 15), datetime.date(2019, 1, 10), 20)

    assert [(p.start, p.end, p.due_date) for p in periods] == [
        (datetime.date(2018, 4, 1), datetime.date(2018, 6, 30), datetime.date(2018, 7, 20)),
        (datetime.date(2018, 7, 1), datetime.date(2018, 9, 30), datetime.date(2018, 10, 20)),
        (datetime.date(2018, 10, 1), datetime.date(2018, 12, 31), datetime.date(2019, 1, 20)),
        (datetime.date(2019, 1, 1), datetime.date(2019, 3, 31), datetime.date(2019, 4, 20)),
    ]


# --- Setting up the agreement -------------------------------------------------------------


def test_agreement_create_from_hywel_dda_profiles_the_approved_amount(manager):
    hywel_dda = Application.objects.get(organisation__code="HDD", round__code="2018-19")

    agreement = agreement_create_from_application(application=hywel_dda, acting_user=manager)

    profile = {
        (line.financial_year, line.category): line.approved_amount
        for line in agreement.profile_lines.all()
    }
    assert sum(profile.values()) == Decimal("488000.00")
    assert agreement.approved_amount == Decimal("488000.00")
    assert (agreement.start_date, agreement.end_date) == (
        datetime.date(2018, 4, 1),
        datetime.date(2021, 3, 31),
    )
    assert agreement.periods.count() == 12
    assert [(e.action, e.application_pk) for e in events(AuditAction.AGREEMENT_CREATED)] == [
        (AuditAction.AGREEMENT_CREATED, hywel_dda.pk)
    ]


def test_agreement_create_scales_lines_and_puts_the_remainder_on_the_largest(manager):
    application = approved_application(
        manager=manager,
        amount="100.00",
        lines=[
            (1, BudgetCategory.STAFF, "100.00"),
            (1, BudgetCategory.NON_STAFF, "100.00"),
            (2, BudgetCategory.STAFF, "100.00"),
        ],
    )

    agreement = agreement_create_from_application(application=application, acting_user=manager)

    # 100 x 100/300 = 33.333 -> 33.33 each; the 0.01 left over goes on the largest line, the
    # first of equals in (year, category) order.
    assert [
        (line.financial_year, line.category, line.approved_amount)
        for line in agreement.profile_lines.all()
    ] == [
        (2018, "non_staff", Decimal("33.34")),
        (2018, "staff", Decimal("33.33")),
        (2019, "staff", Decimal("33.33")),
    ]


def test_agreement_create_refuses_an_application_not_approved(manager):
    application = ApplicationFactory(status="submitted")

    with pytest.raises(Refused) as refused:
        agreement_create_from_application(application=application, acting_user=manager)

    assert refused.value.message == NOT_APPROVED
    assert DeliveryAgreement.objects.filter(application=application).exists() is False


def test_agreement_create_refuses_anyone_but_a_manager(manager):
    application = approved_application(manager=manager)

    with pytest.raises(PermissionDenied):
        agreement_create_from_application(
            application=application, acting_user=lead_of(application.organisation)
        )

    assert DeliveryAgreement.objects.count() == 0


def test_agreement_update_refuses_a_stale_page_and_changes_nothing(manager):
    agreement = agreement_create_from_application(
        application=approved_application(manager=manager), acting_user=manager
    )
    drawn_at = agreement.version
    agreement_update(
        agreement, expected_version=drawn_at, acting_user=manager, conditions="First save"
    )

    with pytest.raises(Refused) as refused:
        agreement_update(
            agreement, expected_version=drawn_at, acting_user=manager, conditions="Stale save"
        )

    assert refused.value.message == STALE_EDIT
    assert DeliveryAgreement.objects.get(pk=agreement.pk).conditions == "First save"


def test_agreement_update_replaces_milestones_and_refuses_a_profile_off_the_amount(manager):
    agreement = agreement_create_from_application(
        application=approved_application(manager=manager), acting_user=manager
    )
    updated = agreement_update(
        agreement,
        expected_version=agreement.version,
        acting_user=manager,
        milestones=[MilestoneInput("Recruit the team", datetime.date(2018, 9, 30))],
    )

    with pytest.raises(Refused) as refused:
        agreement_update(
            updated,
            expected_version=updated.version,
            acting_user=manager,
            profile={(2018, "staff"): Decimal("899.99")},
        )

    assert refused.value.errors == {
        "profile": "The budget profile adds up to £899.99 but the approved amount is £900.00."
    }
    assert [(m.title, m.due_date) for m in updated.milestones.all()] == [
        ("Recruit the team", datetime.date(2018, 9, 30))
    ]
    assert [line.approved_amount for line in updated.profile_lines.all()] == [Decimal("900.00")]


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        ({"target_value": ""}, {"target_value": "Enter the target"}),
        ({"target_date": None}, {"target_date": "Enter the target date"}),
        (
            {"baseline_date": datetime.date(2022, 1, 1)},
            {"baseline_date": "The baseline date must not be after the target date"},
        ),
        (
            {"baseline_value": "about four"},
            {"baseline_value": "Enter a number, like 12.5: this measure’s unit is a number"},
        ),
    ],
)
def test_measure_add_refuses_bad_input_and_changes_nothing(manager, overrides, errors):
    agreement = agreement_create_from_application(
        application=approved_application(manager=manager), acting_user=manager
    )

    with pytest.raises(Refused) as refused:
        measure_add(
            agreement=agreement,
            fields=measure_fields(**overrides),
            expected_version=agreement.version,
            acting_user=manager,
        )

    assert refused.value.errors == errors
    assert agreement.measures.count() == 0
    assert events(AuditAction.MEASURE_ADDED) == []


def test_measure_change_and_remove_write_one_event_each(manager):
    agreement = agreement_create_from_application(
        application=approved_application(manager=manager), acting_user=manager
    )
    measure = measure_add(
        agreement=agreement,
        fields=measure_fields(),
        expected_version=agreement.version,
        acting_user=manager,
    )
    agreement.refresh_from_db()
    changed = measure_change(
        measure=measure,
        fields={"target_value": "12"},
        expected_version=agreement.version,
        acting_user=manager,
    )
    agreement.refresh_from_db()
    measure_remove(measure=changed, expected_version=agreement.version, acting_user=manager)

    assert [e.details for e in events(AuditAction.MEASURE_CHANGED)] == [
        {"changed": ["target_value"]}
    ]
    assert len(events(AuditAction.MEASURE_REMOVED)) == 1
    assert Measure.objects.filter(agreement=agreement).count() == 0


def test_agreement_accept_refuses_without_an_outcome_and_a_balancing_measure(manager):
    application = approved_application(manager=manager)
    lead = lead_of(application.organisation)
    agreement = agreement_create_from_application(application=application, acting_user=manager)
    agreement.milestones.create(order=1, title="Recruit", due_date=agreement.end_date)
    DeliveryAgreement.objects.filter(pk=agreement.pk).update(
        status=AgreementStatus.AWAITING_ACCEPTANCE
    )

    with pytest.raises(Refused) as refused:
        agreement_accept(agreement, acting_user=lead)

    assert refused.value.message == str(NEEDS_MEASURES)
    assert DeliveryAgreement.objects.get(pk=agreement.pk).status == (
        AgreementStatus.AWAITING_ACCEPTANCE
    )


def test_agreement_accept_by_another_boards_lead_is_denied(manager):
    application = approved_application(manager=manager)
    agreement = agreement_create_from_application(application=application, acting_user=manager)
    agreement.milestones.create(order=1, title="Recruit", due_date=agreement.end_date)
    agreement = add_required_measures(agreement, manager)
    agreement_send_for_acceptance(agreement, acting_user=manager)

    with pytest.raises(PermissionDenied):
        agreement_accept(agreement, acting_user=lead_of(ApplicationFactory().organisation))

    assert DeliveryAgreement.objects.get(pk=agreement.pk).status == (
        AgreementStatus.AWAITING_ACCEPTANCE
    )


def test_agreement_send_mails_the_lead_and_accept_records_who(
    manager, django_capture_on_commit_callbacks
):
    application = approved_application(manager=manager)
    lead = lead_of(application.organisation)
    agreement = agreement_create_from_application(application=application, acting_user=manager)
    agreement.milestones.create(order=1, title="Recruit", due_date=agreement.end_date)
    agreement = add_required_measures(agreement, manager)

    with django_capture_on_commit_callbacks(execute=True):
        agreement_send_for_acceptance(agreement, acting_user=manager)
    accepted = agreement_accept(agreement, acting_user=lead)

    assert [message.to for message in mail.outbox] == [[lead.email]]
    assert mail.outbox[0].subject == (
        f"Delivery agreement for {application.reference} awaiting your acceptance"
    )
    assert (accepted.status, accepted.accepted_by) == (AgreementStatus.ACCEPTED, lead)
    assert [e.to_state for e in events(AuditAction.AGREEMENT_ACCEPTED)] == ["accepted"]


def test_agreement_update_after_acceptance_is_refused(manager):
    agreement, _lead = accepted_agreement(manager=manager)

    with pytest.raises(Refused) as refused:
        agreement_update(
            agreement, expected_version=agreement.version, acting_user=manager, conditions="x"
        )

    assert refused.value.message == NOT_DRAFT


# --- Variations ---------------------------------------------------------------------------


def test_variation_approve_moves_the_end_date_and_adds_periods(manager):
    agreement, lead = accepted_agreement(manager=manager, duration_months=12)
    variation = variation_propose(
        agreement=agreement,
        description="Three more months to finish the evaluation",
        reason="Recruitment took longer",
        new_end_date=datetime.date(2019, 6, 30),
        acting_user=lead,
    )

    approved = variation_approve(variation, acting_user=manager, reason="Agreed")

    agreement.refresh_from_db()
    assert approved.status == VariationStatus.APPROVED
    assert agreement.end_date == datetime.date(2019, 6, 30)
    assert agreement.periods.count() == 5
    assert len(events(AuditAction.VARIATION_PROPOSED)) == 1
    assert len(events(AuditAction.VARIATION_APPROVED)) == 1


def test_variation_refuse_needs_reasons_and_changes_nothing(manager):
    agreement, lead = accepted_agreement(manager=manager)
    variation = variation_propose(
        agreement=agreement,
        description="Move money to evaluation",
        reason="Evaluation costs more",
        new_profile={(2018, "staff"): Decimal("900.00")},
        acting_user=lead,
    )

    with pytest.raises(Refused) as refused:
        variation_refuse(variation, reason=" ", acting_user=manager)
    refused_variation = variation_refuse(variation, reason="Not justified", acting_user=manager)

    assert refused.value.errors == {"reason": "Give the reasons for refusing"}
    assert (refused_variation.status, refused_variation.decision_reason) == (
        VariationStatus.REFUSED,
        "Not justified",
    )


def test_variation_on_a_draft_agreement_is_refused(manager):
    agreement = agreement_create_from_application(
        application=approved_application(manager=manager), acting_user=manager
    )

    with pytest.raises(Refused):
        variation_propose(agreement=agreement, description="x", reason="y", acting_user=manager)

    assert agreement.variations.count() == 0


# --- Quarterly reports --------------------------------------------------------------------


def started_report(manager, **kwargs):
    agreement, lead = accepted_agreement(manager=manager, **kwargs)
    period = agreement.periods.order_by("start").first()
    report = report_start(agreement=agreement, period=period, acting_user=lead, today=TODAY)
    return report, lead


def complete(report, lead):
    """Fill in every part of `report` so it can be submitted; return it fresh."""
    measures = {
        pk: MeasureEntry(value="5")
        for pk in report.measure_values.values_list("measure", flat=True)
    }
    milestones = {
        pk: MilestoneEntry("on_track", "Recruiting")
        for pk in report.milestone_progress.values_list("milestone", flat=True)
    }
    return report_save(
        report,
        expected_version=report.version,
        acting_user=lead,
        fields={"delivery_rating": "green", "spend_rating": "amber"},
        milestones=milestones,
        spend={"staff": SpendEntry("150.00", "300.00")},
        measures=measures,
    )


def test_report_start_refuses_a_period_that_has_not_ended(manager):
    agreement, lead = accepted_agreement(manager=manager)
    period = agreement.periods.order_by("start").first()

    with pytest.raises(Refused) as refused:
        report_start(
            agreement=agreement, period=period, acting_user=lead, today=datetime.date(2018, 6, 30)
        )

    assert refused.value.message == (
        "This quarter has not ended yet, so its report cannot be started. Start it on or "
        "after 01/07/2018."
    )
    assert QuarterlyReport.objects.count() == 0


def test_report_start_refuses_a_second_report_for_the_same_period(manager):
    report, lead = started_report(manager)

    with pytest.raises(Refused) as refused:
        report_start(
            agreement=report.agreement, period=report.period, acting_user=lead, today=TODAY
        )

    assert refused.value.message == ALREADY_STARTED
    assert QuarterlyReport.objects.filter(period=report.period).count() == 1


def test_report_start_by_a_reviewer_or_another_board_is_denied(manager):
    agreement, _lead = accepted_agreement(manager=manager)
    period = agreement.periods.first()

    for outsider in (UserFactory(role=Role.REVIEWER), lead_of(ApplicationFactory().organisation)):
        with pytest.raises(PermissionDenied):
            report_start(agreement=agreement, period=period, acting_user=outsider, today=TODAY)

    assert QuarterlyReport.objects.count() == 0


@pytest.mark.parametrize(
    ("spend", "errors"),
    [
        (
            {"staff": SpendEntry("-5.00", "0")},
            {"spend-staff-actual": "Enter an amount of £0.00 or more"},
        ),
        (
            {"staff": SpendEntry("5.005", "0")},
            {
                "spend-staff-actual": "Enter an amount in pounds and pence with no more than 2 "
                "decimal places, like 1250.50"
            },
        ),
        (
            {"evaluation": SpendEntry("5.00", "0")},
            {
                "spend-evaluation": "The budget profile has no evaluation for this year, so no "
                "spend can be recorded against it"
            },
        ),
    ],
)
def test_report_save_refuses_bad_spend_and_changes_nothing(manager, spend, errors):
    report, lead = started_report(manager)

    with pytest.raises(Refused) as refused:
        report_save(
            report,
            expected_version=report.version,
            acting_user=lead,
            fields={"risks": "Recruitment"},
            spend=spend,
        )

    assert refused.value.errors == errors
    fresh = QuarterlyReport.objects.get(pk=report.pk)
    assert (fresh.risks, fresh.version) == ("", report.version)
    assert list(SpendLine.objects.filter(report=report).values_list("category", "actual")) == [
        ("staff", Decimal("0.00"))
    ]


def test_report_save_refuses_a_word_for_a_numeric_measure(manager):
    report, lead = started_report(manager)
    measure = report.measure_values.first().measure

    with pytest.raises(Refused) as refused:
        report_save(
            report,
            expected_version=report.version,
            acting_user=lead,
            measures={measure.pk: MeasureEntry(value="lots")},
        )

    assert refused.value.errors == {
        f"measure-{measure.pk}-value": (
            f"Enter a number for {measure.name}, like 12.5, or say it was not collected"
        )
    }
    assert report.measure_values.get(measure=measure).value == ""


def test_report_save_refuses_a_stale_page(manager):
    report, lead = started_report(manager)
    drawn_at = report.version
    report_save(report, expected_version=drawn_at, acting_user=lead, fields={"risks": "First"})

    with pytest.raises(Refused) as refused:
        report_save(report, expected_version=drawn_at, acting_user=lead, fields={"risks": "Stale"})

    assert refused.value.message == STALE_EDIT
    assert QuarterlyReport.objects.get(pk=report.pk).risks == "First"


def test_report_submit_refuses_missing_statuses_red_without_narrative_and_missing_values(manager):
    report, lead = started_report(manager)
    report = report_save(
        report,
        expected_version=report.version,
        acting_user=lead,
        fields={"delivery_rating": "red", "spend_rating": "green"},
    )
    milestone = report.milestone_progress.get().milestone
    outcome, balancing = [row.measure for row in report.measure_values.all()]

    with pytest.raises(Refused) as refused:
        report_submit(report, expected_version=report.version, acting_user=lead)

    assert refused.value.errors == {
        f"milestone-{milestone.pk}-status": f"Choose the progress of {milestone.title}",
        "delivery_narrative": "Explain the red delivery rating",
        f"measure-{outcome.pk}-value": (
            f"Enter a value for {outcome.name}, or say it was not collected and why"
        ),
        f"measure-{balancing.pk}-value": (
            f"Enter a value for {balancing.name}, or say it was not collected and why"
        ),
    }
    fresh = QuarterlyReport.objects.get(pk=report.pk)
    assert (fresh.status, fresh.version, fresh.versions.count()) == ("draft", report.version, 0)


def test_report_submit_accepts_not_collected_only_with_a_reason(manager):
    report, lead = started_report(manager)
    report = complete(report, lead)
    measure = report.measure_values.first().measure
    report = report_save(
        report,
        expected_version=report.version,
        acting_user=lead,
        measures={measure.pk: MeasureEntry(not_collected=True, reason="")},
    )

    with pytest.raises(Refused) as refused:
        report_submit(report, expected_version=report.version, acting_user=lead)

    assert refused.value.errors == {
        f"measure-{measure.pk}-reason": f"Say why {measure.name} was not collected"
    }


def test_report_return_resubmit_accept_keeps_every_version(
    manager, django_capture_on_commit_callbacks
):
    report, lead = started_report(manager)
    report = complete(report, lead)
    submitted = report_submit(report, expected_version=report.version, acting_user=lead)
    with django_capture_on_commit_callbacks(execute=True):
        returned = report_return(submitted, comments="Explain the amber spend", acting_user=manager)
    edited = report_save(
        returned,
        expected_version=returned.version,
        acting_user=lead,
        fields={"spend_narrative": "Recruitment started late"},
    )
    resubmitted = report_submit(edited, expected_version=edited.version, acting_user=lead)
    with django_capture_on_commit_callbacks(execute=True):
        accepted = report_accept(resubmitted, acting_user=manager)

    assert accepted.status == ReportStatus.ACCEPTED
    assert [(v.number, v.snapshot["spend_narrative"]) for v in accepted.versions.all()] == [
        (1, ""),
        (2, "Recruitment started late"),
    ]
    assert [v.snapshot["spend"] for v in accepted.versions.all()][0] == [
        {"category": "staff", "actual": "150.00", "forecast": "300.00"}
    ]
    assert [
        e.action
        for e in AuditEvent.objects.filter(
            object_id=str(report.pk), action__startswith="report."
        ).order_by("pk")
    ] == [
        AuditAction.REPORT_STARTED,
        AuditAction.REPORT_SAVED,
        AuditAction.REPORT_SUBMITTED,
        AuditAction.REPORT_RETURNED,
        AuditAction.REPORT_SAVED,
        AuditAction.REPORT_RESUBMITTED,
        AuditAction.REPORT_ACCEPTED,
    ]
    assert [m.subject for m in mail.outbox[-2:]] == [
        f"Quarterly report for {report.agreement.application.reference} returned",
        f"Quarterly report for {report.agreement.application.reference} accepted",
    ]
    assert "Explain the amber spend" in mail.outbox[-2].body


def test_report_save_on_an_accepted_report_is_refused(manager):
    report, lead = started_report(manager)
    report = complete(report, lead)
    report = report_accept(
        report_submit(report, expected_version=report.version, acting_user=lead),
        acting_user=manager,
    )

    with pytest.raises(Refused) as refused:
        report_save(
            report, expected_version=report.version, acting_user=lead, fields={"risks": "x"}
        )

    assert refused.value.message == NOT_EDITABLE
    assert QuarterlyReport.objects.get(pk=report.pk).risks == ""


def test_report_return_needs_comments(manager):
    report, lead = started_report(manager)
    report = complete(report, lead)
    submitted = report_submit(report, expected_version=report.version, acting_user=lead)

    with pytest.raises(Refused) as refused:
        report_return(submitted, comments="", acting_user=manager)

    assert refused.value.errors == {"comments": "Say what the board should change"}
    assert QuarterlyReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED


# --- Reminders ----------------------------------------------------------------------------


def test_reports_due_soon_and_overdue_list_owed_periods(manager):
    agreement, _lead = accepted_agreement(manager=manager)
    first = agreement.periods.order_by("start").first()  # due 20 July 2018

    due_soon = list(reports_due_soon(today=datetime.date(2018, 7, 13)))
    overdue = list(overdue_reports(today=datetime.date(2018, 7, 21)))

    assert [p.pk for p in due_soon] == [first.pk]
    assert [p.pk for p in overdue] == [first.pk]
    assert list(reports_due_soon(today=datetime.date(2018, 7, 12))) == []


def test_send_reminders_sends_each_reminder_once(manager):
    agreement, lead = accepted_agreement(manager=manager)
    mail.outbox.clear()

    with TestCase.captureOnCommitCallbacks(execute=True):
        first = send_reminders(today=datetime.date(2018, 7, 14))
        again = send_reminders(today=datetime.date(2018, 7, 15))

    assert (first, again) == ((1, 0), (0, 0))
    assert [m.to for m in mail.outbox] == [[lead.email]]
    assert MonitoringReminder.objects.filter(period__agreement=agreement).count() == 1
