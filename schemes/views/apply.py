"""The applicant's journey, and the programme manager's hand in it.

Start -> task list -> sections, budget, ticks, attachments, declaration -> check answers ->
submit -> receipt. Returned for clarification -> edit -> resubmit. Withdraw at any point
before a decision. Every write goes through `schemes.domain`.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacesetter.permissions import can
from pacesetter.times import govuk_datetime
from pacesetter.transitions import Refused
from schemes.domain import applications as workflow
from schemes.domain.document import (
    application_document,
    document_queryset,
    frameworks_with_components,
)
from schemes.domain.editing import editing
from schemes.domain.history import application_history
from schemes.domain.task_list import application_tasks
from schemes.enums import ApplicationStatus, QuestionKind
from schemes.forms.apply import (
    SAVE_AND_RETURN,
    ApplicationLanguageForm,
    ComponentsForm,
    DeclarationForm,
    ExtensionForm,
    ReasonForm,
    SectionForm,
    StartApplicationForm,
)
from schemes.models import Answer, Question, Round, StrategicComponent
from schemes.views.common import (
    get_editable_application,
    get_visible_application,
    in_application_language,
)


def task_list_url(application):
    return reverse("schemes:task_list", args=[application.reference])


def saved_redirect(request, application, next_url):
    """After a save: back to the task list, or on to the next task."""
    if SAVE_AND_RETURN in request.POST:
        messages.success(request, _("Your changes have been saved. You can come back later."))
        return redirect(task_list_url(application))
    return redirect(next_url)


@login_required
def start_application(request, code):
    round = get_object_or_404(Round.objects.visible_to(request.user), code=code)
    if not can(request.user, "schemes.start_application", round):
        raise PermissionDenied(_("You cannot start an application in this round."))
    form = StartApplicationForm(
        request.POST if request.method == "POST" else None, language=request.user.language
    )
    if request.method == "POST" and form.is_valid():
        title, language = form.cleaned_data["title"], form.cleaned_data["language"]
        duplicates = workflow.same_titled_applications(
            round=round, organisation=request.user.organisation, title=title
        )
        if duplicates and not workflow.same_title(form.cleaned_data["confirmed_title"], title):
            # Two applications with one title are usually one started twice: ask first.
            return render(
                request,
                "schemes/application/start_confirm.html",
                {"round": round, "title": title, "language": language, "duplicates": duplicates},
            )
        application = workflow.application_start(
            round=round, title=title, language=language, acting_user=request.user
        )
        return redirect(task_list_url(application))
    return render(request, "schemes/application/start.html", {"round": round, "form": form})


@login_required
@in_application_language
def task_list(request, reference):
    application = get_editable_application(request, reference)
    tasks = application_tasks(application)
    return render(
        request,
        "schemes/application/task_list.html",
        {
            "application": application,
            "tasks": tasks,
            "completed": sum(task.status == "completed" for task in tasks),
            "deadline": application.round.deadline_for(application.organisation),
        },
    )


@login_required
@in_application_language
def change_language(request, reference):
    """Choose again the language a draft application is written in (from its task list)."""
    application = get_editable_application(request, reference)
    if not can(request.user, "schemes.change_application_language", application):
        raise PermissionDenied(workflow.LANGUAGE_FIXED)
    form = ApplicationLanguageForm(
        request.POST if request.method == "POST" else None,
        initial={"version": application.version, "language": application.language},
    )
    if request.method == "POST" and form.is_valid():
        try:
            workflow.application_change_language(
                application,
                language=form.cleaned_data["language"],
                expected_version=form.cleaned_data["version"],
                acting_user=request.user,
            )
        except Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            return redirect(task_list_url(application))
    return render(
        request,
        "schemes/application/language.html",
        {"application": application, "form": form},
    )


@login_required
@in_application_language
def edit_section(request, reference, number):
    application = get_editable_application(request, reference)
    sections = application.round.question_set.sections.prefetch_related(
        Prefetch("questions", queryset=Question.objects.order_by("number"))
    ).order_by("number")
    section = get_object_or_404(sections, number=number)
    answers = {a.question_id: a.text for a in application.answers.all()}
    form = SectionForm(
        request.POST if request.method == "POST" else None,
        application=application,
        section=section,
        answers=answers,
        initial={"version": application.version},
    )
    if request.method == "POST" and form.is_valid():
        try:
            with editing(
                application,
                expected_version=form.cleaned_data["version"],
                acting_user=request.user,
            ) as fresh:
                save_section_answers(fresh, form, answers)
        except Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            later = sections.filter(number__gt=number).first()
            next_url = (
                reverse("schemes:edit_section", args=[reference, later.number])
                if later
                else task_list_url(application)
            )
            return saved_redirect(request, application, next_url)
    return render(
        request,
        "schemes/application/section.html",
        {"application": application, "section": section, "form": form},
    )


def save_section_answers(application, form, previous_answers):
    """Copy a section form's answers onto the application and its answer rows."""
    for question in form.questions:
        name = f"q{question.pk}"
        if name not in form.cleaned_data:
            continue
        value = form.cleaned_data[name]
        if question.kind == QuestionKind.TITLE:
            application.title = value
        elif question.kind == QuestionKind.START_DATE:
            application.start_date = value
        elif question.kind == QuestionKind.DURATION:
            application.duration_months = value
        elif previous_answers.get(question.pk) != value:
            Answer.objects.update_or_create(
                application=application, question=question, defaults={"text": value}
            )


@login_required
@in_application_language
def edit_components(request, reference):
    application = get_editable_application(request, reference)
    frameworks = frameworks_with_components(application.round)
    if not frameworks:
        raise Http404
    form = ComponentsForm(
        request.POST if request.method == "POST" else None,
        application=application,
        frameworks=frameworks,
        initial={"version": application.version},
    )
    if request.method == "POST" and form.is_valid():
        try:
            with editing(
                application,
                expected_version=form.cleaned_data["version"],
                acting_user=request.user,
            ) as fresh:
                allowed = StrategicComponent.objects.filter(
                    framework__rounds=application.round, pk__in=form.ticked_ids()
                )
                fresh.components.set(allowed)
        except Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            return saved_redirect(request, application, task_list_url(application))
    return render(
        request,
        "schemes/application/components.html",
        {"application": application, "form": form},
    )


@login_required
@in_application_language
def declaration(request, reference):
    application = get_editable_application(request, reference)
    form = DeclarationForm(
        request.POST if request.method == "POST" else None,
        application=application,
        initial={
            "version": application.version,
            "confirm": bool(application.declaration_confirmed_at),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            workflow.application_confirm_declaration(
                application,
                expected_version=form.cleaned_data["version"],
                acting_user=request.user,
            )
        except Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            return saved_redirect(
                request,
                application,
                reverse("schemes:check_answers", args=[reference]),
            )
    return render(
        request,
        "schemes/application/declaration.html",
        {"application": application, "form": form},
    )


def check_answers_context(application):
    """The application as it will be sent, and whether it can be: the button only if so."""
    problems = workflow.submission_problems(application)
    deadline_passed = workflow.submission_deadline_passed(application)
    return {
        "application": application,
        "document": application_document(application),
        "problems": problems,
        "deadline": application.round.deadline_for(application.organisation),
        "deadline_passed": deadline_passed,
        "can_submit": not problems and not deadline_passed,
    }


@login_required
@in_application_language
def check_answers(request, reference):
    application = get_editable_application(request, reference, document_queryset())
    return render(
        request, "schemes/application/check_answers.html", check_answers_context(application)
    )


@login_required
@in_application_language
@require_POST
def submit(request, reference):
    application = get_visible_application(request, reference)
    if application.status == ApplicationStatus.SUBMITTED and can(
        request.user, "schemes.withdraw_application", application
    ):
        # A second click of "Submit": the first one did it.
        return redirect("schemes:receipt", reference)
    application = get_editable_application(request, reference)
    try:
        workflow.application_submit(application, acting_user=request.user)
    except Refused as refusal:
        context = check_answers_context(application)
        context["refusal"] = refusal.message
        return render(request, "schemes/application/check_answers.html", context)
    return redirect("schemes:receipt", reference)


@login_required
@in_application_language
def receipt(request, reference):
    application = get_visible_application(request, reference)
    if application.status != ApplicationStatus.SUBMITTED:
        return redirect(application.get_absolute_url())
    return render(request, "schemes/application/receipt.html", {"application": application})


def reasoned_transition(request, reference, *, permission, move, text):
    """A page asking why, then making one audited move of the application with that reason.

    `text` holds the page's words: heading, label, required, submit and done.
    """
    application = get_visible_application(request, reference)
    if not can(request.user, permission, application):
        raise PermissionDenied
    form = ReasonForm(
        request.POST if request.method == "POST" else None,
        label=text["label"],
        required_message=text["required"],
        submit_label=text["submit"],
    )
    refusal = None
    if request.method == "POST" and form.is_valid():
        try:
            move(application, form.cleaned_data["reason"], request.user)
        except Refused as refused:
            refusal = refused.message
        else:
            messages.success(request, text["done"])
            return redirect(application.get_absolute_url())
    return render(
        request,
        "schemes/application/reason.html",
        {"application": application, "form": form, "refusal": refusal, "heading": text["heading"]},
    )


@login_required
def withdraw(request, reference):
    return reasoned_transition(
        request,
        reference,
        permission="schemes.withdraw_application",
        move=lambda application, reason, user: workflow.application_withdraw(
            application, reason=reason, acting_user=user
        ),
        text={
            "heading": _("Withdraw this application"),
            "label": _("Why are you withdrawing this application?"),
            "required": _("Enter the reason for withdrawing the application"),
            "submit": _("Withdraw application"),
            "done": _("The application has been withdrawn."),
        },
    )


@login_required
def request_clarification(request, reference):
    return reasoned_transition(
        request,
        reference,
        permission="schemes.return_application",
        move=lambda application, reason, user: workflow.application_return_for_clarification(
            application, message=reason, acting_user=user
        ),
        text={
            "heading": _("Return for clarification"),
            "label": _("What does the health board need to clarify?"),
            "required": _("Enter what the health board needs to clarify"),
            "submit": _("Return for clarification"),
            "done": _("The application has been returned for clarification."),
        },
    )


@login_required
def history(request, reference):
    application = get_visible_application(request, reference)
    if not can(request.user, "schemes.view_application_history", application):
        raise PermissionDenied
    return render(
        request,
        "schemes/application/history.html",
        {"application": application, "entries": application_history(application)},
    )


@login_required
def extensions(request, code):
    round = get_object_or_404(Round.objects.visible_to(request.user), code=code)
    if not can(request.user, "schemes.grant_extension", round):
        raise PermissionDenied
    form = ExtensionForm(request.POST if request.method == "POST" else None, round=round)
    if request.method == "POST" and form.is_valid():
        extension = workflow.extension_grant(
            round=round,
            organisation=form.cleaned_data["organisation"],
            until=form.cleaned_data["until"],
            reason=form.cleaned_data["reason"],
            acting_user=request.user,
        )
        messages.success(
            request,
            _("%(organisation)s can now submit until %(until)s.")
            % {
                "organisation": extension.organisation.name,
                "until": govuk_datetime(extension.until),
            },
        )
        return redirect("schemes:extensions", code)
    return render(
        request,
        "schemes/round/extensions.html",
        {
            "round": round,
            "form": form,
            "extensions": round.extensions.select_related("organisation", "granted_by"),
        },
    )
