// ticker.js: one script tag gives a page <market-quote> and <market-ticker>.
import { define } from "./define.js";
import { MarketQuoteElement } from "./market-quote-element.js";
import { MarketTickerElement } from "./market-ticker-element.js";
import { captureScriptServer } from "./ticker-element.js";

captureScriptServer();
define("market-quote", MarketQuoteElement);
define("market-ticker", MarketTickerElement);
