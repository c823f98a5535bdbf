// What <market-quote> and <market-ticker> share: the server, locale, theme and link attributes, the
// shared connection, the state (a read-only property, a :state() for CSS, a statechange event), the
// as-of time of a price that is not live, and the quote event. The element is the connection's
// member: the callbacks it answers are listed at the top of ticker-connection.js.
import * as format from "./format.js";
import { ReplayControls, speedLabel } from "./replay.js";
import { DefaultStaleAfterMs, TickerConnection } from "./ticker-connection.js";

let scriptServer = null;

/** Where ticker.js came from: the default server. Captured while the script runs. */
export function captureScriptServer() {
  const src = document.currentScript?.src;
  scriptServer = src ? new URL("./", src).href : new URL("./", document.baseURI).href;
}

const States = ["connecting", "live", "stale", "reconnecting", "closed", "replay"];

export class TickerElement extends HTMLElement {
  static sharedAttributes = ["server", "locale", "theme", "link", "stale-after", "replay-from", "replay-to", "replay-speed"];

  #internals = this.attachInternals();
  #connection = null;
  #state = "connecting";
  #updateQueued = false;

  constructor(styles) {
    super();
    const root = this.attachShadow({ mode: "open" });
    if ("adoptedStyleSheets" in root && typeof CSSStyleSheet === "function" && "replaceSync" in CSSStyleSheet.prototype) {
      root.adoptedStyleSheets = styles.map(css => sheet(css));
    } else {
      root.innerHTML = styles.map(css => `<style>${css}</style>`).join("");
    }
  }

  get server() {
    return this.getAttribute("server") ?? scriptServer ?? new URL("./", document.baseURI).href;
  }
  set server(value) {
    this.#reflect("server", value);
  }

  get locale() {
    return this.getAttribute("locale") ?? undefined;
  }
  set locale(value) {
    this.#reflect("locale", value);
  }

  get theme() {
    return this.getAttribute("theme") ?? "light";
  }
  set theme(value) {
    this.#reflect("theme", value);
  }

  /** Milliseconds without an update, while the market is open, before prices count as stale. */
  get staleAfter() {
    const value = Number(this.getAttribute("stale-after"));
    return Number.isFinite(value) && value > 0 ? value : DefaultStaleAfterMs;
  }
  set staleAfter(value) {
    this.#reflect("stale-after", value);
  }

  /** When set (an ISO time), the element plays the recording from then instead of the live feed. */
  get replayFrom() {
    return this.getAttribute("replay-from");
  }
  set replayFrom(value) {
    this.#reflect("replay-from", value);
  }

  /** End of the recording to play; default: now. */
  get replayTo() {
    return this.getAttribute("replay-to");
  }
  set replayTo(value) {
    this.#reflect("replay-to", value);
  }

  /** Replay pace: 1 is recorded time, 10 ten times faster, 0 as fast as it goes. */
  get replaySpeed() {
    const value = Number(this.getAttribute("replay-speed") ?? 1);
    return Number.isFinite(value) && value >= 0 ? value : 1;
  }
  set replaySpeed(value) {
    this.#reflect("replay-speed", value);
  }

  /** A URL template with {symbol}: the box, or each tape item, links there. */
  get link() {
    return this.getAttribute("link");
  }
  set link(value) {
    this.#reflect("link", value);
  }

  /** Where a symbol links to, or null: no template, or one that is not http(s) (javascript: never runs). */
  linkFor(symbol) {
    const template = this.link;
    if (!template) {
      return null;
    }
    try {
      const url = new URL(template.replaceAll("{symbol}", encodeURIComponent(symbol)), document.baseURI);
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
    } catch {
      return null;
    }
  }

  get isReplay() {
    return this.hasAttribute("replay-from");
  }

  /** connecting, live, stale, reconnecting, closed (market closed) or replay. */
  get state() {
    return this.#state;
  }

  get connection() {
    return this.#connection;
  }

  connectedCallback() {
    this.render();
    this.#join();
  }

  disconnectedCallback() {
    this.#connection?.leave(this);
    this.#connection = null;
  }

  attributeChangedCallback(name, oldValue, newValue) {
    if (oldValue === newValue || !this.isConnected) {
      return;
    }
    this.dirty.add(name);
    if (!this.#updateQueued) {
      // Several attributes set in a row become one update.
      this.#updateQueued = true;
      queueMicrotask(() => {
        this.#updateQueued = false;
        const changed = new Set(this.dirty);
        this.dirty.clear();
        const replayChanged = [...changed].some(name => name.startsWith("replay-"));
        if (changed.has("server") || replayChanged || (this.isReplay && this.symbolsChanged(changed))) {
          this.#connection?.leave(this);
          this.#join();
        } else if (this.symbolsChanged(changed)) {
          this.#connection?.join(this, this.wantedSymbols());
        }
        this.attributesChanged(changed);
        this.onConnectionState();
      });
    }
  }

  dirty = new Set();

  /** The symbols this element shows ("*" for all). */
  wantedSymbols() {
    return [];
  }

  symbolsChanged() {
    return false;
  }

  /** Called with the names of attributes that changed ("instruments": the list arrived), after the subscription is settled. */
  attributesChanged() {}

  /** Builds the shadow DOM; called once when the element first connects. */
  render() {}

  /** Paints a quote; called by the connection. */
  paint() {}

  decimals(symbol) {
    return this.#connection?.instrument(symbol)?.decimals ?? 2;
  }

  onQuote(quote) {
    this.paint(quote);
    if (this.isReplay) {
      this.#replayControls?.showTime(quote, this.locale);
    }
    if (!(this.#newest >= quote.timestamp)) {
      this.#newest = quote.timestamp;
      this.#showAsOf();
    }
    this.dispatchEvent(new CustomEvent("quote", { detail: quote, bubbles: true, composed: true }));
  }

  onInstruments() {
    this.attributesChanged(new Set(["instruments"]));
  }

  onConnectionState() {
    const connection = this.#connection;
    let state = connection?.state ?? "connecting";
    if ((this.isReplay || connection?.feed?.mode === "replay") && state !== "connecting" && state !== "reconnecting") {
      // The recorded market (its own, or the server's replay-mode feed), never live; and never stale
      // either: recorded quotes may be days apart at any pace, so only a lost connection counts.
      state = "replay";
    } else if (state === "live" && connection.market === "closed") {
      state = "closed";
    }
    if (state === this.#state) {
      return;
    }
    for (const known of States) {
      this.#internals.states?.delete(known);
    }
    this.#internals.states?.add(state);
    const previous = this.#state;
    this.#state = state;
    this.stateChanged(state, previous);
    this.dispatchEvent(new CustomEvent("statechange", { detail: { state, previous }, bubbles: true, composed: true }));
  }

  /** The badge, the frame and the as-of time that show the state; a subclass's render() sets them. */
  statusParts = null;

  /** Something the badge's live region says once beside the state (an alert), or "". */
  announcement = "";

  /**
   * Shows the state: a price that is not live is badged, styled as such and given its time; it
   * stays readable (contrast), and never passes for live.
   */
  stateChanged(state) {
    if (!this.statusParts) {
      return;
    }
    const { badge, frame } = this.statusParts;
    const feed = this.#connection?.feed;
    const label = state !== "replay" ? StateLabels[state]
      : this.isReplay ? `Replay ${speedLabel(this.#replaySpeedNow ?? this.replaySpeed)}`
      : feed.speed != null ? `Replay ${speedLabel(feed.speed)}`
      : feed.instantsPerSecond ? `Replay ${feed.instantsPerSecond}/s` : "Replay";
    badge.textContent = label;
    if (this.announcement) {
      const said = document.createElement("span");
      said.className = "visually-hidden";
      said.textContent = `. ${this.announcement}`;
      badge.append(said);
    }
    badge.dataset.state = state;
    frame.classList.toggle("stale", state !== "live" && state !== "replay");
    this.#showAsOf();
  }

  /** The replay's end, or why it failed. */
  onReplayEnded(error) {
    this.#replayControls?.ended(error);
  }

  #replayControls = null;
  #replaySpeedNow = null;
  #newest = null; // timestamp of the newest quote on show

  // Any price that is not live carries its own time: a 2008 replay shows 2008, whatever the clock says.
  #showAsOf() {
    const asof = this.statusParts?.asof;
    if (!asof) {
      return;
    }
    const hidden = this.#state === "live" || !this.#newest;
    asof.hidden = hidden;
    if (!hidden) {
      asof.dateTime = this.#newest;
      asof.textContent = `As of ${format.time(this.#newest, this.locale)}`;
    }
  }

  #join() {
    this.#connection = TickerConnection.for(this.server);
    this.#newest = null;
    this.#replayControls?.remove();
    this.#replayControls = null;
    if (this.isReplay) {
      this.#replaySpeedNow = null;
      const frame = this.statusParts?.frame;
      if (frame) {
        this.#replayControls = new ReplayControls(frame, this.replaySpeed,
          (method, ...args) => this.#connection?.controlReplay(this, method, ...args),
          speed => {
            this.#replaySpeedNow = speed;
            this.stateChanged(this.state);
          });
      }
      this.#connection.startReplay(this, {
        symbols: this.wantedSymbols(),
        from: new Date(this.replayFrom).toISOString(),
        to: this.replayTo ? new Date(this.replayTo).toISOString() : null,
        speed: this.replaySpeed,
        replayId: `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`,
      });
    } else {
      this.#connection.join(this, this.wantedSymbols());
    }
    this.#internals.states?.add(this.#state);
    this.onConnectionState();
  }

  #reflect(name, value) {
    if (value === null || value === undefined) {
      this.removeAttribute(name);
    } else {
      this.setAttribute(name, String(value));
    }
  }
}

const sheets = new Map();
function sheet(css) {
  let result = sheets.get(css);
  if (!result) {
    result = new CSSStyleSheet();
    result.replaceSync(css);
    sheets.set(css, result);
  }
  return result;
}

/** The text a state shows to people. */
export const StateLabels = {
  connecting: "Connecting",
  live: "Live",
  stale: "Stale",
  reconnecting: "Reconnecting",
  closed: "Market closed",
  replay: "Replay",
};
