"""The office copy travels inside the sealed application, as FIT-Connect carries attachments.

The office receives one JWE holding the data and the PDF; the metadata lists
each attachment with its purpose ("form" for the application document) and the
SHA-512 of its plaintext, and the SHA-512 of the data in canonical form, so the
office can check that the document it files is the one the terminal made from
exactly this data. The members and the canonical form are in ``kiosk/formats.py``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib

from kiosk.formats import (
    FORM_PURPOSE,
    OFFICE_COPY,
    AnySealedApplication,
    ApplicationData,
    Attachment,
    AttachmentInfo,
    Metadata,
    SealedApplication,
    data_sha512,
)

__all__ = ["FORM_PURPOSE", "OFFICE_COPY", "verify", "with_office_copy"]


def with_office_copy(data: ApplicationData, pdf: bytes) -> SealedApplication:
    """*data* with the office copy attached and the metadata holding both hashes."""
    listed = AttachmentInfo(
        id=OFFICE_COPY,
        purpose=FORM_PURPOSE,
        mime_type="application/pdf",
        filename=f"{data.reference}.pdf",
        sha512=hashlib.sha512(pdf).hexdigest(),
    )
    attachment = Attachment(**dict(listed), content=base64.b64encode(pdf).decode())
    metadata = Metadata(data_sha512=data_sha512(data.members()), attachments=[listed])
    return SealedApplication(**dict(data), attachments=[attachment], metadata=metadata)


def verify(application: AnySealedApplication) -> dict[str, bytes]:
    """The attachments by id, after checking every hash; ValueError if anything differs.

    The messages name attachment ids (checked to be identifiers), never data."""
    if application.metadata.data_sha512 != data_sha512(application.members()):
        raise ValueError("the data does not match its hash")
    listed = {a.id: a.sha512 for a in application.metadata.attachments}
    out = {}
    for attachment in application.attachments:
        try:
            content = base64.b64decode(attachment.content, validate=True)
        except binascii.Error:
            raise ValueError(f"attachment {attachment.id} is not base64") from None
        if hashlib.sha512(content).hexdigest() != listed.get(attachment.id):
            raise ValueError(f"attachment {attachment.id} does not match its hash")
        out[attachment.id] = content
    if set(out) != set(listed):
        raise ValueError("the attachments do not match the metadata")
    return out
