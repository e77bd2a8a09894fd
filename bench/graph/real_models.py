"""The real architectures of the graph benchmark (bench/graph/run_real.py, run_real_e2e.py), built in code with random
weights, and their ONNX exports, written once into .cache/bench/graph/real/ (git-ignored).

``build(name, size)`` gives ``(model in eval mode, example inputs)``: a tuple of tensors for the vision models, a dict
of keyword tensors (``input_ids`` + ``attention_mask``) for the Hugging Face ones. ``size="full"`` is the real size
(ResNet-50, ViT-B/16, GPT2 base, BERT base; Llama a small-ish 4-layer config), ``size="tiny"`` a few-layer version of
the same architecture for the runners' own tests. The models come from tests/python/graph_models.py when it has them
(``resnet50``, ``vit_b16`` written as torchvision writes it, ``hf_model`` for GPT2 and BERT), else from the same
transformers configs built here; Llama is always built here (graph_models' full Llama has 12 layers). BERT is called
with ``input_ids`` and ``attention_mask``.

As a script, ``python bench/graph/real_models.py NAME [--size S] [--exporter E]`` writes the cached export and prints
its path (the runners call it in a subprocess, so the exporting process's memory is given back).
"""

from __future__ import annotations

import argparse
import importlib
import sys
import warnings
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from bench._common import ROOT

MODELS = ("resnet50", "vit", "gpt2", "bert", "llama")
HF = ("gpt2", "bert", "llama")
SIZES = ("full", "tiny")
EXPORTERS = ("dynamo", "legacy")
CACHE = ROOT / ".cache" / "bench" / "graph" / "real"
SEQ = {"full": 64, "tiny": 16}  # tokens in the example inputs
IMAGE = {"full": 224, "tiny": 32}


def _graph_models() -> Any:
    return importlib.import_module("tests.python.graph_models")


def _hf_config(name: str, size: str) -> Any:
    import transformers as tf

    if name == "gpt2":
        if size == "full":
            return tf.GPT2Config()  # GPT2 base: 12 layers, 768 wide, 124M parameters
        return tf.GPT2Config(n_layer=2, n_embd=64, n_head=4, vocab_size=1000, n_positions=128, bos_token_id=0,
                             eos_token_id=0)  # fmt: skip
    if name == "bert":
        if size == "full":
            return tf.BertConfig()  # BERT base: 12 layers, 768 wide, 110M parameters
        return tf.BertConfig(vocab_size=1000, hidden_size=64, num_hidden_layers=2, num_attention_heads=4,
                             intermediate_size=128, max_position_embeddings=128)  # fmt: skip
    if name == "llama":
        if size == "full":  # small-ish: 4 layers, 512 wide, grouped-query attention, 32k vocabulary (~50M parameters)
            return tf.LlamaConfig(
                vocab_size=32000, hidden_size=512, intermediate_size=1376, num_hidden_layers=4, num_attention_heads=8,
                num_key_value_heads=4, max_position_embeddings=512,
            )  # fmt: skip
        return tf.LlamaConfig(vocab_size=1000, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                              num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=128)  # fmt: skip
    if name == "vit":
        if size == "full":
            return tf.ViTConfig()  # ViT-B/16 at 224 px
        return tf.ViTConfig(image_size=IMAGE["tiny"], patch_size=8, hidden_size=64, num_hidden_layers=2,
                            num_attention_heads=4, intermediate_size=128)  # fmt: skip
    raise ValueError(f"no Hugging Face config for {name!r}")


def _hf_model(name: str, size: str) -> tuple[Any, dict[str, Any]]:
    import torch
    import transformers as tf

    torch.manual_seed(0)
    config = _hf_config(name, size)
    cls = {"gpt2": tf.GPT2LMHeadModel, "bert": tf.BertModel, "llama": tf.LlamaForCausalLM}[name]
    model = cls(config)
    ids = torch.randint(0, config.vocab_size, (1, SEQ[size]), generator=torch.Generator().manual_seed(0))
    return model, {"input_ids": ids, "attention_mask": torch.ones_like(ids)}


def source(name: str) -> str:
    """Where ``build(name)`` takes the model from (for the runners' footers, and the cached exports' names)."""
    gm = _graph_models()
    if name == "resnet50":
        return "graph_models.resnet50"
    if name == "vit":
        return "graph_models.vit_b16" if hasattr(gm, "vit_b16") else "transformers ViTForImageClassification"
    if name in ("gpt2", "bert") and hasattr(gm, "hf_model"):
        return "graph_models.hf_model"
    return f"transformers {name} (bench/graph/real_models.py)"


def build(name: str, size: str = "full") -> tuple[Any, Any]:
    """(model in eval mode, example inputs): a tuple of tensors (vision) or a dict of keyword tensors (HF)."""
    import torch

    if name not in MODELS or size not in SIZES:
        raise ValueError(f"unknown model {name!r} / size {size!r} (models: {', '.join(MODELS)}; sizes: {SIZES})")
    gm = _graph_models()
    image = IMAGE[size]
    x = torch.randn(1, 3, image, image, generator=torch.Generator().manual_seed(0))
    model: Any
    inputs: Any
    if name == "resnet50":
        model, inputs = gm.resnet50(), (x,)
    elif name == "vit":
        if hasattr(gm, "vit_b16"):
            model = gm.vit_b16(image_size=image) if size == "full" else gm.vit_b16(image_size=image, layers=2)
        else:
            import transformers as tf

            torch.manual_seed(0)
            model = tf.ViTForImageClassification(_hf_config("vit", size))
        inputs = (x,)
    elif source(name) == "graph_models.hf_model":
        model, inputs = gm.hf_model(name, full=size == "full")
        if name == "bert":  # called as the issue asks: input_ids + attention_mask only
            inputs = {k: inputs[k] for k in ("input_ids", "attention_mask")}
    else:
        model, inputs = _hf_model(name, size)
    return model.eval(), inputs


def call_parts(inputs: Any) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """The example inputs as (positional args, keyword args)."""
    if isinstance(inputs, dict):
        return (), dict(inputs)
    return (tuple(inputs) if isinstance(inputs, (tuple, list)) else (inputs,)), {}


def export(model: Any, inputs: Any, path: Path, exporter: str) -> None:
    """torch.onnx.export of ``model`` to ``path``, weights inside the file (as Netron and a user would open it).
    Hugging Face models are exported without their KV cache (their ``config.use_cache`` is set off: the model is
    the benchmark's own). The legacy (TorchScript) exporter is handed keyword inputs through a forward that takes
    them positionally (its own keyword path fails on BertModel: "got multiple values for argument 'use_cache'")."""
    import torch

    args, kwargs = call_parts(inputs)
    if hasattr(model, "config") and hasattr(model.config, "use_cache"):
        model.config.use_cache = False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if exporter == "dynamo":
            torch.onnx.export(model, args, str(path), kwargs=kwargs or None, dynamo=True, external_data=False,
                              verbose=False)  # fmt: skip
        elif exporter == "legacy":
            if kwargs:
                # the TorchScript tracer calls model(*args): map them back to keywords in an instance-level forward
                # (no wrapper module, so the exported scope names stay the model's own)
                keys, forward = list(kwargs), model.forward
                model.forward = lambda *xs: forward(**dict(zip(keys, xs, strict=True)))
                args = tuple(kwargs.values())
            try:
                torch.onnx.export(model, args, str(path), dynamo=False, opset_version=17)
            finally:
                model.__dict__.pop("forward", None)
        else:
            raise ValueError(f"unknown exporter {exporter!r} ({', '.join(EXPORTERS)})")


def onnx_path(name: str, size: str = "full", exporter: str = "dynamo", cache: Path = CACHE) -> Path:
    """Where the export of ``name`` is cached (it may not exist yet: see ``onnx_file``). The name says where the model
    came from (``gm``: tests/python/graph_models.py, ``tf``: built here), so a change of source gives a new export."""
    tag = "gm" if source(name).startswith("graph_models") else "tf"
    return cache / f"{name}-{size}-{exporter}-{tag}.onnx"


def onnx_file(name: str, size: str = "full", exporter: str = "dynamo", cache: Path = CACHE) -> Path:
    """The cached export of ``name``, written on first use (in this process)."""
    path = onnx_path(name, size, exporter, cache)
    if path.exists():
        return path
    cache.mkdir(parents=True, exist_ok=True)
    model, inputs = build(name, size)
    tmp = path.with_name(path.name + ".partial")
    export(model, inputs, tmp, exporter)
    tmp.rename(path)
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description="write the cached ONNX export of a benchmark model, print its path")
    ap.add_argument("name", choices=MODELS)
    ap.add_argument("--size", choices=SIZES, default="full")
    ap.add_argument("--exporter", choices=EXPORTERS, default="dynamo")
    ap.add_argument("--cache", type=Path, default=CACHE)
    args = ap.parse_args()
    print(onnx_file(args.name, args.size, args.exporter, args.cache))


if __name__ == "__main__":
    main()
