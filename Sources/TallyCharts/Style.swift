/// Colours and type sizes of every chart, tuned to read at 640 px: body text no smaller than
/// 12 px, greys that keep 4.5:1 contrast on white, one blue for published counts.
enum Style {
    /// Generic families only: no web fonts, nothing fetched. Renderers pick their own sans-serif.
    static let font = "sans-serif"
    static let margin = 20.0

    static let titleSize = 20.0
    static let subtitleSize = 14.0
    static let labelSize = 13.0
    static let valueSize = 13.0
    static let smallSize = 12.0

    static let ink = "#1a1a1a"
    static let secondary = "#4d4d4d"
    static let muted = "#6b6b6b"
    static let grid = "#e3e3e3"
    static let axis = "#8c8c8c"

    static let total = "#1f4e79"
    static let published = "#3a78b5"
    static let light = "#b9d1ea"
    static let hatchBase = "#d9e6f4"
    static let remainderBase = "#ececec"
    static let remainderInk = "#7a7a7a"
}

/// How a part of a chart is filled; the legend shows the same fills.
enum Fill: Equatable {
    case solid(String)
    /// Derived values: diagonal stripes of the published colour on a pale ground.
    case derived
    /// The part of a whole no breakdown row accounts for: grey stripes.
    case remainder

    func paint(_ prefix: String) -> String {
        switch self {
        case .solid(let colour): colour
        case .derived: "url(#\(prefix)-derived)"
        case .remainder: "url(#\(prefix)-remainder)"
        }
    }
}
