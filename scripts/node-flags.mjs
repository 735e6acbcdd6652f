// The Node flags the server bundle runs with, wherever it runs: `npm start`, the Dockerfile's CMD
// (which repeats them, keep both alike) and the benchmarks' servers.
//
// Tried and left out: --max-semi-space-size=2 (a 2 MB young generation instead of V8's default
// of up to 16 MB). On the notes benchmark (jongodb, 2026-11-23) it took Node's RSS after
// connecting 100 documents x 2 clients from 149 to 129 MB, but with 10 clients on one document
// it cost latency and CPU (three runs each: p50 2.52 -> 2.82 ms, p95 4.58 -> 5.26 ms, server
// CPU 1.49 -> 1.76 s). Latency matters more here than 20 MB.
export const SERVER_NODE_FLAGS = ['--enable-source-maps'];
