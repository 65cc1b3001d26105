// The server's metrics, through swift-metrics (so Hummingbird's and other libraries'
// metrics land in the same place) with swift-prometheus as the backend, exported as
// Prometheus text on GET /metrics. Engine figures (WAL bytes, segments, series, rows)
// are sampled from `Database.statistics()` at each scrape. Thread safe.
import Metrics
import Prometheus
import Sundial
import Synchronization

/// Counters, gauges and histograms of one server process.
public final class ServerMetrics: Sendable {
    /// The Prometheus registry the factory writes to (nil when metrics are off, as in
    /// in-process tests that never bootstrap the metrics system).
    let registry: PrometheusCollectorRegistry?

    let rowsWritten = Counter(label: "sundial_rows_written_total")
    let linesRejected = Counter(label: "sundial_lines_rejected_total")
    let rateLimited = Counter(label: "sundial_rate_limited_total")
    let queriesRejected = Counter(label: "sundial_queries_rejected_total")
    let queryDuration = Metrics.Timer(label: "sundial_query_duration_seconds")
    let writeDuration = Metrics.Timer(label: "sundial_write_duration_seconds")
    let openConnections = Gauge(label: "sundial_http_open_connections")
    let connectionCount = Mutex(0)

    let walBytes = Gauge(label: "sundial_wal_bytes")
    let segments = Gauge(label: "sundial_segments")
    let segmentBytes = Gauge(label: "sundial_segment_bytes")
    let series = Gauge(label: "sundial_series")
    let rows = Gauge(label: "sundial_rows")
    let headRows = Gauge(label: "sundial_head_rows")
    let tables = Gauge(label: "sundial_tables")
    let partitions = Gauge(label: "sundial_partitions")
    let runningQueries = Gauge(label: "sundial_running_queries")

    /// - Parameter registry: where `MetricsSystem` was bootstrapped to write.
    public init(registry: PrometheusCollectorRegistry?) {
        self.registry = registry
    }

    /// Bootstraps the process-wide metrics system with a Prometheus backend (once per
    /// process: `sundial serve` calls it) and returns the metrics object.
    public static func bootstrapPrometheus() -> ServerMetrics {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        let buckets: [Duration] = [.microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
                                   .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
                                   .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10), .seconds(30)]
        factory.defaultDurationHistogramBuckets = buckets
        MetricsSystem.bootstrap(factory)
        return ServerMetrics(registry: registry)
    }

    /// Counts one answered request.
    func request(route: String, method: String, status: Int) {
        Counter(label: "sundial_http_requests_total", dimensions: [("route", route), ("method", method), ("status", String(status))]).increment()
    }

    /// A connection opened (+1) or closed (-1).
    func connection(_ delta: Int) {
        let now = connectionCount.withLock { n in n += delta; return n }
        openConnections.record(now)
    }

    /// The Prometheus text of every metric, with the engine's figures sampled now.
    func exposition(database: Database, queriesRunning: Int) -> [UInt8] {
        let stats = database.statistics()
        walBytes.record(stats.walBytes)
        series.record(stats.series)
        tables.record(stats.tables.count)
        segments.record(stats.tables.reduce(0) { $0 + $1.segments })
        segmentBytes.record(stats.tables.reduce(0) { $0 + $1.segmentBytes })
        rows.record(stats.tables.reduce(0) { $0 + $1.rows + $1.headRows })
        headRows.record(stats.tables.reduce(0) { $0 + $1.headRows })
        partitions.record(stats.tables.reduce(0) { $0 + $1.partitions.count })
        runningQueries.record(queriesRunning)
        var buffer: [UInt8] = []
        registry?.emit(into: &buffer)
        buffer += Array(Self.engineText(stats).utf8)
        return buffer
    }

    /// The engine's own cumulative figures, written as Prometheus text directly (they are
    /// kept by the storage engine, which does not depend on swift-metrics): the WAL fsync
    /// latency histogram and counters of flushes, compactions and deletions.
    static func engineText(_ stats: StorageEngine.Statistics) -> String {
        let syncs = stats.walSyncs
        var out = "# HELP sundial_wal_fsync_seconds Time of each fsync of the write-ahead log.\n"
        out += "# TYPE sundial_wal_fsync_seconds histogram\n"
        var cumulative = 0
        for (bound, count) in zip(SyncStatistics.bucketBounds, syncs.buckets) {
            cumulative += count
            out += "sundial_wal_fsync_seconds_bucket{le=\"\(Double(bound) / 1e9)\"} \(cumulative)\n"
        }
        out += "sundial_wal_fsync_seconds_bucket{le=\"+Inf\"} \(syncs.count)\n"
        out += "sundial_wal_fsync_seconds_sum \(Double(syncs.totalNanoseconds) / 1e9)\n"
        out += "sundial_wal_fsync_seconds_count \(syncs.count)\n"
        for (name, help, value) in [("sundial_flushes_total", "Flushes of the in-memory head to segments.", stats.flushes),
                                    ("sundial_compactions_total", "Partitions compacted.", stats.compactions),
                                    ("sundial_deletions_total", "DELETE statements applied.", stats.deletions)] {
            out += "# HELP \(name) \(help)\n# TYPE \(name) counter\n\(name) \(value)\n"
        }
        return out
    }
}
