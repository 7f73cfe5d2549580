using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using AttentionLens.Models;
using AttentionLens.Models.Heads;
using AttentionLens.Tensors;

namespace AttentionLens.Server.Cli;

/// <summary>
/// `attention-lens bench gradient --model bert-base|gpt2|llama-1b|… --tokens N [--runs 1]`: one backward pass
/// (<see cref="IDifferentiableModel.Gradient"/> with attention gradients) of a random model of a standard size,
/// as a ratio to the forward pass measured in the same run (median of --runs), with the process's peak working
/// set after it (weights included; the per-layer checkpointing estimate is on <c>IDifferentiableBody</c>).
/// The bare bert-base preset gets a random QA head (the target is its start logit at position 1); LM presets
/// differentiate a logit of the last position. One JSON line.
/// </summary>
internal static class BenchGradientCommand
{
    public static Command Create()
    {
        var command = new Command("gradient", "Time one backward pass (gradients of inputs_embeds and attentions) against a forward pass, same run.");
        var presetOptions = new BenchPresetOptions(command, "A preset: " + string.Join(", ", ModelPresets.Names) + ".", 128, 1, "Timed runs.");
        command.SetAction(parse =>
        {
            if (!presetOptions.TryRead(parse, out string preset, out int tokens, out int runs)) return 2;
            var model = WithHead(ModelPresets.CreateRandom(preset, 1));
            if (!Gradients.IsDifferentiable(model))
            {
                Console.Error.WriteLine($"the {preset} preset has no backward pass.");
                return 2;
            }
            var input = BenchPresetOptions.RandomInput(tokens);
            var target = model.Info.Head == ModelHead.QuestionAnswering
                ? new GradientTarget(GradientOutput.QaStartLogits, 1, 0)
                : new GradientTarget(GradientOutput.LmLogits, tokens - 1, 42);
            var forwardOptions = new ForwardOptions { LogitRows = model.Info.HasLmHead ? [tokens - 1] : null };
            model.Forward(input, forwardOptions); // warm-up: packs weights once
            double forwardMs = BenchPresetOptions.MedianMs(runs, () => model.Forward(input, forwardOptions));
            var differentiable = (IDifferentiableModel)model;
            double gradientMs = BenchPresetOptions.MedianMs(runs, () => differentiable.Gradient(input, target));
            var process = Process.GetCurrentProcess();
            process.Refresh();
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{{\"bench\":\"gradient\",\"model\":\"{preset}\",\"tokens\":{tokens},\"forward_ms\":{forwardMs:F1},\"gradient_ms\":{gradientMs:F1},\"ratio_to_forward\":{gradientMs / forwardMs:F2},\"peak_working_set_mb\":{process.PeakWorkingSet64 / 1e6:F0}}}"));
            return 0;
        });
        return command;
    }

    /// <summary>A bare encoder body gets a random QA head (2 outputs), so there is a logit to differentiate.</summary>
    private static ITransformerModel WithHead(ITransformerModel model)
    {
        if (model is not IEncoderBody body) return model;
        int c = model.Info.HiddenSize;
        var rng = new Random(3);
        var weight = Enumerable.Range(0, 2 * c).Select(_ => (float)(rng.NextDouble() - 0.5) * 0.05f).ToArray();
        return new EncoderWithHead(CpuKernels.Instance, body, new QuestionAnsweringHead(Linear.FromWeights(weight, new float[2], c, 2)), [], 0);
    }
}
