// The `sundial serve` HTTP and wire-protocol server arrives with the server issue.
import Sundial
import SundialReplication
import SundialWire

/// Namespace of the server module.
public enum SundialServerModule {}
