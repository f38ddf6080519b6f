"""Adding and removing an application's attachments; call these inside `editing()`."""

import logging
from pathlib import Path

from django.db import transaction

from schemes.models import Attachment
from schemes.validators import ATTACHMENT_TYPES, safe_file_name

logger = logging.getLogger(__name__)


def attachment_add(*, application, acting_user, kind, upload, file_type):
    """Attach an uploaded file, already checked as `file_type`, to `application`.

    Writes the file to the default storage with a generated name that carries the extension of
    its detected type, adds the Attachment row and logs who uploaded it.
    """
    attachment = Attachment(
        application=application,
        kind=kind,
        original_name=safe_file_name(upload.name, fallback=f"{kind}.{file_type.extension}"),
        content_type=file_type.content_type,
        size=upload.size,
        uploaded_by=acting_user,
    )
    attachment.file.save(f"{kind}.{file_type.extension}", upload, save=True)
    logger.info(
        "user %s attached %s (%s) to %s",
        acting_user.pk,
        attachment.file.name,
        attachment.kind,
        application.reference,
    )
    return attachment


def attachment_remove(*, application, acting_user, attachment):
    """Remove `attachment` from `application`.

    Deletes the row at once and the file only once the transaction commits, so a rollback
    leaves both in place; logs who removed it.
    """
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))
    logger.info(
        "user %s removed %s (%s) from %s",
        acting_user.pk,
        name,
        attachment.kind,
        application.reference,
    )


def download_name(attachment):
    """Return the name to offer `attachment` under when it is downloaded.

    That is its recorded name made safe again, with the extension its content calls for:
    a PNG uploaded as "plan.pdf" downloads as "plan.png".
    """
    name = safe_file_name(attachment.original_name, fallback=attachment.kind)
    extensions = {file_type.content_type: file_type.extension for file_type in ATTACHMENT_TYPES}
    extension = extensions.get(attachment.content_type)
    suffix = Path(name).suffix.lower()
    if extension is None or suffix == f".{extension}" or (extension, suffix) == ("jpg", ".jpeg"):
        return name
    return f"{name[: len(name) - len(suffix)] or attachment.kind}.{extension}"
