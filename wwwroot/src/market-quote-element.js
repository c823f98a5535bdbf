// <market-quote symbol="XOM">: the stock box. Name and signed change, Open, Trading Vol.,
// Previous Vol., BUY (ask) and Sell (bid).
import * as format from "./format.js";
import * as styles from "./styles.js";
import { TickerElement } from "./ticker-element.js";

const template = document.createElement("template");
template.innerHTML = `
<section class="box" part="box" role="group">
  <header class="header" part="header">
    <h3 class="name" part="name"></h3>
    <span class="change value" part="change"></span>
    <span class="badge" part="badge" role="status"></span>
  </header>
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
  static observedAttributes = [...TickerElement.sharedAttributes, "symbol", "flash"];

  #parts = null;
  #quote = null;

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
      buy: part("buy"), sell: part("sell"), error: part("error"),
    };
    this.statusParts = { badge: this.#parts.badge, frame: this.#parts.box };
    this.#showSymbol();
    this.stateChanged(this.state);
  }

  attributesChanged(changed) {
    if (changed.has("symbol") || changed.has("locale")) {
      if (changed.has("symbol")) {
        this.#quote = null;
      }
      this.#showSymbol();
      const latest = this.connection?.latest(this.symbol);
      if (latest) {
        this.paint(latest);
      }
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

    p.name.textContent = quote.name;
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
      this.#parts.name.textContent = this.symbol;
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
