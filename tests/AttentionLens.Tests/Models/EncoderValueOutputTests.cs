using AttentionLens.Checkpoints;
using AttentionLens.Models;

namespace AttentionLens.Tests.Models;

/// <summary>
/// ValueOutputs of the encoder families against f_h(x_j) = (x_j W_V^h + b_V^h) W_O^h (Kobayashi et al.
/// 2020, eq. 6) computed here in double from the stored weights, x_j the layer input taken from the
/// transformers reference hidden states (post-norm encoders: the hidden state itself). ALBERT layer l
/// reads its group's shared weights; DeBERTa-v2's value_proj is its W_V.
/// </summary>
public sealed class EncoderValueOutputTests
{
    [Theory]
    [InlineData("electra", "encoder.layer.{0}.attention.self.value", "encoder.layer.{0}.attention.output.dense")]
    [InlineData("albert", "encoder.albert_layer_groups.{1}.albert_layers.0.attention.value", "encoder.albert_layer_groups.{1}.albert_layers.0.attention.dense")]
    [InlineData("deberta_v2", "encoder.layer.{0}.attention.self.value_proj", "encoder.layer.{0}.attention.output.dense")]
    [InlineData("deberta_v2_variant", "encoder.layer.{0}.attention.self.value_proj", "encoder.layer.{0}.attention.output.dense")]
    public void ValueOutputsAreTheHeadsValueVectorsThroughTheirOutputColumns(string folder, string valueName, string outName)
    {
        string path = Path.Combine(EncoderGoldenTests.Root, folder);
        var model = ModelLoader.Load(path);
        using var reference = new ReferenceCase(Path.Combine(path, "reference", "single.safetensors"));
        var result = model.Forward(new ForwardInput(reference.InputRow("input.input_ids", 0)!), new ForwardOptions { CaptureValueOutputs = true });
        var hidden = reference.BatchSlice("hidden_states", 0, 1);
        var store = WeightStore.Open(path);
        float[] W(string name) => store.Get(name, store.ShapeOf(name)!.Select(d => (int)d).ToArray()).ToArray();
        var info = model.Info;
        int t = reference.Tokens, c = info.HiddenSize, heads = info.Heads, d = info.HeadDim;
        for (int l = 0; l < info.Layers; l++)
        {
            int group = folder == "albert" ? l / 2 : 0; // 4 layers over 2 groups
            string v = string.Format(valueName, l, group), o = string.Format(outName, l, group);
            float[] wv = W(v + ".weight"), bv = W(v + ".bias"), wo = W(o + ".weight");
            var expected = new float[heads * t * c];
            for (int h = 0; h < heads; h++)
                for (int j = 0; j < t; j++)
                {
                    var value = new double[d];
                    for (int k = 0; k < d; k++)
                    {
                        double s = bv[h * d + k];
                        for (int m = 0; m < c; m++) s += (double)hidden[(l * t + j) * c + m] * wv[(h * d + k) * c + m];
                        value[k] = s;
                    }
                    for (int m = 0; m < c; m++)
                    {
                        double s = 0;
                        for (int k = 0; k < d; k++) s += value[k] * wo[m * c + h * d + k];
                        expected[(h * t + j) * c + m] = (float)s;
                    }
                }
            TensorAssert.Close($"{folder} layer {l} value outputs", expected, result.ValueOutputs.AsSpan(l * heads * t * c, heads * t * c), 1e-4, heads, t, c);
        }
    }
}
