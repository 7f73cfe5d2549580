"""Writes tests/goldens/methods/*.json: ALTI, GlobEnc and value zeroing as the AUTHORS' code computes
them, on the tiny golden encoders (../shared/golden/hf, tests/goldens/encoders) and the demo BERT
models (models/demo).

The authors' code is written for given module trees: ALTI's (hook-based) for the paths in its
config.yaml, GlobEnc's and value zeroing's for their own modified copies of modeling_bert.py. Two
run-time shims let it run on the other post-norm encoders without changing what it computes:
  * config entries: ALTI's config gains entries for xlm-roberta, electra and deberta-v2 naming the
    same kinds of modules (value projection, output dense, the two LayerNorms) at those models' paths;
  * bertify(): a family whose layer is BERT's layer under other names (RoBERTa, XLM-R, ELECTRA,
    DistilBERT, ALBERT — whose shared layer is copied into every layer it serves) is loaded into the
    BERT class the authors' code uses (their GlobEnc/value-zeroing BertModel, or transformers' own
    BertModel for ALTI's hooks), with the family's own embedding module (and projection) feeding
    the first layer; every hidden state is checked against the family's transformers model (1e-5).
DeBERTa-v2's disentangled attention is not BERT's, so GlobEnc's and value zeroing's code cannot run
on it; make_definitions.py (beside this file) applies their definitions to transformers' DeBERTa
modules instead (docs/methods.md says which golden comes from which).

The authors' repositories are run read-only from a local checkout; nothing of theirs is copied here.
Only run-time shims live in this file (missing third-party modules, a model wrapper exposing the
attribute path the authors' config expects, and the command-line/data plumbing of their scripts).

  . /tmp/hf-reference/env.sh
  /usr/bin/python3 tests/goldens/methods/make_goldens.py \
      --alti  /path/to/mt-upc/transformer-contributions \
      --globenc /path/to/mohsenfayyaz/GlobEnc \
      --vz /path/to/hmohebbi/ValueZeroing

Repositories (fetched at the commits recorded in the output's "sources"):
  https://github.com/mt-upc/transformer-contributions  (Ferrando et al. 2022, ALTI)
  https://github.com/mohsenfayyaz/GlobEnc             (Modarressi et al. 2022)
  https://github.com/hmohebbi/ValueZeroing            (Mohebbi et al. 2023)
"""
import argparse, importlib, json, os, subprocess, sys, types

import numpy as np
import torch
import yaml
import importlib.machinery
import transformers  # noqa: F401  (imported before any stub so its package probing sees the real environment)
from transformers import AutoModel

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
OUT = os.path.dirname(os.path.abspath(__file__))

CASES = [
    # name, model dir relative to the repository root, class family, how to get ids
    ("bert", "../shared/golden/hf/bert", "bert"),
    ("roberta", "../shared/golden/hf/roberta", "roberta"),
    ("distilbert", "../shared/golden/hf/distilbert", "distilbert"),
    ("xlm-roberta", "tests/goldens/encoders/xlm_roberta", "xlm-roberta"),
    ("electra", "tests/goldens/encoders/electra", "electra"),
    ("albert", "tests/goldens/encoders/albert", "albert"),
    ("deberta-v2", "tests/goldens/encoders/deberta_v2", "deberta-v2"),
    ("deberta-v2-variant", "tests/goldens/encoders/deberta_v2_variant", "deberta-v2"),
    ("demo-bert-finetuned", "models/demo/bert-finetuned", "bert"),
    ("demo-bert-pretrained", "models/demo/bert-pretrained", "bert"),
]
DEMO_SENTENCE = "the farmer with the student laughed"


def ids_for(name, path):
    if name.startswith("demo"):
        tok = json.load(open(os.path.join(path, "tokenizer.json")))
        vocab = tok["model"]["vocab"]
        return [vocab["[CLS]"]] + [vocab[w] for w in DEMO_SENTENCE.split()] + [vocab["[SEP]"]]
    from safetensors.torch import load_file  # noqa
    ref = load_file(os.path.join(path, "reference", "single.safetensors"))
    return [int(i) for i in ref["input.input_ids"].reshape(-1)]


class _Permissive(types.ModuleType):
    """A stand-in for a package the reference code imports but never needs for the numbers."""
    def __getattr__(self, attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        from unittest import mock
        return mock.MagicMock(name=f"{self.__name__}.{attr}")


def stub(name, **attrs):
    m = _Permissive(name)
    m.__dict__.update(attrs)
    m.__spec__ = importlib.machinery.ModuleSpec(name, None)
    sys.modules[name] = m
    return m


def commit_of(repo):
    try:
        return subprocess.check_output(["git", "-C", repo, "rev-parse", "HEAD"], text=True, stderr=subprocess.DEVNULL).strip()
    except Exception:
        return None


# ---------------------------------------------------------------- the BERT-shaped families as BERT
# Per family: where its layers' weights lie, relative to one BERT layer's names.
_ALBERT_LAYER = {"attention.self.query": "attention.query", "attention.self.key": "attention.key",
                 "attention.self.value": "attention.value", "attention.output.dense": "attention.dense",
                 "attention.output.LayerNorm": "attention.LayerNorm", "intermediate.dense": "ffn",
                 "output.dense": "ffn_output", "output.LayerNorm": "full_layer_layer_norm"}
_DISTILBERT_LAYER = {"attention.self.query": "attention.q_lin", "attention.self.key": "attention.k_lin",
                     "attention.self.value": "attention.v_lin", "attention.output.dense": "attention.out_lin",
                     "attention.output.LayerNorm": "sa_layer_norm", "intermediate.dense": "ffn.lin1",
                     "output.dense": "ffn.lin2", "output.LayerNorm": "output_layer_norm"}


class _FamilyEmbeddings(torch.nn.Module):
    """The family's own embedding output (and projection to the hidden size), in the place of BERT's
    embeddings: BertModel calls it with BERT's keyword arguments."""
    def __init__(self, real, family):
        super().__init__()
        self.real, self.family = real, family

    def forward(self, input_ids=None, position_ids=None, token_type_ids=None, inputs_embeds=None, past_key_values_length=0):
        r = self.real
        if self.family == "distilbert":
            return r.embeddings(input_ids)
        e = r.embeddings(input_ids=input_ids, token_type_ids=token_type_ids)
        if self.family == "electra" and hasattr(r, "embeddings_project"):
            e = r.embeddings_project(e)
        if self.family == "albert":
            e = r.encoder.embedding_hidden_mapping_in(e)
        return e


def bert_config_of(real):
    from transformers import BertConfig
    c = real.config
    if c.model_type == "distilbert":
        return BertConfig(vocab_size=c.vocab_size, hidden_size=c.dim, num_hidden_layers=c.n_layers, num_attention_heads=c.n_heads,
                          intermediate_size=c.hidden_dim, hidden_act=c.activation, layer_norm_eps=1e-12,
                          max_position_embeddings=c.max_position_embeddings)
    return BertConfig(vocab_size=c.vocab_size, hidden_size=c.hidden_size, num_hidden_layers=c.num_hidden_layers,
                      num_attention_heads=c.num_attention_heads, intermediate_size=c.intermediate_size, hidden_act=c.hidden_act,
                      layer_norm_eps=c.layer_norm_eps, max_position_embeddings=c.max_position_embeddings)


def bertify(path, family, bert_class):
    """An instance of bert_class (a BertModel, or a class with a .bert BertModel) computing exactly the
    family's transformers model: its layer weights under BERT's names, its embeddings in front."""
    real = AutoModel.from_pretrained(path, attn_implementation="eager").eval()
    config = bert_config_of(real)
    model = bert_class(config).eval()
    body = model.bert if hasattr(model, "bert") else model
    source = real.state_dict()
    target = {}
    for l in range(config.num_hidden_layers):
        for name in body.encoder.layer[l].state_dict():
            module, leaf = name.rsplit(".", 1)
            if family in ("bert", "roberta", "xlm-roberta", "electra"):
                src = f"encoder.layer.{l}.{name}"
            elif family == "albert":
                group = int(l / (real.config.num_hidden_layers / real.config.num_hidden_groups))
                src = f"encoder.albert_layer_groups.{group}.albert_layers.0.{_ALBERT_LAYER[module]}.{leaf}"
            elif family == "distilbert":
                src = f"transformer.layer.{l}.{_DISTILBERT_LAYER[module]}.{leaf}"
            target[f"encoder.layer.{l}.{name}"] = source[src]
    missing, _ = body.load_state_dict(target, strict=False)
    assert not [k for k in missing if k.startswith("encoder.")], missing
    body.embeddings = _FamilyEmbeddings(real, family)
    return model, real


def check_same_states(bert_body, real, ids):
    batch = {"input_ids": torch.tensor([ids]), "attention_mask": torch.ones(1, len(ids), dtype=torch.long)}
    with torch.no_grad():
        a = real(**batch, output_hidden_states=True).hidden_states
        b = bert_body(**batch, output_hidden_states=True, return_dict=True).hidden_states
    worst = max(float((x - y).abs().max()) for x, y in zip(a, b))
    assert worst < 1e-5, f"bertified model differs from transformers' by {worst}"


# ---------------------------------------------------------------- ALTI (transformer-contributions)
def alti(repo, cases):
    # Shims: pyaml_env.parse_config reads their config.yaml; captum (used by their other methods) is absent.
    def parse_config(p):
        config = yaml.safe_load(open(os.path.join(repo, p)))
        models = config["models"]
        # Config shim: the same modules at the paths of the families their config does not list.
        models["xlm-roberta"] = dict(models["roberta"])
        models["electra"] = dict(models["bert"], layer="electra.encoder.layer")
        models["deberta-v2"] = dict(models["bert"], layer="deberta.encoder.layer", values="attention.self.value_proj")
        return config
    stub("pyaml_env", parse_config=parse_config)
    class _Dummy:  # noqa
        def __init__(self, *a, **k): pass
    stub("captum"); stub("captum.attr", IntegratedGradients=_Dummy, Saliency=_Dummy, InputXGradient=_Dummy,
                          InterpretableEmbeddingBase=_Dummy, TokenReferenceBase=_Dummy)
    # Their utilities import plotting, notebook and dataset packages that the contribution code never calls.
    for absent in ("matplotlib", "matplotlib.pyplot", "pandas", "datasets", "ipywidgets", "dotenv"):
        if absent not in sys.modules:
            stub(absent)
    sys.modules["datasets"].load_dataset = None
    sys.modules["ipywidgets"].IntProgress = None
    sys.modules["dotenv"].load_dotenv = lambda *a, **k: None
    sys.modules["captum.attr"].visualization = None
    sys.path.insert(0, repo)
    cwd = os.getcwd(); os.chdir(repo)
    try:
        contributions = importlib.import_module("src.contributions")
        utils = importlib.import_module("src.utils_contributions")
    finally:
        os.chdir(cwd)
    from transformers import AutoModel

    class Wrapped(torch.nn.Module):
        """Exposes a bare encoder under the attribute their config names (bert./roberta./distilbert.)
        and returns the dict their wrapper reads; 'logits' is unused by the contributions."""
        def __init__(self, inner, attr):
            super().__init__()
            setattr(self, attr, inner)
            self.attr = attr
            self.config = inner.config
        def forward(self, **kw):
            out = getattr(self, self.attr)(**kw)
            return {"logits": out.last_hidden_state, "hidden_states": out.hidden_states, "attentions": out.attentions}

    result = {}
    for name, rel, family in cases:
        path = os.path.join(ROOT, rel)
        ids = ids_for(name, path)
        if family == "albert":
            # ALBERT's layer is BERT's under other names, shared by several layers: their hooks key
            # captures by module name, so each layer gets its own (identical) BERT module.
            from transformers import BertModel
            inner, real = bertify(path, family, BertModel)
            check_same_states(inner, real, ids)
            family = "bert"
        else:
            inner = AutoModel.from_pretrained(path, attn_implementation="eager").eval()
        model = Wrapped(inner, {"xlm-roberta": "roberta", "deberta-v2": "deberta"}.get(family, family))
        batch = {"input_ids": torch.tensor([ids]), "attention_mask": torch.ones(1, len(ids), dtype=torch.long)}
        _, _, _, data = contributions.ModelWrapper(model)(batch)
        # As their attributions.py does for 'ours': min_sum with the L1 norm of the resultants, then rollout.
        resultant_norm = torch.norm(torch.squeeze(data["resultants"]), p=1, dim=-1)
        normalized = utils.normalize_contributions(data["contributions"], scaling="min_sum", resultant_norm=resultant_norm)
        joint = utils.compute_joint_attention(normalized)
        result[name] = {"model": rel, "ids": ids,
                        "layers": normalized.numpy().astype(float).tolist(),
                        "rollout": joint.numpy().astype(float).tolist()}
        print("alti", name, joint.shape)
    return result


# ---------------------------------------------------------------- GlobEnc
def globenc(repo, cases):
    sys.path.insert(0, os.path.join(repo, "src", "modeling"))
    modeling = importlib.import_module("modeling_bert")
    result = {}
    for name, rel, family in cases:
        if family == "deberta-v2":
            continue  # disentangled attention: their modified BERT cannot run it (make_definitions.py)
        path = os.path.join(ROOT, rel)
        ids = ids_for(name, path)
        if family == "bert":
            model = modeling.BertModel.from_pretrained(path).eval()
        else:
            model, real = bertify(path, family, modeling.BertModel)
            check_same_states(model, real, ids)
        with torch.no_grad():
            out = model(torch.tensor([ids]), attention_mask=torch.ones(1, len(ids), dtype=torch.long),
                        output_globenc=True, return_dict=False)
        g = out[-1][0]  # (T, T): rows = positions, product of the per-layer norms over all layers
        result[name] = {"model": rel, "ids": ids, "rollout": g.numpy().astype(float).tolist()}
        print("globenc", name, tuple(g.shape))
    return result


# ---------------------------------------------------------------- value zeroing (their scoring script)
def value_zeroing(repo, cases):
    def cosine_distances(x, y):  # scikit-learn's definition: 1 − cos, clipped to [0, 2]
        x = np.asarray(x, dtype=np.float64); y = np.asarray(y, dtype=np.float64)
        xn = x / np.linalg.norm(x, axis=1, keepdims=True); yn = y / np.linalg.norm(y, axis=1, keepdims=True)
        return np.clip(1 - xn @ yn.T, 0, 2)
    stub("sklearn"); stub("sklearn.metrics"); stub("sklearn.metrics.pairwise", cosine_distances=cosine_distances)
    class _Bar:
        def __init__(self, *a, **k): pass
        def update(self, *a): pass
    stub("tqdm"); stub("tqdm.auto", tqdm=lambda *a, **k: _Bar())
    source = open(os.path.join(repo, "scoring", "value_zeroing.py")).read()
    result = {}
    sys.path.insert(0, repo)
    customized = importlib.import_module("modeling.customized_modeling_bert")
    their_mlm = customized.BertForMaskedLM
    for name, rel, family in cases:
        if family == "deberta-v2":
            continue  # disentangled attention: their customized BERT cannot run it (make_definitions.py)
        path = os.path.join(ROOT, rel)
        ids = ids_for(name, path)
        if family == "bert":
            customized.BertForMaskedLM = their_mlm
        else:
            # Their script calls BertForMaskedLM.from_pretrained(path, config=...); the shim hands it
            # their class with the family's weights (bertify) instead.
            bertified, real = bertify(path, family, their_mlm)
            check_same_states(bertified.bert, real, ids)
            customized.BertForMaskedLM = types.SimpleNamespace(from_pretrained=lambda *a, _m=bertified, **k: _m)

        class _Split:
            def shuffle(self, seed): return self
        class _Data(dict):
            pass
        def preprocess(data, tokenizer, max_length=None, input_masking=False, mlm=False):
            return [{"input_ids": torch.tensor(ids), "attention_mask": torch.ones(len(ids), dtype=torch.long)}]
        stub("datasets", load_from_disk=lambda p: _Data(test=_Split()))
        stub("utils"); stub("utils.utils", PREPROCESS_FUNC={"NA": preprocess}, MODEL_PATH={"bert": path},
                             NUM_LABELS={"NA": 2}, BLIMP_TASKS=["NA"])
        # --MLM --FIXED: their script loads the checkpoint with from_pretrained and no further state dict.
        sys.argv = ["value_zeroing.py", "--TASK", "NA", "--SPLIT", "test", "--MODEL_NAME", "bert",
                    "--CHECKPOINT", "full", "--METRIC", "cosine", "--MLM", "--FIXED"]
        scope = {"__name__": "value_zeroing_run", "__file__": os.path.join(repo, "scoring", "value_zeroing.py")}
        sys.modules["value_zeroing_run"] = types.ModuleType("value_zeroing_run")
        sys.modules["value_zeroing_run"].__file__ = scope["__file__"]
        # The demo folders carry only tokenizer.json (fast tokenizers are absent here); the ids are given directly.
        original = transformers.AutoTokenizer.from_pretrained
        transformers.AutoTokenizer.from_pretrained = lambda *a, **k: None
        try:
            exec(compile(source, scope["__file__"], "exec"), scope)
        finally:
            transformers.AutoTokenizer.from_pretrained = original
        layers = scope["all_valuezeroing_scores"][0]
        joint = scope["all_rollout_valuezeroing_scores"][0]
        # The per-layer matrices of the families added later are left out (the tests read the
        # rollout, which holds every layer's rows; keeps the golden small).
        result[name] = {"model": rel, "ids": ids, "rollout": joint.tolist()}
        if family == "bert":
            result[name]["layers"] = layers.tolist()
        print("valueZeroing", name, joint.shape)
    return result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--alti", required=True)
    ap.add_argument("--globenc", required=True)
    ap.add_argument("--vz", required=True)
    ap.add_argument("--commits", default="", help="method=sha,... when the checkouts are not git work trees")
    a = ap.parse_args()
    given = dict(kv.split("=", 1) for kv in a.commits.split(",") if "=" in kv)
    torch.manual_seed(0)
    sources = {"alti": "mt-upc/transformer-contributions", "globenc": "mohsenfayyaz/GlobEnc", "valueZeroing": "hmohebbi/ValueZeroing"}
    for method, fn, repo in (("alti", alti, a.alti), ("globenc", globenc, a.globenc), ("valueZeroing", value_zeroing, a.vz)):
        cases = fn(repo, CASES)
        doc = {"method": method, "source": sources[method], "commit": given.get(method) or commit_of(repo),
               "generator": "tests/goldens/methods/make_goldens.py", "torch": torch.__version__,
               "cases": cases}
        with open(os.path.join(OUT, f"{method}.json"), "w") as f:
            json.dump(doc, f, indent=None, separators=(",", ":"))
            f.write("\n")


if __name__ == "__main__":
    main()
