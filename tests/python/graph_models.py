"""Models for the graph tests and benchmark, all built in code (nothing is downloaded).

torch and onnx are imported by the builders that need them, so importing this module costs nothing.
"""

from __future__ import annotations

import io
from typing import Any


def resnet50(num_classes: int = 1000) -> Any:
    """A bottleneck ResNet-50 (stages of 3-4-6-3 blocks, widths 64-512, x4 expansion), as torchvision builds it."""
    import torch
    from torch import nn

    class Bottleneck(nn.Module):
        expansion = 4

        def __init__(self, inplanes: int, planes: int, stride: int = 1) -> None:
            super().__init__()
            width = planes
            self.conv1 = nn.Conv2d(inplanes, width, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(width)
            self.conv2 = nn.Conv2d(width, width, 3, stride=stride, padding=1, bias=False)
            self.bn2 = nn.BatchNorm2d(width)
            self.conv3 = nn.Conv2d(width, planes * 4, 1, bias=False)
            self.bn3 = nn.BatchNorm2d(planes * 4)
            self.relu = nn.ReLU(inplace=True)
            self.downsample: nn.Module | None = None
            if stride != 1 or inplanes != planes * 4:
                self.downsample = nn.Sequential(
                    nn.Conv2d(inplanes, planes * 4, 1, stride=stride, bias=False), nn.BatchNorm2d(planes * 4)
                )

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            identity = x if self.downsample is None else self.downsample(x)
            out = self.relu(self.bn1(self.conv1(x)))
            out = self.relu(self.bn2(self.conv2(out)))
            out = self.bn3(self.conv3(out))
            return self.relu(out + identity)

    class ResNet50(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv1 = nn.Conv2d(3, 64, 7, stride=2, padding=3, bias=False)
            self.bn1 = nn.BatchNorm2d(64)
            self.relu = nn.ReLU(inplace=True)
            self.maxpool = nn.MaxPool2d(3, stride=2, padding=1)
            inplanes = 64
            stages = []
            for planes, blocks, stride in ((64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)):
                layers = [Bottleneck(inplanes, planes, stride)]
                inplanes = planes * 4
                layers += [Bottleneck(inplanes, planes) for _ in range(blocks - 1)]
                stages.append(nn.Sequential(*layers))
            self.layer1, self.layer2, self.layer3, self.layer4 = stages
            self.avgpool = nn.AdaptiveAvgPool2d(1)
            self.fc = nn.Linear(2048, num_classes)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
            x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
            return self.fc(torch.flatten(self.avgpool(x), 1))

    torch.manual_seed(0)
    return ResNet50()


def transformer(d_model: int = 64, heads: int = 4, layers: int = 4, vocab: int = 100) -> Any:
    """Embedding + nn.TransformerEncoder + a classifier head; ``encoder.layers.3.self_attn`` exists."""
    import torch
    from torch import nn

    class Classifier(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embed = nn.Embedding(vocab, d_model)
            layer = nn.TransformerEncoderLayer(d_model, heads, 2 * d_model, batch_first=True)
            self.encoder = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
            self.head = nn.Linear(d_model, 2)

        def forward(self, tokens: torch.Tensor) -> torch.Tensor:
            return self.head(self.encoder(self.embed(tokens)).mean(dim=1))

    torch.manual_seed(0)
    return Classifier()


def lstm_tagger(vocab: int = 50, hidden: int = 32, tags: int = 5) -> Any:
    import torch
    from torch import nn

    class Tagger(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embed = nn.Embedding(vocab, 16)
            self.lstm = nn.LSTM(16, hidden, num_layers=2, batch_first=True, bidirectional=True)
            self.out = nn.Linear(2 * hidden, tags)

        def forward(self, tokens: torch.Tensor) -> torch.Tensor:
            seq, _ = self.lstm(self.embed(tokens))
            return self.out(seq)

    torch.manual_seed(0)
    return Tagger()


def data_dependent() -> Any:
    """forward() branches on a tensor value: torch.fx cannot trace it, so is torch.export."""
    import torch
    from torch import nn

    class Gate(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.a = nn.Linear(8, 8)
            self.b = nn.Linear(8, 8)
            self.head = nn.Sequential(nn.ReLU(), nn.Linear(8, 3))

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            h = self.a(x)
            if h.sum() > 0:
                h = self.b(h)
            return self.head(h)

    torch.manual_seed(0)
    return Gate()


def to_onnx(model: Any, example_inputs: tuple[Any, ...]) -> bytes:
    """torch.onnx.export (TorchScript exporter: the dynamo one needs onnxscript's optimizer and more time)."""
    import warnings

    import torch

    f = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model.eval(), example_inputs, f, dynamo=False, opset_version=17)
    return f.getvalue()


def onnx_chain(n_nodes: int, width: int = 8, block: int = 50) -> Any:
    """A generated ONNX graph of ``n_nodes`` ops: a chain of MatMul -> Add -> Relu blocks with a skip Add every block,
    named ``/stage{s}/block{b}/{op}_{i}`` so that exporter-style groups appear. Weights are small and shared per block.
    """
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(0)
    nodes = []
    inits = []
    prev = "x"
    skip = "x"
    i = 0
    while len(nodes) < n_nodes:
        b = i // block
        s = b // 20
        prefix = f"/stage{s}/block{b}"
        if i % block == 0:
            w = f"{prefix}/W"
            bias = f"{prefix}/bias"
            inits.append(numpy_helper.from_array(rng.standard_normal((width, width)).astype(np.float32), w))
            inits.append(numpy_helper.from_array(rng.standard_normal(width).astype(np.float32), bias))
            skip = prev
        kind = i % 3
        out = f"t{i}"
        if kind == 0:
            nodes.append(helper.make_node("MatMul", [prev, f"{prefix}/W"], [out], name=f"{prefix}/MatMul_{i}"))
        elif kind == 1:
            nodes.append(helper.make_node("Add", [prev, f"{prefix}/bias"], [out], name=f"{prefix}/Add_{i}"))
        elif i % block == block - 1:
            nodes.append(helper.make_node("Add", [prev, skip], [out], name=f"{prefix}/Residual_{i}"))
        else:
            nodes.append(helper.make_node("Relu", [prev], [out], name=f"{prefix}/Relu_{i}"))
        prev = out
        i += 1
    graph = helper.make_graph(
        nodes,
        "chain",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, width])],
        [helper.make_tensor_value_info(prev, TensorProto.FLOAT, [1, width])],
        inits,
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def nested_data_dependent() -> Any:
    """The root's forward and one grandchild's forward branch on tensor values; everything else is traceable."""
    import torch
    from torch import nn

    class Gate(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.lin = nn.Linear(8, 8)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.lin(x) if x.sum() > 0 else x

    class Block(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.norm = nn.LayerNorm(8)
            self.gate = Gate()
            self.proj = nn.Linear(8, 8)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return x + self.proj(torch.relu(self.gate(self.norm(x))))

    class Outer(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.stem = nn.Sequential(nn.Linear(4, 8), nn.ReLU())
            self.block = Block()
            self.head = nn.Linear(8, 2)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            h = self.stem(x)
            if h.mean() > 0:
                h = self.block(h)
            return self.head(h)

    torch.manual_seed(0)
    return Outer()


def hf_model(name: str, full: bool = False) -> tuple[Any, dict[str, Any]]:
    """A Hugging Face model with random weights and its example keyword inputs, nothing downloaded: ``name`` is one of
    "gpt2", "bert", "t5", "llama", "vit", "whisper". Small configs (2 layers, width 64, sequence 8) unless ``full``:
    then the real sizes of GPT2 base (12 layers, 768 wide, 50257 tokens), BERT base, T5 small, a 12-layer Llama
    768 wide, ViT-B/16 and Whisper base. The model is in eval mode; the inputs are seeded."""
    import torch
    import transformers as tf

    torch.manual_seed(0)
    seq = 8 if not full else 32
    vocab = 1000 if not full else None
    ids = torch.randint(0, vocab or 1000, (1, seq))
    mask = torch.ones(1, seq, dtype=torch.long)
    model: Any
    if name == "gpt2":
        small = {"n_layer": 2, "n_embd": 64, "n_head": 4, "vocab_size": 1000, "n_positions": 64}
        cfg = tf.GPT2Config(**({} if full else {**small, "bos_token_id": 0, "eos_token_id": 0}))
        model, inputs = tf.GPT2LMHeadModel(cfg), {"input_ids": ids, "attention_mask": mask}
    elif name == "bert":
        small = {"num_hidden_layers": 2, "hidden_size": 64, "num_attention_heads": 4, "intermediate_size": 128}
        cfg = tf.BertConfig(**({} if full else {**small, "vocab_size": 1000, "max_position_embeddings": 64}))
        inputs = {"input_ids": ids, "attention_mask": mask, "token_type_ids": torch.zeros(1, seq, dtype=torch.long)}
        model = tf.BertModel(cfg)
    elif name == "t5":
        small = {"num_layers": 2, "num_decoder_layers": 2, "d_model": 64, "d_kv": 16, "num_heads": 4, "d_ff": 128}
        cfg = tf.T5Config(**({} if full else {**small, "vocab_size": 1000}))
        dec = torch.randint(0, vocab or 1000, (1, seq // 2))
        model, inputs = tf.T5Model(cfg), {"input_ids": ids, "attention_mask": mask, "decoder_input_ids": dec}
    elif name == "llama":
        size = (
            {"num_hidden_layers": 12, "hidden_size": 768, "num_attention_heads": 12, "intermediate_size": 2048}
            if full
            else {"num_hidden_layers": 2, "hidden_size": 64, "num_attention_heads": 4, "intermediate_size": 128}
        )
        cfg = tf.LlamaConfig(
            **size,
            num_key_value_heads=size["num_attention_heads"] // 2,
            vocab_size=32000 if full else 1000,
            max_position_embeddings=512 if full else 64,
            bos_token_id=0,
            eos_token_id=0,
        )
        model, inputs = tf.LlamaForCausalLM(cfg), {"input_ids": ids, "attention_mask": mask}
    elif name == "vit":
        small = {"num_hidden_layers": 2, "hidden_size": 64, "num_attention_heads": 4, "intermediate_size": 128}
        cfg = tf.ViTConfig(**({} if full else {**small, "image_size": 32, "patch_size": 8}), num_labels=10)
        size = cfg.image_size
        model, inputs = tf.ViTForImageClassification(cfg), {"pixel_values": torch.randn(1, 3, size, size)}
    elif name == "whisper":
        small = {
            "encoder_layers": 2,
            "decoder_layers": 2,
            "d_model": 64,
            "encoder_attention_heads": 4,
            "decoder_attention_heads": 4,
            "encoder_ffn_dim": 128,
            "decoder_ffn_dim": 128,
            "vocab_size": 1000,
            "num_mel_bins": 16,
            "max_source_positions": 32,
            "max_target_positions": 32,
        }
        tokens = {"pad_token_id": 0, "bos_token_id": 1, "eos_token_id": 2, "decoder_start_token_id": 1}
        cfg = tf.WhisperConfig(**({} if full else small), **({} if full else tokens))
        frames = 2 * cfg.max_source_positions
        inputs = {
            "input_features": torch.randn(1, cfg.num_mel_bins, frames),
            "decoder_input_ids": torch.randint(0, 1000, (1, 4)),
        }
        model = tf.WhisperForConditionalGeneration(cfg)
    else:
        raise ValueError(f"unknown Hugging Face model {name!r}")
    return model.eval(), inputs


def vit_b16(image_size: int = 224, layers: int = 12) -> Any:
    """ViT-B/16 as torchvision writes it: a 16x16/16 conv patch embedding, a class token parameter, an encoder of
    ``layers`` blocks (LayerNorm, nn.MultiheadAttention with 12 heads, MLP 768-3072-768, dropouts) with torch._assert
    shape checks, and a linear head. Takes a (N, 3, image_size, image_size) tensor."""
    import torch
    from torch import nn

    hidden, heads, mlp, patch = 768, 12, 3072, 16

    class MLPBlock(nn.Sequential):
        def __init__(self) -> None:
            super().__init__(
                nn.Linear(hidden, mlp), nn.GELU(), nn.Dropout(0.0), nn.Linear(mlp, hidden), nn.Dropout(0.0)
            )

    class EncoderBlock(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.ln_1 = nn.LayerNorm(hidden, eps=1e-6)
            self.self_attention = nn.MultiheadAttention(hidden, heads, dropout=0.0, batch_first=True)
            self.dropout = nn.Dropout(0.0)
            self.ln_2 = nn.LayerNorm(hidden, eps=1e-6)
            self.mlp = MLPBlock()

        def forward(self, input: torch.Tensor) -> torch.Tensor:
            torch._assert(input.dim() == 3, f"Expected (batch_size, seq_length, hidden_dim) got {input.shape}")
            x = self.ln_1(input)
            x, _ = self.self_attention(x, x, x, need_weights=False)
            x = self.dropout(x)
            x = x + input
            y = self.ln_2(x)
            y = self.mlp(y)
            return x + y

    class Encoder(nn.Module):
        def __init__(self, seq_length: int) -> None:
            super().__init__()
            self.pos_embedding = nn.Parameter(torch.empty(1, seq_length, hidden).normal_(std=0.02))
            self.dropout = nn.Dropout(0.0)
            self.layers = nn.Sequential(*[EncoderBlock() for _ in range(layers)])
            self.ln = nn.LayerNorm(hidden, eps=1e-6)

        def forward(self, input: torch.Tensor) -> torch.Tensor:
            torch._assert(input.dim() == 3, f"Expected (batch_size, seq_length, hidden_dim) got {input.shape}")
            input = input + self.pos_embedding
            return self.ln(self.layers(self.dropout(input)))

    class VisionTransformer(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.image_size = image_size
            self.patch_size = patch
            self.hidden_dim = hidden
            self.conv_proj = nn.Conv2d(3, hidden, kernel_size=patch, stride=patch)
            self.class_token = nn.Parameter(torch.zeros(1, 1, hidden))
            self.encoder = Encoder((image_size // patch) ** 2 + 1)
            self.heads = nn.Sequential()
            self.heads.add_module("head", nn.Linear(hidden, 1000))

        def _process_input(self, x: torch.Tensor) -> torch.Tensor:
            n, _c, h, w = x.shape
            p = self.patch_size
            torch._assert(h == self.image_size, f"Wrong image height! Expected {self.image_size} but got {h}!")
            torch._assert(w == self.image_size, f"Wrong image width! Expected {self.image_size} but got {w}!")
            n_h = h // p
            n_w = w // p
            x = self.conv_proj(x)
            x = x.reshape(n, self.hidden_dim, n_h * n_w)
            return x.permute(0, 2, 1)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            x = self._process_input(x)
            n = x.shape[0]
            batch_class_token = self.class_token.expand(n, -1, -1)
            x = torch.cat([batch_class_token, x], dim=1)
            x = self.encoder(x)
            x = x[:, 0]
            return self.heads(x)

    torch.manual_seed(0)
    return VisionTransformer()
