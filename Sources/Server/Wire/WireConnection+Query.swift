// Running a Query frame: the role check on the parsed statement (`Authorization`, as for
// HTTP), the workspace scope,
// and streaming the result as ResultSchema, ResultBatch… and Complete. Batches are
// converted as they come from the executor and written one at a time; each write
// suspends while the socket is full, so a result is never held whole in memory.
import NIOCore
import Sundial
import SundialQueryLang
import SundialServerCore
import SundialWire

extension WireConnection {
    func runQuery(_ query: Frame.Query, principal: Principal, _ outbound: Outbound) async -> Frame {
        let id = query.requestID
        let started = ContinuousClock.now
        do {
            let statement = try SQLParser.parse(query.sql)
            if let refusal = Authorization.check(statement, for: principal) {
                return .error(.init(requestID: id, code: .forbidden, message: refusal.message,
                                    line: UInt32(clamping: statement.location.line), column: UInt32(clamping: statement.location.column)))
            }
            let scope = principal.workspace.map { QueryScope(workspace: $0, tenantTag: configuration.tenantTag) } ?? .unrestricted
            let result = try await server.database.query(query.sql, parameters: query.parameters.map(SQLValue.init), scope: scope)
            let types = result.columns.map(\.type)
            try await send(.resultSchema(.init(requestID: id, columns: result.columns.map { .init(name: $0.name, type: WireType($0.type)) })), outbound)
            let limit = min(state.withLock { $0.clientMaxFrameSize }, WireFormat.defaultMaxFrameSize * 4)
            var rows: UInt64 = 0
            var iterator = result.makeAsyncIterator()
            while let batch = try await iterator.next() {
                try Task.checkCancellation()
                guard batch.count > 0 else { continue }
                try await sendBatch(WireBatch(batch, types: types), requestID: id, limit: limit, outbound)
                rows += UInt64(batch.count)
            }
            try Task.checkCancellation()
            let elapsed = started.duration(to: .now)
            return .complete(.init(requestID: id, rows: rows, elapsedNanoseconds: UInt64(clamping: elapsed.nanoseconds),
                                   rowsAffected: result.rowsAffected.map { UInt64(clamping: $0) }))
        } catch let error as QueryError {
            return .error(.from(error, requestID: id, cancelled: Task.isCancelled))
        } catch {
            if Task.isCancelled || error is CancellationError {
                return .error(.init(requestID: id, code: .cancelled, message: "the request was cancelled"))
            }
            logger.error("wire query failed", metadata: ["error": "\(error)"])
            return .error(.init(requestID: id, code: .internal, message: "\(error)"))
        }
    }

    /// Sends `batch` as one or more ResultBatch frames, each within `limit` bytes and the
    /// protocol's row and cell limits.
    func sendBatch(_ batch: WireBatch, requestID: UInt32, limit: Int, _ outbound: Outbound) async throws {
        var pending = [batch]
        while let next = pending.popLast() {
            let cells = next.count * max(1, next.columns.count)
            if next.count > 1 && (next.plainSizeBound > limit || next.count > WireFormat.maxBatchRows || cells > WireFormat.maxBatchCells) {
                let half = next.count / 2
                pending.append(next.slice(half..<next.count))
                pending.append(next.slice(0..<half))
                continue
            }
            var writer = ByteWriter(capacity: min(next.plainSizeBound, limit) + 16)
            Frame.resultBatch(.init(requestID: requestID, batch: next)).encode(into: &writer)
            try await outbound.write(ByteBuffer(bytes: writer.bytes))
            touch()
        }
    }
}
