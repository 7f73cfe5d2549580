"""Tiny BERT and GPT-2 in plain torch whose parameter names and math equal Hugging Face's.

`transformers` is not available here (Debian ships torch only), so these modules re-state what
`transformers` 4.40 computes, module for module, so that `state_dict()` keys are the ones
`save_pretrained` writes and any loader of Hugging Face checkpoints reads them:
  BertForMaskedLM                 modeling_bert.py: BertEmbeddings, BertSelfAttention, BertSelfOutput,
                                  BertIntermediate, BertOutput, BertLMPredictionHead (decoder tied to
                                  the word embeddings, bias `cls.predictions.bias`), no pooler.
  BertForSequenceClassification   BertModel with pooler (tanh of dense of token 0) + `classifier`.
  GPT2LMHeadModel                 modeling_gpt2.py: pre-LayerNorm blocks, Conv1D weights stored
                                  (in, out), gelu_new, ln_f, `lm_head` tied to `transformer.wte`.
Dropout is 0 everywhere (the configs say so), which keeps training deterministic and makes
training-mode and eval-mode forwards identical.
"""
from __future__ import annotations

import math

import torch
from torch import nn
import torch.nn.functional as F


def gelu_new(x: torch.Tensor) -> torch.Tensor:
    """GPT-2's tanh approximation (transformers activations.NewGELUActivation)."""
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


def gelu_erf(x: torch.Tensor) -> torch.Tensor:
    """BERT's exact gelu, x·Φ(x) with erf (transformers activations.GELUActivation)."""
    return F.gelu(x)


def _extended_mask(attention_mask: torch.Tensor) -> torch.Tensor:
    """(B, T) 1/0 mask -> (B, 1, 1, T) additive mask: 0 where attended, float32 min where masked,
    as transformers' get_extended_attention_mask does."""
    m = attention_mask[:, None, None, :].to(torch.float32)
    return (1.0 - m) * torch.finfo(torch.float32).min


# ---------------------------------------------------------------- BERT

class BertEmbeddings(nn.Module):
    def __init__(self, cfg: dict):
        super().__init__()
        c = cfg["hidden_size"]
        self.word_embeddings = nn.Embedding(cfg["vocab_size"], c, padding_idx=cfg["pad_token_id"])
        self.position_embeddings = nn.Embedding(cfg["max_position_embeddings"], c)
        self.token_type_embeddings = nn.Embedding(cfg["type_vocab_size"], c)
        self.LayerNorm = nn.LayerNorm(c, eps=cfg["layer_norm_eps"])

    def forward(self, input_ids, token_type_ids):
        t = input_ids.shape[1]
        pos = torch.arange(t, device=input_ids.device)[None, :]
        x = self.word_embeddings(input_ids) + self.token_type_embeddings(token_type_ids) + self.position_embeddings(pos)
        return self.LayerNorm(x)


class BertSelfAttention(nn.Module):
    def __init__(self, cfg: dict):
        super().__init__()
        c = cfg["hidden_size"]
        self.heads = cfg["num_attention_heads"]
        self.head_dim = c // self.heads
        self.query = nn.Linear(c, c)
        self.key = nn.Linear(c, c)
        self.value = nn.Linear(c, c)

    def _split(self, x):
        b, t, _ = x.shape
        return x.view(b, t, self.heads, self.head_dim).permute(0, 2, 1, 3)

    def forward(self, h, ext_mask):
        q, k, v = self._split(self.query(h)), self._split(self.key(h)), self._split(self.value(h))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_dim) + ext_mask
        probs = torch.softmax(scores, dim=-1)
        ctx = torch.matmul(probs, v).permute(0, 2, 1, 3).contiguous()
        return ctx.view(h.shape), probs


class BertSelfOutput(nn.Module):
    def __init__(self, cfg: dict):
        super().__init__()
        self.dense = nn.Linear(cfg["hidden_size"], cfg["hidden_size"])
        self.LayerNorm = nn.LayerNorm(cfg["hidden_size"], eps=cfg["layer_norm_eps"])

    def forward(self, x, residual):
        return self.LayerNorm(self.dense(x) + residual)


class BertAttention(nn.Module):
    def __init__(self, cfg: dict):
        super().__init__()
        self.self = BertSelfAttention(cfg)
        self.output = BertSelfOutput(cfg)

    def forward(self, h, ext_mask):
        ctx, probs = self.self(h, ext_mask)
        return self.output(ctx, h), probs


class BertIntermediate(nn.Module):
    def __init__(self, cfg: dict):
        super().__init__()
        self.dense = nn.Linear(cfg["hidden_size"], cfg["intermediate_size"])

    def forward(self, x):
        return gelu_erf(self.dense(x))


class BertOutput(nn.Module):
    def __init__(self, cfg: dict):
        super().__init__()
        self.dense = nn.Linear(cfg["intermediate_size"], cfg["hidden_size"])
        self.LayerNorm = nn.LayerNorm(cfg["hidden_size"], eps=cfg["layer_norm_eps"])

    def forward(self, x, residual):
        return self.LayerNorm(self.dense(x) + residual)


class BertLayer(nn.Module):
    def __init__(self, cfg: dict):
        super().__init__()
        self.attention = BertAttention(cfg)
        self.intermediate = BertIntermediate(cfg)
        self.output = BertOutput(cfg)

    def forward(self, h, ext_mask):
        a, probs = self.attention(h, ext_mask)
        return self.output(self.intermediate(a), a), probs


class BertEncoder(nn.Module):
    def __init__(self, cfg: dict):
        super().__init__()
        self.layer = nn.ModuleList([BertLayer(cfg) for _ in range(cfg["num_hidden_layers"])])


class BertPooler(nn.Module):
    def __init__(self, cfg: dict):
        super().__init__()
        self.dense = nn.Linear(cfg["hidden_size"], cfg["hidden_size"])

    def forward(self, h):
        return torch.tanh(self.dense(h[:, 0]))


class BertModel(nn.Module):
    def __init__(self, cfg: dict, add_pooling_layer: bool):
        super().__init__()
        self.embeddings = BertEmbeddings(cfg)
        self.encoder = BertEncoder(cfg)
        self.pooler = BertPooler(cfg) if add_pooling_layer else None

    def forward(self, input_ids, attention_mask=None, token_type_ids=None):
        if attention_mask is None:
            attention_mask = torch.ones_like(input_ids)
        if token_type_ids is None:
            token_type_ids = torch.zeros_like(input_ids)
        h = self.embeddings(input_ids, token_type_ids)
        ext = _extended_mask(attention_mask)
        attentions = []
        for layer in self.encoder.layer:
            h, probs = layer(h, ext)
            attentions.append(probs)
        pooled = self.pooler(h) if self.pooler is not None else None
        return h, pooled, attentions


def _init_bert(module: nn.Module, std: float) -> None:
    """transformers BertPreTrainedModel._init_weights: N(0, 0.02) weights, zero biases, unit LayerNorm."""
    for m in module.modules():
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, 0.0, std)
            nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Embedding):
            nn.init.normal_(m.weight, 0.0, std)
            if m.padding_idx is not None:
                with torch.no_grad():
                    m.weight[m.padding_idx].zero_()
        elif isinstance(m, nn.LayerNorm):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)


class BertPredictionHeadTransform(nn.Module):
    def __init__(self, cfg: dict):
        super().__init__()
        self.dense = nn.Linear(cfg["hidden_size"], cfg["hidden_size"])
        self.LayerNorm = nn.LayerNorm(cfg["hidden_size"], eps=cfg["layer_norm_eps"])

    def forward(self, x):
        return self.LayerNorm(gelu_erf(self.dense(x)))


class BertLMPredictionHead(nn.Module):
    def __init__(self, cfg: dict):
        super().__init__()
        self.transform = BertPredictionHeadTransform(cfg)
        self.bias = nn.Parameter(torch.zeros(cfg["vocab_size"]))


class BertOnlyMLMHead(nn.Module):
    def __init__(self, cfg: dict):
        super().__init__()
        self.predictions = BertLMPredictionHead(cfg)


class BertForMaskedLM(nn.Module):
    """Decoder weight = bert.embeddings.word_embeddings.weight and decoder bias = cls.predictions.bias
    (tied, so save_pretrained stores neither `cls.predictions.decoder.*`)."""

    def __init__(self, cfg: dict):
        super().__init__()
        self.bert = BertModel(cfg, add_pooling_layer=False)
        self.cls = BertOnlyMLMHead(cfg)
        _init_bert(self, cfg["initializer_range"])

    def forward(self, input_ids, attention_mask=None, token_type_ids=None):
        h, _, attentions = self.bert(input_ids, attention_mask, token_type_ids)
        t = self.cls.predictions.transform(h)
        logits = t @ self.bert.embeddings.word_embeddings.weight.T + self.cls.predictions.bias
        return logits, attentions


class BertForSequenceClassification(nn.Module):
    def __init__(self, cfg: dict):
        super().__init__()
        self.bert = BertModel(cfg, add_pooling_layer=True)
        self.classifier = nn.Linear(cfg["hidden_size"], cfg["num_labels"])
        _init_bert(self, cfg["initializer_range"])

    def forward(self, input_ids, attention_mask=None, token_type_ids=None):
        _, pooled, attentions = self.bert(input_ids, attention_mask, token_type_ids)
        return self.classifier(pooled), attentions


# ---------------------------------------------------------------- GPT-2

class Conv1D(nn.Module):
    """transformers pytorch_utils.Conv1D: y = x W + b with W stored (in, out)."""

    def __init__(self, n_out: int, n_in: int):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(n_in, n_out))
        self.bias = nn.Parameter(torch.zeros(n_out))

    def forward(self, x):
        return torch.addmm(self.bias, x.reshape(-1, x.shape[-1]), self.weight).view(*x.shape[:-1], -1)


class GPT2Attention(nn.Module):
    def __init__(self, cfg: dict):
        super().__init__()
        c = cfg["n_embd"]
        self.heads = cfg["n_head"]
        self.head_dim = c // self.heads
        self.c_attn = Conv1D(3 * c, c)
        self.c_proj = Conv1D(c, c)

    def _split(self, x):
        b, t, _ = x.shape
        return x.view(b, t, self.heads, self.head_dim).permute(0, 2, 1, 3)

    def forward(self, h):
        t = h.shape[1]
        q, k, v = self.c_attn(h).split(h.shape[-1], dim=2)
        q, k, v = self._split(q), self._split(k), self._split(v)
        # scale_attn_weights: divide by sqrt(head_dim); causal positions filled with float32 min
        # (GPT2Attention._attn), then softmax.
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_dim)
        causal = torch.tril(torch.ones(t, t, dtype=torch.bool, device=h.device))
        scores = torch.where(causal, scores, torch.tensor(torch.finfo(scores.dtype).min, dtype=scores.dtype))
        probs = torch.softmax(scores, dim=-1)
        ctx = torch.matmul(probs, v).permute(0, 2, 1, 3).contiguous().view(h.shape)
        return self.c_proj(ctx), probs


class GPT2MLP(nn.Module):
    def __init__(self, cfg: dict):
        super().__init__()
        self.c_fc = Conv1D(cfg["n_inner"], cfg["n_embd"])
        self.c_proj = Conv1D(cfg["n_embd"], cfg["n_inner"])

    def forward(self, x):
        return self.c_proj(gelu_new(self.c_fc(x)))


class GPT2Block(nn.Module):
    def __init__(self, cfg: dict):
        super().__init__()
        eps = cfg["layer_norm_epsilon"]
        self.ln_1 = nn.LayerNorm(cfg["n_embd"], eps=eps)
        self.attn = GPT2Attention(cfg)
        self.ln_2 = nn.LayerNorm(cfg["n_embd"], eps=eps)
        self.mlp = GPT2MLP(cfg)

    def forward(self, h):
        a, probs = self.attn(self.ln_1(h))
        h = h + a
        return h + self.mlp(self.ln_2(h)), probs


class GPT2Model(nn.Module):
    def __init__(self, cfg: dict):
        super().__init__()
        self.wte = nn.Embedding(cfg["vocab_size"], cfg["n_embd"])
        self.wpe = nn.Embedding(cfg["n_positions"], cfg["n_embd"])
        self.h = nn.ModuleList([GPT2Block(cfg) for _ in range(cfg["n_layer"])])
        self.ln_f = nn.LayerNorm(cfg["n_embd"], eps=cfg["layer_norm_epsilon"])

    def forward(self, input_ids):
        t = input_ids.shape[1]
        h = self.wte(input_ids) + self.wpe(torch.arange(t, device=input_ids.device)[None, :])
        attentions = []
        for block in self.h:
            h, probs = block(h)
            attentions.append(probs)
        return self.ln_f(h), attentions


class GPT2LMHeadModel(nn.Module):
    """lm_head.weight is tied to transformer.wte.weight (tie_word_embeddings), so not stored."""

    def __init__(self, cfg: dict):
        super().__init__()
        self.transformer = GPT2Model(cfg)
        std = cfg["initializer_range"]
        for m in self.modules():
            if isinstance(m, (Conv1D, nn.Embedding)):
                nn.init.normal_(m.weight, 0.0, std)
            elif isinstance(m, nn.LayerNorm):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
        # GPT2PreTrainedModel._init_weights: residual projections scaled by 1/sqrt(2·n_layer).
        for name, p in self.named_parameters():
            if name.endswith("c_proj.weight"):
                nn.init.normal_(p, 0.0, std / math.sqrt(2 * cfg["n_layer"]))

    def forward(self, input_ids):
        h, attentions = self.transformer(input_ids)
        return h @ self.transformer.wte.weight.T, attentions
