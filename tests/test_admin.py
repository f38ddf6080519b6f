"""The Django admin is no side door: workflow fields are read-only, and every edit is audited."""

import pytest
from django.contrib import admin
from django.db import models
from django.forms import MultiWidget

from criteria.models import (
    Assignment,
    ConflictOfInterest,
    Moderation,
    PackJob,
    Review,
    Score,
)
from pacesetter.admin_audit import AuditedAdmin
from pacesetter.audit import audit_record
from pacesetter.enums import AuditAction
from pacesetter.models import AuditEvent, Invitation, Organisation, User
from schemes.admin import APPLICATION_WORKFLOW_FIELDS, ROUND_WORKFLOW_FIELDS
from schemes.enums import ApplicationStatus, RoundState
from schemes.models import (
    Answer,
    Application,
    Attachment,
    BudgetLine,
    DeadlineExtension,
    Decision,
    LearningSummary,
    OtherFunding,
    Round,
)
from schemes.models import monitoring as monitoring_models
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

ADMIN = "admin@example.org"

# Every monitoring record is written by schemes.domain.monitoring.
MONITORING_MODELS = [
    model
    for model in vars(monitoring_models).values()
    if isinstance(model, type)
    and issubclass(model, models.Model)
    and model._meta.app_label == "schemes"
    and not model._meta.abstract
    and model.__module__ == monitoring_models.__name__
]

WORKFLOW_MODELS = [
    Answer,
    BudgetLine,
    OtherFunding,
    Attachment,
    Decision,
    DeadlineExtension,
    Assignment,
    ConflictOfInterest,
    Review,
    Score,
    Moderation,
    PackJob,
    AuditEvent,
    Invitation,
    LearningSummary,
    *MONITORING_MODELS,
]


def admin_url(model, action, *args):
    opts = model._meta
    parts = [f"/admin/{opts.app_label}/{opts.model_name}/", *(f"{arg}/" for arg in args)]
    return "".join(parts) + (f"{action}/" if action else "")


def posted_value(form, name):
    """The POST data a browser would send for field `name` of `form`, as it stands."""
    bound = form[name]
    value = bound.value()
    widget = bound.field.widget
    if value is None or hasattr(value, "url"):
        return {}
    if isinstance(widget, MultiWidget):
        return {
            f"{bound.html_name}_{index}": str(part)
            for index, part in enumerate(widget.decompress(value))
            if part is not None
        }
    if isinstance(value, bool):
        return {bound.html_name: "on"} if value else {}
    if isinstance(value, list | tuple):
        return {bound.html_name: [str(getattr(item, "pk", item)) for item in value]}
    return {bound.html_name: str(value)}


def change_form_data(response):
    """The change form of `response` as a browser would post it back unchanged."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms.extend([inline.formset.management_form, *inline.formset.forms])
    data = {}
    for form in forms:
        for name in form.fields:
            data.update(posted_value(form, name))
    return data


@pytest.fixture
def admin_client(signed_in):
    return signed_in(ADMIN)


@pytest.fixture
def acting_admin(demo_user):
    return demo_user(ADMIN)


def admin_events():
    return AuditEvent.objects.filter(action__startswith="admin.")


def test_every_portal_model_admin_is_audited():
    portal = {
        model._meta.label: isinstance(model_admin, AuditedAdmin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in ("pacesetter", "schemes", "criteria")
    }

    assert portal == dict.fromkeys(portal, True)
    # 22 earlier models, the learning library's Theme and LearningSummary, monitoring's.
    assert len(portal) == 22 + 2 + len(MONITORING_MODELS)


@pytest.mark.parametrize("model", WORKFLOW_MODELS, ids=lambda model: model.__name__)
def test_workflow_record_is_view_only_in_the_admin(rf, acting_admin, model):
    request = rf.get("/admin/")
    request.user = acting_admin
    model_admin = admin.site._registry[model]

    permissions = {
        "view": model_admin.has_view_permission(request),
        "add": model_admin.has_add_permission(request),
        "change": model_admin.has_change_permission(request),
        "delete": model_admin.has_delete_permission(request),
    }

    assert permissions == {"view": True, "add": False, "change": False, "delete": False}


@pytest.mark.parametrize("model", WORKFLOW_MODELS, ids=lambda model: model.__name__)
def test_workflow_record_cannot_be_added_in_the_admin(admin_client, model):
    response = admin_client.post(admin_url(model, "add"), {})

    assert response.status_code == 403
    assert admin_events().count() == 0


@pytest.mark.parametrize(
    "model",
    [Answer, BudgetLine, Decision, Assignment, Review, Score],
    ids=lambda model: model.__name__,
)
def test_workflow_record_cannot_be_changed_or_deleted_in_the_admin(admin_client, model):
    record = model.objects.order_by("pk").first()
    before = model.objects.filter(pk=record.pk).values().get()

    seen = admin_client.get(admin_url(model, "change", record.pk))
    changed = admin_client.post(admin_url(model, "change", record.pk), {"score": "0"})
    deleted = admin_client.post(admin_url(model, "delete", record.pk), {"post": "yes"})

    assert (seen.status_code, changed.status_code, deleted.status_code) == (200, 403, 403)
    assert model.objects.filter(pk=record.pk).values().get() == before
    assert admin_events().count() == 0


def test_decision_approved_amount_cannot_be_changed_in_the_admin(admin_client):
    decision = Decision.objects.exclude(approved_amount=None).order_by("pk").first()
    amount, outcome = decision.approved_amount, decision.outcome

    response = admin_client.post(
        admin_url(Decision, "change", decision.pk),
        {"approved_amount": "1.00", "outcome": "declined"},
    )

    decision.refresh_from_db()
    assert response.status_code == 403
    assert (decision.approved_amount, decision.outcome) == (amount, outcome)


def test_application_workflow_fields_are_read_only_in_the_admin(admin_client):
    application = Application.objects.order_by("pk").first()

    response = admin_client.get(admin_url(Application, "change", application.pk))

    form_fields = set(response.context["adminform"].form.fields)
    assert response.status_code == 200
    assert form_fields == {"title", "start_date", "duration_months", "components"}
    assert set(response.context["adminform"].readonly_fields) == set(APPLICATION_WORKFLOW_FIELDS)


def test_application_inlines_are_read_only_in_the_admin(admin_client):
    application = BudgetLine.objects.order_by("pk").first().application

    response = admin_client.get(admin_url(Application, "change", application.pk))

    inlines = {
        inline.formset.model.__name__: (
            inline.has_add_permission,
            inline.has_change_permission,
            inline.has_delete_permission,
        )
        for inline in response.context["inline_admin_formsets"]
    }
    assert inlines == {
        "Answer": (False, False, False),
        "BudgetLine": (False, False, False),
        "OtherFunding": (False, False, False),
    }


def test_admin_post_cannot_change_an_applications_workflow_fields(admin_client):
    application = BudgetLine.objects.order_by("pk").first().application
    other_round = Round.objects.exclude(pk=application.round_id).first()
    other_board = Organisation.objects.exclude(pk=application.organisation_id).first()
    url = admin_url(Application, "change", application.pk)
    before = Application.objects.filter(pk=application.pk).values().get()
    before.pop("updated_at")  # Saving the unchanged content moves it, as any save does.
    lines_before = list(application.budget_lines.values())
    data = change_form_data(admin_client.get(url))
    tampered = {
        "reference": "PS-HACKED-001",
        "round": str(other_round.pk),
        "organisation": str(other_board.pk),
        "status": ApplicationStatus.APPROVED,
        "version": "99",
        "submitted_at_0": "2001-01-01",
        "submitted_at_1": "00:00:00",
        "clarification_request": "Changed in the admin",
        "withdrawal_reason": "Changed in the admin",
        "budget_lines-0-amount": "999999.00",
        "budget_lines-0-description": "Changed in the admin",
    }

    response = admin_client.post(url, {**data, **tampered})

    after = Application.objects.filter(pk=application.pk).values().get()
    after.pop("updated_at")
    assert response.status_code == 302
    assert after == before
    assert list(application.budget_lines.values()) == lines_before
    assert admin_events().count() == 0


def test_admin_edit_of_application_content_writes_one_audit_event(admin_client, acting_admin):
    application = Application.objects.order_by("pk").first()
    url = admin_url(Application, "change", application.pk)
    data = change_form_data(admin_client.get(url))

    response = admin_client.post(url, {**data, "title": "A clearer title"})

    event = admin_events().get()
    assert response.status_code == 302
    assert (event.action, event.actor, event.application_pk, event.round_pk) == (
        AuditAction.ADMIN_CHANGED,
        acting_admin,
        application.pk,
        application.round_id,
    )
    assert event.details == {
        "fields": ["title"],
        "values": {"title": [application.title, "A clearer title"]},
    }
    assert application.history.first().history_user == acting_admin


def test_round_workflow_fields_are_read_only_in_the_admin(admin_client):
    round = Round.objects.exclude(state=RoundState.DRAFT).first()

    response = admin_client.get(admin_url(Round, "change", round.pk))

    assert set(response.context["adminform"].readonly_fields) == {
        *ROUND_WORKFLOW_FIELDS,
        "code",
        "criteria_set",
        "question_set",
    }


def test_admin_post_cannot_change_a_rounds_state_or_feedback_release(admin_client):
    round = Round.objects.get(code="2020-22")
    url = admin_url(Round, "change", round.pk)
    before = Round.objects.filter(pk=round.pk).values().get()
    shares_before = list(round.indicative_shares.values())
    data = change_form_data(admin_client.get(url))
    tampered = {
        "state": RoundState.ARCHIVED,
        "feedback_released_at_0": "2001-01-01",
        "feedback_released_at_1": "00:00:00",
        "feedback_released_by": str(User.objects.get(email=ADMIN).pk),
        "envelope_total": "1.00",
        "code": "1999-00",
        "indicative_shares-0-amount": "1.00",
    }

    response = admin_client.post(url, {**data, **tampered})

    assert response.status_code == 302
    assert Round.objects.filter(pk=round.pk).values().get() == before
    assert list(round.indicative_shares.values()) == shares_before
    assert admin_events().count() == 0


def test_admin_edit_of_a_rounds_description_writes_one_audit_event(admin_client, acting_admin):
    round = Round.objects.get(code="2020-22")
    url = admin_url(Round, "change", round.pk)
    data = change_form_data(admin_client.get(url))

    response = admin_client.post(url, {**data, "name_en": "Pacesetter 2020-22 (renamed)"})

    event = admin_events().get()
    assert response.status_code == 302
    assert (event.action, event.actor, event.object_id, event.round_pk) == (
        AuditAction.ADMIN_CHANGED,
        acting_admin,
        str(round.pk),
        round.pk,
    )
    assert event.details == {
        "fields": ["name_en"],
        "values": {"name_en": [round.name, "Pacesetter 2020-22 (renamed)"]},
    }


def test_round_history_cannot_be_reverted_in_the_admin(admin_client):
    round = Round.objects.get(code="2020-22")
    version = round.history.last()
    Round.objects.filter(pk=round.pk).update(state=RoundState.DECIDED)

    response = admin_client.post(
        f"{admin_url(Round, 'history', round.pk)}{version.history_id}/", {"name": round.name}
    )

    assert response.status_code == 403
    assert Round.objects.get(pk=round.pk).state == RoundState.DECIDED


def test_round_and_application_cannot_be_added_or_deleted_in_the_admin(admin_client):
    application = Application.objects.order_by("pk").first()

    responses = [
        admin_client.post(admin_url(Round, "add"), {}),
        admin_client.post(admin_url(Round, "delete", application.round_id), {"post": "yes"}),
        admin_client.post(admin_url(Application, "add"), {}),
        admin_client.post(admin_url(Application, "delete", application.pk), {"post": "yes"}),
    ]

    assert [response.status_code for response in responses] == [403, 403, 403, 403]
    assert Application.objects.filter(pk=application.pk).exists()


def test_admin_edit_of_an_organisations_name_writes_one_audit_event(admin_client, acting_admin):
    organisation = Organisation.objects.get(code="CAV")
    url = admin_url(Organisation, "change", organisation.pk)
    data = change_form_data(admin_client.get(url))

    response = admin_client.post(url, {**data, "name_en": "Cardiff and Vale Health Board"})

    event = admin_events().get()
    assert response.status_code == 302
    assert (event.action, event.actor, event.object_id, event.object_label) == (
        AuditAction.ADMIN_CHANGED,
        acting_admin,
        str(organisation.pk),
        "Cardiff and Vale Health Board",
    )
    assert event.details == {
        "fields": ["name_en"],
        "values": {"name_en": [organisation.name, "Cardiff and Vale Health Board"]},
    }


def test_admin_save_without_changes_writes_no_audit_event(admin_client):
    organisation = Organisation.objects.get(code="CAV")
    url = admin_url(Organisation, "change", organisation.pk)
    data = change_form_data(admin_client.get(url))

    response = admin_client.post(url, data)

    assert response.status_code == 302
    assert admin_events().count() == 0


def test_admin_addition_writes_one_audit_event(admin_client, acting_admin):
    response = admin_client.post(
        admin_url(Organisation, "add"),
        {
            "code": "NEW",
            "name_en": "New Health Board",
            "name_cy": "Bwrdd Iechyd Newydd",
            "kind": "health_board",
        },
    )

    organisation = Organisation.objects.get(code="NEW")
    event = admin_events().get()
    assert response.status_code == 302
    assert (event.action, event.actor, event.object_id) == (
        AuditAction.ADMIN_ADDED,
        acting_admin,
        str(organisation.pk),
    )
    assert event.details["fields"] == ["code", "name_en", "name_cy", "kind"]
    assert event.details["values"]["name_en"] == [None, "New Health Board"]
    assert event.details["values"]["name_cy"] == [None, "Bwrdd Iechyd Newydd"]


def test_admin_user_addition_keeps_no_password_in_the_audit_event(admin_client):
    response = admin_client.post(
        admin_url(User, "add"),
        {
            "email": "new.person@example.org",
            "full_name": "New Person",
            "role": "applicant",
            "password1": "a-long-unusual-passphrase-41",
            "password2": "a-long-unusual-passphrase-41",
        },
    )

    event = admin_events().get()
    assert response.status_code == 302
    assert event.details["fields"] == ["email", "full_name", "role"]
    assert "passphrase" not in str(event.details)


def test_admin_password_change_writes_one_audit_event_without_the_password(
    admin_client, acting_admin
):
    person = User.objects.get(email="applicant.cav@example.org")

    response = admin_client.post(
        f"{admin_url(User, 'password', person.pk)}",
        {
            "password1": "a-long-unusual-passphrase-41",
            "password2": "a-long-unusual-passphrase-41",
            "set_usable_password": "true",
        },
    )

    event = admin_events().get()
    assert response.status_code == 302
    assert (event.action, event.actor, event.object_id, event.details) == (
        AuditAction.ADMIN_CHANGED,
        acting_admin,
        str(person.pk),
        {"fields": ["password"]},
    )


def test_admin_deletion_writes_one_audit_event(admin_client, acting_admin):
    organisation = OrganisationFactory(name="Short-lived Health Board")
    pk = organisation.pk

    response = admin_client.post(admin_url(Organisation, "delete", pk), {"post": "yes"})

    event = admin_events().get()
    assert response.status_code == 302
    assert not Organisation.objects.filter(pk=pk).exists()
    assert (event.action, event.actor, event.object_id, event.object_label) == (
        AuditAction.ADMIN_DELETED,
        acting_admin,
        str(pk),
        "Short-lived Health Board",
    )
    assert event.details["values"]["name"] == "Short-lived Health Board"


def test_admin_bulk_deletion_writes_one_audit_event_each(admin_client, acting_admin):
    organisations = OrganisationFactory.create_batch(3)
    pks = [organisation.pk for organisation in organisations]

    response = admin_client.post(
        admin_url(Organisation, ""),
        {"action": "delete_selected", "_selected_action": pks, "post": "yes"},
    )

    assert response.status_code == 302
    assert not Organisation.objects.filter(pk__in=pks).exists()
    assert sorted(
        admin_events().filter(action=AuditAction.ADMIN_DELETED).values_list("object_id", "actor")
    ) == sorted((str(pk), acting_admin.pk) for pk in pks)


def test_audit_event_cannot_be_changed_or_deleted_in_the_admin(admin_client, acting_admin):
    round = Round.objects.get(code="2020-22")
    event = audit_record(AuditAction.ROUND_OPENED, actor=acting_admin, obj=round)

    seen = admin_client.get(admin_url(AuditEvent, "change", event.pk))
    changed = admin_client.post(admin_url(AuditEvent, "change", event.pk), {"reason": "x"})
    deleted = admin_client.post(admin_url(AuditEvent, "delete", event.pk), {"post": "yes"})

    event.refresh_from_db()
    assert (seen.status_code, changed.status_code, deleted.status_code) == (200, 403, 403)
    assert (event.reason, AuditEvent.objects.filter(pk=event.pk).count()) == ("", 1)
