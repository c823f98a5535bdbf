// The stock box's sparkline: the session's prices as one inline SVG polyline. The session comes
// once from the hub (already downsampled there), live quotes are appended, and the points stay
// bounded: past MaxPoints, each run of four keeps its lowest and highest (a spike survives).
const MaxPoints = 160;
export const SessionPoints = 120; // asked of the server; room is left for the live ones

const svgNs = "http://www.w3.org/2000/svg";

export class Sparkline {
  #points = [];
  #svg;
  #line;
  #queued = false;

  constructor() {
    this.#svg = document.createElementNS(svgNs, "svg");
    this.#svg.setAttribute("class", "spark");
    this.#svg.setAttribute("part", "sparkline");
    this.#svg.setAttribute("viewBox", "0 0 100 24");
    this.#svg.setAttribute("preserveAspectRatio", "none");
    this.#svg.setAttribute("aria-hidden", "true");
    this.#line = document.createElementNS(svgNs, "polyline");
    this.#line.setAttribute("vector-effect", "non-scaling-stroke");
    this.#svg.append(this.#line);
    this.#svg.hidden = true;
  }

  get element() {
    return this.#svg;
  }

  get count() {
    return this.#points.length;
  }

  clear() {
    this.#points = [];
    this.#draw();
  }

  /** The recorded session goes before the live points that came while it was asked for. */
  prepend(points) {
    const first = this.#points[0]?.[0] ?? Infinity;
    this.#points = [...points.filter(p => p[0] < first), ...this.#points];
    while (this.#points.length > MaxPoints) {
      this.#points = compact(this.#points);
    }
    this.#queue();
  }

  add(timestamp, price) {
    const t = Date.parse(timestamp);
    const last = this.#points[this.#points.length - 1];
    if (last && t <= last[0]) {
      if (t === last[0]) {
        last[1] = price; // one point per instant: the newest price at it
        this.#queue();
      }
      return; // older than the line's end: a snapshot already drawn
    }
    this.#points.push([t, price]);
    if (this.#points.length > MaxPoints) {
      this.#points = compact(this.#points);
    }
    this.#queue();
  }

  // One drawing a frame, however fast quotes come.
  #queue() {
    if (!this.#queued) {
      this.#queued = true;
      requestAnimationFrame(() => {
        this.#queued = false;
        this.#draw();
      });
    }
  }

  #draw() {
    const points = this.#points;
    this.#svg.hidden = points.length < 2;
    if (points.length < 2) {
      this.#line.setAttribute("points", "");
      return;
    }
    const t0 = points[0][0], span = points[points.length - 1][0] - t0 || 1;
    let lo = Infinity, hi = -Infinity;
    for (const [, price] of points) {
      lo = Math.min(lo, price);
      hi = Math.max(hi, price);
    }
    const range = hi - lo || 1;
    this.#line.setAttribute("points", points.map(([t, price]) =>
      `${(((t - t0) / span) * 100).toFixed(2)},${(22 - ((price - lo) / range) * 20).toFixed(2)}`).join(" "));
    this.#svg.dataset.direction = points[points.length - 1][1] >= points[0][1] ? "up" : "down";
  }
}

function compact(points) {
  const out = [];
  const end = points.length - 1; // the newest point is always kept: the line ends at the price on show
  for (let i = 0; i < end; i += 4) {
    let lo = points[i], hi = points[i];
    for (let j = i + 1; j < Math.min(i + 4, end); j++) {
      if (points[j][1] < lo[1]) lo = points[j];
      if (points[j][1] >= hi[1]) hi = points[j];
    }
    out.push(...(lo === hi ? [lo] : lo[0] <= hi[0] ? [lo, hi] : [hi, lo]));
  }
  out.push(points[end]);
  return out;
}
