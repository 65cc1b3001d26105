// `sundial write`: loads InfluxDB line protocol from a file or standard input.
import ArgumentParser
import Sundial
#if canImport(Glibc)
import Glibc
#endif

extension TimePrecision: ExpressibleByArgument {}

enum FsyncArgument: String, ExpressibleByArgument, CaseIterable {
    case always, interval, none
    var policy: FsyncPolicy {
        switch self {
        case .always: .always
        case .interval: .interval(milliseconds: 100)
        case .none: .none
        }
    }
}

struct WriteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "write",
        abstract: "Write InfluxDB line protocol into a database.",
        discussion: """
            Good lines are written even when others are bad; every bad line is reported on \
            standard error with its line, column and reason, and the exit status is then 1.
            """)

    @Option(name: .long, help: "The data directory.")
    var data: String = "./sundial-data"

    @Option(name: .long, help: "The unit of the timestamps: ns, us, ms or s.")
    var precision: TimePrecision = .nanoseconds

    @Option(name: .long, help: "Durability: always (default), interval (100 ms) or none.")
    var fsync: FsyncArgument = .always

    @Argument(help: "A line protocol file, or - for standard input.")
    var input: String

    func run() async throws {
        guard let file = input == "-" ? fdopen(STDIN_FILENO, "r") : fopen(input, "r") else {
            throw ValidationError("cannot open \(input): \(String(cString: strerror(errno)))")
        }
        defer { if input != "-" { fclose(file) } }
        var total = -1
        var info = stat()
        if input != "-", stat(input, &info) == 0 { total = Int(info.st_size) }
        let progress = isatty(STDERR_FILENO) == 1 && total > 8 << 20

        var configuration = Database.Configuration()
        configuration.fsync = fsync.policy
        configuration.maintenanceInterval = nil
        let db = try await Database.open(at: data, configuration: configuration)
        let clock = ContinuousClock()
        let started = clock.now
        var rows = 0, values = 0, rejected = 0, consumed = 0, linesBefore = 0
        var carry: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if n == 0 && carry.isEmpty { break }
            var piece = carry + chunk[0..<n]
            carry = []
            if n > 0, let lastNewline = piece.lastIndex(of: UInt8(ascii: "\n")) {
                carry = Array(piece[(lastNewline + 1)...])
                piece.removeSubrange((lastNewline + 1)...)
            }
            consumed += n
            let result = try await db.write(lineProtocolBytes: piece, precision: precision)
            rows += result.rowsWritten
            for error in result.errors {
                rejected += 1
                if rejected <= 100 {
                    printError("line \(linesBefore + error.line), column \(error.column): \(error.message)")
                }
            }
            values += result.rowsWritten  // refined below from the statistics
            linesBefore += piece.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
            if progress {
                let percent = min(100, consumed * 100 / max(total, 1))
                let bar = String(repeating: "█", count: percent / 4) + String(repeating: "·", count: 25 - percent / 4)
                writeStandardError("\r\(bar) \(percent)%  \(rows) rows")
            }
            if n == 0 { break }
        }
        if progress { writeStandardError("\n") }
        try await db.flush()
        let elapsed = started.duration(to: clock.now)
        try await db.close()
        let seconds = max(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, 1e-9)
        if rejected > 100 { printError("… and \(rejected - 100) more rejected lines") }
        print("wrote \(rows) rows in \(fixed(seconds, 2)) s (\(Int(Double(rows) / seconds)) rows/s)"
              + (rejected > 0 ? "; rejected \(rejected) lines" : ""))
        if rejected > 0 { throw ExitCode(1) }
    }
}

func printError(_ text: String) {
    writeStandardError(text + "\n")
}

func writeStandardError(_ text: String) {
    var copy = text
    copy.withUTF8 { bytes in _ = Glibc.write(STDERR_FILENO, bytes.baseAddress, bytes.count) }
}
