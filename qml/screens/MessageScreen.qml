import QtQuick 2.15
import KeyKiosk 1.0
import "../components"

// A problem the client can act on (remove a stick, leave one token), with the code staff quote.
Item {
    // A Column, not a ColumnLayout: wrapped text inside layouts makes them re-arrange in a loop.
    Column {
        id: content
        anchors.centerIn: parent
        width: Math.min(parent.width - 2 * Theme.margin, 900)
        spacing: 24
        Rectangle {
            anchors.horizontalCenter: parent.horizontalCenter
            width: 96; height: 96; radius: 48
            color: Theme.criticalBackground
            border.color: Theme.critical
            border.width: 4
            PlainText {
                anchors.centerIn: parent
                text: "!"
                font.pixelSize: 56
                font.bold: true
                color: Theme.critical
            }
        }
        PlainText {
            objectName: "message"
            width: content.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: Kiosk.message
            font.pixelSize: Theme.titleSize - 6
            color: Theme.text
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
