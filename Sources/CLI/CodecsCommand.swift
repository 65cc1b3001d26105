// `sundial codecs`: generates TSBS devops cpu-only data into the data directory, encodes
// every series' columns with the column codecs, checks every block decodes back bit for
// bit, and reports the encoding chosen, bits per value and speed.
import ArgumentParser
import Sundial
import SundialWorkloads
#if canImport(Glibc)
import Glibc
#endif

struct CodecsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "codecs",
        abstract: "Compress TSBS devops data with Sundial's column codecs and report the results.")

    @Option(name: .long, help: "The data directory (created when missing).")
    var data: String = "./sundial-data"

    @Option(name: .long, help: "Hosts (series) to generate.")
    var hosts: Int = 100

    @Option(name: .long, help: "Points per host (8640 = one day at 10 s).")
    var points: Int = 8640

    @Option(name: .long, help: "Values per block.")
    var blockSize: Int = 8640

    @Option(name: .long, help: "Random seed; the same seed gives the same data.")
    var seed: UInt64 = 123

    func validate() throws {
        guard hosts > 0, points > 0 else { throw ValidationError("--hosts and --points must be positive") }
        guard blockSize > 0, blockSize <= ColumnBlock.maxValueCount else {
            throw ValidationError("--block-size must be in 1...\(ColumnBlock.maxValueCount)")
        }
    }

    func run() throws {
        try makeDirectory(data)
        let generator = TSBSDevops(hosts: hosts, seed: seed)
        let linePath = data + "/tsbs-cpu.lp"
        var lineBytes = 0
        try writeFile(linePath) { handle in
            generator.writeLineProtocol(points: points) { chunk in
                lineBytes += chunk.count
                _ = chunk.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, handle) }
            }
        }
        print("wrote \(hosts * points) rows of TSBS cpu-only line protocol (\(formatBytes(lineBytes))) to \(linePath)")

        var report = CodecReport()
        for h in 0..<hosts {
            let (timestamps, fields) = generator.seriesColumns(host: h, points: points)
            try report.add(column: "time", timestamps: timestamps, blockSize: blockSize)
            for (f, name) in TSBSDevops.fieldNames.enumerated() {
                try report.add(column: name, doubles: fields[f], blockSize: blockSize)
            }
        }
        report.print(rawBytes: lineBytes)
    }
}

/// Accumulates per-column results of encoding and decoding blocks.
struct CodecReport {
    struct Line {
        var values = 0
        var bytes = 0
        var encodeNanos: Int64 = 0
        var decodeNanos: Int64 = 0
        var encodings: [ColumnEncoding: Int] = [:]
    }
    var order: [String] = []
    var lines: [String: Line] = [:]

    mutating func record(_ column: String, values: Int, bytes: Int, encoding: ColumnEncoding, encode: Duration, decode: Duration) {
        if lines[column] == nil { order.append(column); lines[column] = Line() }
        lines[column]!.values += values
        lines[column]!.bytes += bytes
        lines[column]!.encodeNanos += encode.nanoseconds
        lines[column]!.decodeNanos += decode.nanoseconds
        lines[column]!.encodings[encoding, default: 0] += 1
    }

    mutating func add(column: String, timestamps: [Int64], blockSize: Int) throws {
        var output = [Int64](repeating: 0, count: blockSize)
        for start in stride(from: 0, to: timestamps.count, by: blockSize) {
            let slice = Array(timestamps[start..<min(start + blockSize, timestamps.count)])
            var writer = ByteWriter(capacity: slice.count)
            let clock = ContinuousClock()
            var encoding = ColumnEncoding.timestampDeltaOfDelta
            let encodeTime = clock.measure {
                encoding = slice.withUnsafeBufferPointer { ColumnBlock.encodeTimestamps($0, into: &writer) }
            }
            var decoded = 0
            var failure: StorageError?
            let decodeTime = clock.measure {
                writer.bytes.withUnsafeBytes { block in
                    output.withUnsafeMutableBufferPointer { out in
                        do throws(StorageError) { decoded = try ColumnBlock.decodeInt64(block, into: out) } catch { failure = error }
                    }
                }
            }
            if let failure { throw failure }
            guard decoded == slice.count, Array(output[0..<decoded]) == slice else {
                throw ValidationError("round trip of \(column) failed")
            }
            record(column, values: slice.count, bytes: writer.count, encoding: encoding, encode: encodeTime, decode: decodeTime)
        }
    }

    mutating func add(column: String, doubles: [Double], blockSize: Int) throws {
        var output = [Double](repeating: 0, count: blockSize)
        for start in stride(from: 0, to: doubles.count, by: blockSize) {
            let slice = Array(doubles[start..<min(start + blockSize, doubles.count)])
            var writer = ByteWriter(capacity: slice.count)
            let clock = ContinuousClock()
            var encoding = ColumnEncoding.doubleGorilla
            let encodeTime = clock.measure {
                encoding = slice.withUnsafeBufferPointer { ColumnBlock.encodeDoubles($0, into: &writer) }
            }
            var decoded = 0
            var failure: StorageError?
            let decodeTime = clock.measure {
                writer.bytes.withUnsafeBytes { block in
                    output.withUnsafeMutableBufferPointer { out in
                        do throws(StorageError) { decoded = try ColumnBlock.decodeDoubles(block, into: out) } catch { failure = error }
                    }
                }
            }
            if let failure { throw failure }
            guard decoded == slice.count,
                  zip(output[0..<decoded], slice).allSatisfy({ $0.bitPattern == $1.bitPattern }) else {
                throw ValidationError("round trip of \(column) failed")
            }
            record(column, values: slice.count, bytes: writer.count, encoding: encoding, encode: encodeTime, decode: decodeTime)
        }
    }

    func print(rawBytes: Int) {
        Swift.print("")
        Swift.print(pad("column", 18) + pad("encodings", 34) + pad("bits/value", 12, right: true)
                    + pad("encode Mv/s", 13, right: true) + pad("decode Mv/s", 13, right: true))
        var totalValues = 0
        var totalBytes = 0
        var fieldValues = 0
        var fieldBytes = 0
        for column in order {
            let line = lines[column]!
            totalValues += line.values
            totalBytes += line.bytes
            if column != "time" { fieldValues += line.values; fieldBytes += line.bytes }
            let encodings = line.encodings.sorted { $0.value > $1.value }.map { "\($0.key)×\($0.value)" }.joined(separator: " ")
            Swift.print(pad(column, 18) + pad(encodings, 34)
                        + pad(fixed(Double(line.bytes * 8) / Double(line.values), 3), 12, right: true)
                        + pad(fixed(rate(line.values, line.encodeNanos), 1), 13, right: true)
                        + pad(fixed(rate(line.values, line.decodeNanos), 1), 13, right: true))
        }
        Swift.print("")
        Swift.print("fields: \(fixed(Double(fieldBytes * 8) / Double(max(fieldValues, 1)), 3)) bits/value; "
                    + "all columns: \(formatBytes(totalBytes)) for \(totalValues) values, "
                    + "\(fixed(Double(rawBytes) / Double(max(totalBytes, 1)), 1))x smaller than the line protocol; "
                    + "every block decoded back bit for bit")
    }

    func rate(_ values: Int, _ nanos: Int64) -> Double {
        nanos == 0 ? 0 : Double(values) / Double(nanos) * 1000
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
    let padding = String(repeating: " ", count: max(0, width - text.count))
    return right ? padding + text + " " : text + padding
}

func fixed(_ value: Double, _ digits: Int) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    var text = String(rounded)
    if let dot = text.firstIndex(of: ".") {
        let decimals = text.distance(from: dot, to: text.endIndex) - 1
        if decimals < digits { text += String(repeating: "0", count: digits - decimals) }
    }
    return text
}

func formatBytes(_ bytes: Int) -> String {
    if bytes >= 1 << 20 { return fixed(Double(bytes) / Double(1 << 20), 1) + " MiB" }
    if bytes >= 1 << 10 { return fixed(Double(bytes) / Double(1 << 10), 1) + " KiB" }
    return "\(bytes) B"
}

func makeDirectory(_ path: String) throws {
    if mkdir(path, 0o755) != 0 && errno != EEXIST {
        throw ValidationError("cannot create \(path): \(String(cString: strerror(errno)))")
    }
}

/// Opens `path` for writing (or standard output for "-"), runs `body`, closes it.
func writeFile(_ path: String, _ body: (UnsafeMutablePointer<FILE>) throws -> Void) throws {
    if path == "-" {
        guard let handle = fdopen(STDOUT_FILENO, "w") else {
            throw ValidationError("cannot write to standard output")
        }
        try body(handle)
        guard fflush(handle) == 0 else {
            throw ValidationError("cannot write to standard output: \(String(cString: strerror(errno)))")
        }
        return
    }
    guard let handle = fopen(path, "w") else {
        throw ValidationError("cannot open \(path): \(String(cString: strerror(errno)))")
    }
    defer { fclose(handle) }
    try body(handle)
    guard fflush(handle) == 0, ferror(handle) == 0 else {
        throw ValidationError("cannot write \(path): \(String(cString: strerror(errno)))")
    }
}
