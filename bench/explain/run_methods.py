"""Attribution methods on a ResNet-18 (written here, random weights, 224x224): modelviz's Integrated Gradients and
Grad-CAM against Captum's on the same model and input, in the same run; the numbers are checked equal first.

Run: .venv/bin/python bench/explain/run_methods.py [--quick]
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from bench._common import line, load_average, modelviz_module, ratio, timed


def resnet18(classes: int = 1000) -> Any:
    """torchvision's ResNet-18 architecture (BasicBlock x [2, 2, 2, 2]), written out so nothing is downloaded."""
    import torch
    from torch import nn

    class Block(nn.Module):
        def __init__(self, cin: int, cout: int, stride: int) -> None:
            super().__init__()
            self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(cout)
            self.relu = nn.ReLU(inplace=True)
            self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(cout)
            self.downsample = (
                nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))
                if stride != 1 or cin != cout
                else None
            )

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            idt = x if self.downsample is None else self.downsample(x)
            y = self.relu(self.bn1(self.conv1(x)))
            return self.relu(self.bn2(self.conv2(y)) + idt)

    class ResNet18(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv1 = nn.Conv2d(3, 64, 7, 2, 3, bias=False)
            self.bn1 = nn.BatchNorm2d(64)
            self.relu = nn.ReLU(inplace=True)
            self.maxpool = nn.MaxPool2d(3, 2, 1)
            chans = [(64, 64, 1), (64, 128, 2), (128, 256, 2), (256, 512, 2)]
            for i, (a, b, s) in enumerate(chans, 1):
                setattr(self, f"layer{i}", nn.Sequential(Block(a, b, s), Block(b, b, 1)))
            self.avgpool = nn.AdaptiveAvgPool2d(1)
            self.fc = nn.Linear(512, classes)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
            x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
            return self.fc(torch.flatten(self.avgpool(x), 1))

    torch.manual_seed(0)
    return ResNet18().eval()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="112x112, 8 steps, one round (a smoke test)")
    args = ap.parse_args()
    import torch
    from captum.attr import IntegratedGradients, LayerAttribution, LayerGradCam

    methods = modelviz_module("modelviz.explain._methods")
    size, steps, reps = (112, 8, 1) if args.quick else (224, 50, 3)
    torch.set_num_threads(2)
    model = resnet18()
    x = torch.rand(1, 3, size, size, generator=torch.Generator().manual_seed(1))
    target = int(model(x).argmax())
    batch = steps  # both sides run all path points in one batch

    ours_ig = methods.integrated_gradients(model, x, target, steps=steps, batch=batch)
    ref_ig = IntegratedGradients(model).attribute(x, target=target, n_steps=steps, internal_batch_size=batch)
    scale = float(ref_ig.abs().max())
    ig_equal = bool(np.allclose(ours_ig.values, ref_ig.detach().numpy(), rtol=1e-3, atol=1e-4 * scale))
    ours_cam = methods.gradcam(model, x, target, layer="layer4")
    ref_cam = LayerGradCam(model, model.layer4).attribute(x, target=target, relu_attributions=True)
    ref_up = LayerAttribution.interpolate(ref_cam, (size, size), interpolate_mode="bilinear")
    cam_equal = bool(np.allclose(ours_cam.values, ref_up.detach().numpy()[:, 0], rtol=1e-4, atol=1e-6))

    def ig_ours() -> None:
        methods.integrated_gradients(model, x, target, steps=steps, batch=batch)

    def ig_captum() -> None:
        # the same outputs as ours: attributions and the completeness delta
        IntegratedGradients(model).attribute(
            x, target=target, n_steps=steps, internal_batch_size=batch, return_convergence_delta=True
        )

    def ig_captum_no_delta() -> None:
        IntegratedGradients(model).attribute(x, target=target, n_steps=steps, internal_batch_size=batch)

    def cam_ours() -> None:
        methods.gradcam(model, x, target, layer="layer4")

    def cam_captum() -> None:
        c = LayerGradCam(model, model.layer4).attribute(x, target=target, relu_attributions=True)
        LayerAttribution.interpolate(c, (size, size), interpolate_mode="bilinear")

    for fn in (ig_ours, ig_captum, cam_ours, cam_captum):
        fn()  # warm-up
    results = []
    for name, ours, anchor, what, equal in (
        ("explain/ig-resnet18", ig_ours, ig_captum, "captum IG + delta", ig_equal),
        ("explain/gradcam-resnet18", cam_ours, cam_captum, "captum LayerGradCam", cam_equal),
    ):
        a: list[float] = []
        b: list[float] = []
        for r in range(reps):  # alternate which side goes first
            if r % 2:
                b += timed(anchor, 1)
                a += timed(ours, 1)
            else:
                a += timed(ours, 1)
                b += timed(anchor, 1)
        ma, mb = statistics.median(a) * 1e3, statistics.median(b) * 1e3
        results.append(
            line(
                name,
                f"{ma:.0f} ms",
                f"anchor({what}) {mb:.0f} ms",
                ratio(ma, mb, "faster", "slower"),
                f"{size}x{size}, {'steps ' + str(steps) + ', ' if 'ig' in name else ''}median of {reps}; equal to "
                f"Captum: {equal}",
            )
        )
    bare = statistics.median(timed(ig_captum_no_delta, reps)) * 1e3
    results[0] += f" [captum without the delta: {bare:.0f} ms]"
    print("\n".join(results))
    print(f"  (torch {torch.__version__}, 2 threads, CPU; {load_average()})")
    if not (ig_equal and cam_equal):
        sys.exit("our attributions differ from Captum's")


if __name__ == "__main__":
    main()
