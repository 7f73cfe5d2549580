"""Writes tests/goldens/methods/*.json: ALTI, GlobEnc and value zeroing as the AUTHORS' code computes
them, on the tiny golden encoders (../shared/golden/hf) and the demo BERT models (models/demo).

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


# ---------------------------------------------------------------- ALTI (transformer-contributions)
def alti(repo, cases):
    # Shims: pyaml_env.parse_config reads their config.yaml; captum (used by their other methods) is absent.
    stub("pyaml_env", parse_config=lambda p: yaml.safe_load(open(os.path.join(repo, p))))
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
        inner = AutoModel.from_pretrained(path, attn_implementation="eager").eval()
        model = Wrapped(inner, family)
        ids = ids_for(name, path)
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
        if family != "bert":
            continue  # their modified modeling file covers BERT (and ELECTRA) only
        path = os.path.join(ROOT, rel)
        model = modeling.BertModel.from_pretrained(path).eval()
        ids = ids_for(name, path)
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
    sys.path.insert(0, repo)
    source = open(os.path.join(repo, "scoring", "value_zeroing.py")).read()
    result = {}
    for name, rel, family in cases:
        if family != "bert":
            continue  # their customized modeling file is BERT's
        path = os.path.join(ROOT, rel)
        ids = ids_for(name, path)

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
        result[name] = {"model": rel, "ids": ids, "layers": layers.tolist(), "rollout": joint.tolist()}
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
