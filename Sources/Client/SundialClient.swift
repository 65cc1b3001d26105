// The async Swift client for the wire protocol arrives with the server issue.
import SundialWire

/// Namespace of the client module.
public enum SundialClientModule {}
