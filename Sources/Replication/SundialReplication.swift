// WAL shipping to replicas arrives with the replication issue.
import Sundial
import SundialWire

/// Namespace of the replication module.
public enum SundialReplicationModule {}
