import QtQuick 2.15
import KeyKiosk 1.0
import "../components"

// A journey that ended in an error from the catalogue; the current key still works.
StepPage {
    title: Journey.seeStaff ? qsTr("Please see the staff") : qsTr("The renewal did not complete")
    body: Journey.message
    critical: true
    Text {
        width: parent.width
        horizontalAlignment: Text.AlignHCenter
        text: qsTr("Error code: %1").arg(Journey.errorId)
        font.family: Theme.fontFamily
        font.pixelSize: Theme.smallSize
        color: Theme.mutedText
    }
    buttons: [
        KioskButton { objectName: "closeButton"; text: qsTr("Back"); primary: true; onClicked: Journey.close() }
    ]
}
