"""Validation of payloads against schema/ (the contract shared with the TypeScript side)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "schema"
FIXTURES = SCHEMA / "fixtures"


def schema_kinds() -> list[str]:
    return sorted(
        p.name.removesuffix(".v1.schema.json")
        for p in SCHEMA.glob("*.v1.schema.json")
        if p.name != "common.v1.schema.json"
    )


@cache
def validator(kind: str) -> Draft7Validator:
    schemas = {p.name: json.loads(p.read_text()) for p in SCHEMA.glob("*.v1.schema.json")}
    registry: Registry = Registry().with_resources(
        (s["$id"], Resource.from_contents(s, default_specification=DRAFT7)) for s in schemas.values()
    )
    schema = schemas[f"{kind}.v1.schema.json"]
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema, registry=registry)


def problems(kind: str, payload: Any) -> list[tuple[str, str]]:
    """(JSON pointer, message) per error; a missing property is named in the pointer, as the TypeScript side does."""
    out = []
    for e in validator(kind).iter_errors(payload):
        path = "".join(f"/{p}" for p in e.absolute_path)
        if e.validator == "required":
            missing = e.message.split("'")[1]
            path = f"{path}/{missing}"
        out.append((path, e.message))
    return out


def fixtures(kind: str) -> list[dict[str, Any]]:
    return [{"file": p.name, **json.loads(p.read_text())} for p in sorted((FIXTURES / kind).glob("*.json"))]
