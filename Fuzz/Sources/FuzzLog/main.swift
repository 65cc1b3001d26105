// FuzzLog: libFuzzer target for the decoders of durable metadata: WAL segments (through
// WriteAheadLog.open on an in-memory file system), write-batch and schema-change WAL
// payloads, deletion payloads, and the manifest.
//
// Input: byte 0 picks the decoder (mod 6), the rest is its input:
//   0  a whole WAL segment file        1  a valid WAL header + fuzzed records
//   2  WriteBatch.decode               3  SchemaChange.decode      4  Manifest.decode
//   5  Deletion.decode
// Checks: decoding throws StorageError or succeeds, never traps; a WAL that opens replays
// records with increasing LSNs; a decoded batch re-encodes (with its series ids) to a batch
// that decodes equal, with the same series ids.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FuzzDriver
import FuzzSupport
import SundialStorage
import SundialTestSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let bytes = Array(UnsafeRawBufferPointer(start: data + 1, count: size - 1))
    switch data[0] % 6 {
    case 0, 1:
        let fs = FaultInjectingFileSystem()
        try? fs.createDirectory("/wal")
        let path = "/wal/" + WALFormat.segmentName(firstLSN: 1)
        var file = data[0] % 6 == 1 ? WALFormat.encodeHeader(firstLSN: 1) : []
        file += bytes
        if let handle = try? fs.open(path, mode: .createNew) {
            _ = try? file.withBytes { (raw) throws(StorageError) in try handle.write(raw, at: 0) }
        }
        for repair in [false, true] {
            var last: LSN = 0
            var options = WALOptions()
            options.repair = repair
            _ = try? WriteAheadLog.open(directory: "/wal", fileSystem: fs, options: options) { (record) throws(StorageError) in
                if record.lsn != last + 1 { fatalError("replayed LSN \(record.lsn) after \(last)") }
                last = record.lsn
            }
            fs.simulateProcessCrash()
        }
    case 2:
        if let decoded = try? WriteBatch.decode(bytes) {
            guard let again = try? WriteBatch.decode(decoded.batch.encode(seriesIDs: decoded.seriesIDs)),
                  again.batch == decoded.batch, again.seriesIDs == decoded.seriesIDs else {
                fatalError("a decoded write batch (or its series ids) does not survive re-encoding")
            }
        }
    case 3:
        if let change = try? SchemaChange.decode(bytes), (try? SchemaChange.decode(change.encode())) != change {
            fatalError("a decoded schema change does not survive re-encoding")
        }
    case 5:
        if let deletion = try? Deletion.decode(bytes), (try? Deletion.decode(deletion.encode())) != deletion {
            fatalError("a decoded deletion does not survive re-encoding")
        }
    default:
        if let manifest = try? Manifest.decode(bytes, path: "MANIFEST"),
           (try? Manifest.decode(manifest.encode(), path: "MANIFEST")) != manifest {
            fatalError("a decoded manifest does not survive re-encoding")
        }
    }
    return 0
}

FuzzDriver.run { fuzzOne($0, $1) }
