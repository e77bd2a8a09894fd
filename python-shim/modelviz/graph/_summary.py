"""``text/plain`` for a graph: a table like Keras' ``summary()`` and torchinfo, with totals."""

from __future__ import annotations

from typing import Final

from ._builder import GraphBuilder

MAX_ROWS: Final = 60  # rows shown before the middle of a long table is elided
HEAD_ROWS: Final = 40
MAX_CELL: Final = 48


def _cell(text: str, width: int = MAX_CELL) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= width else text[: width - 1] + "…"


def _shape(b: GraphBuilder, t: int) -> str:
    if t < 0:
        return "-"
    dims = b.tensors[t]["shape"]
    return "(" + ", ".join("None" if d is None else str(d) for d in dims) + ("," if len(dims) == 1 else "") + ")"


def _path(b: GraphBuilder, group: int) -> str:
    parts: list[str] = []
    while group >= 0:
        parts.append(b.strings[b.group_name[group]])
        group = b.group_parent[group]
    return ".".join(reversed(parts))


def summary(b: GraphBuilder) -> str:
    """One row per drawn node (name, op with its brief, output shape, params); folded plumbing is counted, not
    listed; long tables keep their head and tail."""
    header = f"{b.title or 'Model'} ({b.framework}"
    if b.source.get("method"):
        header += f", {b.source['method']}"
    header += ")"
    drawn = [i for i in range(b.n_nodes) if b.node_fold[i] < 0]
    hosted: dict[int, int] = {}  # parameters of folded nodes (a class token read), shown with their host
    for i, into in enumerate(b.node_fold):
        if into >= 0 and b.node_params[i]:
            hosted[into] = hosted.get(into, 0) + b.node_params[i]
    shown = drawn
    if len(shown) > MAX_ROWS:
        shown = [*drawn[:HEAD_ROWS], -1, *drawn[len(drawn) - (MAX_ROWS - HEAD_ROWS) :]]
    rows = []
    for i in shown:
        if i < 0:
            rows.append(("…", "", "", ""))
            continue
        name = b.strings[b.node_name[i]]
        group = _path(b, b.node_group[i])
        if group and not name.startswith((group + ".", "/")):
            name = f"{group}/{name}"
        params = b.node_params[i] + hosted.get(i, 0)
        op = b.strings[b.node_op[i]]
        if b.node_brief[i] >= 0:
            op = f"{op} {b.strings[b.node_brief[i]]}"
        rows.append((_cell(name), _cell(op, 32), _shape(b, b.node_output[i]), f"{params:,}"))
    hidden = max(0, len(drawn) - MAX_ROWS)
    titles = ("Layer (path)", "Type", "Output shape", "Params")
    widths = [max([len(t)] + [len(r[c]) for r in rows]) for c, t in enumerate(titles)]

    def fmt(r: tuple[str, str, str, str]) -> str:
        return "  ".join([r[0].ljust(widths[0]), r[1].ljust(widths[1]), r[2].ljust(widths[2]), r[3].rjust(widths[3])])

    rule = "─" * len(fmt(titles))
    lines = [header, rule, fmt(titles), rule, *(fmt(r) for r in rows), rule]
    if hidden:
        lines.append(f"({hidden:,} rows not shown; display the graph in a notebook to explore all {b.n_nodes:,} nodes)")
    total = b.totals.get("params", sum(b.node_params))
    lines.append(f"Total params: {total:,}")
    if "trainable_params" in b.totals:
        trainable = b.totals["trainable_params"]
        lines.append(f"Trainable params: {trainable:,}")
        lines.append(f"Non-trainable params: {total - trainable:,}")
    folded = b.n_nodes - len(drawn)
    nodes = f"Nodes: {b.n_nodes:,}" + (f" ({folded:,} plumbing folded)" if folded else "")
    lines.append(f"{nodes}  Edges: {len(b.edge_src):,}  Groups: {len(b.group_name):,}")
    for m in b.messages:
        lines.append(f"{m['level']}: {m['text']}")
    return "\n".join(lines)
