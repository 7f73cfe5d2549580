namespace AttentionLens.Analysis;

/// <summary>GlobEnc's detail: the target's rolled-out row before normalisation, as the authors return it.</summary>
public sealed record GlobEncScores(double[] Raw);
