"""modelviz.explain: computed explanations and other explainers' objects become valid payloads that carry the same
numbers; bad input gets a clear message."""

from __future__ import annotations

import json
from typing import Any

import modelviz
import numpy as np
import pytest
import torch
from modelviz._tensor import decode
from torch import nn

from .conftest import problems

MIME = "application/vnd.modelviz.explanation.v1+json"


def payload_of(e: Any) -> dict[str, Any]:
    b = e._repr_mimebundle_()
    p: dict[str, Any] = json.loads(json.dumps(b[MIME]))
    assert problems("explanation", p) == []
    assert b["text/plain"].startswith(("Explanation", e.title or "Explanation"))
    return p


class CNN(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 6, 3, padding=1)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.head = nn.Linear(6, 4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(torch.flatten(self.pool(torch.relu(self.conv(x))), 1))


@pytest.fixture
def cnn() -> CNN:
    torch.manual_seed(0)
    return CNN().eval()


def test_explain_is_the_callable_with_its_methods_even_after_submodule_imports() -> None:
    import modelviz.explain._methods

    assert callable(modelviz.explain) and callable(modelviz.explain.gradcam)


def test_gradcam_top_k_classes_with_scores(cnn: CNN) -> None:
    x = torch.rand(2, 3, 12, 12)
    e = modelviz.explain.gradcam(cnn, x, labels=["cat", "dog", "bird", "fish"], top_k=2, title="cams")
    p = payload_of(e)
    assert p["modality"] == "image" and p["title"] == "cams"
    imgs = decode(p["images"])
    assert imgs.shape == (2, 12, 12, 3) and imgs.dtype == np.uint8
    # [0, 1] inputs are shown as they are (x 255)
    np.testing.assert_array_equal(imgs, np.rint(x.permute(0, 2, 3, 1).numpy() * 255).astype(np.uint8))
    assert len(p["maps"]) == 4 and {m["sample"] for m in p["maps"]} == {0, 1}
    probs = cnn(x).softmax(1).detach()
    for m in p["maps"]:
        cls = ["cat", "dog", "bird", "fish"].index(p["outputs"][m["output"]]["label"])
        assert m["score"] == pytest.approx(float(probs[m["sample"], cls]), rel=1e-5)
        assert decode(m["values"]).shape == (12, 12) and m["layer"] == "conv"
    top = probs.argsort(1, descending=True)[:, :2]
    assert sorted((m["sample"], p["outputs"][m["output"]]["label"]) for m in p["maps"]) == sorted(
        (i, ["cat", "dog", "bird", "fish"][int(c)]) for i in range(2) for c in top[i]
    )


def test_methods_side_by_side(cnn: CNN) -> None:
    x = torch.randn(1, 3, 12, 12)
    e = modelviz.explain.compare(cnn, x[0], methods=("gradcam", "integrated_gradients", "saliency"))
    p = payload_of(e)
    assert sorted(m["method"] for m in p["maps"]) == ["gradcam", "integrated_gradients", "saliency"]
    ig = next(m for m in p["maps"] if m["method"] == "integrated_gradients")
    assert "delta" in ig and abs(ig["delta"]) < 0.05
    assert any("min-max scaled" in m["text"] for m in p["messages"])  # normal-distributed inputs are not images


class Tok:
    def convert_ids_to_tokens(self, ids: list[int]) -> list[str]:
        vocab = {1: "[CLS]", 2: "un", 3: "##believ", 4: "##able", 5: "movie", 6: "[SEP]"}
        return [vocab.get(i, f"t{i}") for i in ids]


def test_token_attributions_with_a_tokenizer() -> None:
    torch.manual_seed(0)
    model = nn.Sequential()
    emb = nn.Embedding(10, 4)

    class Clf(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.emb = emb
            self.head = nn.Linear(4, 2)

        def forward(self, ids: torch.Tensor) -> torch.Tensor:
            return self.head(self.emb(ids).mean(1))

    model = Clf().eval()
    ids = torch.tensor([[1, 2, 3, 4, 5, 6]])
    e = modelviz.explain.integrated_gradients(
        model, ids, embedding="emb", tokenizer=Tok(), labels=["neg", "pos"], top_k=2, steps=16
    )
    p = payload_of(e)
    (t,) = p["texts"]
    assert t["tokens"] == ["[CLS]", "un", "believ", "able", "movie", "[SEP]"]
    assert t["joins"] == [False, False, True, True, False, False]
    assert decode(t["values"]).shape == (2, 6) and len(t["outputs"]) == 2
    assert "'un'" in repr(e) or "'believ'" in repr(e) or "'movie'" in repr(e)


def test_shap_tabular_explanation_keeps_its_numbers() -> None:
    import shap
    from sklearn.datasets import load_diabetes
    from sklearn.linear_model import LinearRegression

    x, y = load_diabetes(return_X_y=True, as_frame=True)
    x = x.iloc[:200]
    model = LinearRegression().fit(x, y.iloc[:200])
    sv = shap.LinearExplainer(model, x)(x)
    p = payload_of(modelviz.explain(sv))
    tab = p["tabular"]
    assert [f["name"] for f in tab["features"]] == list(x.columns)
    np.testing.assert_allclose(decode(tab["values"])[0], sv.values.astype(np.float32), rtol=1e-6)
    np.testing.assert_allclose(decode(tab["data"]), x.to_numpy(np.float32), rtol=1e-6)
    np.testing.assert_allclose(decode(tab["base_values"])[0], np.broadcast_to(sv.base_values, (200,)), rtol=1e-6)
    # SHAP's additivity holds in what travels: base + sum of values = the model's output
    total = decode(tab["base_values"])[0] + decode(tab["values"])[0].sum(1)
    np.testing.assert_allclose(total, model.predict(x), rtol=1e-4)


def test_shap_image_and_text_explanations() -> None:
    import shap

    rng = np.random.default_rng(0)
    imgs = rng.random((2, 8, 8, 3))
    vals = rng.normal(size=(2, 8, 8, 3, 2))
    p = payload_of(modelviz.explain(shap.Explanation(vals, data=imgs, output_names=["a", "b"])))
    assert p["modality"] == "image" and len(p["maps"]) == 4 and [o["label"] for o in p["outputs"]] == ["a", "b"]
    np.testing.assert_allclose(decode(p["maps"][1]["values"]), vals[0, ..., 1].sum(-1), rtol=1e-5)
    tokens = np.array([np.array(["I ", "lov", "ed ", "it"]), np.array(["bad ", "film"])], dtype=object)
    values = np.array([rng.normal(size=4), rng.normal(size=2)], dtype=object)
    p = payload_of(modelviz.explain(shap.Explanation(values, data=tokens)))
    assert p["modality"] == "text" and [t["tokens"] for t in p["texts"]] == [["I", "lov", "ed", "it"], ["bad", "film"]]
    np.testing.assert_allclose(decode(p["texts"][1]["values"])[0], values[1].astype(np.float32))


def test_interpret_global_and_local_explanations() -> None:
    class Global:
        explanation_type = "global"

        def data(self, key: Any = None) -> dict[str, Any]:
            return {"names": ["age", "bmi"], "scores": [0.3, 0.7]}

    class Local:
        explanation_type = "local"

        def data(self, key: Any = None) -> dict[str, Any] | None:
            rows = [
                {"names": ["age", "bmi"], "scores": [0.1, -0.2], "values": [40, 22.5], "extra": {"scores": [0.5]}},
                {"names": ["age", "bmi"], "scores": [0.3, 0.05], "values": [61, 30.1], "extra": {"scores": [0.5]}},
            ]
            return None if key is None else rows[key] if key < len(rows) else None

    p = payload_of(modelviz.explain(Global()))
    assert p["importance"]["names"] == ["age", "bmi"]
    np.testing.assert_allclose(decode(p["importance"]["values"])[0], [0.3, 0.7])
    p = payload_of(modelviz.explain(Local()))
    np.testing.assert_allclose(decode(p["tabular"]["values"])[0], [[0.1, -0.2], [0.3, 0.05]], rtol=1e-6)
    np.testing.assert_allclose(decode(p["tabular"]["data"]), [[40, 22.5], [61, 30.1]], rtol=1e-6)


def test_captum_attributions_with_their_inputs(cnn: CNN) -> None:
    from captum.attr import IntegratedGradients

    x = torch.rand(2, 3, 12, 12)
    attr = IntegratedGradients(cnn).attribute(x, target=1, n_steps=8)
    p = payload_of(modelviz.explain(attr, inputs=x, method="integrated_gradients", output_names=["dog"]))
    assert p["modality"] == "image" and len(p["maps"]) == 2
    np.testing.assert_allclose(decode(p["maps"][0]["values"]), attr[0].sum(0).detach().numpy(), rtol=1e-5, atol=1e-7)


def test_a_large_table_is_sampled_within_the_byte_budget() -> None:
    rng = np.random.default_rng(0)
    values = rng.normal(size=(100_000, 50)).astype(np.float32)
    data = rng.normal(size=(100_000, 50)).astype(np.float32)
    e = modelviz.explain(values=values, data=data, base_values=0.5, max_bytes=16_000_000)
    text = json.dumps(e.payload())
    assert len(text) < 16_000_000 * 1.4  # base64 of at most max_bytes
    sampled = e.payload()["tabular"]["sampled"]
    assert sampled["total"] == 100_000 and 0 < sampled["kept"] < 100_000
    rows = decode(e.payload()["tabular"]["rows"])
    np.testing.assert_array_equal(decode(e.payload()["tabular"]["values"])[0], values[rows])
    assert any("uniform sample" in m for m in e.messages)


def test_bad_input_gets_clear_messages(cnn: CNN) -> None:
    with pytest.raises(ValueError, match=r"data has shape \[3, 4\] but the values are for 3 rows x 5 features"):
        modelviz.explain(values=np.zeros((3, 5)), data=np.zeros((3, 4)))
    e = modelviz.explain(values=np.array([[np.nan, 1.0], [np.inf, 2.0]]))
    assert any("2 NaN or infinite attributions are shown as 0" in m for m in e.messages)
    assert payload_of(e)["tabular"]
    with pytest.raises(TypeError, match=r"does not know builtins\.dict"):
        modelviz.explain({"a": 1})
    with pytest.raises(ValueError, match=r"image must be \(C, H, W\) or \(N, C, H, W\)"):
        modelviz.explain.gradcam(cnn, torch.rand(12, 12))
    with pytest.raises(ValueError, match="labels has 2 names but the model has 4 outputs"):
        modelviz.explain.gradcam(cnn, torch.rand(3, 12, 12), labels=["a", "b"])
    with pytest.raises(ValueError, match="need inputs="):
        modelviz.explain(torch.zeros(1, 3, 4, 4))
    long = np.array([np.array([f"w{i} " for i in range(10_000)])], dtype=object)
    import shap

    e = modelviz.explain(shap.Explanation(np.array([np.zeros(10_000)], dtype=object), data=long))
    assert len(e.texts[0].tokens) == 4096 and any("10,000 tokens" in m for m in e.messages)


def test_a_real_interpretml_ebm_global_and_local() -> None:
    from interpret.glassbox import ExplainableBoostingRegressor
    from sklearn.datasets import load_diabetes

    x, y = load_diabetes(return_X_y=True, as_frame=True)
    ebm = ExplainableBoostingRegressor(interactions=0, outer_bags=2, max_rounds=100, random_state=0).fit(x, y)
    g = payload_of(modelviz.explain(ebm.explain_global()))
    assert g["importance"]["names"] == list(x.columns)
    np.testing.assert_allclose(decode(g["importance"]["values"])[0], ebm.explain_global().data()["scores"], rtol=1e-6)
    p = payload_of(modelviz.explain(ebm.explain_local(x.iloc[:5], y.iloc[:5])))
    tab = p["tabular"]
    # EBM is additive: intercept + the row's term scores = its prediction, and that is what travels
    total = decode(tab["base_values"])[0] + decode(tab["values"])[0].sum(1)
    np.testing.assert_allclose(total, ebm.predict(x.iloc[:5]), rtol=1e-4)


def test_token_saliency_and_occlusion_views() -> None:
    torch.manual_seed(0)

    class Clf(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.emb = nn.Embedding(10, 4)
            self.head = nn.Linear(4, 2)

        def forward(self, ids: torch.Tensor) -> torch.Tensor:
            return self.head(self.emb(ids).mean(1))

    model = Clf().eval()
    ids = torch.tensor([[1, 2, 3, 4, 5, 6]])
    sal = payload_of(modelviz.explain.saliency(model, ids, embedding="emb", tokenizer=Tok()))
    occ = payload_of(modelviz.explain.occlusion(model, ids, tokenizer=Tok(), baseline=0))
    for p, method in ((sal, "saliency"), (occ, "occlusion")):
        (t,) = p["texts"]
        assert p["modality"] == "text" and t["method"] == method and t["tokens"][2] == "believ"
        assert decode(t["values"]).shape == (1, 6)
