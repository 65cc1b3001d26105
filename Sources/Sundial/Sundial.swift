// The embedding facade (`Database`) arrives with the storage engine issue. For now it
// re-exports the storage layer so an application can use the column codecs.
@_exported import SundialStorage
import SundialQueryLang
import SundialIndex

/// Sundial's version string.
public enum SundialVersion {
    /// The release this build belongs to.
    public static let current = "0.1.0-dev"
}
