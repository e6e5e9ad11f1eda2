import QtQuick 2.15
import KeyKiosk 1.0

// A profile's status as the seeds name it; critical ones stand out.
Rectangle {
    property string text
    property bool critical: false
    property real maximumWidth: 10000
    width: Math.min(implicitWidth, maximumWidth)
    implicitWidth: label.implicitWidth + 24
    implicitHeight: label.implicitHeight + 12
    radius: height / 2
    color: critical ? Theme.criticalBackground : (Theme.contrast ? "#000000" : "#e6f4ea")
    border.color: critical ? Theme.critical : Theme.ok
    border.width: 2
    PlainText {
        id: label
        anchors.centerIn: parent
        width: Math.min(implicitWidth, parent.maximumWidth - 24)
        elide: Text.ElideRight
        text: parent.text
        font.pixelSize: Theme.smallSize
        font.bold: true
        color: parent.critical ? Theme.critical : Theme.ok
    }
}
