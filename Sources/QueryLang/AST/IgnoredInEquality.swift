// Source locations ride along in the syntax tree without taking part in its equality.
//
// The same idea as sqlparser-rs's `AttachedToken`, whose `PartialEq` is always true:
// two trees are equal when they say the same thing, wherever it was written. That is
// what print-and-reparse tests need, and what a binder needs to match a GROUP BY
// expression against a select item written elsewhere in the query. `SourceLocation`
// itself keeps ordinary equality, so tests can still assert positions exactly.

/// A stored property that equality and hashing ignore.
///
/// Syntax tree nodes mark their ``SourceLocation`` with it, so that
/// `parse("a+b") == parse("a + b")` while `node.location` still says where each was.
@propertyWrapper
public struct IgnoredInEquality<Value: Sendable>: Hashable, Sendable {
    /// The stored value.
    public var wrappedValue: Value

    /// Wraps a value.
    public init(wrappedValue: Value) {
        self.wrappedValue = wrappedValue
    }

    /// Always true.
    public static func == (lhs: Self, rhs: Self) -> Bool { true }

    /// Contributes nothing to the hash.
    public func hash(into hasher: inout Hasher) {}
}
