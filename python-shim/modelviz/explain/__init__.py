"""Explanations: ``modelviz.explain(...)`` shows SHAP / Captum / InterpretML attributions or plain arrays, and its
methods compute attributions of PyTorch models (Grad-CAM, Integrated Gradients, saliency, SmoothGrad, occlusion)."""

from __future__ import annotations

from ._api import explain
from ._object import Explanation

__all__ = ["Explanation", "explain"]
