// Number formatting through Intl, cached per locale and shape: formatters are costly to build and
// an update re-renders several values.
const cache = new Map();

function formatter(locale, key, options) {
  const id = `${locale ?? ""}|${key}`;
  let format = cache.get(id);
  if (!format) {
    try {
      format = new Intl.NumberFormat(locale || undefined, options);
    } catch {
      format = new Intl.NumberFormat(undefined, options); // an unknown locale falls back to the page's
    }
    cache.set(id, format);
  }
  return format;
}

/** A price with the instrument's decimals: 57.15, 2.0850. */
export function price(value, decimals, locale) {
  return formatter(locale, `p${decimals}`, { minimumFractionDigits: decimals, maximumFractionDigits: decimals }).format(value);
}

/** A signed change with the instrument's decimals: +0.35, -0.35, 0.00. */
export function change(value, decimals, locale) {
  return formatter(locale, `c${decimals}`, {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
    signDisplay: "exceptZero",
  }).format(value);
}

/** A signed percentage from a percent number: -0.61 gives -0.61%. */
export function percent(value, locale) {
  return formatter(locale, "pct", {
    style: "percent",
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
    signDisplay: "exceptZero",
  }).format(value / 100);
}

/** A volume in compact form: 6.96M, 241.7B. */
export function volume(value, locale) {
  return formatter(locale, "vol", { notation: "compact", compactDisplay: "short", maximumFractionDigits: 2 }).format(value);
}

/** A volume in full, for screen readers: 6,960,000. */
export function volumeInFull(value, locale) {
  return formatter(locale, "volfull", { maximumFractionDigits: 0 }).format(value);
}

/** The direction of a change, for colour: "up", "down" or "flat". */
export function direction(value) {
  return value > 0 ? "up" : value < 0 ? "down" : "flat";
}

/** A quote's time in the page's locale: the time alone today, with the date on any other day. */
export function time(timestamp, locale) {
  const date = new Date(timestamp);
  const today = date.toDateString() === new Date().toDateString();
  const options = today ? { timeStyle: "medium" } : { dateStyle: "medium", timeStyle: "short" };
  try {
    return date.toLocaleString(locale || undefined, options);
  } catch {
    return date.toLocaleString(undefined, options); // an unknown locale falls back to the page's
  }
}
