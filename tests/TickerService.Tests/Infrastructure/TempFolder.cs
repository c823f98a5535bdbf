using Microsoft.Data.Sqlite;

namespace TickerService.Tests.Infrastructure;

/// <summary>A fresh folder under the system temp folder, for a test's SQLite files.</summary>
public static class TempFolder
{
    public static string Create()
    {
        var path = Path.Combine(Path.GetTempPath(), "ticker-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    public static void Delete(string path)
    {
        // Pooled connections keep the files open; let them go first.
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
