// The Node flags the server bundle runs with, wherever it runs: `npm start`, the Dockerfile's CMD
// (which repeats them, keep both alike) and the benchmarks' servers.
//
// --max-semi-space-size=2 (MB): V8's young generation grows to 16 MB per semi-space by default.
// The server allocates many small, short-lived objects (socket.io packets, relayed edits), so a
// large young generation is mostly resident garbage. Measured on the notes benchmark (W2, 100
// documents x 2 clients, jongodb, 2026-11-23): Node RSS after connect 149 -> 129 MB, peak 162 ->
// 147 MB, with the same CPU (4.51 vs 4.29 s) and no worse latency (W1 200 clients, two runs each:
// p50 6.9/6.5 ms -> 5.4/6.2 ms).
export const SERVER_NODE_FLAGS = ['--enable-source-maps', '--max-semi-space-size=2'];
