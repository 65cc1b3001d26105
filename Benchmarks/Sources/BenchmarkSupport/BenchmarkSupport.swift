// What every report of the benchmark package shares: wall-clock timing, number
// formatting, progress lines, peak memory, and temporary data directories.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SundialStorage

public let clock = ContinuousClock()

/// A duration in seconds.
public func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

/// The wall-clock seconds `body` takes.
public func timed(_ body: () throws -> Void) rethrows -> Double {
    let start = clock.now
    try body()
    return seconds(start.duration(to: clock.now))
}

/// The wall-clock seconds `body` takes (async).
public func timed(_ body: () async throws -> Void) async rethrows -> Double {
    let start = clock.now
    try await body()
    return seconds(start.duration(to: clock.now))
}

/// A progress line on standard error (standard output is the report).
public func log(_ text: String) {
    let line = Array((text + "\n").utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}

/// `value` with `digits` decimals.
public func fixed(_ value: Double, _ digits: Int) -> String {
    guard value.isFinite else { return String(value) }
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    var text = String(rounded)
    if text.contains("e") { return text }
    if let dot = text.firstIndex(of: ".") {
        let decimals = text.distance(from: dot, to: text.endIndex) - 1
        if digits == 0 { return String(text[..<dot]) }
        if decimals < digits { text += String(repeating: "0", count: digits - decimals) }
    }
    return text
}

/// An integer with thousands separators: 1,234,567.
public func grouped(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var out = ""
    for (i, c) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(c)
    }
    return value < 0 ? "-" + out : out
}

/// The process's peak resident memory in bytes.
public func peakRSS() -> Int {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Int(usage.ru_maxrss) * 1024
}

// MARK: Files

/// A new empty directory `/tmp/sundial-<name>-XXXXXX`.
public func makeTemporaryDirectory(_ name: String) -> String {
    var template = Array("/tmp/sundial-\(name)-XXXXXX".utf8CString)
    return template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
}

public func fileExists(_ path: String) -> Bool { access(path, F_OK) == 0 }

/// Bytes of every file under `path`.
public func directoryBytes(_ path: String) -> Int {
    let fs = PosixFileSystem()
    guard let names = try? fs.contentsOfDirectory(path) else { return 0 }
    return names.reduce(0) { total, name in
        let child = path + "/" + name
        var info = stat()
        guard lstat(child, &info) == 0 else { return total }
        return total + ((info.st_mode & S_IFMT) == S_IFDIR ? directoryBytes(child) : Int(info.st_size))
    }
}

/// Removes `path` and everything under it.
public func removeTree(_ path: String) {
    let fs = PosixFileSystem()
    for name in (try? fs.contentsOfDirectory(path)) ?? [] {
        let child = path + "/" + name
        var info = stat()
        if lstat(child, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR { removeTree(child) } else { unlink(child) }
    }
    rmdir(path)
}
