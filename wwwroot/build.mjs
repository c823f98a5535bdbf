// Bundles src/index.js and the SignalR client into one minified script, writes it precompressed
// (.gz and .br, so the server never compresses it per request), and refuses a bundle over the size
// budget. Usage: node build.mjs <outfile>   (the .NET build passes obj/widget/ticker.js)
import { build } from "esbuild";
import { readFileSync, writeFileSync } from "node:fs";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const BudgetBytes = 25 * 1024; // gzipped, SignalR client included
const outfile = process.argv[2] ?? "dist/ticker.js";

await build({
  entryPoints: ["src/index.js"],
  bundle: true,
  minify: true,
  format: "iife",
  platform: "browser",
  target: ["es2022"],
  outfile,
  legalComments: "none",
  logLevel: "warning",
});

const script = readFileSync(outfile);
const gzip = gzipSync(script, { level: 9 });
writeFileSync(`${outfile}.gz`, gzip);
writeFileSync(`${outfile}.br`, brotliCompressSync(script, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
const gzipped = gzip.length;
console.log(`ticker.js: ${gzipped} bytes gzipped (budget ${BudgetBytes})`);
if (gzipped > BudgetBytes) {
  console.error(`ticker.js is ${gzipped} bytes gzipped, over the ${BudgetBytes} byte budget.`);
  process.exit(1);
}
