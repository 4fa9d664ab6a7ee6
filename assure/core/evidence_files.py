"""Uploaded files (Section 11 evidence, agencies' returns to a rapid review): what may be uploaded, checked by name,
size and content.

No virus scanner can be kept up to date where Assure runs, so a file is accepted only if
its extension is on the list, it is within the size limit, and its first bytes are what
that type of file starts with (a program renamed ``.pdf`` starts with ``MZ``, not ``%PDF-``).
Files are stored under a random name outside the web root and served only by a view that
checks permission.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024

_ZIP = (b"PK\x03\x04",)
_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)


@dataclass(frozen=True)
class FileType:
    label: str
    content_type: str
    signatures: tuple[bytes, ...]  # empty: plain text, checked by decoding instead


FILE_TYPES = {
    "pdf": FileType("PDF", "application/pdf", (b"%PDF-",)),
    "docx": FileType("Word document", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP),
    "xlsx": FileType("Excel workbook", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    "pptx": FileType(
        "PowerPoint presentation", "application/vnd.openxmlformats-officedocument.presentationml.presentation", _ZIP
    ),
    "doc": FileType("Word 97-2003 document", "application/msword", _OLE),
    "xls": FileType("Excel 97-2003 workbook", "application/vnd.ms-excel", _OLE),
    "png": FileType("PNG image", "image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": FileType("JPEG image", "image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": FileType("JPEG image", "image/jpeg", (b"\xff\xd8\xff",)),
    "txt": FileType("text file", "text/plain", ()),
    "csv": FileType("CSV file", "text/csv", ()),
}

ALLOWED_LIST = "PDF, Word, Excel, PowerPoint, PNG, JPEG, text or CSV"


def check_evidence_file(upload) -> FileType:
    """The file's type if it may be stored; otherwise a ValidationError that says what to do."""
    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    file_type = FILE_TYPES.get(extension)
    if file_type is None:
        raise ValidationError(f"The selected file must be a {ALLOWED_LIST} file.")
    if upload.size > MAX_EVIDENCE_BYTES:
        raise ValidationError(f"The selected file must be smaller than {filesizeformat(MAX_EVIDENCE_BYTES)}.")
    if upload.size == 0:
        raise ValidationError("The selected file is empty.")
    upload.seek(0)
    head = upload.read(4096)
    upload.seek(0)
    if file_type.signatures:
        genuine = any(head.startswith(signature) for signature in file_type.signatures)
    else:
        genuine = _is_text(head)
    if not genuine:
        raise ValidationError(
            f"The selected file is not a real {file_type.label}: its contents do not match its name. "
            f"Upload the document itself, saved as a {ALLOWED_LIST} file."
        )
    return file_type


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # The 4 KB sample may end part-way through a character.
        return error.start >= len(head) - 3
    return True
