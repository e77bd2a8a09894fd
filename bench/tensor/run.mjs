// Tensor benchmark, JavaScript side: a 1M-element float32 tensor as our packed base64 payload versus a JSON
// number list (the anchor). Sizes of the JSON texts, and decode time from JSON text to a Float32Array in Node
// (our compiled decoder, renderers/lib/core/tensor.js) and in headless Chromium (the harness page's bundle).
import { Buffer } from 'node:buffer';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { checkDecodes, makePayloads, timeDecodes } from './data.mjs';
import { sizeLine, timeLine } from './report.mjs';

const N = 1_000_000;
const SEED = 20240601;
const WARMUP = 2;
const REPS = 7;
const ANCHOR = 'JSON list';
const root = fileURLToPath(new URL('../../', import.meta.url));
const decoderPath = `${root}renderers/lib/core/tensor.js`;
const harnessPath = `${root}build/harness/index.html`;
const CHROMIUM = process.env.MODELVIZ_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

for (const [what, path] of [
  ['compiled decoder (npx tsc -b renderers)', decoderPath],
  ['harness page (bash scripts/setup.sh)', harnessPath],
]) {
  if (!existsSync(path)) throw new Error(`missing ${what}: ${path}`);
}
const { decodeTensor } = await import(pathToFileURL(decoderPath).href);

// Node
const { values, ours, anchor } = makePayloads(N, SEED);
const bad = checkDecodes(values, ours, anchor, decodeTensor);
if (bad) throw new Error(`node: ${bad}`);
const oursBytes = Buffer.byteLength(ours, 'utf8');
const anchorBytes = Buffer.byteLength(anchor, 'utf8');
console.log(sizeLine('tensor/size', oursBytes, ANCHOR, anchorBytes));
const node = timeDecodes(ours, anchor, decodeTensor, WARMUP, REPS);
console.log(timeLine('tensor/decode-node', node.ours, ANCHOR, node.anchor));

// Chromium: the same generator and timing code, injected into the harness page, against the page's decoder.
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
try {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(pathToFileURL(harnessPath).href);
  await page.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout: 30_000 });
  await page.addScriptTag({ content: `${makePayloads}\n${timeDecodes}\n${checkDecodes}` });
  const setup = await page.evaluate(
    ([n, seed]) => {
      const g = globalThis;
      const p = g.makePayloads(n, seed);
      g.benchPayloads = p;
      return {
        check: g.checkDecodes(p.values, p.ours, p.anchor, g.modelviz.decodeTensor),
        same: [p.ours.length, p.anchor.length],
      };
    },
    [N, SEED],
  );
  if (setup.check) throw new Error(`chromium: ${setup.check}`);
  // The same seed must give the same texts in both engines, or the two runs would not be comparable.
  if (setup.same[0] !== ours.length || setup.same[1] !== anchor.length) {
    throw new Error(`chromium generated different texts: ${setup.same} vs ${[ours.length, anchor.length]}`);
  }
  const web = await page.evaluate(
    ([warmup, reps]) => {
      const g = globalThis;
      const p = g.benchPayloads;
      return g.timeDecodes(p.ours, p.anchor, g.modelviz.decodeTensor, warmup, reps);
    },
    [WARMUP, REPS],
  );
  if (errors.length) throw new Error(`chromium page errors: ${errors.join('; ')}`);
  console.log(timeLine('tensor/decode-chromium', web.ours, ANCHOR, web.anchor));
  console.log(
    `  (n=${N} float32, seed ${SEED}, ${WARMUP} warm-up + ${REPS} timed rounds; node ${process.versions.node}, ` +
      `chromium ${browser.version()}; load average ${loadavg()[0].toFixed(1)})`,
  );
} finally {
  await browser.close();
}
