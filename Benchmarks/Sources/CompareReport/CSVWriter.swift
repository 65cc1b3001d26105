// The CSV files the peers load: written while the same data goes into Sundial.
import BenchmarkSupport
#if canImport(Glibc)
import Glibc
#endif

/// An error of the comparison harness itself (not of an engine).
struct CompareError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A buffered CSV file writer (values here never need quoting).
struct CSVWriter {
    let file: UnsafeMutablePointer<FILE>
    var buffer: [UInt8] = []
    var failed = false

    init(path: String) throws(CompareError) {
        guard let file = fopen(path, "w") else { throw CompareError("cannot create \(path): \(String(cString: strerror(errno)))") }
        self.file = file
        buffer.reserveCapacity(1 << 20)
    }

    mutating func line(_ values: [String]) {
        buffer.append(contentsOf: values.joined(separator: ",").utf8)
        buffer.append(UInt8(ascii: "\n"))
        drainIfFull()
    }

    mutating func row(time: Int64, host: Int, values: [[Double]], at p: Int) {
        buffer.append(contentsOf: String(time).utf8)
        buffer.append(UInt8(ascii: ","))
        buffer.append(contentsOf: String(host).utf8)
        for field in values {
            buffer.append(UInt8(ascii: ","))
            let v = field[p]
            // TSBS values are whole numbers: write them as integers (the peers read DOUBLE).
            if v == v.rounded(), abs(v) < 1e15 { buffer.append(contentsOf: String(Int64(v)).utf8) } else { buffer.append(contentsOf: "\(v)".utf8) }
        }
        buffer.append(UInt8(ascii: "\n"))
        drainIfFull()
    }

    mutating func drainIfFull() { if buffer.count >= 1 << 20 { drain() } }

    mutating func drain() {
        let written = buffer.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        failed = failed || written != buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    mutating func close() throws(CompareError) {
        drain()
        failed = fclose(file) != 0 || failed
        if failed { throw CompareError("writing a CSV file failed: \(String(cString: strerror(errno)))") }
    }
}
