// Binary search over ascending collections: series directories, wanted-series lists, tag
// values, time-zone transitions.

extension RandomAccessCollection where Element: Comparable, Index == Int {
    /// The index of the first element not below `value` (`endIndex` when none is).
    @inlinable
    public func sortedLowerBound(_ value: Element) -> Int {
        var low = startIndex
        var high = endIndex
        while low < high {
            let mid = (low + high) / 2
            if self[mid] < value { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// The index of the first element above `value` (`endIndex` when none is).
    @inlinable
    public func sortedUpperBound(_ value: Element) -> Int {
        var low = startIndex
        var high = endIndex
        while low < high {
            let mid = (low + high) / 2
            if self[mid] <= value { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// The index of `value`, if present.
    @inlinable
    public func sortedIndex(of value: Element) -> Int? {
        let i = sortedLowerBound(value)
        return i < endIndex && self[i] == value ? i : nil
    }
}
