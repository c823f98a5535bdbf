// <market-ticker symbols="XOM,CVX,BP,SHEL">: a scrolling tape of symbol, last and signed change.
// It pauses on hover and focus and has a pause button (WCAG 2.2.2); under reduced motion it is a
// static list that wraps. role="marquee": its updates are not announced. layout="list" or "grid"
// holds still; direction="right" scrolls the other way, "up" is a vertical tape.
import * as format from "./format.js";
import * as styles from "./styles.js";
import { TickerElement } from "./ticker-element.js";

const DefaultSpeed = 60; // pixels a second

const template = document.createElement("template");
template.innerHTML = `
<div class="tape" part="tape">
  <div class="viewport" part="viewport" role="marquee" aria-label="Market ticker">
    <div class="track" part="track">
      <ul class="list" part="list"></ul>
      <ul class="list" part="list" aria-hidden="true"></ul>
    </div>
  </div>
  <span class="badge" part="badge" role="status"></span>
  <time class="asof" part="asof" hidden></time>
  <button class="pause" part="pause" type="button" aria-pressed="false">Pause</button>
</div>`;

export class MarketTickerElement extends TickerElement {
  static observedAttributes = [...TickerElement.sharedAttributes, "symbols", "speed", "layout", "direction"];

  #parts = null;
  #items = new Map(); // symbol -> { symbol, last, change } elements in both copies
  #resize = null;
  #pacedWidth = 0;

  constructor() {
    super([styles.base, styles.ticker]);
  }

  /** Comma-separated symbols, or "*" for every instrument. */
  get symbols() {
    return this.getAttribute("symbols") ?? "";
  }
  set symbols(value) {
    this.setAttribute("symbols", Array.isArray(value) ? value.join(",") : value);
  }

  /** Scroll speed in pixels a second. */
  get speed() {
    const value = Number(this.getAttribute("speed"));
    return Number.isFinite(value) && value > 0 ? value : DefaultSpeed;
  }
  set speed(value) {
    this.setAttribute("speed", String(value));
  }

  /** tape (scrolling, the default), list or grid (both still). */
  get layout() {
    const value = this.getAttribute("layout");
    return value === "list" || value === "grid" ? value : "tape";
  }
  set layout(value) {
    this.setAttribute("layout", value);
  }

  /** Which way the tape scrolls: left (the default), right (right-to-left pages) or up (a vertical tape). */
  get direction() {
    const value = this.getAttribute("direction");
    return value === "right" || value === "up" ? value : "left";
  }
  set direction(value) {
    this.setAttribute("direction", value);
  }

  get paused() {
    return this.#parts?.tape.classList.contains("paused") ?? false;
  }
  set paused(value) {
    this.#parts?.tape.classList.toggle("paused", Boolean(value));
    this.#parts?.pause.setAttribute("aria-pressed", String(Boolean(value)));
    if (this.#parts) {
      this.#parts.pause.textContent = value ? "Play" : "Pause";
    }
  }

  wantedSymbols() {
    return this.#symbolList();
  }

  symbolsChanged(changed) {
    return changed.has("symbols");
  }

  render() {
    if (this.#parts) {
      return;
    }
    this.shadowRoot.append(template.content.cloneNode(true));
    const [visible, copy] = this.shadowRoot.querySelectorAll(".list");
    this.#parts = {
      tape: this.shadowRoot.querySelector(".tape"),
      track: this.shadowRoot.querySelector(".track"),
      badge: this.shadowRoot.querySelector(".badge"),
      asof: this.shadowRoot.querySelector(".asof"),
      pause: this.shadowRoot.querySelector(".pause"),
      visible,
      copy,
    };
    this.#parts.pause.addEventListener("click", () => (this.paused = !this.paused));
    this.#resize = new ResizeObserver(() => this.#pace());
    this.#resize.observe(this.#parts.visible);
    this.statusParts = { badge: this.#parts.badge, frame: this.#parts.tape, asof: this.#parts.asof };
    this.#layout();
    this.stateChanged(this.state);
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    this.#resize?.disconnect();
    this.#resize = null;
  }

  connectedCallback() {
    super.connectedCallback();
    if (this.#parts && !this.#resize) {
      this.#resize = new ResizeObserver(() => this.#pace());
      this.#resize.observe(this.#parts.visible);
    }
  }

  attributesChanged(changed) {
    if (changed.has("symbols") || changed.has("locale") || changed.has("link") || changed.has("instruments")) {
      this.#layout();
    }
    if (changed.has("speed") || changed.has("direction") || changed.has("layout")) {
      this.#pacedWidth = 0;
      this.#pace();
    }
  }

  paint(quote) {
    const item = this.#items.get(quote.symbol);
    if (!item) {
      return;
    }
    const decimals = this.decimals(quote.symbol);
    const last = format.price(quote.last, decimals, this.locale);
    const change = format.change(quote.change, decimals, this.locale);
    const direction = format.direction(quote.change);
    for (const copy of item) {
      copy.last.textContent = last;
      copy.change.textContent = change;
      copy.change.className = `change value ${direction}`;
      copy.item.setAttribute("aria-label", `${quote.name}: ${last}, change ${change}`);
    }
  }

  #symbolList() {
    const raw = (this.getAttribute("symbols") ?? "").split(",").map(s => s.trim().toUpperCase()).filter(Boolean);
    return raw.includes("*") ? ["*"] : [...new Set(raw)];
  }

  // Builds one item per symbol in both copies (the second makes the scroll loop seamlessly).
  #layout() {
    if (!this.#parts) {
      return;
    }
    const connection = this.connection;
    const symbols = connection ? connection.expand(this.#symbolList()) : [];
    const shown = symbols.length > 0 ? symbols : this.#symbolList().filter(s => s !== "*");
    this.#items.clear();
    for (const list of [this.#parts.visible, this.#parts.copy]) {
      list.replaceChildren(...shown.map(symbol => {
        const li = document.createElement("li");
        li.className = "item";
        li.setAttribute("part", "item");
        // With a link, the item's content is the link (the labelled, focusable thing).
        const href = this.linkFor(symbol);
        const item = href ? document.createElement("a") : li;
        if (href) {
          item.className = "link";
          item.setAttribute("part", "link");
          item.href = href;
          if (list === this.#parts.copy) {
            item.tabIndex = -1; // the loop's copy is hidden from assistive tech: not focusable either
          }
          li.append(item);
        }
        item.innerHTML = `<span class="symbol" part="symbol"></span><span class="last value" part="last">–</span><span class="change value" part="change"></span>`;
        item.querySelector(".symbol").textContent = symbol;
        const entry = { item, last: item.querySelector(".last"), change: item.querySelector(".change") };
        this.#items.set(symbol, [...(this.#items.get(symbol) ?? []), entry]);
        return li;
      }));
    }
    for (const symbol of shown) {
      const latest = connection?.latest(symbol);
      if (latest) {
        this.paint(latest);
      }
    }
    this.#pace();
  }

  // The loop takes as long as one copy's width at the chosen speed.
  #pace() {
    if (!this.#parts) {
      return;
    }
    // Prices change the width a little every tick; re-timing the animation for that would make
    // the tape jump, so only a real change (symbols, locale, speed, fonts) re-paces it.
    const box = this.#parts.visible.getBoundingClientRect();
    const width = this.direction === "up" ? box.height : box.width;
    if (Math.abs(width - this.#pacedWidth) < 0.1 * this.#pacedWidth) {
      return;
    }
    this.#pacedWidth = width;
    this.#parts.track.style.setProperty("--ticker-duration", `${Math.max(5, width / this.speed)}s`);
  }
}
