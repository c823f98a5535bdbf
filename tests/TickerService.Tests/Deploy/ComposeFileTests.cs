using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using TickerService.Configuration;
using TickerService.Server.Cluster;
using TickerService.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace TickerService.Tests.Deploy;

/// <summary>
/// deploy/compose.yaml, read as YAML (with its merge keys) since no container engine runs here:
/// the services the deployment needs, nodes built from the repository's Dockerfile and configured
/// with SPEC 12's names, and nginx in front with exactly those nodes in its upstream.
/// </summary>
public sealed partial class ComposeFileTests
{
    private static readonly string Deploy = Path.Combine(Repository.Root, "deploy");

    private readonly YamlMappingNode _services = Services();

    [Fact]
    public void It_runs_redis_postgres_three_nodes_and_nginx()
    {
        Assert.Contains("redis", Names());
        Assert.Contains("postgres", Names());
        Assert.Contains("nginx", Names());
        Assert.Equal(3, Nodes().Count);
    }

    [Fact]
    public void Every_node_is_built_from_the_repository_dockerfile_and_joins_the_cluster_on_redis_with_the_shared_recording()
    {
        var names = new HashSet<string>();
        foreach (var (service, node) in Nodes())
        {
            var build = Map(node, "build");
            var context = Path.GetFullPath(Path.Combine(Deploy, Text(build, "context")));
            Assert.True(File.Exists(Path.Combine(context, Text(build, "dockerfile"))), $"{service}: no Dockerfile at {context}");

            // The environment as the service reads it (double underscores are the configuration's colons).
            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(Map(node, "environment").Children.Select(e =>
                    KeyValuePair.Create(((YamlScalarNode)e.Key).Value!.Replace("__", ":", StringComparison.Ordinal), ((YamlScalarNode)e.Value).Value)))
                .Build();
            var cluster = configuration.GetSection(ClusterOptions.Section).Get<ClusterOptions>()!;
            Assert.Equal("redis:6379", cluster.Redis);
            Assert.True(names.Add(cluster.NodeName), $"{service}: node name {cluster.NodeName} is taken");
            Assert.Equal("Postgres", configuration["Ticker:Recording:Provider"]);
            Assert.Contains("Host=postgres", configuration["Ticker:Recording:ConnectionString"], StringComparison.Ordinal);
            var ticker = configuration.GetSection(TickerOptions.Section).Get<TickerOptions>()!;
            Assert.NotEmpty(ticker.TrustedProxies);
        }
    }

    [Fact]
    public void Nginx_serves_the_shipped_configuration_in_front_of_exactly_the_compose_nodes()
    {
        var nginx = (YamlMappingNode)_services.Children[new YamlScalarNode("nginx")];
        Assert.Contains("./nginx.conf:/etc/nginx/nginx.conf:ro", ((YamlSequenceNode)nginx.Children[new YamlScalarNode("volumes")]).Children.Select(v => ((YamlScalarNode)v).Value));

        var upstream = UpstreamServer().Matches(File.ReadAllText(NginxServer.ShippedConfigurationPath)).Select(m => m.Groups["node"].Value);
        Assert.Equal(Nodes().Select(n => n.Service).Order(), upstream.Order());
    }

    private List<string> Names() => [.. _services.Children.Keys.Select(k => ((YamlScalarNode)k).Value!)];

    private List<(string Service, YamlMappingNode Node)> Nodes() =>
        [.. _services.Children.Where(s => ((YamlScalarNode)s.Key).Value!.StartsWith("node", StringComparison.Ordinal))
            .Select(s => (((YamlScalarNode)s.Key).Value!, (YamlMappingNode)s.Value))];

    private static YamlMappingNode Map(YamlMappingNode node, string key) => (YamlMappingNode)node.Children[new YamlScalarNode(key)];

    private static string Text(YamlMappingNode node, string key) => ((YamlScalarNode)node.Children[new YamlScalarNode(key)]).Value!;

    // `<<: *node` merges resolved as docker compose resolves them: the anchor's keys, then the
    // mapping's own over them. (YamlDotNet's MergingParser repeats an overridden key instead.)
    private static YamlMappingNode Services()
    {
        using var reader = new StreamReader(Path.Combine(Deploy, "compose.yaml"));
        var stream = new YamlStream();
        stream.Load(reader);
        return Map(Merged((YamlMappingNode)stream.Documents[0].RootNode), "services");
    }

    private static YamlMappingNode Merged(YamlMappingNode mapping)
    {
        var merged = new YamlMappingNode();
        if (mapping.Children.TryGetValue(new YamlScalarNode("<<"), out var anchored))
        {
            foreach (var (key, value) in Merged((YamlMappingNode)anchored).Children)
            {
                merged.Children[key] = value;
            }
        }
        foreach (var (key, value) in mapping.Children.Where(c => ((YamlScalarNode)c.Key).Value != "<<"))
        {
            merged.Children[key] = value is YamlMappingNode inner ? Merged(inner) : value;
        }
        return merged;
    }

    [GeneratedRegex(@"^\s*server\s+(?<node>node\d+):8080\b", RegexOptions.Multiline)]
    private static partial Regex UpstreamServer();
}
