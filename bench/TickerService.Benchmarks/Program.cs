using BenchmarkDotNet.Running;

namespace TickerService.Benchmarks;

// A named class rather than top-level statements: the server already has a public global
// Program (for WebApplicationFactory), and a second one would clash (CS0436).
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
