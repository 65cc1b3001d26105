// Workspace scope: what a statement confined to one workspace may see.
//
// The rule is applied where a table is resolved, so it holds at every depth (FROM,
// WITH, derived tables): a table without the tenant tag does not exist for a scoped
// statement (its name is not even suggested), and every scan of a table with it gets
// `<tenantTag> = '<workspace>'` as its first tag predicate. The tag index answers that
// predicate, so the scan reads the workspace's series only; the user's own conditions
// (`OR workspace_id = 'other'`, `workspace_id IS NULL`, …) are evaluated over those rows
// and cannot widen them.
import SundialIndex
import SundialStorage

extension QueryScope {
    /// Whether a table can be seen under this scope: always when unrestricted, else when
    /// it has the tenant tag.
    func isVisible(_ table: TableSchema) -> Bool {
        workspace == nil || table.columns.contains { $0.type == .tag && $0.name == tenantTag }
    }

    /// The index predicate every scan of a visible table gets (nil when unrestricted).
    var predicate: TagPredicate? {
        workspace.map { TagPredicate(tenantTag, .equal($0)) }
    }

    /// A scope must name a workspace that rows can carry: an empty value would select
    /// the rows *without* the tenant tag (a missing tag is the empty value in the index).
    func validate() throws(QueryError) {
        guard let workspace else { return }
        guard !workspace.isEmpty, !tenantTag.isEmpty else {
            throw QueryError(.unsupported, "a workspace scope needs a non-empty workspace and tenant tag")
        }
    }
}

extension Binder {
    /// The tables a statement under `scope` can see, by name.
    static func visibleTables(_ catalog: Catalog, _ scope: QueryScope) -> [TableSchema] {
        catalog.tables.values.filter(scope.isVisible)
    }

    /// Resolves a table name among the tables visible under `scope`: a table hidden by the
    /// scope is reported exactly as a table that does not exist.
    static func resolveTable(_ name: Identifier, _ catalog: Catalog, scope: QueryScope) throws(QueryError) -> TableSchema {
        guard scope.workspace != nil else { return try resolveTable(name, catalog) }
        let visible = visibleTables(catalog, scope)
        if let t = visible.first(where: { $0.name == name.value }) { return t }
        if !name.isQuoted, let t = visible.first(where: { $0.name.lowercased() == name.value.lowercased() }) { return t }
        var message = "table \"\(name.value)\" does not exist"
        if let near = nearest(name.value, visible.map(\.name)) { message += "; did you mean \"\(near)\"?" }
        throw QueryError(.unknownTable, message, at: name.location)
    }
}
