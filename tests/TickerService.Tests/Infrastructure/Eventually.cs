namespace TickerService.Tests.Infrastructure;

/// <summary>
/// For a condition another thread makes true (a disconnect the server sees after the client
/// closes): polls it until it holds or the timeout passes. Not a sleep that hides a race: it
/// fails loudly when the condition never comes.
/// </summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TickerServer.Timeout);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("The condition did not become true in time.");
            }
            await Task.Delay(10);
        }
    }
}
