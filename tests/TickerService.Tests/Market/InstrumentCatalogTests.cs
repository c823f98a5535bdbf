using TickerService.Configuration;
using TickerService.Market;

namespace TickerService.Tests.Market;

public sealed class InstrumentCatalogTests
{
    private static readonly InstrumentCatalog Catalog = new(DefaultInstruments.All);

    [Fact]
    public void DefaultsAreAtLeastTenEnergyNamesWithXom()
    {
        Assert.True(Catalog.Count >= 10);
        Assert.Contains(Catalog.Instruments, i => i.Symbol == "XOM" && i.Name == "EXXON Mobil");
        Assert.All(Catalog.Instruments, i => Assert.True(Symbols.IsWellFormed(i.Symbol), i.Symbol));
    }

    [Fact]
    public void StarMeansEveryInstrument()
    {
        Assert.Equal(Catalog.All, Catalog.Resolve(["*"], 100));
        Assert.Equal(Catalog.Count, Catalog.Resolve(["XOM", "*"], 100).Count);
    }

    [Fact]
    public void ErrorsListTheFirstTenAndCountTheRest()
    {
        var unknown = Enumerable.Range(0, 14).Select(i => $"X{i}").ToArray();

        var error = Assert.Throws<ClientRequestException>(() => Catalog.Resolve(unknown, 100));

        Assert.Equal("Unknown symbol(s): X0, X1, X2, X3, X4, X5, X6, X7, X8, X9 and 4 more", error.Message);
    }

    [Fact]
    public void DuplicatesCountOnce()
    {
        Assert.Equal(1, Catalog.Resolve(["XOM", "xom", "XOM"], 100).Count);
    }

    [Fact]
    public void AConfigurationWithATwiceUsedSymbolIsRefused()
    {
        var twice = new[] { DefaultInstruments.All[0], DefaultInstruments.All[0] };

        var error = Assert.Throws<ArgumentException>(() => new InstrumentCatalog(twice));

        Assert.Contains("configured twice", error.Message);
    }

    [Fact]
    public void SymbolSetsWithTheSameMembersAreEqual()
    {
        var a = SymbolSet.Of(200, [1, 70, 199]);
        var b = SymbolSet.Of(200, [199, 1]).Union(SymbolSet.Of(200, [70]));

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.Equal([1, 70, 199], a.Indices());
        Assert.Equal([1, 199], a.Except(SymbolSet.Of(200, [70])).Indices());
    }
}
