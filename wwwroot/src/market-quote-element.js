// <market-quote symbol="XOM">: the stock box. Name and signed change, Open, Trading Vol.,
// Previous Vol., BUY (ask) and Sell (bid), the session's sparkline, and alerts on the price.
import * as format from "./format.js";
import { SessionPoints, Sparkline } from "./sparkline.js";
import * as styles from "./styles.js";
import { TickerElement } from "./ticker-element.js";

// An alert is crossed while its test holds; one event each time it starts to hold.
const AlertTests = {
  above: (quote, threshold) => quote.last >= threshold,
  below: (quote, threshold) => quote.last <= threshold,
  change: (quote, threshold) => Math.abs(quote.changePercent) >= threshold,
};
const AlertWords = { above: "at or above", below: "at or below", change: "moved" };

const template = document.createElement("template");
template.innerHTML = `
<section class="box" part="box" role="group">
  <header class="header" part="header">
    <h3 class="name" part="name"></h3>
    <span class="change value" part="change"></span>
    <span class="badge" part="badge" role="status"></span>
  </header>
  <time class="asof" part="asof" hidden></time>
  <dl class="fields" part="fields">
    <div><dt part="label">Open</dt><dd class="value" part="open"></dd></div>
    <div><dt part="label">Trading Vol.</dt><dd class="value" part="volume"></dd></div>
    <div><dt part="label">Previous Vol.</dt><dd class="value" part="previous-volume"></dd></div>
  </dl>
  <dl class="book" part="book">
    <div part="buy-box"><dt>BUY</dt><dd class="value" part="buy"></dd></div>
    <div part="sell-box"><dt>Sell</dt><dd class="value" part="sell"></dd></div>
  </dl>
  <p class="error" part="error" hidden></p>
</section>`;

export class MarketQuoteElement extends TickerElement {
  static observedAttributes = [...TickerElement.sharedAttributes, "symbol", "flash", "sparkline", "alert-above", "alert-below", "alert-change"];

  #parts = null;
  #quote = null;
  #sparkline = new Sparkline();
  #sessionAsked = 0; // which request's answer is still wanted (the symbol may change meanwhile)
  #crossed = { above: false, below: false, change: false };

  constructor() {
    super([styles.base, styles.quote]);
  }

  get symbol() {
    return (this.getAttribute("symbol") ?? "").trim().toUpperCase();
  }
  set symbol(value) {
    this.setAttribute("symbol", value);
  }

  /** "off" turns the change flash off; it is off anyway under prefers-reduced-motion. */
  get flash() {
    return this.getAttribute("flash") ?? "on";
  }
  set flash(value) {
    this.setAttribute("flash", value);
  }

  /** "off" hides the sparkline of the session. */
  get sparkline() {
    return this.getAttribute("sparkline") ?? "on";
  }
  set sparkline(value) {
    this.setAttribute("sparkline", value);
  }

  /** The alerts crossed now ("above", "below", "change"). */
  get alerts() {
    return Object.keys(this.#crossed).filter(kind => this.#crossed[kind]);
  }

  /** The quote on show (read-only; null before the first). */
  get quote() {
    return this.#quote;
  }

  wantedSymbols() {
    return this.symbol ? [this.symbol] : [];
  }

  symbolsChanged(changed) {
    return changed.has("symbol");
  }

  render() {
    if (this.#parts) {
      return;
    }
    this.shadowRoot.append(template.content.cloneNode(true));
    const part = name => this.shadowRoot.querySelector(`[part~="${name}"]`);
    this.#parts = {
      box: part("box"), name: part("name"), change: part("change"), badge: part("badge"),
      open: part("open"), volume: part("volume"), previousVolume: part("previous-volume"),
      buy: part("buy"), sell: part("sell"), error: part("error"), asof: part("asof"),
    };
    this.#parts.error.before(this.#sparkline.element);
    this.statusParts = { badge: this.#parts.badge, frame: this.#parts.box, asof: this.#parts.asof };
    this.#showSymbol();
    this.stateChanged(this.state);
  }

  connectedCallback() {
    super.connectedCallback();
    this.#askSession();
  }

  attributesChanged(changed) {
    const rejoined = ["symbol", "server", "sparkline", "replay-from", "replay-to", "replay-speed"].some(name => changed.has(name));
    if (rejoined) {
      this.#askSession();
    }
    if (changed.has("symbol") || changed.has("locale") || changed.has("link") || changed.has("instruments")) {
      if (changed.has("symbol")) {
        this.#quote = null;
      }
      this.#showSymbol();
      const latest = this.connection?.latest(this.symbol);
      if (latest) {
        this.paint(latest);
      }
    }
    // A threshold set (or moved), or another symbol, counts from now: already past it is a crossing at once.
    for (const kind of Object.keys(AlertTests)) {
      if (changed.has(`alert-${kind}`) || changed.has("symbol")) {
        this.#crossed[kind] = false;
      }
    }
    if (this.#quote) {
      this.#checkAlerts(this.#quote);
    }
  }

  paint(quote) {
    if (quote.symbol !== this.symbol || !this.#parts) {
      return;
    }
    const previous = this.#quote;
    this.#quote = quote;
    const p = this.#parts;
    const decimals = this.decimals(quote.symbol);
    const locale = this.locale;
    const direction = format.direction(quote.change);

    this.#showName(quote.name);
    p.change.textContent = `${format.change(quote.change, decimals, locale)} (${format.percent(quote.changePercent, locale)})`;
    p.change.className = `change value ${direction}`;
    p.change.setAttribute("aria-label", `Change ${format.change(quote.change, decimals, locale)}, ${format.percent(quote.changePercent, locale)}`);
    p.open.textContent = format.price(quote.open, decimals, locale);
    p.volume.textContent = format.volume(quote.volume, locale);
    p.volume.setAttribute("aria-label", format.volumeInFull(quote.volume, locale));
    p.previousVolume.textContent = format.volume(quote.previousVolume, locale);
    p.previousVolume.setAttribute("aria-label", format.volumeInFull(quote.previousVolume, locale));
    p.buy.textContent = format.price(quote.buy, decimals, locale);
    p.sell.textContent = format.price(quote.sell, decimals, locale);
    p.box.setAttribute("aria-label", `${quote.name} (${quote.symbol})`);
    p.error.hidden = true;

    if (previous && previous.last !== quote.last) {
      this.#flashChange(quote.last > previous.last ? "--ticker-flash-up" : "--ticker-flash-down");
    }
    this.#sparkline.add(quote.timestamp, quote.last);
    this.#checkAlerts(quote);
  }

  /** A reconnect could not be resumed: the session is fetched again rather than drawn straight across the gap. */
  onResync(symbols) {
    if (symbols.includes(this.symbol)) {
      this.#askSession();
    }
  }

  // The session so far, once per symbol shown (never per tick); live quotes are added as they come.
  async #askSession() {
    const asked = ++this.#sessionAsked;
    this.#sparkline.clear();
    const latest = this.connection?.latest(this.symbol);
    if (latest && !this.isReplay) {
      this.#sparkline.add(latest.timestamp, latest.last);
    }
    if (this.sparkline === "off" || this.isReplay || !this.symbol || !this.connection) {
      return; // a replay draws what it plays
    }
    const points = await this.connection.sessionPoints(this.symbol, SessionPoints);
    if (points && asked === this.#sessionAsked) {
      this.#sparkline.prepend(points);
    }
  }

  #checkAlerts(quote) {
    let fired = null;
    for (const [kind, test] of Object.entries(AlertTests)) {
      const raw = this.getAttribute(`alert-${kind}`);
      const threshold = raw === null || raw.trim() === "" ? NaN : Number(raw);
      const crossed = Number.isFinite(threshold) && test(quote, threshold);
      if (crossed && !this.#crossed[kind]) {
        fired = { kind, threshold };
        this.dispatchEvent(new CustomEvent("alert", { detail: { symbol: quote.symbol, kind, threshold, quote }, bubbles: true, composed: true }));
      }
      this.#crossed[kind] = crossed;
    }
    const any = this.alerts.length > 0;
    if (!this.#parts || this.#parts.box.part.contains("alert") === any && !fired) {
      return;
    }
    this.#parts.box.part.toggle("alert", any);
    // Said once by the badge's live region when an alert fires; gone when every alert is re-armed.
    const announcement = fired
      ? `Alert: ${quote.name} ${AlertWords[fired.kind]} ${fired.kind === "change" ? format.percent(fired.threshold, this.locale) : format.price(fired.threshold, this.decimals(quote.symbol), this.locale)}`
      : any ? this.announcement : "";
    if (announcement !== this.announcement) {
      this.announcement = announcement;
      this.stateChanged(this.state);
    }
  }

  // The name, as a link when the link attribute says where to (the whole box is its target area).
  #showName(name) {
    const href = this.linkFor(this.symbol);
    const anchor = this.#parts.name.firstElementChild;
    if (!href) {
      this.#parts.name.textContent = name;
    } else if (anchor?.getAttribute("href") === href) {
      anchor.textContent = name;
    } else {
      const link = document.createElement("a");
      link.className = "link";
      link.setAttribute("part", "link");
      link.href = href;
      link.textContent = name;
      this.#parts.name.replaceChildren(link);
    }
  }

  onInstruments() {
    const unknown = this.connection?.unknown(this.wantedSymbols()) ?? [];
    if (unknown.length > 0 && this.#parts) {
      this.#parts.error.hidden = false;
      this.#parts.error.textContent = `Unknown symbol: ${unknown.join(", ")}`;
    }
    super.onInstruments();
  }

  #showSymbol() {
    if (!this.#parts) {
      return;
    }
    if (!this.#quote) {
      this.#showName(this.symbol);
      this.#parts.box.setAttribute("aria-label", this.symbol);
      for (const key of ["change", "open", "volume", "previousVolume", "buy", "sell"]) {
        this.#parts[key].textContent = "–";
      }
    }
  }

  #flashChange(colour) {
    if (this.flash === "off" || matchMedia("(prefers-reduced-motion: reduce)").matches || !this.#parts.box.animate) {
      return;
    }
    const style = getComputedStyle(this);
    this.#parts.box.animate(
      [{ backgroundColor: style.getPropertyValue(colour) }, { backgroundColor: style.getPropertyValue("--ticker-bg") }],
      { duration: 700, easing: "ease-out" });
  }
}
