// The series registry as the engine exposes it: the index module follows registrations
// to keep its inverted index current; listing and `stats` read counts.

extension StorageEngine {
    /// Registrations from position `start` of the registry's registration order, and the
    /// position after them (pass it next time to get only newer ones).
    public func seriesRegistrations(from start: Int) -> (registrations: [SeriesRegistration], next: Int) {
        state.withLock { s in (s.registry.registrations(from: start), s.registry.count) }
    }

    /// The number of series registered for `table` (nil for an unknown table).
    public func seriesCount(table name: String) -> Int? {
        state.withLock { s in s.catalog.table(name).map { s.registry.count(table: $0.id) } }
    }

    /// The table and canonical key of a series id.
    public func seriesKey(of id: SeriesID) -> SeriesKey? {
        state.withLock { $0.registry.key(of: id) }
    }
}
