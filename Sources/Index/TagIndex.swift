// The tag index of an open database: the inverted index, kept current by following the
// storage engine's series registrations, and safe to share between tasks.
//
// The registry (in SundialStorage) is the source of truth and is durable; the inverted
// index is derived from it, built when the database opens and extended before each
// query with the series registered since. A series is in the index as soon as a write
// admitting it has been accepted, possibly before its rows are visible: a scan then
// finds no rows for it, which is the same answer.
import SundialStorage
import Synchronization

/// The tag index of a database (see `Database.select` and the listing calls).
public final class TagIndex: Sendable {
    struct State {
        var index = InvertedIndex()
        /// Registrations consumed so far.
        var position = 0
    }

    private let state = Mutex(State())
    let engine: StorageEngine

    /// Builds the index of every series `engine` has registered.
    public init(engine: StorageEngine) {
        self.engine = engine
        update()
    }

    /// Adds the series registered since the last call.
    public func update() {
        let position = state.withLock { $0.position }
        let (registrations, next) = engine.seriesRegistrations(from: position)
        guard !registrations.isEmpty else { return }
        state.withLock { s in
            guard s.position == position else { return }  // another caller got there first
            // Registration order is id order except after a replay of concurrent writers.
            let ordered = zip(registrations, registrations.dropFirst()).allSatisfy { $0.id < $1.id }
                ? registrations : registrations.sorted { $0.id < $1.id }
            for registration in ordered {
                s.index.add(registration.id, table: registration.table, tags: registration.tags)
            }
            s.index.sortNewValues()
            s.position = next
        }
    }

    /// The ids of the series of `table` matching every predicate, ascending (nil for an
    /// unknown table).
    public func select(table: String, _ predicates: [TagPredicate]) -> [SeriesID]? {
        guard let id = engine.catalog.table(table)?.id else { return nil }
        update()
        return state.withLock { $0.index.select(table: id, predicates) }.ids
    }

    /// The tag keys of `table`, sorted.
    public func tagKeys(table: String) -> [String] {
        guard let id = engine.catalog.table(table)?.id else { return [] }
        update()
        return state.withLock { $0.index.tagKeys(table: id) }
    }

    /// The values of tag `key` of `table`, sorted, starting with `prefix`, at most `limit`.
    public func tagValues(table: String, key: String, prefix: String = "", limit: Int = 1000) -> [String] {
        guard let id = engine.catalog.table(table)?.id else { return [] }
        update()
        return state.withLock { $0.index.tagValues(table: id, key: key, prefix: prefix, limit: limit) }
    }

    /// The values of tag `key` of `table` carried by a series matching every predicate,
    /// sorted (what a workspace-scoped `SHOW TAG VALUES` lists).
    public func tagValues(table: String, key: String, where predicates: [TagPredicate]) -> [String] {
        guard let id = engine.catalog.table(table)?.id else { return [] }
        update()
        return state.withLock { s in s.index.tagValues(table: id, key: key, among: s.index.select(table: id, predicates)) }
    }

    /// The number of series of `table`.
    public func seriesCount(table: String) -> Int {
        guard let id = engine.catalog.table(table)?.id else { return 0 }
        update()
        return state.withLock { $0.index.seriesCount(table: id) }
    }

    /// Bytes the inverted index holds in memory (an estimate).
    public var memoryBytes: Int {
        update()
        return state.withLock { $0.index.approximateBytes }
    }
}
