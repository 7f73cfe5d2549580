"""Writers for the Hugging Face checkpoint files: model.safetensors, config.json, tokenizer.json.

safetensors layout (https://github.com/huggingface/safetensors, "Format"): an 8-byte little-endian
unsigned header length N, N bytes of JSON mapping each tensor name to {dtype, shape,
data_offsets [begin, end)} relative to the byte after the header (plus "__metadata__"), then the
raw little-endian tensor bytes. The header is padded with spaces to a multiple of 8 so the data is
aligned, as the reference writer does.
"""
from __future__ import annotations

import json
import struct

import torch


def write_safetensors(path: str, tensors: dict[str, torch.Tensor]) -> None:
    header: dict = {"__metadata__": {"format": "pt"}}
    blobs = []
    offset = 0
    for name in sorted(tensors):
        t = tensors[name].detach().to(torch.float32).contiguous().cpu()
        data = t.numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def read_safetensors(path: str) -> dict[str, torch.Tensor]:
    """Reads back what write_safetensors wrote (F32 only), to check the round trip."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        out[name] = torch.frombuffer(bytearray(data[begin:end]), dtype=torch.float32).view(info["shape"]).clone()
    return out


def write_json(path: str, obj) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=2, ensure_ascii=False)
        f.write("\n")


def _added(token: str, index: int) -> dict:
    return {"id": index, "content": token, "single_word": False, "lstrip": False, "rstrip": False,
            "normalized": False, "special": True}


def tokenizer_json(vocab: list[str], specials: list[str], single: list[str], pair: list[str]) -> dict:
    """A word-level tokenizer in the `tokenizers` JSON layout, with bert-base-uncased's components:
    BertNormalizer (lower-case), BertPreTokenizer (whitespace and punctuation), a WordPiece model
    whose vocabulary holds whole words only (so every known word is one token and anything else is
    [UNK]), and a TemplateProcessing post-processor. <single>/<pair> are templates such as
    ["[CLS]", "$A", "[SEP]"]; "$A:1" style type ids are not needed for single sentences."""
    ids = {tok: i for i, tok in enumerate(vocab)}

    def template(items: list[str]) -> list[dict]:
        out = []
        for item in items:
            type_id = 0
            if ":" in item and item.startswith("$"):
                item, type_id = item.split(":")[0], int(item.split(":")[1])
            if item.startswith("$"):
                out.append({"Sequence": {"id": item[1:], "type_id": type_id}})
            else:
                name, _, t = item.partition(":")
                out.append({"SpecialToken": {"id": name, "type_id": int(t or 0)}})
        return out

    used = sorted({i.split(":")[0] for i in single + pair if not i.startswith("$")})
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [_added(s, ids[s]) for s in specials],
        "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                       "strip_accents": None, "lowercase": True},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": template(single),
            "pair": template(pair),
            "special_tokens": {s: {"id": s, "ids": [ids[s]], "tokens": [s]} for s in used},
        },
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100, "vocab": ids},
    }
