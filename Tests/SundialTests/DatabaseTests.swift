import Testing
import SundialTestSupport
import SundialWorkloads
import Sundial

@Suite struct DatabaseTests {
    static func configuration(_ fs: FaultInjectingFileSystem) -> Database.Configuration {
        var configuration = Database.Configuration()
        configuration.fileSystem = fs
        configuration.maintenanceInterval = nil
        return configuration
    }

    static func rows(_ db: Database, _ table: String) async throws -> [(tags: String, time: Int64, values: [ColumnValues])] {
        var out: [(String, Int64, [ColumnValues])] = []
        for try await batch in try db.scan(table: table) {
            let tags = batch.tags.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
            for i in batch.times.indices { out.append((tags, batch.times[i], batch.columns.map { $0.slice(i..<(i + 1)) })) }
        }
        return out
    }

    @Test func lineProtocolWritesGoodLinesAndReportsBadOnes() async throws {
        let fs = FaultInjectingFileSystem()
        let db = try await Database.open(at: "/data", configuration: Self.configuration(fs))
        let result = try await db.write(lineProtocol: """
            cpu,host=a usage=1.5,n=3i 1000
            cpu,host=b usage=2.5 2000
            cpu,host=a usage="text" 3000
            cpu,host=a bogus
            mem,host=a free=10i,ok=true 1000
            cpu,host=a usage=4 4000
            cpu,host=a n=1.5 5000
            """)
        #expect(result.rowsWritten == 4)
        #expect(result.errors.map(\.line) == [3, 4, 7])
        #expect(result.errors[0].message.contains("STRING"))
        #expect(result.errors[2].message.contains("BIGINT"))
        let cpu = try await Self.rows(db, "cpu")
        #expect(cpu.map(\.time) == [1000, 4000, 2000])
        #expect(cpu[1].values[1] == .bigint([0], valid: [false]), "a line without a field has no value for it")
        #expect(db.tables.map(\.name) == ["cpu", "mem"])
        #expect(db.tables[0].columns.map(\.name) == ["time", "host", "usage", "n"])
        // A conflicting type against the stored table.
        let again = try await db.write(lineProtocol: "cpu,host=a usage=1i 6000")
        #expect(again.rowsWritten == 0)
        #expect(again.errors.first?.message.contains("DOUBLE") == true)
        try await db.close()
    }

    @Test func reopenAfterCloseAndAfterCrash() async throws {
        let fs = FaultInjectingFileSystem()
        let db = try await Database.open(at: "/data", configuration: Self.configuration(fs))
        var text: [UInt8] = []
        TSBSDevops(hosts: 5).writeLineProtocol(points: 30) { text += $0 }
        let result = try await db.write(lineProtocolBytes: text)
        #expect(result.errors.isEmpty)
        #expect(result.rowsWritten == 150)
        let second = Self.configuration(fs)
        do {
            _ = try await Database.open(at: "/data", configuration: second)
            Issue.record("a second open of a database in use succeeded")
        } catch {
            #expect(error.message.contains("in use"))
        }
        fs.simulatePowerLoss()
        let reopened = try await Database.open(at: "/data", configuration: Self.configuration(fs))
        #expect(reopened.recovery.replayedRecords >= 1)
        let rows = try await Self.rows(reopened, "cpu")
        #expect(rows.count == 150)
        #expect(Set(rows.map(\.tags)).count == 5)
        try await reopened.flush()
        try reopened.verify()
        let stats = reopened.statistics()
        #expect(stats.tables.first?.rows == 150)
        #expect(stats.tables.first?.series == 5)
        try await reopened.close()
    }

    @Test func explicitTablesAndRetention() async throws {
        let fs = FaultInjectingFileSystem()
        let db = try await Database.open(at: "/data", configuration: Self.configuration(fs))
        try await db.createTable("events", columns: [ColumnDefinition(name: "user", type: .tag), ColumnDefinition(name: "ms", type: .double)],
                                 options: TableOptions(partitionDuration: 3_600_000_000_000))
        try await db.setRetention(table: "events", 86_400_000_000_000)
        #expect(db.tables.first?.options.retention == 86_400_000_000_000)
        #expect(db.tables.first?.options.partitionDuration == 3_600_000_000_000)
        try await db.close()
        let reopened = try await Database.open(at: "/data", configuration: Self.configuration(fs))
        #expect(reopened.tables.first?.columns.map(\.name) == ["time", "user", "ms"])
        #expect(reopened.tables.first?.options.retention == 86_400_000_000_000)
    }
}
