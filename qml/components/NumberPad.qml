import QtQuick 2.15
import KeyKiosk 1.0

// Digits for the staff checklist: an application number, a date, SNILS, INN. Nothing here is
// secret, so the keys keep their usual places (unlike the PIN pad).
Grid {
    id: pad
    signal digit(int value)
    signal erase()
    columns: 3
    spacing: 10
    Repeater {
        model: [1, 2, 3, 4, 5, 6, 7, 8, 9, -1, 0, -2]
        KioskButton {
            objectName: modelData >= 0 ? "numberKey" + modelData : (modelData === -2 ? "numberErase" : "")
            // the empty corner keeps its place in the grid (an invisible item would not)
            opacity: modelData === -1 ? 0 : 1
            enabled: modelData !== -1
            width: Theme.touchTarget * 1.6
            text: modelData >= 0 ? String(modelData) : "⌫"
            accessibleName: modelData >= 0 ? String(modelData) : qsTr("Erase")
            onClicked: modelData >= 0 ? pad.digit(modelData) : pad.erase()
        }
    }
}
