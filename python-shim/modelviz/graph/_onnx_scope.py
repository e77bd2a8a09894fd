"""Where an ONNX node belongs: the module hierarchy exporters leave behind.

- torch's default (dynamo) exporter names nodes ``node_Conv_754`` and keeps the module each one ran in in its
  ``metadata_props``: ``pkg.torch.onnx.name_scopes`` (``['', 'transformer', 'transformer.h.0', …, 'addmm']``: the
  torch module stack, full paths from the root, then the torch operation's own name) and
  ``pkg.torch.onnx.class_hierarchy`` (the classes of those modules, then the ATen op); the same stack is also one
  ``namespace`` string (``": GPT2Model/transformer.h.0: GPT2Block/addmm: aten.addmm.default"``), read when the lists
  are missing. The group is the innermost module's path split at its dots (``transformer/h/0/attn``), each level
  typed with its class (``GPT2Attention``); the node is named after its torch operation (``addmm``, ``view_3``: the
  names torch.export gives) when no other node of the graph has that name, its ONNX name staying in its details.
  Nodes the exporter's optimizer created (no metadata) go into the module their neighbours share, and a convolution
  it fused with the BatchNorm after it (which keeps the BatchNorm's scope) into the module its weight is named after.
- The TorchScript exporter and others write slash-separated names (``/layer1/layer1.0/conv1/Conv``): the group is
  the module path before the last slash, split at dots like torch's (``layer1/0/conv1``).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final

NAME_SCOPES: Final = "pkg.torch.onnx.name_scopes"
CLASS_HIERARCHY: Final = "pkg.torch.onnx.class_hierarchy"
NAMESPACE: Final = "namespace"
REWRITE_RULE: Final = "pkg.onnxscript.rewriter.rule_name"
_CALL_SUFFIX = re.compile(r"@\d+$")


@dataclass
class Scope:
    """A node's module path (dotted), the class of each module on it by path, and its torch operation's name."""

    path: str
    types: dict[str, str]
    op_name: str | None


def _short(cls: str) -> str:
    return cls.rpartition(".")[2]


def _as_list(text: str) -> list[str] | None:
    if not text.startswith("["):
        return None
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    return [str(v) for v in value] if isinstance(value, (list, tuple)) else None


def _join(entries: list[str], classes: list[str | None]) -> tuple[str, dict[str, str]]:
    """The innermost module path of a module stack (its entries are full dotted paths, ``@2`` marking a module's
    second call) and the class of each module on it."""
    path = ""
    types: dict[str, str] = {}
    for entry, cls in zip(entries, classes, strict=False):
        entry = ".".join(_CALL_SUFFIX.sub("", part) for part in entry.split("."))
        if not entry:
            continue
        path = entry
        if cls:
            types.setdefault(path, _short(cls))
    return path, types


def torch_scope(node: Any) -> Scope | None:
    """The scope torch's dynamo exporter recorded for ``node`` (a NodeProto), or None."""
    if not node.metadata_props:
        return None
    meta = {p.key: p.value for p in node.metadata_props}
    scope: Scope | None = None
    scopes = _as_list(meta.get(NAME_SCOPES, ""))
    if scopes:
        classes: list[str | None] = list(_as_list(meta.get(CLASS_HIERARCHY, "")) or [])
        classes += [None] * (len(scopes) - len(classes))
        path, types = _join(scopes[1:-1], classes[1:-1])
        scope = Scope(path, types, scopes[-1] or None)
    else:
        namespace = meta.get(NAMESPACE)
        if namespace and ": " in namespace:
            items = [part.partition(": ") for part in namespace.split("/")]
            names = [name.strip() for name, _, _ in items]
            kinds: list[str | None] = [cls.strip() or None for _, _, cls in items]
            path, types = _join(names[1:-1], kinds[1:-1])
            scope = Scope(path, types, names[-1] or None)
    if scope is not None and "FuseBatchNorm" in meta.get(REWRITE_RULE, ""):
        scope = _fused(node, scope)
    return scope


def _fused(node: Any, scope: Scope) -> Scope:
    """A convolution the exporter's optimizer fused with the BatchNorm after it keeps the BatchNorm's scope; its
    weight, named after the convolution's parameter (``layer1.0.conv1.weight``), tells the convolution's module."""
    weight = node.input[1] if len(node.input) > 1 else ""
    if not weight.endswith(".weight"):
        return scope
    path = weight.removesuffix(".weight")
    parent = path.rpartition(".")[0]
    if parent != scope.path.rpartition(".")[0]:  # not a sibling of the BatchNorm: leave the recorded scope
        return scope
    types = {p: t for p, t in scope.types.items() if path.startswith(p + ".")}
    return Scope(path, types, None)


def slash_parts(name: str) -> list[str]:
    """The module path in a slash-separated node name, split at dots like a torch module path:
    ``/encoder/layers.0/attention/MatMul`` → ``["encoder", "layers", "0", "attention"]``, and
    ``/layer1/layer1.0/conv1/Conv`` (a scope repeating its parent's name) → ``["layer1", "0", "conv1"]``;
    ``[]`` without slashes."""
    if "/" not in name:
        return []
    return list(_scope_parts(name.rpartition("/")[0]))


@lru_cache(maxsize=4096)
def _scope_parts(scope: str) -> tuple[str, ...]:
    out: list[str] = []
    previous = ""
    for part in (p for p in scope.split("/") if p):
        relative = part.removeprefix(previous + ".") if previous and part != previous else part
        out.extend(x for x in relative.split(".") if x)
        previous = part
    return tuple(out)


def common_path(paths: list[str]) -> str:
    """The longest common module path (whole dotted segments) of ``paths``."""
    if not paths:
        return ""
    parts = paths[0].split(".")
    for p in paths[1:]:
        other = p.split(".")
        n = 0
        while n < min(len(parts), len(other)) and parts[n] == other[n]:
            n += 1
        parts = parts[:n]
    return ".".join(parts)
