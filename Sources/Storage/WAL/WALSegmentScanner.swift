// Reading WAL segments back: validation of headers and records, and the distinction
// between a torn tail (the last write did not finish: truncate it) and corruption
// before the tail (an error naming file and offset, unless repair was asked for).

/// What a scan of one segment found.
struct WALSegmentScan {
    /// The records that validated, in order.
    var records: [WALRecord] = []
    /// Where valid data ends (the whole file when `damage` is nil).
    var validLength: Int
    /// The first invalid byte, and why, if any.
    var damage: StorageError?
    /// Whether any valid record follows the damage (then it is not a torn tail).
    var validRecordAfterDamage = false
}

enum WALSegmentScanner {
    /// Scans a segment whose bytes are `bytes`, expecting its first record to carry `firstLSN`.
    static func scan(_ bytes: UnsafeRawBufferPointer, path: String, firstLSN: LSN, keepPayloads: Bool = true) -> WALSegmentScan {
        var result = WALSegmentScan(validLength: 0)
        if let problem = checkHeader(bytes, path: path, firstLSN: firstLSN) {
            result.damage = problem
            // A header damaged after records were written is corruption, not a torn creation.
            result.validRecordAfterDamage = hasValidRecord(after: WALFormat.segmentHeaderSize - 1, in: bytes,
                                                           path: path, minimumLSN: firstLSN)
            return result
        }
        var offset = WALFormat.segmentHeaderSize
        var expected = firstLSN
        result.validLength = offset
        while offset < bytes.count {
            switch record(at: offset, in: bytes, path: path) {
            case .success(let (lsn, kind, payloadRange)):
                guard lsn == expected else {
                    result.damage = StorageError(.corrupt, "record has LSN \(lsn), expected \(expected)", file: path, offset: offset)
                    result.validRecordAfterDamage = true
                    return result
                }
                let payload = keepPayloads ? Array(UnsafeRawBufferPointer(rebasing: bytes[payloadRange])) : []
                result.records.append(WALRecord(lsn: lsn, kind: kind, payload: payload))
                offset = payloadRange.upperBound
                result.validLength = offset
                expected += 1
            case .failure(let error):
                result.damage = error
                result.validRecordAfterDamage = hasValidRecord(after: offset, in: bytes, path: path, minimumLSN: expected)
                return result
            }
        }
        return result
    }

    static func checkHeader(_ bytes: UnsafeRawBufferPointer, path: String, firstLSN: LSN) -> StorageError? {
        guard bytes.count >= WALFormat.segmentHeaderSize else {
            return StorageError(.truncated, "segment header is \(bytes.count) of \(WALFormat.segmentHeaderSize) bytes", file: path, offset: 0)
        }
        guard Array(bytes[0..<8]) == WALFormat.magic else {
            return StorageError(.corrupt, "not a Sundial WAL segment (bad magic)", file: path, offset: 0)
        }
        let stored = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 24, as: UInt32.self))
        guard stored == CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[0..<24])) else {
            return StorageError(.checksumMismatch, "segment header checksum mismatch", file: path, offset: 24)
        }
        let version = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
        guard version == WALFormat.version else {
            return StorageError(.corrupt, "unsupported WAL version \(version)", file: path, offset: 8)
        }
        let headerLSN = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
        guard headerLSN == firstLSN else {
            return StorageError(.corrupt, "segment header says first LSN \(headerLSN), its name says \(firstLSN)", file: path, offset: 16)
        }
        return nil
    }

    /// Validates the record at `offset`: its length, checksum and bounds.
    static func record(at offset: Int, in bytes: UnsafeRawBufferPointer, path: String)
        -> Result<(LSN, UInt8, Range<Int>), StorageError> {
        guard bytes.count - offset >= WALFormat.recordHeaderSize else {
            return .failure(StorageError(.truncated, "record header cut short (\(bytes.count - offset) bytes)", file: path, offset: offset))
        }
        let length = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
        guard length >= 9, length - 9 <= WALFormat.maxPayloadSize else {
            return .failure(StorageError(.corrupt, "record length \(length) is invalid", file: path, offset: offset))
        }
        guard bytes.count - offset - 8 >= length else {
            return .failure(StorageError(.truncated, "record of \(length + 8) bytes cut short at \(bytes.count - offset)", file: path, offset: offset))
        }
        let stored = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self))
        let lengthCRC = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + 4)]))
        let computed = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[(offset + 8)..<(offset + 8 + length)]), continuing: lengthCRC)
        guard stored == computed else {
            return .failure(StorageError(.checksumMismatch, "record checksum mismatch", file: path, offset: offset))
        }
        let lsn = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self))
        let kind = bytes[offset + 16]
        return .success((lsn, kind, (offset + WALFormat.recordHeaderSize)..<(offset + 8 + length)))
    }

    /// Whether a record with a valid checksum and an LSN of at least `minimumLSN` starts
    /// anywhere after `offset`: if so, the damage at `offset` is not a torn tail.
    static func hasValidRecord(after offset: Int, in bytes: UnsafeRawBufferPointer, path: String, minimumLSN: LSN) -> Bool {
        var candidate = offset + 1
        while candidate + WALFormat.recordHeaderSize <= bytes.count {
            if case .success(let (lsn, _, _)) = record(at: candidate, in: bytes, path: path), lsn >= minimumLSN {
                return true
            }
            candidate += 1
        }
        return false
    }
}
