export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export function median(xs) {
  const v = xs.filter((x) => typeof x === 'number' && !Number.isNaN(x)).sort((a, b) => a - b);
  if (!v.length) return NaN;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

// Latency summary in ms (nearest-rank percentiles).
export function summarize(lat) {
  const s = Float64Array.from(lat).sort();
  let sum = 0;
  for (const x of s) sum += x;
  return {
    samples: s.length,
    p50: percentile(s, 50),
    p95: percentile(s, 95),
    p99: percentile(s, 99),
    max: s.length ? s[s.length - 1] : NaN,
    mean: s.length ? sum / s.length : NaN,
  };
}

// Per-second latency buckets by send time: [{ s, n, p50, p95, max }].
export function timeline(lat, at, bucketMs = 1000) {
  if (!lat.length) return [];
  let t0 = Infinity;
  for (const t of at) if (t < t0) t0 = t;
  const buckets = [];
  for (let i = 0; i < lat.length; i++) {
    const b = Math.floor((at[i] - t0) / bucketMs);
    (buckets[b] ||= []).push(lat[i]);
  }
  return buckets.map((v, s) => {
    const x = Float64Array.from(v || []).sort();
    return { s, n: x.length, p50: percentile(x, 50), p95: percentile(x, 95), max: x[x.length - 1] };
  });
}
