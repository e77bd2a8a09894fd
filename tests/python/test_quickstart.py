"""examples/quickstart.ipynb, the front door, runs top to bottom in a real kernel and emits valid payloads."""

from __future__ import annotations

from typing import Any

import nbformat
from nbclient import NotebookClient

from .conftest import ROOT, problems

PREFIX = "application/vnd.modelviz."


def test_quickstart_runs_and_every_modelviz_output_is_valid() -> None:
    nb = nbformat.read(ROOT / "examples" / "quickstart.ipynb", as_version=4)
    NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(ROOT / "examples")}}
    ).execute()
    seen: dict[str, int] = {}
    malformed: list[Any] = []
    graphs: list[dict[str, Any]] = []
    dashboards: list[dict[str, Any]] = []
    confusions: list[dict[str, Any]] = []
    explanations: list[dict[str, Any]] = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", "".join(out.get("traceback", []))
            for mime, payload in out.get("data", {}).items():
                if not mime.startswith(PREFIX):
                    continue
                kind = mime[len(PREFIX) :].split(".")[0]
                assert "text/plain" in out["data"], "every bundle carries a text/plain fallback"
                found = problems(kind, payload)
                if out["data"]["text/plain"] == "a malformed payload":
                    malformed.append(found)
                else:
                    assert found == [], found
                    seen[kind] = seen.get(kind, 0) + 1
                    errors = [m["text"] for m in payload.get("messages", []) if m["level"] == "error"]
                    assert errors == [], errors
                    if kind == "graph":
                        graphs.append(payload)
                    if kind == "scalars":
                        dashboards.append(payload)
                    if kind == "confusion":
                        confusions.append(payload)
                    if kind == "explanation":
                        explanations.append(payload)
    # the evaluation cells: a real classifier with scores and images, two models, a binary threshold, a streamed
    # evaluation saved as its final (closed) snapshot, and 1,000 classes
    by_title = {c.get("title"): c for c in confusions}
    digits = by_title["digits · logistic regression"]
    assert len(digits["labels"]) == 10 and "curves" in digits and digits["samples"]["kind"] == "image"
    assert by_title["digits · two models"]["compare"]["name"] == "MLP"
    assert "threshold" in by_title["breast cancer"]
    streamed = by_title["streamed evaluation"]
    assert streamed["status"]["live"] is False and streamed["summary"]["accuracy"] > 0.8
    assert len(by_title["1,000 classes"]["labels"]) == 1000
    # explanations: Grad-CAM next to IG on a trained CNN, token attributions, a SHAP explanation
    image, text, tabular = explanations
    assert {m["method"] for m in image["maps"]} == {"gradcam", "integrated_gradients"}
    assert text["modality"] == "text" and [o["label"] for o in text["outputs"]] == ["positive", "negative"]
    assert tabular["method"] == "shap" and len(tabular["tabular"]["features"]) == 10
    # torch (displayed directly, traced with shapes, the encoder and GPT-2 through torch.export), Keras and ONNX:
    # each a real data-flow graph, never the module-tree fallback
    assert sorted(g["framework"] for g in graphs) == ["keras", "onnx", "pytorch", "pytorch", "pytorch", "pytorch"]
    assert sorted(g["source"]["method"] for g in graphs) == [
        "export",
        "export",
        "fx",
        "fx+shape_prop",
        "keras-functional",
        "onnx",
    ]
    assert all(g["totals"]["params"] > 0 and len(g["strings"]) > 10 for g in graphs)
    # GPT-2 with keyword inputs: one input node per keyword, its blocks as module groups, plumbing folded
    (gpt2,) = [g for g in graphs if g.get("title") == "GPT2LMHeadModel"]
    assert {"input_ids", "attention_mask", "attn", "GPT2Attention"} <= set(gpt2["strings"])
    assert "fold" in gpt2["nodes"] and "brief" in gpt2["nodes"]
    # the watched log directory ends as one final snapshot (display updates replace it in the saved notebook) with
    # every logged point, the histograms and the hparams; then the in-process live log
    logdir, live = dashboards
    assert sorted(r["name"] for r in logdir["runs"]) == ["lr=0.01", "lr=0.05"]
    assert logdir["status"]["live"] is False and live["status"]["live"] is False
    totals = {s["tag"]: s["total_points"] for s in logdir["scalars"]}
    assert totals == {"train/loss": 300, "train/weight_norm": 300, "final_loss": 1}  # add_hparams logs the metric
    assert len(logdir["histograms"]) == 2 and len(logdir["hparams"]["rows"]) == 2
    assert sorted((s["tag"], s["total_points"], s["last"]["step"]) for s in live["scalars"]) == [
        ("acc", 400, 399),
        ("loss", 400, 399),
    ]
    # the deliberately malformed example is caught by the same contract the renderer enforces
    assert len(malformed) == 1 and {p for p, _ in malformed[0]} >= {"/labels", "/matrix"}
