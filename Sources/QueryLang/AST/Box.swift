// An immutable heap box with value semantics, for large syntax tree values that
// nest: copying a box copies a pointer, and setting its value replaces the box.

/// A value stored out of line. `Box` is compared and hashed by its value.
enum Box<Value> {
    indirect case value(Value)

    init(_ value: Value) { self = .value(value) }

    var value: Value {
        get { switch self { case .value(let value): value } }
        set { self = .value(newValue) }
    }
}

extension Box: Equatable where Value: Equatable {}
extension Box: Hashable where Value: Hashable {}
extension Box: Sendable where Value: Sendable {}
