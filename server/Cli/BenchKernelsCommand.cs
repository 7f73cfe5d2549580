using System.CommandLine;

namespace AttentionLens.Server.Cli;

/// <summary>`attention-lens bench kernels`: Kernel throughput: GEMM, softmax, norms.</summary>
internal static class BenchKernelsCommand
{
    public static Command Create()
    {
        var command = new Command("kernels", "Kernel throughput: GEMM, softmax, norms.");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("'bench kernels' is not available yet.");
            return 2;
        });
        return command;
    }
}
