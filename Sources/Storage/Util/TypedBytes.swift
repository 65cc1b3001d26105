// Array's `withUnsafe*Bytes` rethrow untyped errors; these wrappers keep the module's
// typed `throws(StorageError)` through them.

extension Array where Element == UInt8 {
    /// `withUnsafeBytes` for a body that throws `StorageError`.
    @inlinable
    public func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws(StorageError) -> R) throws(StorageError) -> R {
        let result: Result<R, StorageError> = withUnsafeBytes { raw in
            Result { () throws(StorageError) -> R in try body(raw) }
        }
        return try result.get()
    }

    /// `withUnsafeMutableBytes` for a body that throws `StorageError`.
    @inlinable
    public mutating func withMutableBytes<R>(_ body: (UnsafeMutableRawBufferPointer) throws(StorageError) -> R) throws(StorageError) -> R {
        let result: Result<R, StorageError> = withUnsafeMutableBytes { raw in
            Result { () throws(StorageError) -> R in try body(raw) }
        }
        return try result.get()
    }
}
