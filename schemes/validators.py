"""Checks on what applicants upload: judged by the bytes, never by the name or the browser."""

import struct
import zipfile
import zlib
from pathlib import Path
from typing import NamedTuple

import filetype
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_FILE_NAME_LENGTH = 100
# filetype needs only the first few kilobytes; the Office check reads the ZIP's directory.
SIGNATURE_BYTES = 8192
MAX_CONTENT_TYPES_BYTES = 1024 * 1024


class AttachmentType(NamedTuple):
    """A kind of file the portal accepts, with the content type it is stored and served as."""

    label: str
    content_type: str
    extension: str


PDF = AttachmentType("PDF", "application/pdf", "pdf")
DOCX = AttachmentType(
    "DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"
)
XLSX = AttachmentType(
    "XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"
)
PNG = AttachmentType("PNG", "image/png", "png")
JPEG = AttachmentType("JPEG", "image/jpeg", "jpg")
ATTACHMENT_TYPES = (PDF, DOCX, XLSX, PNG, JPEG)

# What filetype's signature says, for the types it settles on its own.
BY_SIGNATURE = {"application/pdf": PDF, "image/png": PNG, "image/jpeg": JPEG}
# A ZIP by signature; only its contents tell a Word or Excel document from any other archive.
ZIP_SIGNATURES = {"application/zip", DOCX.content_type, XLSX.content_type}
# The main part each Office type must declare and contain. Macro-enabled documents (.docm,
# .xlsm) declare other content types, so they are refused.
OFFICE_MAIN_PARTS = (
    (DOCX, "word/document.xml", b"wordprocessingml.document.main+xml"),
    (XLSX, "xl/workbook.xml", b"spreadsheetml.sheet.main+xml"),
)
# Everything zipfile raises on a malformed, encrypted or exotic archive.
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    KeyError,
    OSError,
    EOFError,
    RuntimeError,
    NotImplementedError,
    ValueError,
    OverflowError,
    struct.error,
    zlib.error,
)

WRONG_TYPE = _("The selected file must be a PDF, DOCX, XLSX, PNG or JPEG")
EMPTY = _("The selected file is empty")
TOO_BIG = _("The selected file must be smaller than 10MB")


def attachment_type(upload):
    """Return the AttachmentType of an uploaded file, judged by its content.

    Raises ValidationError if the file is empty, larger than 10MB or of any other type.
    Leaves the file's read position at the start.
    """
    if not upload.size:
        raise ValidationError(EMPTY, code="empty")
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(TOO_BIG, code="too_big")
    upload.seek(0)
    head = upload.read(SIGNATURE_BYTES)
    upload.seek(0)
    guess = filetype.guess(head)
    found = None
    if guess is not None and guess.mime in BY_SIGNATURE:
        found = BY_SIGNATURE[guess.mime]
    elif guess is not None and guess.mime in ZIP_SIGNATURES:
        found = office_type(upload)
        upload.seek(0)
    if found is None:
        raise ValidationError(WRONG_TYPE, code="file_type")
    return found


def office_type(upload):
    """Return DOCX or XLSX if the ZIP in `upload` is really a Word or Excel document, else None."""
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            declared = archive.getinfo("[Content_Types].xml")
            if declared.file_size > MAX_CONTENT_TYPES_BYTES:
                return None
            content_types = archive.read(declared)
    except ZIP_ERRORS:
        return None
    for office, main_part, main_content_type in OFFICE_MAIN_PARTS:
        if main_part in names and main_content_type in content_types:
            return office
    return None


def safe_file_name(name, *, fallback):
    """Return `name` made safe to record and to send back in a download header.

    Drops any folder, keeps only letters, digits, '-', '_' and '.', and cuts it to 100
    characters with its extension kept. Returns `fallback` if nothing usable is left.
    """
    try:
        cleaned = get_valid_filename(Path(str(name).replace("\\", "/")).name)
    except SuspiciousFileOperation:
        return fallback
    suffix = Path(cleaned).suffix[:10]
    stem = cleaned[: len(cleaned) - len(Path(cleaned).suffix)]
    return stem[: MAX_FILE_NAME_LENGTH - len(suffix)] + suffix
