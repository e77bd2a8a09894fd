// One result line per benchmark, the format scripts/bench.sh counts:
//   <name>   ours <figure>   anchor(<what>) <figure>   ratio <x>x <faster|slower|smaller|larger>   [detail]

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function ratio(ours, anchor, better, worse) {
  if (ours <= anchor) return `${(anchor / ours).toFixed(1)}x ${better}`;
  return `${(ours / anchor).toFixed(1)}x ${worse}`;
}

function line(name, ours, anchorName, anchor, ratioText, detail) {
  const cells = [name.padEnd(22), `ours ${ours}`.padEnd(14), `anchor(${anchorName}) ${anchor}`.padEnd(34)];
  return `${cells.join(' ')} ratio ${ratioText}${detail ? `   [${detail}]` : ''}`;
}

/** Times in ms (arrays of per-round samples): median, one decimal, lower is better. */
export function timeLine(name, ours, anchorName, anchor) {
  const mo = median(ours);
  const ma = median(anchor);
  const range = (xs) => `${Math.min(...xs).toFixed(1)}-${Math.max(...xs).toFixed(1)}`;
  const detail = `median of ${ours.length}; ours ${range(ours)}, anchor ${range(anchor)} ms`;
  return line(
    name,
    `${mo.toFixed(1)} ms`,
    anchorName,
    `${ma.toFixed(1)} ms`,
    ratio(mo, ma, 'faster', 'slower'),
    detail,
  );
}

/** Sizes in bytes of UTF-8 JSON text, shown in MB (10^6 bytes), two decimals, smaller is better. */
export function sizeLine(name, ours, anchorName, anchor) {
  const mb = (b) => `${(b / 1e6).toFixed(2)} MB`;
  return line(
    name,
    mb(ours),
    anchorName,
    mb(anchor),
    ratio(ours, anchor, 'smaller', 'larger'),
    `${ours} vs ${anchor} bytes`,
  );
}
