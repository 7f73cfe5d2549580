using AttentionLens.Flow;

namespace AttentionLens.Tests.Flow;

public class ReceptiveFieldTests
{
    [Fact]
    public void DividesByPositionsThatCanReadTheTokenAndKeepsTheSum()
    {
        // Target 2: token 0 is readable from positions 0..2 (3), token 1 from 1..2 (2), token 2 from 2 (1).
        // 0.6/3 = 0.2, 0.3/2 = 0.15, 0.1/1 = 0.1 → sum 0.45, rescaled by 1/0.45 → 4/9, 1/3, 2/9; token 3 → 0.
        var scores = new[] { 0.6, 0.3, 0.1, 0.0 };
        ReceptiveField.Normalise(scores, 2);
        ArrayAssert.Close(new[] { 4.0 / 9, 1.0 / 3, 2.0 / 9, 0 }, scores, 1e-15, "normalised");
    }
}
