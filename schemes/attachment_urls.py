"""URLs of the attachment task of an application, included under /applications/<reference>/."""

from django.urls import path

from schemes.views import attachments

urlpatterns = [
    path("apply/attachments/", attachments.attachments, name="attachments"),
    path(
        "apply/attachments/<int:pk>/remove/",
        attachments.remove_attachment,
        name="remove_attachment",
    ),
    path("attachments/<int:pk>/", attachments.attachment_download, name="attachment_download"),
]
