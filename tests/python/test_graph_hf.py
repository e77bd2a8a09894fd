"""modelviz.graph on the models people use: Hugging Face transformers (GPT2, BERT, T5, Llama, ViT, Whisper; random
weights, tiny configs, keyword inputs) and a torchvision-style ViT-B/16 written out. Each must be its real data flow:
connected from its inputs, with its attention and residual operations, grouped by module path, plumbing folded,
short messages, nothing printed and the model left exactly as it was. When nothing can be traced, edges come only
from tensors that really went from one node to the next."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import modelviz
import numpy as np
import pytest
import torch
from modelviz._formatters import _model_bundle
from modelviz.graph._torch_brief import op_brief
from modelviz.graph._torch_export import build_export
from torch import nn

from . import graph_models as gm
from .test_graph import check_columns, col, group_paths, names, ops, payload_of

transformers = pytest.importorskip("transformers", reason="transformers is in requirements-dev.txt")

# What each model must show: a group (module path) with its class, and the layer whose residual adds are checked.
HF: dict[str, tuple[str, str, str]] = {
    "gpt2": ("transformer.h.0.attn", "GPT2Attention", "transformer.h.0"),
    "bert": ("encoder.layer.0.attention.self", "BertSelfAttention", "encoder.layer.0"),
    "t5": ("decoder.block.1.layer.1.EncDecAttention", "T5Attention", "encoder.block.0"),
    "llama": ("model.layers.1.self_attn", "LlamaAttention", "model.layers.0"),
    "vit": ("vit.layers.0.attention", "ViTAttention", "vit.layers.0"),
    "whisper": ("model.decoder.layers.0.encoder_attn", "WhisperAttention", "model.encoder.layers.0"),
}
ATTENTION = {"scaled_dot_product_attention", "softmax", "matmul", "bmm", "baddbmm", "MultiheadAttention"}
PLUMBING = {"getattr", "_assert", "eq", "size", "dim", "sym_size", "get_attr", "_assert_tensor_metadata", "arange"}


def fold_col(p: dict[str, Any]) -> np.ndarray:
    n = p["totals"]["nodes"]
    return col(p, "nodes", "fold") if "fold" in p["nodes"] else np.full(n, -1)


def briefs(p: dict[str, Any]) -> list[str | None]:
    if "brief" not in p["nodes"]:
        return [None] * p["totals"]["nodes"]
    return [p["strings"][b] if b >= 0 else None for b in col(p, "nodes", "brief")]


def contracted(p: dict[str, Any]) -> dict[int, set[int]]:
    """Drawn predecessors of each drawn node once folded nodes are contracted (their producers feed their consumers),
    as a viewer draws them."""
    fold = fold_col(p)
    preds: dict[int, list[int]] = {}
    for s, d in zip(col(p, "edges", "src"), col(p, "edges", "dst"), strict=True):
        preds.setdefault(int(d), []).append(int(s))
    memo: dict[int, set[int]] = {}

    def drawn_sources(n: int) -> set[int]:
        if fold[n] < 0:
            return {n}
        if n not in memo:
            memo[n] = set()
            memo[n] = set().union(*(drawn_sources(s) for s in preds.get(n, [])))
        return memo[n]

    out: dict[int, set[int]] = {}
    for d in range(p["totals"]["nodes"]):
        if fold[d] < 0:
            out[d] = set().union(*(drawn_sources(s) for s in preds.get(d, [])))
    return out


def holds_params(p: dict[str, Any]) -> set[int]:
    return {d["node"] for d in p["details"] if d.get("params")} | {
        i for i, c in enumerate(col(p, "nodes", "params")) if c > 0
    }


def reachable(p: dict[str, Any], starts: set[int]) -> set[int]:
    succ: dict[int, set[int]] = {}
    for d, srcs in contracted(p).items():
        for s in srcs:
            succ.setdefault(s, set()).add(d)
    seen, stack = set(starts), list(starts)
    while stack:
        for y in succ.get(stack.pop(), ()):
            if y not in seen:
                seen.add(y)
                stack.append(y)
    return seen


def drawn(p: dict[str, Any]) -> list[int]:
    return [i for i, f in enumerate(fold_col(p)) if f < 0]


def check_data_flow(p: dict[str, Any], inputs: set[str]) -> None:
    """Inputs are nodes named after the model's arguments; every drawn node is reached from them or from an
    operation holding weights (a position embedding's lookup), and the output from the inputs; no plumbing drawn."""
    nm, op, fold = names(p), ops(p), fold_col(p)
    placeholders = {i for i in drawn(p) if op[i] == "Input"}
    assert {nm[i] for i in placeholders} == inputs
    assert reachable(p, placeholders | (holds_params(p) & set(drawn(p)))) >= set(drawn(p))
    (out,) = [i for i in drawn(p) if op[i] == "Output"]
    assert out in reachable(p, placeholders)
    assert not [nm[i] for i in drawn(p) if op[i] in PLUMBING]
    assert ((fold >= -1) & (fold < len(nm)) & (fold != np.arange(len(nm)))).all()
    assert all(fold[int(f)] < 0 for f in fold if f >= 0)  # folded into a drawn node


def check_messages(p: dict[str, Any]) -> None:
    texts = [m["text"] for m in p.get("messages", [])]
    assert len(texts) == len(set(texts))
    assert all(len(t) <= 200 and "\n" not in t for t in texts)
    assert len(p["source"].get("fallback_reason", "")) <= 600


class Snapshot:
    """Everything graph() must leave as it was: weights, buffers, training flags, configs, hooks."""

    def __init__(self, model: nn.Module) -> None:
        self.model = model
        self.state = {k: v.clone() for k, v in model.state_dict().items()}
        self.training = [m.training for m in model.modules()]
        self.configs = [copy.deepcopy(vars(m)["config"].to_dict()) for m in model.modules() if "config" in vars(m)]
        self.grad = torch.is_grad_enabled()

    def check(self) -> None:
        m = self.model
        state = m.state_dict()
        assert state.keys() == self.state.keys()
        assert all(torch.equal(v, state[k]) for k, v in self.state.items())
        assert [x.training for x in m.modules()] == self.training
        assert [vars(x)["config"].to_dict() for x in m.modules() if "config" in vars(x)] == self.configs
        for x in m.modules():
            assert not (x._forward_hooks or x._forward_pre_hooks or x._backward_hooks)
        assert torch.is_grad_enabled() == self.grad


def residual(p: dict[str, Any], layer: str) -> bool:
    """An add inside ``layer`` that joins a tensor computed in the layer with one from before it (the stream)."""
    paths, groups = group_paths(p), col(p, "nodes", "group")

    def path(i: int) -> str:
        return paths[groups[i]] if groups[i] >= 0 else ""

    preds = contracted(p)
    for i in drawn(p):
        if ops(p)[i] in ("add", "add_") and (path(i) + ".").startswith(layer + "."):
            inside = {(path(s) + ".").startswith(layer + ".") for s in preds[i]}
            if inside == {True, False}:
                return True
    return False


@pytest.fixture(scope="module", params=sorted(HF))
def hf(request: pytest.FixtureRequest) -> Iterator[tuple[str, nn.Module, dict[str, Any]]]:
    model, inputs = gm.hf_model(request.param)
    yield request.param, model, inputs


def test_hugging_face_models_get_their_operator_graph(
    hf: tuple[str, nn.Module, dict[str, Any]], capfd: pytest.CaptureFixture[str]
) -> None:
    name, model, inputs = hf
    model.train()  # a mode graph() must leave alone
    before = Snapshot(model)
    capfd.readouterr()
    g = modelviz.graph(model, inputs)
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")
    before.check()
    p = payload_of(g)
    check_columns(p)
    assert p["source"]["method"] == "export"
    check_data_flow(p, set(inputs))
    check_messages(p)
    assert {ops(p)[i] for i in drawn(p)} & ATTENTION
    group, cls, layer = HF[name]
    paths = group_paths(p)
    assert group in paths
    assert p["strings"][col(p, "groups", "type")[paths.index(group)]] == cls
    assert residual(p, layer)
    total = sum(q.numel() for q in model.parameters())
    assert p["totals"]["params"] == total == int(col(p, "nodes", "params").sum())
    # folded plumbing is there, in the payload, for "show everything"
    assert (fold_col(p) >= 0).sum() > 0
    (msg,) = p["messages"]
    assert msg["level"] == "info" and "torch.export" in msg["text"] and msg.get("details")
    assert any(b == "heads 4" for b in briefs(p))  # every tiny config has 4 attention heads


def test_gpt2_details_briefs_and_shapes() -> None:
    model, inputs = gm.hf_model("gpt2")
    p = payload_of(modelviz.graph(model, inputs))
    nm, op, br = names(p), ops(p), briefs(p)
    cfg = model.config
    by_op: dict[str, set[str | None]] = {}
    for i in drawn(p):
        by_op.setdefault(op[i], set()).add(br[i])
    assert f"heads {cfg.n_head}" in by_op["scaled_dot_product_attention"]
    assert f"{cfg.n_embd}→{3 * cfg.n_embd}" in by_op["addmm"]  # c_attn (Conv1D)
    assert f"{cfg.vocab_size}\u00d7{cfg.n_embd}" in by_op["embedding"]
    assert f"{cfg.n_embd}→{cfg.vocab_size}" in by_op["linear"]  # lm_head
    assert str(cfg.n_embd) in by_op["layer_norm"]
    assert all(b is None or len(b) <= 16 for b in br)
    logits = model(**inputs).logits
    out = int(col(p, "nodes", "output")[nm.index("output")])
    assert out >= 0 and p["tensors"][out]["shape"] == list(logits.shape)
    # edges carry the tensors' shapes: the input ids go in as [1, 8] int64
    src, dst, ten = col(p, "edges", "src"), col(p, "edges", "dst"), col(p, "edges", "tensor")
    first = [t for s, t in zip(src, ten, strict=True) if nm[s] == "input_ids"]
    assert first and all(p["tensors"][t] == {"shape": [1, 8], "dtype": "int64"} for t in first)
    del dst
    # the parameters of c_attn are in the details of its node
    c_attn = [
        i
        for i in drawn(p)
        if op[i] == "addmm" and group_paths(p)[col(p, "nodes", "group")[i]].endswith("0.attn.c_attn")
    ]
    (detail,) = [d for d in p["details"] if d["node"] == c_attn[0]]
    assert sorted(q["name"] for q in detail["params"]) == [
        "transformer.h.0.attn.c_attn.bias",
        "transformer.h.0.attn.c_attn.weight",
    ]


def test_gpt2_display_prints_nothing_and_traces_without_inputs(capfd: pytest.CaptureFixture[str]) -> None:
    model, _ = gm.hf_model("gpt2")
    before = Snapshot(model)
    capfd.readouterr()
    bundle = _model_bundle(model)
    assert capfd.readouterr() == ("", "")
    before.check()
    assert bundle is not None
    p = bundle["application/vnd.modelviz.graph.v1+json"]
    assert p["source"]["method"] == "export"  # on the model's own dummy inputs
    check_data_flow(p, {"input_ids"})
    check_messages(p)
    assert "dummy" not in p["messages"][0]["text"] or len(p["messages"]) == 1


def test_keyword_inputs_as_tokenizer_output_and_example_kwargs() -> None:
    model, inputs = gm.hf_model("bert")
    encoding = transformers.BatchEncoding(inputs)  # what a tokenizer returns: a Mapping, not a dict
    p = payload_of(modelviz.graph(model, encoding))
    check_data_flow(p, {"input_ids", "attention_mask", "token_type_ids"})
    q = payload_of(
        modelviz.graph(model, (inputs["input_ids"],), example_kwargs={"attention_mask": inputs["attention_mask"]})
    )
    check_data_flow(q, {"input_ids", "attention_mask"})
    bad = payload_of(modelviz.graph(model, inputs["input_ids"], example_kwargs=[1]))  # type: ignore[arg-type]
    (msg,) = bad["messages"]
    assert msg["level"] == "error" and "example_kwargs must be a mapping" in msg["text"]


def test_keyword_inputs_reach_fx_shape_propagation() -> None:
    class Two(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.a = nn.Linear(4, 3)
            self.b = nn.Linear(5, 3)

        def forward(self, x: torch.Tensor, y: torch.Tensor, scale: float = 2.0) -> torch.Tensor:
            return self.a(x) * scale + self.b(y)

    model = Two()
    x, y = torch.randn(2, 4), torch.randn(2, 5)
    for call in ({"y": y, "x": x}, ((x,), {"y": y}), [x, y]):
        if isinstance(call, tuple):
            p = payload_of(modelviz.graph(model, call[0], example_kwargs=call[1]))
        else:
            p = payload_of(modelviz.graph(model, call))
        assert p["source"]["method"] == "fx+shape_prop"
        nm = names(p)
        shape = p["tensors"][int(col(p, "nodes", "output")[nm.index("b")])]["shape"]
        assert shape == [2, 3]
        assert not p.get("messages")


def test_written_out_vit_opens_as_real_ops(capfd: pytest.CaptureFixture[str]) -> None:
    model = gm.vit_b16(image_size=32, layers=2)
    before = Snapshot(model)
    x = torch.randn(1, 3, 32, 32)
    capfd.readouterr()
    p = payload_of(modelviz.graph(model, x))
    assert capfd.readouterr() == ("", "")
    before.check()
    assert p["source"]["method"] == "fx+shape_prop"
    check_data_flow(p, {"x"})
    check_messages(p)
    op, br, nm = ops(p), briefs(p), names(p)
    shown = [op[i] for i in drawn(p)]
    modules = {type(m).__name__ for m in model.modules()}
    # every drawn node is a module call, an input/output or a real tensor operation
    assert set(shown) <= modules | {"Input", "Output", "add", "cat", "reshape", "permute", "getitem"}
    assert shown.count("MultiheadAttention") == 2 and residual(p, "encoder.layers.0")
    folded = [op[i] for i in range(len(op)) if fold_col(p)[i] >= 0]
    assert {"_assert", "getattr", "eq", "get_attr"} <= set(folded)
    assert br[nm.index("conv_proj")] == "16\u00d716/16"
    assert br[nm.index("encoder.layers.0.self_attention")] == "heads 12"
    assert br[nm.index("encoder.layers.0.mlp.0")] == "768→3072"
    assert br[nm.index("encoder.ln")] == "768"
    # the class token (a parameter read) is folded into the concatenation it feeds, with its weights counted
    token = nm.index("class_token")
    assert fold_col(p)[token] == nm.index("cat") and int(col(p, "nodes", "params")[token]) == 768
    total = sum(q.numel() for q in model.parameters())
    assert p["totals"]["params"] == total == int(col(p, "nodes", "params").sum())


def test_export_briefs_from_aten_arguments() -> None:
    model = nn.Sequential(nn.Conv2d(3, 32, 3, stride=2, padding=1), nn.Conv2d(32, 32, 3, groups=32, dilation=2))
    model.eval()
    x = torch.randn(1, 3, 16, 16)
    b = build_export(model, torch.export.export(model, (x,), strict=False), stats=False)
    got = [b.strings[i] for i in b.node_brief if i >= 0]
    assert got == ["3\u00d73/2", "3\u00d73 g32 d2"]

    def shape_of(a: Any) -> list[int] | None:
        return a

    assert op_brief("linear", [None, [3072, 768]], {}, shape_of) == "768→3072"
    assert op_brief("dropout", [None, 0.1, False], {}, shape_of) == "p=0.1"
    assert op_brief("max_pool2d", [None, [3, 3], [2, 2]], {}, shape_of) == "3\u00d73/2"


# -- no trace possible: one recorded run, wired by tensor identity --


class _Anchors(nn.Module):
    """Makes anchors from the feature map's size only: it runs right before the RoI pooling, which does not use it."""

    def forward(self, images: torch.Tensor, feats: torch.Tensor) -> torch.Tensor:
        h, w = feats.shape[-2:]
        grid = torch.meshgrid(torch.arange(h), torch.arange(w), indexing="ij")
        return torch.stack(grid, -1).reshape(-1, 2)


class _RPN(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.head = nn.Conv2d(8, 1, 1)
        self.anchor_generator = _Anchors()

    def forward(self, images: torch.Tensor, feats: torch.Tensor) -> torch.Tensor:
        scores = self.head(feats).flatten()
        k = max(int((scores > 0).sum().item()), 1)  # data-dependent: neither fx nor export can follow
        top = scores.topk(k).indices
        anchors = self.anchor_generator(images, feats)
        return anchors[top]


class _RoIPool(nn.Module):
    def forward(self, feats: torch.Tensor, boxes: torch.Tensor) -> torch.Tensor:
        return torch.stack([feats[0, :, int(b[0]), int(b[1])] for b in boxes])


class _Detector(nn.Module):
    """Faster R-CNN in miniature: backbone, region proposals with a data-dependent count, RoI pooling, a box head;
    returns a list."""

    def __init__(self) -> None:
        super().__init__()
        self.backbone = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU())
        self.rpn = _RPN()
        self.box_roi_pool = _RoIPool()
        self.box_head = nn.Linear(8, 4)

    def forward(self, images: torch.Tensor) -> list[torch.Tensor]:
        feats = self.backbone(images)
        proposals = self.rpn(images, feats)
        if len(proposals) == 0:  # the root's own control flow: fx cannot trace even with rpn as one node
            return [feats.new_zeros(0, 4), proposals]
        return [self.box_head(self.box_roi_pool(feats, proposals)), proposals]


def edges_by_name(p: dict[str, Any]) -> set[tuple[str, str]]:
    nm = names(p)
    return {(nm[s], nm[d]) for d, srcs in contracted(p).items() for s in srcs}


def test_detector_edges_come_from_tensor_identity_not_execution_order() -> None:
    torch.manual_seed(0)
    model = _Detector()
    images = torch.randn(1, 3, 6, 6)
    before = Snapshot(model)
    p = payload_of(modelviz.graph(model, images))
    before.check()
    check_columns(p)
    check_messages(p)
    assert p["source"]["method"] == "hooks"
    edges = edges_by_name(p)
    into = {}
    for s, d in edges:
        into.setdefault(d, set()).add(s)
    # RoI pooling takes the backbone's features and the selected anchors; the anchor generator ran just before it
    # but only feeds the selection
    assert into["box_roi_pool"] == {"backbone.1", "getitem"}
    assert ("rpn.anchor_generator", "box_roi_pool") not in edges
    assert into["rpn.anchor_generator"] == {"images", "backbone.1"}
    assert into["getitem"] == {"rpn.anchor_generator", "topk"}
    assert into["box_head"] == {"box_roi_pool"}
    assert into["output"] == {"box_head", "getitem"}  # the list output: both of its tensors
    assert into["backbone.0"] == {"images"} and into["rpn.head"] == {"backbone.1"}
    check_data_flow(p, {"images"})
    assert p["totals"]["params"] == sum(q.numel() for q in model.parameters()) == int(col(p, "nodes", "params").sum())
    (msg,) = [m for m in p["messages"] if m["level"] == "warning"]
    assert "tensors passed between them" in msg["text"] and "torch.export failed" in msg["details"]


def test_no_edges_when_no_tensor_identity_can_be_matched() -> None:
    class ViaNumpy(nn.Module):
        """Every tensor goes through numpy between the modules (graph() runs it without gradients)."""

        def __init__(self) -> None:
            super().__init__()
            self.a = nn.Linear(4, 4)
            self.b = nn.Linear(4, 4)

        def forward(self, x: torch.Tensor) -> list[list[float]]:
            h = self.a(torch.from_numpy(x.numpy() * 2))
            return self.b(torch.from_numpy(h.numpy() + 1)).tolist()

    p = payload_of(modelviz.graph(ViaNumpy(), torch.randn(2, 4)))
    check_messages(p)
    assert p["source"]["method"] == "hooks"
    assert len(col(p, "edges", "src")) == 0
    assert sorted(names(p)) == ["a", "b", "output", "x"]
    texts = " ".join(m["text"] for m in p["messages"])
    assert "no edges" in texts and "left torch 3 times" in texts


@pytest.mark.parametrize("name", ["gpt2", "t5"])
def test_recorded_run_of_a_hugging_face_model_is_its_data_flow(
    name: str, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """Were torch.export to fail, one recorded run still gives the real graph: inputs to output, attention, residuals,
    wired by tensor identity; the condition checks of the run (mask.sum() == n) folded away."""
    from modelviz.graph import _torch

    def no_export(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("torch.export is not available here")

    monkeypatch.setattr(_torch, "export", no_export)
    model, inputs = gm.hf_model(name)
    before = Snapshot(model)
    capfd.readouterr()
    p = payload_of(modelviz.graph(model, inputs))
    assert capfd.readouterr() == ("", "")
    before.check()
    assert p["source"]["method"] == "hooks" and "not available" in p["source"]["fallback_reason"]
    check_data_flow(p, set(inputs))
    check_messages(p)
    assert {ops(p)[i] for i in drawn(p)} & ATTENTION
    group, cls, layer = HF[name]
    assert residual(p, layer)
    assert p["strings"][col(p, "groups", "type")[group_paths(p).index(group)]] == cls
    assert p["totals"]["params"] == sum(q.numel() for q in model.parameters()) == int(col(p, "nodes", "params").sum())


def test_multi_output_selection_folds_into_its_op() -> None:
    model = gm.lstm_tagger()
    p = payload_of(modelviz.graph(model, torch.randint(0, 50, (2, 5))))
    nm, fold = names(p), fold_col(p)
    picks = [i for i, o in enumerate(ops(p)) if o == "getitem"]  # seq, _ = lstm(x): both outputs picked
    assert len(picks) == 2 and all(fold[i] == nm.index("lstm") for i in picks)
    assert contracted(p)[nm.index("out")] == {nm.index("lstm")}  # the viewer's edge: lstm -> out
    assert briefs(p)[nm.index("lstm")] == "16→32 \u00d72 bi"
