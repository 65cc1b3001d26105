// The wire-protocol frame codec arrives with the server issue.
import SundialStorage

/// Namespace of the wire frame codec module.
public enum SundialWireModule {}
