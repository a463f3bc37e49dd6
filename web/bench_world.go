package web

// BenchRun is the run the page's benchmarks measure (cmd/pagebench, and
// natively BenchmarkPagePass and the frame benchmarks): 7 nodes, 16 clients
// making 200 calls a second, 40–60 ms links (about 50 messages in flight),
// no compaction, run to 12 s (logs of about 1,000 entries).
const BenchRun = `nodes 7
clients 16
client-rate 200
link-latency 40ms..60ms
snapshot-every 0
at 12s
`
