pragma Singleton
import QtQuick 2.15
import KeyKiosk 1.0

// Colours and sizes in one place; high contrast swaps the palette.
QtObject {
    readonly property bool contrast: Appearance.highContrast
    readonly property color background: contrast ? "#000000" : "#f3f5f8"
    readonly property color surface: contrast ? "#000000" : "#ffffff"
    readonly property color text: contrast ? "#ffffff" : "#1b2533"
    readonly property color mutedText: contrast ? "#ffffff" : "#5b6776"
    readonly property color accent: contrast ? "#ffff00" : "#0b5cad"
    readonly property color textOnAccent: contrast ? "#000000" : "#ffffff"
    readonly property color border: contrast ? "#ffffff" : "#d5dbe3"
    readonly property color critical: contrast ? "#ffff00" : "#b3261e"
    readonly property color criticalBackground: contrast ? "#000000" : "#fdecea"
    readonly property color ok: contrast ? "#00ff00" : "#1e7b34"
    readonly property color selection: contrast ? "#333300" : "#e3eefb"

    readonly property int touchTarget: 56      // ≥ 48 px everywhere
    readonly property int margin: 32
    readonly property int titleSize: 40
    readonly property int bodySize: 24
    readonly property int smallSize: 18
    readonly property string fontFamily: "DejaVu Sans"
}
