// What a statement may see: the workspace of a workspace-scoped credential. The binder
// adds `<tenantTag> = '<workspace>'` to every scan of a table that has the tenant tag;
// a table without it is not visible to a scoped statement.

/// The workspace a statement runs in (none: it sees every row).
public struct QueryScope: Sendable, Hashable {
    /// The workspace whose rows the statement sees, or nil for all rows.
    public var workspace: String?
    /// The tag that holds a row's workspace.
    public var tenantTag: String

    public init(workspace: String? = nil, tenantTag: String = "workspace_id") {
        self.workspace = workspace
        self.tenantTag = tenantTag
    }

    /// Every row of every table.
    public static let unrestricted = QueryScope()
}
