import QtQuick 2.15
import KeyKiosk 1.0
import "../components"

Item {
    // A Column, not a ColumnLayout: wrapped text inside layouts makes them re-arrange in a loop.
    Column {
        id: content
        anchors.centerIn: parent
        width: Math.min(parent.width - 2 * Theme.margin, 900)
        spacing: 24
        PlainText {
            objectName: "title"
            width: content.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: qsTr("Temporarily out of service")
            font.pixelSize: Theme.titleSize + 4
            font.bold: true
            color: Theme.text
        }
        PlainText {
            width: content.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: Kiosk.message
            font.pixelSize: Theme.bodySize
            color: Theme.mutedText
        }
        PlainText {
            width: content.width
            horizontalAlignment: Text.AlignHCenter
            text: qsTr("Error code: %1").arg(Kiosk.errorId)
            font.pixelSize: Theme.smallSize
            color: Theme.mutedText
        }
    }
}
