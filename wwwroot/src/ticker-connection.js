// One SignalR connection per server, shared by every element on the page that names that server:
// one subscription set (the union of what the elements show), one timer, one reconnect loop. It
// stops when the last element leaves the page.
//
// What the connection calls on its members (the elements that joined it; see TickerElement):
//   onQuote(quote)          a quote for a symbol the member shows (live, or its own replay's)
//   onInstruments()         the instrument list arrived (after every connect): re-resolve symbols
//   onConnectionState()     state or market changed: read connection.state and connection.market
//   onReplayEnded(error)    the member's replay played to its end (error null) or failed (a message)
//   onResync(symbols)       a reconnect could not be resumed for these symbols (the gap was too long, or
//                           the server started over): redraw from the latest quote, e.g. refetch a sparkline
//   staleAfter              (a property) ms without updates before prices count as stale
// onConnectionState also follows connection.feed, the server's feed (hub GetFeed / feed message).
// After a reconnect (the client's own, or a new connection to a restarted server) the connection
// resumes (hub Resume, SPEC 11) after the last sequence it handed out per symbol, so members get
// the quotes they missed, in order, through onQuote as if they had never been away.
import { HubConnectionBuilder, HubConnectionState, LogLevel } from "@microsoft/signalr";
import { ReplayStream } from "./replay.js";

const HubPath = "hubs/quotes";
const StaleCheckMs = 1000;
export const DefaultStaleAfterMs = 5000;

/** Reconnect delay: exponential from 0.5 s to 30 s, with jitter so a restarted server is not stampeded. */
export function backoff(attempt) {
  const ceiling = Math.min(30_000, 500 * 2 ** Math.min(attempt, 6));
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

export class TickerConnection {
  static #byServer = new Map();

  /** The page's connection to a server (a base URL such as https://ticker.example.com/). */
  static for(server) {
    const key = new URL(server, document.baseURI).href;
    let connection = TickerConnection.#byServer.get(key);
    if (!connection) {
      connection = new TickerConnection(key);
      TickerConnection.#byServer.set(key, connection);
    }
    return connection;
  }

  #hub;
  #members = new Map(); // element -> its symbols (a Set; "*" for every instrument)
  #replays = new Map(); // element -> ReplayStream
  #onServer = new Set(); // symbols this connection is subscribed to on the server
  #latest = new Map(); // symbol -> newest quote
  #seen = new Map(); // symbol -> highest sequence handed to the members (kept across reconnects)
  #resumeAfter = new Map(); // symbol -> #seen when the connection (re)connected, for its first subscribe
  #buffered = null; // live batches that came while a resume was answered; after it, in order
  #instruments = new Map();
  #state = "connecting";
  #market = "open";
  #feed = null; // { mode, speed, instantsPerSecond, at }; null until known (or from an older server)
  #lastMessageAt = 0;
  #timer = 0;
  #flushQueued = false;
  #starting = false;
  #closed = false;
  #ready; // resolves when the hub is connected and the instruments are known
  #whenReady;

  constructor(server) {
    this.server = server;
    this.#ready = new Promise(resolve => (this.#whenReady = resolve));
    this.#hub = new HubConnectionBuilder()
      .withUrl(new URL(HubPath, server).href, { withCredentials: false })
      // Never give up: the client's default stops after four tries.
      .withAutomaticReconnect({ nextRetryDelayInMilliseconds: context => backoff(context.previousRetryCount) })
      .configureLogging(LogLevel.None)
      .build();
    this.#hub.on("quotes", quotes => (this.#buffered ? this.#buffered.push(quotes) : this.#receive(quotes)));
    this.#hub.on("session", session => this.#setMarket(session.state));
    this.#hub.on("feed", feed => this.#setFeed(feed));
    this.#hub.onreconnecting(() => this.#lost());
    this.#hub.onreconnected(() => this.#connected());
    this.#hub.onclose(() => {
      if (!this.#closed) {
        this.#lost();
        this.#start();
      }
    });
    this.#start();
  }

  /** connecting, live, stale or reconnecting. */
  get state() {
    return this.#state;
  }

  /** open or closed. */
  get market() {
    return this.#market;
  }

  /** What drives the server's feed: mode "simulator" or "replay" (recorded quotes for everyone). */
  get feed() {
    return this.#feed;
  }

  instrument(symbol) {
    return this.#instruments.get(symbol);
  }

  latest(symbol) {
    return this.#latest.get(symbol);
  }

  /** Symbols an element asked for that the server does not quote (shown as an error by the element). */
  unknown(symbols) {
    return this.#instruments.size === 0 ? [] : [...symbols].filter(s => s !== "*" && !this.#instruments.has(s));
  }

  /** What "*" or a list stands for, once the instruments are known. */
  expand(symbols) {
    const result = [];
    for (const symbol of symbols) {
      if (symbol === "*") {
        result.push(...this.#instruments.keys());
      } else if (this.#instruments.has(symbol)) {
        result.push(symbol);
      }
    }
    return [...new Set(result)];
  }

  join(element, symbols) {
    this.#members.set(element, new Set(symbols));
    for (const symbol of this.expand(symbols)) {
      const quote = this.#latest.get(symbol);
      if (quote) {
        element.onQuote(quote); // paint at once from what the page already has
      }
    }
    if (!this.#timer) {
      this.#timer = setInterval(() => this.#checkStale(), StaleCheckMs);
    }
    this.#scheduleFlush();
  }

  /** Plays a recording to one element (the hub's Replay stream) instead of live quotes. */
  startReplay(element, request) {
    this.#replays.get(element)?.stop();
    const replay = new ReplayStream(this.#hub, element, request);
    this.#replays.set(element, replay);
    this.#members.set(element, new Set());
    this.#scheduleFlush(); // the element's live symbols, if it had any, are released
    if (this.#hub.state === HubConnectionState.Connected && this.#instruments.size > 0) {
      replay.run();
    }
  }

  /** PauseReplay, ResumeReplay or SetReplaySpeed on this element's replay. */
  controlReplay(element, method, ...args) {
    return this.#replays.get(element)?.control(method, ...args);
  }

  /**
   * The current session of one symbol as [[unixMs, last], ...] (hub GetSessionPoints), asked once
   * when a sparkline appears; null when the server cannot say (an older server, no recording).
   */
  async sessionPoints(symbol, maxPoints) {
    await this.#ready;
    try {
      return (await this.#hub.invoke("GetSessionPoints", symbol, maxPoints)).points;
    } catch {
      return null;
    }
  }

  leave(element) {
    this.#replays.get(element)?.stop();
    this.#replays.delete(element);
    this.#members.delete(element);
    if (this.#members.size === 0) {
      // After this task's DOM moves: an element moved elsewhere on the page leaves and joins again.
      queueMicrotask(() => this.#members.size === 0 && this.#close());
    }
    this.#scheduleFlush();
  }

  // Nobody on the page uses this server any more: stop the hub, the timer and the reconnect loop.
  // An element that comes later gets a new connection.
  #close() {
    if (this.#closed) {
      return;
    }
    this.#closed = true;
    clearInterval(this.#timer);
    this.#timer = 0;
    if (TickerConnection.#byServer.get(this.server) === this) {
      TickerConnection.#byServer.delete(this.server);
    }
    this.#hub.stop().catch(() => {});
  }

  async #start() {
    if (this.#starting) {
      return;
    }
    this.#starting = true;
    for (let attempt = 0; !this.#closed; attempt++) {
      try {
        await this.#hub.start();
        break;
      } catch {
        // A failed first start is retried like a lost connection: forever, with back-off.
        this.#setState(this.#instruments.size === 0 ? "connecting" : "reconnecting");
        await sleep(backoff(attempt));
      }
    }
    this.#starting = false;
    if (!this.#closed) {
      await this.#connected();
    }
  }

  async #connected() {
    try {
      const instruments = await this.#hub.invoke("GetInstruments");
      // Asked before "live" is shown, so a replay-mode feed never passes for live, even for a moment.
      this.#feed = await this.#hub.invoke("GetFeed").catch(() => null);
      for (const instrument of instruments) {
        this.#instruments.set(instrument.symbol, instrument);
      }
      // Resume after what was shown; the server says when it cannot (and a restarted server that
      // started its sequences over is then taken as it is: see #resume).
      this.#onServer.clear();
      this.#resumeAfter = new Map(this.#seen);
      this.#lastMessageAt = Date.now();
      for (const element of this.#members.keys()) {
        element.onInstruments();
      }
      for (const replay of this.#replays.values()) {
        replay.run();
      }
      this.#whenReady();
      await this.#flush();
      // "Live" once the snapshot is painted: a badge saying Live over empty fields would mislead.
      if (this.#hub.state === HubConnectionState.Connected) {
        this.#setState("live");
      }
    } catch {
      // Dropped again before it was ready: the reconnect handlers take it from here.
    }
  }

  #lost() {
    this.#onServer.clear();
    this.#setState("reconnecting");
  }

  #scheduleFlush() {
    if (!this.#flushQueued) {
      // Elements added in one burst (a page's parse) become one Subscribe call.
      this.#flushQueued = true;
      queueMicrotask(() => {
        this.#flushQueued = false;
        this.#flush();
      });
    }
  }

  async #flush() {
    if (this.#hub.state !== HubConnectionState.Connected || this.#instruments.size === 0) {
      return; // the next connect subscribes everything wanted
    }
    const wanted = new Set();
    for (const symbols of this.#members.values()) {
      this.expand(symbols).forEach(symbol => wanted.add(symbol));
    }
    const add = [...wanted].filter(symbol => !this.#onServer.has(symbol));
    const remove = [...this.#onServer].filter(symbol => !wanted.has(symbol));
    // Only the first subscribe after a connect resumes: a symbol joined later starts from its snapshot.
    const resume = add.filter(symbol => this.#resumeAfter.has(symbol));
    const after = Object.fromEntries(resume.map(symbol => [symbol, this.#resumeAfter.get(symbol)]));
    const subscribe = add.filter(symbol => !this.#resumeAfter.has(symbol));
    this.#resumeAfter.clear();
    add.forEach(symbol => this.#onServer.add(symbol));
    remove.forEach(symbol => {
      this.#onServer.delete(symbol);
      this.#latest.delete(symbol);
    });
    try {
      if (remove.length > 0) {
        await this.#hub.invoke("Unsubscribe", remove);
      }
      if (subscribe.length > 0) {
        this.#receive(await this.#hub.invoke("Subscribe", subscribe));
      }
      if (resume.length > 0) {
        await this.#resume(resume, after);
      }
    } catch {
      add.forEach(symbol => this.#onServer.delete(symbol)); // retried at the next connect
    }
  }

  // Subscribes with Resume: the quotes missed since `after`, oldest first, then the live ones that
  // came meanwhile (they may overtake the answer), each sequence once. When the server could not
  // fill the gap, what Subscribe gives instead: the latest quote, and members redraw (onResync).
  async #resume(symbols, after) {
    this.#buffered = [];
    try {
      let result = null;
      try {
        result = await this.#hub.invoke("Resume", { symbols, after });
      } catch (error) {
        if (this.#hub.state !== HubConnectionState.Connected) {
          throw error;
        }
        // A server from before Resume: subscribe as before.
      }
      if (result?.complete) {
        this.#receive(result.quotes);
        return;
      }
      // The gap is too long, the recording is gone, or the server started its sequences over
      // (a fresh recording): the snapshot decides, as on a first connect.
      symbols.forEach(symbol => this.#seen.delete(symbol));
      this.#receive(await this.#hub.invoke("Subscribe", symbols));
      for (const [element, wanted] of this.#members) {
        const shown = symbols.filter(symbol => wanted.has(symbol) || wanted.has("*"));
        if (shown.length > 0) {
          element.onResync?.(shown);
        }
      }
    } finally {
      const buffered = this.#buffered;
      this.#buffered = null;
      buffered.forEach(quotes => this.#receive(quotes));
    }
  }

  #receive(quotes) {
    this.#lastMessageAt = Date.now();
    if (this.#state === "stale") {
      this.#setState("live");
    }
    for (const quote of quotes) {
      // The snapshot and the first update may carry the same quote: keep the newer.
      if ((this.#seen.get(quote.symbol) ?? 0) >= quote.sequence) {
        continue;
      }
      this.#seen.set(quote.symbol, quote.sequence);
      this.#latest.set(quote.symbol, quote);
      this.#setMarket(quote.session);
      for (const [element, symbols] of this.#members) {
        if (symbols.has(quote.symbol) || symbols.has("*")) {
          element.onQuote(quote);
        }
      }
    }
  }

  #checkStale() {
    if (this.#state !== "live" || this.#market !== "open") {
      return;
    }
    let staleAfter = DefaultStaleAfterMs;
    for (const element of this.#members.keys()) {
      staleAfter = Math.min(staleAfter, element.staleAfter ?? DefaultStaleAfterMs);
    }
    if (Date.now() - this.#lastMessageAt > staleAfter) {
      this.#setState("stale");
    }
  }

  #setMarket(market) {
    if (market && market !== this.#market) {
      this.#market = market;
      this.#lastMessageAt = Date.now();
      this.#notify();
    }
  }

  #setFeed(feed) {
    this.#feed = feed;
    this.#notify();
  }

  #setState(state) {
    if (state !== this.#state) {
      this.#state = state;
      this.#notify();
    }
  }

  #notify() {
    for (const element of this.#members.keys()) {
      element.onConnectionState();
    }
  }
}
