// SundialServer: `sundial serve` — the HTTP API (Server/HTTP), authentication, roles and
// limits (Server/Security), configuration (Server/Configuration), metrics
// (Server/Metrics) and the process's services (Server/Lifecycle). The wire protocol
// lives in Server/Wire. docs/http.md and docs/server.md describe it for users.
import Sundial
import SundialReplication
// The pure parsers and credential checks (JSON, gzip, query strings and bodies, digests,
// JWTs, principals) live in SundialServerCore so that the fuzz package can build them
// without NIO; re-exported so that `import SundialServer` still brings them.
@_exported import SundialServerCore
import SundialWire

/// Namespace of the server module.
public enum SundialServerModule {}
