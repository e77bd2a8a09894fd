"""modelviz's attribution methods equal Captum's on the same small models and inputs, satisfy their own properties
(IG completeness, Grad-CAM by hand), and leave the model exactly as it was."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch
from captum.attr import IntegratedGradients, LayerGradCam, LayerIntegratedGradients, Occlusion, Saliency
from modelviz.explain import _methods as M
from torch import nn


class SmallCNN(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1)
        self.act = nn.ReLU()
        self.conv2 = nn.Conv2d(8, 8, 3, padding=1)
        self.bn = nn.BatchNorm2d(8)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.head = nn.Linear(8, 5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.act(self.conv1(x))
        x = torch.relu(self.bn(self.conv2(x)))
        return self.head(torch.flatten(self.pool(x), 1))


class TextModel(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.emb = nn.Embedding(50, 8)
        self.head = nn.Linear(8, 3)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        return self.head(torch.tanh(self.emb(ids)).mean(1))


@pytest.fixture(scope="module")
def trained() -> dict[str, Any]:
    """A small CNN trained here on a real (synthetic) task: which colour a bright patch has, wherever it is."""
    torch.manual_seed(0)
    m = SmallCNN()
    x = torch.rand(256, 3, 16, 16) * 0.3
    y = torch.randint(0, 3, (256,))
    corner = torch.randint(0, 11, (256, 2))
    for i in range(256):
        r, c = int(corner[i, 0]), int(corner[i, 1])
        x[i, int(y[i]), r : r + 5, c : c + 5] += 0.7
    opt = torch.optim.Adam(m.parameters(), lr=1e-2)
    for _ in range(60):
        opt.zero_grad()
        nn.functional.cross_entropy(m(x), y).backward()
        opt.step()
    m.eval()
    with torch.no_grad():
        accuracy = float((m(x).argmax(1) == y).float().mean())
    return {"model": m, "accuracy": accuracy}


@pytest.fixture
def cnn(trained: dict[str, Any]) -> SmallCNN:
    m: SmallCNN = trained["model"]
    return m


def test_the_cnn_learned_its_task(trained: dict[str, Any]) -> None:
    assert trained["accuracy"] > 0.6, trained["accuracy"]


@pytest.fixture
def image() -> torch.Tensor:
    return torch.randn(2, 3, 16, 16, generator=torch.Generator().manual_seed(1))


def close(a: Any, b: Any, rtol: float = 1e-4, atol: float = 1e-6) -> None:
    np.testing.assert_allclose(np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64), rtol=rtol, atol=atol)


def snapshot(model: nn.Module) -> dict[str, Any]:
    return {
        "state": {k: v.detach().clone() for k, v in model.state_dict().items()},
        "modes": [m.training for m in model.modules()],
        "requires_grad": [p.requires_grad for p in model.parameters()],
        "grads": [None if p.grad is None else p.grad.clone() for p in model.parameters()],
        "hooks": [(len(m._forward_hooks), len(m._forward_pre_hooks), len(m._backward_hooks)) for m in model.modules()],
    }


def same(a: dict[str, Any], b: dict[str, Any]) -> None:
    assert a["modes"] == b["modes"] and a["requires_grad"] == b["requires_grad"] and a["hooks"] == b["hooks"]
    assert a["state"].keys() == b["state"].keys()
    for k in a["state"]:
        assert torch.equal(a["state"][k], b["state"][k]), k
    for x, y in zip(a["grads"], b["grads"], strict=True):
        assert (x is None and y is None) or (x is not None and y is not None and torch.equal(x, y))


def test_saliency_equals_captum(cnn: SmallCNN, image: torch.Tensor) -> None:
    ours = M.saliency(cnn, image, target=[1, 3])
    ref = Saliency(cnn).attribute(image, target=[1, 3], abs=True)
    close(ours.values, ref.detach())
    assert ours.target == [1, 3] and ours.values.shape == (2, 3, 16, 16)


@pytest.mark.parametrize("method", ["gausslegendre", "riemann_trapezoid", "riemann_middle"])
def test_integrated_gradients_equals_captum_with_the_same_quadrature(
    cnn: SmallCNN, image: torch.Tensor, method: str
) -> None:
    ours = M.integrated_gradients(cnn, image, target=2, steps=20, method=method, batch=7)
    ref, delta = IntegratedGradients(cnn).attribute(
        image, target=2, n_steps=20, method=method, return_convergence_delta=True
    )
    ref = ref.detach()
    if method == "riemann_trapezoid":
        # Captum's trapezoid steps are 1/n (its weights sum to (n-1)/n); ours are the trapezoid rule's 1/(n-1)
        ref = ref * 20 / 19
    close(ours.values, ref, rtol=1e-4, atol=1e-6)
    assert ours.delta is not None
    if method != "riemann_trapezoid":
        close(ours.delta, delta.detach(), rtol=1e-3, atol=1e-5)


def test_integrated_gradients_completeness_improves_with_steps(cnn: SmallCNN, image: torch.Tensor) -> None:
    errs = [float(np.abs(M.integrated_gradients(cnn, image, steps=s).delta).max()) for s in (4, 16, 64)]  # type: ignore[arg-type]
    with torch.no_grad():
        span = float((cnn(image) - cnn(torch.zeros_like(image))).abs().max())
    assert errs[2] < errs[0] and errs[2] < 0.02 * span, (errs, span)
    # and the delta is what it says: sum of attributions - (f(x) - f(baseline))
    r = M.integrated_gradients(cnn, image, target=[0, 4], steps=32)
    with torch.no_grad():
        fx = cnn(image)[[0, 1], [0, 4]]
        fb = cnn(torch.zeros_like(image))[[0, 1], [0, 4]]
    close(r.values.reshape(2, -1).sum(1) - (fx - fb).numpy(), r.delta, rtol=1e-4, atol=1e-5)


def test_occlusion_equals_captum(cnn: SmallCNN, image: torch.Tensor) -> None:
    ours = M.occlusion(cnn, image, target=1, window=(3, 4, 4), stride=(3, 2, 2), batch=16)
    ref = Occlusion(cnn).attribute(image, target=1, sliding_window_shapes=(3, 4, 4), strides=(3, 2, 2))
    close(ours.values, ref.detach(), rtol=1e-4, atol=1e-6)


def test_gradcam_equals_captum_and_a_hand_computation(cnn: SmallCNN, image: torch.Tensor) -> None:
    ours = M.gradcam(cnn, image, target=[0, 2], layer="bn")
    ref = LayerGradCam(cnn, cnn.bn).attribute(image, target=[0, 2])  # Captum's raw map (no ReLU by default)
    assert ours.raw is not None
    close(ours.raw, ref.detach()[:, 0], rtol=1e-4, atol=1e-6)
    # by hand: hooks on the layer, the gradient of the targets, channel weights = spatial mean of the gradient
    acts: list[torch.Tensor] = []
    h = cnn.bn.register_forward_hook(lambda _m, _i, o: acts.append(o))
    x = image.clone().requires_grad_(True)
    out = cnn(x)
    h.remove()
    (g,) = torch.autograd.grad(out[[0, 1], [0, 2]].sum(), acts[0])
    cam = torch.relu((g.mean((2, 3), keepdim=True) * acts[0]).sum(1, keepdim=True))
    up = nn.functional.interpolate(cam, size=(16, 16), mode="bilinear", align_corners=False)[:, 0]
    close(ours.values, up.detach(), rtol=1e-4, atol=1e-6)
    assert ours.layer == "bn" and ours.values.min() >= 0


def test_gradcam_picks_the_last_spatial_layer_and_says_so(cnn: SmallCNN, image: torch.Tensor) -> None:
    r = M.gradcam(cnn, image)
    assert r.layer == "bn"  # pool's output is 1x1: not spatial
    assert any("'bn'" in m and "last spatial layer" in m for m in r.messages), r.messages
    plus = M.gradcam(cnn, image, plus=True, layer="bn")
    assert plus.method == "gradcam++" and plus.values.shape == (2, 16, 16) and plus.values.max() > 0


def test_gradcam_on_a_vit_reshapes_tokens_to_a_grid() -> None:
    class TinyViT(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.patch = nn.Conv2d(3, 16, 4, stride=4)
            self.cls = nn.Parameter(torch.zeros(1, 1, 16))
            self.blocks = nn.ModuleList(
                nn.TransformerEncoderLayer(16, 2, 32, batch_first=True, dropout=0.0, norm_first=True) for _ in range(2)
            )
            self.norm = nn.LayerNorm(16)
            self.head = nn.Linear(16, 4)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            t = self.patch(x).flatten(2).transpose(1, 2)
            t = torch.cat([self.cls.expand(len(t), -1, -1), t], 1)
            for b in self.blocks:
                t = b(t)
            return self.head(self.norm(t)[:, 0])

    torch.manual_seed(0)
    vit = TinyViT().eval()
    r = M.gradcam(vit, torch.randn(1, 3, 16, 16), layer="blocks.1.norm1")
    assert r.raw is not None and r.raw.shape == (1, 4, 4) and r.values.shape == (1, 16, 16)
    assert any("16 tokens on a 4x4 grid (the class token dropped)" in m for m in r.messages), r.messages
    # unnamed: after the last attention only the class token gets gradient, so the last layer before it wins (the
    # pre-norm of the last block, as pytorch-grad-cam recommends for timm's ViTs)
    auto = M.gradcam(vit, torch.randn(1, 3, 16, 16))
    assert auto.layer == "blocks.1.norm1", auto.messages


def test_token_attributions_through_the_embedding_equal_captum() -> None:
    torch.manual_seed(0)
    model = TextModel().eval()
    ids = torch.randint(1, 50, (2, 7))
    # the path starts at the embedding of token 0 on both sides (Captum's default baseline ids are zeros)
    ours = M.integrated_gradients(model, ids, target=1, steps=16, embedding="emb", baseline=torch.zeros_like(ids))
    ref = LayerIntegratedGradients(model, model.emb).attribute(ids, target=1, n_steps=16)
    close(ours.values, ref.detach(), rtol=1e-4, atol=1e-6)
    assert ours.values.shape == (2, 7, 8) and ours.layer == "emb"
    assert ours.delta is not None and float(np.abs(ours.delta).max()) < 1e-3


def test_tabular_inputs_work_with_every_method() -> None:
    torch.manual_seed(0)
    mlp = nn.Sequential(nn.Linear(6, 16), nn.ReLU(), nn.Linear(16, 3)).eval()
    x = np.random.default_rng(0).normal(size=(5, 6)).astype(np.float32)  # numpy in, as from a DataFrame
    ig = M.integrated_gradients(mlp, x, steps=32)
    ref = IntegratedGradients(mlp).attribute(torch.as_tensor(x), target=torch.as_tensor(ig.target), n_steps=32)
    close(ig.values, ref.detach())
    occ = M.occlusion(mlp, x, target=0, window=(1,), stride=1)
    ref_occ = Occlusion(mlp).attribute(torch.as_tensor(x), target=0, sliding_window_shapes=(1,), strides=1)
    close(occ.values, ref_occ.detach())
    sg = M.smoothgrad(mlp, x, samples=8, stdev=0.1)
    assert sg.values.shape == (5, 6) and np.isfinite(sg.values).all()


@pytest.mark.parametrize(
    "call",
    [
        lambda m, x: M.saliency(m, x),
        lambda m, x: M.smoothgrad(m, x, samples=4),
        lambda m, x: M.integrated_gradients(m, x, steps=8),
        lambda m, x: M.occlusion(m, x, window=(3, 8, 8), stride=8),
        lambda m, x: M.gradcam(m, x),
    ],
    ids=["saliency", "smoothgrad", "ig", "occlusion", "gradcam"],
)
def test_the_model_is_left_exactly_as_it_was(call: Any, image: torch.Tensor) -> None:
    torch.manual_seed(0)
    model = SmallCNN()
    model.train()  # a user's model mid-training: train mode, gradients present, a hook of theirs
    model(torch.randn(4, 3, 16, 16)).sum().backward()
    model.head.weight.requires_grad_(False)
    model.conv1.register_forward_hook(lambda *_: None)
    before = snapshot(model)
    call(model, image)
    same(before, snapshot(model))


def test_bad_inputs_get_clear_messages(cnn: SmallCNN, image: torch.Tensor) -> None:
    before = snapshot(cnn)
    with pytest.raises(ValueError, match="target 7 is out of range: the model has 5 outputs"):
        M.saliency(cnn, image, target=7)
    with pytest.raises(ValueError, match=r"the model's forward failed on an input of shape \[2, 5, 16, 16\]"):
        M.integrated_gradients(cnn, torch.randn(2, 5, 16, 16), steps=4)
    with pytest.raises(ValueError, match="no layer with a spatial output"):
        M.gradcam(nn.Sequential(nn.Linear(4, 3)), torch.randn(2, 4))
    with pytest.raises(ValueError, match="has output shape"):
        M.gradcam(cnn, image, layer="head")
    with pytest.raises(ValueError, match="no submodule 'nope'"):
        M.gradcam(cnn, image, layer="nope")
    with pytest.raises(ValueError, match="meta device"):
        M.saliency(SmallCNN().to("meta"), image)
    with pytest.raises(ValueError, match="window"):
        M.occlusion(cnn, image, window=(3, 32, 32))
    with pytest.raises(TypeError, match=r"torch\.nn\.Module"):
        M.saliency(lambda x: x, image)
    same(before, snapshot(cnn))


def test_gradcam_on_a_torchvision_style_resnet_finds_the_last_block() -> None:
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from bench.explain.run_methods import resnet18

    model = resnet18(classes=10)
    x = torch.rand(1, 3, 64, 64, generator=torch.Generator().manual_seed(0))
    ours = M.gradcam(model, x)
    # the block's ReLU module runs twice; its last call is the block's (and layer4's) output
    assert ours.layer == "layer4.1.relu", ours.messages
    ref = LayerGradCam(model, model.layer4).attribute(x, target=ours.target, relu_attributions=False)
    assert ours.raw is not None
    close(ours.raw, ref.detach()[:, 0], rtol=1e-4, atol=1e-6)
    # a user-named layer followed by ResNet's in-place `out += identity` works too
    named = M.gradcam(model, x, layer="layer4.1.bn2")
    assert named.values.shape == (1, 64, 64)


def test_token_attributions_of_a_hugging_face_classifier_with_its_tokenizer(tmp_path: Any) -> None:
    import modelviz
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "film", "was", "un", "##believ", "##ably", "good"]
    (tmp_path / "vocab.txt").write_text("\n".join(vocab) + "\n")
    tok = BertTokenizer(str(tmp_path / "vocab.txt"))
    torch.manual_seed(0)
    cfg = BertConfig(
        vocab_size=len(vocab),
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        num_labels=2,
    )
    model = BertForSequenceClassification(cfg).eval()
    enc = tok(["the film was unbelievably good"], return_tensors="pt")
    ids, mask = enc["input_ids"], enc["attention_mask"]
    e = modelviz.explain.integrated_gradients(
        model,
        ids,
        embedding="bert.embeddings.word_embeddings",
        tokenizer=tok,
        steps=16,
        baseline=torch.zeros_like(ids),
        forward_kwargs={"attention_mask": mask},
        labels=["neg", "pos"],
        top_k=1,
    )
    (t,) = e.texts
    assert t.tokens == ["[CLS]", "the", "film", "was", "un", "believ", "ably", "good", "[SEP]"]
    assert t.joins == [False, False, False, False, False, True, True, False, False]
    # equal to Captum's LayerIntegratedGradients on the word embeddings (baseline: all [PAD], id 0), summed per token
    target = int(model(**enc).logits.argmax())
    ref = LayerIntegratedGradients(
        lambda i: model(i, attention_mask=mask).logits, model.bert.embeddings.word_embeddings
    ).attribute(ids, target=target, n_steps=16)
    close(t.values[0], ref.detach().sum(-1)[0], rtol=1e-3, atol=1e-6)


def test_token_saliency_and_occlusion_equal_captum() -> None:
    from captum.attr import LayerGradientXActivation

    torch.manual_seed(0)
    model = TextModel().eval()
    ids = torch.randint(1, 50, (2, 7))
    sal = M.saliency(model, ids, target=2, embedding="emb")
    ref = LayerGradientXActivation(model, model.emb, multiply_by_inputs=False).attribute(ids, target=2)
    close(sal.values, ref.detach().abs())
    occ = M.occlusion(model, ids, target=2, window=(1,), stride=1, baseline=0)
    ref_occ = Occlusion(model).attribute(ids, target=2, sliding_window_shapes=(1,), baselines=0)
    close(occ.values, ref_occ.detach())
    assert occ.values.shape == (2, 7)
