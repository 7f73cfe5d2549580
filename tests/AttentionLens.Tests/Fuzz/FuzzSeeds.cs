using FsCheck;
using FsCheck.Fluent;

namespace AttentionLens.Tests.Fuzz;

/// <summary>Deterministic draws: the same cases on every run, so CI neither flakes nor drifts.</summary>
internal static class FuzzSeeds
{
    public static T[] Draw<T>(Gen<T> generator, int count, ulong seed, int size = 30) =>
        generator.Sample(count, new Rnd(seed, 0x9E3779B97F4A7C15UL | 1), size);
}
