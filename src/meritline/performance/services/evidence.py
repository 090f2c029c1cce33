"""Evidence files of manual KPI values: checked (size and type, by name and by content),
stored through Django's default storage, and described by name, size and SHA-256 in the
appraisal's ``manual`` values (no model of their own)."""

from __future__ import annotations

import hashlib
from pathlib import PurePath
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from meritline.core.errors import DomainError
from meritline.performance.errors import ErrorCode

MAX_BYTES = 5 * 1024 * 1024
# Extension → (content type, the bytes such a file starts with).
KINDS: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".webp": ("image/webp", (b"RIFF",)),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
    ),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
}
FOLDER = "performance/evidence"


def _refuse(message: Any) -> DomainError:
    return DomainError(ErrorCode.INVALID, message, field="evidence_file")


def read_evidence(upload: Any) -> tuple[str, str, bytes]:
    """The file's safe name, content type and bytes, or a DomainError saying why not."""
    name = PurePath(str(getattr(upload, "name", "") or "")).name.strip()[:200]
    suffix = PurePath(name).suffix.lower()
    if suffix not in KINDS:
        raise _refuse(
            _("Attach a PDF, an image (PNG, JPEG, WebP) or an Excel or Word file, not “%(name)s”.")
            % {"name": name or "?"}
        )
    size = int(getattr(upload, "size", 0) or 0)
    if size > MAX_BYTES:
        raise _refuse(
            _("The file is %(size)s MB; at most %(limit)s MB, please.")
            % {"size": f"{size / 1024 / 1024:.1f}", "limit": MAX_BYTES // 1024 // 1024}
        )
    data = b"".join(upload.chunks()) if hasattr(upload, "chunks") else upload.read()
    if not data:
        raise _refuse(_("The file is empty."))
    if len(data) > MAX_BYTES:
        raise _refuse(_("At most %(limit)s MB, please.") % {"limit": MAX_BYTES // 1024 // 1024})
    content_type, magics = KINDS[suffix]
    if not any(data.startswith(magic) for magic in magics) or (
        suffix == ".webp" and data[8:12] != b"WEBP"
    ):
        raise _refuse(
            _("“%(name)s” is not really a %(kind)s file.") % {"name": name, "kind": suffix[1:]}
        )
    return name, content_type, data


def store_evidence(appraisal_id: int, name: str, content_type: str, data: bytes) -> dict[str, Any]:
    """Save the bytes; what the appraisal keeps of them."""
    digest = hashlib.sha256(data).hexdigest()
    suffix = PurePath(name).suffix.lower()
    path = default_storage.save(f"{FOLDER}/{appraisal_id}/{digest[:16]}{suffix}", ContentFile(data))
    return {
        "path": path,
        "name": name,
        "size": len(data),
        "sha256": digest,
        "content_type": content_type,
    }


def delete_evidence(path: str) -> None:
    """Remove a stored file (a replaced or never-committed one); missing files are fine."""
    if path and path.startswith(f"{FOLDER}/"):
        default_storage.delete(path)
