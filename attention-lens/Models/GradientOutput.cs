namespace AttentionLens.Models;

/// <summary>Which of the head's outputs a <see cref="GradientTarget"/> reads (the <see cref="ForwardResult"/> field).</summary>
public enum GradientOutput
{
    /// <summary><see cref="ForwardResult.Logits"/> (T, V) of a causal or masked LM.</summary>
    LmLogits,
    /// <summary><see cref="ForwardResult.ClassifierLogits"/> (NumLabels); the position is ignored.</summary>
    ClassifierLogits,
    /// <summary><see cref="ForwardResult.TokenClassifierLogits"/> (T, NumLabels).</summary>
    TokenClassifierLogits,
    /// <summary><see cref="ForwardResult.StartLogits"/> (T); the index is ignored (the position is the span start).</summary>
    QaStartLogits,
    /// <summary><see cref="ForwardResult.EndLogits"/> (T); the index is ignored (the position is the span end).</summary>
    QaEndLogits,
}
