using System.Text.Json;
using TickerService.Server.Cluster;
using TickerService.Tests.Infrastructure;

namespace TickerService.Tests.Cluster;

/// <summary>Without <c>Ticker:Cluster:Redis</c> the node is on its own, and says so.</summary>
public sealed class SingleNodeClusterApiTests
{
    [Fact]
    public async Task A_node_without_redis_reports_itself_single_with_epoch_zero_and_no_leader()
    {
        await using var server = new TickerServer().With("Ticker:Cluster:Node", "solo");
        using var http = server.Http();

        using var body = JsonDocument.Parse(await http.GetStringAsync(ClusterExtensions.Path));

        Assert.Equal("""{"node":"solo","role":"single","epoch":0,"leader":null}""", body.RootElement.GetRawText());
        // The simulator still feeds the node directly.
        Assert.NotEmpty(server.Market.Tick());
    }
}
