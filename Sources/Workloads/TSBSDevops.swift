// The Time Series Benchmark Suite's devops `cpu-only` use case, regenerated here so
// every benchmark, test and tool can use the same data without downloading anything.
//
// The `cpu` measurement: ten tags per host (hostname, region, datacenter, rack, os,
// arch, team, service, service_version, service_environment) and ten fields
// (usage_user … usage_guest_nice) every 10 s. Each field is a random walk that starts
// uniform in [0, 100), steps N(0, 1), is clamped to [0, 100] and is emitted truncated
// to an integer (stored as a double), as TSBS does.

/// One host of the TSBS devops data set: its tags and the state of its ten walks.
public struct TSBSHost: Sendable, Hashable {
    /// Tag values in the order of ``TSBSDevops/tagKeys``.
    public var tags: [String]
    /// The hostname tag (`host_<n>`).
    public var hostname: String { tags[0] }
}

/// A deterministic generator of TSBS devops `cpu-only` data.
///
/// ```swift
/// var generator = TSBSDevops(hosts: 100, seed: 42)
/// let day = generator.seriesColumns(host: 0, points: 8640)   // one host, one day
/// ```
public struct TSBSDevops: Sendable {
    /// The measurement (table) name.
    public static let measurement = "cpu"
    /// Tag keys, in TSBS order.
    public static let tagKeys = [
        "hostname", "region", "datacenter", "rack", "os", "arch", "team", "service",
        "service_version", "service_environment",
    ]
    /// Field names, in TSBS order.
    public static let fieldNames = [
        "usage_user", "usage_system", "usage_idle", "usage_nice", "usage_iowait",
        "usage_irq", "usage_softirq", "usage_steal", "usage_guest", "usage_guest_nice",
    ]
    /// 2016-01-01T00:00:00Z, TSBS's default start, in nanoseconds.
    public static let defaultStart: Int64 = 1_451_606_400_000_000_000
    /// TSBS's sampling interval: 10 s in nanoseconds.
    public static let defaultInterval: Int64 = 10_000_000_000

    static let regions: [(String, [String])] = [
        ("us-east-1", ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1e"]),
        ("us-west-1", ["us-west-1a", "us-west-1b"]),
        ("us-west-2", ["us-west-2a", "us-west-2b", "us-west-2c"]),
        ("eu-west-1", ["eu-west-1a", "eu-west-1b", "eu-west-1c"]),
        ("eu-central-1", ["eu-central-1a", "eu-central-1b"]),
        ("ap-southeast-1", ["ap-southeast-1a", "ap-southeast-1b"]),
        ("ap-southeast-2", ["ap-southeast-2a", "ap-southeast-2b"]),
        ("ap-northeast-1", ["ap-northeast-1a", "ap-northeast-1c"]),
        ("sa-east-1", ["sa-east-1a", "sa-east-1b", "sa-east-1c"]),
    ]
    static let operatingSystems = ["Ubuntu16.10", "Ubuntu16.04LTS", "Ubuntu15.10"]
    static let architectures = ["x64", "x86"]
    static let teams = ["SF", "NYC", "LON", "CHI"]
    static let environments = ["production", "staging", "test"]

    /// The hosts, with their tags.
    public let hosts: [TSBSHost]
    /// The first timestamp (ns).
    public let start: Int64
    /// The interval between points (ns).
    public let interval: Int64
    /// The seed everything derives from.
    public let seed: UInt64

    /// - Parameters:
    ///   - hosts: the number of hosts (series); TSBS's scale.
    ///   - start: the first timestamp in nanoseconds.
    ///   - interval: nanoseconds between points.
    ///   - seed: the same seed gives the same data everywhere.
    public init(hosts: Int, start: Int64 = TSBSDevops.defaultStart,
                interval: Int64 = TSBSDevops.defaultInterval, seed: UInt64 = 123) {
        precondition(hosts >= 0 && interval > 0)
        var rng = SplitMix64(seed: seed)
        var list: [TSBSHost] = []
        list.reserveCapacity(hosts)
        for h in 0..<hosts {
            let (region, zones) = Self.regions[Int(rng.next() % UInt64(Self.regions.count))]
            var tags: [String] = ["host_\(h)", region]
            tags.append(zones[Int(rng.next() % UInt64(zones.count))])
            tags.append(String(rng.next() % 100))
            tags.append(Self.operatingSystems[Int(rng.next() % 3)])
            tags.append(Self.architectures[Int(rng.next() % 2)])
            tags.append(Self.teams[Int(rng.next() % 4)])
            tags.append(String(rng.next() % 20))
            tags.append(String(rng.next() % 2))
            tags.append(Self.environments[Int(rng.next() % 3)])
            list.append(TSBSHost(tags: tags))
        }
        self.hosts = list
        self.start = start
        self.interval = interval
        self.seed = seed
    }

    /// The random generator for one host's walks (independent of the other hosts, so a
    /// host's series is the same whatever order hosts are generated in).
    func walkGenerator(host: Int) -> SplitMix64 {
        SplitMix64(seed: seed ^ (UInt64(host) &+ 1) &* 0xD6E8_FEB8_6659_FD93)
    }

    /// One host's data, column by column: `points` timestamps and, per field, `points`
    /// values. This is how a segment stores a series, and what the codec benchmarks use.
    public func seriesColumns(host: Int, points: Int) -> (timestamps: [Int64], fields: [[Double]]) {
        var walks = Walks(generator: walkGenerator(host: host))
        var timestamps = [Int64](repeating: 0, count: points)
        var fields = [[Double]](repeating: [Double](repeating: 0, count: points), count: Self.fieldNames.count)
        for p in 0..<points {
            timestamps[p] = start &+ Int64(p) &* interval
            walks.step()
            for f in 0..<Self.fieldNames.count { fields[f][p] = walks.emitted(f) }
        }
        return (timestamps, fields)
    }

    /// Streams rows in time order (all hosts at t0, then all hosts at t1, …) as InfluxDB
    /// line protocol, calling `sink` with chunks of roughly `chunkSize` bytes.
    public func writeLineProtocol(points: Int, chunkSize: Int = 1 << 20, _ sink: ([UInt8]) throws -> Void) rethrows {
        var walks = (0..<hosts.count).map { Walks(generator: walkGenerator(host: $0)) }
        let prefixes = hosts.map { host -> [UInt8] in
            var line = Self.measurement
            for (key, value) in zip(Self.tagKeys, host.tags) { line += ",\(key)=\(value)" }
            return Array((line + " ").utf8)
        }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(chunkSize + 512)
        for p in 0..<points {
            let time = start &+ Int64(p) &* interval
            for h in 0..<hosts.count {
                walks[h].step()
                buffer.append(contentsOf: prefixes[h])
                for f in 0..<Self.fieldNames.count {
                    if f > 0 { buffer.append(UInt8(ascii: ",")) }
                    buffer.append(contentsOf: Self.fieldNames[f].utf8)
                    buffer.append(UInt8(ascii: "="))
                    buffer.append(contentsOf: String(Int(walks[h].emitted(f))).utf8)
                }
                buffer.append(UInt8(ascii: " "))
                buffer.append(contentsOf: String(time).utf8)
                buffer.append(UInt8(ascii: "\n"))
                if buffer.count >= chunkSize {
                    try sink(buffer)
                    buffer.removeAll(keepingCapacity: true)
                }
            }
        }
        if !buffer.isEmpty { try sink(buffer) }
    }

    /// The ten clamped random walks of one host.
    struct Walks {
        var generator: SplitMix64
        var state: [Double]

        init(generator: SplitMix64) {
            self.generator = generator
            state = (0..<TSBSDevops.fieldNames.count).map { _ in 0 }
            for f in state.indices { state[f] = self.generator.nextUnit() * 100 }
        }

        mutating func step() {
            for f in state.indices {
                state[f] = Swift.min(100, Swift.max(0, state[f] + generator.nextNormal()))
            }
        }

        /// The emitted value: the walk truncated to an integer, as a double.
        func emitted(_ field: Int) -> Double { state[field].rounded(.towardZero) }
    }
}

extension TSBSDevops {
    /// Streams every host's data window by window, holding only the walks' state: the
    /// values equal `seriesColumns(host:points:)`'s, whatever the window sizes.
    public struct Stream: Sendable {
        let generator: TSBSDevops
        var walks: [Walks]
        /// Points produced so far per host.
        public private(set) var position = 0

        /// The next `count` points of every host: per host, timestamps and one array per field.
        public mutating func next(_ count: Int) -> [(timestamps: [Int64], fields: [[Double]])] {
            let start = position
            position += count
            return walks.indices.map { h in
                var timestamps = [Int64](repeating: 0, count: count)
                var fields = [[Double]](repeating: [Double](repeating: 0, count: count), count: TSBSDevops.fieldNames.count)
                for p in 0..<count {
                    timestamps[p] = generator.start &+ Int64(start + p) &* generator.interval
                    walks[h].step()
                    for f in 0..<TSBSDevops.fieldNames.count { fields[f][p] = walks[h].emitted(f) }
                }
                return (timestamps, fields)
            }
        }
    }

    /// A stream of all hosts' data from the first point.
    public func stream() -> Stream {
        Stream(generator: self, walks: (0..<hosts.count).map { Walks(generator: walkGenerator(host: $0)) })
    }
}
