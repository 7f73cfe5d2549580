using System.CommandLine;
using AttentionLens.Checkpoints;
using AttentionLens.Models;
using AttentionLens.Tokenizers;

namespace AttentionLens.Server.Cli;

/// <summary>
/// `attention-lens forward --model DIR (--ids 1,2,3 [--token-type-ids 0,0,1] | --text "...") --out FILE.safetensors`:
/// runs a checkpoint's forward pass and writes input_ids (I64 [T]), attentions (F32 [L,H,T,T]),
/// hidden_states (F32 [L+1,T,C]) and the head's outputs under transformers' names (<see cref="HeadOutputTensors"/>):
/// logits (F32 [T,V] LM, [num_labels] sequence classification, [T,num_labels] token classification),
/// start_logits / end_logits (F32 [T]) for QA. With <c>--grad-target N [--grad-token ID | --grad-contrast A,B]
/// [--grad-qa-end]</c> it also runs the backward pass (<see cref="IDifferentiableModel"/>) and adds
/// grad_inputs_embeds (F32 [T,C]) and grad_attentions (F32 [L,H,T,T]) of the chosen logit at position N
/// (default: the predicted token or label there; for classifiers the ids are labels), see <see cref="GradientTensors"/>.
/// </summary>
internal static class ForwardCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Checkpoint folder (config.json + weights) or a hub id in the local Hugging Face cache.", Required = true };
        var ids = new Option<string?>("--ids") { Description = "Comma-separated input ids, e.g. 1,2,3." };
        var typeIds = new Option<string?>("--token-type-ids") { Description = "Comma-separated token type ids (with --ids), e.g. 0,0,1." };
        var text = new Option<string?>("--text") { Description = "Text to tokenize with the checkpoint's tokenizer (instead of --ids)." };
        var output = new Option<string>("--out") { Description = "Output .safetensors file.", Required = true };
        var gradTarget = new Option<int?>("--grad-target") { Description = "Also write grad_inputs_embeds and grad_attentions of a logit at this position (0-based)." };
        var gradToken = new Option<int?>("--grad-token") { Description = "The logit's token id (a label for classifiers); default: the predicted one at --grad-target." };
        var gradContrast = new Option<string?>("--grad-contrast") { Description = "A,B: differentiate logit A minus logit B (why A rather than B)." };
        var gradQaEnd = new Option<bool>("--grad-qa-end") { Description = "QA heads: the end logit at --grad-target instead of the start logit." };
        var command = new Command("forward", "Run a model's forward pass and write its tensors.");
        foreach (var option in new Option[] { model, ids, typeIds, text, output, gradTarget, gradToken, gradContrast, gradQaEnd }) command.Options.Add(option);
        command.SetAction(parseResult =>
        {
            var gradient = parseResult.GetValue(gradTarget) is int position
                ? new GradientRequest(position, parseResult.GetValue(gradToken), GradientTensors.ParseContrast(parseResult.GetValue(gradContrast)), parseResult.GetValue(gradQaEnd))
                : null;
            if (gradient is null && (parseResult.GetValue(gradToken) is not null || parseResult.GetValue(gradContrast) is not null || parseResult.GetValue(gradQaEnd)))
                throw new AttentionLensException("--grad-token, --grad-contrast and --grad-qa-end go with --grad-target N.");
            Run(parseResult.GetValue(model)!, parseResult.GetValue(ids), parseResult.GetValue(typeIds), parseResult.GetValue(text), CliOutput.Prepare(parseResult.GetValue(output))!, gradient);
            return 0;
        });
        return command;
    }

    /// <summary>What --grad-target and its companions ask for.</summary>
    internal sealed record GradientRequest(int Position, int? Token, (int A, int B)? Contrast, bool QaEnd);

    internal static void Run(string modelArgument, string? idsText, string? typeIdsText, string? text, string outPath, GradientRequest? gradient = null)
    {
        if ((idsText is null) == (text is null))
            throw new AttentionLensException("give exactly one of --ids and --text.");
        if (typeIdsText is not null && idsText is null)
            throw new AttentionLensException("--token-type-ids goes with --ids; --text takes token types from the tokenizer.");
        var folder = ModelLocator.Resolve(modelArgument);
        int[] inputIds;
        int[]? tokenTypes = null;
        if (idsText is not null)
        {
            inputIds = ParseIds(idsText, "--ids");
            if (typeIdsText is not null)
            {
                tokenTypes = ParseIds(typeIdsText, "--token-type-ids");
                if (tokenTypes.Length != inputIds.Length)
                    throw new AttentionLensException($"--token-type-ids has {tokenTypes.Length} entries for {inputIds.Length} ids; give one per id.");
            }
        }
        else
        {
            var encoding = TokenizerLoader.Load(folder).Encode(text!);
            inputIds = encoding.Ids;
            tokenTypes = encoding.TypeIds;
        }

        var network = ModelLoader.Load(folder);
        // Refuse a model without a backward pass before any work.
        var differentiable = gradient is null ? null : Gradients.Require(network);
        ForwardResult result;
        GradientResult? gradients = null;
        var metadata = new Dictionary<string, string> { ["model_type"] = network.Info.ModelType, ["architecture"] = network.Info.Architecture };
        try
        {
            result = network.Forward(new ForwardInput(inputIds, tokenTypes));
            if (gradient is not null)
            {
                var target = GradientTensors.Target(network.Info, result, gradient.Position, gradient.Token, gradient.Contrast, gradient.QaEnd);
                gradients = differentiable!.Gradient(new ForwardInput(inputIds, tokenTypes), target);
                metadata["grad_target"] = $"{target.Output} position {target.Position} index {target.Index}{(target.ContrastIndex is int b ? $" minus {b}" : "")}";
                metadata["grad_value"] = gradients.Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        catch (NonFiniteActivationException e)
        {
            throw e.ForModel(folder); // the core names the layer; the folder is known here
        }
        int t = result.Tokens;
        var tensors = new List<SafetensorsEntry>
        {
            SafetensorsEntry.Int64("input_ids", [t], inputIds.Select(i => (long)i).ToArray()),
            SafetensorsEntry.Float32("attentions", [result.Layers, result.Heads, t, t], result.Attentions),
            SafetensorsEntry.Float32("hidden_states", [result.Layers + 1, t, result.Hidden], result.HiddenStates),
        };
        tensors.AddRange(HeadOutputTensors.For(network.Info, result));
        if (gradients is not null) tensors.AddRange(GradientTensors.For(gradients));
        SafetensorsWriter.Write(outPath, tensors, metadata);
    }

    private static int[] ParseIds(string text, string option)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], out values[i]) || values[i] < 0)
                throw new AttentionLensException($"{option}: '{parts[i]}' is not a non-negative integer; write ids as 1,2,3.");
        if (values.Length == 0 || parts[0].Length == 0) throw new AttentionLensException($"{option} is empty.");
        return values;
    }
}
