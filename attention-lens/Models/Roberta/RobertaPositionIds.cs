namespace AttentionLens.Models.Roberta;

/// <summary>
/// modeling_roberta.py create_position_ids_from_input_ids: non-padding tokens are numbered from
/// padding_idx + 1 in order, padding tokens get padding_idx. Note transformers derives this from the
/// input ids (id ≠ pad), not from the attention mask.
/// </summary>
public static class RobertaPositionIds
{
    public static int[] FromInputIds(int[] ids, int paddingIdx)
    {
        var positions = new int[ids.Length];
        int count = 0;
        for (int t = 0; t < ids.Length; t++)
            positions[t] = ids[t] != paddingIdx ? paddingIdx + ++count : paddingIdx;
        return positions;
    }
}
