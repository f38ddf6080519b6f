"""The attachments task: list, upload and remove an application's files, and download one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from pacesetter.permissions import can
from pacesetter.transitions import Refused
from pacesetter.uploads import upload_was_refused
from schemes.domain.attachments import attachment_add, attachment_remove, download_name
from schemes.domain.editing import editing
from schemes.forms.attachments import AttachmentForm, RemoveAttachmentForm
from schemes.views.common import (
    get_editable_application,
    get_visible_application,
    in_application_language,
)


@login_required
@in_application_language
@require_http_methods(["GET", "POST"])
def attachments(request, reference):
    application = get_editable_application(request, reference)
    if request.method == "POST" and "later" in request.POST and "file" not in request.FILES:
        # Nothing chosen to upload: every file already attached is saved.
        return redirect("schemes:task_list", application.reference)
    if request.method == "POST":
        form = AttachmentForm(request.POST, request.FILES)
    else:
        form = AttachmentForm(initial={"version": application.version})
        if upload_was_refused(request):
            form.show_unreadable_upload()
    if form.is_bound and form.is_valid():
        try:
            with editing(
                application,
                expected_version=form.cleaned_data["version"],
                acting_user=request.user,
            ) as fresh:
                attachment = attachment_add(
                    application=fresh,
                    acting_user=request.user,
                    kind=form.cleaned_data["kind"],
                    upload=form.cleaned_data["file"],
                    file_type=form.cleaned_data["file_type"],
                )
        except Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(
                request, _("%(name)s has been uploaded.") % {"name": attachment.original_name}
            )
            if "later" in request.POST:
                return redirect("schemes:task_list", application.reference)
            return redirect("schemes:attachments", application.reference)
    return render(
        request,
        "schemes/attachment/list.html",
        {
            "application": application,
            "attachments": application.attachments.select_related("uploaded_by"),
            "form": form,
        },
    )


@login_required
@in_application_language
@require_http_methods(["GET", "POST"])
def remove_attachment(request, reference, pk):
    application = get_editable_application(request, reference)
    attachment = get_object_or_404(application.attachments.select_related("uploaded_by"), pk=pk)
    if request.method == "POST":
        form = RemoveAttachmentForm(request.POST)
    else:
        form = RemoveAttachmentForm(initial={"version": application.version})
    if form.is_bound and form.is_valid():
        try:
            with editing(
                application,
                expected_version=form.cleaned_data["version"],
                acting_user=request.user,
            ) as fresh:
                attachment_remove(
                    application=fresh, acting_user=request.user, attachment=attachment
                )
        except Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(
                request, _("%(name)s has been removed.") % {"name": attachment.original_name}
            )
            return redirect("schemes:attachments", application.reference)
    return render(
        request,
        "schemes/attachment/remove.html",
        {"application": application, "attachment": attachment, "form": form},
    )


@login_required
@require_safe
@never_cache
def attachment_download(request, reference, pk):
    application = get_visible_application(request, reference)
    if not can(request.user, "schemes.download_attachment", application):
        raise Http404
    attachment = get_object_or_404(application.attachments, pk=pk)
    try:
        stored = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        stored,
        as_attachment=True,
        filename=download_name(attachment),
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
