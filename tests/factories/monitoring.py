"""Monitoring records made the way the portal makes them: through the domain functions."""

import datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType

from criteria.demo.monitoring import DEMO_MONITORED_APPLICATION
from pacesetter.enums import Role
from pacesetter.models import AuditEvent
from schemes.domain.decisions import decision_record
from schemes.domain.monitoring import (
    agreement_accept,
    agreement_create_from_application,
    agreement_send_for_acceptance,
    measure_add,
)
from schemes.enums import ApplicationStatus, BudgetCategory, RoundState
from schemes.models import DeliveryAgreement, Measure, Milestone, QuarterlyReport, Variation
from tests.factories import (
    ApplicationFactory,
    BudgetLineFactory,
    OrganisationFactory,
    RoundFactory,
    UserFactory,
)


def measure_fields(**overrides):
    return {
        "kind": "outcome",
        "name": "Practices at sustainability level 1",
        "definition": "Network practices scoring level 1 on the GMS sustainability matrix",
        "numerator": "",
        "denominator": "",
        "unit": "practices",
        "is_numeric": True,
        "data_source": "GMS sustainability matrix",
        "collection_frequency": "quarterly",
        "baseline_value": "4",
        "baseline_date": datetime.date(2018, 3, 31),
        "target_value": "10",
        "target_date": datetime.date(2021, 3, 31),
        **overrides,
    }


def approved_application(
    *, manager, amount="900.00", lines=((1, BudgetCategory.STAFF, "1000.00"),), **kwargs
):
    """A submitted application with `lines` (year, category, amount), approved at `amount`."""
    board = kwargs.pop("organisation", None) or OrganisationFactory()
    round = RoundFactory(state=RoundState.IN_REVIEW)
    application = ApplicationFactory(
        round=round,
        organisation=board,
        status=ApplicationStatus.SUBMITTED,
        start_date=kwargs.pop("start_date", datetime.date(2018, 4, 1)),
        duration_months=kwargs.pop("duration_months", 24),
    )
    for year, category, line_amount in lines:
        BudgetLineFactory(
            application=application, year=year, category=category, amount=Decimal(line_amount)
        )
    decision_record(
        application=application,
        outcome="approved",
        approved_amount=Decimal(amount),
        acting_user=manager,
        conditions="Quarterly reports to be submitted on time.",
    )
    application.refresh_from_db()
    return application


def lead_of(organisation):
    return UserFactory(role=Role.APPLICANT, organisation=organisation)


def accepted_agreement(*, manager, lead=None, **kwargs):
    """An accepted agreement with an outcome and a balancing measure; returns (agreement, lead)."""
    application = approved_application(manager=manager, **kwargs)
    lead = lead or lead_of(application.organisation)
    agreement = agreement_create_from_application(application=application, acting_user=manager)
    agreement = add_required_measures(agreement, manager)
    if not agreement.milestones.exists():
        agreement.milestones.create(order=1, title="Recruit the team", due_date=agreement.end_date)
    agreement_send_for_acceptance(agreement, acting_user=manager)
    agreement_accept(agreement, acting_user=lead)
    return DeliveryAgreement.objects.get(pk=agreement.pk), lead


def add_required_measures(agreement, manager):
    for kind, name in (("outcome", "Sustainable practices"), ("balancing", "Waiting times")):
        agreement.refresh_from_db()
        measure_add(
            agreement=agreement,
            fields=measure_fields(kind=kind, name=name),
            expected_version=agreement.version,
            acting_user=manager,
        )
    agreement.refresh_from_db()
    return agreement


def remove_demo_monitoring():
    """Delete the demo's monitored scheme's agreement, its reports and their audit events.

    The demo data gives Hywel Dda 2018-19 an accepted agreement with four reports; a test
    that counts every agreement, report or monitoring event, or sets up Hywel Dda's agreement
    itself, calls this first, inside its transaction (which rolls back). The application
    stays approved, with its decision's events.
    """
    agreement = DeliveryAgreement.objects.get(application__reference=DEMO_MONITORED_APPLICATION)
    kinds = ContentType.objects.get_for_models(
        DeliveryAgreement, Measure, Milestone, QuarterlyReport, Variation
    ).values()
    AuditEvent.objects.filter(
        application_pk=agreement.application_id, content_type__in=kinds
    ).delete()
    agreement.reports.all().delete()
    agreement.delete()
