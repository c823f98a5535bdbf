using System.ComponentModel.DataAnnotations;

using TickerService.Market;

namespace TickerService.Configuration;

/// <summary>The <c>Ticker</c> configuration section (SPEC section 6).</summary>
public sealed class TickerOptions
{
    public const string Section = "Ticker";

    /// <summary>The instruments the feed quotes. Empty means <see cref="DefaultInstruments.All"/>.</summary>
    public List<InstrumentOptions> Instruments { get; set; } = [];

    /// <summary>
    /// With no <see cref="Instruments"/> configured: a generated universe of this many instruments
    /// (<see cref="SyntheticInstruments"/>, for load tests) instead of the defaults. 0: the defaults.
    /// </summary>
    [Range(0, 100_000)]
    public int SyntheticInstrumentCount { get; set; }

    /// <summary>
    /// Instruments added after <see cref="Instruments"/> (or the defaults), so one more instrument
    /// needs no restating of the 15 defaults.
    /// </summary>
    public List<InstrumentOptions> AdditionalInstruments { get; set; } = [];

    public FeedOptions Feed { get; set; } = new();

    public MarketSessionOptions Session { get; set; } = new();

    public LimitOptions Limits { get; set; } = new();

    public RecordingOptions Recording { get; set; } = new();

    public ReplayOptions Replay { get; set; } = new();

    /// <summary>Origins allowed to embed the widget and call the hub; <c>*</c> allows any (never with credentials).</summary>
    public List<string> AllowedOrigins { get; set; } = [];

    /// <summary>Key for administrator routes; when empty those routes are off.</summary>
    public string? AdminKey { get; set; }

    /// <summary>
    /// Networks of the reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed
    /// (CIDR, such as 10.0.0.0/8); loopback always is. Others' forwarded headers are ignored, so a
    /// client cannot pose as another address to dodge the rate limit.
    /// </summary>
    public List<string> TrustedProxies { get; set; } = [];

    /// <summary>The configured instruments (or the defaults when none are), then the additional ones.</summary>
    public IReadOnlyList<InstrumentOptions> EffectiveInstruments =>
        [.. Instruments.Count > 0 ? Instruments
            : SyntheticInstrumentCount > 0 ? SyntheticInstruments.Generate(SyntheticInstrumentCount)
            : DefaultInstruments.All,
         .. AdditionalInstruments];
}

public sealed class InstrumentOptions
{
    /// <summary>1 to 12 of A-Z 0-9 . - _ = (SPEC section 1).</summary>
    [Required, RegularExpression(Symbols.Pattern)]
    public string Symbol { get; set; } = "";

    [Required]
    public string Name { get; set; } = "";

    public string Currency { get; set; } = "USD";

    /// <summary>Smallest price step; every price is a whole number of them.</summary>
    [Range(1e-8, 1e6)]
    public decimal TickSize { get; set; } = 0.01m;

    /// <summary>Opening price, also the first previous close.</summary>
    [Range(1e-8, 1e9)]
    public decimal StartPrice { get; set; }

    /// <summary>Annualised volatility of the geometric Brownian motion (0.30 = 30 %).</summary>
    [Range(0.0, 10.0)]
    public double Volatility { get; set; } = 0.30;

    /// <summary>Annualised drift of the geometric Brownian motion.</summary>
    [Range(-10.0, 10.0)]
    public double Drift { get; set; }

    /// <summary>Typical distance between BUY (ask) and Sell (bid), in price units.</summary>
    [Range(0.0, 1e6)]
    public decimal Spread { get; set; } = 0.02m;

    /// <summary>Shares or contracts traded in a typical session; also the first "Previous Vol.".</summary>
    [Range(1, long.MaxValue)]
    public long TypicalVolume { get; set; } = 10_000_000;

    /// <summary>Trades come in whole lots of this size.</summary>
    [Range(1, 1_000_000)]
    public int LotSize { get; set; } = 100;

    /// <summary>
    /// How often the instrument trades, on average: a liquid name several times a second, an
    /// illiquid one every few minutes. A tick quotes only the instruments that traded in it.
    /// Empty: a quote on every tick.
    /// </summary>
    [Range(1e-6, 1e6)]
    public double? TradesPerSecond { get; set; }
}

public enum FeedMode
{
    /// <summary>Quartz ticks the price simulator.</summary>
    Simulator,

    /// <summary>Nothing ticks on a schedule; code (a test, a tool) drives the feed.</summary>
    Manual,

    /// <summary>The feed plays a recording (<see cref="FeedOptions.Replay"/>) instead of the simulator.</summary>
    Replay,
}

public sealed class FeedOptions
{
    public FeedMode Mode { get; set; } = FeedMode.Simulator;

    /// <summary>Time between ticks; the default makes four ticks a second.</summary>
    public TimeSpan TickInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Seed of the price model; the same seed gives the same quotes. Empty: a random seed.</summary>
    public int? Seed { get; set; }

    /// <summary>What the feed plays in <see cref="FeedMode.Replay"/>.</summary>
    public FeedReplayOptions Replay { get; set; } = new();
}

/// <summary>
/// The recording the live feed plays in replay mode: a file (<see cref="File"/>, JSON Lines or
/// CSV) or, when no file is given, a range of the recording database.
/// </summary>
public sealed class FeedReplayOptions
{
    /// <summary>A <c>.jsonl</c> or <c>.csv</c> recording; empty: read the recording database.</summary>
    public string? File { get; set; }

    /// <summary>Start of the range played (of the file or the database); empty: the oldest recorded quote.</summary>
    public DateTime? From { get; set; }

    /// <summary>End of the range played; empty: the newest recorded quote.</summary>
    public DateTime? To { get; set; }

    /// <summary>Symbols to play; empty: every symbol of the recording.</summary>
    public List<string> Symbols { get; set; } = [];

    /// <summary>1 plays in recorded time, 10 ten times faster; 0 as fast as the feed takes.</summary>
    [Range(0.0, 1_000_000.0)]
    public double Speed { get; set; } = 1;

    /// <summary>
    /// When above 0, the pace in place of <see cref="Speed"/>: this many recorded instants (distinct
    /// timestamps) a second, whatever the recorded gap between them. For sparse data such as daily
    /// bars: 42 plays ten years of trading days in a minute, weekends no longer than weeknights.
    /// </summary>
    [Range(0.0, 100_000.0)]
    public double InstantsPerSecond { get; set; }

    /// <summary>Start again at the beginning after the last quote.</summary>
    public bool Loop { get; set; } = true;
}

/// <summary>The recorder (<c>Ticker:Recording</c>).</summary>
public sealed class RecordingOptions
{
    public const string Sqlite = "Sqlite";
    public const string Postgres = "Postgres";

    public bool Enabled { get; set; } = true;

    /// <summary><c>Sqlite</c> (a file of this node's own, the default) or <c>Postgres</c> (a store the cluster's nodes share).</summary>
    public string Provider { get; set; } = Sqlite;

    /// <summary>With <c>Postgres</c>: an Npgsql connection string (<c>Host=db;Database=ticker;Username=...;Password=...</c>).</summary>
    public string? ConnectionString { get; set; }

    public bool IsPostgres => string.Equals(Provider, Postgres, StringComparison.OrdinalIgnoreCase);

    /// <summary>The SQLite database, relative to the content root or absolute.</summary>
    public string Path { get; set; } = "data/ticker.db";

    /// <summary>How often queued quotes are written, in one transaction; a crash loses at most this much.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long quotes are kept; older ones are deleted now and then. Empty or zero: kept forever.</summary>
    public TimeSpan? Retention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Quotes held in memory while the disk cannot take them; beyond this, new quotes are dropped and counted.</summary>
    [Range(1_000, 100_000_000)]
    public int MaxQueuedQuotes { get; set; } = 1_000_000;
}

/// <summary>Limits on replays to clients (<c>Ticker:Replay</c>).</summary>
public sealed class ReplayOptions
{
    /// <summary>The fastest replay a client may ask for (0, as fast as it takes, is always allowed).</summary>
    [Range(1.0, 1_000_000.0)]
    public double MaxSpeed { get; set; } = 1000;

    [Range(1, 1_000)]
    public int MaxConcurrentPerConnection { get; set; } = 2;
}

public sealed class MarketSessionOptions
{
    /// <summary>
    /// Quartz cron expression that opens a session. When the market is already open it rolls the
    /// session (close then open): the default rolls at midnight and never closes.
    /// </summary>
    public string OpenCron { get; set; } = "0 0 0 * * ?";

    /// <summary>Quartz cron expression that closes the session; empty: the market never closes.</summary>
    public string? CloseCron { get; set; }

    /// <summary>IANA or Windows time zone id the cron expressions are read in.</summary>
    public string TimeZone { get; set; } = "UTC";
}

public sealed class LimitOptions
{
    /// <summary>How many symbols one connection may subscribe to at once.</summary>
    [Range(1, 100_000)]
    public int MaxSymbolsPerConnection { get; set; } = 200;

    /// <summary>Live quote streams (<c>StreamQuotes</c>) one connection may hold at once.</summary>
    [Range(1, 1_000)]
    public int MaxStreamsPerConnection { get; set; } = 4;

    /// <summary>Largest message a client may send to the hub, in bytes; a larger one closes that connection.</summary>
    [Range(1_024, 16 * 1024 * 1024)]
    public int MaxHubMessageBytes { get; set; } = 32 * 1024;

    /// <summary>Largest recording <c>POST /api/recordings/import</c> takes, in bytes (it is validated whole in memory).</summary>
    [Range(1_024, 1L << 31)]
    public long MaxImportBytes { get; set; } = 25 * 1024 * 1024;

    /// <summary>Recorded quotes one resume (hub <c>Resume</c>, <c>/ws</c> subscribe with <c>after</c>) returns at most (SPEC 11).</summary>
    [Range(1, 1_000_000)]
    public int MaxResumeQuotes { get; set; } = 10_000;

    /// <summary>HTTP API requests one client (by IP address) may make a minute.</summary>
    [Range(1, 1_000_000)]
    public int RequestsPerMinute { get; set; } = 600;
}
