import QtQuick 2.15
import KeyKiosk 1.0
import "../components"

// A journey that ended in an error from the catalogue; the current key still works.
StepPage {
    title: Journey.seeStaff ? qsTr("Please see the staff") : qsTr("The renewal did not complete")
    body: Journey.message
    critical: true
    PlainText {
        objectName: "requestKept"
        width: parent.width
        visible: Journey.requestKept
        horizontalAlignment: Text.AlignHCenter
        wrapMode: Text.WordWrap
        text: qsTr("Your new key stays on the token, and the bank keeps any request it has. Next time you continue where you left off.")
        font.pixelSize: Theme.bodySize - 2
    }
    PlainText {
        width: parent.width
        horizontalAlignment: Text.AlignHCenter
        text: qsTr("Error code: %1").arg(Journey.errorId)
        font.pixelSize: Theme.smallSize
        color: Theme.mutedText
    }
    buttons: [
        KioskButton { objectName: "closeButton"; text: qsTr("Back"); primary: true; onClicked: Journey.close() }
    ]
}
