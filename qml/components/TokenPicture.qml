import QtQuick 2.15
import KeyKiosk 1.0

// A USB token drawn with rectangles (no image assets to ship or scale).
Item {
    implicitWidth: 260
    implicitHeight: 120
    Rectangle {
        id: plug
        x: 0; y: parent.height / 2 - 22
        width: 70; height: 44
        color: Theme.contrast ? "#ffffff" : "#b8c2cf"
        border.color: Theme.text
        radius: 4
    }
    Rectangle {
        x: plug.width - 4; y: 0
        width: parent.width - x; height: parent.height
        radius: 22
        color: Theme.accent
        Rectangle {
            anchors.right: parent.right; anchors.rightMargin: 28
            anchors.verticalCenter: parent.verticalCenter
            width: 22; height: 22; radius: 11
            color: Theme.textOnAccent
        }
    }
}
