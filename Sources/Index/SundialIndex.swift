// The series registry and inverted tag index arrive with the index issue.
// Until then this module only fixes its place in the dependency graph.
import SundialStorage

/// Namespace of the index module.
public enum SundialIndexModule {
    /// The storage block format this index build reads.
    public static let blockFormatVersion = ColumnBlock.formatVersion
}
