// Running a Write frame: the role check, the workspace rule (a workspace-scoped
// credential's every line or series must carry `<tenantTag>=<its workspace>`; the others
// are refused per line, the rest written), and the Ack.
import Sundial
import SundialServerCore
import SundialStorage
import SundialWire

extension WireConnection {
    func runWrite(_ write: Frame.Write, principal: Principal) async -> Frame {
        let id = write.requestID
        guard principal.role >= .writer else {
            return .error(.init(requestID: id, code: .forbidden, message: "a \(principal.role.rawValue) credential cannot write (it needs writer)"))
        }
        do {
            switch write.content {
            case .lineProtocol(let bytes, let precision):
                var payload = bytes
                var refused: [Frame.RejectedLine] = []
                if let workspace = principal.workspace {
                    refused = Self.confine(&payload, precision: precision, to: workspace, tag: configuration.tenantTag)
                }
                let result = try await server.database.write(lineProtocolBytes: payload, precision: precision)
                let rejected = (refused + result.errors.map {
                    Frame.RejectedLine(line: UInt32(clamping: $0.line), column: UInt32(clamping: $0.column), reason: $0.message)
                }).sorted { $0.line < $1.line }
                return .ack(.init(requestID: id, lsn: result.lsn, rowsWritten: UInt64(result.rowsWritten), rejected: rejected))
            case .batch(var batch):
                var refused: [Frame.RejectedLine] = []
                if let workspace = principal.workspace {
                    var kept: [SeriesRows] = []
                    for (i, series) in batch.series.enumerated() {
                        if series.tags.contains(where: { $0.key == configuration.tenantTag && $0.value == workspace }) {
                            kept.append(series)
                        } else {
                            refused.append(.init(line: UInt32(clamping: i + 1), column: 0,
                                                 reason: "the series does not carry \(configuration.tenantTag)=\(workspace)"))
                        }
                    }
                    batch.series = kept
                }
                guard !batch.series.isEmpty else {
                    return .ack(.init(requestID: id, lsn: 0, rowsWritten: 0, rejected: refused))
                }
                let outcome = try await server.database.write(batch)
                let rejected = refused + outcome.rejected.map {
                    Frame.RejectedLine(line: UInt32(clamping: $0.series + 1), column: 0, reason: $0.error.message)
                }
                return .ack(.init(requestID: id, lsn: outcome.lsn, rowsWritten: UInt64(outcome.rowsWritten), rejected: rejected))
            }
        } catch {
            return .error(.from(error, requestID: id))
        }
    }

    /// Blanks every line of `payload` whose point lacks `tag=workspace` (keeping its
    /// newline, so the database's line numbers stay those of the client's text) and
    /// returns those lines as refused. Lines that do not parse are left for the database
    /// to report.
    static func confine(_ payload: inout [UInt8], precision: TimePrecision, to workspace: String, tag: String) -> [Frame.RejectedLine] {
        let parsed = LineProtocolParser(precision: precision).parse(payload, defaultTime: 0)
        var foreign: Set<Int> = []
        for (point, line) in zip(parsed.points, parsed.lines)
        where !point.tags.contains(where: { $0.key == tag && $0.value == workspace }) {
            foreign.insert(line)
        }
        guard !foreign.isEmpty else { return [] }
        var line = 1
        for i in payload.indices {
            if payload[i] == UInt8(ascii: "\n") { line += 1 }
            else if foreign.contains(line) { payload[i] = UInt8(ascii: " ") }
        }
        return foreign.sorted().map {
            Frame.RejectedLine(line: UInt32(clamping: $0), column: 0, reason: "the line does not carry \(tag)=\(workspace)")
        }
    }
}
