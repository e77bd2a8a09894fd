from __future__ import annotations

from typing import Any

import modelviz
import pytest

from .conftest import fixtures, problems, schema_kinds


def test_python_kinds_are_the_schema_files() -> None:
    assert sorted(modelviz.KINDS) == schema_kinds()
    for kind in schema_kinds():
        assert modelviz.mime_type(kind) == f"application/vnd.modelviz.{kind}.v1+json"


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown modelviz kind 'tensorboard'"):
        modelviz.mime_type("tensorboard")


CASES = [(kind, f) for kind in schema_kinds() for f in fixtures(kind)]


@pytest.mark.parametrize(("kind", "fixture"), CASES, ids=[f"{k}/{f['file']}" for k, f in CASES])
def test_fixture(kind: str, fixture: dict[str, Any]) -> None:
    found = problems(kind, fixture["payload"])
    if "error_path" not in fixture:
        assert found == []
    elif fixture["level"] == "semantic":
        # passes the schema; the renderer's parse step rejects it (tested on the TypeScript side)
        assert found == []
    else:
        assert fixture["error_path"] in [path for path, _ in found], found


def test_every_kind_has_valid_and_invalid_fixtures() -> None:
    for kind in schema_kinds():
        names = [f["file"] for f in fixtures(kind)]
        assert any(n.startswith("valid-") for n in names), kind
        assert any(n.startswith("invalid-") for n in names), kind
