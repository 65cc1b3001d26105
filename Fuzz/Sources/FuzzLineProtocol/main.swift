// FuzzLineProtocol: libFuzzer target for the InfluxDB line protocol parser.
//
// Input: byte 0 picks the precision, the rest is the batch text. Checks: the parser never
// traps; every line yields at most one point or one error; every error points inside its
// line (or one past its end); no point has a field named "time" or an empty measurement.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FuzzDriver
import FuzzSupport
import SundialStorage

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let precision = TimePrecision.allCases[Int(data[0]) % TimePrecision.allCases.count]
    let text = UnsafeRawBufferPointer(start: data + 1, count: size - 1)
    var limits = LineProtocolLimits()
    limits.maxLineBytes = 4096
    let result = LineProtocolParser(precision: precision, limits: limits).parse(text, defaultTime: 42)
    var lineLengths: [Int] = []
    var start = 0
    for i in 0..<text.count where text[i] == UInt8(ascii: "\n") { lineLengths.append(i - start); start = i + 1 }
    lineLengths.append(text.count - start)
    if result.points.count + result.errors.count > lineLengths.count {
        fatalError("\(result.points.count) points and \(result.errors.count) errors from \(lineLengths.count) lines")
    }
    for error in result.errors {
        guard error.line >= 1, error.line <= lineLengths.count, error.column >= 1,
              error.column <= max(lineLengths[error.line - 1] + 1, limits.maxLineBytes + 1) else {
            fatalError("error outside its line: \(error)")
        }
    }
    for point in result.points {
        if point.measurement.isEmpty || point.fields.isEmpty || point.fields.contains(where: { $0.key == "time" }) {
            fatalError("invalid point accepted: \(point)")
        }
    }
    return 0
}

FuzzDriver.run { fuzzOne($0, $1) }
