"""Writes tests/goldens/methods/valueZeroing.decoders.json: value zeroing on the tiny decoders as
inseq computes it (inseq-team/inseq, inseq/attr/feat/ops/value_zeroing.py, Mohebbi et al. 2023
extended to decoder-only models): for every layer and token j, token j's value vectors are zeroed in
every head of that layer (the hook replaces the attention module's value tensor after its last
assignment), each block's input is the clean previous state, and the score of position i is
1 − cos(corrupted, clean) of its block output (the last block's output read through the model's final
norm, as transformers' last hidden state), kept for i ≥ j only (causal mask), scores below 1e-5 set to
0, each row normalised over j. Output per case: the per-layer (T × T) matrices, rows i, columns j,
null where i < j: "layers" as inseq computes them (its cosine in float32), "layersFloat64Cosine" the same
run with the cosine evaluated in float64 (see float64_cosine).

inseq is run read-only from a local checkout; nothing of its code is copied here. Run-time shims only:
  * stub modules for captum (imported for a typing alias and the Attribution base class) and
    jaxtyping (type annotations), neither of which Debian's torch environment has;
  * inseq's packages are entered without running their __init__.py files (which import all of inseq:
    datasets, captum's attribution methods, ...); inseq.utils is a namespace exposing the four helpers
    value_zeroing.py imports, taken from inseq's own utils/hooks.py and utils/torch_utils.py;
  * a model wrapper with the attributes ValueZeroing reads from inseq's HuggingfaceDecoderOnlyModel
    (get_decoder, config.self_attention_module / value_vector from inseq's model_config.yaml,
    forward_with_output, get_hidden_states_dict — hidden states stacked on dim 1, as inseq does).

  . /tmp/hf-reference/env.sh
  /usr/bin/python3 tests/goldens/methods/make_value_zeroing_decoders.py --inseq /path/to/inseq-team/inseq

Repository: https://github.com/inseq-team/inseq (commit recorded in the output).
"""
import argparse, importlib, json, os, subprocess, sys, types

import torch
import yaml
import transformers
from safetensors.torch import load_file
from transformers import AutoModelForCausalLM

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))


class _Subscriptable:
    def __class_getitem__(cls, item):
        return cls


def install_shims(inseq_root):
    def module(name, **attrs):
        m = types.ModuleType(name)
        m.__dict__.update(attrs)
        sys.modules[name] = m
        return m

    module("captum")
    module("captum._utils")
    module("captum._utils.typing", TensorOrTupleOfTensorsGeneric=object)
    module("captum.attr")
    module("captum.attr._utils")
    module("captum.attr._utils.attribution", Attribution=type("Attribution", (), {}))
    module("jaxtyping", **{n: _Subscriptable for n in ["Float", "Float32", "Int64", "Int", "Num"]})
    # Packages entered without their __init__ (the real files are found through __path__).
    for pkg, rel in [("inseq", ""), ("inseq.utils", "utils"), ("inseq.attr", "attr"), ("inseq.attr.feat", "attr/feat"),
                     ("inseq.attr.feat.ops", "attr/feat/ops")]:
        m = module(pkg)
        m.__path__ = [os.path.join(inseq_root, "inseq", rel)]
    utils = sys.modules["inseq.utils"]
    hooks = importlib.import_module("inseq.utils.hooks")
    torch_utils = importlib.import_module("inseq.utils.torch_utils")
    utils.get_post_variable_assignment_hook = hooks.get_post_variable_assignment_hook
    for name in ["find_block_stack", "recursive_get_submodule", "validate_indices"]:
        setattr(utils, name, getattr(torch_utils, name))
    return importlib.import_module("inseq.attr.feat.ops.value_zeroing")


class InseqLikeModel:
    """The attributes of inseq's HuggingfaceDecoderOnlyModel that ValueZeroing uses."""

    def __init__(self, model, model_config):
        self.model = model
        self.is_encoder_decoder = False
        entry = model_config[type(model).__name__]
        self.config = types.SimpleNamespace(self_attention_module=entry["self_attention_module"], value_vector=entry["value_vector"])

    def get_decoder(self):
        # As inseq's DecoderOnlyAttributionModel: the whole model, whose first ModuleList is the block stack.
        return self.model

    def forward_with_output(self, input_ids, attention_mask, output_hidden_states=True):
        return self.model(input_ids=input_ids, attention_mask=attention_mask, output_hidden_states=output_hidden_states)

    @staticmethod
    def get_hidden_states_dict(output):
        return {"decoder_hidden_states": torch.stack(output.hidden_states, dim=1)}


def float64_cosine(x, y):
    """inseq's cosine metric (torch.nn.CosineSimilarity(dim=-1)) evaluated in float64: inseq casts both
    states to float32 first, whose rounding of 1 − cos reaches ~2e-5 after normalisation on rows of
    small distances. Only the precision changes; "layers" keeps inseq's own float32 result."""
    return torch.nn.CosineSimilarity(dim=-1)(x.double(), y.double())


def ref_ids(path, case):
    return [int(i) for i in load_file(os.path.join(path, "reference", case + ".safetensors"))["input.input_ids"].reshape(-1)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--inseq", required=True, help="checkout of inseq-team/inseq")
    ap.add_argument("--only", nargs="*", help="regenerate only these cases, keeping the file's other entries as they are")
    args = ap.parse_args()
    vz_module = install_shims(args.inseq)
    model_config = yaml.safe_load(open(os.path.join(args.inseq, "inseq", "models", "model_config.yaml")))
    try:
        commit = subprocess.check_output(["git", "-C", args.inseq, "rev-parse", "HEAD"], text=True, stderr=subprocess.DEVNULL).strip()
    except Exception:
        commit = os.environ.get("INSEQ_COMMIT", "unknown")
    # inseq's model_config.yaml has no Olmo2ForCausalLM entry; OLMo 2's attention names its modules and
    # value tensor as OLMo's (self_attn, value_states), so it gets OLMo's entry.
    model_config.setdefault("Olmo2ForCausalLM", model_config["OlmoForCausalLM"])
    specs = [("gpt2", "../shared/golden/hf/gpt2"), ("llama", "../shared/golden/hf/llama")]
    specs += [(d, "tests/goldens/decoders/" + d) for d in
              ["mistral", "qwen2", "gpt_neox", "gpt_neox_sequential", "phi", "phi3", "gemma", "olmo2"]]
    # OPT: pre-norm (opt) and post-norm (opt_qa, do_layer_norm_before = false, no final norm), loaded as
    # OPTForCausalLM (the class inseq's model_config.yaml names; the QA checkpoint's body is the same).
    # inseq compares the last layer on the last hidden state: after final_layer_norm where there is one.
    # Not the OPT checkpoints with project_in/project_out (opt_seqcls, opt_post_ln_proj: word_embed_proj_dim
    # != hidden_size): inseq's get_hidden_states_dict stacks all hidden states, and the last one is
    # word_embed_proj_dim wide, so inseq stops with a size mismatch there: no reference.
    specs += [(d, "tests/goldens/decoders/" + d) for d in ["opt", "opt_qa"]]
    out_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "valueZeroing.decoders.json")
    if args.only:
        specs = [s for s in specs if s[0] in args.only]
    # Not Gemma 2: inseq hooks the line after the last one its assignment regex matches, and in
    # transformers 4.48's Gemma2Attention.forward that is the attention call's keyword-argument line
    # ("self, query_states, key_states, value_states, attention_mask, output_attentions=..."), so the
    # value is zeroed after attention has used it and every score comes out 0: no reference there.
    cases = json.load(open(out_path))["cases"] if args.only else {}
    for name, rel in specs:
        path = os.path.join(ROOT, rel)
        model = AutoModelForCausalLM.from_pretrained(path, attn_implementation="eager").eval()
        # Gemma 2's default HybridCache needs torch._dynamo, which Debian's torch 1.13 lacks.
        model.config.use_cache = False
        ids = ref_ids(path, "single")
        input_ids = torch.tensor([ids])
        mask = torch.ones_like(input_ids)
        wrapper = InseqLikeModel(model, model_config)
        with torch.no_grad():
            clean = wrapper.forward_with_output(input_ids, mask)
        hidden = wrapper.get_hidden_states_dict(clean)["decoder_hidden_states"]
        case = {"model": rel, "modelClass": type(model).__name__, "ids": ids}
        for key, cosine in [("layers", None), ("layersFloat64Cosine", float64_cosine)]:
            vz = vz_module.ValueZeroing(wrapper)
            if cosine is not None:
                # Instance-level override of the metric table: the same cosine similarity, in float64.
                vz.SIMILARITY_METRICS = dict(vz_module.ValueZeroing.SIMILARITY_METRICS, cosine=cosine)
            (scores,) = vz.attribute(inputs=(input_ids,), additional_forward_args=(mask,), decoder_hidden_states=hidden)
            # inseq returns [batch, attributed j, generated i, layer]; stored as layer × i × j.
            s = scores[0].permute(2, 1, 0).double()
            case[key] = [[[None if torch.isnan(v) else float(v) for v in row] for row in layer] for layer in s]
        cases[name] = case
        print(name, len(ids), "layers", len(case["layers"]))
    doc = {"method": "valueZeroing", "source": "inseq-team/inseq", "commit": commit,
           "file": "inseq/attr/feat/ops/value_zeroing.py",
           "generator": "tests/goldens/methods/make_value_zeroing_decoders.py",
           "transformers": transformers.__version__, "torch": torch.__version__, "cases": cases}
    with open(out_path, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
