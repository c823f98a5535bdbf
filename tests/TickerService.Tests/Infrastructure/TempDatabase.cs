namespace TickerService.Tests.Infrastructure;

/// <summary>A SQLite file path in a fresh temp folder, the folder removed on dispose.</summary>
public sealed class TempDatabase : IDisposable
{
    public string Folder { get; } = TempFolder.Create();

    public string Path => System.IO.Path.Combine(Folder, "ticker.db");

    public void Dispose() => TempFolder.Delete(Folder);
}
