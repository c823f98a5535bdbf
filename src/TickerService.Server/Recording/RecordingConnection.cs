using System.Data.Common;

namespace TickerService.Server.Recording;

/// <summary>An open connection to the recording and the engine it belongs to, so writes take the engine's own path.</summary>
public sealed class RecordingConnection(DbConnection connection, IRecordingEngine engine) : IDisposable
{
    public DbConnection Db => connection;

    public IRecordingEngine Engine => engine;

    public DbTransaction BeginTransaction() => connection.BeginTransaction();

    public DbCommand CreateCommand() => connection.CreateCommand();

    public void Dispose() => connection.Dispose();
}
