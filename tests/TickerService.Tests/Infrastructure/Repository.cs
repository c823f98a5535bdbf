namespace TickerService.Tests.Infrastructure;

/// <summary>The checkout these tests were built from: the folder above them that holds TickerService.sln.</summary>
public static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "TickerService.sln")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("TickerService.sln not found above " + AppContext.BaseDirectory);
    }
}
