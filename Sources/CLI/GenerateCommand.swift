// `sundial generate`: TSBS devops cpu-only data as InfluxDB line protocol.
import ArgumentParser
import SundialWorkloads
#if canImport(Glibc)
import Glibc
#endif

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write TSBS devops cpu-only data as InfluxDB line protocol.")

    @Option(name: .long, help: "Hosts (series).")
    var hosts: Int = 100

    @Option(name: .long, help: "Points per host (8640 = one day at 10 s).")
    var points: Int = 8640

    @Option(name: .long, help: "Random seed; the same seed gives the same data.")
    var seed: UInt64 = 123

    @Option(name: .long, help: "Output file, or - for standard output.")
    var output: String = "-"

    func validate() throws {
        guard hosts > 0, points > 0 else { throw ValidationError("--hosts and --points must be positive") }
    }

    func run() throws {
        let generator = TSBSDevops(hosts: hosts, seed: seed)
        try writeFile(output) { handle in
            var failed = false
            generator.writeLineProtocol(points: points) { chunk in
                guard !failed else { return }
                let written = chunk.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, handle) }
                failed = written != chunk.count
            }
            if failed { throw ValidationError("cannot write \(output): \(String(cString: strerror(errno)))") }
        }
    }
}
