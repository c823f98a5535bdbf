using System.Net.Http.Json;
using TickerService.Server.Cluster;
using TickerService.Tests.Cluster;
using TickerService.Tests.Infrastructure;

namespace TickerService.Tests.Deploy;

/// <summary>Two nodes as child processes on a real redis-server, behind a real nginx running deploy/nginx.conf.</summary>
internal sealed class NginxCluster : IAsyncDisposable
{
    private NginxCluster(TestCluster nodes, NginxServer nginx)
    {
        Nodes = nodes;
        Nginx = nginx;
    }

    public TestCluster Nodes { get; }

    public NginxServer Nginx { get; }

    public static async Task<NginxCluster> StartAsync()
    {
        var nodes = await TestCluster.StartAsync("a", "b");
        try
        {
            await nodes.AgreedLeaderAsync();
            return new NginxCluster(nodes, await NginxServer.StartAsync(nodes.Nodes["a"].BaseAddress, nodes.Nodes["b"].BaseAddress));
        }
        catch
        {
            await nodes.DisposeAsync();
            throw;
        }
    }

    /// <summary>The node nginx sends this machine's requests to (every test client has the same address).</summary>
    public async Task<string> ServingNodeAsync()
    {
        using var http = new HttpClient { BaseAddress = Nginx.BaseAddress, Timeout = TickerServer.Timeout };
        return (await http.GetFromJsonAsync<ClusterStatus>(ClusterExtensions.Path))!.Node;
    }

    /// <summary>Kills (SIGKILL) the node that serves this machine and returns the other one's name.</summary>
    public async Task<string> KillServingNodeAsync()
    {
        var serving = await ServingNodeAsync();
        Nodes.Nodes[serving].Kill();
        return Nodes.Nodes.Keys.Single(name => name != serving);
    }

    public async ValueTask DisposeAsync()
    {
        await Nginx.DisposeAsync();
        await Nodes.DisposeAsync();
    }
}
