// What each role may do, decided from the parsed statement (never from the SQL text),
// and the tenant-tag check applied to every line a workspace-scoped credential writes.
import Sundial
import SundialServerCore

/// Role and workspace rules shared by HTTP and the wire protocol.
public enum Authorization {
    /// The least role that may run `statement`: reader for SELECT, EXPLAIN, SHOW and
    /// DESCRIBE; writer for INSERT; admin for DDL and DELETE.
    public static func requiredRole(for statement: Statement) -> Role {
        switch statement {
        case .query, .explain, .showTables, .showColumns, .showTagValues: .reader
        case .insert: .writer
        case .createTable, .alterTable, .dropTable, .delete: .admin
        }
    }

    /// Refuses `statement` for `principal` when its role is too low, or when a
    /// workspace-scoped principal tries DDL. A scoped principal's SELECT, SHOW, INSERT and
    /// DELETE are confined to its workspace by the binder (`QueryScope`); CREATE, ALTER
    /// and DROP change tables every workspace shares, so they need an unscoped admin.
    public static func check(_ statement: Statement, for principal: Principal) -> AuthError? {
        let needed = requiredRole(for: statement)
        if principal.role < needed {
            return AuthError(.forbidden, "the \(principal.role.rawValue) role may not run this statement (it needs \(needed.rawValue))")
        }
        if let workspace = principal.workspace {
            switch statement {
            case .createTable, .alterTable, .dropTable:
                return AuthError(.forbidden, "a credential of workspace \"\(workspace)\" may not change tables every workspace shares (CREATE, ALTER, DROP need an unscoped admin)")
            default:
                break
            }
        }
        return nil
    }

    /// Refuses writes for readers.
    public static func checkWrite(for principal: Principal) -> AuthError? {
        principal.role < .writer ? AuthError(.forbidden, "the reader role may not write") : nil
    }

    /// The per-line check for a workspace-scoped writer: nil when `point` carries
    /// `tenantTag=workspace`, otherwise the reason the line is rejected.
    public static func tenantViolation(_ point: Point, workspace: String, tenantTag: String) -> String? {
        guard let value = point.tags.first(where: { $0.key == tenantTag })?.value else {
            return "the line has no \(tenantTag) tag; this credential writes only \(tenantTag)=\(workspace)"
        }
        return value == workspace ? nil : "the line's \(tenantTag) is not this credential's workspace (\(workspace))"
    }
}
