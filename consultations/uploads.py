"""Attachments of consultations, accepted by what they contain and not by the name the browser sent.

Accepted: PDF, DOCX, XLSX, ODT, ODS, PNG and JPEG. ODS is the open counterpart of XLSX, which public bodies
must accept; plain text, legacy DOC/XLS, macro-enabled documents and every other type are refused. The
extension must agree with the content. Office files are told apart from their zip central directory and one
small entry, never by unpacking the archive; images must pass Pillow's verify().
"""

from __future__ import annotations

import re
import unicodedata
import warnings
import zipfile
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import PurePosixPath

import filetype
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image

__all__ = [
    "DEFAULT_MAX_BYTES",
    "KINDS",
    "CheckedUpload",
    "Kind",
    "sanitise_filename",
    "validate_upload",
]

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
# A real office document unpacks to a few megabytes; an archive that claims more is refused unread.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_ARCHIVE_ENTRIES = 5_000
MAX_IMAGE_PIXELS = 60_000_000
_HEAD_BYTES = 8192
_CHUNK_BYTES = 64 * 1024
_SMALL_ENTRY_BYTES = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Kind:
    """An accepted file type: its label, the content type we serve it with and its extensions."""

    label: str
    content_type: str
    extensions: tuple[str, ...]


KINDS: dict[str, Kind] = {
    "pdf": Kind("PDF", "application/pdf", ("pdf",)),
    "docx": Kind(
        "DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ("docx",)
    ),
    "xlsx": Kind("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",)),
    "odt": Kind("ODT", "application/vnd.oasis.opendocument.text", ("odt",)),
    "ods": Kind("ODS", "application/vnd.oasis.opendocument.spreadsheet", ("ods",)),
    "png": Kind("PNG", "image/png", ("png",)),
    "jpeg": Kind("JPEG", "image/jpeg", ("jpg", "jpeg")),
}

_OOXML_MAIN = {
    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": ("docx", "word/"),
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": ("xlsx", "xl/"),
}
_OOXML_MACROS = (
    b"application/vnd.ms-word.document.macroEnabled",
    b"application/vnd.ms-excel.sheet.macroEnabled",
)
_ODF_MIMETYPES = {KINDS[kind].content_type.encode(): kind for kind in ("odt", "ods")}
_IMAGE_FORMATS = {"PNG": "png", "JPEG": "jpeg"}

MESSAGES = {
    "extension": _("%(name)s: files of this type are not accepted. Accepted types: %(allowed)s."),
    "empty": _("%(name)s: the file is empty."),
    "too_large": _("%(name)s: the file is too large (%(size)s); the limit is %(limit)s."),
    "unknown_content": _(
        "%(name)s: the content is not a document or image of an accepted type (%(allowed)s)."
    ),
    "mismatch": _("%(name)s: the content is %(detected)s, which does not match the file's extension."),
    "damaged": _("%(name)s: the file is damaged or cannot be read."),
    "macros": _("%(name)s: documents with macros are not accepted."),
    "unpacks_too_large": _("%(name)s: the file unpacks to too much data to be checked safely."),
}


@dataclass(frozen=True, slots=True)
class CheckedUpload:
    """What the content check found: the kind, the content type to store and serve, a safe file name."""

    kind: str
    content_type: str
    filename: str
    size: int


class _Refused(Exception):
    def __init__(self, code: str, **params: str) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def validate_upload(
    upload: UploadedFile, *, max_bytes: int = DEFAULT_MAX_BYTES, kinds: Collection[str] = tuple(KINDS)
) -> CheckedUpload:
    """Check an uploaded file by its content; raise ValidationError (Polish-first message) when refused.

    The file is read in chunks and rewound afterwards, so it can be saved as it is.
    """
    name = upload.name or ""
    shown_name = _shorten(PurePosixPath(name.replace("\\", "/")).name or name)
    allowed = ", ".join(KINDS[kind].label for kind in kinds)
    try:
        kind = _check(upload, name=name, max_bytes=max_bytes, kinds=kinds)
    except _Refused as refusal:
        raise ValidationError(
            MESSAGES[refusal.code],
            code=refusal.code,
            params={"name": shown_name, "allowed": allowed, **refusal.params},
        ) from None
    finally:
        upload.seek(0)
    return CheckedUpload(
        kind=kind,
        content_type=KINDS[kind].content_type,
        filename=sanitise_filename(name, kind=kind),
        size=upload.size,
    )


def _check(upload: UploadedFile, *, name: str, max_bytes: int, kinds: Collection[str]) -> str:
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    claimed = next((kind for kind in kinds if extension in KINDS[kind].extensions), None)
    if claimed is None:
        raise _Refused("extension")
    size, head = _measure(upload, max_bytes)
    if size == 0:
        raise _Refused("empty")
    if size > max_bytes:
        # Counting stopped at the limit; the size Django recorded is the whole file's.
        shown = max(size, upload.size or 0)
        raise _Refused("too_large", size=filesizeformat(shown), limit=filesizeformat(max_bytes))
    detected = _detect(upload, head)
    if detected is None:
        raise _Refused("unknown_content")
    if detected != claimed:
        raise _Refused("mismatch", detected=KINDS[detected].label)
    return detected


def _measure(upload: UploadedFile, max_bytes: int) -> tuple[int, bytes]:
    """The real size (counting stops past the limit) and the first bytes, read in chunks."""
    upload.seek(0)
    size, head = 0, b""
    for chunk in upload.chunks(_CHUNK_BYTES):
        if len(head) < _HEAD_BYTES:
            head += chunk[: _HEAD_BYTES - len(head)]
        size += len(chunk)
        if size > max_bytes:
            break
    upload.seek(0)
    return size, head


def _detect(upload: UploadedFile, head: bytes) -> str | None:
    guess = filetype.guess(head)
    mime = guess.mime if guess else ""
    if mime == "application/pdf":
        return "pdf"
    if mime in ("image/png", "image/jpeg"):
        return _check_image(upload)
    if head.startswith(b"PK\x03\x04"):
        return _inspect_archive(upload)
    return None


def _check_image(upload: UploadedFile) -> str:
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                if image.width * image.height > MAX_IMAGE_PIXELS:
                    raise _Refused("unpacks_too_large")
                image_format = image.format
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _Refused("unpacks_too_large") from None
    except _Refused:
        raise
    except Exception:
        # Pillow reports broken images with many exception types (OSError, SyntaxError, ValueError, ...).
        raise _Refused("damaged") from None
    kind = _IMAGE_FORMATS.get(image_format or "")
    if kind is None:
        raise _Refused("damaged")
    return kind


def _inspect_archive(upload: UploadedFile) -> str | None:
    """DOCX, XLSX, ODT or ODS from the zip central directory; only one small entry is ever decompressed."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ARCHIVE_ENTRIES or sum(e.file_size for e in entries) > MAX_UNPACKED_BYTES:
                raise _Refused("unpacks_too_large")
            names = {entry.filename for entry in entries}
            if "mimetype" in names:
                kind = _ODF_MIMETYPES.get(_read_small(archive, "mimetype").strip())
                # LibreOffice keeps Basic macros and scripts in these folders.
                if kind and any(n.startswith(("Basic/", "Scripts/")) for n in names):
                    raise _Refused("macros")
                return kind
            if "[Content_Types].xml" in names:
                content_types = _read_small(archive, "[Content_Types].xml")
                if any(marker in content_types for marker in _OOXML_MACROS) or any(
                    n.lower().endswith("vbaproject.bin") for n in names
                ):
                    raise _Refused("macros")
                for main_type, (kind, folder) in _OOXML_MAIN.items():
                    if main_type in content_types and any(n.startswith(folder) for n in names):
                        return kind
            return None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, RuntimeError, ValueError):
        # RuntimeError: an encrypted entry; ValueError/EOFError: a truncated or inconsistent archive.
        raise _Refused("damaged") from None


def _read_small(archive: zipfile.ZipFile, name: str) -> bytes:
    if archive.getinfo(name).file_size > _SMALL_ENTRY_BYTES:
        raise _Refused("unpacks_too_large")
    with archive.open(name) as entry:
        return entry.read(_SMALL_ENTRY_BYTES)


_UNSAFE_CHARACTERS_RE = re.compile(r"[^\w .()-]+")
_REPEATS_RE = re.compile(r"([ _.-])[ _.-]+")


def sanitise_filename(name: str, *, kind: str, max_length: int = 100) -> str:
    """A file name safe to store and show: no path, no control or markup characters, the kind's extension."""
    base = unicodedata.normalize("NFC", PurePosixPath(name.replace("\\", "/")).name)
    stem, dot, extension = base.rpartition(".")
    if not dot:
        stem, extension = base, ""
    stem = _REPEATS_RE.sub(r"\1", _UNSAFE_CHARACTERS_RE.sub("_", stem)).strip(" ._-")
    extension = (
        extension.lower() if extension.lower() in KINDS[kind].extensions else KINDS[kind].extensions[0]
    )
    stem = stem[: max_length - len(extension) - 1].rstrip(" ._-") or "zalacznik"
    return f"{stem}.{extension}"


def _shorten(name: str, limit: int = 80) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"
