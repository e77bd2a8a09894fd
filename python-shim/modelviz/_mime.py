"""The kernel side of the contract: MIME types and bundles.

The kinds here must match ``schema/<kind>.v1.schema.json`` one to one (a test checks it).
Major version in the MIME type; minor version in ``payload["version"]``.
"""

from __future__ import annotations

from typing import Any, Final

PAYLOAD_VERSION: Final = "1.0"

KINDS: Final = ("graph", "scalars", "explanation", "confusion", "projection")


def mime_type(kind: str) -> str:
    """``application/vnd.modelviz.<kind>.v1+json`` for a known kind."""
    if kind not in KINDS:
        raise ValueError(f"unknown modelviz kind {kind!r}; known: {', '.join(KINDS)}")
    return f"application/vnd.modelviz.{kind}.v1+json"


MIME_TYPES: Final = {kind: mime_type(kind) for kind in KINDS}


def bundle(kind: str, payload: dict[str, Any], text: str) -> dict[str, Any]:
    """A MIME bundle: our payload plus the text/plain fallback every front end can show."""
    return {mime_type(kind): payload, "text/plain": text}
