"""Every uploaded file goes through here: one check before it is stored, one
rule for the name it is stored under, and one way it is sent back.

- ``check_upload`` / ``check_uploads``: size, an allowed extension, and first
  bytes that match the extension (a renamed executable, an SVG or an HTML
  page is refused whatever its name says). Services call it, so the pages,
  the API and the admin are held to the same rule.
- ``stored_name``: files are stored under a random name with their checked
  extension; the name the user gave is kept in a model field for display.
- ``file_response``: files are only ever sent by views that have checked who
  may see them, as downloads (images inline, for ``<img>``), with
  ``X-Content-Type-Options: nosniff`` and a Content-Security-Policy that runs
  nothing, so a file can never run script on the portal's origin."""
import os
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

ZIP = [b"PK\x03\x04"]
OLE = [b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"]
JPEG = [b"\xff\xd8\xff"]
PNG = [b"\x89PNG\r\n\x1a\n"]

# extension -> (content type, accepted first bytes; None: plain text)
KNOWN_TYPES = {
    "pdf": ("application/pdf", [b"%PDF-"]),
    "jpg": ("image/jpeg", JPEG),
    "jpeg": ("image/jpeg", JPEG),
    "png": ("image/png", PNG),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ZIP),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ZIP),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", ZIP),
    "ofd": ("application/ofd", ZIP),
    "doc": ("application/msword", OLE),
    "xls": ("application/vnd.ms-excel", OLE),
    "ppt": ("application/vnd.ms-powerpoint", OLE),
    "wps": ("application/vnd.ms-works", OLE),
    "mp4": ("video/mp4", None),  # checked by its "ftyp" box below
    "txt": ("text/plain; charset=utf-8", None),
}

# What each kind of upload may be.
ATTACHMENT_TYPES = ("pdf", "doc", "docx", "wps", "ofd", "xls", "xlsx", "jpg", "jpeg", "png", "txt")
IMAGE_TYPES = ("jpg", "jpeg", "png")
MATERIAL_TYPES = ("pdf", "doc", "docx", "ppt", "pptx", "xls", "xlsx", "txt", "jpg", "jpeg", "png", "mp4")

# Sent inline (for <img>); everything else is a download.
INLINE_TYPES = frozenset(IMAGE_TYPES)

# Text that a browser would take for a page or a drawing, even in a .txt.
MARKUP_MARKERS = (b"<!doctype", b"<html", b"<head", b"<body", b"<script", b"<svg", b"<iframe", b"<?xml", b"<object", b"<embed")

HEAD_BYTES = 4096


def extension_of(name):
    base = os.path.basename(name or "")
    return base.rsplit(".", 1)[-1].lower() if "." in base else ""


def display_name(upload):
    """The name the user gave, without any folder part, for display and download."""
    return os.path.basename(getattr(upload, "name", "") or "").strip()[:255] or _("附件")


def _looks_like_text(head):
    for encoding in ("utf-8", "gb18030"):
        try:
            head.decode(encoding)
            return True
        except UnicodeDecodeError as exc:
            # The head may end in the middle of a character.
            if exc.start >= len(head) - 4 and len(head) >= HEAD_BYTES:
                return True
    return False


def _content_matches(extension, head):
    if extension == "txt":
        lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
        if lowered.startswith(b"<") or any(marker in lowered for marker in MARKUP_MARKERS):
            return False
        return _looks_like_text(head)
    if extension == "mp4":
        return head[4:8] == b"ftyp"
    return any(head.startswith(signature) for signature in KNOWN_TYPES[extension][1])


def check_upload(upload, *, types=ATTACHMENT_TYPES, max_bytes=None):
    """Raise ValidationError (in Chinese, naming the file) unless ``upload`` is
    small enough, has one of ``types`` as its extension, and its first bytes
    are what that extension says."""
    limit = max_bytes or settings.PORTAL_MAX_ATTACHMENT_BYTES
    name = display_name(upload)
    if upload.size is None or upload.size > limit:
        raise ValidationError(
            _("文件「%(name)s」大小为 %(size)s，超过 %(limit)s 的上限。"),
            code="too_large",
            params={"name": name, "size": filesizeformat(upload.size or 0), "limit": filesizeformat(limit)},
        )
    extension = extension_of(name)
    if extension not in types:
        raise ValidationError(
            _("文件「%(name)s」的类型不允许上传。可上传：%(types)s。"),
            code="bad_type",
            params={"name": name, "types": "、".join(types)},
        )
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    if not head:
        raise ValidationError(_("文件「%(name)s」是空文件。"), code="empty", params={"name": name})
    if not _content_matches(extension, head):
        raise ValidationError(_("文件「%(name)s」的内容与扩展名不符。"), code="bad_content", params={"name": name})


def check_uploads(uploads, *, field="attachments", types=ATTACHMENT_TYPES, max_bytes=None):
    """``check_upload`` for each file; every refusal is reported, under ``field``."""
    errors = []
    for upload in uploads:
        try:
            check_upload(upload, types=types, max_bytes=max_bytes)
        except ValidationError as exc:
            errors.extend(exc.error_list)
    if errors:
        raise ValidationError({field: errors})


def stored_name(folder, filename):
    """``folder/YYYY/MM/<random>.<ext>``: nothing the uploader typed reaches the
    file system or a URL, and names cannot be guessed."""
    extension = extension_of(filename)
    suffix = f".{extension}" if extension in KNOWN_TYPES else ""
    return f"{folder}/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}{suffix}"


# Model field validators running the same check, for uploads written by the
# admin or a model serializer rather than a service (named, for migrations).
# A file already stored (``_committed``) is not read again.
def validate_attachment_file(value):
    if value and not getattr(value, "_committed", False):
        check_upload(value, types=ATTACHMENT_TYPES)


def validate_image_file(value):
    if value and not getattr(value, "_committed", False):
        check_upload(value, types=IMAGE_TYPES)


def validate_material_file(value):
    if value and not getattr(value, "_committed", False):
        check_upload(value, types=MATERIAL_TYPES)


def file_response(file_field, *, name=None):
    """The stored file, for a view that has already checked the reader may
    see it: a download under its display name (images inline), typed by its
    checked extension, never sniffed, and with a policy that runs nothing."""
    if not file_field:
        raise Http404
    try:
        handle = file_field.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    extension = extension_of(file_field.name)
    content_type = KNOWN_TYPES.get(extension, ("application/octet-stream",))[0]
    download = name or os.path.basename(file_field.name)
    response = FileResponse(
        handle, as_attachment=extension not in INLINE_TYPES, filename=download, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
