"""A need's attachments are checked by the one checked reader, shared with the projects' documents.

Kept for the names other modules knew here; the checks themselves are in hamyar.core.files.
"""

from hamyar.core.files import (  # noqa: F401 — names of this module before the reader moved to core
    DOCX,
    JPEG,
    PDF,
    PNG,
    XLSX,
    CheckedFile,
    FileRejected,
    accepted_extensions,
    accepted_types,
    read_checked,
    sniff,
    type_of_name,
)
